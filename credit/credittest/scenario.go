package credittest

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/tax"
)

// Env is one tenant's stores of one adapter, for the end-to-end tests.
type Env struct {
	Tx       o2c.Transactor
	Credit   credit.Store
	Orders   order.Store
	Invoices invoice.Store
	Payments invoice.PaymentStore
	Numbers  invoice.NumberStore
	Outbox   outbox.Store
}

// feeding is a Source that brings a Tracker up to date with the outbox
// before answering: the incremental path, end to end.
type feeding struct {
	tracker *credit.Tracker
	outbox  outbox.Store
}

func (f feeding) Position(ctx context.Context, c o2c.CustomerID) (credit.Position, error) {
	recs, err := f.outbox.Pending(ctx, 1000)
	if err != nil {
		return credit.Position{}, err
	}
	for _, r := range recs {
		if err := f.tracker.Apply(ctx, r.Event); err != nil {
			return credit.Position{}, err
		}
	}
	return f.tracker.Position(ctx, c)
}

// RunScenarioTests runs the acceptance scenario through order.Service and
// invoice.Service on env: limit 10,000 EUR, 6,000 EUR open invoices, 3,000
// EUR open orders; a new order of 2,000 EUR is held (over by 1,000 EUR,
// figures in the reason); a payment of 2,500 EUR is applied; the re-check
// releases the order. It runs twice: exposure recomputed from the stores,
// and kept by a Tracker fed from the outbox.
func RunScenarioTests(t *testing.T, newEnv func(t *testing.T) Env) {
	for _, mode := range []string{"recompute", "incremental"} {
		t.Run("Scenario/"+mode, func(t *testing.T) { scenario(t, newEnv(t), mode) })
	}
}

