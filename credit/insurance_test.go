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
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// checkEnv is a checker and an order service on one memory tenant, the
// clock on Monday 2 March 2026.
type checkEnv struct {
	t       *testing.T
	store   *memory.Store
	clock   *o2c.ManualClock
	checker *credit.Checker
	orders  *order.Service
}

func newCheckEnv(t *testing.T, opts credit.Options) *checkEnv {
	t.Helper()
	s := memory.New().MustTenant("acme")
	clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	opts.Store, opts.Source, opts.Clock = s.CreditProfiles(), credit.StoreSource{Orders: s.Orders(), Invoices: s.Invoices()}, clock
	checker, err := credit.NewChecker(opts)
	require.NoError(t, err)
	orders, err := order.NewService(s.Orders(), order.Options{Clock: clock, Credit: checker})
	require.NoError(t, err)
	return &checkEnv{t: t, store: s, clock: clock, checker: checker, orders: orders}
}

// place places an order of amount for c, requested for delivery on
// delivery (zero: no date).
func (e *checkEnv) place(c o2c.CustomerID, amount o2c.Money, delivery o2c.Date) *order.Order {
	e.t.Helper()
	ctx := context.Background()
	o, err := e.orders.Create(ctx, order.Details{Customer: c, Currency: amount.Currency(), RequestedDelivery: delivery, Lines: zeroRated(amount)})
	require.NoError(e.t, err)
	o, err = e.orders.Place(ctx, o.ID(), "")
	require.NoError(e.t, err)
	return o
}

func (e *checkEnv) check(o *order.Order) credit.Result {
	e.t.Helper()
	res, err := e.checker.Check(context.Background(), o, credit.PointOrder)
	require.NoError(e.t, err)
	return res
}

func (e *checkEnv) profile(p *credit.Profile) o2c.CustomerID {
	e.t.Helper()
	p.Customer = o2c.NewCustomerID()
	require.NoError(e.t, e.store.CreditProfiles().CreateProfile(context.Background(), p))
	return p.Customer
}

