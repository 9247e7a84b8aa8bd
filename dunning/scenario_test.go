package dunning_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// TestScenario90Days runs the French preset every day for 90 days with a
// manual clock on the French business calendar, for customers who pay on
// time, pay late, pay part, dispute, promise and break the promise, are
// blocked, or have credit covering their debt, and asserts exactly which
// letters go out on which dates.
func TestScenario90Days(t *testing.T) {
	ctx := context.Background()
	due := o2c.MustDate(2026, time.March, 2) // a Monday
	issue := due.AddDays(-30)
	start := due.AddDays(-10)
	clock := o2c.NewManualClock(start.Time().Add(8 * time.Hour))
	db := memory.New(memory.WithClock(clock))
	acme := db.MustTenant("acme")

	names := []string{"ontime", "late", "part", "dispute", "promise", "blocked", "credit"}
	ids := map[string]o2c.CustomerID{}
	who := map[o2c.CustomerID]string{}
	led := &ledger{credits: map[o2c.CustomerID]o2c.Money{}}
	for _, n := range names {
		id := o2c.NewCustomerID()
		ids[n], who[id] = id, n
		led.add(openItem(id, "F-"+n, "1000.00", issue, due))
	}
	led.credits[ids["credit"]] = o2c.MustMoney("1000.00", "EUR")
	block := dunning.Block{ID: o2c.NewID[dunning.Block](), Customer: ids["blocked"], Reason: "under renegotiation"}
	require.NoError(t, acme.Dunning().SaveBlock(ctx, &block))

	notifier := dunning.NewMemoryNotifier()
	svc, err := dunning.NewService(dunning.Config{
		Store: acme.Dunning(), Tx: acme, Items: led, Credits: led, Notifier: notifier,
		Plans: []dunning.Plan{dunning.PlanFrance()}, DefaultPlan: "FR",
		Calendar: invoice.FrenchBusinessCalendar(), Rates: ecb, Rounding: o2c.RoundHalfEven,
		Creditor: dunning.Party{Name: "Acme SAS"}, DefaultLanguage: "fr", Clock: clock,
		PayURL: func(l dunning.Letter) string { return "https://pay.example/" + l.Key },
	})
	require.NoError(t, err)

	for d := start; !d.After(start.AddDays(89)); d = d.AddDays(1) {
		clock.Set(d.Time().Add(8 * time.Hour))
		switch d {
		case due.AddDays(-1):
			led.pay("F-ontime", "1000.00")
		case due.AddDays(3):
			led.dispute("F-dispute")
		case due.AddDays(8):
			p := dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: ids["promise"], Date: due.AddDays(25), Amount: o2c.MustMoney("1000", "EUR")}
			require.NoError(t, acme.Dunning().SavePromise(ctx, &p))
		case due.AddDays(10):
			led.pay("F-part", "500.00")
		case due.AddDays(20):
			led.pay("F-late", "1000.00")
		}
		_, err := svc.Run(ctx, d)
		require.NoError(t, err, "run of %s", d)
		// running the same day again sends nothing new
		before := notifier.Len()
		_, err = svc.Run(ctx, d)
		require.NoError(t, err)
		require.Equal(t, before, notifier.Len(), "second run of %s", d)
	}

	var got []string
	for _, k := range notifier.Keys() {
		dl, _ := notifier.Delivered(k)
		got = append(got, fmt.Sprintf("%s %s %s", dl.Letter.Date, who[dl.Letter.Customer], dl.Letter.LevelName))
	}
	sort.Strings(got)
	want := []string{
		// courtesy reminders five days before the due date: Wednesday 25 February
		"2026-02-25 dispute courtesy",
		"2026-02-25 late courtesy",
		"2026-02-25 ontime courtesy",
		"2026-02-25 part courtesy",
		"2026-02-25 promise courtesy",
		// due + 5 is Saturday 7 March: moved to Monday 9 March
		"2026-03-09 late reminder-1",
		"2026-03-09 part reminder-1",
		"2026-03-09 promise reminder-1",
		// due + 15; the partial payment of 12 March keeps "part" on its track
		"2026-03-17 late reminder-2",
		"2026-03-17 part reminder-2",
		// the promise (until 27 March) is broken: dunning resumes on Monday 30 March
		"2026-03-30 promise reminder-2",
		// due + 30 for "part" (500 EUR left, above the 50 EUR minimum)
		"2026-04-01 part formal-notice",
		// ten days after the broken promise's reminder
		"2026-04-09 promise formal-notice",
		// the hand-off follows the notice's deadline expiring unpaid, not a number of days
		"2026-04-10 part handoff",    // the day after the notice's deadline (1 April + 8 days)
		"2026-04-20 promise handoff", // deadline 17 April, a Friday: the next business day
	}
	sort.Strings(want)
	assert.Equal(t, want, got)

	// every letter delivered exactly once, by key
	for _, k := range notifier.Keys() {
		assert.Equal(t, 1, notifier.Calls(k), k)
	}
	// the formal notice claims interest and 40 EUR once; the hand-off does
	// not claim the 40 EUR again
	hist, err := svc.History(ctx, ids["part"])
	require.NoError(t, err)
	require.Len(t, hist, 5)
	for _, h := range hist {
		assert.Equal(t, dunning.LetterDelivered, h.Status)
	}
	notice, _ := notifier.Delivered(hist[3].Key)
	assert.Equal(t, "formal-notice", notice.Letter.LevelName)
	assert.Equal(t, "500.00 EUR", notice.Letter.Amount.String())
	assert.Equal(t, "40.00 EUR", notice.Letter.RecoveryFees.String())
	// 500 × 12.15 % × 30 / 365 = 4.993... -> 4.99
	assert.Equal(t, "4.99 EUR", notice.Letter.Interest.String())
	assert.Equal(t, "544.99 EUR", notice.Letter.Total.String())
	assert.Equal(t, o2c.MustDate(2026, time.April, 9), notice.Letter.PaymentDeadline)
	assert.Contains(t, notice.Rendered.Text, "mise en demeure")
	handoff, _ := notifier.Delivered(hist[4].Key)
	assert.True(t, handoff.Letter.RecoveryFees.IsZero())
	assert.True(t, handoff.Letter.Interest.IsPositive())
}
