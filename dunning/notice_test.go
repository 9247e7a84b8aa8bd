package dunning_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

// The formal notice is a legal step: its deadline is stored in the
// history, the hand-off waits for the deadline to expire unpaid (counted
// from the receipt the host records when the plan says so), and a payment
// before then stops it.
func TestFormalNoticeDeadlineFromReceipt(t *testing.T) {
	ctx := context.Background()
	due := o2c.MustDate(2026, time.March, 2) // a Monday
	clock := o2c.NewManualClock(due.Time())
	acme := memory.New(memory.WithClock(clock)).MustTenant("acme")
	led := &ledger{credits: map[o2c.CustomerID]o2c.Money{}}
	c, paid := o2c.NewCustomerID(), o2c.NewCustomerID()
	led.add(openItem(c, "F-1", "1000.00", due.AddDays(-30), due))
	led.add(openItem(paid, "F-2", "1000.00", due.AddDays(-30), due))
	plan := dunning.Plan{Code: "LR", Levels: []dunning.Level{
		{Name: "notice", OffsetDays: 10, Channel: dunning.ChannelRegisteredLetter, Template: dunning.TemplateFormalNotice,
			PaymentDeadlineDays: 15, DeadlineFromReceipt: true},
		{Name: "handoff", OffsetDays: 10, Channel: dunning.ChannelCollectionAgency, Template: dunning.TemplateHandoff,
			MinDaysSincePrevious: 90}, // ignored: the deadline decides
	}}
	notifier := dunning.NewMemoryNotifier()
	svc, err := dunning.NewService(dunning.Config{Store: acme.Dunning(), Tx: acme, Items: led, Credits: led, Notifier: notifier,
		Plans: []dunning.Plan{plan}, DefaultPlan: "LR", Clock: clock, DefaultLanguage: "fr", Creditor: dunning.Party{Name: "Acme SAS"}})
	require.NoError(t, err)
	run := func(d o2c.Date) dunning.RunResult {
		t.Helper()
		clock.Set(d.Time().Add(8 * time.Hour))
		res, err := svc.Run(ctx, d)
		require.NoError(t, err)
		return res
	}
	skipped := func(d o2c.Date) string {
		t.Helper()
		p, err := svc.DryRun(ctx, d)
		require.NoError(t, err)
		for _, s := range p.Skipped {
			if s.Customer == c {
				return s.Reason
			}
		}
		return ""
	}

	res := run(o2c.MustDate(2026, time.March, 12))
	require.Len(t, res.Written, 2)
	h, err := svc.History(ctx, c)
	require.NoError(t, err)
	require.Len(t, h, 1)
	notice := h[0]
	assert.Equal(t, 15, notice.DeadlineDays)
	assert.True(t, notice.DeadlineFromReceipt)
	assert.True(t, notice.PaymentDeadline.IsZero(), "runs from receipt: unknown until recorded")
	d, _ := notifier.Delivered(notice.Key)
	r, err := dunning.DefaultTemplates().Render(d.Letter)
	require.NoError(t, err)
	assert.Contains(t, r.Text, "dans un délai de 15 jours à compter de la réception de la présente")

	// months later, still no receipt: no hand-off
	assert.Contains(t, skipped(o2c.MustDate(2026, time.June, 1)), "runs from its receipt, not recorded yet")

	// the host records the registered letter's receipt
	_, err = svc.RecordReceipt(ctx, notice.Key, dunning.Receipt{Reference: "1A 123 456 7890 1", ReceivedOn: o2c.MustDate(2026, time.March, 16)})
	require.NoError(t, err)
	h, err = svc.History(ctx, c)
	require.NoError(t, err)
	assert.Equal(t, o2c.MustDate(2026, time.March, 31), h[0].PaymentDeadline, "15 days from receipt, stored in the history")
	assert.Equal(t, "1A 123 456 7890 1", h[0].Receipt.Reference)

	// the other customer pays within the deadline
	led.pay("F-2", "1000.00")

	// on the deadline's last day: still waiting
	assert.Empty(t, run(o2c.MustDate(2026, time.March, 31)).Written)
	assert.Contains(t, skipped(o2c.MustDate(2026, time.March, 31)), "runs until 2026-03-31")
	// the day after, unpaid: handed off (not 90 days after the notice)
	res = run(o2c.MustDate(2026, time.April, 1))
	require.Len(t, res.Written, 1)
	h, err = svc.History(ctx, c)
	require.NoError(t, err)
	require.Len(t, h, 2)
	assert.Equal(t, "handoff", h[1].LevelName)
	hp, err := svc.History(ctx, paid)
	require.NoError(t, err)
	assert.Len(t, hp, 1, "paid within the deadline: no hand-off")
}
