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

func TestGroupLimitSharedByMembers(t *testing.T) {
	ctx := context.Background()
	db := memory.New()
	s := db.MustTenant("acme")
	clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	checker, err := credit.NewChecker(credit.Options{Store: s.CreditProfiles(), Source: credit.StoreSource{Orders: s.Orders(), Invoices: s.Invoices()},
		Clock: clock, DefaultLimit: eur("100.00")})
	require.NoError(t, err)
	orders, _ := order.NewService(s.Orders(), order.Options{Clock: clock, Credit: checker})
	a, b, loner := o2c.NewCustomerID(), o2c.NewCustomerID(), o2c.NewCustomerID()
	require.NoError(t, s.CreditProfiles().CreateGroup(ctx, &credit.Group{Code: "DUPONT", Limit: eur("5000.00")}))
	require.NoError(t, s.CreditProfiles().CreateProfile(ctx, &credit.Profile{Customer: a, Group: "DUPONT"}))
	require.NoError(t, s.CreditProfiles().CreateProfile(ctx, &credit.Profile{Customer: b, Group: "DUPONT"}))
	place := func(c o2c.CustomerID, price string) *order.Order {
		o, err := orders.Create(ctx, order.Details{Customer: c, Currency: o2c.EUR, Lines: zeroRated(eur(price))})
		require.NoError(t, err)
		o, err = orders.Place(ctx, o.ID(), "")
		require.NoError(t, err)
		return o
	}
	assert.Equal(t, order.StatePlaced, place(a, "3000.00").State())
	held := place(b, "2500.00")
	assert.Equal(t, order.StateOnCreditHold, held.State(), "3,000 + 2,500 over the group's 5,000")
	res, err := checker.Check(ctx, held, credit.PointOrder)
	require.NoError(t, err)
	assert.Equal(t, credit.LimitGroup, res.LimitSource)
	assert.Equal(t, []string{credit.ReasonGroupLimit}, res.Codes())
	assert.True(t, res.Over.Equal(eur("500")), res.Over.String())

	// no profile: the tenant default applies
	o := place(loner, "150.00")
	dec, _ := o.CreditDecision()
	assert.Equal(t, []string{order.ReasonCreditLimit}, dec.Reasons)
	assert.Contains(t, dec.Message, "credit limit 100.00 EUR exceeded by 50.00 EUR")
}

func TestMissingRateRefusesCheck(t *testing.T) {
	ctx := context.Background()
	db := memory.New()
	s := db.MustTenant("acme")
	checker, err := credit.NewChecker(credit.Options{Store: s.CreditProfiles(), Source: credit.StoreSource{Orders: s.Orders(), Invoices: s.Invoices()}})
	require.NoError(t, err)
	orders, _ := order.NewService(s.Orders(), order.Options{Credit: checker})
	c := o2c.NewCustomerID()
	require.NoError(t, s.CreditProfiles().CreateProfile(ctx, &credit.Profile{Customer: c, Limit: eur("1000.00")}))
	o, err := orders.Create(ctx, order.Details{Customer: c, Currency: o2c.USD, Lines: zeroRated(o2c.MustMoney("10.00", "USD"))})
	require.NoError(t, err)
	_, err = orders.Place(ctx, o.ID(), "")
	assert.ErrorIs(t, err, credit.ErrMissingRate)
	got, _ := orders.Get(ctx, o.ID())
	assert.Equal(t, order.StateDraft, got.State(), "nothing written")
}

func TestOverdueBeyondDays(t *testing.T) {
	pos := credit.Position{Items: []credit.ItemEntry{
		{Currency: o2c.EUR, Open: eur("100.00"), Disputed: eur("0.00"), DueDate: o2c.MustDate(2026, 2, 1)},
		{Currency: o2c.EUR, Open: eur("100.00"), Disputed: eur("100.00"), DueDate: o2c.MustDate(2026, 1, 1)},
	}}
	e, err := credit.Compute(pos, o2c.EUR, o2c.MustDate(2026, 3, 2), credit.Rules{}, nil, order.ID{})
	require.NoError(t, err)
	assert.Equal(t, "100.00 EUR", e.Total.String(), "the fully disputed item is deducted")
}

func TestValidation(t *testing.T) {
	_, err := credit.NewRateTable(credit.Rate{From: o2c.USD, To: o2c.EUR, Rate: decimal.Zero})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = credit.NewProfile(o2c.CustomerID{}, eur("1.00"))
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = credit.NewGroup("bad code", "", eur("1.00"))
	assert.ErrorIs(t, err, o2c.ErrValidation)
	sc := credit.DefaultScorecard()
	sc.Factors[0].Bands[1].Points = 100 + 1
	assert.ErrorIs(t, sc.Validate(), o2c.ErrValidation)
	sc = credit.DefaultScorecard()
	sc.Factors[0].Bands[0], sc.Factors[0].Bands[1] = sc.Factors[0].Bands[1], sc.Factors[0].Bands[0]
	assert.ErrorIs(t, sc.Validate(), o2c.ErrValidation, "bands out of order")
	_, err = credit.NewChecker(credit.Options{})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	rc, err := credit.ParseRiskClass("Z")
	assert.ErrorIs(t, err, o2c.ErrValidation)
	assert.True(t, rc.IsZero())
}

