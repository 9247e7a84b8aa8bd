package dunning_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

// TestInterruptedDeliveryResumesExactlyOnce: the notifier fails after half
// of the run's letters; running the same day again writes no new letter
// and delivers the rest, every key exactly once.
func TestInterruptedDeliveryResumesExactlyOnce(t *testing.T) {
	ctx := context.Background()
	day := o2c.MustDate(2026, time.March, 10)
	clock := o2c.NewManualClock(day.Time().Add(9 * time.Hour))
	db := memory.New(memory.WithClock(clock))
	acme := db.MustTenant("acme")
	led := &ledger{}
	const n = 20
	for i := range n {
		led.add(openItem(o2c.NewCustomerID(), fmt.Sprintf("F-%d", i), "250.00", day.AddDays(-40), day.AddDays(-10)))
	}
	notifier := dunning.NewMemoryNotifier()
	svc, err := dunning.NewService(dunning.Config{Creditor: dunning.Party{Name: "Acme SAS"}, Store: acme.Dunning(), Tx: acme, Items: led, Notifier: notifier, Clock: clock, BatchSize: 6})
	require.NoError(t, err)

	notifier.FailAfter(n / 2)
	res, err := svc.Run(ctx, day)
	require.ErrorIs(t, err, dunning.ErrDelivery)
	require.ErrorIs(t, err, dunning.ErrInjected)
	assert.Len(t, res.Written, n, "every letter is written before delivery starts")
	assert.Equal(t, n/2, notifier.Len())
	pending, err := acme.Dunning().PendingLetters(ctx, 100)
	require.NoError(t, err)
	assert.Len(t, pending, n/2)
	assert.Equal(t, 1, pending[0].Entry.Attempts, "the failed attempt is recorded")
	assert.Contains(t, pending[0].Entry.LastError, "injected")

	notifier.Recover()
	clock.Advance(2 * time.Minute) // past the failed letters' backoff
	res, err = svc.Run(ctx, day)
	require.NoError(t, err)
	assert.True(t, res.AlreadyCompleted)
	assert.Empty(t, res.Written)
	require.Equal(t, n, notifier.Len())
	for _, k := range notifier.Keys() {
		assert.LessOrEqual(t, notifier.Calls(k), 2, "offered at most once more after a failure: %s", k)
	}
	hist, err := acme.Dunning().History(ctx, dunning.HistoryFilter{})
	require.NoError(t, err)
	require.Len(t, hist, n, "the run side never writes a second letter")
	for _, h := range hist {
		assert.Equal(t, dunning.LetterDelivered, h.Status)
		_, ok := notifier.Delivered(h.Key)
		assert.True(t, ok)
	}
	ob, err := acme.Outbox().Pending(ctx, 100)
	require.NoError(t, err)
	assert.Empty(t, ob)

	// a fresh dry run of the same day proposes nothing: already dunned
	p, err := svc.DryRun(ctx, day)
	require.NoError(t, err)
	assert.Empty(t, p.Letters)
	require.Len(t, p.Skipped, n)
	assert.Contains(t, p.Skipped[0].Reason, "already dunned")
}

// TestDeliveryGivesUpAfterMaxAttempts marks a letter failed after
// MaxAttempts refusals; a failed letter does not count as sent, so the
// level is proposed again on a later day under a new key.
func TestDeliveryGivesUpAfterMaxAttempts(t *testing.T) {
	ctx := context.Background()
	day := o2c.MustDate(2026, time.March, 10)
	db := memory.New()
	acme := db.MustTenant("acme")
	led := &ledger{}
	led.add(openItem(o2c.NewCustomerID(), "F-1", "250.00", day.AddDays(-40), day.AddDays(-10)))
	notifier := dunning.NewMemoryNotifier()
	notifier.FailAfter(0)
	clock := o2c.NewManualClock(day.Time().Add(9 * time.Hour))
	svc, err := dunning.NewService(dunning.Config{Creditor: dunning.Party{Name: "Acme SAS"}, Store: acme.Dunning(), Tx: acme, Items: led, Notifier: notifier, MaxAttempts: 2, Clock: clock})
	require.NoError(t, err)
	_, err = svc.Run(ctx, day)
	require.ErrorIs(t, err, dunning.ErrDelivery)
	sent, err := svc.Deliver(ctx)
	require.NoError(t, err, "the letter waits out its backoff")
	assert.Zero(t, sent)
	clock.Advance(time.Hour)
	_, err = svc.Deliver(ctx)
	require.ErrorIs(t, err, dunning.ErrDelivery)
	hist, err := acme.Dunning().History(ctx, dunning.HistoryFilter{})
	require.NoError(t, err)
	require.Len(t, hist, 1)
	assert.Equal(t, dunning.LetterFailed, hist[0].Status)
	assert.Equal(t, 2, hist[0].Attempts)
	clock.Advance(time.Hour)
	sent, err = svc.Deliver(ctx)
	require.NoError(t, err)
	assert.Zero(t, sent, "a failed letter is not retried")

	notifier.Recover()
	next := day.AddDays(1)
	p, err := svc.DryRun(ctx, next)
	require.NoError(t, err)
	require.Len(t, p.Letters, 1)
	assert.Equal(t, "reminder-1", p.Letters[0].LevelName, "the failed level is proposed again")
	_, err = svc.Run(ctx, next)
	require.NoError(t, err)
	assert.Equal(t, 1, notifier.Len())
}

func TestNewServiceValidates(t *testing.T) {
	_, err := dunning.NewService(dunning.Config{})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	db := memory.New()
	acme := db.MustTenant("acme")
	_, err = dunning.NewService(dunning.Config{Creditor: dunning.Party{Name: "Acme SAS"}, Store: acme.Dunning(), Tx: acme, Items: &ledger{}, Notifier: dunning.NewMemoryNotifier(),
		Plans: []dunning.Plan{dunning.PlanFrance()}, DefaultPlan: "XX"})
	assert.ErrorIs(t, err, dunning.ErrUnknownPlan)
}
