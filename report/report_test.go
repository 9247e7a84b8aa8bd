package report_test

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/tax"
)

func d(y int, m time.Month, day int) o2c.Date { return o2c.MustDate(y, m, day) }
func eur(s string) o2c.Money                  { return o2c.MustMoney(s, "EUR") }

var (
	custA, _ = o2c.ParseCustomerID("00000000-0000-7000-8000-00000000000a")
	custB, _ = o2c.ParseCustomerID("00000000-0000-7000-8000-00000000000b")
)

func item(number string, c o2c.CustomerID, issue, due o2c.Date, gross string, ms ...report.Movement) report.Item {
	g := o2c.MustMoney(gross, "EUR")
	return report.Item{Invoice: o2c.NewID[invoice.Invoice](), Number: number, Customer: c, Currency: g.Currency(),
		IssueDate: issue, DueDate: due, Gross: g, Movements: ms}
}

func pay(on o2c.Date, amount string) report.Movement {
	return report.Movement{Kind: report.MovementPayment, Date: on, Amount: eur(amount)}
}

// agingFixture, as of 2026-03-31 by due date:
//
//	I1 A issued 01-01 due 01-31 gross 1000, paid 400 on 02-10 -> open 600, 59 days past due -> 31-60
//	I2 A issued 02-15 due 03-17 gross  500, unpaid            -> open 500, 14 days           -> 1-30
//	I3 B issued 03-01 due 04-30 gross  300, paid 300 on 03-20 -> open   0                    -> not listed
//	I4 B issued 11-01 due 12-01 gross  200, unpaid            -> open 200, 120 days          -> over 90
//	I5 B issued 03-20 due 04-19 gross  250, credit 50 04-05   -> open 250 (credit after asOf) -> not due
//	I6 A issued 04-02 due 05-02 gross  999                    -> issued after asOf           -> excluded
//	I7 B issued 12-20 due 01-19 gross  100, payment 100 on 01-25 reversed 03-31 -> open 100, 71 days -> 61-90
//
// totals: not due 250, 1-30 500, 31-60 600, 61-90 100, over 90 200 = 1650
// A: 0, 500, 600, 0, 0 = 1100; B: 250, 0, 0, 100, 200 = 550.
func agingFixture() []report.Item {
	rev := pay(d(2026, 1, 25), "100")
	rev.Reversed = d(2026, 3, 31)
	return []report.Item{
		item("I1", custA, d(2026, 1, 1), d(2026, 1, 31), "1000", pay(d(2026, 2, 10), "400")),
		item("I2", custA, d(2026, 2, 15), d(2026, 3, 17), "500"),
		item("I3", custB, d(2026, 3, 1), d(2026, 4, 30), "300", pay(d(2026, 3, 20), "300")),
		item("I4", custB, d(2025, 11, 1), d(2025, 12, 1), "200"),
		item("I5", custB, d(2026, 3, 20), d(2026, 4, 19), "250", report.Movement{Kind: report.MovementCredit, Date: d(2026, 4, 5), Amount: eur("50")}),
		item("I6", custA, d(2026, 4, 2), d(2026, 5, 2), "999"),
		item("I7", custB, d(2025, 12, 20), d(2026, 1, 19), "100", rev),
	}
}

func amounts(r report.AgingRow) []string {
	out := make([]string, len(r.Amounts))
	for i, m := range r.Amounts {
		out[i] = m.Amount().String()
	}
	return out
}

func eqStrings(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: got %v, want %v", what, got, want)
		}
	}
}

func TestAgingFixtureByDueDate(t *testing.T) {
	a, err := report.AgingOf(agingFixture(), d(2026, 3, 31), report.AgingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Currencies) != 1 {
		t.Fatalf("currencies: %d", len(a.Currencies))
	}
	c := a.Currencies[0]
	eqStrings(t, "total", amounts(c.Total), "250", "500", "600", "100", "200")
	if c.Total.Total.String() != "1650.00 EUR" || c.Total.Items != 5 {
		t.Fatalf("total %s items %d", c.Total.Total, c.Total.Items)
	}
	if len(c.Customers) != 2 || c.Customers[0].Customer != custA {
		t.Fatalf("customers: %+v", c.Customers)
	}
	eqStrings(t, "A", amounts(c.Customers[0].AgingRow), "0", "500", "600", "0", "0")
	eqStrings(t, "B", amounts(c.Customers[1].AgingRow), "250", "0", "0", "100", "200")
	bal, err := report.OpenBalance(agingFixture(), d(2026, 3, 31))
	if err != nil || len(bal) != 1 || !bal[0].Equal(c.Total.Total) {
		t.Fatalf("open balance %v %v", bal, err)
	}
}

