// Package reporttest is the conformance suite for report.AgingSource
// implementations: every adapter's source must age the invoices it
// stores exactly as report.AgingOf ages them from their history.
package reporttest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/tax"
)

// Now is the time the harness's clock must read: 2026-03-31 10:00 UTC.
var Now = time.Date(2026, time.March, 31, 10, 0, 0, 0, time.UTC)

// Harness opens a fresh store whose clock reads [Now] and returns, for a
// tenant, its invoice store and its aging source.
type Harness func(t *testing.T) (invoices func(o2c.TenantID) invoice.Store, aging func(o2c.TenantID) report.AgingSource)

func date(y int, m time.Month, d int) o2c.Date { return o2c.MustDate(y, m, d) }

func at(d o2c.Date) time.Time { return d.Time().Add(15 * time.Hour) }

// issue returns an issued invoice of gross 1.2 × net (20% VAT) in cur.
func issue(t *testing.T, tenant o2c.TenantID, cust o2c.CustomerID, cur string, net string, on o2c.Date, terms invoice.Terms) *invoice.Invoice {
	t.Helper()
	m := o2c.MustMoney(net, cur)
	inv, err := invoice.NewDraft(tenant, invoice.KindInvoice, invoice.Draft{
		Customer: cust, Currency: m.Currency(), Terms: terms,
		Lines: []invoice.Line{{SKU: "W", Description: "Widget", Quantity: decimal.NewFromInt(1), UnitPrice: m, TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}},
	}, at(on))
	if err != nil {
		t.Fatal(err)
	}
	if err := inv.Issue("RPT-"+o2c.NewID[invoice.Invoice]().String(), on, invoice.BusinessDayShift{}, at(on)); err != nil {
		t.Fatal(err)
	}
	return inv
}

func pay(t *testing.T, inv *invoice.Invoice, amount string, on o2c.Date) {
	t.Helper()
	m := o2c.MustMoney(amount, inv.Currency().Code())
	if err := inv.ApplyPayment(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "ref", m, 0, at(on)); err != nil {
		t.Fatal(err)
	}
}

