package backtest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/risk/backtest"
	"github.com/cashcycle/sdk/tax"
)

func eur(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

// world records a history through the real order service and credit
// checker on a memory tenant.
type world struct {
	t       *testing.T
	store   *memory.Store
	clock   *o2c.ManualClock
	orders  *order.Service
	limits  map[o2c.CustomerID]o2c.Money
	numbers map[order.ID]string
}

func newWorld(t *testing.T) *world {
	s := memory.New().MustTenant("acme")
	clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	checker, err := credit.NewChecker(credit.Options{Store: s.CreditProfiles(), Source: credit.StoreSource{Orders: s.Orders(), Invoices: s.Invoices()}, Clock: clock})
	require.NoError(t, err)
	orders, err := order.NewService(s.Orders(), order.Options{Clock: clock, Credit: checker})
	require.NoError(t, err)
	return &world{t: t, store: s, clock: clock, orders: orders, limits: map[o2c.CustomerID]o2c.Money{}, numbers: map[order.ID]string{}}
}

func (w *world) customer(limit string) o2c.CustomerID {
	c := o2c.NewCustomerID()
	require.NoError(w.t, w.store.CreditProfiles().CreateProfile(context.Background(), &credit.Profile{Customer: c, Limit: eur(limit)}))
	w.limits[c] = eur(limit)
	return c
}

func (w *world) place(name string, c o2c.CustomerID, amount string) *order.Order {
	ctx := context.Background()
	w.clock.Advance(time.Hour)
	o, err := w.orders.Create(ctx, order.Details{Customer: c, Currency: o2c.EUR,
		Lines: []order.LineSpec{{SKU: "X", Quantity: decimal.NewFromInt(1), UnitPrice: eur(amount), TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}}})
	require.NoError(w.t, err)
	o, err = w.orders.Place(ctx, o.ID(), "")
	require.NoError(w.t, err)
	w.numbers[o.ID()] = name
	return o
}

func (w *world) cancel(o *order.Order) {
	w.clock.Advance(time.Hour)
	_, err := w.orders.Cancel(context.Background(), o.ID(), "clerk", "customer withdrew")
	require.NoError(w.t, err)
}

func (w *world) events() []o2c.Event {
	recs, err := w.store.Outbox().Pending(context.Background(), 100000)
	require.NoError(w.t, err)
	out := make([]o2c.Event, len(recs))
	for i, r := range recs {
		out[i] = r.Event
	}
	return out
}

func (w *world) recordedHeld() map[order.ID]bool {
	held := map[order.ID]bool{}
	for id := range w.numbers {
		o, err := w.orders.Get(context.Background(), id)
		require.NoError(w.t, err)
		for _, a := range o.Audit() {
			if a.Event == order.EventHold {
				held[id] = true
			}
		}
	}
	return held
}

// The zero credit.Policy the world's checker runs: every check, any
// overdue item holds.
func (w *world) policy() backtest.CreditPolicy {
	return backtest.CreditPolicy{Limits: w.limits, CheckOverdue: true}
}

func TestReplaySamePolicyReproducesRecordedDecisions(t *testing.T) {
	w := newWorld(t)
	rnd := rand.New(rand.NewPCG(17, 4))
	var cs []o2c.CustomerID
	for i := 0; i < 6; i++ {
		cs = append(cs, w.customer(fmt.Sprintf("%d.00", 5000+1000*rnd.IntN(10))))
	}
	var open []*order.Order
	for i := 0; i < 120; i++ {
		o := w.place(fmt.Sprintf("O%d", i), cs[rnd.IntN(len(cs))], fmt.Sprintf("%d.00", 200+rnd.IntN(4000)))
		open = append(open, o)
		if rnd.IntN(3) == 0 && len(open) > 0 {
			k := rnd.IntN(len(open))
			w.cancel(open[k])
			open = append(open[:k], open[k+1:]...)
		}
	}
	rep, err := backtest.ReplayCredit(w.events(), w.policy(), nil)
	require.NoError(t, err)
	require.Len(t, rep.Decisions, 120)
	held := w.recordedHeld()
	nHeld := 0
	for _, d := range rep.Decisions {
		require.Equal(t, held[d.Order], d.Recorded == order.CreditHeld, "recorded outcome of %s read from the events", w.numbers[d.Order])
		require.Equal(t, d.Recorded, d.Replayed, "%s: exposure %s + %s against %s", w.numbers[d.Order], d.Exposure, d.Value, d.Limit)
		if d.Recorded == order.CreditHeld {
			nHeld++
		}
	}
	assert.Empty(t, rep.NewlyHeld)
	assert.Empty(t, rep.NewlyApproved)
	assert.Greater(t, nHeld, 10, "the history holds orders, so reproducing it means something")
	assert.Less(t, nHeld, 110)
}

// A stricter limit, counted by hand. Recorded under 10,000:
//
//	A1 3,000 (3,000)   A2 2,500 (5,500)   A3 4,000 (9,500)   all approved
//	B1 6,000 approved, then cancelled; B2 4,000 (4,000) approved
//	C1 12,000 held (over 10,000 anyway); C2 1,000: 12,000 held + 1,000 = 13,000, held
//
// Under 5,000: A2 (5,500) and A3 (9,500) held, B1 (6,000) held, B2 (4,000
// once B1 is cancelled) approved, C1 and C2 held as before: three orders
// newly held, 12,500.00 of revenue delayed; A, who then defaults with
// 9,500.00 exposure, would have lost 6,500.00 less.
func TestReplayStricterLimitHoldsTheHandCountedOrders(t *testing.T) {
	w := newWorld(t)
	A, B, C := w.customer("10000.00"), w.customer("10000.00"), w.customer("10000.00")
	w.place("A1", A, "3000.00")
	w.place("A2", A, "2500.00")
	w.place("A3", A, "4000.00")
	b1 := w.place("B1", B, "6000.00")
	w.cancel(b1)
	w.place("B2", B, "4000.00")
	w.place("C1", C, "12000.00")
	w.place("C2", C, "1000.00")

	same, err := backtest.ReplayCredit(w.events(), w.policy(), nil)
	require.NoError(t, err)
	for _, d := range same.Decisions {
		require.False(t, d.Changed(), w.numbers[d.Order])
	}

	strict := w.policy()
	strict.Limits = map[o2c.CustomerID]o2c.Money{A: eur("5000.00"), B: eur("5000.00"), C: eur("5000.00")}
	rep, err := backtest.ReplayCredit(w.events(), strict, []backtest.Defaulted{{Customer: A, Date: o2c.MustDate(2026, 9, 1), Exposure: eur("9500.00")}})
	require.NoError(t, err)
	var newly []string
	for _, d := range rep.NewlyHeld {
		newly = append(newly, w.numbers[d.Order])
	}
	assert.Equal(t, []string{"A2", "A3", "B1"}, newly)
	assert.Empty(t, rep.NewlyApproved)
	require.Len(t, rep.RevenueDelayed, 1)
	assert.True(t, rep.RevenueDelayed[0].Equal(eur("12500.00")), rep.RevenueDelayed[0].String())
	require.Len(t, rep.LossAvoided, 1)
	assert.True(t, rep.LossAvoided[0].Avoided.Equal(eur("6500.00")), rep.LossAvoided[0].Avoided.String())
	assert.NotEmpty(t, rep.Assumptions)
}