// By issue date as of 2026-03-31 (IssueDateBuckets 0-30, 31-60, 61-90, over 90):
// I1 89 days -> 61-90 (600); I2 44 -> 31-60 (500); I4 150 -> over 90 (200);
// I5 11 -> 0-30 (250); I7 101 -> over 90 (100).
func TestAgingFixtureByIssueDate(t *testing.T) {
	a, err := report.AgingOf(agingFixture(), d(2026, 3, 31), report.AgingOptions{Basis: report.ByIssueDate})
	if err != nil {
		t.Fatal(err)
	}
	eqStrings(t, "total", amounts(a.Currencies[0].Total), "250", "500", "600", "300")
}

// As of a past date, 2026-02-28: I1 open 600 (paid 02-10), 28 days -> 1-30;
// I2 open 500, not due; I4 200, 89 days -> 61-90; I7 paid 01-25, reversal
// not yet -> 0; I3, I5, I6 not issued. Custom buckets: <=0, 1-60, 61+.
func TestAgingPastDateCustomBuckets(t *testing.T) {
	bs := []report.Bucket{{Label: "current", Min: report.NoMin, Max: 0}, {Label: "1-60", Min: 1, Max: 60}, {Label: "61+", Min: 61, Max: report.NoMax}}
	a, err := report.AgingOf(agingFixture(), d(2026, 2, 28), report.AgingOptions{Buckets: bs})
	if err != nil {
		t.Fatal(err)
	}
	eqStrings(t, "total", amounts(a.Currencies[0].Total), "500", "600", "200")
	if a.Currencies[0].Total.Items != 3 {
		t.Fatalf("items %d", a.Currencies[0].Total.Items)
	}
}

func TestAgingPerCurrency(t *testing.T) {
	items := agingFixture()
	usd := o2c.MustMoney("70", "USD")
	items = append(items, report.Item{Invoice: o2c.NewID[invoice.Invoice](), Number: "U1", Customer: custA, Currency: usd.Currency(),
		IssueDate: d(2026, 3, 1), DueDate: d(2026, 3, 1), Gross: usd})
	a, err := report.AgingOf(items, d(2026, 3, 31), report.AgingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Currencies) != 2 || a.Currencies[0].Currency.Code() != "EUR" || a.Currencies[1].Currency.Code() != "USD" {
		t.Fatalf("currencies %+v", a.Currencies)
	}
	u, ok := a.Currency(usd.Currency())
	if !ok || u.Total.Total.String() != "70.00 USD" {
		t.Fatalf("usd %+v", u)
	}
}

func TestBadInput(t *testing.T) {
	asOf := d(2026, 3, 31)
	cases := map[string]struct {
		items []report.Item
		opts  report.AgingOptions
		is    error
	}{
		"gap in buckets": {opts: report.AgingOptions{Buckets: []report.Bucket{{Label: "a", Min: report.NoMin, Max: 0}, {Label: "b", Min: 2, Max: report.NoMax}}}, is: o2c.ErrValidation},
		"open end":       {opts: report.AgingOptions{Buckets: []report.Bucket{{Label: "a", Min: report.NoMin, Max: 10}}}, is: o2c.ErrValidation},
		"basis":          {opts: report.AgingOptions{Basis: 7}, is: o2c.ErrValidation},
		"mixed currency": {items: []report.Item{item("X", custA, asOf, asOf, "10", report.Movement{Kind: report.MovementPayment, Date: asOf, Amount: o2c.MustMoney("1", "USD")})}, is: o2c.ErrCurrencyMismatch},
		"no customer":    {items: []report.Item{item("X", o2c.CustomerID{}, asOf, asOf, "10")}, is: o2c.ErrValidation},
		"zero payment":   {items: []report.Item{item("X", custA, asOf, asOf, "10", pay(asOf, "0"))}, is: o2c.ErrValidation},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := report.AgingOf(c.items, asOf, c.opts)
			if !errors.Is(err, c.is) {
				t.Fatalf("got %v, want %v", err, c.is)
			}
		})
	}
	if _, err := report.AgingOf(nil, o2c.Date{}, report.AgingOptions{}); !errors.Is(err, o2c.ErrValidation) {
		t.Fatalf("zero asOf: %v", err)
	}
	if _, err := report.SimpleDSO(nil, report.Period{From: asOf, To: asOf.AddDays(-1)}); !errors.Is(err, o2c.ErrValidation) {
		t.Fatalf("reversed period: %v", err)
	}
}

