package dunningtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// openItems serves a fixed list of open items to a dunning.Service.
type openItems []invoice.OpenItem

func (s openItems) OpenItems(_ context.Context, f invoice.OpenItemFilter) ([]invoice.OpenItem, error) {
	var out []invoice.OpenItem
	for _, it := range s {
		if f.Match(it) {
			out = append(out, it)
		}
	}
	invoice.SortOpenItems(out)
	return out, nil
}

// overdue returns one item 10 days overdue for each of n customers: a
// reminder each on day.
func overdue(n int) openItems {
	var out openItems
	for i := range n {
		m := o2c.MustMoney(fmt.Sprintf("%d.50", 100+i), "EUR")
		out = append(out, invoice.OpenItem{Invoice: o2c.NewID[invoice.Invoice](), Number: fmt.Sprintf("F-%03d", i), Kind: invoice.KindInvoice,
			Status: invoice.StateIssued, Customer: o2c.NewCustomerID(), IssueDate: day.AddDays(-40), DueDate: day.AddDays(-10),
			Gross: m, Open: m, Disputed: o2c.Zero(o2c.EUR)})
	}
	return out
}

// scriptedNotifier accepts letters into a MemoryNotifier, except that the
// calls for the keys in script follow it: call n of a key does script[key][n-1]
// ("hang": block until the call's context ends and return its error;
// "fail": return an error; anything else or past the end: accept).
type scriptedNotifier struct {
	*dunning.MemoryNotifier
	mu     sync.Mutex
	script map[string][]string
	calls  map[string]int
}

func (n *scriptedNotifier) Deliver(ctx context.Context, d dunning.Delivery) error {
	n.mu.Lock()
	n.calls[d.Key]++
	step := ""
	if s := n.script[d.Key]; n.calls[d.Key] <= len(s) {
		step = s[n.calls[d.Key]-1]
	}
	n.mu.Unlock()
	switch step {
	case "hang":
		<-ctx.Done()
		return ctx.Err()
	case "fail":
		return errors.New("smtp 451: try again later")
	}
	return n.MemoryNotifier.Deliver(ctx, d)
}

func (n *scriptedNotifier) Calls(key string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.calls[key]
}

func newScripted() *scriptedNotifier {
	return &scriptedNotifier{MemoryNotifier: dunning.NewMemoryNotifier(), script: map[string][]string{}, calls: map[string]int{}}
}

func service(t *testing.T, h Harness, items openItems, n dunning.Notifier, clock o2c.Clock, tune func(*dunning.Config)) *dunning.Service {
	t.Helper()
	cfg := dunning.Config{Creditor: dunning.Party{Name: "Acme SAS"}, Store: h.Store("acme"), Tx: h.Tx, Items: items, Notifier: n, Clock: clock,
		Backoff: outbox.Backoff{Initial: time.Minute, Max: time.Minute}}
	if tune != nil {
		tune(&cfg)
	}
	svc, err := dunning.NewService(cfg)
	require.NoError(t, err)
	return svc
}

func keysOf(t *testing.T, st dunning.Store) []string {
	t.Helper()
	hist, err := st.History(context.Background(), dunning.HistoryFilter{})
	require.NoError(t, err)
	keys := make([]string, len(hist))
	for i, e := range hist {
		keys[i] = e.Key
	}
	return keys
}

