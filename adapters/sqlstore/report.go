package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// AgingReports is the SQL report.AgingSource of one tenant.
//
// For asOf on or after today (the DB's clock, UTC) it ages the current
// open items from the query columns of o2c_invoices alone (open_amount,
// currency, customer_id, issue_date, due_date, status, kind), never
// decoding a document: on PostgreSQL the bucket sums are computed by the
// database (SUM over NUMERIC per bucket, GROUP BY currency and customer); on
// SQLite, whose amounts are TEXT, the rows are read and summed in Go as
// decimals. open_amount holds today's balance, so a past asOf cannot be
// answered from it: for asOf before today the documents (invoices and
// deposit invoices) are loaded and aged from their history with
// report.AgingOf, which is slower but exact for any date.
type AgingReports struct {
	db     *DB
	tenant o2c.TenantID
}

var _ report.AgingSource = (*AgingReports)(nil)

// AgingReports returns the tenant's aging source.
func (s *Store) AgingReports() *AgingReports { return &AgingReports{db: s.db, tenant: s.tenant} }

// AgingTotals implements report.AgingSource.
func (r *AgingReports) AgingTotals(ctx context.Context, asOf o2c.Date, opts report.AgingOptions) (report.Aging, error) {
	b, err := report.NewAgingBuilder(asOf, opts)
	if err != nil {
		return report.Aging{}, err
	}
	if asOf.Before(o2c.Today(r.db.clock, nil)) {
		invs, err := (&Invoices{db: r.db, tenant: r.tenant}).List(ctx, invoice.Filter{Kinds: []invoice.Kind{invoice.KindInvoice, invoice.KindDeposit}})
		if err != nil {
			return report.Aging{}, err
		}
		return report.AgingOf(report.ItemsFromInvoices(invs), asOf, opts)
	}
	if r.db.dialect == Postgres {
		err = r.postgres(ctx, b, asOf)
	} else {
		err = r.rows(ctx, b, asOf)
	}
	if err != nil {
		return report.Aging{}, err
	}
	return b.Aging(), nil
}

// openWhere selects the open receivables issued on or before asOf; args
// must hold asOf ($2; $1, the tenant, is prepended when querying).
func openWhere(args *[]any) string {
	return "tenant = $1 AND " +
		invIn("status", []invoice.State{invoice.StateIssued, invoice.StatePartiallyPaid, invoice.StateDisputed}, args) + " AND " +
		invIn("kind", []invoice.Kind{invoice.KindInvoice, invoice.KindDeposit}, args) + " AND issue_date <= $2"
}

// postgres sums open_amount per currency and customer in the database,
// one row per customer with a column per bucket (SUM ... FILTER), so the
// database groups by customer only.
func (r *AgingReports) postgres(ctx context.Context, b *report.AgingBuilder, asOf o2c.Date) error {
	o := b.Options()
	basis := "due_date"
	if o.Basis == report.ByIssueDate {
		basis = "issue_date"
	}
	// bucket bounds are validated integers, written as literals
	sums := make([]string, len(o.Buckets))
	for i, bk := range o.Buckets {
		var cond []string
		if bk.Min != report.NoMin {
			cond = append(cond, fmt.Sprintf("age >= %d", bk.Min))
		}
		if bk.Max != report.NoMax {
			cond = append(cond, fmt.Sprintf("age <= %d", bk.Max))
		}
		if len(cond) == 0 {
			cond = []string{"TRUE"}
		}
		sums[i] = "COALESCE(SUM(open_amount) FILTER (WHERE " + strings.Join(cond, " AND ") + "), 0)::text"
	}
	args := []any{asOf}
	where := strings.ReplaceAll(openWhere(&args), "issue_date <= $2", "issue_date <= $2::date")
	q := `SELECT currency, customer_id::text, COUNT(*), ` + strings.Join(sums, ", ") + `
		FROM (SELECT currency, customer_id, open_amount, ($2::date - ` + basis + `) AS age
			FROM o2c_invoices WHERE ` + where + ` AND open_amount > 0) aged
		GROUP BY currency, customer_id`
	rows, err := r.db.reader(ctx).QueryContext(ctx, q, append([]any{string(r.tenant)}, args...)...)
	if err != nil {
		return r.db.translate(err)
	}
	defer rows.Close()
	curs := map[string]o2c.Currency{}
	var (
		code, cust string
		n          int
		amounts    = make([]string, len(o.Buckets))
		dest       = make([]any, 3+len(o.Buckets))
	)
	dest[0], dest[1], dest[2] = &code, &cust, &n
	for i := range amounts {
		dest[3+i] = &amounts[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		cur, id, err := agingKey(curs, code, cust)
		if err != nil {
			return err
		}
		for i, a := range amounts {
			d, err := agingAmount(a)
			if err != nil {
				return err
			}
			if err := b.Add(cur, id, i, d, 0); err != nil {
				return err
			}
		}
		if err := b.Add(cur, id, 0, decimal.Zero, n); err != nil {
			return err
		}
	}
	return rows.Err()
}

// rows reads the open items' query columns and buckets them in Go (SQLite
// keeps amounts as TEXT, which SQL must not sum as floats).
func (r *AgingReports) rows(ctx context.Context, b *report.AgingBuilder, asOf o2c.Date) error {
	o := b.Options()
	args := []any{asOf}
	q := `SELECT currency, customer_id, issue_date, due_date, open_amount FROM o2c_invoices WHERE ` + openWhere(&args)
	rows, err := r.db.reader(ctx).QueryContext(ctx, q, append([]any{string(r.tenant)}, args...)...)
	if err != nil {
		return r.db.translate(err)
	}
	defer rows.Close()
	curs := map[string]o2c.Currency{}
	for rows.Next() {
		var (
			code, cust, open string
			issue, due       o2c.Date
		)
		if err := rows.Scan(&code, &cust, &issue, &due, &open); err != nil {
			return err
		}
		d, err := agingAmount(open)
		if err != nil {
			return err
		}
		if d.IsZero() {
			continue
		}
		cur, id, err := agingKey(curs, code, cust)
		if err != nil {
			return err
		}
		if err := b.Add(cur, id, report.BucketOf(o.Buckets, report.Age(o.Basis, issue, due, asOf)), d, 1); err != nil {
			return err
		}
	}
	return rows.Err()
}

func agingKey(curs map[string]o2c.Currency, code, cust string) (o2c.Currency, o2c.CustomerID, error) {
	code = strings.TrimSpace(code)
	cur, ok := curs[code]
	if !ok {
		var err error
		if cur, err = o2c.ParseCurrency(code); err != nil {
			return cur, o2c.CustomerID{}, fmt.Errorf("o2c sql: aging: %w", err)
		}
		curs[code] = cur
	}
	id, err := o2c.ParseCustomerID(cust)
	if err != nil {
		return cur, id, fmt.Errorf("o2c sql: aging: customer %q: %w", cust, err)
	}
	return cur, id, nil
}

func agingAmount(s string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return d, fmt.Errorf("o2c sql: aging: amount %q: %w", s, err)
	}
	return d, nil
}
