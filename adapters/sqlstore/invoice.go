package sqlstore

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Invoices is the SQL invoice.Store of one tenant (table o2c_invoices,
// migration 0004).
type Invoices struct {
	db     *DB
	tenant o2c.TenantID
}

var _ invoice.Store = (*Invoices)(nil)

// Invoices returns the tenant's invoices, credit notes and deposit invoices.
func (s *Store) Invoices() invoice.Store { return &Invoices{db: s.db, tenant: s.tenant} }

// InvoiceNumbers returns the tenant's document number sequences.
func (s *Store) InvoiceNumbers() invoice.NumberStore {
	return &InvoiceNumbers{db: s.db, tenant: s.tenant}
}

func invNullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var invoicesTable = &table[invoice.Snapshot]{
	name:       "o2c_invoices",
	kind:       "invoice",
	id:         func(s *invoice.Snapshot) string { return s.ID.String() },
	version:    func(s *invoice.Snapshot) int64 { return s.Version },
	setVersion: func(s *invoice.Snapshot, v int64) { s.Version = v },
	columns: []string{"kind", "status", "customer_id", "number", "currency", "gross", "open_amount", "disputed_amount",
		"issue_date", "due_date", "order_ref"},
	values: func(_ *DB, s *invoice.Snapshot) []any {
		return []any{string(s.Kind), string(s.Status), s.Draft.Customer.String(), invNullString(s.Number), s.Draft.Currency.Code(),
			s.Totals.Gross.AmountString(), s.Open.AmountString(), s.Disputed().AmountString(),
			s.IssueDate, s.DueDate(), invNullString(s.Draft.OrderRef)}
	},
	sync: func(ctx context.Context, q querier, tenant o2c.TenantID, s *invoice.Snapshot) error {
		return syncDueLines(ctx, q, tenant, s)
	},
}

// TenantID implements invoice.Store.
func (s *Invoices) TenantID() o2c.TenantID { return s.tenant }

var invoices = &aggregates[invoice.Invoice, invoice.Snapshot]{
	table:    invoicesTable,
	kind:     "invoice",
	snapshot: (*invoice.Invoice).Snapshot,
	restore:  invoice.FromSnapshot,
	tenant:   (*invoice.Invoice).Tenant,
	events:   (*invoice.Invoice).PendingEvents,
}

// Create implements invoice.Store. A duplicate ID or number violates a
// unique index: o2c.ErrConflict.
func (s *Invoices) Create(ctx context.Context, inv *invoice.Invoice) error {
	return invoices.create(ctx, s.db, s.tenant, inv)
}

// Save implements invoice.Store.
func (s *Invoices) Save(ctx context.Context, inv *invoice.Invoice) error {
	return invoices.save(ctx, s.db, s.tenant, inv)
}

// Get implements invoice.Store.
func (s *Invoices) Get(ctx context.Context, id invoice.ID) (*invoice.Invoice, error) {
	return invoices.get(ctx, s.db, s.tenant, id.String())
}

// GetByNumber implements invoice.Store.
func (s *Invoices) GetByNumber(ctx context.Context, number string) (*invoice.Invoice, error) {
	snaps, err := invoicesTable.list(ctx, s.db, s.tenant, query{where: "number = $2", args: []any{number}})
	if err != nil {
		return nil, err
	}
	if len(snaps) == 0 {
		return nil, o2c.NotFound("invoice number", number)
	}
	return invoice.FromSnapshot(*snaps[0])
}

// Update implements invoice.Store. On PostgreSQL the row is locked (FOR
// UPDATE) while fn runs; SQLite's immediate transactions serialise writers.
func (s *Invoices) Update(ctx context.Context, id invoice.ID, fn func(*invoice.Invoice) error) (*invoice.Invoice, error) {
	return invoices.update(ctx, s.db, s.tenant, id.String(), fn, func(doc *invoice.Snapshot, inv *invoice.Invoice) error {
		if inv.ID() != id || inv.Tenant() != s.tenant {
			return o2c.NewValidationError("invoice", "an update must not change the identity")
		}
		if doc.Number != "" && inv.Number() != doc.Number {
			return o2c.NewValidationError("number", "must not change once set")
		}
		return nil
	})
}

// invIn returns "col IN ($n, $n+1, ...)" for values, appending them to args.
func invIn[T ~string](col string, values []T, args *[]any) string {
	ps := make([]string, len(values))
	for i, v := range values {
		*args = append(*args, string(v))
		ps[i] = fmt.Sprintf("$%d", len(*args)+1) // $1 is the tenant
	}
	return col + " IN (" + strings.Join(ps, ", ") + ")"
}

func invArg(args *[]any, v any) string {
	*args = append(*args, v)
	return fmt.Sprintf("$%d", len(*args)+1)
}

// List implements invoice.Store.
func (s *Invoices) List(ctx context.Context, f invoice.Filter) ([]*invoice.Invoice, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if !f.Customer.IsZero() {
		where = append(where, "customer_id = "+invArg(&args, f.Customer.String()))
	}
	if len(f.Kinds) > 0 {
		where = append(where, invIn("kind", f.Kinds, &args))
	}
	if len(f.Statuses) > 0 {
		where = append(where, invIn("status", f.Statuses, &args))
	}
	if f.OrderRef != "" {
		where = append(where, "order_ref = "+invArg(&args, f.OrderRef))
	}
	if !f.DueFrom.IsZero() {
		where = append(where, "due_date >= "+invArg(&args, f.DueFrom))
	}
	if !f.DueTo.IsZero() {
		where = append(where, "due_date <= "+invArg(&args, f.DueTo))
	}
	q := query{where: strings.Join(where, " AND "), args: args, orderBy: "id", limit: f.Limit, offset: f.Offset}
	if f.OrderBy == invoice.OrderByDueDate {
		q.orderBy = "(due_date IS NULL), due_date, id"
	}
	snaps, err := invoicesTable.list(ctx, s.db, s.tenant, q)
	if err != nil {
		return nil, err
	}
	out := make([]*invoice.Invoice, len(snaps))
	for i, snap := range snaps {
		if out[i], err = invoice.FromSnapshot(*snap); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OpenItems implements invoice.Store from the query columns alone.
func (s *Invoices) OpenItems(ctx context.Context, f invoice.OpenItemFilter) ([]invoice.OpenItem, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	args := []any{}
	where := []string{
		invIn("status", []invoice.State{invoice.StateIssued, invoice.StatePartiallyPaid, invoice.StateDisputed}, &args),
		invIn("kind", f.EffectiveKinds(), &args),
	}
	if !f.Customer.IsZero() {
		where = append(where, "customer_id = "+invArg(&args, f.Customer.String()))
	}
	if !f.Invoice.IsZero() {
		where = append(where, "id = "+invArg(&args, f.Invoice.String()))
	}
	if !f.Currency.IsZero() {
		where = append(where, "currency = "+invArg(&args, f.Currency.Code()))
	}
	if !f.DueTo.IsZero() {
		where = append(where, "due_date <= "+invArg(&args, f.DueTo))
	}
	sqlq := `SELECT id, number, kind, status, customer_id, issue_date, due_date, order_ref, currency, gross, open_amount, disputed_amount
		FROM o2c_invoices WHERE tenant = $1 AND ` + strings.Join(where, " AND ") + ` ORDER BY due_date, id`
	if f.Limit > 0 {
		sqlq += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, f.Offset)
	}
	rows, err := s.db.reader(ctx).QueryContext(ctx, sqlq, append([]any{string(s.tenant)}, args...)...)
	if err != nil {
		return nil, s.db.translate(err)
	}
	defer rows.Close()
	var out []invoice.OpenItem
	for rows.Next() {
		var (
			o                      invoice.OpenItem
			number, orderRef       *string
			kind, status, currency string
			gross, open, disputed  string
			issueDate, dueDate     o2c.Date
			customer               o2c.CustomerID
		)
		if err := rows.Scan(&o.Invoice, &number, &kind, &status, &customer, &issueDate, &dueDate, &orderRef, &currency, &gross, &open, &disputed); err != nil {
			return nil, err
		}
		o.Kind, o.Status, o.Customer, o.IssueDate, o.DueDate = invoice.Kind(kind), invoice.State(status), customer, issueDate, dueDate
		if number != nil {
			o.Number = *number
		}
		if orderRef != nil {
			o.OrderRef = *orderRef
		}
		cur := strings.TrimSpace(currency)
		for _, m := range []struct {
			dst *o2c.Money
			src string
		}{{&o.Gross, gross}, {&o.Open, open}, {&o.Disputed, disputed}} {
			if *m.dst, err = o2c.NewMoney(m.src, cur); err != nil {
				return nil, fmt.Errorf("o2c sql: invoice %s: %w", o.Invoice, err)
			}
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Balances implements invoice.Store.
func (s *Invoices) Balances(ctx context.Context, customer o2c.CustomerID) ([]invoice.Balance, error) {
	items, err := s.OpenItems(ctx, invoice.OpenItemFilter{Customer: customer,
		Kinds: []invoice.Kind{invoice.KindInvoice, invoice.KindDeposit, invoice.KindCreditNote}})
	if err != nil {
		return nil, err
	}
	return invoice.SumBalances(items), nil
}

// InvoiceNumbers is the SQL invoice.NumberStore of one tenant (table
// o2c_invoice_sequences, migration 0004): one row per series, incremented
// by INSERT ... ON CONFLICT DO UPDATE ... RETURNING inside the caller's
// transaction. The row stays locked until that transaction ends (on
// SQLite the whole database is, by the immediate transaction), so
// concurrent issuers queue and a rolled-back draw is drawn again.
type InvoiceNumbers struct {
	db     *DB
	tenant o2c.TenantID
}

var _ invoice.NumberStore = (*InvoiceNumbers)(nil)

// TenantID implements invoice.NumberStore.
func (n *InvoiceNumbers) TenantID() o2c.TenantID { return n.tenant }

// Next implements invoice.NumberStore.
func (n *InvoiceNumbers) Next(ctx context.Context, series string) (int64, error) {
	if err := invoice.CheckSeries(series); err != nil {
		return 0, err
	}
	var v int64
	err := n.db.write(ctx, func(q querier) error {
		return q.QueryRowContext(ctx, `INSERT INTO o2c_invoice_sequences (tenant, series, last_value) VALUES ($1, $2, 1)
			ON CONFLICT (tenant, series) DO UPDATE SET last_value = o2c_invoice_sequences.last_value + 1
			RETURNING last_value`, string(n.tenant), series).Scan(&v)
	})
	return v, err
}

// Last implements invoice.NumberStore.
func (n *InvoiceNumbers) Last(ctx context.Context, series string) (int64, error) {
	if err := invoice.CheckSeries(series); err != nil {
		return 0, err
	}
	var v int64
	err := n.db.reader(ctx).QueryRowContext(ctx, `SELECT last_value FROM o2c_invoice_sequences WHERE tenant = $1 AND series = $2`,
		string(n.tenant), series).Scan(&v)
	if errors.Is(err, stdsql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, n.db.translate(err)
	}
	return v, nil
}
