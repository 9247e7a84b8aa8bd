// Package outboxtest is the conformance suite every [outbox.Store]
// implementation runs. An adapter's test is one call:
//
//	func TestOutbox(t *testing.T) {
//		outboxtest.RunStoreTests(t, func(t *testing.T) outboxtest.Harness { ... })
//	}
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

// Harness gives the suite one fresh, empty database.
type Harness struct {
	// Tx runs a transaction that the stores returned by Store join.
	Tx o2c.Transactor
	// Store returns the outbox bound to tenant.
	Store func(tenant o2c.TenantID) outbox.Store
}

// RunStoreTests runs the suite. newHarness is called once per subtest and
// must return an empty database.
func RunStoreTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Helper()
	ctx := context.Background()

	t.Run("AppendCommittedIsListedOnce", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		e := event(t, "acme", "order.placed")
		require.NoError(t, h.Tx.InTx(ctx, func(ctx context.Context) error {
			return s.Append(ctx, e)
		}))
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, recs, 1)
		assertSameEvent(t, e, recs[0].Event)
		assert.Equal(t, outbox.StatusPending, recs[0].Status)
		assert.Zero(t, recs[0].Attempts)
	})

	t.Run("AppendInRolledBackTxIsNotThere", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		boom := errors.New("boom")
		err := h.Tx.InTx(ctx, func(ctx context.Context) error {
			if err := s.Append(ctx, event(t, "acme", "order.placed")); err != nil {
				return err
			}
			// visible inside its own transaction
			recs, err := s.Pending(ctx, 10)
			if err != nil {
				return err
			}
			if len(recs) != 1 {
				return fmt.Errorf("inside the transaction: %d records, want 1", len(recs))
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, recs)
	})

	t.Run("PanicInTxRollsBack", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		require.Panics(t, func() {
			_ = h.Tx.InTx(ctx, func(ctx context.Context) error {
				require.NoError(t, s.Append(ctx, event(t, "acme", "order.placed")))
				panic("midway")
			})
		})
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, recs)
		// the database is still usable after the panic
		require.NoError(t, s.Append(ctx, event(t, "acme", "order.placed")))
	})

	t.Run("NestedTxJoinsOuter", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		boom := errors.New("boom")
		err := h.Tx.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, h.Tx.InTx(ctx, func(ctx context.Context) error {
				return s.Append(ctx, event(t, "acme", "inner"))
			}))
			return boom
		})
		require.ErrorIs(t, err, boom)
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, recs, "the inner append must roll back with the outer transaction")
	})

	t.Run("AppendWithoutTxCommits", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		require.NoError(t, s.Append(ctx, event(t, "acme", "a"), event(t, "acme", "b")))
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, recs, 2)
		assert.Equal(t, "a", recs[0].Event.Type)
		assert.Equal(t, "b", recs[1].Event.Type)
		assert.Less(t, recs[0].Seq, recs[1].Seq)
	})

	t.Run("TenantsNeverSeeEachOther", func(t *testing.T) {
		h := newHarness(t)
		a, b := h.Store("tenant-a"), h.Store("tenant-b")
		ea := event(t, "tenant-a", "x")
		eb := event(t, "tenant-b", "y")
		require.NoError(t, a.Append(ctx, ea))
		require.NoError(t, b.Append(ctx, eb))

		ra, err := a.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, ra, 1)
		assert.Equal(t, ea.ID, ra[0].Event.ID)
		rb, err := b.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, rb, 1)
		assert.Equal(t, eb.ID, rb[0].Event.ID)

		// b cannot mark a's record, and a's record stays pending
		require.ErrorIs(t, b.MarkDelivered(ctx, ea.ID), o2c.ErrNotFound)
		ra, err = a.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, ra, 1)

		// a store refuses an event of another tenant
		err = a.Append(ctx, event(t, "tenant-b", "z"))
		require.ErrorIs(t, err, o2c.ErrValidation)
		rb, err = b.Pending(ctx, 10)
		require.NoError(t, err)
		assert.Len(t, rb, 1)
	})

	t.Run("MarkDelivered", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		e1, e2 := event(t, "acme", "a"), event(t, "acme", "b")
		require.NoError(t, s.Append(ctx, e1, e2))
		require.NoError(t, s.MarkDelivered(ctx, e1.ID))
		require.NoError(t, s.MarkDelivered(ctx, e1.ID), "marking twice is a no-op")
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, recs, 1)
		assert.Equal(t, e2.ID, recs[0].Event.ID)

		// an unknown id fails the whole call: e2 stays pending
		err = s.MarkDelivered(ctx, e2.ID, o2c.NewEventID())
		require.ErrorIs(t, err, o2c.ErrNotFound)
		recs, err = s.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, recs, 1)

		require.NoError(t, s.MarkDelivered(ctx, e2.ID))
		recs, err = s.Pending(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, recs)
	})

	t.Run("InvalidBatchWritesNothing", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		good := event(t, "acme", "ok")
		bad := event(t, "acme", "bad")
		bad.Type = ""
		err := s.Append(ctx, good, bad)
		var ve *o2c.ValidationError
		require.ErrorAs(t, err, &ve)
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, recs)
	})

	t.Run("DuplicateIDIsConflictAndWritesNothing", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		e := event(t, "acme", "a")
		require.NoError(t, s.Append(ctx, e))
		fresh := event(t, "acme", "b")
		err := s.Append(ctx, fresh, e)
		require.ErrorIs(t, err, o2c.ErrConflict)
		recs, err := s.Pending(ctx, 10)
		require.NoError(t, err)
		require.Len(t, recs, 1, "the fresh event of the refused batch must not be written")
	})

	t.Run("PendingLimitAndOrder", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		var want []o2c.EventID
		for i := range 7 {
			e := event(t, "acme", fmt.Sprintf("e%d", i))
			want = append(want, e.ID)
			require.NoError(t, s.Append(ctx, e))
		}
		recs, err := s.Pending(ctx, 3)
		require.NoError(t, err)
		require.Len(t, recs, 3)
		for i, r := range recs {
			assert.Equal(t, want[i], r.Event.ID)
		}
		_, err = s.Pending(ctx, 0)
		require.ErrorIs(t, err, o2c.ErrValidation)
	})

	t.Run("ConcurrentAppendsAllLand", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store("acme")
		const workers, each = 4, 10
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					e := event(t, "acme", fmt.Sprintf("w%d-%d", w, i))
					errs <- h.Tx.InTx(ctx, func(ctx context.Context) error { return s.Append(ctx, e) })
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		recs, err := s.Pending(ctx, 1000)
		require.NoError(t, err)
		assert.Len(t, recs, workers*each)
		seen := map[o2c.EventID]bool{}
		for i, r := range recs {
			assert.False(t, seen[r.Event.ID], "listed once")
			seen[r.Event.ID] = true
			if i > 0 {
				assert.Less(t, recs[i-1].Seq, r.Seq)
			}
		}
	})
}

func event(t *testing.T, tenant o2c.TenantID, typ string) o2c.Event {
	t.Helper()
	e, err := o2c.NewEvent(tenant, "order", "ord-1", typ, time.Date(2026, 11, 23, 10, 0, 0, 123456000, time.UTC), map[string]any{"total": "12.50"})
	require.NoError(t, err)
	return e
}

func assertSameEvent(t *testing.T, want, got o2c.Event) {
	t.Helper()
	assert.Equal(t, want.ID, got.ID)
	assert.Equal(t, want.Tenant, got.Tenant)
	assert.Equal(t, want.AggregateType, got.AggregateType)
	assert.Equal(t, want.AggregateID, got.AggregateID)
	assert.Equal(t, want.Type, got.Type)
	assert.True(t, want.OccurredAt.Equal(got.OccurredAt), "occurred_at %v != %v", want.OccurredAt, got.OccurredAt)
	assert.JSONEq(t, string(want.Payload), string(got.Payload))
}
