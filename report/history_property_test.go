package report_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/report/reporttest"
	"github.com/cashcycle/sdk/tax"
)

// histEvent is one dated thing that happens to an invoice: a payment
// (value date = day), a credit note applied, or a write-off.
type histEvent struct {
	day  int
	inv  int
	kind int // 0 payment, 1 credit note, 2 write-off
	seq  int // payment on one instalment (0: oldest first)
	frac int // percent of what is open
}

func histDay(d int) o2c.Date { return o2c.MustDate(2026, time.January, 1).AddDays(d) }
func histAt(d int) time.Time { return histDay(d).Time().Add(12 * time.Hour) }
func histCopy(inv *invoice.Invoice) *invoice.Invoice {
	c, err := invoice.FromSnapshot(inv.Snapshot())
	if err != nil {
		panic(err)
	}
	return c
}

// TestPropertyDueLineHistories (issue #13): over random histories of
// invoices with instalments, partial payments (oldest first or on one
// instalment), credit notes and write-offs, per customer
//
//	invoices - credits - applied - written off = Σ open due lines = aging total today
//
// and the aging as of any past date D is the same whether it is computed
// right after the events dated up to D or after every later event too.
func TestPropertyDueLineHistories(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		const tenant = o2c.TenantID("prop")
		custs := []o2c.CustomerID{propCustomers[0], propCustomers[1]}
		n := rapid.IntRange(1, 8).Draw(rt, "invoices")
		invs := make([]*invoice.Invoice, n)
		issueDay := make([]int, n)
		for i := range invs {
			issueDay[i] = rapid.IntRange(0, 60).Draw(rt, "issue")
			gross := o2c.FromMinor(rapid.Int64Range(100, 500_000).Draw(rt, "gross"), o2c.EUR)
			d := invoice.Draft{Customer: custs[rapid.IntRange(0, 1).Draw(rt, "cust")], Currency: o2c.EUR, Terms: invoice.NetTerms(30),
				Lines: []invoice.Line{{Description: "x", Quantity: decimal.NewFromInt(1), UnitPrice: gross, TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}}}
			switch rapid.IntRange(1, 3).Draw(rt, "instalments") {
			case 2:
				d.Schedule = []invoice.PercentInstalment{{Percent: decimal.NewFromInt(50), Terms: invoice.NetTerms(30)}, {Percent: decimal.NewFromInt(50), Terms: invoice.NetTerms(60)}}
			case 3:
				d.Schedule = []invoice.PercentInstalment{{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(30)},
					{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(60)}, {Percent: decimal.NewFromInt(40), Terms: invoice.NetTerms(90)}}
			}
			inv, err := invoice.NewDraft(tenant, invoice.KindInvoice, d, histAt(issueDay[i]))
			if err != nil {
				rt.Fatal(err)
			}
			if err := inv.Issue(fmt.Sprintf("P-%d", i), histDay(issueDay[i]), invoice.BusinessDayShift{}, histAt(issueDay[i])); err != nil {
				rt.Fatal(err)
			}
			invs[i] = inv
		}
		var events []histEvent
		for range rapid.IntRange(0, 20).Draw(rt, "events") {
			e := histEvent{inv: rapid.IntRange(0, n-1).Draw(rt, "inv"), kind: rapid.IntRange(0, 2).Draw(rt, "kind"),
				seq: rapid.IntRange(0, 3).Draw(rt, "seq"), frac: rapid.IntRange(1, 100).Draw(rt, "frac")}
			e.day = issueDay[e.inv] + rapid.IntRange(0, 150).Draw(rt, "after")
			if e.kind == 2 && rapid.IntRange(0, 3).Draw(rt, "rare") != 0 {
				e.kind = 0 // write-offs are rarer
			}
			events = append(events, e)
		}
		sort.SliceStable(events, func(i, j int) bool { return events[i].day < events[j].day })
		past := rapid.IntRange(0, 220).Draw(rt, "past")

		// running totals per customer, in minor units
		applied, credited, written := map[o2c.CustomerID]int64{}, map[o2c.CustomerID]int64{}, map[o2c.CustomerID]int64{}
		minor := func(m o2c.Money) int64 { return m.Amount().Shift(2).IntPart() }
		var before report.Aging
		snapped := false
		snap := func() {
			cp := make([]*invoice.Invoice, n)
			for i, inv := range invs {
				cp[i] = histCopy(inv)
			}
			a, err := report.AgingOf(report.ItemsFromInvoices(cp), histDay(past), report.AgingOptions{})
			if err != nil {
				rt.Fatal(err)
			}
			before, snapped = a, true
		}
		cnSeq := 0
		for _, e := range events {
			if !snapped && e.day > past {
				snap()
			}
			inv := invs[e.inv]
			if !inv.Status().IsOpen() || !inv.Open().IsPositive() {
				continue
			}
			at := histAt(e.day)
			switch e.kind {
			case 0:
				open := inv.Open()
				seq := 0
				if e.seq > 0 && e.seq <= len(inv.Instalments()) && inv.Instalments()[e.seq-1].Open.IsPositive() {
					seq, open = e.seq, inv.Instalments()[e.seq-1].Open
				}
				amt := open.MulRound(decimal.NewFromInt(int64(e.frac)).Shift(-2), o2c.RoundHalfUp)
				if !amt.IsPositive() {
					continue
				}
				if err := inv.ApplyPaymentOn(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "ref", amt, seq, histDay(e.day), at); err != nil {
					rt.Fatal(err)
				}
				applied[inv.Customer()] += minor(amt)
			case 1:
				left, _ := inv.Gross().Sub(inv.Credited())
				amt, _ := inv.Open().Min(left)
				amt = amt.MulRound(decimal.NewFromInt(int64(e.frac)).Shift(-2), o2c.RoundHalfUp)
				if !amt.IsPositive() {
					continue
				}
				cn, err := invoice.NewCreditNote(inv, []invoice.Line{{Description: "credit", Quantity: decimal.NewFromInt(1), UnitPrice: amt,
					TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}}, "damaged", "", at)
				if err != nil {
					rt.Fatal(err)
				}
				cnSeq++
				if err := cn.Issue(fmt.Sprintf("C-%d", cnSeq), histDay(e.day), invoice.BusinessDayShift{}, at); err != nil {
					rt.Fatal(err)
				}
				if err := inv.RegisterCredit(invoice.CreditRef{CreditNote: cn.ID(), Number: cn.Number(), Gross: amt}, at); err != nil {
					rt.Fatal(err)
				}
				if err := inv.ApplyCredit(o2c.NewID[invoice.Allocation](), cn.ID(), cn.Number(), amt, at); err != nil {
					rt.Fatal(err)
				}
				credited[inv.Customer()] += minor(amt)
			case 2:
				written[inv.Customer()] += minor(inv.Open())
				if err := inv.WriteOff("insolvent", "cfo", at); err != nil {
					rt.Fatal(err)
				}
			}
		}
		if !snapped {
			snap()
		}

		// the past is unchanged by later events
		after, err := report.AgingOf(report.ItemsFromInvoices(invs), histDay(past), report.AgingOptions{})
		if err != nil {
			rt.Fatal(err)
		}
		if err := reporttest.Equal(after, before); err != nil {
			rt.Fatalf("aging as of %s changed after later events: %v", histDay(past), err)
		}

		// per customer: invoices - credits - applied - written off = open due lines = aging today
		today := histDay(400)
		aging, err := report.AgingOf(report.ItemsFromInvoices(invs), today, report.AgingOptions{})
		if err != nil {
			rt.Fatal(err)
		}
		agingBy := map[o2c.CustomerID]int64{}
		for _, c := range aging.Currencies {
			for _, row := range c.Customers {
				agingBy[row.Customer] = minor(row.Total)
			}
		}
		for _, cust := range custs {
			var gross, lines int64
			for _, inv := range invs {
				if inv.Customer() != cust {
					continue
				}
				gross += minor(inv.Gross())
				for _, l := range inv.DueLines() {
					lines += minor(l.Open)
				}
			}
			want := gross - credited[cust] - applied[cust] - written[cust]
			if lines != want || agingBy[cust] != want {
				rt.Fatalf("customer %s: invoices - credits - applied - written off = %d, open due lines %d, aging %d", cust, want, lines, agingBy[cust])
			}
		}
	})
}
