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

func (s *Orders) table() *table[order.Snapshot] {
	return tableOf(s.db, "orders", func() *table[order.Snapshot] {
		return &table[order.Snapshot]{
			kind:       "order",
			id:         func(o *order.Snapshot) string { return o.ID.String() },
			version:    func(o *order.Snapshot) int64 { return o.Version },
			setVersion: func(o *order.Snapshot, v int64) { o.Version = v },
		}
	})
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
	snap := o.Snapshot()
	if err := s.table().insert(ctx, s.db, s.tenant, &snap, o.PendingEvents()); err != nil {
		return err
	}
	return reload(o, snap)
}

// reload replaces o by the order as stored (new version, no pending events).
func reload(o *order.Order, snap order.Snapshot) error {
	fresh, err := order.FromSnapshot(snap)
	if err != nil {
		return err
	}
	*o = *fresh
	return nil
}

// Get implements order.Store.
func (s *Orders) Get(ctx context.Context, id order.ID) (*order.Order, error) {
	snap, err := s.table().get(ctx, s.db, s.tenant, id.String())
	if err != nil {
		return nil, err
	}
	return order.FromSnapshot(*snap)
}

// Update implements order.Store.
func (s *Orders) Update(ctx context.Context, id order.ID, fn func(o *order.Order) error) (*order.Order, error) {
	snap, err := s.table().update(ctx, s.db, s.tenant, id.String(), func(sn *order.Snapshot) ([]o2c.Event, error) {
		o, err := order.FromSnapshot(*sn)
		if err != nil {
			return nil, err
		}
		if err := fn(o); err != nil {
			return nil, err
		}
		if o.ID() != id || o.Tenant() != s.tenant {
			return nil, &o2c.ValidationError{Field: "order", Rule: "the update must change the order it was given, not replace it"}
		}
		events := o.PullEvents()
		*sn = o.Snapshot()
		return events, nil
	})
	if err != nil {
		return nil, err
	}
	return order.FromSnapshot(*snap)
}

// Save implements order.Store.
func (s *Orders) Save(ctx context.Context, o *order.Order) error {
	if err := order.CheckTenant(s.tenant, o); err != nil {
		return err
	}
	snap := o.Snapshot()
	if err := s.table().save(ctx, s.db, s.tenant, &snap, o.PendingEvents()); err != nil {
		return err
	}
	return reload(o, snap)
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
	snaps, err := s.table().list(ctx, s.db, s.tenant, keep, byID, q.Limit, q.Offset)
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
