package sqlstore_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// reportBenchRows is the number of invoices BenchmarkReportAgingPostgres1M loads.
const reportBenchRows = 1_000_000

// BenchmarkReportAgingPostgres1M: the aging (by due date, default
// buckets, per customer and in total) over 1M invoices of one tenant on
// PostgreSQL, pushed into SQL by AgingReports, as of today and as of a
// past date (180 days ago), both from the due-line and dated settlement
// tables (migration 0009).
//
// Setup, not timed: 1M due lines (one per invoice: 10,000 customers,
// issue dates over two years, net 30) are COPYed straight into
// o2c_invoice_due_lines, and their settlements into
// o2c_invoice_settlements: a third unpaid, a third half paid 40 days
// after issue, a third paid in full 35 days after issue (value dates, and
// closed_on for the paid lines; nothing later than today). The documents
// themselves are not loaded: the aging never reads o2c_invoices. Then
// VACUUM ANALYZE (the steady state of a live table: hint bits set,
// statistics current). The expected figures are computed in Go from the same rules
// and checked after the timed loop.
func BenchmarkReportAgingPostgres1M(b *testing.B) {
	now := time.Date(2026, time.March, 31, 10, 0, 0, 0, time.UTC)
	db := sqltest.Postgres(b, sqlstore.Options{Clock: o2c.NewManualClock(now)})
	ctx := context.Background()
	today := o2c.DateOf(now)
	const tenant = "bench"
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	custs := make([][16]byte, 10_000)
	for i := range custs {
		custs[i] = o2c.NewCustomerID().UUID()
	}
	type gen struct {
		id          [16]byte
		issue, due  o2c.Date
		gross, paid int64 // minor units
		paidOn      o2c.Date
		status      string
	}
	line := func(i int) gen {
		var g gen
		binary.BigEndian.PutUint64(g.id[8:], uint64(i)+1)
		g.id[6], g.id[8] = 0x70, 0x80 // version 7, RFC 4122 variant
		g.issue = today.AddDays(-(i % 730))
		g.due = g.issue.AddDays(30)
		g.gross, g.status = int64(10_000+i%90_000), "issued"
		switch i % 3 {
		case 1:
			g.paid, g.paidOn, g.status = g.gross/2, g.issue.AddDays(40), "partially_paid"
		case 2:
			g.paid, g.paidOn, g.status = g.gross, g.issue.AddDays(35), "paid"
		}
		if g.paid > 0 && g.paidOn.After(today) {
			g.paid, g.paidOn, g.status = 0, o2c.Date{}, "issued" // nothing is paid in the future
		}
		return g
	}
	cents := func(v int64) pgtype.Numeric { return pgtype.Numeric{Int: big.NewInt(v), Exp: -2, Valid: true} }
	date := func(d o2c.Date) any {
		if d.IsZero() {
			return nil
		}
		return d.Time()
	}
	start := time.Now()
	settled := 0
	err = conn.Raw(func(dc any) error {
		pg := dc.(*stdlib.Conn).Conn()
		cols := []string{"tenant", "invoice_id", "seq", "lines", "kind", "status", "customer_id", "number", "currency", "gross",
			"issue_date", "due_date", "amount", "open_amount", "disputed_amount", "closed_on"}
		_, err := pg.CopyFrom(ctx, pgx.Identifier{"o2c_invoice_due_lines"}, cols, pgx.CopyFromSlice(reportBenchRows, func(i int) ([]any, error) {
			g := line(i)
			var closed o2c.Date
			if g.paid == g.gross {
				closed = g.paidOn
			}
			return []any{tenant, g.id, 1, 1, "invoice", g.status, custs[i%len(custs)], fmt.Sprintf("INV-%07d", i), "EUR", cents(g.gross),
				g.issue.Time(), g.due.Time(), cents(g.gross), cents(g.gross - g.paid), cents(0), date(closed)}, nil
		}))
		if err != nil {
			return err
		}
		var paid []int
		for i := range reportBenchRows {
			if line(i).paid > 0 {
				paid = append(paid, i)
			}
		}
		settled = len(paid)
		scols := []string{"tenant", "invoice_id", "allocation_id", "seq", "kind", "value_date", "amount", "doc_kind", "customer_id", "currency",
			"issue_date", "due_date", "line_closed_on"}
		_, err = pg.CopyFrom(ctx, pgx.Identifier{"o2c_invoice_settlements"}, scols, pgx.CopyFromSlice(len(paid), func(k int) ([]any, error) {
			g := line(paid[k])
			var closed o2c.Date
			if g.paid == g.gross {
				closed = g.paidOn
			}
			return []any{tenant, g.id, fmt.Sprintf("alloc-%d", paid[k]), 1, "payment", g.paidOn.Time(), cents(g.paid), "invoice",
				custs[paid[k]%len(custs)], "EUR", g.issue.Time(), g.due.Time(), date(closed)}, nil
		}))
		if err != nil {
			return err
		}
		for _, t := range []string{"o2c_invoice_due_lines", "o2c_invoice_settlements"} {
			if _, err := pg.Exec(ctx, "VACUUM ANALYZE "+t); err != nil {
				return err
			}
		}
		return nil
	})
	conn.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d due lines and %d settlements in %s", reportBenchRows, settled, time.Since(start).Round(time.Millisecond))
	src := db.MustTenant(tenant).AgingReports()
	// The query today's aging ran before it grouped per customer only
	// (one row per currency, customer and bucket; the planner sorted its
	// 680,000 rows on disk): timed in the same run, as the floor the
	// regression was measured against.
	b.Run("today-previous-query", func(b *testing.B) {
		q := `SELECT currency, customer_id::text, bucket, SUM(n), SUM(v)::text
			FROM (SELECT currency, customer_id, n, v, CASE WHEN age <= 0 THEN 0 WHEN age <= 30 THEN 1 WHEN age <= 60 THEN 2 WHEN age <= 90 THEN 3 ELSE 4 END AS bucket
				FROM (SELECT currency, customer_id, n, v, ($2::date - due_date) AS age FROM (
					SELECT currency, customer_id, 1 AS n, open_amount AS v, issue_date, due_date FROM o2c_invoice_due_lines
					WHERE tenant = $1 AND kind IN ('invoice', 'deposit') AND issue_date <= $2::date AND closed_on IS NULL) facts) aged) bucketed
			GROUP BY currency, customer_id, bucket`
		for b.Loop() {
			rows, err := db.SQL().QueryContext(ctx, q, tenant, today.Time())
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if n == 0 {
				b.Fatal("no rows")
			}
		}
	})
	for _, c := range []struct {
		name string
		asOf o2c.Date
	}{{"today", today}, {"past-date", today.AddDays(-180)}} {
		b.Run(c.name, func(b *testing.B) {
			// expected: the lines issued by asOf with something open at its end
			items, total := 0, int64(0)
			for i := range reportBenchRows {
				g := line(i)
				if g.issue.After(c.asOf) {
					continue
				}
				open := g.gross
				if g.paid > 0 && !g.paidOn.After(c.asOf) {
					open -= g.paid
				}
				if open > 0 {
					items++
					total += open
				}
			}
			var a report.Aging
			var err error
			for b.Loop() {
				if a, err = src.AgingTotals(ctx, c.asOf, report.AgingOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			want := o2c.FromMinor(total, o2c.EUR)
			if len(a.Currencies) != 1 || a.Currencies[0].Total.Items != items || !a.Currencies[0].Total.Total.Equal(want) {
				b.Fatalf("unexpected aging: %+v, want %d items, %s", a.Currencies, items, want)
			}
			b.Logf("as of %s: %d lines, total %s, buckets %v", c.asOf, items, a.Currencies[0].Total.Total, a.Currencies[0].Total.Amounts)
		})
	}
}