func scenario(t *testing.T, env Env, mode string) {
	ctx := context.Background()
	eur := func(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }
	clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	var src credit.Source = credit.StoreSource{Orders: env.Orders, Invoices: env.Invoices}
	if mode == "incremental" {
		tr, err := credit.NewTracker(env.Orders.TenantID(), src)
		require.NoError(t, err)
		src = feeding{tracker: tr, outbox: env.Outbox}
	}
	checker, err := credit.NewChecker(credit.Options{Store: env.Credit, Source: src, Clock: clock, Tx: env.Tx})
	require.NoError(t, err)
	orders, err := order.NewService(env.Orders, order.Options{Clock: clock, Credit: checker, AutoApprove: true})
	require.NoError(t, err)
	invoices, err := invoice.NewService(env.Tx, invoice.Stores{Invoices: env.Invoices, Payments: env.Payments, Numbers: env.Numbers}, invoice.Options{Clock: clock})
	require.NoError(t, err)

	cust := o2c.NewCustomerID()
	prof, err := credit.NewProfile(cust, eur("10000.00"))
	require.NoError(t, err)
	require.NoError(t, env.Credit.CreateProfile(ctx, prof))

	line := func(net string) []invoice.Line {
		return []invoice.Line{{Description: "Goods", Quantity: decimal.NewFromInt(1), UnitPrice: eur(net), TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}}
	}
	draft, err := invoices.CreateInvoice(ctx, invoice.Draft{Customer: cust, Currency: o2c.EUR, Terms: invoice.NetTerms(30), Lines: line("5000.00")})
	require.NoError(t, err)
	inv, err := invoices.Issue(ctx, draft.ID(), o2c.Date{})
	require.NoError(t, err)
	require.True(t, inv.Gross().Equal(eur("6000.00")))

	place := func(net string) *order.Order {
		o, err := orders.Create(ctx, order.Details{Customer: cust, Currency: o2c.EUR, Lines: []order.LineSpec{{SKU: "SKU-1",
			Quantity: decimal.NewFromInt(1), UnitPrice: eur(net), TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}}})
		require.NoError(t, err)
		o, err = orders.Place(ctx, o.ID(), "web shop")
		require.NoError(t, err)
		return o
	}
	first := place("2500.00") // 3,000.00 gross
	require.Equal(t, order.StateApproved, first.State(), "9,000 of 10,000: approved")

	held := place("1666.67") // 2,000.00 gross
	require.True(t, held.Totals().Gross.Equal(eur("2000.00")))
	require.Equal(t, order.StateOnCreditHold, held.State())
	dec, ok := held.CreditDecision()
	require.True(t, ok)
	assert.Equal(t, []string{order.ReasonCreditLimit}, dec.Reasons)
	assert.Contains(t, dec.Message, "credit limit 10000.00 EUR exceeded by 1000.00 EUR")
	assert.Contains(t, dec.Message, "open orders 3000.00 EUR")
	assert.Contains(t, dec.Message, "receivables 6000.00 EUR")
	assert.Contains(t, dec.Message, "this order 2000.00 EUR = 11000.00 EUR")

	res, err := checker.Check(ctx, held, credit.PointOrder)
	require.NoError(t, err)
	assert.Equal(t, order.CreditHeld, res.Outcome)
	assert.Equal(t, credit.LimitCustomer, res.LimitSource)
	assert.True(t, res.Limit.Equal(eur("10000")), res.Limit.String())
	assert.True(t, res.Exposure.Receivables.Equal(eur("6000")), res.Exposure.String())
	assert.True(t, res.Exposure.OpenOrders.Equal(eur("3000")), res.Exposure.String())
	assert.True(t, res.Exposure.Total.Equal(eur("9000")), res.Exposure.String())
	assert.True(t, res.OrderValue.Equal(eur("2000")), res.OrderValue.String())
	assert.True(t, res.Over.Equal(eur("1000")), res.Over.String())

	pay, err := invoices.RecordPayment(ctx, invoice.PaymentInput{Customer: cust, Amount: eur("2500.00"), ValueDate: o2c.MustDate(2026, 3, 2),
		Method: invoice.MethodTransfer, PayerReference: inv.Number(), IdempotencyKey: "bank-1"})
	require.NoError(t, err)
	_, err = invoices.Allocate(ctx, invoice.AllocateInput{Payment: pay.ID(), Key: "alloc-1",
		Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("2500.00")}}})
	require.NoError(t, err)

	res, after, err := checker.Recheck(ctx, orders, held.ID(), credit.PointOrder)
	require.NoError(t, err)
	assert.Equal(t, order.CreditApproved, res.Outcome, res.Message())
	assert.True(t, res.Projected.Equal(eur("8500")), res.Projected.String())
	assert.Equal(t, order.StateApproved, after.State(), "released, then approved (AutoApprove)")
	var released bool
	for _, a := range after.Audit() {
		if a.Event == order.EventRelease {
			released = true
			assert.Equal(t, "credit-check", a.By)
			assert.Contains(t, a.Note, "8500.00 EUR within limit 10000.00 EUR")
		}
	}
	assert.True(t, released, "the audit trail shows the release")
	rel, err := env.Credit.GetRelease(ctx, held.ID())
	require.NoError(t, err)
	assert.True(t, rel.Value.Equal(eur("2000")))
}

