package order_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/order/ordertest"
)

// customers is an in-test customer master.
type customers map[o2c.CustomerID]*customer.Customer

func (c customers) Get(_ context.Context, id o2c.CustomerID) (*customer.Customer, error) {
	if x, ok := c[id]; ok {
		return x, nil
	}
	return nil, o2c.NotFound("customer", id.String())
}

func newCustomer(t *testing.T, ready bool) *customer.Customer {
	t.Helper()
	d := customer.Details{Number: "C-42"}
	if ready {
		d = customer.Details{Number: "C-42", LegalName: "Dupont SARL", Country: "FR",
			BillingAddress:  customer.Address{Lines: []string{"1 rue de la Paix"}, Postcode: "75002", City: "Paris"},
			BillingContacts: []customer.Contact{{Email: "compta@dupont.example", Invoices: true}},
			Currency:        o2c.EUR, DefaultPaymentTerms: "NET30"}
	}
	c, err := customer.New("acme", d, now)
	require.NoError(t, err)
	return c
}

type harness struct {
	svc    *order.Service
	store  order.Store
	events func() []string
}

func newHarness(t *testing.T, opts order.Options) harness {
	t.Helper()
	db := memory.New()
	acme := db.MustTenant("acme")
	opts.Clock = o2c.NewManualClock(now)
	svc, err := order.NewService(acme.Orders(), opts)
	require.NoError(t, err)
	return harness{svc: svc, store: acme.Orders(), events: func() []string {
		recs, err := acme.Outbox().Pending(context.Background(), 1000)
		require.NoError(t, err)
		var out []string
		for _, r := range recs {
			out = append(out, r.Event.Type)
		}
		return out
	}}
}

func TestPlaceRefusesACustomerNotReadyToInvoice(t *testing.T) {
	ctx := context.Background()
	notReady, ready := newCustomer(t, false), newCustomer(t, true)
	cs := customers{notReady.ID: notReady, ready.ID: ready}
	rules := customer.ReadinessRules{SellerCountry: "FR"}

	h := newHarness(t, order.Options{Customers: cs, RequireReadyCustomer: true, Readiness: rules})
	o, err := h.svc.Create(ctx, ordertest.SampleDetails(notReady.ID))
	require.NoError(t, err)
	_, err = h.svc.Place(ctx, o.ID(), "jane")
	require.ErrorIs(t, err, customer.ErrNotReady)
	var nr *customer.NotReadyError
	require.ErrorAs(t, err, &nr)
	assert.Contains(t, nr.Missing, customer.MissingLegalName)
	got, err := h.store.Get(ctx, o.ID())
	require.NoError(t, err)
	assert.Equal(t, order.StateDraft, got.State(), "nothing written")
	assert.Equal(t, []string{"order.created"}, h.events())

	o2, err := h.svc.Create(ctx, ordertest.SampleDetails(ready.ID))
	require.NoError(t, err)
	placed, err := h.svc.Place(ctx, o2.ID(), "jane")
	require.NoError(t, err)
	assert.Equal(t, order.StatePlaced, placed.State())

	// an unknown customer cannot even get a draft
	_, err = h.svc.Create(ctx, ordertest.SampleDetails(o2c.NewCustomerID()))
	require.ErrorIs(t, err, o2c.ErrNotFound)

	// with the check off, the not-ready customer's order is placed
	off := newHarness(t, order.Options{Customers: cs})
	o3, err := off.svc.Create(ctx, ordertest.SampleDetails(notReady.ID))
	require.NoError(t, err)
	placed, err = off.svc.Place(ctx, o3.ID(), "")
	require.NoError(t, err)
	assert.Equal(t, order.StatePlaced, placed.State())

	_, err = order.NewService(off.store, order.Options{RequireReadyCustomer: true})
	require.ErrorIs(t, err, o2c.ErrValidation, "the check needs the customer master")
}

