package order_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/order/ordertest"
	"github.com/cashcycle/sdk/tax"
)

var (
	now = ordertest.Now
	dec = ordertest.Dec
)

func lq(line int, q string) order.LineQuantity {
	return order.LineQuantity{Line: line, Quantity: dec(q)}
}

func approved(t *testing.T) *order.Order {
	t.Helper()
	o := ordertest.NewOrder(t, "acme", o2c.NewCustomerID())
	require.NoError(t, o.Place(now, "jane"))
	require.NoError(t, o.Approve(now, "desk"))
	o.PullEvents()
	return o
}

func fields(err error) []string {
	var out []string
	for _, ve := range customer.ValidationErrors(err) {
		out = append(out, ve.Field)
	}
	return out
}

func TestNewReportsEveryProblemWithItsField(t *testing.T) {
	d := ordertest.SampleDetails(o2c.NewCustomerID())
	d.Lines[0].Quantity = dec("0")
	d.Lines[1].DiscountPercent = dec("120")
	d.Lines[2].TaxCategory = tax.Exempt // rate 5.5 is not allowed in E
	d.Lines = append(d.Lines, order.LineSpec{SKU: "X", Quantity: dec("1"), UnitPrice: o2c.MustMoney("1", "USD"), TaxCategory: tax.ZeroRated})
	d.Lines = append(d.Lines, order.LineSpec{SKU: "", Quantity: dec("1.0000001"), UnitPrice: o2c.MustMoney("-1", "EUR"), TaxCategory: tax.ZeroRated})
	d.PaymentTerms = "30 days net!"
	d.Deposit = order.Deposit{Percent: dec("30"), Amount: o2c.MustMoney("10", "EUR")}
	o, err := order.New("acme", d, now)
	require.Nil(t, o)
	require.ErrorIs(t, err, o2c.ErrValidation)
	require.ErrorIs(t, err, o2c.ErrCurrencyMismatch, "a line in another currency is a currency mismatch")
	var me *o2c.CurrencyMismatchError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "lines[3].unit_price", me.Op)
	assert.Equal(t, o2c.USD, me.Right)
	assert.Equal(t, []string{"lines[0].quantity", "lines[1].discount_percent", "lines[2].tax_rate",
		"lines[4].sku", "lines[4].quantity", "lines[4].unit_price", "payment_terms", "deposit"}, fields(err))

	_, err = order.New("acme", order.Details{}, now)
	assert.Equal(t, []string{"customer_id", "currency"}, fields(err))
	_, err = order.New("bad tenant!", ordertest.SampleDetails(o2c.NewCustomerID()), now)
	assert.Equal(t, []string{"tenant"}, fields(err))

	// a deposit above the gross total
	d = ordertest.SampleDetails(o2c.NewCustomerID())
	d.Deposit = order.DepositAmount(o2c.MustMoney("1000.00", "EUR"))
	_, err = order.New("acme", d, now)
	assert.Equal(t, []string{"deposit.amount"}, fields(err))
}

func TestTotalsDepositAndDetails(t *testing.T) {
	o := ordertest.NewOrder(t, "acme", o2c.NewCustomerID())
	tot := o.Totals()
	assert.Equal(t, "271.85 EUR", tot.Net.String())
	assert.Equal(t, "25.68 EUR", tot.Tax.String())
	assert.Equal(t, "297.53 EUR", tot.Gross.String())
	assert.Equal(t, "11.88 EUR", tot.Lines[0].Net.String(), "1000 x 0.0125 less 5 % is 11.875, rounded half up")
	require.Len(t, tot.Breakdown, 3)
	assert.Equal(t, "89.26 EUR", o.DepositDue().String(), "30 % of 297.53")
	assert.Equal(t, tax.DefaultPolicy(), o.Rounding())
	assert.Equal(t, order.StateDraft, o.State())
	assert.Equal(t, "PO-2026-0042", o.CustomerReference())
	assert.Equal(t, "NET30", o.PaymentTerms())
	assert.Equal(t, o2c.MustDate(2026, 12, 1), o.RequestedDelivery())
	assert.Equal(t, o2c.EUR, o.Currency())
	assert.Len(t, o.Details().Lines, 3)
	evs := o.PullEvents()
	require.Len(t, evs, 1)
	assert.Equal(t, order.TypeCreated, evs[0].Type)
	assert.Empty(t, o.PullEvents())

	d := ordertest.SampleDetails(o2c.NewCustomerID())
	d.Deposit = order.DepositAmount(o2c.MustMoney("50.00", "EUR"))
	o, err := order.New("acme", d, now)
	require.NoError(t, err)
	assert.Equal(t, "50.00 EUR", o.DepositDue().String())
	d.Deposit = order.Deposit{}
	o, err = order.New("acme", d, now)
	require.NoError(t, err)
	assert.True(t, o.DepositDue().IsZero())
}

