package sql

import (
	"context"
	"fmt"
	"strings"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Payments is the SQL invoice.PaymentStore of one tenant (table
// o2c_payments, migration 0005). The idempotency key has a unique index,
// so a payment recorded twice, even by two processes at once, is stored
// once.
type Payments struct {
	db     *DB
	tenant o2c.TenantID
}

var _ invoice.PaymentStore = (*Payments)(nil)

// Payments returns the tenant's payments.
func (s *Store) Payments() invoice.PaymentStore { return &Payments{db: s.db, tenant: s.tenant} }

var paymentsTable = &table[invoice.PaymentSnapshot]{
	name:       "o2c_payments",
	kind:       "payment",
	id:         func(s *invoice.PaymentSnapshot) string { return s.ID.String() },
	version:    func(s *invoice.PaymentSnapshot) int64 { return s.Version },
	setVersion: func(s *invoice.PaymentSnapshot, v int64) { s.Version = v },
	columns:    []string{"customer_id", "currency", "amount", "unapplied", "value_date", "status", "idempotency_key"},
	values: func(_ *DB, s *invoice.PaymentSnapshot) []any {
		return []any{s.Customer.String(), s.Amount.Currency().Code(), s.Amount.AmountString(), s.Unapplied().AmountString(),
			s.ValueDate, string(s.Status()), s.IdempotencyKey}
	},
}

// TenantID implements invoice.PaymentStore.
func (s *Payments) TenantID() o2c.TenantID { return s.tenant }

func (s *Payments) checkTenant(p *invoice.Payment) error {
	if p == nil {
		return o2c.NewValidationError("payment", "is required")
	}
	if p.Tenant() != s.tenant {
		return &o2c.ValidationError{Field: "payment.tenant", Rule: "must be the store's tenant " + string(s.tenant), Value: string(p.Tenant())}
	}
	return nil
}

func reloadPayment(p *invoice.Payment, snap invoice.PaymentSnapshot) error {
	fresh, err := invoice.PaymentFromSnapshot(snap)
	if err != nil {
		return err
	}
	*p = *fresh
	return nil
}

// Create implements invoice.PaymentStore.
func (s *Payments) Create(ctx context.Context, p *invoice.Payment) error {
	if err := s.checkTenant(p); err != nil {
		return err
	}
	snap := p.Snapshot()
	snap.Version = 0
	if err := paymentsTable.insert(ctx, s.db, s.tenant, &snap, p.PendingEvents()); err != nil {
		return err
	}
	return reloadPayment(p, snap)
}

// Save implements invoice.PaymentStore.
func (s *Payments) Save(ctx context.Context, p *invoice.Payment) error {
	if err := s.checkTenant(p); err != nil {
		return err
	}
	snap := p.Snapshot()
	if err := paymentsTable.save(ctx, s.db, s.tenant, &snap, p.PendingEvents()); err != nil {
		return err
	}
	return reloadPayment(p, snap)
}

// Get implements invoice.PaymentStore.
func (s *Payments) Get(ctx context.Context, id invoice.PaymentID) (*invoice.Payment, error) {
	snap, err := paymentsTable.get(ctx, s.db, s.tenant, id.String())
	if err != nil {
		return nil, err
	}
	return invoice.PaymentFromSnapshot(*snap)
}

// GetByKey implements invoice.PaymentStore.
func (s *Payments) GetByKey(ctx context.Context, key string) (*invoice.Payment, error) {
	snaps, err := paymentsTable.list(ctx, s.db, s.tenant, query{where: "idempotency_key = $2", args: []any{key}})
	if err != nil {
		return nil, err
	}
	if len(snaps) == 0 {
		return nil, o2c.NotFound("payment with idempotency key", key)
	}
	return invoice.PaymentFromSnapshot(*snaps[0])
}

// Update implements invoice.PaymentStore.
func (s *Payments) Update(ctx context.Context, id invoice.PaymentID, fn func(*invoice.Payment) error) (*invoice.Payment, error) {
	snap, err := paymentsTable.update(ctx, s.db, s.tenant, id.String(), func(doc *invoice.PaymentSnapshot) ([]o2c.Event, error) {
		p, err := invoice.PaymentFromSnapshot(*doc)
		if err != nil {
			return nil, err
		}
		if err := fn(p); err != nil {
			return nil, err
		}
		if p.ID() != id || p.Tenant() != s.tenant || p.IdempotencyKey() != doc.IdempotencyKey {
			return nil, o2c.NewValidationError("payment", "an update must not change the identity")
		}
		*doc = p.Snapshot()
		return p.PendingEvents(), nil
	})
	if err != nil {
		return nil, err
	}
	return invoice.PaymentFromSnapshot(*snap)
}

// List implements invoice.PaymentStore.
func (s *Payments) List(ctx context.Context, f invoice.PaymentFilter) ([]*invoice.Payment, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if !f.Customer.IsZero() {
		where = append(where, "customer_id = "+invArg(&args, f.Customer.String()))
	}
	if len(f.Statuses) > 0 {
		where = append(where, invIn("status", f.Statuses, &args))
	}
	snaps, err := paymentsTable.list(ctx, s.db, s.tenant, query{where: strings.Join(where, " AND "), args: args,
		orderBy: "value_date, id", limit: f.Limit, offset: f.Offset})
	if err != nil {
		return nil, err
	}
	out := make([]*invoice.Payment, len(snaps))
	for i, snap := range snaps {
		if out[i], err = invoice.PaymentFromSnapshot(*snap); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Unapplied implements invoice.PaymentStore. The amounts are summed in Go
// from their exact text (SQLite would sum TEXT as floats).
func (s *Payments) Unapplied(ctx context.Context, customer o2c.CustomerID) ([]o2c.Money, error) {
	rows, err := s.db.reader(ctx).QueryContext(ctx, `SELECT currency, unapplied FROM o2c_payments
		WHERE tenant = $1 AND customer_id = $2 AND status IN ('unapplied', 'partially_applied') ORDER BY id`,
		string(s.tenant), customer.String())
	if err != nil {
		return nil, s.db.translate(err)
	}
	defer rows.Close()
	by := map[o2c.Currency]o2c.Money{}
	var order []o2c.Currency
	for rows.Next() {
		var cur, amount string
		if err := rows.Scan(&cur, &amount); err != nil {
			return nil, err
		}
		m, err := o2c.NewMoney(amount, strings.TrimSpace(cur))
		if err != nil {
			return nil, fmt.Errorf("o2c sql: payment unapplied amount: %w", err)
		}
		if prev, ok := by[m.Currency()]; ok {
			by[m.Currency()], _ = prev.Add(m)
		} else {
			by[m.Currency()] = m
			order = append(order, m.Currency())
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []o2c.Money
	for _, c := range order {
		if !by[c].IsZero() {
			out = append(out, by[c])
		}
	}
	sortMoneyByCurrency(out)
	return out, nil
}

func sortMoneyByCurrency(ms []o2c.Money) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].Currency().Code() < ms[j-1].Currency().Code(); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}
