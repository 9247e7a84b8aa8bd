package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// propertyBook: French chart, services on receipts, goods to 707.
func propertyBook(t require.TestingT) *ledger.Book {
	cfg := ledger.FrenchPCG()
	cfg.Lines = []ledger.LineRule{
		{SKUPrefix: "SVC-", Account: "706", Basis: ledger.VATOnReceipts},
		{SKUPrefix: "GOODS-", Account: "707"},
	}
	b, err := ledger.NewBook(cfg)
	require.NoError(t, err)
	return b
}

// TestPropertyBooksMatchReceivables runs random histories through the
// invoicing service (instalments, partial payments, over-payments, credit
// notes applied and refunded, residual and bad-debt write-offs, allocation
// reversals, bounced payments, refunds), posts every event the outbox
// holds, and checks that every entry balances, that per customer the
// receivable account (411) equals what the subledger says is open
// (invoices less unused credit notes) and the unapplied-cash account
// (4191) equals the payments' unapplied credit, that every monthly trial
// balance balances, that pending VAT is gone from documents nothing is
// open on, and that posting the events in another order gives the same
// balances.
func TestPropertyBooksMatchReceivables(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		w := newWorld(rt, time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
		b := propertyBook(rt)
		customers := []o2c.CustomerID{o2c.NewCustomerID(), o2c.NewCustomerID(), o2c.NewCustomerID()}
		var invoices, creditNotes []invoice.ID
		var payments []invoice.PaymentID
		n := 0
		key := func() string { n++; return fmt.Sprintf("k%d", n) }
		cust := func() o2c.CustomerID { return rapid.SampledFrom(customers).Draw(rt, "customer") }
		money := func(max o2c.Money, label string) (o2c.Money, bool) {
			units, _ := max.MinorUnits()
			if units <= 0 {
				return o2c.Money{}, false
			}
			u := rapid.Int64Range(1, units).Draw(rt, label)
			if rapid.Bool().Draw(rt, label+"-all") {
				u = units
			}
			return o2c.FromMinor(u, max.Currency()), true
		}
		openInvoice := func(c o2c.CustomerID) *invoice.Invoice {
			var open []*invoice.Invoice
			for _, id := range invoices {
				inv, err := w.svc.Get(w.ctx, id)
				require.NoError(rt, err)
				if inv.Customer() == c && inv.Status().IsOpen() && inv.Undisputed().IsPositive() {
					open = append(open, inv)
				}
			}
			if len(open) == 0 {
				return nil
			}
			return open[rapid.IntRange(0, len(open)-1).Draw(rt, "invoice")]
		}
		ops := 0
		steps := rapid.IntRange(5, 30).Draw(rt, "steps")
		for range steps {
			w.clock.Advance(time.Duration(rapid.IntRange(0, 12).Draw(rt, "days")) * 24 * time.Hour)
			switch rapid.IntRange(0, 10).Draw(rt, "op") {
			case 0, 1: // issue an invoice, sometimes in two instalments
				var lines []invoice.Line
				for range rapid.IntRange(1, 3).Draw(rt, "lines") {
					lines = append(lines, line(rapid.SampledFrom([]string{"", "GOODS-1", "SVC-1", ledger.SKULateInterest}).Draw(rt, "sku"),
						rapid.SampledFrom([]string{"1", "2", "3.5"}).Draw(rt, "qty"),
						rapid.SampledFrom([]string{"10.00", "99.99", "1234.56", "0.35", "33.33"}).Draw(rt, "price"), o2c.EUR,
						rapid.SampledFrom([]string{"20", "10", "5.5", "0"}).Draw(rt, "rate")))
				}
				var sched []invoice.PercentInstalment
				if rapid.Bool().Draw(rt, "instalments") {
					sched = []invoice.PercentInstalment{{Percent: dec("30"), Terms: invoice.NetTerms(15)}, {Percent: dec("70"), Terms: invoice.NetTerms(45)}}
				}
				invoices = append(invoices, w.issue(cust(), o2c.EUR, sched, lines...).ID())
				ops++
			case 2, 3: // a payment, allocated (partly) or left unapplied
				c := cust()
				p := w.pay1(c, o2c.FromMinor(rapid.Int64Range(100, 300_000).Draw(rt, "paid"), o2c.EUR), key())
				payments = append(payments, p.ID())
				if inv := openInvoice(c); inv != nil && rapid.Bool().Draw(rt, "allocate") {
					amt, _ := p.Unapplied().Min(inv.Undisputed())
					if amt, ok := money(amt, "alloc"); ok {
						_, err := w.svc.Allocate(w.ctx, invoice.AllocateInput{Payment: p.ID(), Key: key(),
							Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: amt, CloseResidual: rapid.Bool().Draw(rt, "close")}}})
						require.NoError(rt, err)
						ops++
					}
				}
			case 4: // allocate an earlier payment's unapplied credit
				if len(payments) == 0 {
					continue
				}
				p, err := w.svc.GetPayment(w.ctx, rapid.SampledFrom(payments).Draw(rt, "payment"))
				require.NoError(rt, err)
				inv := openInvoice(p.Customer())
				if inv == nil || !p.Unapplied().IsPositive() {
					continue
				}
				amt, _ := p.Unapplied().Min(inv.Undisputed())
				if amt, ok := money(amt, "alloc"); ok {
					_, err := w.svc.Allocate(w.ctx, invoice.AllocateInput{Payment: p.ID(), Key: key(), Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: amt}}})
					require.NoError(rt, err)
					ops++
				}
			case 5: // a credit note on part of an invoice
				if len(invoices) == 0 {
					continue
				}
				inv, err := w.svc.Get(w.ctx, rapid.SampledFrom(invoices).Draw(rt, "credited"))
				require.NoError(rt, err)
				l := inv.Lines()[0]
				l.Quantity = decimal.Min(l.Quantity, dec("1"))
				sku := l.SKU
				if rapid.Bool().Draw(rt, "discount") {
					l.SKU = ledger.SKUEarlyPaymentDiscount
				}
				cn, err := w.svc.IssueCreditNote(w.ctx, invoice.CreditNoteInput{Invoice: inv.ID(), Lines: []invoice.Line{l}, Reason: "goodwill " + sku, Key: key()})
				if err == nil {
					creditNotes = append(creditNotes, cn.ID())
					ops++
				}
			case 6: // use or refund a credit note's credit
				if len(creditNotes) == 0 {
					continue
				}
				cn, err := w.svc.Get(w.ctx, rapid.SampledFrom(creditNotes).Draw(rt, "cn"))
				require.NoError(rt, err)
				if !cn.Open().IsPositive() {
					continue
				}
				if inv := openInvoice(cn.Customer()); inv != nil && rapid.Bool().Draw(rt, "apply") {
					amt, _ := cn.Open().Min(inv.Undisputed())
					if amt, ok := money(amt, "credit"); ok {
						_, err := w.svc.AllocateCredit(w.ctx, invoice.AllocateCreditInput{CreditNote: cn.ID(), Key: key(), Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: amt}}})
						require.NoError(rt, err)
						ops++
					}
				} else if amt, ok := money(cn.Open(), "refund-credit"); ok {
					_, err := w.svc.RefundCredit(w.ctx, invoice.RefundCreditInput{CreditNote: cn.ID(), Key: key(), Amount: amt, Reference: "refund"})
					require.NoError(rt, err)
					ops++
				}
			case 7: // refund unapplied cash
				if len(payments) == 0 {
					continue
				}
				p, err := w.svc.GetPayment(w.ctx, rapid.SampledFrom(payments).Draw(rt, "payment"))
				require.NoError(rt, err)
				if amt, ok := money(p.Unapplied(), "refund"); ok && !p.IsReversed() {
					_, err := w.svc.Refund(w.ctx, invoice.RefundInput{Payment: p.ID(), Key: key(), Amount: amt, Reference: "back"})
					require.NoError(rt, err)
					ops++
				}
			case 8: // reverse an allocation, or bounce a whole payment
				if len(payments) == 0 {
					continue
				}
				p, err := w.svc.GetPayment(w.ctx, rapid.SampledFrom(payments).Draw(rt, "payment"))
				require.NoError(rt, err)
				if p.IsReversed() {
					continue
				}
				if rapid.Bool().Draw(rt, "bounce") && len(p.Refunds()) == 0 {
					if err := w.svc.ReversePayment(w.ctx, p.ID(), "returned by the bank"); err == nil {
						ops++
					}
					continue
				}
				for _, a := range p.Allocations() {
					if !a.Reversed {
						if err := w.svc.ReverseAllocation(w.ctx, p.ID(), a.ID, "wrong invoice"); err == nil {
							ops++
						}
						break
					}
				}
			case 9: // write off what is left, as a residual or a bad debt
				inv := openInvoice(cust())
				if inv == nil {
					continue
				}
				if _, err := w.svc.WriteOffResidual(w.ctx, inv.ID(), "small difference"); err == nil {
					ops++
				} else if rapid.Bool().Draw(rt, "bad-debt") {
					_, err := w.svc.WriteOff(w.ctx, inv.ID(), "liquidation closed", "cfo")
					require.NoError(rt, err)
					ops++
				}
			case 10: // nothing but time
			}
		}
		events := w.events()
		entries := books(rt, b, events) // every entry is validated: balanced, accounts of the chart

		// the subledger
		wantAR, wantCash := map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
		all, err := w.svc.List(w.ctx, invoice.Filter{})
		require.NoError(rt, err)
		for _, inv := range all {
			open := inv.Open().Amount()
			if inv.Kind() == invoice.KindCreditNote {
				open = open.Neg()
			}
			wantAR[inv.Customer().String()] = wantAR[inv.Customer().String()].Add(open)
		}
		pays, err := w.svc.ListPayments(w.ctx, invoice.PaymentFilter{})
		require.NoError(rt, err)
		for _, p := range pays {
			wantCash[p.Customer().String()] = wantCash[p.Customer().String()].Sub(p.Unapplied().Amount())
		}
		gotAR := ledger.Balances(entries, "411", o2c.Date{})
		gotCash := ledger.Balances(entries, "4191", o2c.Date{})
		for _, c := range customers {
			k := c.String()
			require.True(rt, wantAR[k].Equal(gotAR[k]), "customer %s: 411 %s, open receivables %s", k, gotAR[k], wantAR[k])
			require.True(rt, wantCash[k].Equal(gotCash[k]), "customer %s: 4191 %s, unapplied %s", k, gotCash[k], wantCash[k])
		}
		// pending VAT of the documents left: the share not yet settled
		pendingLeft := pendingOf(all)
		require.True(rt, pendingLeft.Equal(balance(entries, "44574").Neg()), "44574 %s, pending VAT of open documents %s", balance(entries, "44574").Neg(), pendingLeft)

		// the aged receivable from the GL equals the receivables aging, at
		// the end and at a date in the middle of the history
		for _, asOf := range []o2c.Date{o2c.DateOf(w.clock.Now()), o2c.MustDate(2026, 1, 5).AddDays(rapid.IntRange(0, 200).Draw(rt, "asOf"))} {
			checkAging(rt, entries, all, asOf)
		}

		// every month balances, and so does the whole
		for m := time.January; m <= time.December; m++ {
			from := o2c.MustDate(2026, m, 1)
			tb := b.TrialBalance(entries, from, from.EndOfMonth())
			require.True(rt, tb.Balanced(), "trial balance of %s: %s", from, tb)
		}
		require.True(rt, b.TrialBalance(entries, o2c.Date{}, o2c.Date{}).Balanced())

		// posting order does not matter to the balances
		shuffled := append([]o2c.Event(nil), events...)
		r := rand.New(rand.NewPCG(uint64(len(events)), 7))
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again := books(rt, b, shuffled)
		for _, acct := range []string{"411", "4191", "44571", "44574", "512", "654", "658", "665", "706", "707", "7627"} {
			require.True(rt, balance(entries, acct).Equal(balance(again, acct)), "account %s depends on posting order", acct)
		}
		_ = ops
	})
}

