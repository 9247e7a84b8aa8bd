package outboxtest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// RunTenantsTests runs the conformance suite of [outbox.TenantsStore]: one
// dispatcher serving every tenant of a database, fairly. newStore is called
// once per subtest and must return an empty database's store.
func RunTenantsTests(t *testing.T, newStore func(t *testing.T) outbox.TenantsStore) {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	appendN := func(t *testing.T, all outbox.TenantsStore, tenant o2c.TenantID, n int) {
		t.Helper()
		s, err := all.Tenant(tenant)
		require.NoError(t, err)
		var batch []o2c.Event
		for i := range n {
			batch = append(batch, event(t, tenant, fmt.Sprintf("%s.e%d", tenant, i)))
		}
		require.NoError(t, s.Append(ctx, batch...))
	}
	pending := func(t *testing.T, all outbox.TenantsStore, tenant o2c.TenantID) int {
		t.Helper()
		s, err := all.Tenant(tenant)
		require.NoError(t, err)
		recs, err := s.Pending(ctx, 100000)
		require.NoError(t, err)
		return len(recs)
	}

	t.Run("ANoisyTenantDoesNotStarveTheOthers", func(t *testing.T) {
		all := newStore(t)
		// the noisy tenant's backlog is older than everyone else's records
		appendN(t, all, "noisy", 200)
		quiet := []o2c.TenantID{"q1", "q2", "q3", "q4", "q5"}
		for _, q := range quiet {
			appendN(t, all, q, 2)
		}
		var mu sync.Mutex
		handled := map[o2c.TenantID]int{}
		d := &outbox.Dispatcher{Tenants: all, BatchSize: 10, Clock: o2c.NewManualClock(start),
			Handler: func(_ context.Context, r outbox.Record) error {
				mu.Lock()
				defer mu.Unlock()
				handled[r.Event.Tenant]++
				return nil
			}}
		// first pass: the oldest record of each of the 6 tenants, then the
		// second of the noisy tenant and of q1..q3
		n, err := d.Dispatch(ctx)
		require.NoError(t, err)
		assert.Equal(t, 10, n)
		assert.Equal(t, 2, handled["noisy"])
		for _, q := range quiet {
			assert.GreaterOrEqual(t, handled[q], 1, "%s served in the first pass", q)
		}
		// second pass: the rest of the quiet tenants go out
		_, err = d.Dispatch(ctx)
		require.NoError(t, err)
		for _, q := range quiet {
			assert.Equal(t, 2, handled[q], "%s fully served after two passes", q)
			assert.Zero(t, pending(t, all, q))
		}
		assert.Equal(t, 200-handled["noisy"], pending(t, all, "noisy"))
		assert.Greater(t, pending(t, all, "noisy"), 180, "the backlog waits its turn")

		// and the backlog drains
		for range 40 {
			if _, err := d.Dispatch(ctx); err != nil {
				t.Fatal(err)
			}
		}
		assert.Zero(t, pending(t, all, "noisy"))
		assert.Equal(t, 200, handled["noisy"])
	})

	t.Run("ClaimAllLeasesAcrossTenants", func(t *testing.T) {
		all := newStore(t)
		appendN(t, all, "acme", 3)
		appendN(t, all, "globex", 1)
		got, err := all.ClaimAll(ctx, 10, start, time.Minute)
		require.NoError(t, err)
		require.Len(t, got, 4)
		assert.NotEqual(t, got[0].Event.Tenant, got[1].Event.Tenant, "rank order: each tenant's first record first")
		for _, r := range got {
			assert.True(t, r.NextAttemptAt.Equal(start.Add(time.Minute)))
		}
		again, err := all.ClaimAll(ctx, 10, start.Add(30*time.Second), time.Minute)
		require.NoError(t, err)
		assert.Empty(t, again, "leased records are hidden until the lease ends")
		again, err = all.ClaimAll(ctx, 10, start.Add(time.Minute), time.Minute)
		require.NoError(t, err)
		assert.Len(t, again, 4)

		_, err = all.ClaimAll(ctx, 0, start, time.Minute)
		require.ErrorIs(t, err, o2c.ErrValidation)
		_, err = all.ClaimAll(ctx, 1, start, 0)
		require.ErrorIs(t, err, o2c.ErrValidation)
		_, err = all.Tenant("not a tenant")
		require.ErrorIs(t, err, o2c.ErrValidation)
	})

	t.Run("ConcurrentDispatchersDeliverEachRecordOnce", func(t *testing.T) {
		all := newStore(t)
		tenants := []o2c.TenantID{"t1", "t2", "t3", "t4"}
		for i, tn := range tenants {
			appendN(t, all, tn, 10*(i+1))
		}
		var mu sync.Mutex
		seen := map[o2c.EventID]int{}
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for range 3 {
			wg.Go(func() {
				d := &outbox.Dispatcher{Tenants: all, BatchSize: 7, Lease: time.Hour,
					Handler: func(_ context.Context, r outbox.Record) error {
						mu.Lock()
						defer mu.Unlock()
						seen[r.Event.ID]++
						return nil
					}}
				for {
					n, err := d.Dispatch(ctx)
					if err != nil {
						errs <- err
						return
					}
					if n == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		assert.Len(t, seen, 100)
		for id, n := range seen {
			assert.Equal(t, 1, n, "record %s handled once", id)
		}
		for _, tn := range tenants {
			assert.Zero(t, pending(t, all, tn))
		}
	})

	t.Run("GroupCommitMarksEachTenantsRecords", func(t *testing.T) {
		all := newStore(t)
		appendN(t, all, "acme", 3)
		appendN(t, all, "globex", 2)
		d := &outbox.Dispatcher{Tenants: all, GroupCommit: true, Handler: func(context.Context, outbox.Record) error { return nil }}
		n, err := d.Dispatch(ctx)
		require.NoError(t, err)
		assert.Equal(t, 5, n)
		assert.Zero(t, pending(t, all, "acme"))
		assert.Zero(t, pending(t, all, "globex"))

		both := &outbox.Dispatcher{Tenants: all, Store: mustTenant(t, all, "acme"), Handler: d.Handler}
		_, err = both.Dispatch(ctx)
		require.ErrorIs(t, err, o2c.ErrValidation, "Store and Tenants together are refused")
	})
}

func mustTenant(t *testing.T, all outbox.TenantsStore, tenant o2c.TenantID) outbox.DispatchStore {
	t.Helper()
	s, err := all.Tenant(tenant)
	require.NoError(t, err)
	return s
}
