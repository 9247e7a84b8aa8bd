package invoicetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

func disputeTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("DisputedAmountIsQueryableAndExcluded", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		a := e.issue(t, cust, eur("100.00"))
		b := e.issue(t, cust, eur("50.00"))
		d1, err := e.svc.OpenDispute(ctx, a.ID(), invoice.DisputeInput{Amount: eur("30.00"), Reason: invoice.ReasonPriceError, Notes: "quoted 7.00 a unit", Actor: "ann"})
		require.NoError(t, err)
		_, err = e.svc.OpenDispute(ctx, b.ID(), invoice.DisputeInput{Amount: eur("50.00"), Reason: invoice.ReasonQuantityOrDeliveryMissing, Actor: "portal"})
		require.NoError(t, err)

		ga := e.get(t, a.ID())
		assert.Equal(t, invoice.StateDisputed, ga.Status())
		assert.Equal(t, "30.00 EUR", ga.Disputed().String())
		assert.Equal(t, "70.00 EUR", ga.Undisputed().String())
		items, err := e.inv.OpenItems(ctx, invoice.OpenItemFilter{Customer: cust})
		require.NoError(t, err)
		require.Len(t, items, 2)
		assert.Equal(t, "30.00 EUR", items[0].Disputed.String())
		assert.Equal(t, "70.00 EUR", items[0].Undisputed().String())
		assert.Equal(t, "50.00 EUR", items[1].Disputed.String())
		bals, err := e.inv.Balances(ctx, cust)
		require.NoError(t, err)
		require.Len(t, bals, 1)
		assert.Equal(t, "150.00 EUR", bals[0].Receivable.String())
		assert.Equal(t, "80.00 EUR", bals[0].Disputed.String(), "per customer")
		assert.Equal(t, "70.00 EUR", bals[0].Undisputed().String())
		pos, err := e.svc.Position(ctx, cust)
		require.NoError(t, err)
		assert.Equal(t, "70.00 EUR", pos[0].Collectible().String())
		evs := e.events(t, a.ID().String())
		assert.Equal(t, invoice.EventDisputed, evs[len(evs)-1])

		// payments settle the undisputed part only, and the invoice stays disputed
		p := e.pay(t, cust, eur("100.00"))
		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k", Lines: []invoice.AllocationLine{{Invoice: a.ID(), Amount: eur("70.00")}}})
		require.NoError(t, err)
		ga = e.get(t, a.ID())
		assert.Equal(t, invoice.StateDisputed, ga.Status())
		assert.Equal(t, "30.00 EUR", ga.Open().String())

		// timeline
		e.clock.Advance(24 * time.Hour)
		require.NoError(t, e.svc.AddDisputeNote(ctx, a.ID(), d1.ID, "bob", "price list checked: customer is right for 10 units"))
		got, err := e.get(t, a.ID()).Dispute(d1.ID)
		require.NoError(t, err)
		require.Len(t, got.Timeline, 2)
		assert.Equal(t, invoice.ActionOpened, got.Timeline[0].Action)
		assert.Equal(t, "ann", got.Timeline[0].Actor)
		assert.Equal(t, invoice.ActionNote, got.Timeline[1].Action)
		assert.Equal(t, "bob", got.Timeline[1].Actor)
		assert.True(t, got.Timeline[1].At.After(got.Timeline[0].At))
	})

	t.Run("ResolvedByCreditNoteRejectedOrPartlyBoth", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv := e.issueDraft(t, draftOf(cust, vatLine("Widget", "10", eur("10.00")))) // 120.00
		p := e.pay(t, cust, eur("60.00"))
		_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("60.00")}}})
		require.NoError(t, err)
		dq, err := e.svc.OpenDispute(ctx, inv.ID(), invoice.DisputeInput{Amount: eur("24.00"), Reason: invoice.ReasonQuality, Actor: "ann"})
		require.NoError(t, err)
		dp, err := e.svc.OpenDispute(ctx, inv.ID(), invoice.DisputeInput{Amount: eur("12.00"), Reason: invoice.ReasonPriceError, Actor: "ann"})
		require.NoError(t, err)
		dd, err := e.svc.OpenDispute(ctx, inv.ID(), invoice.DisputeInput{Amount: eur("6.00"), Reason: invoice.ReasonDuplicateBilling, Actor: "ann"})
		require.NoError(t, err)
		assert.Equal(t, "42.00 EUR", e.get(t, inv.ID()).Disputed().String())

		// rejected: the amount is owed again, no credit note
		cn, err := e.svc.ResolveDispute(ctx, inv.ID(), dd.ID, invoice.Resolution{Actor: "bob", Note: "not a duplicate"})
		require.NoError(t, err)
		assert.Nil(t, cn)
		got := e.get(t, inv.ID())
		assert.Equal(t, "36.00 EUR", got.Disputed().String())
		assert.Equal(t, invoice.StateDisputed, got.Status(), "two disputes still open")

		// partly both: a credit note for one widget (12.00) against 24.00 disputed
		cn, err = e.svc.ResolveDispute(ctx, inv.ID(), dq.ID, invoice.Resolution{CreditLines: []invoice.Line{vatLine("Widget (damaged)", "1", eur("10.00"))}, Actor: "bob", Note: "one damaged"})
		require.NoError(t, err)
		require.NotNil(t, cn)
		assert.Equal(t, "12.00 EUR", cn.Gross().String())
		assert.Equal(t, "CN-2026-000001", cn.Number())
		got = e.get(t, inv.ID())
		d, err := got.Dispute(dq.ID)
		require.NoError(t, err)
		assert.Equal(t, invoice.OutcomePartlyCredited, d.Outcome)
		assert.Equal(t, "12.00 EUR", d.Credited.String())
		assert.Equal(t, "12.00 EUR", d.Rejected.String())
		assert.Equal(t, cn.ID(), d.CreditNote)
		assert.Equal(t, []string{invoice.ActionOpened, invoice.ActionCredited, invoice.ActionRejected},
			[]string{d.Timeline[0].Action, d.Timeline[1].Action, d.Timeline[2].Action})
		assert.Equal(t, "48.00 EUR", got.Open().String()) // 120 - 60 paid - 12 credited
		assert.Equal(t, "12.00 EUR", got.Disputed().String())

		// credited in full: the last dispute closes, the invoice is partially paid again
		cn, err = e.svc.ResolveDispute(ctx, inv.ID(), dp.ID, invoice.Resolution{CreditLines: []invoice.Line{vatLine("Price difference", "10", eur("1.00"))}, Actor: "bob"})
		require.NoError(t, err)
		got = e.get(t, inv.ID())
		d, err = got.Dispute(dp.ID)
		require.NoError(t, err)
		assert.Equal(t, invoice.OutcomeCredited, d.Outcome)
		assert.Equal(t, invoice.StatePartiallyPaid, got.Status())
		assert.True(t, got.Disputed().IsZero())
		assert.Equal(t, "36.00 EUR", got.Open().String())
		assert.Equal(t, "24.00 EUR", got.Credited().String())
		assert.Contains(t, e.events(t, inv.ID().String()), invoice.EventDisputeResolved)
		assert.Equal(t, invoice.StatePaid, e.get(t, cn.ID()).Status(), "the credit is used on the invoice")

		before := e.fingerprint(t)
		_, err = e.svc.ResolveDispute(ctx, inv.ID(), dp.ID, invoice.Resolution{Actor: "bob"})
		require.ErrorIs(t, err, invoice.ErrDisputeClosed)
		assert.Equal(t, before, e.fingerprint(t))
	})

	t.Run("DisputeOnAnUnpaidInvoiceClearsBackToIssued", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv := e.issue(t, cust, eur("10.00"))
		d, err := e.svc.OpenDispute(ctx, inv.ID(), invoice.DisputeInput{Amount: eur("10.00"), Reason: invoice.ReasonWrongCustomerData, Actor: "ann"})
		require.NoError(t, err)
		_, err = e.svc.ResolveDispute(ctx, inv.ID(), d.ID, invoice.Resolution{Actor: "bob", Note: "address corrected, invoice stands"})
		require.NoError(t, err)
		assert.Equal(t, invoice.StateIssued, e.get(t, inv.ID()).Status())

		// a written-off invoice closes its open disputes
		d, err = e.svc.OpenDispute(ctx, inv.ID(), invoice.DisputeInput{Amount: eur("4.00"), Reason: invoice.ReasonOther, Actor: "ann"})
		require.NoError(t, err)
		_, err = e.svc.WriteOff(ctx, inv.ID(), "not worth chasing", "cfo")
		require.NoError(t, err)
		got, err := e.get(t, inv.ID()).Dispute(d.ID)
		require.NoError(t, err)
		assert.Equal(t, invoice.OutcomeWrittenOff, got.Outcome)
		assert.True(t, e.get(t, inv.ID()).Disputed().IsZero())
	})
}