func TestPlaceNeedsLinesAndAmendRules(t *testing.T) {
	d := ordertest.SampleDetails(o2c.NewCustomerID())
	d.Lines = nil
	o, err := order.New("acme", d, now)
	require.NoError(t, err, "a draft may start empty")
	err = o.Place(now, "")
	assert.Equal(t, []string{"lines"}, fields(err))
	assert.Equal(t, order.StateDraft, o.State())

	require.NoError(t, o.Amend(now, "jane", func(d *order.Details) error {
		d.Lines = ordertest.SampleDetails(d.Customer).Lines
		return nil
	}))
	require.NoError(t, o.Place(now, ""))
	// customer is immutable; nothing changes on error
	before := ordertest.SnapshotJSON(t, o)
	err = o.Amend(now, "jane", func(d *order.Details) error { d.Customer = o2c.NewCustomerID(); d.PaymentTerms = "NET60"; return nil })
	assert.Equal(t, []string{"customer_id"}, fields(err))
	boom := errors.New("boom")
	require.ErrorIs(t, o.Amend(now, "jane", func(*order.Details) error { return boom }), boom)
	assert.Equal(t, before, ordertest.SnapshotJSON(t, o))

	require.NoError(t, o.Amend(now, "jane", func(d *order.Details) error {
		d.Lines[1].Quantity = dec("5")
		return nil
	}))
	assert.Equal(t, order.StatePlaced, o.State())
	assert.Equal(t, "471.85 EUR", o.Totals().Net.String())
	require.NoError(t, o.Approve(now, ""))
	err = o.Amend(now, "", nil)
	require.ErrorIs(t, err, o2c.ErrInvalidTransition, "no amendment once approved")
}

func TestDeliveringMoreThanOrderedIsRefused(t *testing.T) {
	o := approved(t)
	// shipping more than ordered
	err := o.Ship(now, "S1", []order.LineQuantity{lq(2, "3")})
	var qe *order.QuantityError
	require.ErrorAs(t, err, &qe)
	assert.Equal(t, (&order.QuantityError{Op: "ship", Line: 2, Requested: dec("3"), Available: dec("2.5"), Ordered: dec("2.5")}).Error(), qe.Error())
	require.ErrorIs(t, err, order.ErrQuantityExceeded)
	require.ErrorIs(t, err, o2c.ErrValidation)

	require.NoError(t, o.Ship(now, "S1", []order.LineQuantity{lq(1, "1000"), lq(2, "2.5"), lq(3, "3")}))
	assert.Equal(t, order.StateShipped, o.State())
	before := ordertest.SnapshotJSON(t, o)
	// confirming delivery of more than ordered (and shipped): refused, nothing changes
	err = o.ConfirmDelivery(now, "D1", []order.LineQuantity{lq(1, "400"), lq(3, "4")})
	require.ErrorAs(t, err, &qe)
	assert.Equal(t, 3, qe.Line)
	assert.Equal(t, "deliver", qe.Op)
	assert.True(t, qe.Requested.Equal(dec("4")))
	assert.True(t, qe.Available.Equal(dec("3")))
	assert.True(t, qe.Ordered.Equal(dec("3")))
	assert.Contains(t, err.Error(), "line 3: cannot deliver 4: 3 available (ordered 3)")
	assert.Equal(t, before, ordertest.SnapshotJSON(t, o), "line 1 was not delivered either")

	// in two steps: the second exceeds what is left
	require.NoError(t, o.ConfirmDelivery(now, "D1", []order.LineQuantity{lq(1, "999.5")}))
	err = o.ConfirmDelivery(now, "D2", []order.LineQuantity{lq(1, "0.6")})
	require.ErrorAs(t, err, &qe)
	assert.True(t, qe.Available.Equal(dec("0.5")))

	// bad line references
	for _, bad := range [][]order.LineQuantity{nil, {lq(4, "1")}, {lq(0, "1")}, {lq(1, "0")}, {lq(1, "-1")}, {lq(1, "0.1"), lq(1, "0.1")}, {lq(1, "0.0000001")}} {
		require.ErrorIs(t, o.ConfirmDelivery(now, "D3", bad), o2c.ErrValidation, "%v", bad)
	}
	require.ErrorIs(t, o.ConfirmDelivery(now, "", []order.LineQuantity{lq(1, "0.1")}), o2c.ErrValidation, "a reference is required")
}

