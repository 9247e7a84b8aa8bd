package sqlstore

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// AgingReports is the SQL report.AgingSource of one tenant.
//
// It ages due lines (instalments) as of any date from two tables kept in
// the transaction that saves each invoice (migration 0009):
// o2c_invoice_due_lines (one row per instalment: amount, issue and due
// dates, and closed_on, the day from which the line stays settled) and
// o2c_invoice_settlements (the dated facts that reduced each line:
// payments at their value date, credit notes, write-offs, and the day a
// reversal took effect). The open amount of a line at the end of asOf is
// its amount less the facts active on asOf; only lines issued by asOf and
// not closed by then are read (closed_on IS NULL OR closed_on > asOf), so
// the settled past is skipped. On PostgreSQL the whole aging is one query
// (SUM ... FILTER per bucket, GROUP BY currency and customer); on SQLite,
// whose amounts are TEXT, the same rows are read and summed in Go as
// decimals. The answer for a date does not change when later-dated events
// are recorded, and equals report.AgingOf over the same invoices.
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

// agingRows is, for PostgreSQL, one row per due line of a receivable
// (invoice, deposit invoice) issued on or before $2 and not closed by
// then (+amount, counted), one per fact active on $2 on such a line
// (-amount), and one per settled run of days containing $2 on such a line
// (uncounted): summed per customer and bucket, the amounts give the open
// amounts at the end of $2 and the counts the lines with something open,
// without joining facts to lines. $1 is the tenant.
const agingRows = `
	SELECT currency, customer_id, 1 AS n, amount AS v, issue_date, due_date
	FROM o2c_invoice_due_lines
	WHERE tenant = $1 AND kind IN ('invoice', 'deposit') AND issue_date <= $2::date AND (closed_on IS NULL OR closed_on > $2::date)
	UNION ALL
	SELECT currency, customer_id, 0, -amount, issue_date, due_date
	FROM o2c_invoice_settlements
	WHERE tenant = $1 AND doc_kind IN ('invoice', 'deposit') AND issue_date <= $2::date AND (line_closed_on IS NULL OR line_closed_on > $2::date)
		AND value_date <= $2::date AND (reversed_on IS NULL OR reversed_on > $2::date)
	UNION ALL
	SELECT currency, customer_id, -1, 0, issue_date, due_date
	FROM o2c_invoice_settled_periods
	WHERE tenant = $1 AND doc_kind IN ('invoice', 'deposit') AND from_date <= $2::date AND to_date > $2::date`

// agingOpenRows is agingRows when no fact is dated after $2: the open
// lines issued by $2 with their open amount.
const agingOpenRows = `
	SELECT currency, customer_id, 1 AS n, open_amount AS v, issue_date, due_date
	FROM o2c_invoice_due_lines
	WHERE tenant = $1 AND kind IN ('invoice', 'deposit') AND issue_date <= $2::date AND closed_on IS NULL`