// RunReleaseTests shows that a released order is not held again at a later
// check point unless its value grew beyond the tolerance, and that a hold
// is released or rejected by a named user with a note.
func RunReleaseTests(t *testing.T, newEnv func(t *testing.T) Env) {
	ctx := context.Background()
	eur := func(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }
	setup := func(t *testing.T) (Env, *credit.Checker, *order.Service, o2c.CustomerID, func() *order.Order) {
		env := newEnv(t)
		clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		checker, err := credit.NewChecker(credit.Options{Store: env.Credit, Source: credit.StoreSource{Orders: env.Orders, Invoices: env.Invoices},
			Clock: clock, Tx: env.Tx, Policy: credit.Policy{Tolerance: credit.Tolerance{Amount: eur("100.00"), Percent: decimal.NewFromInt(10)}}})
		require.NoError(t, err)
		orders, err := order.NewService(env.Orders, order.Options{Clock: clock, Credit: checker})
		require.NoError(t, err)
		cust := o2c.NewCustomerID()
		require.NoError(t, env.Credit.CreateProfile(ctx, &credit.Profile{Customer: cust, Limit: eur("1000.00")}))
		place := func() *order.Order {
			o, err := orders.Create(ctx, order.Details{Customer: cust, Currency: o2c.EUR, Lines: []order.LineSpec{{SKU: "X",
				Quantity: decimal.NewFromInt(1), UnitPrice: eur("1500.00"), TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}}})
			require.NoError(t, err)
			o, err = orders.Place(ctx, o.ID(), "")
			require.NoError(t, err)
			return o
		}
		return env, checker, orders, cust, place
	}

	t.Run("ReleasedNotHeldAgain", func(t *testing.T) {
		env, checker, orders, _, place := setup(t)
		o := place()
		require.Equal(t, order.StateOnCreditHold, o.State())
		_, err := checker.Release(ctx, orders, o.ID(), "", "")
		assert.ErrorIs(t, err, o2c.ErrValidation, "a release needs a named user and a note")
		o, err = checker.Release(ctx, orders, o.ID(), "anna.credit", "customer paid by card")
		require.NoError(t, err)
		require.Equal(t, order.StateReleased, o.State())
		o, err = orders.Approve(ctx, o.ID(), "anna.credit")
		require.NoError(t, err)

		res, after, err := checker.Recheck(ctx, orders, o.ID(), credit.PointShipment)
		require.NoError(t, err)
		assert.Equal(t, order.CreditApproved, res.Outcome)
		assert.Equal(t, []string{order.ReasonCreditLimit}, codes(res.Waived), "still over the limit, waived by the release")
		require.NotNil(t, res.Released)
		assert.Equal(t, "anna.credit", res.Released.By)
		assert.Equal(t, order.StateApproved, after.State())

		// the value recorded at release is lower than the order's now:
		// grown by 150.00, beyond the tolerance (the lower of 100.00 and 10 %)
		rel, err := env.Credit.GetRelease(ctx, o.ID())
		require.NoError(t, err)
		rel.Value = eur("1350.00")
		require.NoError(t, env.Credit.PutRelease(ctx, rel))
		res, after, err = checker.Recheck(ctx, orders, o.ID(), credit.PointShipment)
		require.NoError(t, err)
		assert.Equal(t, order.CreditHeld, res.Outcome)
		assert.Equal(t, order.StateOnCreditHold, after.State(), "held again before shipment")
		// within the tolerance (grown by 100.00): not held again
		rel.Value = eur("1400.00")
		require.NoError(t, env.Credit.PutRelease(ctx, rel))
		res, err = checker.Check(ctx, after, credit.PointShipment)
		require.NoError(t, err)
		assert.Equal(t, order.CreditApproved, res.Outcome)
	})

	t.Run("RejectByNamedUser", func(t *testing.T) {
		_, checker, orders, _, place := setup(t)
		o := place()
		_, err := checker.Reject(ctx, orders, o.ID(), "bob", "")
		assert.ErrorIs(t, err, o2c.ErrValidation)
		o, err = checker.Reject(ctx, orders, o.ID(), "bob", "insolvent")
		require.NoError(t, err)
		assert.Equal(t, order.StateRejected, o.State())
		last := o.Audit()[len(o.Audit())-1]
		assert.Equal(t, "bob", last.By)
		assert.Equal(t, "insolvent", last.Note)
	})

	t.Run("BlockedOverdueReviewRisk", func(t *testing.T) {
		env, _, _, cust, _ := setup(t)
		clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		checker, err := credit.NewChecker(credit.Options{Store: env.Credit, Source: credit.StoreSource{Orders: env.Orders, Invoices: env.Invoices},
			Clock: clock, Policy: credit.Policy{HoldRisk: []credit.RiskClass{credit.RiskE}}})
		require.NoError(t, err)
		orders, err := order.NewService(env.Orders, order.Options{Clock: clock, Credit: checker})
		require.NoError(t, err)
		_, err = env.Credit.UpdateProfile(ctx, cust, func(p *credit.Profile) error {
			p.Limit = eur("100000.00")
			p.Risk = credit.RiskE
			p.NextReview = o2c.MustDate(2026, 3, 1)
			return p.Block("unpaid cheques")
		})
		require.NoError(t, err)
		o, err := orders.Create(ctx, order.Details{Customer: cust, Currency: o2c.EUR, Lines: []order.LineSpec{{SKU: "X",
			Quantity: decimal.NewFromInt(1), UnitPrice: eur("10.00"), TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}}})
		require.NoError(t, err)
		o, err = orders.Place(ctx, o.ID(), "")
		require.NoError(t, err)
		dec, _ := o.CreditDecision()
		assert.ElementsMatch(t, []string{credit.ReasonReviewOverdue, order.ReasonRiskClass, order.ReasonCustomerBlocked}, dec.Reasons)
		assert.Contains(t, dec.Message, "unpaid cheques")
	})
}

func codes(rs []credit.Reason) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}
