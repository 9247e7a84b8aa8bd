package sqlstore

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

var payments = &aggregates[invoice.Payment, invoice.PaymentSnapshot]{
	table:    paymentsTable,
	kind:     "payment",
	snapshot: (*invoice.Payment).Snapshot,
	restore:  invoice.PaymentFromSnapshot,
	tenant:   (*invoice.Payment).Tenant,
	events:   (*invoice.Payment).PendingEvents,
}

// Create implements invoice.PaymentStore.
func (s *Payments) Create(ctx context.Context, p *invoice.Payment) error {
	return payments.create(ctx, s.db, s.tenant, p)
}

// Save implements invoice.PaymentStore.
func (s *Payments) Save(ctx context.Context, p *invoice.Payment) error {
	return payments.save(ctx, s.db, s.tenant, p)
}

// Get implements invoice.PaymentStore.
func (s *Payments) Get(ctx context.Context, id invoice.PaymentID) (*invoice.Payment, error) {
	return payments.get(ctx, s.db, s.tenant, id.String())
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
	return payments.update(ctx, s.db, s.tenant, id.String(), fn, func(doc *invoice.PaymentSnapshot, p *invoice.Payment) error {
		if p.ID() != id || p.Tenant() != s.tenant || p.IdempotencyKey() != doc.IdempotencyKey {
			return o2c.NewValidationError("payment", "an update must not change the identity")
		}
		return nil
	})
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
