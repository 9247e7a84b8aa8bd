package memory

import (
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/stores"
)

// Orders returns the tenant's order store (stores.Orders on this DB's
// kernel backend).
func (s *Store) Orders() order.Store { return stores.NewOrders(s.Kernel()) }