// RunAgingSourceTests runs the suite.
func RunAgingSourceTests(t *testing.T, h Harness) {
	ctx := context.Background()
	invoices, aging := h(t)
	const tenant, other = o2c.TenantID("rpt"), o2c.TenantID("rpt-other")
	a, b := o2c.NewCustomerID(), o2c.NewCustomerID()
	net30 := invoice.NetTerms(30)

	// EUR, as of 2026-03-31:
	//   i1 A issued 01-10 due 02-09, 120, paid 50 on 02-20 -> 70, 50 days past due (31-60)
	//   i2 A issued 03-10 due 04-09, 240                   -> 240 not due
	//   i3 B issued 2025-11-01 due 2025-12-01, 120         -> 120, 120 days (over 90)
	//   i4 B issued 02-01 due 03-03, 120, paid in full 03-01 -> 0
	//   i5 B issued 02-01 due 03-03, 120, written off 03-05  -> 0 (open 120 until 03-04)
	// USD:
	//   u1 B issued 03-01 due 03-01 (immediate), 120 -> 30 days past due (1-30)
	// EUR total 430: not due 240, 31-60 70, over 90 120.
	i1 := issue(t, tenant, a, "EUR", "100", date(2026, 1, 10), net30)
	pay(t, i1, "50", date(2026, 2, 20))
	i2 := issue(t, tenant, a, "EUR", "200", date(2026, 3, 10), net30)
	i3 := issue(t, tenant, b, "EUR", "100", date(2025, 11, 1), net30)
	i4 := issue(t, tenant, b, "EUR", "100", date(2026, 2, 1), net30)
	pay(t, i4, "120", date(2026, 3, 1))
	i5 := issue(t, tenant, b, "EUR", "100", date(2026, 2, 1), net30)
	if err := i5.WriteOff("insolvent", "cfo", at(date(2026, 3, 5))); err != nil {
		t.Fatal(err)
	}
	u1 := issue(t, tenant, b, "USD", "100", date(2026, 3, 1), invoice.ImmediateTerms())
	o1 := issue(t, other, a, "EUR", "999", date(2026, 3, 1), net30)
	all := []*invoice.Invoice{i1, i2, i3, i4, i5, u1}
	for _, inv := range all {
		if err := invoices(tenant).Create(ctx, inv); err != nil {
			t.Fatal(err)
		}
	}
	if err := invoices(other).Create(ctx, o1); err != nil {
		t.Fatal(err)
	}
	items := report.ItemsFromInvoices(all)
	src := aging(tenant)

	t.Run("today by hand", func(t *testing.T) {
		got, err := src.AgingTotals(ctx, date(2026, 3, 31), report.AgingOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{{"240", "0", "70", "0", "120"}, {"0", "120", "0", "0", "0"}}
		if len(got.Currencies) != 2 {
			t.Fatalf("currencies %+v", got.Currencies)
		}
		for c, w := range want {
			for i, m := range got.Currencies[c].Total.Amounts {
				if !m.Amount().Equal(decimal.RequireFromString(w[i])) {
					t.Fatalf("%s bucket %d: %s, want %s", got.Currencies[c].Currency, i, m, w[i])
				}
			}
		}
		if got.Currencies[0].Total.Total.String() != "430.00 EUR" || got.Currencies[0].Total.Items != 3 {
			t.Fatalf("EUR total %+v", got.Currencies[0].Total)
		}
	})

	cases := []struct {
		name string
		asOf o2c.Date
		opts report.AgingOptions
	}{
		{"today", date(2026, 3, 31), report.AgingOptions{}},
		{"today by issue date", date(2026, 3, 31), report.AgingOptions{Basis: report.ByIssueDate}},
		{"today custom buckets", date(2026, 3, 31), report.AgingOptions{Buckets: []report.Bucket{{Label: "current", Min: report.NoMin, Max: 0}, {Label: "late", Min: 1, Max: 45}, {Label: "very late", Min: 46, Max: report.NoMax}}}},
		{"future", date(2026, 6, 30), report.AgingOptions{}},
		{"past 03-04 (before the write-off)", date(2026, 3, 4), report.AgingOptions{}},
		{"past 02-19 (before the payment)", date(2026, 2, 19), report.AgingOptions{Basis: report.ByIssueDate}},
		{"before everything", date(2025, 1, 1), report.AgingOptions{}},
	}
	for _, c := range cases {
		t.Run(c.name+" equals AgingOf", func(t *testing.T) {
			got, err := src.AgingTotals(ctx, c.asOf, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			want, err := report.AgingOf(items, c.asOf, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := Equal(got, want); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("tenant isolation", func(t *testing.T) {
		got, err := aging(other).AgingTotals(ctx, date(2026, 3, 31), report.AgingOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Currencies) != 1 || got.Currencies[0].Total.Total.String() != "1198.80 EUR" {
			t.Fatalf("%+v", got.Currencies)
		}
	})

	t.Run("instalments as of a past date, before and after a later payment", func(t *testing.T) {
		// 1,000.00 issued 2026-01-15 in three instalments: 30 % net 30
		// (300.00 due 02-14), 30 % net 60 (300.00 due 03-16), 40 % net 90
		// (400.00 due 04-15). As of 03-01 the first is 15 days late and the
		// others are not due: 700.00 not due, 300.00 in 1-30 (not 1,000.00
		// in 1-30, as when the invoice was one open item).
		const inst = o2c.TenantID("rpt-inst")
		c := o2c.NewCustomerID()
		m := o2c.MustMoney("1000.00", "EUR")
		inv, err := invoice.NewDraft(inst, invoice.KindInvoice, invoice.Draft{
			Customer: c, Currency: m.Currency(), Terms: net30,
			Lines: []invoice.Line{{Description: "Machine", Quantity: decimal.NewFromInt(1), UnitPrice: m, TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}},
			Schedule: []invoice.PercentInstalment{
				{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(30)},
				{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(60)},
				{Percent: decimal.NewFromInt(40), Terms: invoice.NetTerms(90)},
			},
		}, at(date(2026, 1, 15)))
		if err != nil {
			t.Fatal(err)
		}
		if err := inv.Issue("INST-1", date(2026, 1, 15), invoice.BusinessDayShift{}, at(date(2026, 1, 15))); err != nil {
			t.Fatal(err)
		}
		if err := invoices(inst).Create(ctx, inv); err != nil {
			t.Fatal(err)
		}
		past := date(2026, 3, 1)
		check := func(when string) report.Aging {
			got, err := aging(inst).AgingTotals(ctx, past, report.AgingOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Currencies) != 1 {
				t.Fatalf("%s: %+v", when, got.Currencies)
			}
			want := []string{"700", "300", "0", "0", "0"}
			for i, a := range got.Currencies[0].Total.Amounts {
				if !a.Amount().Equal(decimal.RequireFromString(want[i])) {
					t.Fatalf("%s: bucket %s holds %s, want %s", when, got.Buckets[i].Label, a, want[i])
				}
			}
			return got
		}
		before := check("before the payment")
		// the first instalment is paid on 03-10 (value date), booked on 03-12
		if _, err := invoices(inst).Update(ctx, inv.ID(), func(i *invoice.Invoice) error {
			return i.ApplyPaymentOn(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "ref", o2c.MustMoney("300.00", "EUR"), 0,
				date(2026, 3, 10), at(date(2026, 3, 12)))
		}); err != nil {
			t.Fatal(err)
		}
		after := check("after the payment")
		if err := Equal(after, before); err != nil {
			t.Fatalf("the past changed: %v", err)
		}
		// and today (03-31) only the last two instalments are open
		now, err := aging(inst).AgingTotals(ctx, date(2026, 3, 31), report.AgingOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if tot := now.Currencies[0].Total; tot.Total.String() != "700.00 EUR" || tot.Items != 2 {
			t.Fatalf("today: %+v", tot)
		}
	})

	t.Run("bad options", func(t *testing.T) {
		_, err := src.AgingTotals(ctx, date(2026, 3, 31), report.AgingOptions{Buckets: []report.Bucket{{Label: "x", Min: 0, Max: report.NoMax}}})
		if !errors.Is(err, o2c.ErrValidation) {
			t.Fatalf("got %v", err)
		}
		if _, err := src.AgingTotals(ctx, o2c.Date{}, report.AgingOptions{}); !errors.Is(err, o2c.ErrValidation) {
			t.Fatalf("zero asOf: %v", err)
		}
	})
}

// Equal returns nil when two agings hold the same figures (amounts
// compared as decimals), or an error saying where they differ.
func Equal(got, want report.Aging) error {
	if got.AsOf != want.AsOf || got.Basis != want.Basis || len(got.Buckets) != len(want.Buckets) {
		return fmt.Errorf("header: got %v %v %v, want %v %v %v", got.AsOf, got.Basis, got.Buckets, want.AsOf, want.Basis, want.Buckets)
	}
	if len(got.Currencies) != len(want.Currencies) {
		return fmt.Errorf("currencies: got %d, want %d", len(got.Currencies), len(want.Currencies))
	}
	row := func(what string, g, w report.AgingRow) error {
		if g.Items != w.Items || !g.Total.Equal(w.Total) || len(g.Amounts) != len(w.Amounts) {
			return fmt.Errorf("%s: got %d items %s, want %d items %s", what, g.Items, g.Total, w.Items, w.Total)
		}
		for i := range g.Amounts {
			if !g.Amounts[i].Equal(w.Amounts[i]) {
				return fmt.Errorf("%s bucket %d: got %s, want %s", what, i, g.Amounts[i], w.Amounts[i])
			}
		}
		return nil
	}
	for i, g := range got.Currencies {
		w := want.Currencies[i]
		if g.Currency != w.Currency || len(g.Customers) != len(w.Customers) {
			return fmt.Errorf("currency %d: got %s with %d customers, want %s with %d", i, g.Currency, len(g.Customers), w.Currency, len(w.Customers))
		}
		if err := row(g.Currency.Code()+" total", g.Total, w.Total); err != nil {
			return err
		}
		for j := range g.Customers {
			if g.Customers[j].Customer != w.Customers[j].Customer {
				return fmt.Errorf("%s customer %d: got %s, want %s", g.Currency, j, g.Customers[j].Customer, w.Customers[j].Customer)
			}
			if err := row(g.Currency.Code()+" customer "+g.Customers[j].Customer.String(), g.Customers[j].AgingRow, w.Customers[j].AgingRow); err != nil {
				return err
			}
		}
	}
	return nil
}
