package report_test

import (
	"testing"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// benchItems returns n items over 10,000 customers issued over two years
// before asOf, two thirds partly paid.
func benchItems(n int, asOf o2c.Date) []report.Item {
	custs := make([]o2c.CustomerID, 10_000)
	for i := range custs {
		custs[i] = o2c.NewCustomerID()
	}
	items := make([]report.Item, n)
	for i := range items {
		issue := asOf.AddDays(-(i % 730))
		gross := o2c.FromMinor(int64(10_000+i%90_000), o2c.EUR)
		it := report.Item{Invoice: o2c.NewID[invoice.Invoice](), Customer: custs[i%len(custs)], Currency: o2c.EUR,
			IssueDate: issue, DueDate: issue.AddDays(30), Gross: gross}
		if i%3 != 0 {
			it.Movements = []report.Movement{{Kind: report.MovementPayment, Date: issue.AddDays(20 + i%50), Amount: o2c.FromMinor(5_000, o2c.EUR)}}
		}
		items[i] = it
	}
	return items
}

// BenchmarkAgingOf1M: the pure aging over 1M items in memory, by due date,
// default buckets, per customer and in total.
func BenchmarkAgingOf1M(b *testing.B) {
	asOf := o2c.MustDate(2026, 3, 31)
	items := benchItems(1_000_000, asOf)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := report.AgingOf(items, asOf, report.AgingOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