func TestEnforcedLimitIsCappedByInsuredCover(t *testing.T) {
	cover := func(amount o2c.Money, expires o2c.Date) *credit.Insurance {
		return &credit.Insurance{Insurer: "Allianz Trade", Amount: amount, Expires: expires}
	}

	t.Run("cover below the granted limit is the limit while in force", func(t *testing.T) {
		e := newCheckEnv(t, credit.Options{})
		c := e.profile(&credit.Profile{Limit: eur("10000.00"), Insurance: cover(eur("6000.00"), o2c.MustDate(2026, 6, 30))})
		held := e.place(c, eur("7000.00"), o2c.Date{})
		assert.Equal(t, order.StateOnCreditHold, held.State(), "7,000 fits the granted 10,000 but not the insured 6,000")
		res := e.check(held)
		assert.True(t, res.Limit.Equal(eur("6000.00")), res.Limit.String())
		assert.True(t, res.GrantedLimit.Equal(eur("10000.00")), res.GrantedLimit.String())
		assert.True(t, res.CappedByInsurance)
		assert.True(t, res.Over.Equal(eur("1000.00")), res.Over.String())
		assert.Equal(t, []string{order.ReasonCreditLimit}, res.Codes())
		assert.Contains(t, res.Reasons[0].Detail, "insured credit limit (cover of Allianz Trade, granted 10000.00 EUR)")

		c2 := e.profile(&credit.Profile{Limit: eur("10000.00"), Insurance: cover(eur("6000.00"), o2c.MustDate(2026, 6, 30))})
		assert.Equal(t, order.StatePlaced, e.place(c2, eur("6000.00"), o2c.Date{}).State(), "exactly the cover is within the limit")
	})

	t.Run("the cover's last day still caps", func(t *testing.T) {
		e := newCheckEnv(t, credit.Options{})
		c := e.profile(&credit.Profile{Limit: eur("10000.00"), Insurance: cover(eur("6000.00"), o2c.MustDate(2026, 3, 2))})
		res := e.check(e.place(c, eur("7000.00"), o2c.Date{}))
		assert.Equal(t, order.CreditHeld, res.Outcome)
		assert.True(t, res.Limit.Equal(eur("6000.00")), res.Limit.String())
		assert.False(t, res.CoverExpired)
	})

	t.Run("an expired cover caps nothing", func(t *testing.T) {
		e := newCheckEnv(t, credit.Options{})
		c := e.profile(&credit.Profile{Limit: eur("10000.00"), Insurance: cover(eur("6000.00"), o2c.MustDate(2026, 3, 1))})
		o := e.place(c, eur("7000.00"), o2c.Date{})
		assert.Equal(t, order.StatePlaced, o.State(), "the cover ended yesterday: the granted 10,000 applies")
		res := e.check(o)
		assert.True(t, res.Limit.Equal(eur("10000.00")), res.Limit.String())
		assert.False(t, res.CappedByInsurance)
		assert.True(t, res.CoverExpired)
	})

	t.Run("an expired cover holds under HoldExpiredCover", func(t *testing.T) {
		e := newCheckEnv(t, credit.Options{Policy: credit.Policy{HoldExpiredCover: true}})
		c := e.profile(&credit.Profile{Limit: eur("10000.00"), Insurance: cover(eur("6000.00"), o2c.MustDate(2026, 3, 1))})
		o := e.place(c, eur("100.00"), o2c.Date{})
		assert.Equal(t, order.StateOnCreditHold, o.State())
		res := e.check(o)
		assert.Equal(t, []string{credit.ReasonCoverExpired}, res.Codes())
		assert.Contains(t, res.Reasons[0].Detail, "expired on 2026-03-01")
	})

	t.Run("a cover above the granted limit changes nothing", func(t *testing.T) {
		e := newCheckEnv(t, credit.Options{})
		c := e.profile(&credit.Profile{Limit: eur("5000.00"), Insurance: cover(eur("8000.00"), o2c.MustDate(2026, 12, 31))})
		res := e.check(e.place(c, eur("6000.00"), o2c.Date{}))
		assert.Equal(t, order.CreditHeld, res.Outcome)
		assert.True(t, res.Limit.Equal(eur("5000.00")), res.Limit.String())
		assert.False(t, res.CappedByInsurance)
	})

	t.Run("the tenant default limit is capped too", func(t *testing.T) {
		e := newCheckEnv(t, credit.Options{DefaultLimit: eur("10000.00")})
		c := e.profile(&credit.Profile{Insurance: cover(eur("2000.00"), o2c.MustDate(2026, 12, 31))})
		res := e.check(e.place(c, eur("2500.00"), o2c.Date{}))
		assert.Equal(t, credit.LimitDefault, res.LimitSource)
		assert.True(t, res.Limit.Equal(eur("2000.00")), res.Limit.String())
	})

	t.Run("without a granted limit the cover is the limit", func(t *testing.T) {
		e := newCheckEnv(t, credit.Options{})
		c := e.profile(&credit.Profile{Insurance: cover(eur("2000.00"), o2c.MustDate(2026, 12, 31))})
		res := e.check(e.place(c, eur("2500.00"), o2c.Date{}))
		assert.Equal(t, credit.LimitInsurance, res.LimitSource)
		assert.Equal(t, order.CreditHeld, res.Outcome)
		assert.True(t, res.Over.Equal(eur("500.00")), res.Over.String())
	})

	t.Run("a cover in another currency is converted", func(t *testing.T) {
		rates, err := credit.NewRateTable(credit.Rate{From: o2c.USD, To: o2c.EUR, Rate: decimal.RequireFromString("0.9")})
		require.NoError(t, err)
		e := newCheckEnv(t, credit.Options{Rates: rates})
		c := e.profile(&credit.Profile{Limit: eur("10000.00"), Insurance: cover(o2c.MustMoney("5000.00", "USD"), o2c.MustDate(2026, 12, 31))})
		res := e.check(e.place(c, eur("4600.00"), o2c.Date{}))
		assert.True(t, res.Limit.Equal(eur("4500.00")), res.Limit.String())
		assert.Equal(t, order.CreditHeld, res.Outcome)

		e2 := newCheckEnv(t, credit.Options{})
		c2 := e2.profile(&credit.Profile{Limit: eur("10000.00"), Insurance: cover(o2c.MustMoney("5000.00", "USD"), o2c.MustDate(2026, 12, 31))})
		o, err := e2.orders.Create(context.Background(), order.Details{Customer: c2, Currency: o2c.EUR, Lines: zeroRated(eur("1.00"))})
		require.NoError(t, err)
		_, err = e2.checker.Check(context.Background(), o, credit.PointOrder)
		assert.ErrorIs(t, err, credit.ErrMissingRate, "no USD->EUR rate: the cover cannot be compared")
	})

	t.Run("a group limit is not capped by one member's cover", func(t *testing.T) {
		e := newCheckEnv(t, credit.Options{})
		require.NoError(t, e.store.CreditProfiles().CreateGroup(context.Background(), &credit.Group{Code: "DUPONT", Limit: eur("5000.00")}))
		c := e.profile(&credit.Profile{Group: "DUPONT", Insurance: cover(eur("1000.00"), o2c.MustDate(2026, 12, 31))})
		res := e.check(e.place(c, eur("3000.00"), o2c.Date{}))
		assert.Equal(t, credit.LimitGroup, res.LimitSource)
		assert.Equal(t, order.CreditApproved, res.Outcome)
	})
}