// checkAging compares ledger.AgedReceivable with report.AgingOf over
// the same documents, customer by customer and bucket by bucket.
func checkAging(t require.TestingT, entries []ledger.Entry, docs []*invoice.Invoice, asOf o2c.Date) {
	var items []*invoice.Invoice
	for _, inv := range docs {
		if inv.Kind() != invoice.KindCreditNote && inv.Status() != invoice.StateDraft {
			items = append(items, inv)
		}
	}
	want, err := report.AgingOf(report.ItemsFromInvoices(items), asOf, report.AgingOptions{})
	require.NoError(t, err)
	var buckets []ledger.AgeBucket
	for _, b := range want.Buckets {
		buckets = append(buckets, ledger.AgeBucket{Label: b.Label, Min: b.Min, Max: b.Max})
	}
	got := ledger.AgedReceivable(entries, "411", asOf, buckets)
	wantRows := map[string][]string{}
	if ca, ok := want.Currency(o2c.EUR); ok {
		for _, r := range ca.Customers {
			var amts []string
			for _, a := range r.Amounts {
				amts = append(amts, a.Amount().StringFixed(2))
			}
			if !r.Total.IsZero() {
				wantRows[r.Customer.String()] = amts
			}
		}
	}
	gotRows := map[string][]string{}
	for _, r := range got {
		var amts []string
		for _, a := range r.Amounts {
			amts = append(amts, a.StringFixed(2))
		}
		gotRows[r.Customer] = amts
	}
	require.Equal(t, wantRows, gotRows, "aging as of %s", asOf)
}

// pendingOf returns the VAT on receipts still pending on documents: per
// document and rate, the tax of its receipts-basis lines times open/gross,
// as the posting rules count it (credit notes count against).
func pendingOf(docs []*invoice.Invoice) decimal.Decimal {
	var sum decimal.Decimal
	for _, inv := range docs {
		if inv.Status() == invoice.StateDraft || inv.Gross().IsZero() {
			continue
		}
		if inv.Status() == invoice.StateWrittenOff {
			continue
		}
		pending := map[string]decimal.Decimal{} // per rate
		for i, l := range inv.Lines() {
			if len(l.SKU) >= 4 && l.SKU[:4] == "SVC-" {
				pending[l.TaxRate.String()] = pending[l.TaxRate.String()].Add(inv.Totals().Lines[i].Tax.Amount())
			}
		}
		g := inv.Gross().Amount()
		for _, p := range pending {
			settled := o2c.RoundHalfUp.Round(p.Mul(g.Sub(inv.Open().Amount())).Div(g), 2)
			left := p.Sub(settled)
			if inv.Kind() == invoice.KindCreditNote {
				left = left.Neg()
			}
			sum = sum.Add(left)
		}
	}
	return sum
}
