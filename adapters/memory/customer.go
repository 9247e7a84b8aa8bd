package memory

import (
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/stores"
)

// Customers returns the tenant's customer master (stores.Customers on
// this DB's kernel backend).
func (s *Store) Customers() customer.Store { return stores.NewCustomers(s.Kernel()) }