func TestCreditCheckOnPlaceAndOnAmend(t *testing.T) {
	ctx := context.Background()
	var calls []string
	limit := ordertest.Dec("300")
	checker := order.CreditCheckerFunc(func(_ context.Context, o *order.Order) (order.CreditDecision, error) {
		calls = append(calls, o.State().String()+" "+o.Totals().Gross.String())
		if o.Totals().Gross.Amount().GreaterThan(limit) {
			return order.HoldCredit("over the 300 EUR limit", order.ReasonCreditLimit), nil
		}
		return order.ApproveCredit(), nil
	})
	h := newHarness(t, order.Options{Credit: checker})
	o, err := h.svc.Create(ctx, ordertest.SampleDetails(o2c.NewCustomerID()))
	require.NoError(t, err)
	placed, err := h.svc.Place(ctx, o.ID(), "jane")
	require.NoError(t, err)
	assert.Equal(t, order.StatePlaced, placed.State())
	assert.Equal(t, []string{"placed 297.53 EUR"}, calls, "the checker sees the order as placed")
	d, _ := placed.CreditDecision()
	assert.Equal(t, order.CreditApproved, d.Outcome)

	// amending the placed order checks again; now it is over the limit
	held, err := h.svc.Amend(ctx, o.ID(), "jane", func(d *order.Details) error {
		d.Lines[2].Quantity = ordertest.Dec("4")
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, order.StateOnCreditHold, held.State())
	assert.Equal(t, []string{"placed 297.53 EUR", "placed 318.62 EUR"}, calls)
	d, _ = held.CreditDecision()
	assert.Equal(t, []string{order.ReasonCreditLimit}, d.Reasons)

	_, err = h.svc.Amend(ctx, o.ID(), "jane", nil)
	require.ErrorIs(t, err, o2c.ErrInvalidTransition, "no amendment on hold")
	released, err := h.svc.Release(ctx, o.ID(), "marie", "deposit received")
	require.NoError(t, err)
	assert.Equal(t, order.StateReleased, released.State())
	approvedO, err := h.svc.Approve(ctx, o.ID(), "desk")
	require.NoError(t, err)
	assert.Equal(t, order.StateApproved, approvedO.State())
	assert.Equal(t, []string{"order.created", "order.placed", "order.amended", "order.credit_held",
		"order.credit_released", "order.approved"}, h.events())
}

func TestAutoApproveAndNilChecker(t *testing.T) {
	ctx := context.Background()
	hold := true
	checker := order.CreditCheckerFunc(func(context.Context, *order.Order) (order.CreditDecision, error) {
		if hold {
			return order.HoldCredit("", order.ReasonOverdueItems), nil
		}
		return order.ApproveCredit(), nil
	})
	h := newHarness(t, order.Options{Credit: checker, AutoApprove: true})
	o, err := h.svc.Create(ctx, ordertest.SampleDetails(o2c.NewCustomerID()))
	require.NoError(t, err)
	got, err := h.svc.Place(ctx, o.ID(), "")
	require.NoError(t, err)
	assert.Equal(t, order.StateOnCreditHold, got.State())
	got, err = h.svc.Release(ctx, o.ID(), "marie", "paid")
	require.NoError(t, err)
	assert.Equal(t, order.StateApproved, got.State(), "AutoApprove treats a release as an approval")

	hold = false
	o, err = h.svc.Create(ctx, ordertest.SampleDetails(o2c.NewCustomerID()))
	require.NoError(t, err)
	got, err = h.svc.Place(ctx, o.ID(), "")
	require.NoError(t, err)
	assert.Equal(t, order.StateApproved, got.State())

	plain := newHarness(t, order.Options{})
	o, err = plain.svc.Create(ctx, ordertest.SampleDetails(o2c.NewCustomerID()))
	require.NoError(t, err)
	got, err = plain.svc.Place(ctx, o.ID(), "")
	require.NoError(t, err)
	assert.Equal(t, order.StatePlaced, got.State(), "a nil checker approves; approval stays manual")
}

func TestCreditCheckFailureOrRaceWritesNothing(t *testing.T) {
	ctx := context.Background()
	down := errors.New("credit service down")
	var store order.Store
	mode := "fail"
	checker := order.CreditCheckerFunc(func(ctx context.Context, o *order.Order) (order.CreditDecision, error) {
		switch mode {
		case "fail":
			return order.CreditDecision{}, down
		case "invalid":
			return order.CreditDecision{Outcome: order.CreditHeld}, nil
		}
		// someone else changes the order while the check runs
		_, err := store.Update(ctx, o.ID(), func(w *order.Order) error {
			return w.Amend(now, "other", func(d *order.Details) error { d.CustomerReference = "PO-X"; return nil })
		})
		return order.ApproveCredit(), err
	})
	h := newHarness(t, order.Options{Credit: checker})
	store = h.store
	o, err := h.svc.Create(ctx, ordertest.SampleDetails(o2c.NewCustomerID()))
	require.NoError(t, err)

	_, err = h.svc.Place(ctx, o.ID(), "")
	require.ErrorIs(t, err, down)
	mode = "invalid"
	_, err = h.svc.Place(ctx, o.ID(), "")
	require.ErrorIs(t, err, o2c.ErrValidation)
	mode = "race"
	_, err = h.svc.Place(ctx, o.ID(), "")
	require.ErrorIs(t, err, o2c.ErrConflict)
	got, err := h.store.Get(ctx, o.ID())
	require.NoError(t, err)
	assert.Equal(t, order.StateDraft, got.State())
	assert.Equal(t, "PO-X", got.CustomerReference(), "the concurrent change is kept")
	assert.Equal(t, []string{"order.created", "order.amended"}, h.events())

	// a retry goes through
	mode = "fail"
	h2 := newHarness(t, order.Options{})
	o, err = h2.svc.Create(ctx, ordertest.SampleDetails(o2c.NewCustomerID()))
	require.NoError(t, err)
	_, err = h2.svc.Place(ctx, o.ID(), "")
	require.NoError(t, err)
}

func TestServiceFulfilmentAndExposure(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, order.Options{AutoApprove: true})
	c := o2c.NewCustomerID()
	o, err := h.svc.Create(ctx, ordertest.SampleDetails(c))
	require.NoError(t, err)
	_, err = h.svc.Place(ctx, o.ID(), "")
	require.NoError(t, err)
	_, err = h.svc.Ship(ctx, o.ID(), "S1", lq(1, "1000"), lq(2, "2.5"))
	require.NoError(t, err)
	_, err = h.svc.ConfirmDelivery(ctx, o.ID(), "D1", lq(1, "1000"))
	require.NoError(t, err)
	billable, got, err := h.svc.Billable(ctx, o.ID())
	require.NoError(t, err)
	require.Len(t, billable, 1)
	assert.Equal(t, got.ID(), o.ID())

	draft, err := h.svc.Create(ctx, ordertest.SampleDetails(c))
	require.NoError(t, err)
	_ = draft
	e, others, err := h.svc.CustomerExposure(ctx, c, o2c.EUR)
	require.NoError(t, err)
	assert.Zero(t, others)
	assert.Equal(t, "14.26 EUR", e.UninvoicedDelivery.String(), "11.88 + 2.38 tax")
	assert.Equal(t, "283.27 EUR", e.OpenOrder.String(), "the draft counts for nothing")

	_, err = h.svc.MarkInvoiced(ctx, o.ID(), "INV-1", lq(1, "1000"))
	require.NoError(t, err)
	_, err = h.svc.CancelRemaining(ctx, o.ID(), "desk", "", lq(3, "3"))
	require.NoError(t, err)
	got, err = h.svc.ConfirmDelivery(ctx, o.ID(), "D2", lq(2, "2.5"))
	require.NoError(t, err)
	assert.Equal(t, order.StatePartiallyInvoiced, got.State())
	got, err = h.svc.MarkInvoiced(ctx, o.ID(), "INV-2", lq(2, "2.5"))
	require.NoError(t, err)
	assert.Equal(t, order.StateInvoiced, got.State())
	got, err = h.svc.Close(ctx, o.ID(), "desk")
	require.NoError(t, err)
	assert.Equal(t, order.StateClosed, got.State())
	_, err = h.svc.Cancel(ctx, draft.ID(), "desk", "duplicate")
	require.NoError(t, err)
	_, err = h.svc.Hold(ctx, draft.ID(), "ctl", nil, "")
	require.ErrorIs(t, err, o2c.ErrInvalidTransition)
	_, err = h.svc.Reject(ctx, draft.ID(), "ctl", "x")
	require.ErrorIs(t, err, o2c.ErrInvalidTransition)
	list, err := h.svc.List(ctx, order.Query{Customer: c, Statuses: []order.State{order.StateCancelled}})
	require.NoError(t, err)
	require.Len(t, list, 1)
	_, err = h.svc.Get(ctx, order.NewID())
	require.ErrorIs(t, err, o2c.ErrNotFound)
}
