package report_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

var propCustomers = func() []o2c.CustomerID {
	out := make([]o2c.CustomerID, 4)
	for i := range out {
		out[i] = o2c.NewCustomerID()
	}
	return out
}()

// genHistory draws invoices in EUR and JPY issued in 2025-2026, each with
// up to 4 movements (payments, credits, write-offs) that never settle more
// than the gross, some of them reversed later.
func genHistory(t *rapid.T) []report.Item {
	base := o2c.MustDate(2025, 1, 1)
	n := rapid.IntRange(0, 30).Draw(t, "n")
	items := make([]report.Item, n)
	for i := range items {
		cur := o2c.EUR
		if rapid.Bool().Draw(t, "jpy") {
			cur = o2c.MustMoney("1", "JPY").Currency()
		}
		issue := base.AddDays(rapid.IntRange(0, 700).Draw(t, "issue"))
		due := issue.AddDays(rapid.IntRange(0, 120).Draw(t, "terms"))
		grossMinor := rapid.Int64Range(1, 10_000_000).Draw(t, "gross")
		it := report.Item{Invoice: o2c.NewID[invoice.Invoice](), Customer: propCustomers[rapid.IntRange(0, 3).Draw(t, "cust")],
			Currency: cur, IssueDate: issue, DueDate: due, Gross: o2c.FromMinor(grossMinor, cur)}
		left := grossMinor
		for range rapid.IntRange(0, 4).Draw(t, "moves") {
			if left == 0 {
				break
			}
			amt := rapid.Int64Range(1, left).Draw(t, "amount")
			left -= amt
			m := report.Movement{
				Kind:   rapid.SampledFrom([]report.MovementKind{report.MovementPayment, report.MovementCredit, report.MovementWriteOff}).Draw(t, "kind"),
				Date:   issue.AddDays(rapid.IntRange(0, 400).Draw(t, "paid")),
				Amount: o2c.FromMinor(amt, cur),
			}
			if rapid.IntRange(0, 4).Draw(t, "rev") == 0 {
				m.Reversed = m.Date.AddDays(rapid.IntRange(0, 60).Draw(t, "reversed"))
			}
			it.Movements = append(it.Movements, m)
		}
		items[i] = it
	}
	return items
}

func genBuckets(t *rapid.T) []report.Bucket {
	bounds := rapid.SliceOfNDistinct(rapid.IntRange(-30, 400), 0, 6, rapid.ID[int]).Draw(t, "bounds")
	sortInts(bounds)
	var bs []report.Bucket
	lo := report.NoMin
	for _, b := range bounds {
		bs = append(bs, report.Bucket{Label: "b", Min: lo, Max: b})
		lo = b + 1
	}
	return append(bs, report.Bucket{Label: "last", Min: lo, Max: report.NoMax})
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// The aging total of every currency equals the open balance as of the
// date, which is the sum of gross less the movements active then, over the
// items issued by then; customer rows add up to the total; every bucket
// sum is the sum of its items' open amounts.
func TestAgingTotalEqualsOpenBalance(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		items := genHistory(t)
		asOf := o2c.MustDate(2025, 1, 1).AddDays(rapid.IntRange(-10, 900).Draw(t, "asOf"))
		basis := report.Basis(rapid.IntRange(0, 1).Draw(t, "basis"))
		a, err := report.AgingOf(items, asOf, report.AgingOptions{Basis: basis, Buckets: genBuckets(t)})
		if err != nil {
			t.Fatal(err)
		}
		// the open balance, computed independently from the raw history
		want := map[string]decimal.Decimal{}
		count := map[string]int{}
		for _, it := range items {
			if it.IssueDate.After(asOf) {
				continue
			}
			open := it.Gross.Amount()
			for _, m := range it.Movements {
				if !m.Date.After(asOf) && (m.Reversed.IsZero() || m.Reversed.After(asOf)) {
					open = open.Sub(m.Amount.Amount())
				}
			}
			if !open.IsZero() {
				want[it.Currency.Code()] = want[it.Currency.Code()].Add(open)
				count[it.Currency.Code()]++
			}
		}
		if len(a.Currencies) != len(want) {
			t.Fatalf("currencies: got %d want %d", len(a.Currencies), len(want))
		}
		bal, err := report.OpenBalance(items, asOf)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range a.Currencies {
			w := want[c.Currency.Code()]
			if !c.Total.Total.Amount().Equal(w) || !bal[i].Amount().Equal(w) {
				t.Fatalf("%s: aging total %s, OpenBalance %s, open balance %s", c.Currency, c.Total.Total, bal[i], w)
			}
			if c.Total.Items != count[c.Currency.Code()] {
				t.Fatalf("items %d want %d", c.Total.Items, count[c.Currency.Code()])
			}
			sumBuckets, sumCust := decimal.Zero, decimal.Zero
			for _, m := range c.Total.Amounts {
				sumBuckets = sumBuckets.Add(m.Amount())
			}
			for _, r := range c.Customers {
				sumCust = sumCust.Add(r.Total.Amount())
			}
			if !sumBuckets.Equal(w) || !sumCust.Equal(w) {
				t.Fatalf("buckets %s customers %s want %s", sumBuckets, sumCust, w)
			}
		}
	})
}
