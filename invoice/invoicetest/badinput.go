package invoicetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// badInputTests runs every refused operation against one populated
// database and checks, for each, the typed error and that nothing stored
// changed (documents, payments, versions, outbox, number sequences).
func badInputTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
	cust, stranger := o2c.NewCustomerID(), o2c.NewCustomerID()

	open := e.issue(t, cust, eur("100.00"))
	paid := e.issue(t, cust, eur("10.00"))
	cancelled := e.issue(t, cust, eur("20.00"))
	writtenOff := e.issue(t, cust, eur("30.00"))
	credited := e.issueDraft(t, draftOf(cust, vatLine("Widget", "5", eur("10.00")))) // 60.00
	draft, err := e.svc.CreateInvoice(ctx, draftOf(cust, zeroRatedLine("draft", eur("40.00"))))
	require.NoError(t, err)
	usd := e.issue(t, cust, o2c.MustMoney("50.00", "USD"))
	theirs := e.issue(t, stranger, eur("70.00"))
	disputed := e.issue(t, cust, eur("80.00"))
	_, err = e.svc.OpenDispute(ctx, disputed.ID(), invoice.DisputeInput{Amount: eur("50.00"), Reason: invoice.ReasonQuality, Actor: "ann"})
	require.NoError(t, err)

	p := e.pay(t, cust, eur("500.00"))
	_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "setup", Lines: []invoice.AllocationLine{{Invoice: paid.ID(), Amount: eur("10.00")}}})
	require.NoError(t, err)
	_, err = e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: cancelled.ID(), Lines: []invoice.Line{zeroRatedLine("all", eur("20.00"))}, Reason: "cancelled order"})
	require.NoError(t, err)
	_, err = e.svc.WriteOff(ctx, writtenOff.ID(), "insolvent", "cfo")
	require.NoError(t, err)
	_, err = e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: credited.ID(), Lines: []invoice.Line{vatLine("Widget", "3", eur("10.00"))}, Reason: "3 returned"}) // 36.00 of 60.00
	require.NoError(t, err)
	small := e.pay(t, cust, eur("5.00"))
	// a draft credit note stored directly, bypassing IssueCreditNote
	rogue, err := invoice.NewCreditNote(e.get(t, open.ID()), []invoice.Line{zeroRatedLine("all of it again", eur("100.00"))}, "x", "", Epoch)
	require.NoError(t, err)
	require.NoError(t, e.inv.Create(ctx, rogue))
	require.Equal(t, invoice.StatePaid, e.get(t, paid.ID()).Status())
	require.Equal(t, invoice.StateSettledByCredit, e.get(t, cancelled.ID()).Status())
	require.Equal(t, invoice.StateWrittenOff, e.get(t, writtenOff.ID()).Status())

	allocate := func(inv invoice.ID, amount o2c.Money) error {
		_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: nextKey("bad"), Lines: []invoice.AllocationLine{{Invoice: inv, Amount: amount}}})
		return err
	}
	validation := func(field string) func(t *testing.T, err error) {
		return func(t *testing.T, err error) {
			var ve *o2c.ValidationError
			require.ErrorAs(t, err, &ve, "error: %v", err)
			require.ErrorIs(t, err, o2c.ErrValidation)
			assert.Equal(t, field, ve.Field, "error: %v", err)
		}
	}
	transition := func(state invoice.State) func(t *testing.T, err error) {
		return func(t *testing.T, err error) {
			var te *o2c.TransitionError
			require.ErrorAs(t, err, &te, "error: %v", err)
			require.ErrorIs(t, err, o2c.ErrInvalidTransition)
			assert.Equal(t, string(state), te.State)
		}
	}
	mismatch := func(t *testing.T, err error) {
		var ce *o2c.CurrencyMismatchError
		require.ErrorAs(t, err, &ce, "error: %v", err)
		require.ErrorIs(t, err, o2c.ErrCurrencyMismatch)
	}
	amount := func(sentinel error, requested, available string) func(t *testing.T, err error) {
		return func(t *testing.T, err error) {
			var ae *invoice.AmountError
			require.ErrorAs(t, err, &ae, "error: %v", err)
			require.ErrorIs(t, err, sentinel)
			assert.Equal(t, requested, ae.Requested.String())
			assert.Equal(t, available, ae.Available.String())
		}
	}

	cases := []struct {
		name  string
		do    func() error
		check func(t *testing.T, err error)
	}{
		{"AllocateZeroAmount", func() error { return allocate(open.ID(), eur("0.00")) }, validation("lines[0].amount")},
		{"AllocateNegativeAmount", func() error { return allocate(open.ID(), eur("-5.00")) }, validation("lines[0].amount")},
		{"AllocateUnroundedAmount", func() error { return allocate(open.ID(), eur("1.005")) }, validation("lines[0].amount")},
		{"AllocateInAnotherCurrencyThanThePayment", func() error { return allocate(open.ID(), o2c.MustMoney("5.00", "USD")) }, mismatch},
		{"AllocateToAnInvoiceInAnotherCurrency", func() error { return allocate(usd.ID(), eur("5.00")) }, mismatch},
		{"AllocateToASettledByCreditInvoice", func() error { return allocate(cancelled.ID(), eur("5.00")) }, transition(invoice.StateSettledByCredit)},
		{"AllocateToAPaidInvoice", func() error { return allocate(paid.ID(), eur("5.00")) }, transition(invoice.StatePaid)},
		{"AllocateToADraft", func() error { return allocate(draft.ID(), eur("5.00")) }, transition(invoice.StateDraft)},
		{"AllocateToAWrittenOffInvoice", func() error { return allocate(writtenOff.ID(), eur("5.00")) }, transition(invoice.StateWrittenOff)},
		{"AllocateMoreThanOpen", func() error { return allocate(open.ID(), eur("100.01")) }, amount(invoice.ErrOverAllocation, "100.01 EUR", "100.00 EUR")},
		{"AllocateTheDisputedPart", func() error { return allocate(disputed.ID(), eur("30.01")) }, amount(invoice.ErrOverAllocation, "30.01 EUR", "30.00 EUR")},
		{"AllocateMoreThanThePaymentHas", func() error {
			_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: small.ID(), Key: "k", Lines: []invoice.AllocationLine{
				{Invoice: open.ID(), Amount: eur("3.00")}, {Invoice: disputed.ID(), Amount: eur("2.01")}}})
			return err
		}, amount(invoice.ErrInsufficientFunds, "5.01 EUR", "5.00 EUR")},
		{"AllocateTwoLinesBeyondOpenOnTheSecond", func() error {
			_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "two", Lines: []invoice.AllocationLine{
				{Invoice: open.ID(), Amount: eur("10.00")}, {Invoice: credited.ID(), Amount: eur("24.01")}}})
			return err
		}, amount(invoice.ErrOverAllocation, "24.01 EUR", "24.00 EUR")},
		{"AllocateToAnotherCustomersInvoice", func() error { return allocate(theirs.ID(), eur("5.00")) }, validation("lines[0].invoice")},
		{"AllocateWithoutKey", func() error {
			_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Lines: []invoice.AllocationLine{{Invoice: open.ID(), Amount: eur("1.00")}}})
			return err
		}, validation("key")},
		{"AllocateWithNoLines", func() error {
			_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "none"})
			return err
		}, validation("lines")},
		{"AllocateToAMissingInstalment", func() error {
			_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "inst", Lines: []invoice.AllocationLine{{Invoice: open.ID(), Instalment: 2, Amount: eur("1.00")}}})
			return err
		}, validation("instalment")},
		{"IssueTwice", func() error { _, err := e.svc.Issue(ctx, open.ID(), o2c.Date{}); return err }, transition(invoice.StateIssued)},
		{"IssueACreditNoteOutsideIssueCreditNote", func() error { _, err := e.svc.Issue(ctx, rogue.ID(), o2c.Date{}); return err }, validation("kind")},
		{"IssueAPaidInvoice", func() error { _, err := e.svc.Issue(ctx, paid.ID(), o2c.Date{}); return err }, transition(invoice.StatePaid)},
		{"CreditMoreThanInvoiced", func() error {
			_, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: open.ID(), Lines: []invoice.Line{zeroRatedLine("too much", eur("100.01"))}, Reason: "x"})
			return err
		}, amount(invoice.ErrOverCredit, "100.01 EUR", "100.00 EUR")},
		{"CreditMoreThanInvoicedCumulatively", func() error {
			// 36.00 already credited of 60.00: 3 more widgets (36.00) exceed the 24.00 left
			_, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: credited.ID(), Lines: []invoice.Line{vatLine("Widget", "3", eur("10.00"))}, Reason: "x"})
			return err
		}, amount(invoice.ErrOverCredit, "36.00 EUR", "24.00 EUR")},
		{"CreditACancelledInvoiceAgain", func() error {
			_, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: cancelled.ID(), Lines: []invoice.Line{zeroRatedLine("more", eur("0.01"))}, Reason: "x"})
			return err
		}, amount(invoice.ErrOverCredit, "0.01 EUR", "0.00 EUR")},
		{"CreditADraft", func() error {
			_, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: draft.ID(), Lines: []invoice.Line{zeroRatedLine("x", eur("1.00"))}, Reason: "x"})
			return err
		}, transition(invoice.StateDraft)},
		{"CreditAWrittenOffInvoice", func() error {
			_, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: writtenOff.ID(), Lines: []invoice.Line{zeroRatedLine("x", eur("1.00"))}, Reason: "x"})
			return err
		}, transition(invoice.StateWrittenOff)},
		{"CreditInAnotherCurrency", func() error {
			_, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: open.ID(), Lines: []invoice.Line{zeroRatedLine("x", o2c.MustMoney("1.00", "USD"))}, Reason: "x"})
			return err
		}, mismatch},
		{"CreditANegativeQuantity", func() error {
			l := zeroRatedLine("x", eur("1.00"))
			l.Quantity = decimal.NewFromInt(-1)
			_, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: open.ID(), Lines: []invoice.Line{l}, Reason: "x"})
			return err
		}, validation("lines[0].quantity")},
		{"CreditWithoutReason", func() error {
			_, err := e.svc.IssueCreditNote(ctx, invoice.CreditNoteInput{Invoice: open.ID(), Lines: []invoice.Line{zeroRatedLine("x", eur("1.00"))}})
			return err
		}, validation("reason")},
		{"RecordAZeroPayment", func() error {
			_, err := e.svc.RecordPayment(ctx, invoice.PaymentInput{Customer: cust, Amount: eur("0.00"), ValueDate: o2c.DateOf(Epoch), Method: invoice.MethodCash, IdempotencyKey: "z"})
			return err
		}, validation("amount")},
		{"RecordANegativePayment", func() error {
			_, err := e.svc.RecordPayment(ctx, invoice.PaymentInput{Customer: cust, Amount: eur("-1.00"), ValueDate: o2c.DateOf(Epoch), Method: invoice.MethodCash, IdempotencyKey: "n"})
			return err
		}, validation("amount")},
		{"RecordAPaymentWithoutKey", func() error {
			_, err := e.svc.RecordPayment(ctx, invoice.PaymentInput{Customer: cust, Amount: eur("1.00"), ValueDate: o2c.DateOf(Epoch), Method: invoice.MethodCash})
			return err
		}, validation("idempotency_key")},
		{"RecordAPaymentValuedAfter9999", func() error {
			far := o2c.MustDate(9999, time.December, 31).AddDays(1)
			_, err := e.svc.RecordPayment(ctx, invoice.PaymentInput{Customer: cust, Amount: eur("1.00"), ValueDate: far, Method: invoice.MethodCash, IdempotencyKey: "far"})
			if !errors.Is(err, o2c.ErrDateOutOfRange) {
				return fmt.Errorf("want ErrDateOutOfRange, got %w", err)
			}
			return err
		}, validation("value_date")},
		{"RecordAPaymentWithAnUnknownMethod", func() error {
			_, err := e.svc.RecordPayment(ctx, invoice.PaymentInput{Customer: cust, Amount: eur("1.00"), ValueDate: o2c.DateOf(Epoch), Method: "barter", IdempotencyKey: "m"})
			return err
		}, validation("method")},
		{"RefundZero", func() error {
			_, err := e.svc.Refund(ctx, invoice.RefundInput{Payment: p.ID(), Key: "r0", Amount: eur("0.00")})
			return err
		}, validation("amount")},
		{"RefundInAnotherCurrency", func() error {
			_, err := e.svc.Refund(ctx, invoice.RefundInput{Payment: p.ID(), Key: "r1", Amount: o2c.MustMoney("1.00", "USD")})
			return err
		}, mismatch},
		{"RefundMoreThanUnapplied", func() error {
			_, err := e.svc.Refund(ctx, invoice.RefundInput{Payment: small.ID(), Key: "r2", Amount: eur("5.01")})
			return err
		}, amount(invoice.ErrInsufficientFunds, "5.01 EUR", "5.00 EUR")},
		{"DisputeMoreThanUndisputed", func() error {
			_, err := e.svc.OpenDispute(ctx, disputed.ID(), invoice.DisputeInput{Amount: eur("30.01"), Reason: invoice.ReasonOther, Actor: "x"})
			return err
		}, amount(invoice.ErrOverDispute, "30.01 EUR", "30.00 EUR")},
		{"DisputeAZeroAmount", func() error {
			_, err := e.svc.OpenDispute(ctx, open.ID(), invoice.DisputeInput{Amount: eur("0.00"), Reason: invoice.ReasonOther, Actor: "x"})
			return err
		}, validation("amount")},
		{"DisputeWithAnUnknownReason", func() error {
			_, err := e.svc.OpenDispute(ctx, open.ID(), invoice.DisputeInput{Amount: eur("1.00"), Reason: "grumpy", Actor: "x"})
			return err
		}, validation("reason")},
		{"DisputeAPaidInvoice", func() error {
			_, err := e.svc.OpenDispute(ctx, paid.ID(), invoice.DisputeInput{Amount: eur("1.00"), Reason: invoice.ReasonOther, Actor: "x"})
			return err
		}, transition(invoice.StatePaid)},
		{"WriteOffADraft", func() error { _, err := e.svc.WriteOff(ctx, draft.ID(), "x", "y"); return err }, transition(invoice.StateDraft)},
		{"DraftWithAnUnknownTaxCategory", func() error {
			l := zeroRatedLine("x", eur("1.00"))
			l.TaxCategory = tax.Category{}
			_, err := e.svc.CreateInvoice(ctx, draftOf(cust, l))
			return err
		}, validation("lines[0].tax_category")},
		{"DraftWithAZeroTotal", func() error {
			_, err := e.svc.CreateInvoice(ctx, draftOf(cust, zeroRatedLine("free", eur("0.00"))))
			return err
		}, validation("lines")},
		{"DepositOfMoreThan100Percent", func() error {
			_, err := e.svc.CreateDeposit(ctx, invoice.DepositInput{OrderRef: "SO-1", Customer: cust, Percent: dec("101"), Base: eur("100.00"),
				TaxCategory: tax.Standard, TaxRate: dec("20"), Terms: invoice.ImmediateTerms()})
			return err
		}, validation("percent")},
		{"AllocateAMissingPayment", func() error {
			_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: o2c.NewID[invoice.Payment](), Key: "m", Lines: []invoice.AllocationLine{{Invoice: open.ID(), Amount: eur("1.00")}}})
			return err
		}, func(t *testing.T, err error) { require.ErrorIs(t, err, o2c.ErrNotFound) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.fingerprint(t)
			err := c.do()
			require.Error(t, err)
			c.check(t, err)
			assert.False(t, errors.Is(err, o2c.ErrConflict), "a bad input is not a conflict: %v", err)
			assert.Equal(t, before, e.fingerprint(t), "nothing changed")
		})
	}
}