func TestCancellingShippedQuantitiesIsRefused(t *testing.T) {
	o := approved(t)
	require.NoError(t, o.Ship(now, "S1", []order.LineQuantity{lq(1, "600"), lq(2, "2.5")}))
	require.Equal(t, order.StatePartiallyShipped, o.State())
	before := ordertest.SnapshotJSON(t, o)

	// the whole order can no longer be cancelled
	err := o.Cancel(now, "desk", "changed mind")
	var te *o2c.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "partially_shipped", te.State)
	assert.Equal(t, "cancel", te.Event)

	// nor can shipped quantities: line 1 has 400 left, line 2 nothing
	err = o.CancelRemaining(now, "desk", "", []order.LineQuantity{lq(1, "500")})
	var qe *order.QuantityError
	require.ErrorAs(t, err, &qe)
	assert.Equal(t, "cancel", qe.Op)
	assert.True(t, qe.Available.Equal(dec("400")))
	err = o.CancelRemaining(now, "desk", "", []order.LineQuantity{lq(2, "0.5")})
	require.ErrorIs(t, err, order.ErrQuantityExceeded)
	require.ErrorIs(t, o.CancelRemaining(now, "", "", nil), o2c.ErrValidation, "who cancels is required")
	assert.Equal(t, before, ordertest.SnapshotJSON(t, o))

	// cancelling part of the backorder keeps the order partially shipped
	require.NoError(t, o.CancelRemaining(now, "desk", "out of stock", []order.LineQuantity{lq(1, "100")}))
	assert.Equal(t, order.StatePartiallyShipped, o.State())
	// the rest: the order completes on what was shipped
	require.NoError(t, o.CancelRemaining(now, "desk", "customer declined", nil))
	assert.Equal(t, order.StateShipped, o.State())
	l1, _ := o.Line(1)
	l3, _ := o.Line(3)
	assert.True(t, l1.Cancelled.Equal(dec("400")))
	assert.True(t, l1.Open().Equal(dec("600")))
	assert.True(t, l3.Open().IsZero())
	// 600 x 0.0125 less 5 % = 7.125 -> 7.13; 200.00; tax 1.43 + 20.00
	assert.Equal(t, "207.13 EUR", o.Totals().Net.String())
	assert.Equal(t, "228.56 EUR", o.Totals().Gross.String())
	require.Len(t, o.Cancellations(), 2)
	require.ErrorIs(t, o.CancelRemaining(now, "desk", "", nil), o2c.ErrInvalidTransition, "nothing left to cancel once shipped")

	// it completes on what shipped
	require.NoError(t, o.ConfirmDelivery(now, "D1", ordertest.AllLines(o, order.Line.InTransit)))
	assert.Equal(t, order.StateDelivered, o.State())
	require.NoError(t, o.MarkInvoiced(now, "INV-1", ordertest.AllLines(o, order.Line.Billable)))
	assert.Equal(t, order.StateInvoiced, o.State())
	require.NoError(t, o.Close(now, "desk"))
	assert.Equal(t, order.StateClosed, o.State())
	var types []string
	for _, e := range o.PullEvents() {
		types = append(types, e.Type)
	}
	assert.Equal(t, []string{"order.shipped", "order.remaining_cancelled", "order.remaining_cancelled", "order.shipping_completed",
		"order.delivered", "order.delivery_completed", "order.invoiced", "order.invoicing_completed", "order.closed"}, types)
}

func TestCancelRemainingAfterDeliveryCompletesDelivery(t *testing.T) {
	o := approved(t)
	require.NoError(t, o.Ship(now, "S1", []order.LineQuantity{lq(1, "1000"), lq(2, "2.5")}))
	require.NoError(t, o.ConfirmDelivery(now, "D1", []order.LineQuantity{lq(1, "1000"), lq(2, "2.5")}))
	require.Equal(t, order.StatePartiallyDelivered, o.State())
	require.NoError(t, o.CancelRemaining(now, "desk", "", nil))
	assert.Equal(t, order.StateDelivered, o.State())
}

