package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// Orders is the SQL order.Store of one tenant (table o2c_orders, migration
// 0003).
type Orders struct {
	db     *DB
	tenant o2c.TenantID
}

var _ order.Store = (*Orders)(nil)

// Orders returns the tenant's order store.
func (s *Store) Orders() order.Store { return &Orders{db: s.db, tenant: s.tenant} }

var ordersTable = &table[order.Snapshot]{
	name:       "o2c_orders",
	kind:       "order",
	id:         func(o *order.Snapshot) string { return o.ID.String() },
	version:    func(o *order.Snapshot) int64 { return o.Version },
	setVersion: func(o *order.Snapshot, v int64) { o.Version = v },
	columns: []string{"customer_id", "status", "currency", "net_total", "tax_total", "gross_total",
		"open_order_value", "uninvoiced_value", "requested_delivery", "customer_reference"},
	values: func(_ *DB, o *order.Snapshot) []any {
		var ref any
		if o.CustomerReference != "" {
			ref = o.CustomerReference
		}
		return []any{o.Customer.String(), o.Status.String(), o.Currency.Code(),
			o.Totals.Net.AmountString(), o.Totals.Tax.AmountString(), o.Totals.Gross.AmountString(),
			o.Exposure.OpenOrder.AmountString(), o.Exposure.UninvoicedDelivery.AmountString(),
			o.RequestedDelivery, ref}
	},
}

var orders = &aggregates[order.Order, order.Snapshot]{
	table:    ordersTable,
	kind:     "order",
	snapshot: (*order.Order).Snapshot,
	restore:  order.FromSnapshot,
	tenant:   (*order.Order).Tenant,
	events:   (*order.Order).PendingEvents,
	check:    order.CheckTenant,
	pull:     (*order.Order).PullEvents,
}

// TenantID implements order.Store.
func (s *Orders) TenantID() o2c.TenantID { return s.tenant }

// Create implements order.Store.
func (s *Orders) Create(ctx context.Context, o *order.Order) error {
	if err := order.CheckTenant(s.tenant, o); err != nil {
		return err
	}
	if o.Version() != 0 {
		return &o2c.ValidationError{Field: "version", Rule: "must be 0: the order is stored already (use Save or Update)"}
	}
	return orders.create(ctx, s.db, s.tenant, o)
}

// Get implements order.Store.
func (s *Orders) Get(ctx context.Context, id order.ID) (*order.Order, error) {
	return orders.get(ctx, s.db, s.tenant, id.String())
}

// Update implements order.Store. On PostgreSQL the row is locked while fn
// runs, so concurrent updates queue; SQLite serialises writers.
func (s *Orders) Update(ctx context.Context, id order.ID, fn func(o *order.Order) error) (*order.Order, error) {
	return orders.update(ctx, s.db, s.tenant, id.String(), fn, func(_ *order.Snapshot, o *order.Order) error {
		if o.ID() != id || o.Tenant() != s.tenant {
			return &o2c.ValidationError{Field: "order", Rule: "the update must change the order it was given, not replace it"}
		}
		return nil
	})
}

// Save implements order.Store.
func (s *Orders) Save(ctx context.Context, o *order.Order) error {
	return orders.save(ctx, s.db, s.tenant, o)
}

// List implements order.Store.
func (s *Orders) List(ctx context.Context, q order.Query) ([]*order.Order, error) {
	q, err := q.Normalized()
	if err != nil {
		return nil, err
	}
	var (
		where []string
		args  []any
	)
	if !q.Customer.IsZero() {
		args = append(args, q.Customer.String())
		where = append(where, fmt.Sprintf("customer_id = $%d", len(args)+1))
	}
	if len(q.Statuses) > 0 {
		ps := make([]string, len(q.Statuses))
		for i, st := range q.Statuses {
			args = append(args, st.String())
			ps[i] = fmt.Sprintf("$%d", len(args)+1)
		}
		where = append(where, "status IN ("+strings.Join(ps, ", ")+")")
	}
	snaps, err := ordersTable.list(ctx, s.db, s.tenant, query{
		where: strings.Join(where, " AND "), args: args, orderBy: "id", limit: q.Limit, offset: q.Offset,
	})
	if err != nil {
		return nil, err
	}
	out := make([]*order.Order, len(snaps))
	for i, sn := range snaps {
		if out[i], err = order.FromSnapshot(*sn); err != nil {
			return nil, err
		}
	}
	return out, nil
}
