package outboxtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// RunDispatchTests runs the [outbox.Claimer] and [outbox.Dispatcher]
// conformance suite. The stores the harness returns must implement
// [outbox.DispatchStore]. newHarness is called once per subtest and must
// return an empty database.
func RunDispatchTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	dispatchStore := func(t *testing.T, h Harness, tenant o2c.TenantID) outbox.DispatchStore {
		t.Helper()
		s, ok := h.Store(tenant).(outbox.DispatchStore)
		require.True(t, ok, "the store %T does not implement outbox.DispatchStore", h.Store(tenant))
		return s
	}
	boom := errors.New("receiver down")

	t.Run("ClaimLeasesRecords", func(t *testing.T) {
		h := newHarness(t)
		s := dispatchStore(t, h, "acme")
		e1, e2, e3 := event(t, "acme", "a"), event(t, "acme", "b"), event(t, "acme", "c")
		require.NoError(t, s.Append(ctx, e1, e2, e3))

		got, err := s.Claim(ctx, 2, start, time.Minute)
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, e1.ID, got[0].Event.ID)
		assert.Equal(t, e2.ID, got[1].Event.ID)
		assert.True(t, got[0].NextAttemptAt.Equal(start.Add(time.Minute)), "lease end %v", got[0].NextAttemptAt)
		assertSameEvent(t, e1, got[0].Event)

		// leased records are hidden until the lease ends
		got, err = s.Claim(ctx, 10, start.Add(30*time.Second), time.Minute)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, e3.ID, got[0].Event.ID)
		got, err = s.Claim(ctx, 10, start.Add(time.Minute), time.Minute)
		require.NoError(t, err)
		require.Len(t, got, 2, "the first lease ended")

		// still pending all along
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		assert.Len(t, recs, 3)

		_, err = s.Claim(ctx, 0, start, time.Minute)
		require.ErrorIs(t, err, o2c.ErrValidation)
		_, err = s.Claim(ctx, 1, start, 0)
		require.ErrorIs(t, err, o2c.ErrValidation)
		_, err = s.Dead(ctx, 0)
		require.ErrorIs(t, err, o2c.ErrValidation)
	})

	t.Run("ClaimInRolledBackTxKeepsRecordsDue", func(t *testing.T) {
		h := newHarness(t)
		s := dispatchStore(t, h, "acme")
		require.NoError(t, s.Append(ctx, event(t, "acme", "a")))
		err := h.Tx.InTx(ctx, func(ctx context.Context) error {
			got, err := s.Claim(ctx, 10, start, time.Minute)
			if err != nil {
				return err
			}
			if len(got) != 1 {
				return fmt.Errorf("claimed %d, want 1", len(got))
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := s.Claim(ctx, 10, start, time.Minute)
		require.NoError(t, err)
		assert.Len(t, got, 1)
	})

	t.Run("MarkFailed", func(t *testing.T) {
		h := newHarness(t)
		s := dispatchStore(t, h, "acme")
		e1, e2 := event(t, "acme", "a"), event(t, "acme", "b")
		require.NoError(t, s.Append(ctx, e1, e2))
		next := start.Add(time.Hour)
		require.NoError(t, s.MarkFailed(ctx, e1.ID, "timeout", next, false))
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, recs, 2)
		assert.Equal(t, 1, recs[0].Attempts)
		assert.Equal(t, "timeout", recs[0].LastError)
		assert.True(t, recs[0].NextAttemptAt.Equal(next))
		got, err := s.Claim(ctx, 10, start, time.Minute)
		require.NoError(t, err)
		require.Len(t, got, 1, "the failed record waits for its backoff")
		assert.Equal(t, e2.ID, got[0].Event.ID)

		require.NoError(t, s.MarkFailed(ctx, e1.ID, "gone", next, true))
		dead, err := s.Dead(ctx, 10)
		require.NoError(t, err)
		require.Len(t, dead, 1)
		assert.Equal(t, outbox.StatusDead, dead[0].Status)
		assert.Equal(t, 2, dead[0].Attempts)
		assert.Equal(t, "gone", dead[0].LastError)
		recs, err = s.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, recs, 1, "a dead record is not pending")

		// a record no longer pending is left alone
		require.NoError(t, s.MarkDelivered(ctx, e2.ID))
		require.NoError(t, s.MarkFailed(ctx, e2.ID, "late", next, false))
		require.NoError(t, s.MarkFailed(ctx, e1.ID, "late", next, false))
		recs, err = s.Pending(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, recs)
		dead, err = s.Dead(ctx, 10)
		require.NoError(t, err)
		require.Len(t, dead, 1)
		assert.Equal(t, "gone", dead[0].LastError)

		require.ErrorIs(t, s.MarkFailed(ctx, o2c.NewEventID(), "x", next, false), o2c.ErrNotFound)
	})

	t.Run("RetryThenSuccess", func(t *testing.T) {
		h := newHarness(t)
		s := dispatchStore(t, h, "acme")
		e := event(t, "acme", "invoice.issued")
		require.NoError(t, s.Append(ctx, e))
		clock := o2c.NewManualClock(start)
		calls := 0
		var failures []error
		d := &outbox.Dispatcher{
			Store: s, Clock: clock, MaxAttempts: 5,
			Backoff: outbox.Backoff{Initial: time.Second, Max: 10 * time.Second},
			Handler: func(ctx context.Context, r outbox.Record) error {
				calls++
				assert.Equal(t, e.ID, r.Event.ID)
				if calls <= 2 {
					return boom
				}
				return nil
			},
			OnError: func(_ outbox.Record, err error) { failures = append(failures, err) },
		}
		n, err := d.Dispatch(ctx)
		require.NoError(t, err)
		assert.Zero(t, n)
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, recs, 1)
		assert.Equal(t, 1, recs[0].Attempts)
		assert.Equal(t, boom.Error(), recs[0].LastError)
		assert.True(t, recs[0].NextAttemptAt.Equal(start.Add(time.Second)), "backoff 1s: %v", recs[0].NextAttemptAt)

		n, err = d.Dispatch(ctx) // not due yet
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.Equal(t, 1, calls)

		clock.Advance(time.Second)
		_, err = d.Dispatch(ctx) // second failure, backoff 2s
		require.NoError(t, err)
		assert.Equal(t, 2, calls)
		clock.Advance(time.Second)
		_, err = d.Dispatch(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, calls, "still backing off")
		clock.Advance(time.Second)
		n, err = d.Dispatch(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		assert.Equal(t, 3, calls)
		assert.Len(t, failures, 2)

		recs, err = s.Pending(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, recs)
		dead, err := s.Dead(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, dead)
	})

	t.Run("DeadAfterMaxAttempts", func(t *testing.T) {
		h := newHarness(t)
		s := dispatchStore(t, h, "acme")
		e, ok := event(t, "acme", "a"), event(t, "acme", "b")
		require.NoError(t, s.Append(ctx, e, ok))
		clock := o2c.NewManualClock(start)
		calls := map[o2c.EventID]int{}
		d := &outbox.Dispatcher{
			Store: s, Clock: clock, MaxAttempts: 3,
			Backoff: outbox.Backoff{Initial: time.Second, Max: 4 * time.Second, Jitter: 0.5},
			Handler: func(ctx context.Context, r outbox.Record) error {
				calls[r.Event.ID]++
				if r.Event.ID == e.ID {
					return boom
				}
				return nil
			},
		}
		for range 10 {
			_, err := d.Dispatch(ctx)
			require.NoError(t, err)
			clock.Advance(4 * time.Second)
		}
		assert.Equal(t, 3, calls[e.ID])
		assert.Equal(t, 1, calls[ok.ID])
		dead, err := s.Dead(ctx, 10)
		require.NoError(t, err)
		require.Len(t, dead, 1)
		assert.Equal(t, e.ID, dead[0].Event.ID)
		assert.Equal(t, 3, dead[0].Attempts)
		assert.Equal(t, boom.Error(), dead[0].LastError)
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, recs)
	})

	t.Run("PermanentErrorIsDeadAtOnce", func(t *testing.T) {
		h := newHarness(t)
		s := dispatchStore(t, h, "acme")
		require.NoError(t, s.Append(ctx, event(t, "acme", "a")))
		d := &outbox.Dispatcher{
			Store: s, Clock: o2c.NewManualClock(start),
			Handler: func(ctx context.Context, r outbox.Record) error { return outbox.Permanent(boom) },
		}
		_, err := d.Dispatch(ctx)
		require.NoError(t, err)
		dead, err := s.Dead(ctx, 10)
		require.NoError(t, err)
		require.Len(t, dead, 1)
		assert.Equal(t, 1, dead[0].Attempts)
	})

	t.Run("TenantScoping", func(t *testing.T) {
		h := newHarness(t)
		a, b := dispatchStore(t, h, "tenant-a"), dispatchStore(t, h, "tenant-b")
		ea, eb := event(t, "tenant-a", "x"), event(t, "tenant-b", "y")
		require.NoError(t, a.Append(ctx, ea))
		require.NoError(t, b.Append(ctx, eb))

		got, err := b.Claim(ctx, 10, start, time.Minute)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, eb.ID, got[0].Event.ID)
		require.ErrorIs(t, b.MarkFailed(ctx, ea.ID, "x", start, true), o2c.ErrNotFound)

		var seen []o2c.EventID
		d := &outbox.Dispatcher{
			Store: a, Clock: o2c.NewManualClock(start),
			Handler: func(ctx context.Context, r outbox.Record) error {
				seen = append(seen, r.Event.ID)
				return outbox.Permanent(boom)
			},
		}
		_, err = d.Dispatch(ctx)
		require.NoError(t, err)
		assert.Equal(t, []o2c.EventID{ea.ID}, seen)
		dead, err := b.Dead(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, dead, "a's dead letters are not b's")
		dead, err = a.Dead(ctx, 10)
		require.NoError(t, err)
		assert.Len(t, dead, 1)
	})

	t.Run("ConcurrentDispatchersDeliverEachRecordOnce", func(t *testing.T) {
		h := newHarness(t)
		const records, dispatchers = 60, 3
		var want []o2c.EventID
		s := dispatchStore(t, h, "acme")
		for i := range records {
			e := event(t, "acme", fmt.Sprintf("e%d", i))
			want = append(want, e.ID)
			require.NoError(t, s.Append(ctx, e))
		}
		var (
			mu       sync.Mutex
			inFlight = map[o2c.EventID]bool{}
			count    = map[o2c.EventID]int{}
			overlaps int
		)
		handler := func(ctx context.Context, r outbox.Record) error {
			mu.Lock()
			if inFlight[r.Event.ID] {
				overlaps++
			}
			inFlight[r.Event.ID] = true
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			delete(inFlight, r.Event.ID)
			count[r.Event.ID]++
			mu.Unlock()
			return nil
		}
		deadline := time.Now().Add(30 * time.Second)
		var wg sync.WaitGroup
		for range dispatchers {
			d := &outbox.Dispatcher{Store: dispatchStore(t, h, "acme"), Handler: handler, BatchSize: 5, Lease: time.Minute}
			wg.Go(func() {
				for time.Now().Before(deadline) {
					n, err := d.Dispatch(ctx)
					if err != nil {
						// a busy database is retried, as Run does
						time.Sleep(5 * time.Millisecond)
						continue
					}
					if n == 0 {
						recs, err := d.Store.Pending(ctx, 1)
						if err == nil && len(recs) == 0 {
							return
						}
						time.Sleep(time.Millisecond)
					}
				}
			})
		}
		wg.Wait()
		assert.Zero(t, overlaps, "a record was handled by two dispatchers at once")
		for _, id := range want {
			assert.Equal(t, 1, count[id], "record %s", id)
		}
		assert.Len(t, count, records)
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, recs)
	})

	t.Run("RunStopsWithContext", func(t *testing.T) {
		h := newHarness(t)
		s := dispatchStore(t, h, "acme")
		for i := range 3 {
			require.NoError(t, s.Append(ctx, event(t, "acme", fmt.Sprintf("e%d", i))))
		}
		runCtx, cancel := context.WithCancel(ctx)
		var mu sync.Mutex
		delivered := 0
		d := &outbox.Dispatcher{Store: s, BatchSize: 2, PollInterval: 5 * time.Millisecond,
			Handler: func(ctx context.Context, r outbox.Record) error {
				mu.Lock()
				defer mu.Unlock()
				delivered++
				if delivered == 3 {
					cancel()
				}
				return nil
			}}
		err := d.Run(runCtx)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 3, delivered)

		err = (&outbox.Dispatcher{Store: s}).Run(ctx)
		require.ErrorIs(t, err, o2c.ErrValidation)
	})

	t.Run("GroupCommit", func(t *testing.T) { groupCommitTest(t, dispatchStore(t, newHarness(t), "acme")) })
}