func TestHistoryFromInvoices(t *testing.T) {
	ctx := context.Background()
	clock := o2c.NewManualClock(time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC))
	db := memory.New(memory.WithClock(clock))
	s := db.MustTenant("acme")
	svc, err := invoice.NewService(db, invoice.Stores{Invoices: s.Invoices(), Payments: s.Payments(), Numbers: s.InvoiceNumbers()}, invoice.Options{Clock: clock})
	require.NoError(t, err)
	c := o2c.NewCustomerID()
	issue := func() *invoice.Invoice {
		d, err := svc.CreateInvoice(ctx, invoice.Draft{Customer: c, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
			Lines: []invoice.Line{{Description: "G", Quantity: decimal.NewFromInt(1), UnitPrice: eur("100.00"), TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}}})
		require.NoError(t, err)
		inv, err := svc.Issue(ctx, d.ID(), o2c.Date{})
		require.NoError(t, err)
		return inv
	}
	paid, open := issue(), issue()
	_, err = svc.OpenDispute(ctx, open.ID(), invoice.DisputeInput{Amount: eur("10.00"), Reason: invoice.ReasonQuality, Actor: "portal"})
	require.NoError(t, err)
	clock.Advance(60 * 24 * time.Hour)
	p, err := svc.RecordPayment(ctx, invoice.PaymentInput{Customer: c, Amount: eur("100.00"), ValueDate: o2c.MustDate(2026, 2, 20),
		Method: invoice.MethodTransfer, IdempotencyKey: "k"})
	require.NoError(t, err)
	_, err = svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "a", Lines: []invoice.AllocationLine{{Invoice: paid.ID(), Amount: eur("100.00")}}})
	require.NoError(t, err)
	all, err := s.Invoices().List(ctx, invoice.Filter{Customer: c})
	require.NoError(t, err)
	valueDate := func(id invoice.PaymentID) (o2c.Date, bool) {
		p, err := s.Payments().Get(ctx, id)
		if err != nil {
			return o2c.Date{}, false
		}
		return p.ValueDate(), true
	}
	h := credit.History(all, valueDate)
	require.Len(t, h, 2)
	assert.Equal(t, o2c.MustDate(2026, 2, 9), h[0].DueDate)
	assert.Equal(t, o2c.MustDate(2026, 2, 20), h[0].PaidOn, "the payment's value date, not the allocation day")
	assert.False(t, h[0].Disputed)
	assert.True(t, h[1].PaidOn.IsZero(), "still open")
	assert.True(t, h[1].Disputed)
	withoutLookup := credit.History(all, nil)
	assert.Equal(t, o2c.MustDate(2026, 3, 11), withoutLookup[0].PaidOn, "the allocation day")
}

// An order event without the requested delivery date (written before
// payloads carried it) makes the tracker recompute the customer from its
// fallback source; without one it is refused; another tenant's event too.
func TestTrackerRecomputesOnOldPayload(t *testing.T) {
	ctx := context.Background()
	db := memory.New()
	s := db.MustTenant("acme")
	orders, _ := order.NewService(s.Orders(), order.Options{})
	c := o2c.NewCustomerID()
	o, err := orders.Create(ctx, order.Details{Customer: c, Currency: o2c.EUR, Lines: zeroRated(eur("70.00"))})
	require.NoError(t, err)
	o, err = orders.Place(ctx, o.ID(), "")
	require.NoError(t, err)
	old, err := o2c.NewEvent("acme", "order", o.ID().String(), "order.placed", time.Now(), map[string]any{
		"order_id": o.ID().String(), "customer_id": c.String(), "status": "placed", "currency": "EUR"})
	require.NoError(t, err)

	bare, _ := credit.NewTracker("acme", nil)
	assert.ErrorIs(t, bare.Apply(ctx, old), o2c.ErrValidation)
	tr, _ := credit.NewTracker("acme", credit.StoreSource{Orders: s.Orders(), Invoices: s.Invoices()})
	require.NoError(t, tr.Apply(ctx, old))
	pos, err := tr.Position(ctx, c)
	require.NoError(t, err)
	require.Len(t, pos.Orders, 1)
	assert.True(t, pos.Orders[0].OpenOrder.Equal(eur("70")))

	foreign := old
	foreign.Tenant = "globex"
	assert.ErrorIs(t, tr.Apply(ctx, foreign), credit.ErrForeignEvent)
}