// runDeliveryTests checks claiming, backoff and dead-lettering on the
// store, and the dunning.Service's delivery on top of it.
func runDeliveryTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	ctx := context.Background()

	t.Run("ClaimLettersLeases", func(t *testing.T) {
		h := newHarness(t)
		st := h.Store("acme")
		es, evs := letters(t, "acme", day, 5, o2c.CustomerID{})
		_, err := st.RecordLetters(ctx, dunning.Run{Date: day}, es, evs)
		require.NoError(t, err)
		now := day.Time().Add(9 * time.Hour)

		got, err := st.ClaimLetters(ctx, 2, now, time.Minute)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, es[0].Key, got[0].Entry.Key, "write order")
		assert.Equal(t, es[1].Key, got[1].Entry.Key)
		assert.Equal(t, evs[0].ID, got[0].Event.ID)
		assert.JSONEq(t, string(evs[0].Payload), string(got[0].Event.Payload))
		assert.True(t, got[0].Entry.NextAttemptAt.Equal(now.Add(time.Minute)), "leased until %v", got[0].Entry.NextAttemptAt)
		got, err = st.ClaimLetters(ctx, 10, now, time.Minute)
		require.NoError(t, err)
		require.Len(t, got, 3, "the leased letters are not claimed again")
		assert.Equal(t, es[2].Key, got[0].Entry.Key)
		got, err = st.ClaimLetters(ctx, 10, now.Add(59*time.Second), time.Minute)
		require.NoError(t, err)
		assert.Empty(t, got)
		other, err := h.Store("globex").ClaimLetters(ctx, 10, now.Add(time.Hour), time.Minute)
		require.NoError(t, err)
		assert.Empty(t, other, "another tenant claims nothing of acme's")

		// outcomes end the lease: delivered and failed letters are never
		// claimed again, a retry is due after its backoff
		at := now.Add(10 * time.Second)
		require.NoError(t, st.UpdateDelivery(ctx,
			dunning.DeliveryUpdate{Key: es[0].Key, Delivered: true, At: at},
			dunning.DeliveryUpdate{Key: es[1].Key, Error: "smtp 451", At: at, RetryAt: at.Add(10 * time.Minute)},
			dunning.DeliveryUpdate{Key: es[2].Key, Error: "bounced", At: at, GiveUp: true},
			dunning.DeliveryUpdate{Key: es[3].Key, Error: "timeout", At: at}))
		hist, err := st.History(ctx, dunning.HistoryFilter{})
		require.NoError(t, err)
		require.Len(t, hist, 5)
		assert.True(t, hist[0].NextAttemptAt.IsZero())
		assert.True(t, hist[1].NextAttemptAt.Equal(at.Add(10*time.Minute)))
		assert.True(t, hist[3].NextAttemptAt.IsZero(), "no RetryAt: due at once")
		got, err = st.ClaimLetters(ctx, 10, at, time.Minute)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, es[3].Key, got[0].Entry.Key)
		assert.Equal(t, 1, got[0].Entry.Attempts)
		got, err = st.ClaimLetters(ctx, 10, now.Add(2*time.Minute), time.Minute)
		require.NoError(t, err)
		require.Len(t, got, 2, "the lease of letter 4 ended, letter 3's backoff not yet")
		assert.Equal(t, es[3].Key, got[0].Entry.Key)
		assert.Equal(t, es[4].Key, got[1].Entry.Key)
		got, err = st.ClaimLetters(ctx, 10, at.Add(10*time.Minute), time.Minute)
		require.NoError(t, err)
		require.Len(t, got, 3, "letter 2's backoff and the other leases ended")
		assert.Equal(t, es[1].Key, got[0].Entry.Key)
		assert.Equal(t, es[3].Key, got[1].Entry.Key)

		_, err = st.ClaimLetters(ctx, 0, now, time.Minute)
		assert.ErrorIs(t, err, o2c.ErrValidation)
		_, err = st.ClaimLetters(ctx, 1, now, 0)
		assert.ErrorIs(t, err, o2c.ErrValidation)
	})

	t.Run("ConcurrentClaimsNeverShareALetter", func(t *testing.T) {
		h := newHarness(t)
		st := h.Store("acme")
		es, evs := letters(t, "acme", day, 40, o2c.CustomerID{})
		_, err := st.RecordLetters(ctx, dunning.Run{Date: day}, es, evs)
		require.NoError(t, err)
		now := day.Time()
		var mu sync.Mutex
		claimed := map[string]int{}
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := st.ClaimLetters(ctx, 3, now, time.Hour)
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, p := range got {
						claimed[p.Entry.Key]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		assert.Len(t, claimed, 40)
		for k, n := range claimed {
			assert.Equal(t, 1, n, "letter %s claimed %d times", k, n)
		}
	})

	t.Run("ConcurrentRunsDeliverEachLetterOnce", func(t *testing.T) {
		// 32 daily jobs of one tenant start together: the letters are
		// written once and each is offered to the notifier once
		h := newHarness(t)
		items := overdue(10)
		notifier := dunning.NewMemoryNotifier()
		var wg sync.WaitGroup
		errs := make([]error, 32)
		for i := range errs {
			svc := service(t, h, items, notifier, nil, nil)
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = svc.Run(ctx, day)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		keys := keysOf(t, h.Store("acme"))
		require.Len(t, keys, 10)
		assert.Equal(t, 10, notifier.Len())
		for _, k := range keys {
			assert.Equal(t, 1, notifier.Calls(k), "notifier calls for %s", k)
		}
	})

	t.Run("HangingFailingThenRecoveringNotifier", func(t *testing.T) {
		// one letter's notifier call hangs past its deadline, then fails,
		// then succeeds: the letters behind it are delivered meanwhile,
		// and every letter is delivered exactly once
		h := newHarness(t)
		st := h.Store("acme")
		clock := o2c.NewManualClock(day.Time().Add(8 * time.Hour))
		notifier := newScripted()
		svc := service(t, h, overdue(5), notifier, clock, func(c *dunning.Config) { c.DeliveryTimeout = 100 * time.Millisecond })
		res, err := svc.Execute(ctx, mustDryRun(t, svc))
		require.NoError(t, err)
		require.Len(t, res.Written, 5)
		keys := keysOf(t, st)
		bad := keys[1]
		notifier.script[bad] = []string{"hang", "fail"}

		n, err := svc.Deliver(ctx)
		assert.Equal(t, 4, n, "every other letter delivered behind the hanging one")
		var de *dunning.DeliveryError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, bad, de.Key)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		e := entry(t, st, bad)
		assert.Equal(t, dunning.LetterPending, e.Status)
		assert.Equal(t, 1, e.Attempts, "the hang counts as a failed attempt")
		assert.True(t, e.NextAttemptAt.Equal(clock.Now().Add(time.Minute)), "backoff: %v", e.NextAttemptAt)

		n, err = svc.Deliver(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "the failing letter waits out its backoff")
		assert.Equal(t, 1, notifier.Calls(bad))

		clock.Advance(time.Minute)
		n, err = svc.Deliver(ctx)
		assert.Zero(t, n)
		require.ErrorIs(t, err, dunning.ErrDelivery)
		assert.Equal(t, 2, entry(t, st, bad).Attempts)

		clock.Advance(time.Minute)
		n, err = svc.Deliver(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "recovered")
		e = entry(t, st, bad)
		assert.Equal(t, dunning.LetterDelivered, e.Status)
		assert.Equal(t, 3, e.Attempts)

		assert.Equal(t, 5, notifier.Len())
		for _, k := range keys {
			want := 1
			if k == bad {
				want = 3
			}
			assert.Equal(t, want, notifier.Calls(k), "calls for %s", k)
			_, ok := notifier.Delivered(k)
			assert.True(t, ok, "%s delivered", k)
		}
		assert.Equal(t, keys[0], notifier.Keys()[0])
		assert.Equal(t, bad, notifier.Keys()[4], "delivered last, after its retries")
		pending, err := h.Outbox("acme").Pending(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, pending, "every letter's event is delivered")
	})

	t.Run("FailureRecordedPastTheCallersDeadline", func(t *testing.T) {
		// the notifier runs past the caller's deadline: the attempt still
		// counts (recorded under a context without the caller's deadline),
		// so the letter cannot block the ones behind it for ever
		h := newHarness(t)
		st := h.Store("acme")
		clock := o2c.NewManualClock(day.Time().Add(8 * time.Hour))
		notifier := newScripted()
		svc := service(t, h, overdue(2), notifier, clock, nil)
		_, err := svc.Execute(ctx, mustDryRun(t, svc))
		require.NoError(t, err)
		keys := keysOf(t, st)
		notifier.script[keys[0]] = []string{"hang"}

		dctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		n, err := svc.Deliver(dctx)
		assert.Zero(t, n)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		e := entry(t, st, keys[0])
		assert.Equal(t, 1, e.Attempts)
		assert.NotEmpty(t, e.LastError)

		n, err = svc.Deliver(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "the letter behind it goes out; the hung one waits for its backoff")
		assert.Equal(t, 1, notifier.Calls(keys[1]))
		assert.Equal(t, 1, notifier.Calls(keys[0]))
	})

	t.Run("DeadLetterAfterMaxAttempts", func(t *testing.T) {
		h := newHarness(t)
		st := h.Store("acme")
		clock := o2c.NewManualClock(day.Time().Add(8 * time.Hour))
		notifier := newScripted()
		svc := service(t, h, overdue(3), notifier, clock, func(c *dunning.Config) { c.MaxAttempts = 3 })
		_, err := svc.Execute(ctx, mustDryRun(t, svc))
		require.NoError(t, err)
		keys := keysOf(t, st)
		notifier.script[keys[0]] = []string{"fail", "fail", "fail", "fail", "fail"}
		total := 0
		for range 6 {
			n, _ := svc.Deliver(ctx)
			total += n
			clock.Advance(time.Hour)
		}
		assert.Equal(t, 2, total)
		e := entry(t, st, keys[0])
		assert.Equal(t, dunning.LetterFailed, e.Status, "dead-lettered")
		assert.Equal(t, 3, e.Attempts)
		assert.Equal(t, 3, notifier.Calls(keys[0]), "never offered after giving up")
		failed, err := st.History(ctx, dunning.HistoryFilter{Status: dunning.LetterFailed})
		require.NoError(t, err)
		require.Len(t, failed, 1)
		assert.Equal(t, keys[0], failed[0].Key)
	})
}

func mustDryRun(t *testing.T, svc *dunning.Service) dunning.Proposal {
	t.Helper()
	p, err := svc.DryRun(context.Background(), day)
	require.NoError(t, err)
	return p
}

func entry(t *testing.T, st dunning.Store, key string) dunning.HistoryEntry {
	t.Helper()
	hist, err := st.History(context.Background(), dunning.HistoryFilter{})
	require.NoError(t, err)
	for _, e := range hist {
		if e.Key == key {
			return e
		}
	}
	t.Fatalf("no history entry %s", key)
	return dunning.HistoryEntry{}
}
