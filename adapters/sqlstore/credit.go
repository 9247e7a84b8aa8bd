package sqlstore

import (
	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/stores"
)

// CreditProfiles returns the tenant's credit profiles, groups and releases
// (stores.Credit on this DB's kernel backend).
func (s *Store) CreditProfiles() credit.Store { return stores.NewCredit(s.Kernel()) }
