package memory

import (
	"bytes"
	"context"
	"slices"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// Orders is the in-memory order.Store of one tenant.
type Orders struct {
	db     *DB
	tenant o2c.TenantID
}

var _ order.Store = (*Orders)(nil)

// Orders returns the tenant's order store.
func (s *Store) Orders() order.Store { return &Orders{db: s.db, tenant: s.tenant} }

func orderTable(db *DB) *table[order.Snapshot] {
	return tableOf(db, "orders", func() *table[order.Snapshot] {
		return &table[order.Snapshot]{
			kind:       "order",
			id:         func(o *order.Snapshot) string { return o.ID.String() },
			version:    func(o *order.Snapshot) int64 { return o.Version },
			setVersion: func(o *order.Snapshot, v int64) { o.Version = v },
		}
	})
}

var orders = &aggregates[order.Order, order.Snapshot]{
	table:    orderTable,
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

// Update implements order.Store.
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
	keep := func(sn *order.Snapshot) bool {
		return (q.Customer.IsZero() || sn.Customer == q.Customer) && (len(q.Statuses) == 0 || slices.Contains(q.Statuses, sn.Status))
	}
	byID := func(a, b *order.Snapshot) bool {
		ua, ub := a.ID.UUID(), b.ID.UUID()
		return bytes.Compare(ua[:], ub[:]) < 0
	}
	snaps, err := orderTable(s.db).list(ctx, s.db, s.tenant, keep, byID, q.Limit, q.Offset)
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
