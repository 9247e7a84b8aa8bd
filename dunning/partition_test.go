package dunning_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/stores"
)

func TestPartitionCoversEveryCustomerOnce(t *testing.T) {
	counts := make([]int, 8)
	for range 4000 {
		c := o2c.NewCustomerID()
		in := 0
		for i := range 8 {
			if (dunning.Partition{Index: i, Count: 8}).Contains(c) {
				in++
				counts[i]++
			}
		}
		require.Equal(t, 1, in, "customer %s in exactly one partition", c)
		assert.True(t, dunning.Partition{Index: 0, Count: 1}.Contains(c))
	}
	for i, n := range counts {
		assert.InDelta(t, 500, n, 150, "partition %d holds about an eighth", i)
	}
	assert.Error(t, dunning.Partition{Index: 3, Count: 3}.Validate())
	assert.Error(t, dunning.Partition{Index: 0, Count: 0}.Validate())
}

// partitionedRunTest: 4 partitions, one of them leased by a worker that
// "crashed" (took the lease and never came back), two live workers. The
// live workers write the other three partitions and wait; once the
// crashed worker's lease has run out one of them takes the partition over
// and the run completes with one letter per overdue customer.
func partitionedRunTest(t *testing.T, clock *o2c.ManualClock, st dunning.Store, tx o2c.Transactor, scope kernel.Scope) {
	ctx := context.Background()
	day := o2c.DateOf(clock.Now())
	led := &ledger{}
	const customers = 40
	for i := range customers {
		led.add(openItem(o2c.NewCustomerID(), fmt.Sprintf("F-%d", i), "250.00", day.AddDays(-40), day.AddDays(-10)))
	}
	svc, err := dunning.NewService(dunning.Config{Creditor: dunning.Party{Name: "Acme SAS"}, Store: st, Tx: tx, Items: led,
		Notifier: dunning.NewMemoryNotifier(), Clock: clock, BatchSize: 7})
	require.NoError(t, err)
	leases := stores.Leases(scope)
	crashed := dunning.LeaseName(day, dunning.Partition{Index: 2, Count: 4})
	ok, err := leases.Acquire(ctx, crashed, "crashed-worker", clock.Now(), time.Minute)
	require.NoError(t, err)
	require.True(t, ok)

	results := make([]dunning.PartitionedResult, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			r := &dunning.PartitionedRun{Service: svc, Leases: leases, Partitions: 4, Worker: fmt.Sprintf("worker-%d", w),
				TTL: time.Minute, Poll: 5 * time.Millisecond}
			results[w], errs[w] = r.Run(ctx, day)
		})
	}
	// the three free partitions get written; the crashed one waits
	deadline := time.Now().Add(30 * time.Second)
	for {
		done := 0
		for i := range 4 {
			if f, err := leases.Finished(ctx, dunning.LeaseName(day, dunning.Partition{Index: i, Count: 4})); err == nil && f {
				done++
			}
		}
		if done == 3 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the free partitions were never finished")
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the workers keep polling
	f, err := leases.Finished(ctx, crashed)
	require.NoError(t, err)
	assert.False(t, f, "the crashed worker's partition waits while its lease runs")
	run, err := st.Run(ctx, day)
	require.NoError(t, err)
	assert.Equal(t, dunning.RunExecuting, run.Status, "the run is not complete without it")

	clock.Advance(time.Minute) // the lease ends
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])

	executed := map[string]int{}
	written := 0
	completed := 0
	for _, r := range results {
		for _, p := range r.Executed {
			executed[p.String()]++
		}
		written += len(r.Written)
		if r.Completed {
			completed++
		}
	}
	assert.Equal(t, map[string]int{"0/4": 1, "1/4": 1, "2/4": 1, "3/4": 1}, executed, "each partition written once, the crashed one taken over")
	assert.Equal(t, customers, written)
	assert.GreaterOrEqual(t, completed, 1, "a worker that found every partition finished completed the run")
	run, err = st.Run(ctx, day)
	require.NoError(t, err)
	assert.Equal(t, dunning.RunCompleted, run.Status)
	hist, err := st.History(ctx, dunning.HistoryFilter{})
	require.NoError(t, err)
	per := map[o2c.CustomerID]int{}
	for _, h := range hist {
		per[h.Customer]++
	}
	assert.Len(t, per, customers)
	for c, n := range per {
		assert.Equal(t, 1, n, "customer %s dunned once", c)
	}
}

func TestPartitionedRunTakesOverAnExpiredLease(t *testing.T) {
	clock := o2c.NewManualClock(time.Date(2026, time.March, 10, 9, 0, 0, 0, time.UTC))
	acme := memory.New(memory.WithClock(clock)).MustTenant("acme")
	partitionedRunTest(t, clock, acme.Dunning(), acme, acme.Kernel())
}

func TestPartitionedRunTakesOverAnExpiredLeasePostgres(t *testing.T) {
	clock := o2c.NewManualClock(time.Date(2026, time.March, 10, 9, 0, 0, 0, time.UTC))
	acme := sqltest.Postgres(t, sqlstore.Options{Clock: clock}).MustTenant("acme")
	partitionedRunTest(t, clock, acme.Dunning(), acme, acme.Kernel())
}