// The dynamic check counts an open order only when its requested delivery
// is within the horizon: these fail if the horizon is ignored.
func TestDynamicCheckHorizon(t *testing.T) {
	asOf := o2c.MustDate(2026, 3, 2)
	t.Run("Compute counts open orders up to the horizon's last day", func(t *testing.T) {
		entry := func(d o2c.Date, open, uninvoiced string) credit.OrderEntry {
			return credit.OrderEntry{Order: o2c.NewID[order.Order](), Currency: o2c.EUR, Status: order.StatePlaced,
				OpenOrder: eur(open), Uninvoiced: eur(uninvoiced), RequestedDelivery: d}
		}
		pos := credit.Position{Orders: []credit.OrderEntry{
			entry(asOf.AddDays(29), "100.00", "0.00"),
			entry(asOf.AddDays(30), "200.00", "0.00"),  // the horizon's last day
			entry(asOf.AddDays(31), "400.00", "50.00"), // beyond: its open part is out, its delivery in
			entry(o2c.Date{}, "800.00", "0.00"),        // no date: always counts
			entry(asOf.AddDays(-5), "1600.00", "0.00"), // late: counts
		}}
		dyn, err := credit.Compute(pos, o2c.EUR, asOf, credit.Rules{Horizon: 30}, nil, order.ID{})
		require.NoError(t, err)
		assert.Equal(t, "2700.00 EUR", dyn.OpenOrders.String(), "100 + 200 + 800 + 1600, not the 400 beyond the horizon")
		assert.Equal(t, "50.00 EUR", dyn.Deliveries.String(), "deliveries count whatever the date")
		assert.Equal(t, "2750.00 EUR", dyn.Total.String())

		static, err := credit.Compute(pos, o2c.EUR, asOf, credit.Rules{}, nil, order.ID{})
		require.NoError(t, err)
		assert.Equal(t, "3100.00 EUR", static.OpenOrders.String(), "horizon 0: static, every open order")

		one, err := credit.Compute(pos, o2c.EUR, asOf, credit.Rules{Horizon: 1}, nil, order.ID{})
		require.NoError(t, err)
		assert.Equal(t, "2400.00 EUR", one.OpenOrders.String(), "horizon 1: only the undated and the late")
	})

	t.Run("an order due beyond the horizon does not hold a new one", func(t *testing.T) {
		for _, tc := range []struct {
			horizon int
			want    order.State
		}{{0, order.StateOnCreditHold}, {30, order.StatePlaced}} {
			e := newCheckEnv(t, credit.Options{Rules: credit.Rules{Horizon: tc.horizon}})
			c := e.profile(&credit.Profile{Limit: eur("1000.00")})
			e.place(c, eur("800.00"), asOf.AddDays(60))
			got := e.place(c, eur("300.00"), asOf.AddDays(7))
			assert.Equal(t, tc.want, got.State(), "horizon %d", tc.horizon)
			res := e.check(got)
			if tc.horizon > 0 {
				assert.Equal(t, "0.00 EUR", res.Exposure.OpenOrders.String(), "the order for May is beyond 30 days")
			}
		}
	})

	t.Run("the checked order beyond the horizon adds nothing to the dynamic check", func(t *testing.T) {
		e := newCheckEnv(t, credit.Options{Rules: credit.Rules{Horizon: 30}})
		c := e.profile(&credit.Profile{Limit: eur("100.00")})
		o := e.place(c, eur("500.00"), asOf.AddDays(45))
		assert.Equal(t, order.StatePlaced, o.State())
		assert.Equal(t, "0.00 EUR", e.check(o).OrderValue.String())
	})
}