// dsoFixture: one customer, sales Jan 1000 (issued 01-10, due 02-09),
// Feb 2000 (02-10, due 03-12), Mar 3000 (03-10, due 04-09). Payments: the
// January invoice in full on 02-20; 1000 of February's on 03-15 (so 1000
// of February's is overdue at 03-31). Receivables at 2026-03-31: 1000 + 3000 = 4000.
func dsoFixture() []report.Item {
	return []report.Item{
		item("J", custA, d(2026, 1, 10), d(2026, 2, 9), "1000", pay(d(2026, 2, 20), "1000")),
		item("F", custA, d(2026, 2, 10), d(2026, 3, 12), "2000", pay(d(2026, 3, 15), "1000")),
		item("M", custA, d(2026, 3, 10), d(2026, 4, 9), "3000"),
	}
}

var q1 = report.Period{From: d(2026, 1, 1), To: d(2026, 3, 31)} // 90 days

func TestSimpleDSOFixture(t *testing.T) {
	// 4000 / 6000 × 90 = 60.00
	got, err := report.SimpleDSO(dsoFixture(), q1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Days.String() != "60" || got[0].Receivables.String() != "4000.00 EUR" || got[0].Sales.String() != "6000.00 EUR" {
		t.Fatalf("%+v", got)
	}
	// March alone: 4000 / 3000 × 31 = 41.333... -> 41.33
	got, err = report.SimpleDSO(dsoFixture(), report.Period{From: d(2026, 3, 1), To: d(2026, 3, 31)})
	if err != nil || got[0].Days.String() != "41.33" {
		t.Fatalf("%+v %v", got, err)
	}
	// no sales in April: undefined
	_, err = report.SimpleDSO(dsoFixture(), report.Period{From: d(2026, 4, 1), To: d(2026, 4, 30)})
	if !errors.Is(err, report.ErrUndefined) || !errors.Is(err, o2c.ErrValidation) {
		t.Fatalf("no sales: %v", err)
	}
}

func TestCountbackDSOFixture(t *testing.T) {
	// As of 03-31 (a month end: calendar months). Receivables 4000.
	// March: 4000 >= 3000 -> 31 days, 1000 left; February: 1000 < 2000 ->
	// 1000 / 2000 × 28 = 14 days. DSO = 45.
	got, err := report.CountbackDSO(dsoFixture(), d(2026, 3, 31), report.CountbackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Days.String() != "45" || got[0].Receivables.String() != "4000.00 EUR" {
		t.Fatalf("%+v", got)
	}
	// As of 03-15 (mid-month: months end on the 15th). Receivables: J paid,
	// F 2000 − 1000 (paid 03-15) = 1000, M 3000 -> 4000. Month (02-15, 03-15]
	// sales 3000 (M): 28 days, 1000 left; month (01-15, 02-15] sales 2000 (F):
	// 1000 / 2000 × 31 = 15.5. DSO = 43.5.
	got, err = report.CountbackDSO(dsoFixture(), d(2026, 3, 15), report.CountbackOptions{})
	if err != nil || got[0].Days.String() != "43.5" {
		t.Fatalf("%+v %v", got, err)
	}
	// Receivables beyond all sales of MaxMonths=1: the month's days (31).
	extra := append(dsoFixture(), item("OLD", custA, d(2025, 1, 1), d(2025, 1, 31), "5000"))
	got, err = report.CountbackDSO(extra, d(2026, 3, 31), report.CountbackOptions{MaxMonths: 1})
	if err != nil || got[0].Days.String() != "31" {
		t.Fatalf("%+v %v", got, err)
	}
	// Fractions: receivables 1000 against March sales 3000 -> 1000/3000 × 31 = 10.333 -> 10.33
	one := []report.Item{item("M", custA, d(2026, 3, 10), d(2026, 4, 9), "3000", pay(d(2026, 3, 20), "2000"))}
	got, err = report.CountbackDSO(one, d(2026, 3, 31), report.CountbackOptions{})
	if err != nil || got[0].Days.String() != "10.33" {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestBestPossibleDSOAndADDFixture(t *testing.T) {
	// Q1: current (due on or after 03-31) receivables: M 3000 (due 04-09);
	// F (due 03-12) is overdue. BPDSO = 3000 / 6000 × 90 = 45. DSO = 60.
	// ADD = 60 − 45 = 15.
	got, err := report.AverageDaysDelinquent(dsoFixture(), q1)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].DSO.String() != "60" || got[0].BPDSO.String() != "45" || got[0].ADD.String() != "15" {
		t.Fatalf("%+v", got)
	}
	// March: DSO 41.33 (above); BPDSO 3000/3000 × 31 = 31; ADD 10.33.
	got, err = report.AverageDaysDelinquent(dsoFixture(), report.Period{From: d(2026, 3, 1), To: d(2026, 3, 31)})
	if err != nil || got[0].ADD.String() != "10.33" || got[0].BPDSO.String() != "31" {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestCEIFixture(t *testing.T) {
	// March: opening (end of 02-28): J 0 (paid 02-20), F 2000 -> 2000.
	// Sales in March: 3000. Closing total at 03-31: 4000; closing current 3000.
	// CEI = (2000 + 3000 − 4000) / (2000 + 3000 − 3000) × 100 = 1000 / 2000 × 100 = 50.
	got, err := report.CollectionEffectiveness(dsoFixture(), report.Period{From: d(2026, 3, 1), To: d(2026, 3, 31)})
	if err != nil {
		t.Fatal(err)
	}
	c := got[0]
	if c.Percent.String() != "50" || c.Opening.String() != "2000.00 EUR" || c.Sales.String() != "3000.00 EUR" ||
		c.Closing.String() != "4000.00 EUR" || c.ClosingCurrent.String() != "3000.00 EUR" {
		t.Fatalf("%+v", c)
	}
	// February: opening (01-31) J 1000; sales F 2000; closing (02-28) F 2000,
	// current F 2000 (due 03-12). (1000 + 2000 − 2000) / (1000 + 2000 − 2000) = 100.
	got, err = report.CollectionEffectiveness(dsoFixture(), report.Period{From: d(2026, 2, 1), To: d(2026, 2, 28)})
	if err != nil || got[0].Percent.String() != "100" {
		t.Fatalf("%+v %v", got, err)
	}
	// Q1 with a third: opening 0, sales 6000, closing 4000, current 3000:
	// (6000 − 4000) / (6000 − 3000) × 100 = 66.666... -> 66.67
	got, err = report.CollectionEffectiveness(dsoFixture(), q1)
	if err != nil || got[0].Percent.String() != "66.67" {
		t.Fatalf("%+v %v", got, err)
	}
	// nothing collectable: only a current invoice issued before the period
	only := []report.Item{item("Z", custA, d(2026, 4, 1), d(2026, 6, 1), "10")}
	_, err = report.CollectionEffectiveness(only, report.Period{From: d(2026, 5, 1), To: d(2026, 5, 31)})
	if !errors.Is(err, report.ErrUndefined) {
		t.Fatalf("zero denominator: %v", err)
	}
}

func TestDisputeStats(t *testing.T) {
	items := dsoFixture()
	items[0].Disputes = []report.DisputeRecord{
		// price error, credited in full after 10 days
		{Reason: invoice.ReasonPriceError, Amount: eur("100"), Opened: d(2026, 1, 15), Resolved: d(2026, 1, 25), Outcome: invoice.OutcomeCredited, Credited: eur("100")},
		// price error, rejected after 20 days
		{Reason: invoice.ReasonPriceError, Amount: eur("50"), Opened: d(2026, 1, 20), Resolved: d(2026, 2, 9), Outcome: invoice.OutcomeRejected, Credited: eur("0")},
	}
	items[1].Disputes = []report.DisputeRecord{
		// price error, partly credited after 5 days
		{Reason: invoice.ReasonPriceError, Amount: eur("30"), Opened: d(2026, 2, 12), Resolved: d(2026, 2, 17), Outcome: invoice.OutcomePartlyCredited, Credited: eur("10")},
		// quality, still open at the period's end (resolved after it)
		{Reason: invoice.ReasonQuality, Amount: eur("500"), Opened: d(2026, 3, 1), Resolved: d(2026, 4, 10), Outcome: invoice.OutcomeRejected, Credited: eur("0")},
		// opened before the period: not counted
		{Reason: invoice.ReasonOther, Amount: eur("5"), Opened: d(2025, 12, 1)},
	}
	got, err := report.DisputeStats(items, q1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	// largest amount first: quality 500
	q, p := got[0], got[1]
	if q.Reason != invoice.ReasonQuality || q.Count != 1 || q.Open != 1 || q.Resolved != 0 || !q.AvgDaysToResolve.IsZero() {
		t.Fatalf("quality %+v", q)
	}
	// price error: 3 disputes, 180 disputed, all resolved; days (10+20+5)/3 = 11.666 -> 11.67;
	// credited 2 of 3 -> 66.67 %; credited amount 110.
	if p.Reason != invoice.ReasonPriceError || p.Count != 3 || p.Resolved != 3 || p.Amount.String() != "180.00 EUR" ||
		p.AvgDaysToResolve.String() != "11.67" || p.CreditedShare.String() != "66.67" || p.Credited.String() != "110.00 EUR" {
		t.Fatalf("price %+v", p)
	}
}

func TestCashForecast(t *testing.T) {
	// Customer A's history as of 03-31: J due 02-09 paid 1000 on 02-20 (11
	// days late); F due 03-12 paid 1000 on 03-15 (3 days late).
	// Amount-weighted: (1000×11 + 1000×3) / 2000 = 7 days.
	// Open: F 1000 due 03-12 -> 03-19, before asOf+1 -> 04-01; M 3000 due
	// 04-09 -> 04-16. Customer B has no history: default 5 days, B1 200 due
	// 04-20 -> 04-25.
	items := append(dsoFixture(), item("B1", custB, d(2026, 3, 21), d(2026, 4, 20), "200"))
	f, err := report.CashForecast(items, d(2026, 3, 31), report.ForecastOptions{DefaultDaysLate: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Profiles) != 2 || f.Profiles[0].DaysLate != 7 || f.Profiles[0].Default || f.Profiles[0].Payments != 2 ||
		f.Profiles[1].DaysLate != 5 || !f.Profiles[1].Default {
		t.Fatalf("profiles %+v", f.Profiles)
	}
	want := []struct {
		n, date, amount string
	}{{"F", "2026-04-01", "1000.00 EUR"}, {"M", "2026-04-16", "3000.00 EUR"}, {"B1", "2026-04-25", "200.00 EUR"}}
	if len(f.Items) != len(want) || len(f.ByDate) != 3 {
		t.Fatalf("items %+v by date %+v", f.Items, f.ByDate)
	}
	for i, w := range want {
		g := f.Items[i]
		if g.Number != w.n || g.Expected.String() != w.date || g.Amount.String() != w.amount {
			t.Fatalf("item %d: %+v, want %+v", i, g, w)
		}
		if f.ByDate[i].Date.String() != w.date || f.ByDate[i].Amount.String() != w.amount || f.ByDate[i].Items != 1 {
			t.Fatalf("by date %d: %+v", i, f.ByDate[i])
		}
	}
	// Unequal amounts weigh: 100 paid 30 days late, 900 paid 0 days late ->
	// (3000 + 0) / 1000 = 3 days.
	w := []report.Item{
		item("a", custA, d(2026, 1, 1), d(2026, 1, 31), "100", pay(d(2026, 3, 2), "100")),
		item("b", custA, d(2026, 1, 1), d(2026, 1, 31), "900", pay(d(2026, 1, 31), "900")),
		item("c", custA, d(2026, 3, 1), d(2026, 4, 30), "10"),
	}
	f, err = report.CashForecast(w, d(2026, 3, 31), report.ForecastOptions{})
	if err != nil || f.Profiles[0].DaysLate != 3 || f.Items[0].Expected.String() != "2026-05-03" {
		t.Fatalf("%+v %v", f, err)
	}
}

func TestItemsFromInvoices(t *testing.T) {
	now := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	inv, err := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{
		Customer: custA, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{SKU: "W", Description: "Widget", Quantity: decimal.NewFromInt(1), UnitPrice: eur("100"), TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := inv.Issue("INV-1", d(2026, 1, 10), invoice.BusinessDayShift{}, now); err != nil {
		t.Fatal(err)
	}
	paid := time.Date(2026, 2, 20, 15, 0, 0, 0, time.UTC)
	if err := inv.ApplyPayment(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "ref", eur("50"), 0, paid); err != nil {
		t.Fatal(err)
	}
	draft, _ := invoice.NewDraft("acme", invoice.KindInvoice, inv.Draft(), now)
	items := report.ItemsFromInvoices([]*invoice.Invoice{inv, draft})
	if len(items) != 1 {
		t.Fatalf("items %d", len(items))
	}
	it := items[0]
	if it.Gross.String() != "120.00 EUR" || it.DueDate.String() != "2026-02-09" || len(it.Movements) != 1 || it.Movements[0].Date.String() != "2026-02-20" {
		t.Fatalf("%+v", it)
	}
	// 02-19: all 120 open, 10 days late -> 1-30; 02-20: 70 open.
	a, err := report.AgingOf(items, d(2026, 2, 19), report.AgingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eqStrings(t, "02-19", amounts(a.Currencies[0].Total), "0", "120", "0", "0", "0")
	a, _ = report.AgingOf(items, d(2026, 2, 20), report.AgingOptions{})
	if a.Currencies[0].Total.Total.String() != "70.00 EUR" || !a.Currencies[0].Total.Total.Equal(inv.Open()) {
		t.Fatalf("%+v", a.Currencies[0].Total)
	}
}
