package invoicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

func serviceTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("IssueAndPayInParts", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv := e.issueDraft(t, draftOf(cust, vatLine("Widget", "10", eur("8.3333"))))
		// 10 × 8.3333 = 83.333 -> 83.33 net; VAT 16.666 -> 16.67; gross 100.00
		assert.Equal(t, "100.00 EUR", inv.Gross().String())
		assert.Equal(t, invoice.StateIssued, inv.Status())
		assert.Equal(t, "2026-02-14", inv.DueDate().String(), "net 30 from 15 January")

		p := e.pay(t, cust, eur("100.00"))
		allocs, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("40.00")}}})
		require.NoError(t, err)
		require.Len(t, allocs, 1)
		got := e.get(t, inv.ID())
		assert.Equal(t, invoice.StatePartiallyPaid, got.Status())
		assert.Equal(t, "60.00 EUR", got.Open().String())
		assert.Equal(t, "60.00 EUR", e.getPayment(t, p.ID()).Unapplied().String())

		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k2", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("60.00")}}})
		require.NoError(t, err)
		got = e.get(t, inv.ID())
		assert.Equal(t, invoice.StatePaid, got.Status())
		assert.True(t, got.Open().IsZero())
		pp := e.getPayment(t, p.ID())
		assert.True(t, pp.Unapplied().IsZero())
		assert.Equal(t, invoice.PaymentApplied, pp.Status())
		assert.Equal(t, []string{invoice.EventIssued, invoice.EventPaymentApplied, invoice.EventPaymentApplied, invoice.EventPaid},
			e.events(t, inv.ID().String()))
		assert.Equal(t, []string{invoice.EventPaymentRecorded, invoice.EventPaymentAllocated, invoice.EventPaymentAllocated},
			e.events(t, p.ID().String()))

		// a repeated request (same key) returns the first allocations, changes nothing
		before := e.fingerprint(t)
		again, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("40.00")}}})
		require.NoError(t, err)
		assert.Equal(t, allocs[0].ID, again[0].ID)
		assert.Equal(t, before, e.fingerprint(t))
	})

	t.Run("OneTransferForManyInvoicesAndInstalments", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		d := draftOf(cust, zeroRatedLine("Machine", eur("100.01")))
		d.Schedule = []invoice.PercentInstalment{
			{Percent: dec("30"), Terms: invoice.NetTerms(30)},
			{Percent: dec("30"), Terms: invoice.NetTerms(60)},
			{Percent: dec("40"), Terms: invoice.NetTerms(90)},
		}
		big := e.issueDraft(t, d)
		insts := big.Instalments()
		require.Len(t, insts, 3)
		// 100.01 × 30 % = 30.003, × 40 % = 40.004: floors 30.00, 30.00, 40.00
		// leave one cent, which goes to the largest remainder (the 40 % part)
		assert.Equal(t, []string{"30.00 EUR", "30.00 EUR", "40.01 EUR"}, []string{insts[0].Amount.String(), insts[1].Amount.String(), insts[2].Amount.String()})
		small := e.issue(t, cust, eur("20.00"))
		p := e.pay(t, cust, eur("150.00"))
		_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k", Lines: []invoice.AllocationLine{
			{Invoice: big.ID(), Instalment: 2, Amount: eur("30.00")},
			{Invoice: small.ID(), Amount: eur("20.00")},
			{Invoice: big.ID(), Amount: eur("35.00")}, // earliest open instalments first: 30.00 on #1, 5.00 on #3
		}})
		require.NoError(t, err)
		got := e.get(t, big.ID())
		insts = got.Instalments()
		assert.Equal(t, []string{"0.00 EUR", "0.00 EUR", "35.01 EUR"}, []string{insts[0].Open.String(), insts[1].Open.String(), insts[2].Open.String()})
		assert.Equal(t, "35.01 EUR", got.Open().String())
		assert.Equal(t, "2026-04-15", got.DueDate().String(), "due date of the earliest open instalment")
		assert.Equal(t, invoice.StatePaid, e.get(t, small.ID()).Status())
		assert.Equal(t, "65.00 EUR", e.getPayment(t, p.ID()).Unapplied().String())

		// an instalment cannot take more than is open on it
		before := e.fingerprint(t)
		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k2", Lines: []invoice.AllocationLine{{Invoice: big.ID(), Instalment: 1, Amount: eur("0.01")}}})
		require.ErrorIs(t, err, invoice.ErrOverAllocation)
		assert.Equal(t, before, e.fingerprint(t))
	})

	t.Run("OverpaymentIsUnappliedCreditAndCanBeRefunded", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv := e.issue(t, cust, eur("80.00"))
		p := e.pay(t, cust, eur("100.00"))
		_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("80.00")}}})
		require.NoError(t, err)
		pos, err := e.svc.Position(ctx, cust)
		require.NoError(t, err)
		require.Len(t, pos, 1)
		assert.Equal(t, "20.00 EUR", pos[0].Unapplied.String())
		assert.Equal(t, "0.00 EUR", pos[0].Receivable.String())
		assert.Equal(t, "-20.00 EUR", pos[0].Net().String(), "the customer is in credit")

		r, err := e.svc.Refund(ctx, invoice.RefundInput{Payment: p.ID(), Key: "refund-1", Amount: eur("15.00"), Reference: "SEPA-OUT-1"})
		require.NoError(t, err)
		assert.Equal(t, "15.00 EUR", r.Amount.String())
		again, err := e.svc.Refund(ctx, invoice.RefundInput{Payment: p.ID(), Key: "refund-1", Amount: eur("15.00"), Reference: "SEPA-OUT-1"})
		require.NoError(t, err)
		assert.Equal(t, r.ID, again.ID, "a repeated refund is not paid twice")
		assert.Equal(t, "5.00 EUR", e.getPayment(t, p.ID()).Unapplied().String())
		before := e.fingerprint(t)
		_, err = e.svc.Refund(ctx, invoice.RefundInput{Payment: p.ID(), Key: "refund-2", Amount: eur("5.01")})
		require.ErrorIs(t, err, invoice.ErrInsufficientFunds)
		assert.Equal(t, before, e.fingerprint(t))
		assert.Equal(t, []string{invoice.EventPaymentRecorded, invoice.EventPaymentAllocated, invoice.EventPaymentRefunded}, e.events(t, p.ID().String()))
	})

	t.Run("RecordingAPaymentTwiceDoesNotDoubleIt", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		in := invoice.PaymentInput{Customer: cust, Amount: eur("42.00"), ValueDate: o2c.MustDate(2026, 1, 14), Method: invoice.MethodTransfer, IdempotencyKey: "camt-E2E-1"}
		p1, err := e.svc.RecordPayment(ctx, in)
		require.NoError(t, err)
		before := e.fingerprint(t)
		p2, err := e.svc.RecordPayment(ctx, in)
		require.NoError(t, err)
		assert.Equal(t, p1.ID(), p2.ID())
		assert.Equal(t, before, e.fingerprint(t), "the second recording writes nothing")
		u, err := e.pays.Unapplied(ctx, cust)
		require.NoError(t, err)
		assert.Equal(t, "42.00 EUR", u[0].String())

		other := in
		other.Amount = eur("43.00")
		_, err = e.svc.RecordPayment(ctx, other)
		require.ErrorIs(t, err, invoice.ErrIdempotencyKeyReused)
		require.ErrorIs(t, err, o2c.ErrValidation)
		assert.Equal(t, before, e.fingerprint(t))
	})

	t.Run("KeyReusedWithADifferentRequestIsRefused", func(t *testing.T) {
		// every keyed operation: the same request under the same key
		// returns the first result; a different request under it is
		// refused with one sentinel and changes nothing
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv := e.issueDraft(t, draftOf(cust, vatLine("Widget", "10", eur("10.00")))) // 120.00
		other := e.issue(t, cust, eur("30.00"))
		p := e.pay(t, cust, eur("100.00"))
		conflict := func(t *testing.T, err error) {
			t.Helper()
			require.ErrorIs(t, err, o2c.ErrIdempotencyConflict)
			require.ErrorIs(t, err, invoice.ErrIdempotencyKeyReused, "the invoice package's name for it")
			require.ErrorIs(t, err, o2c.ErrValidation)
		}

		alloc := invoice.AllocateInput{Payment: p.ID(), Key: "alloc-1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("50.00")}}}
		first, err := e.svc.Allocate(ctx, alloc)
		require.NoError(t, err)
		same := alloc
		same.Lines = []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("50")}} // the same amount spelt otherwise
		again, err := e.svc.Allocate(ctx, same)
		require.NoError(t, err)
		assert.Equal(t, first[0].ID, again[0].ID)
		two := invoice.AllocateInput{Payment: p.ID(), Key: "alloc-two", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("1.00")}, {Invoice: other.ID(), Amount: eur("2.00")}}}
		firstTwo, err := e.svc.Allocate(ctx, two)
		require.NoError(t, err)
		swapped := two
		swapped.Lines = []invoice.AllocationLine{two.Lines[1], two.Lines[0]}
		againTwo, err := e.svc.Allocate(ctx, swapped)
		require.NoError(t, err, "the same lines in another order are the same request")
		assert.Equal(t, firstTwo[0].ID, againTwo[0].ID)
		before := e.fingerprint(t)
		for name, lines := range map[string][]invoice.AllocationLine{
			"amount":  {{Invoice: inv.ID(), Amount: eur("60.00")}},
			"invoice": {{Invoice: other.ID(), Amount: eur("50.00")}},
			"lines":   {{Invoice: inv.ID(), Amount: eur("25.00")}, {Invoice: other.ID(), Amount: eur("25.00")}},
			"close":   {{Invoice: inv.ID(), Amount: eur("50.00"), CloseResidual: true}},
		} {
			_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "alloc-1", Lines: lines})
			conflict(t, err)
			assert.Equal(t, before, e.fingerprint(t), "allocation with another %s wrote nothing", name)
		}

		r, err := e.svc.Refund(ctx, invoice.RefundInput{Payment: p.ID(), Key: "refund-1", Amount: eur("10.00"), Reference: "OUT-1"})
		require.NoError(t, err)
		r2, err := e.svc.Refund(ctx, invoice.RefundInput{Payment: p.ID(), Key: "refund-1", Amount: eur("10.0"), Reference: "OUT-1"})
		require.NoError(t, err)
		assert.Equal(t, r.ID, r2.ID)
		before = e.fingerprint(t)
		_, err = e.svc.Refund(ctx, invoice.RefundInput{Payment: p.ID(), Key: "refund-1", Amount: eur("20.00"), Reference: "OUT-1"})
		conflict(t, err)
		_, err = e.svc.Refund(ctx, invoice.RefundInput{Payment: p.ID(), Key: "refund-1", Amount: eur("10.00"), Reference: "OUT-2"})
		conflict(t, err)
		assert.Equal(t, before, e.fingerprint(t))
		assert.Equal(t, "37.00 EUR", e.getPayment(t, p.ID()).Unapplied().String())

		// a credit note larger than what is left open leaves credit on it
		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "alloc-2", Lines: []invoice.AllocationLine{{Invoice: other.ID(), Amount: eur("20.00")}}})
		require.NoError(t, err)
		cnIn := invoice.CreditNoteInput{Invoice: other.ID(), Lines: []invoice.Line{zeroRatedLine("Goodwill", eur("30.00"))}, Reason: "goodwill", Key: "cn-1"}
		cn, err := e.svc.IssueCreditNote(ctx, cnIn)
		require.NoError(t, err)
		cnAgain, err := e.svc.IssueCreditNote(ctx, cnIn)
		require.NoError(t, err)
		assert.Equal(t, cn.ID(), cnAgain.ID())
		before = e.fingerprint(t)
		diff := cnIn
		diff.Lines = []invoice.Line{zeroRatedLine("Goodwill", eur("25.00"))}
		_, err = e.svc.IssueCreditNote(ctx, diff)
		conflict(t, err)
		diff = cnIn
		diff.Reason = "another reason"
		_, err = e.svc.IssueCreditNote(ctx, diff)
		conflict(t, err)
		assert.Equal(t, before, e.fingerprint(t), "no second credit note")
		require.Equal(t, "22.00 EUR", e.get(t, cn.ID()).Open().String(), "credit left on the credit note")

		ac := invoice.AllocateCreditInput{CreditNote: cn.ID(), Key: "ac-1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("4.00")}}}
		sts, err := e.svc.AllocateCredit(ctx, ac)
		require.NoError(t, err)
		stsAgain, err := e.svc.AllocateCredit(ctx, ac)
		require.NoError(t, err)
		assert.Equal(t, sts[0].ID, stsAgain[0].ID)
		before = e.fingerprint(t)
		_, err = e.svc.AllocateCredit(ctx, invoice.AllocateCreditInput{CreditNote: cn.ID(), Key: "ac-1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("5.00")}}})
		conflict(t, err)
		assert.Equal(t, before, e.fingerprint(t))

		rc := invoice.RefundCreditInput{CreditNote: cn.ID(), Key: "rc-1", Amount: eur("3.00"), Reference: "OUT-CN-1"}
		st, err := e.svc.RefundCredit(ctx, rc)
		require.NoError(t, err)
		stAgain, err := e.svc.RefundCredit(ctx, rc)
		require.NoError(t, err)
		assert.Equal(t, st.ID, stAgain.ID)
		before = e.fingerprint(t)
		rc.Amount = eur("6.00")
		_, err = e.svc.RefundCredit(ctx, rc)
		conflict(t, err)
		assert.Equal(t, before, e.fingerprint(t))
		assert.Equal(t, "15.00 EUR", e.get(t, cn.ID()).Open().String())
	})

	t.Run("CreditNotes", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv := e.issueDraft(t, draftOf(cust, vatLine("Widget", "10", eur("10.00")))) // 100.00 + 20.00
		p := e.pay(t, cust, eur("50.00"))
		_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("50.00")}}})
		require.NoError(t, err)

		// two widgets were broken: credit 2 × 10.00 + VAT = 24.00
		cn, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: inv.ID(), Lines: []invoice.Line{vatLine("Widget (broken)", "2", eur("10.00"))},
			Reason: "2 broken", Key: "cn-1"})
		require.NoError(t, err)
		assert.Equal(t, "CN-2026-000001", cn.Number())
		assert.Equal(t, invoice.KindCreditNote, cn.Kind())
		assert.Equal(t, "24.00 EUR", cn.Gross().String())
		assert.Equal(t, inv.ID(), cn.CreditOf().Invoice)
		assert.Equal(t, invoice.StatePaid, cn.Status(), "its credit is used on the invoice")
		got := e.get(t, inv.ID())
		assert.Equal(t, "46.00 EUR", got.Open().String()) // 120 - 50 - 24
		assert.Equal(t, "24.00 EUR", got.Credited().String())
		assert.Equal(t, []string{invoice.EventCreditNoteIssued, invoice.EventCreditUsed}, e.events(t, cn.ID().String()))

		again, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: inv.ID(), Lines: []invoice.Line{vatLine("Widget (broken)", "2", eur("10.00"))},
			Reason: "2 broken", Key: "cn-1"})
		require.NoError(t, err)
		assert.Equal(t, cn.ID(), again.ID(), "idempotent by key")
		assert.Equal(t, "46.00 EUR", e.get(t, inv.ID()).Open().String())

		// the customer pays the rest: paid (a payment took part)
		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k2", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("0.01")}}})
		require.ErrorIs(t, err, invoice.ErrInsufficientFunds, "the payment is used up")
		p2 := e.pay(t, cust, eur("46.00"))
		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p2.ID(), Key: "k3", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("46.00")}}})
		require.NoError(t, err)
		assert.Equal(t, invoice.StatePaid, e.get(t, inv.ID()).Status())

		// a credit note on a paid invoice stays open as customer credit, usable elsewhere
		cn2, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: inv.ID(), Lines: []invoice.Line{vatLine("Goodwill", "1", eur("5.00"))}, Reason: "goodwill"})
		require.NoError(t, err)
		assert.Equal(t, invoice.StateIssued, cn2.Status())
		assert.Equal(t, "6.00 EUR", cn2.Open().String())
		pos, err := e.svc.Position(ctx, cust)
		require.NoError(t, err)
		assert.Equal(t, "6.00 EUR", pos[0].Credit.String())
		other := e.issue(t, cust, eur("10.00"))
		sts, err := e.svc.AllocateCredit(ctx, invoice.AllocateCreditInput{CreditNote: cn2.ID(), Key: "use-1", Lines: []invoice.AllocationLine{{Invoice: other.ID(), Amount: eur("4.00")}}})
		require.NoError(t, err)
		require.Len(t, sts, 1)
		assert.Equal(t, "6.00 EUR", e.get(t, other.ID()).Open().String())
		assert.Equal(t, invoice.StatePartiallyPaid, e.get(t, cn2.ID()).Status())
		before := e.fingerprint(t)
		_, err = e.svc.AllocateCredit(ctx, invoice.AllocateCreditInput{CreditNote: cn2.ID(), Key: "use-2", Lines: []invoice.AllocationLine{{Invoice: other.ID(), Amount: eur("2.01")}}})
		require.ErrorIs(t, err, invoice.ErrInsufficientFunds)
		assert.Equal(t, before, e.fingerprint(t))
		rf, err := e.svc.RefundCredit(ctx, invoice.RefundCreditInput{CreditNote: cn2.ID(), Key: "rf-1", Amount: eur("2.00"), Reference: "SEPA-OUT-9"})
		require.NoError(t, err)
		assert.Equal(t, invoice.CreditRefunded, rf.Kind)
		assert.Equal(t, invoice.StatePaid, e.get(t, cn2.ID()).Status(), "fully used")
	})

	t.Run("AFullCreditNoteSettlesAnUnpaidInvoiceByCredit", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv := e.issueDraft(t, draftOf(cust, vatLine("Widget", "3", eur("7.00")))) // 21.00 + 4.20
		_, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: inv.ID(), Lines: []invoice.Line{vatLine("Widget", "1", eur("7.00"))}, Reason: "one returned"})
		require.NoError(t, err)
		assert.Equal(t, invoice.StatePartiallyPaid, e.get(t, inv.ID()).Status())
		_, err = e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: inv.ID(), Lines: []invoice.Line{vatLine("Widget", "2", eur("7.00"))}, Reason: "all returned"})
		require.NoError(t, err)
		got := e.get(t, inv.ID())
		assert.Equal(t, invoice.StateSettledByCredit, got.Status(), "not cancelled: the invoice was issued and stands")
		assert.Equal(t, "25.20 EUR", got.Credited().String())
		assert.True(t, got.Open().IsZero())
		assert.Equal(t, "25.20 EUR", got.Gross().String(), "the invoice keeps its amounts")
		// its settlement is the two credit notes, in order
		sts := got.Settlements()
		require.Len(t, sts, 2)
		for _, st := range sts {
			assert.Equal(t, invoice.SettledByCreditNote, st.Kind)
			assert.False(t, st.Reversed)
		}
		assert.Equal(t, "8.40 EUR", sts[0].Amount.String())
		assert.Equal(t, "16.80 EUR", sts[1].Amount.String())
		evs := e.events(t, inv.ID().String())
		assert.Equal(t, invoice.EventSettledByCredit, evs[len(evs)-1])
		assert.NotContains(t, evs, "invoice.cancelled")
		assert.Equal(t, invoice.EventCreditApplied, evs[len(evs)-2])
	})

	t.Run("ResidualWithinToleranceIsWrittenOff", func(t *testing.T) {
		// the lower of 5.00 EUR and 0.5 %: on 1000.00 that is 5.00, on 200.00 it is 1.00
		tol := invoice.Tolerance{Amounts: []o2c.Money{eur("5.00")}, Percent: dec("0.5")}
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{Tolerance: tol})
		cust := o2c.NewCustomerID()
		big := e.issue(t, cust, eur("1000.00"))
		small := e.issue(t, cust, eur("200.00"))
		p := e.pay(t, cust, eur("1194.00"))
		_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k", Lines: []invoice.AllocationLine{
			{Invoice: big.ID(), Amount: eur("995.00"), CloseResidual: true},   // 5.00 left: written off
			{Invoice: small.ID(), Amount: eur("198.50"), CloseResidual: true}, // 1.50 left: above 1.00, stays open
		}})
		require.NoError(t, err)
		gb := e.get(t, big.ID())
		assert.Equal(t, invoice.StatePaid, gb.Status())
		sts := gb.Settlements()
		require.Len(t, sts, 2)
		assert.Equal(t, invoice.SettledByResidualWriteOff, sts[1].Kind)
		assert.Equal(t, "5.00 EUR", sts[1].Amount.String())
		gs := e.get(t, small.ID())
		assert.Equal(t, "1.50 EUR", gs.Open().String())
		before := e.fingerprint(t)
		_, err = e.svc.WriteOffResidual(ctx, small.ID(), "rounding")
		require.ErrorIs(t, err, invoice.ErrOutsideTolerance)
		var ae *invoice.AmountError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "1.00 EUR", ae.Available.String())
		assert.Equal(t, before, e.fingerprint(t))
		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k2", Lines: []invoice.AllocationLine{{Invoice: small.ID(), Amount: eur("0.50")}}})
		require.NoError(t, err)
		got, err := e.svc.WriteOffResidual(ctx, small.ID(), "rounding")
		require.NoError(t, err)
		assert.Equal(t, invoice.StatePaid, got.Status())
		assert.Contains(t, e.events(t, small.ID().String()), invoice.EventResidualWrittenOff)
	})

	t.Run("BouncedPaymentReopensItsInvoices", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		a := e.issue(t, cust, eur("30.00"))
		b := e.issue(t, cust, eur("70.00"))
		good := e.pay(t, cust, eur("10.00"))
		_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: good.ID(), Key: "g", Lines: []invoice.AllocationLine{{Invoice: b.ID(), Amount: eur("10.00")}}})
		require.NoError(t, err)
		bad := e.pay(t, cust, eur("90.00"))
		allocs, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: bad.ID(), Key: "b", Lines: []invoice.AllocationLine{
			{Invoice: a.ID(), Amount: eur("30.00")}, {Invoice: b.ID(), Amount: eur("60.00")}}})
		require.NoError(t, err)
		assert.Equal(t, invoice.StatePaid, e.get(t, a.ID()).Status())
		assert.Equal(t, invoice.StatePaid, e.get(t, b.ID()).Status())

		// a wrong allocation reversed alone
		require.NoError(t, e.svc.ReverseAllocation(ctx, bad.ID(), allocs[0].ID, "wrong invoice"))
		assert.Equal(t, invoice.StateIssued, e.get(t, a.ID()).Status())
		assert.Equal(t, "30.00 EUR", e.getPayment(t, bad.ID()).Unapplied().String())
		before := e.fingerprint(t)
		require.NoError(t, e.svc.ReverseAllocation(ctx, bad.ID(), allocs[0].ID, "wrong invoice"))
		assert.Equal(t, before, e.fingerprint(t), "reversing twice changes nothing")

		// the payment bounces: everything it settled reopens
		require.NoError(t, e.svc.ReversePayment(ctx, bad.ID(), "returned: insufficient funds (AM04)"))
		gb := e.get(t, b.ID())
		assert.Equal(t, invoice.StatePartiallyPaid, gb.Status(), "the good payment still counts")
		assert.Equal(t, "60.00 EUR", gb.Open().String())
		pb := e.getPayment(t, bad.ID())
		assert.Equal(t, invoice.PaymentReversed, pb.Status())
		assert.True(t, pb.Unapplied().IsZero())
		assert.Contains(t, e.events(t, b.ID().String()), invoice.EventReopened)
		before = e.fingerprint(t)
		require.NoError(t, e.svc.ReversePayment(ctx, bad.ID(), "again"))
		assert.Equal(t, before, e.fingerprint(t))
		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: bad.ID(), Key: "b2", Lines: []invoice.AllocationLine{{Invoice: a.ID(), Amount: eur("1.00")}}})
		require.ErrorIs(t, err, invoice.ErrPaymentReversed)
		assert.Equal(t, before, e.fingerprint(t))
	})

	t.Run("WriteOffNeedsReasonAndApprover", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv := e.issue(t, cust, eur("500.00"))
		before := e.fingerprint(t)
		_, err := e.svc.WriteOff(ctx, inv.ID(), "insolvency", "")
		var ve *o2c.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "approver", ve.Field)
		assert.Equal(t, before, e.fingerprint(t))
		got, err := e.svc.WriteOff(ctx, inv.ID(), "customer insolvent (liquidation judgement)", "cfo@acme")
		require.NoError(t, err)
		assert.Equal(t, invoice.StateWrittenOff, got.Status())
		assert.Equal(t, "500.00 EUR", got.WrittenOff().Amount.String())
		assert.Equal(t, "cfo@acme", got.WrittenOff().Approver)
		assert.True(t, got.Open().IsZero())
		assert.Contains(t, e.events(t, inv.ID().String()), invoice.EventWrittenOff)
		before = e.fingerprint(t)
		_, err = e.svc.WriteOff(ctx, inv.ID(), "again", "cfo@acme")
		require.ErrorIs(t, err, o2c.ErrInvalidTransition)
		assert.Equal(t, before, e.fingerprint(t))
	})

	t.Run("DraftsChangeIssuedDocumentsDoNot", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		d, err := e.svc.CreateInvoice(ctx, draftOf(cust, zeroRatedLine("x", eur("10.00"))))
		require.NoError(t, err)
		rev, err := e.svc.Revise(ctx, d.ID(), func(d *invoice.Draft) error {
			d.Lines = append(d.Lines, zeroRatedLine("y", eur("5.00")))
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, "15.00 EUR", rev.Gross().String())
		issued, err := e.svc.Issue(ctx, d.ID(), o2c.Date{})
		require.NoError(t, err)
		before := e.fingerprint(t)
		_, err = e.svc.Revise(ctx, d.ID(), func(d *invoice.Draft) error { d.Notes = "changed"; return nil })
		require.ErrorIs(t, err, invoice.ErrImmutable)
		assert.Equal(t, before, e.fingerprint(t))
		assert.Equal(t, snapshotJSON(t, issued), snapshotJSON(t, e.get(t, d.ID())))
	})
}
