package stores

import (
	"context"

	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// orderDocs keeps order snapshots in o2c_orders (the SQL adapter's
// migration 0003, which the declaration matches).
var orderDocs = kernel.Declare(kernel.Kind{
	Name:  "order",
	Table: "o2c_orders",
	Columns: []kernel.Column{
		{Name: "customer_id", Type: kernel.Text},
		{Name: "status", Type: kernel.Text},
		{Name: "currency", Type: kernel.Text},
		{Name: "net_total", Type: kernel.Decimal},
		{Name: "tax_total", Type: kernel.Decimal},
		{Name: "gross_total", Type: kernel.Decimal},
		{Name: "open_order_value", Type: kernel.Decimal},
		{Name: "uninvoiced_value", Type: kernel.Decimal},
		{Name: "requested_delivery", Type: kernel.Date, Nullable: true},
		{Name: "customer_reference", Type: kernel.Text, Nullable: true},
	},
	Indexes: [][]string{{"customer_id", "status"}},
}, kernel.Spec[order.Snapshot]{
	ID:      func(o *order.Snapshot) string { return o.ID.String() },
	Version: func(o *order.Snapshot) *int64 { return &o.Version },
	Index: func(o *order.Snapshot) []any {
		return []any{o.Customer, o.Status.String(), o.Currency.Code(),
			o.Totals.Net.AmountString(), o.Totals.Tax.AmountString(), o.Totals.Gross.AmountString(),
			o.Exposure.OpenOrder.AmountString(), o.Exposure.UninvoicedDelivery.AmountString(),
			o.RequestedDelivery, o.CustomerReference}
	},
})

var orders = &aggregates[order.Order, order.Snapshot]{
	docs:     orderDocs,
	snapshot: (*order.Order).Snapshot,
	restore:  order.FromSnapshot,
	check:    order.CheckTenant,
	version:  (*order.Order).Version,
	id:       func(o *order.Order) string { return o.ID().String() },
	pending:  (*order.Order).PendingEvents,
	pull:     (*order.Order).PullEvents,
}

// Orders is the order.Store of one tenant on the kernel.
type Orders struct{ s kernel.Scope }

var _ order.Store = (*Orders)(nil)

// NewOrders returns the order store of the scope's tenant.
func NewOrders(s kernel.Scope) *Orders { return &Orders{s: s} }

// TenantID implements order.Store.
func (s *Orders) TenantID() o2c.TenantID { return s.s.Tenant }

// Create implements order.Store.
func (s *Orders) Create(ctx context.Context, o *order.Order) error { return orders.create(ctx, s.s, o) }

// Get implements order.Store.
func (s *Orders) Get(ctx context.Context, id order.ID) (*order.Order, error) {
	return orders.get(ctx, s.s, id.String())
}

// Update implements order.Store: fn runs on the locked current version.
func (s *Orders) Update(ctx context.Context, id order.ID, fn func(o *order.Order) error) (*order.Order, error) {
	return orders.update(ctx, s.s, id.String(), fn, nil)
}

// Save implements order.Store.
func (s *Orders) Save(ctx context.Context, o *order.Order) error { return orders.save(ctx, s.s, o) }

// List implements order.Store: ordered by id (UUIDv7: creation order).
func (s *Orders) List(ctx context.Context, q order.Query) ([]*order.Order, error) {
	q, err := q.Normalized()
	if err != nil {
		return nil, err
	}
	kq := kernel.Query{Order: []kernel.Sort{kernel.Asc("id")}, Limit: q.Limit, Offset: q.Offset}
	if !q.Customer.IsZero() {
		kq.Where = append(kq.Where, kernel.Eq("customer_id", q.Customer))
	}
	if len(q.Statuses) > 0 {
		sts := make([]string, len(q.Statuses))
		for i, st := range q.Statuses {
			sts[i] = st.String()
		}
		kq.Where = append(kq.Where, kernel.In("status", sts))
	}
	return orders.list(ctx, s.s, kq)
}
