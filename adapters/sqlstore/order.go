package sqlstore

import (
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/stores"
)

// Orders returns the tenant's order store (stores.Orders on this DB's
// kernel backend, table o2c_orders of migration 0003).
func (s *Store) Orders() order.Store { return stores.NewOrders(s.Kernel()) }
