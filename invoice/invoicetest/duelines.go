package invoicetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// dueLineTests: an invoice's open items are its instalments (issue #13).
func dueLineTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("InstalmentsAreOpenItemsSettledOldestFirst", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		d := draftOf(cust, zeroRatedLine("Machine", eur("1000.00")))
		d.Schedule = []invoice.PercentInstalment{
			{Percent: dec("30"), Terms: invoice.NetTerms(30)},
			{Percent: dec("30"), Terms: invoice.NetTerms(60)},
			{Percent: dec("40"), Terms: invoice.Terms{Code: "NET90-2/10", Kind: invoice.TermsNet, Days: 90,
				Discount: invoice.EarlyPaymentDiscount{Percent: dec("2"), Days: 10}}},
		}
		inv := e.issueDraft(t, d) // issued 15 January 2026
		other := e.issue(t, cust, eur("50.00"))

		lines, err := e.inv.DueLines(ctx, invoice.OpenItemFilter{Customer: cust})
		require.NoError(t, err)
		type row struct {
			num       string
			seq       int
			due, open string
		}
		rows := func(ls []invoice.DueLine) []row {
			var out []row
			for _, l := range ls {
				out = append(out, row{l.Number, l.Seq, l.DueDate.String(), l.Open.String()})
			}
			return out
		}
		// by due date; the single-instalment invoice (net 30) ties with
		// instalment 1 and sorts by invoice ID
		assert.ElementsMatch(t, []row{
			{inv.Number(), 1, "2026-02-14", "300.00 EUR"},
			{other.Number(), 1, "2026-02-14", "50.00 EUR"},
			{inv.Number(), 2, "2026-03-16", "300.00 EUR"},
			{inv.Number(), 3, "2026-04-15", "400.00 EUR"},
		}, rows(lines))
		require.Len(t, lines, 4)
		assert.Equal(t, "2026-03-16", lines[2].DueDate.String())
		assert.Equal(t, "2026-04-15", lines[3].DueDate.String())
		last := lines[3]
		assert.Equal(t, 3, last.Lines)
		assert.Equal(t, "400.00 EUR", last.Amount.String())
		assert.Equal(t, "1000.00 EUR", last.Gross.String(), "Gross is the document's")
		assert.True(t, last.Discount.Percent.Equal(dec("2")))
		assert.Equal(t, 10, last.Discount.Days)

		// overdue as of 1 March: the first instalments only
		due, err := e.inv.DueLines(ctx, invoice.OpenItemFilter{Customer: cust, DueTo: o2c.MustDate(2026, time.March, 1)})
		require.NoError(t, err)
		assert.Len(t, due, 2)
		one, err := e.inv.DueLines(ctx, invoice.OpenItemFilter{Invoice: inv.ID()})
		require.NoError(t, err)
		assert.Len(t, one, 3)

		// a partial payment settles the oldest line first, dated by the
		// payment's value date (10 February), not by when it was booked
		e.clock.Set(Epoch.AddDate(0, 0, 40))
		p, err := e.svc.RecordPayment(ctx, invoice.PaymentInput{Customer: cust, Amount: eur("450.00"), ValueDate: o2c.MustDate(2026, time.February, 10),
			Method: invoice.MethodTransfer, PayerReference: "remittance", IdempotencyKey: nextKey("bank")})
		require.NoError(t, err)
		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("450.00")}}})
		require.NoError(t, err)
		one, err = e.inv.DueLines(ctx, invoice.OpenItemFilter{Invoice: inv.ID()})
		require.NoError(t, err)
		assert.Equal(t, []row{{inv.Number(), 2, "2026-03-16", "150.00 EUR"}, {inv.Number(), 3, "2026-04-15", "400.00 EUR"}}, rows(one))
		got := e.get(t, inv.ID())
		all := got.DueLines()
		require.Len(t, all, 3)
		assert.Equal(t, "2026-02-10", all[0].ClosedOn.String(), "closed on the payment's value date")
		assert.True(t, all[1].ClosedOn.IsZero())
		facts := invoice.SettlementFacts(got)
		require.Len(t, facts, 2)
		for _, f := range facts {
			assert.Equal(t, "2026-02-10", f.Date.String())
		}
		open, ok := all[0].OpenAt(o2c.MustDate(2026, time.February, 9), facts)
		assert.True(t, ok)
		assert.Equal(t, "300.00 EUR", open.String(), "before the value date nothing was paid")

		// a bounce reopens the lines it settled, from the day it bounced
		e.clock.Set(Epoch.AddDate(0, 0, 45))
		require.NoError(t, e.svc.ReversePayment(ctx, p.ID(), "bounced"))
		one, err = e.inv.DueLines(ctx, invoice.OpenItemFilter{Invoice: inv.ID()})
		require.NoError(t, err)
		assert.Len(t, one, 3)
		facts = invoice.SettlementFacts(e.get(t, inv.ID()))
		require.Len(t, facts, 2)
		assert.Equal(t, "2026-03-01", facts[0].ReversedOn.String())
		open, _ = invoice.DueLinesOf(e.get(t, inv.ID()))[0].OpenAt(o2c.MustDate(2026, time.February, 28), facts)
		assert.Equal(t, "0.00 EUR", open.String(), "the day before the bounce it was paid")

		// a write-off closes every line
		_, err = e.svc.WriteOff(ctx, other.ID(), "insolvent", "cfo")
		require.NoError(t, err)
		left, err := e.inv.DueLines(ctx, invoice.OpenItemFilter{Invoice: other.ID()})
		require.NoError(t, err)
		assert.Empty(t, left)
		wf := invoice.SettlementFacts(e.get(t, other.ID()))
		require.Len(t, wf, 1)
		assert.Equal(t, invoice.SettledByWriteOff, wf[0].Kind)
		assert.Equal(t, "50.00 EUR", wf[0].Amount.String())
	})
}