func TestBillableMarkInvoicedAndExposure(t *testing.T) {
	o := ordertest.NewOrder(t, "acme", o2c.NewCustomerID())
	zero := order.Exposure{OpenOrder: o2c.Zero(o2c.EUR), UninvoicedDelivery: o2c.Zero(o2c.EUR)}
	assert.Equal(t, zero, o.Exposure(), "a draft exposes nothing")
	require.NoError(t, o.Place(now, ""))
	require.NoError(t, o.Approve(now, ""))
	assert.Equal(t, "297.53 EUR", o.Exposure().OpenOrder.String())
	assert.True(t, o.Exposure().UninvoicedDelivery.IsZero())
	assert.Empty(t, o.Billable())

	require.NoError(t, o.Ship(now, "S1", []order.LineQuantity{lq(1, "1000"), lq(2, "2.5")}))
	assert.Equal(t, "297.53 EUR", o.Exposure().OpenOrder.String(), "in transit is still open order")
	require.NoError(t, o.ConfirmDelivery(now, "D1", []order.LineQuantity{lq(1, "800"), lq(2, "2.5")}))
	b := o.Billable()
	require.Len(t, b, 2)
	assert.Equal(t, 1, b[0].Line)
	assert.True(t, b[0].Quantity.Equal(dec("800")))
	assert.Equal(t, "BOLT-M8", b[0].SKU)
	assert.Equal(t, "0.0125 EUR", b[0].UnitPrice.String())
	assert.True(t, b[1].Quantity.Equal(dec("2.5")))
	// 800 x 0.0125 x 0.95 = 9.50 (+1.90), 200.00 (+20.00)
	bt := o.BillableTotals()
	assert.Equal(t, "231.40 EUR", bt.Gross.String())
	inv, err := tax.Compute(o.Currency(), []tax.Line{b[0].TaxLine(), b[1].TaxLine()}, o.Rounding())
	require.NoError(t, err)
	assert.Equal(t, bt, inv, "an invoice of the billable lines at the order's policy has the same totals")
	e := o.Exposure()
	assert.Equal(t, "231.40 EUR", e.UninvoicedDelivery.String())
	// 200 bolts (2.38 -> 2.375 net... 200 x 0.0125 x 0.95 = 2.375 -> 2.38 + 0.48) and 3 books (59.97 + 3.30)
	assert.Equal(t, "66.13 EUR", e.OpenOrder.String())
	assert.Equal(t, "297.53 EUR", e.Total().String())

	// invoicing more than delivered is refused
	err = o.MarkInvoiced(now, "INV-1", []order.LineQuantity{lq(1, "801")})
	var qe *order.QuantityError
	require.ErrorAs(t, err, &qe)
	assert.Equal(t, "invoice", qe.Op)
	assert.True(t, qe.Available.Equal(dec("800")))

	require.NoError(t, o.MarkInvoiced(now, "INV-1", []order.LineQuantity{lq(2, "2.5"), lq(1, "800")}))
	assert.Equal(t, order.StatePartiallyInvoiced, o.State())
	assert.Empty(t, o.Billable())
	assert.True(t, o.Exposure().UninvoicedDelivery.IsZero())
	n := len(o.PendingEvents())
	version := ordertest.SnapshotJSON(t, o)

	// idempotent per invoice reference, whatever the order of the lines
	require.NoError(t, o.MarkInvoiced(now, "INV-1", []order.LineQuantity{lq(1, "800"), lq(2, "2.5")}))
	assert.Len(t, o.PendingEvents(), n, "a repeated invoice raises nothing")
	assert.Equal(t, version, ordertest.SnapshotJSON(t, o))
	// the same reference with other quantities is a conflict
	err = o.MarkInvoiced(now, "INV-1", []order.LineQuantity{lq(1, "700")})
	require.ErrorIs(t, err, o2c.ErrConflict)
	require.Len(t, o.Invoices(), 1)
	assert.Equal(t, "INV-1", o.Invoices()[0].Ref)

	// the backorder ships, is delivered and invoiced while partially invoiced
	require.NoError(t, o.Ship(now, "S2", []order.LineQuantity{lq(3, "3")}))
	require.NoError(t, o.ConfirmDelivery(now, "D2", []order.LineQuantity{lq(1, "200"), lq(3, "3")}))
	assert.Equal(t, order.StatePartiallyInvoiced, o.State())
	require.NoError(t, o.MarkInvoiced(now, "INV-2", ordertest.AllLines(o, order.Line.Billable)))
	assert.Equal(t, order.StateInvoiced, o.State())
	require.NoError(t, o.Close(now, "desk"))
	assert.True(t, o.Exposure().OpenOrder.IsZero())
	assert.True(t, o.Exposure().UninvoicedDelivery.IsZero())
	// a retry of an invoice after closing is still a no-op
	require.NoError(t, o.MarkInvoiced(now, "INV-1", []order.LineQuantity{lq(1, "800"), lq(2, "2.5")}))
	// shipments are idempotent per reference too
	require.NoError(t, o.Ship(now, "S2", []order.LineQuantity{lq(3, "3")}))
	require.ErrorIs(t, o.Ship(now, "S2", []order.LineQuantity{lq(3, "2")}), o2c.ErrConflict)
}

