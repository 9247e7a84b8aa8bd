package credit_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/tax"
)

// TestOverdueCountsInstalmentsPerDueLine (issue #13): an invoice of
// 1,000.00 paid in three instalments (30 % at 30 days, 30 % at 60, 40 % at
// 90) counts as overdue only by its overdue instalment: 15 days after the
// first falls due, 1 item of 300.00 overdue by 15 days (not 1,000.00);
// once that instalment is paid nothing is overdue though 700.00 is open;
// 15 days after the second falls due, 300.00 again, and a dispute of
// 450.00 (spread from the last instalment) leaves 250.00 of it. The
// stores and the tracker fed by the invoice events agree at every step.
func TestOverdueCountsInstalmentsPerDueLine(t *testing.T) {
	ctx := context.Background()
	clock := o2c.NewManualClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	db := memory.New(memory.WithClock(clock))
	s := db.MustTenant("acme")
	invs, err := invoice.NewService(db, invoice.Stores{Invoices: s.Invoices(), Payments: s.Payments(), Numbers: s.InvoiceNumbers()}, invoice.Options{Clock: clock})
	require.NoError(t, err)
	cust := o2c.NewCustomerID()
	d, err := invs.CreateInvoice(ctx, invoice.Draft{Customer: cust, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Machine", Quantity: decimal.NewFromInt(1), UnitPrice: eur("1000.00"), TaxCategory: tax.Exempt}},
		Schedule: []invoice.PercentInstalment{{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(30)},
			{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(60)}, {Percent: decimal.NewFromInt(40), Terms: invoice.NetTerms(90)}}})
	require.NoError(t, err)
	inv, err := invs.Issue(ctx, d.ID(), o2c.Date{})
	require.NoError(t, err)
	require.Equal(t, "1000.00 EUR", inv.Gross().String())
	require.Len(t, inv.DueLines(), 3)

	src := credit.StoreSource{Orders: s.Orders(), Invoices: s.Invoices()}
	tracker, err := credit.NewTracker("acme", nil)
	require.NoError(t, err)
	seen := 0
	check := func(wantItems, wantDays int, wantOverdue string) {
		t.Helper()
		recs, err := s.Outbox().Pending(ctx, 10000)
		require.NoError(t, err)
		for _, r := range recs[seen:] {
			require.NoError(t, tracker.Apply(ctx, r.Event))
		}
		seen = len(recs)
		probe, err := order.New("acme", order.Details{Customer: cust, Currency: o2c.EUR, Lines: zeroRated(eur("10.00"))}, clock.Now())
		require.NoError(t, err)
		require.NoError(t, probe.Place(clock.Now(), ""))
		for _, source := range []credit.Source{src, tracker} {
			checker, err := credit.NewChecker(credit.Options{Store: s.CreditProfiles(), Source: source, Clock: clock, DefaultLimit: eur("100000.00"),
				Policy: credit.Policy{Points: map[credit.Point]credit.Checks{credit.PointOrder: {Limit: true, Overdue: true}}}})
			require.NoError(t, err)
			res, err := checker.Check(ctx, probe, credit.PointOrder)
			require.NoError(t, err)
			assert.Equal(t, wantItems, res.OverdueItems, "%T", source)
			assert.Equal(t, wantDays, res.OldestOverdueDays, "%T", source)
			assert.Equal(t, wantOverdue, res.Overdue.String(), "%T", source)
			if wantItems > 0 {
				assert.Equal(t, []string{order.ReasonOverdueItems}, res.Codes())
				assert.Contains(t, res.Message(), wantOverdue+" in all")
			} else {
				assert.Empty(t, res.Codes())
			}
		}
	}

	check(0, 0, "0.00 EUR") // nothing due yet
	clock.Set(time.Date(2026, 2, 19, 9, 0, 0, 0, time.UTC))
	check(1, 15, "300.00 EUR") // the first instalment, due on 4 February

	p, err := invs.RecordPayment(ctx, invoice.PaymentInput{Customer: cust, Amount: eur("300.00"), ValueDate: o2c.DateOf(clock.Now()),
		Method: invoice.MethodTransfer, IdempotencyKey: "p1"})
	require.NoError(t, err)
	_, err = invs.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "a1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("300.00")}}})
	require.NoError(t, err)
	inv, err = s.Invoices().Get(ctx, inv.ID())
	require.NoError(t, err)
	require.Equal(t, "700.00 EUR", inv.Open().String())
	check(0, 0, "0.00 EUR") // 700.00 open, none of it due

	clock.Set(time.Date(2026, 3, 21, 9, 0, 0, 0, time.UTC))
	check(1, 15, "300.00 EUR") // the second instalment, due on 6 March

	_, err = invs.OpenDispute(ctx, inv.ID(), invoice.DisputeInput{Amount: eur("450.00"), Reason: invoice.ReasonPriceError, Actor: "portal"})
	require.NoError(t, err)
	check(1, 15, "250.00 EUR") // 400.00 of the dispute on the third, 50.00 on the second
}
