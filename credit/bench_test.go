package credit_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/tax"
)

// openItems returns n open invoices of customer, due over the next months
// (so none is overdue), some partly disputed.
func openItems(customer o2c.CustomerID, n int, asOf o2c.Date) []credit.ItemEntry {
	items := make([]credit.ItemEntry, n)
	for i := range items {
		disputed := o2c.Zero(o2c.EUR)
		if i%50 == 0 {
			disputed = o2c.MustMoney("10.00", "EUR")
		}
		items[i] = credit.ItemEntry{
			Invoice: o2c.NewID[invoice.Invoice](), Customer: customer, Kind: invoice.KindInvoice, Status: invoice.StateIssued,
			Currency: o2c.EUR, Open: o2c.FromMinor(int64(10000+i%9000), o2c.EUR), Disputed: disputed,
			DueDate: asOf.AddDays(1 + i%90),
		}
	}
	slices.SortFunc(items, func(a, b credit.ItemEntry) int { return strings.Compare(a.Invoice.String(), b.Invoice.String()) })
	return items
}

// BenchmarkCheckAtPlacing10kOpenItems is the credit check that runs when
// an order is placed, for a customer with 10,000 open items, on the
// in-memory adapter with exposure kept by a Tracker. Reports the p99
// latency of one check (target: under 1 ms).
func BenchmarkCheckAtPlacing10kOpenItems(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	asOf := o2c.DateOf(now)
	db := memory.New(memory.WithClock(o2c.NewManualClock(now)))
	acme := db.MustTenant("acme")
	cust := o2c.NewCustomerID()
	prof, err := credit.NewProfile(cust, o2c.MustMoney("100000000.00", "EUR"))
	if err != nil {
		b.Fatal(err)
	}
	if err := acme.CreditProfiles().CreateProfile(ctx, prof); err != nil {
		b.Fatal(err)
	}
	tr, err := credit.NewTracker("acme", credit.StoreSource{Orders: acme.Orders(), Invoices: acme.Invoices()})
	if err != nil {
		b.Fatal(err)
	}
	tr.Reset(map[o2c.CustomerID]credit.Position{cust: {Customer: cust, Items: openItems(cust, 10_000, asOf)}})
	checker, err := credit.NewChecker(credit.Options{Store: acme.CreditProfiles(), Source: tr, Clock: o2c.NewManualClock(now)})
	if err != nil {
		b.Fatal(err)
	}
	o, err := order.New("acme", order.Details{Customer: cust, Currency: o2c.EUR, Lines: []order.LineSpec{
		{SKU: "BOLT", Quantity: decimal.NewFromInt(10), UnitPrice: o2c.MustMoney("12.50", "EUR"), TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)},
	}}, now)
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		d, err := checker.CheckOrder(ctx, o)
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if d.Outcome != order.CreditApproved {
			b.Fatalf("held: %+v", d)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns/check")
}

// BenchmarkFullRecompute100kCustomers1MItems computes the exposure of
// 100,000 customers holding 1,000,000 open items and 100,000 open orders:
// the pure part of a full recompute (credit.Compute over every position),
// with positions already loaded.
func BenchmarkFullRecompute100kCustomers1MItems(b *testing.B) {
	asOf := o2c.MustDate(2026, 3, 2)
	const customers, perCustomer = 100_000, 10
	positions := make([]credit.Position, customers)
	for i := range positions {
		c := o2c.NewCustomerID()
		positions[i] = credit.Position{
			Customer: c,
			Orders: []credit.OrderEntry{{Order: order.NewID(), Customer: c, Status: order.StateApproved, Currency: o2c.EUR,
				OpenOrder: o2c.MustMoney("1500.00", "EUR"), Uninvoiced: o2c.MustMoney("250.00", "EUR")}},
			Items: openItems(c, perCustomer, asOf),
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, p := range positions {
			if _, err := credit.Compute(p, o2c.EUR, asOf, credit.Rules{}, nil, order.ID{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(customers), "customers")
	b.ReportMetric(float64(customers*perCustomer), "items")
}
