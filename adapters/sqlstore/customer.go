package sqlstore

import (
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/stores"
)

// Customers returns the tenant's customer master (stores.Customers on
// this DB's kernel backend, kept in o2c_customers and o2c_customer_ibans
// of migration 0002).
func (s *Store) Customers() customer.Store { return stores.NewCustomers(s.Kernel()) }
