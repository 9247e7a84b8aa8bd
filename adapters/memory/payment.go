package memory

import (
	"context"
	"fmt"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Payments is the in-memory invoice.PaymentStore of one tenant.
type Payments struct {
	db     *DB
	tenant o2c.TenantID
}

var _ invoice.PaymentStore = (*Payments)(nil)

// Payments returns the tenant's payments.
func (s *Store) Payments() invoice.PaymentStore { return &Payments{db: s.db, tenant: s.tenant} }

func paymentTable(db *DB) *table[invoice.PaymentSnapshot] {
	return tableOf(db, "payments", func() *table[invoice.PaymentSnapshot] {
		return &table[invoice.PaymentSnapshot]{
			kind:       "payment",
			id:         func(s *invoice.PaymentSnapshot) string { return s.ID.String() },
			version:    func(s *invoice.PaymentSnapshot) int64 { return s.Version },
			setVersion: func(s *invoice.PaymentSnapshot, v int64) { s.Version = v },
		}
	})
}

func paymentKeys(db *DB) *table[invUniqueRow] {
	return invUniqueTable(db, "payment_keys", "payment idempotency key")
}

var payments = &aggregates[invoice.Payment, invoice.PaymentSnapshot]{
	table:    paymentTable,
	kind:     "payment",
	snapshot: (*invoice.Payment).Snapshot,
	restore:  invoice.PaymentFromSnapshot,
	tenant:   (*invoice.Payment).Tenant,
	events:   (*invoice.Payment).PendingEvents,
}

// TenantID implements invoice.PaymentStore.
func (s *Payments) TenantID() o2c.TenantID { return s.tenant }

// Create implements invoice.PaymentStore.
func (s *Payments) Create(ctx context.Context, p *invoice.Payment) error {
	if err := payments.checkTenant(s.tenant, p); err != nil {
		return err
	}
	snap := p.Snapshot()
	snap.Version = 0
	err := invAtomic(ctx, s.db, func(ctx context.Context) error {
		if err := paymentKeys(s.db).insert(ctx, s.db, s.tenant, &invUniqueRow{Key: snap.IdempotencyKey, Target: snap.ID.String()}, nil); err != nil {
			return fmt.Errorf("payment idempotency key %q is taken: %w", snap.IdempotencyKey, o2c.ErrConflict)
		}
		return paymentTable(s.db).insert(ctx, s.db, s.tenant, &snap, p.PendingEvents())
	})
	if err != nil {
		return err
	}
	return payments.reload(p, snap)
}

// Save implements invoice.PaymentStore.
func (s *Payments) Save(ctx context.Context, p *invoice.Payment) error {
	if err := payments.checkTenant(s.tenant, p); err != nil {
		return err
	}
	snap := p.Snapshot()
	err := invAtomic(ctx, s.db, func(ctx context.Context) error {
		cur, err := paymentTable(s.db).get(ctx, s.db, s.tenant, snap.ID.String())
		if err != nil {
			return err
		}
		if cur.IdempotencyKey != snap.IdempotencyKey {
			return o2c.NewValidationError("idempotency_key", "must not change")
		}
		return paymentTable(s.db).save(ctx, s.db, s.tenant, &snap, p.PendingEvents())
	})
	if err != nil {
		return err
	}
	return payments.reload(p, snap)
}

// Get implements invoice.PaymentStore.
func (s *Payments) Get(ctx context.Context, id invoice.PaymentID) (*invoice.Payment, error) {
	return payments.get(ctx, s.db, s.tenant, id.String())
}

// GetByKey implements invoice.PaymentStore.
func (s *Payments) GetByKey(ctx context.Context, key string) (*invoice.Payment, error) {
	var out *invoice.Payment
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		r, err := paymentKeys(s.db).get(ctx, s.db, s.tenant, key)
		if err != nil {
			return o2c.NotFound("payment with idempotency key", key)
		}
		id, err := o2c.ParseID[invoice.Payment](r.Target)
		if err != nil {
			return err
		}
		out, err = s.Get(ctx, id)
		return err
	})
	return out, err
}

// Update implements invoice.PaymentStore.
func (s *Payments) Update(ctx context.Context, id invoice.PaymentID, fn func(*invoice.Payment) error) (*invoice.Payment, error) {
	var out *invoice.Payment
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = payments.update(ctx, s.db, s.tenant, id.String(), fn, func(doc *invoice.PaymentSnapshot, p *invoice.Payment) error {
			if p.ID() != id || p.Tenant() != s.tenant || p.IdempotencyKey() != doc.IdempotencyKey {
				return o2c.NewValidationError("payment", "an update must not change the identity")
			}
			return nil
		})
		return err
	})
	return out, err
}

func (s *Payments) all(ctx context.Context, keep func(*invoice.Payment) bool) ([]*invoice.Payment, error) {
	var out []*invoice.Payment
	var decodeErr error
	_, err := paymentTable(s.db).list(ctx, s.db, s.tenant, func(snap *invoice.PaymentSnapshot) bool {
		p, err := invoice.PaymentFromSnapshot(*snap)
		if err != nil {
			decodeErr = err
			return false
		}
		if keep(p) {
			out = append(out, p)
		}
		return false
	}, nil, 0, 0)
	if err != nil {
		return nil, err
	}
	return out, decodeErr
}

// List implements invoice.PaymentStore.
func (s *Payments) List(ctx context.Context, f invoice.PaymentFilter) ([]*invoice.Payment, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	out, err := s.all(ctx, f.Match)
	if err != nil {
		return nil, err
	}
	invSortStable(out, invoice.LessPayment)
	return invPage(out, f.Limit, f.Offset), nil
}

// Unapplied implements invoice.PaymentStore.
func (s *Payments) Unapplied(ctx context.Context, customer o2c.CustomerID) ([]o2c.Money, error) {
	ps, err := s.all(ctx, func(p *invoice.Payment) bool { return p.Customer() == customer })
	if err != nil {
		return nil, err
	}
	return invoice.SumUnapplied(ps), nil
}