// postgres sums the lines' open amounts per currency, customer and
// bucket in the database: the bucket is a CASE over the age, so each row
// is summed once (one SUM over NUMERIC, not one per bucket), and the
// builder folds the rows (at most customers × buckets) into the aging.
func (r *AgingReports) postgres(ctx context.Context, b *report.AgingBuilder, asOf o2c.Date) error {
	o := b.Options()
	basis := "due_date"
	if o.Basis == report.ByIssueDate {
		basis = "issue_date"
	}
	// bucket bounds are validated integers, written as literals; buckets
	// are contiguous, so the first whose Max holds the age is the bucket
	var cases []string
	for i, bk := range o.Buckets {
		if bk.Max != report.NoMax {
			cases = append(cases, fmt.Sprintf("WHEN age <= %d THEN %d", bk.Max, i))
		}
	}
	bucket := fmt.Sprintf("%d", len(o.Buckets)-1)
	if len(cases) > 0 {
		bucket = "CASE " + strings.Join(cases, " ") + " ELSE " + bucket + " END"
	}
	rowsQ := agingRows
	// When no fact is dated after asOf (today's aging, usually), what is
	// open at its end is each open line's open_amount: one scan.
	var later bool
	if err := r.db.reader(ctx).QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM o2c_invoice_settlements WHERE tenant = $1 AND value_date > $2::date)
		OR EXISTS (SELECT 1 FROM o2c_invoice_settlements WHERE tenant = $1 AND reversed_on > $2::date)`, string(r.tenant), asOf).Scan(&later); err != nil {
		return r.db.translate(err)
	}
	if !later {
		rowsQ = agingOpenRows
	}
	// One group per currency and customer, each bucket's count and sum a
	// FILTERed aggregate: a hash aggregate in memory over as many groups
	// as customers. Grouping by bucket too made several times more
	// groups, which PostgreSQL sorted on disk, and a plan costly enough
	// to be JIT-compiled (1M lines: 5.4 s in the server against 1.9 s
	// under the same load; see docs/benchmarks.md).
	var aggs []string
	for i := range o.Buckets {
		aggs = append(aggs, fmt.Sprintf("SUM(n) FILTER (WHERE bucket = %d), (SUM(v) FILTER (WHERE bucket = %d))::text", i, i))
	}
	q := `SELECT currency, customer_id::text, ` + strings.Join(aggs, ", ") + `
		FROM (SELECT currency, customer_id, n, v, ` + bucket + ` AS bucket
			FROM (SELECT currency, customer_id, n, v, ($2::date - ` + basis + `) AS age FROM (` + rowsQ + `) facts) aged) bucketed
		GROUP BY currency, customer_id`
	rows, err := r.db.reader(ctx).QueryContext(ctx, q, string(r.tenant), asOf)
	if err != nil {
		return r.db.translate(err)
	}
	defer rows.Close()
	curs := map[string]o2c.Currency{}
	var code, cust string
	counts := make([]stdsql.NullInt64, len(o.Buckets))
	amounts := make([]stdsql.NullString, len(o.Buckets))
	dest := []any{&code, &cust}
	for i := range o.Buckets {
		dest = append(dest, &counts[i], &amounts[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		cur, id, err := agingKey(curs, code, cust)
		if err != nil {
			return err
		}
		for bk := range o.Buckets {
			if !counts[bk].Valid { // no row in this bucket
				continue
			}
			d, err := agingAmount(amounts[bk].String)
			if err != nil {
				return err
			}
			if err := b.Add(cur, id, bk, d, int(counts[bk].Int64)); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}

// rows reads the open lines and their settled parts and buckets them in
// Go (SQLite keeps amounts as TEXT, which SQL must not sum as floats: the
// settled parts are summed in Go too).
func (r *AgingReports) rows(ctx context.Context, b *report.AgingBuilder, asOf o2c.Date) error {
	o := b.Options()
	q := `SELECT l.invoice_id, l.seq, l.currency, l.customer_id, l.issue_date, l.due_date, l.amount, s.amount
		FROM o2c_invoice_due_lines l
		LEFT JOIN o2c_invoice_settlements s ON s.tenant = l.tenant AND s.invoice_id = l.invoice_id AND s.seq = l.seq
			AND s.value_date <= $2 AND (s.reversed_on IS NULL OR s.reversed_on > $2)
		WHERE l.tenant = $1 AND l.kind IN ('invoice', 'deposit') AND l.status <> 'draft'
			AND l.issue_date <= $2 AND (l.closed_on IS NULL OR l.closed_on > $2)
		ORDER BY l.invoice_id, l.seq`
	rows, err := r.db.reader(ctx).QueryContext(ctx, q, string(r.tenant), asOf)
	if err != nil {
		return r.db.translate(err)
	}
	defer rows.Close()
	curs := map[string]o2c.Currency{}
	type line struct {
		inv        string
		seq        int
		code, cust string
		issue, due o2c.Date
		open       decimal.Decimal
	}
	var lines []line
	for rows.Next() {
		var (
			inv, code, cust, amount string
			seq                     int
			part                    *string
			issue, due              o2c.Date
		)
		if err := rows.Scan(&inv, &seq, &code, &cust, &issue, &due, &amount, &part); err != nil {
			return err
		}
		if n := len(lines); n == 0 || lines[n-1].inv != inv || lines[n-1].seq != seq {
			d, err := agingAmount(amount)
			if err != nil {
				return err
			}
			lines = append(lines, line{inv: inv, seq: seq, code: code, cust: cust, issue: issue, due: due, open: d})
		}
		if part != nil {
			p, err := agingAmount(*part)
			if err != nil {
				return err
			}
			l := &lines[len(lines)-1]
			l.open = l.open.Sub(p)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, l := range lines {
		if !l.open.IsPositive() {
			continue
		}
		c, id, err := agingKey(curs, l.code, l.cust)
		if err != nil {
			return err
		}
		if err := b.Add(c, id, report.BucketOf(o.Buckets, report.Age(o.Basis, l.issue, l.due, asOf)), l.open, 1); err != nil {
			return err
		}
	}
	return nil
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
