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

// BenchmarkReportAgingPostgres1M: the aging as of a date (today, by due
// date, default buckets, per customer and in total) over 1M invoices of
// one tenant on PostgreSQL, pushed into SQL by AgingReports.
//
// Setup, not timed: 1M rows are COPYed straight into o2c_invoices (10,000
// customers, issue dates over two years, net 30; two thirds open, half of
// those partly paid, the rest paid). Only the query columns are
// realistic: body is the empty JSON object, since the aging query never
// reads it (such rows cannot be loaded as documents). Then ANALYZE.
func BenchmarkReportAgingPostgres1M(b *testing.B) {
	now := time.Date(2026, time.March, 31, 10, 0, 0, 0, time.UTC)
	db := sqltest.Postgres(b, sqlstore.Options{Clock: o2c.NewManualClock(now)})
	ctx := context.Background()
	asOf := o2c.DateOf(now)
	const tenant = "bench"
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	custs := make([][16]byte, 10_000)
	for i := range custs {
		custs[i] = o2c.NewCustomerID().UUID()
	}
	start := time.Now()
	err = conn.Raw(func(dc any) error {
		pg := dc.(*stdlib.Conn).Conn()
		cols := []string{"tenant", "id", "version", "body", "created_at", "updated_at", "kind", "status", "customer_id", "number",
			"currency", "gross", "open_amount", "disputed_amount", "issue_date", "due_date"}
		body := []byte(`{}`)
		cents := func(v int64) pgtype.Numeric { return pgtype.Numeric{Int: big.NewInt(v), Exp: -2, Valid: true} }
		_, err := pg.CopyFrom(ctx, pgx.Identifier{"o2c_invoices"}, cols, pgx.CopyFromSlice(reportBenchRows, func(i int) ([]any, error) {
			var id [16]byte
			binary.BigEndian.PutUint64(id[8:], uint64(i)+1)
			id[6], id[8] = 0x70, 0x80 // version 7, RFC 4122 variant
			issue := asOf.AddDays(-(i % 730)).Time()
			gross := int64(10_000 + i%90_000) // minor units
			open, status := gross, "issued"
			switch i % 3 {
			case 1:
				open, status = gross/2, "partially_paid"
			case 2:
				open, status = 0, "paid"
			}
			return []any{tenant, id, int64(1), body, now, now, "invoice", status, custs[i%len(custs)], fmt.Sprintf("INV-%07d", i),
				"EUR", cents(gross), cents(open), cents(0), issue, issue.AddDate(0, 0, 30)}, nil
		}))
		if err != nil {
			return err
		}
		_, err = pg.Exec(ctx, "ANALYZE o2c_invoices")
		return err
	})
	conn.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d invoices in %s", reportBenchRows, time.Since(start).Round(time.Millisecond))
	src := db.MustTenant(tenant).AgingReports()
	var a report.Aging
	for b.Loop() {
		if a, err = src.AgingTotals(ctx, asOf, report.AgingOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if len(a.Currencies) != 1 || a.Currencies[0].Total.Items != 666_667 || len(a.Currencies[0].Customers) != len(custs) {
		b.Fatalf("unexpected aging: %+v", a.Currencies)
	}
	b.Logf("total %s, buckets %v", a.Currencies[0].Total.Total, a.Currencies[0].Total.Amounts)
}
