// Package stores holds every domain store of this module written once on
// the storage kernel (package kernel): the customer master, orders,
// invoices, payments, credit, dunning, matching, the outbox-backed stores
// and the e-invoice timelines. The adapters (adapters/memory,
// adapters/sqlstore) implement kernel.Backend and hand these stores a
// kernel.Scope from their tenant handles; the rules (tenant checks,
// version rules, query normalisation, uniqueness) live here and in the
// kernel, never in an adapter.
//
//	scope := memory.New().MustTenant("acme").Kernel()
//	customers := stores.Customers(scope)
package stores