func TestCreditHoldReleaseRejectKeepWhoAndWhy(t *testing.T) {
	o := ordertest.NewOrder(t, "acme", o2c.NewCustomerID())
	require.NoError(t, o.Place(now, ""))
	require.ErrorIs(t, o.ApplyCredit(now, order.CreditDecision{Outcome: order.CreditHeld}), o2c.ErrValidation, "a hold needs a reason")
	require.ErrorIs(t, o.ApplyCredit(now, order.HoldCredit("", "Not A Code")), o2c.ErrValidation)
	require.NoError(t, o.ApplyCredit(now, order.HoldCredit("limit 1000 EUR exceeded by 297.53", order.ReasonCreditLimit, order.ReasonOverdueItems)))
	assert.Equal(t, order.StateOnCreditHold, o.State())
	d, ok := o.CreditDecision()
	require.True(t, ok)
	assert.Equal(t, []string{"credit_limit_exceeded", "overdue_items"}, d.Reasons)

	require.ErrorIs(t, o.Release(now, "", "ok"), o2c.ErrValidation, "a release names the user")
	require.ErrorIs(t, o.Release(now, "marie", "  "), o2c.ErrValidation, "and says why")
	require.ErrorIs(t, o.Approve(now, ""), o2c.ErrInvalidTransition, "a held order is not approved directly")
	require.NoError(t, o.Release(now, "marie", "customer paid the overdue invoice"))
	assert.Equal(t, order.StateReleased, o.State())
	require.NoError(t, o.Hold(now, "paul", nil, "new information"))
	require.NoError(t, o.Reject(now, "paul", "insolvency proceedings"))
	assert.Equal(t, order.StateRejected, o.State())

	audit := o.Audit()
	require.Len(t, audit, 5)
	assert.Equal(t, order.AuditEntry{At: now, Event: order.EventRelease, From: order.StateOnCreditHold, To: order.StateReleased,
		By: "marie", Note: "customer paid the overdue invoice"}, audit[2])
	assert.Equal(t, []string{"manual"}, audit[3].Reasons)
	assert.Equal(t, "paul", audit[4].By)
	assert.Equal(t, "insolvency proceedings", audit[4].Note)

	evs := o.PullEvents()
	var p order.EventPayload
	require.NoError(t, evs[len(evs)-1].Decode(&p))
	assert.Equal(t, "order.rejected", evs[len(evs)-1].Type)
	assert.Equal(t, "paul", p.By)
	assert.Equal(t, "rejected", p.Status)
	assert.True(t, p.Exposure.OpenOrder.IsZero(), "a rejected order exposes nothing")
}

func TestSnapshotRoundTripsThroughJSON(t *testing.T) {
	o := approved(t)
	require.NoError(t, o.Ship(now, "S1", []order.LineQuantity{lq(1, "600"), lq(2, "2.5")}))
	require.NoError(t, o.ConfirmDelivery(now, "D1", []order.LineQuantity{lq(1, "600")}))
	require.NoError(t, o.MarkInvoiced(now, "I1", []order.LineQuantity{lq(1, "100")}))
	b, err := json.Marshal(o.Snapshot())
	require.NoError(t, err)
	var s order.Snapshot
	require.NoError(t, json.Unmarshal(b, &s))
	back, err := order.FromSnapshot(s)
	require.NoError(t, err)
	assert.Equal(t, ordertest.SnapshotJSON(t, o), ordertest.SnapshotJSON(t, back))
	assert.Empty(t, back.PendingEvents())
	assert.Equal(t, o.Totals(), back.Totals())

	// a snapshot that breaks the quantity chain is refused
	s.Lines[0].Delivered = dec("700")
	_, err = order.FromSnapshot(s)
	assert.Equal(t, []string{"lines[0].shipped"}, fields(err))
	s.Lines[0].Delivered = dec("600")
	s.Lines[1].No = 7
	s.Status = order.State{}
	_, err = order.FromSnapshot(s)
	assert.Equal(t, []string{"status", "lines[1].no"}, fields(err))

	var st order.State
	require.ErrorIs(t, json.Unmarshal([]byte(`"teleported"`), &st), o2c.ErrValidation)
}

func TestMethodsNeedTheTime(t *testing.T) {
	o := ordertest.NewOrder(t, "acme", o2c.NewCustomerID())
	require.ErrorIs(t, o.Place(time.Time{}, ""), o2c.ErrValidation)
	assert.Equal(t, order.StateDraft, o.State())
}
