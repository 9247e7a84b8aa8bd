package ledger_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
)

// backend returns scopes of one fresh database, by tenant.
type backend func(t *testing.T) func(tenant o2c.TenantID) kernel.Scope

func TestLedgerStoreMemory(t *testing.T) {
	runStoreTests(t, func(t *testing.T) func(o2c.TenantID) kernel.Scope {
		db := memory.New()
		return func(tn o2c.TenantID) kernel.Scope { return db.MustTenant(tn).Kernel() }
	})
}

func TestLedgerStoreSQLite(t *testing.T) {
	runStoreTests(t, func(t *testing.T) func(o2c.TenantID) kernel.Scope {
		db := sqltest.SQLite(t, sqlstore.Options{})
		return func(tn o2c.TenantID) kernel.Scope { return db.MustTenant(tn).Kernel() }
	})
}

func TestLedgerStorePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	runStoreTests(t, func(t *testing.T) func(o2c.TenantID) kernel.Scope {
		db := sqltest.Postgres(t, sqlstore.Options{})
		return func(tn o2c.TenantID) kernel.Scope { return db.MustTenant(tn).Kernel() }
	})
}

// runStoreTests is the ledger store's conformance suite, one subtest per
// behaviour.
func runStoreTests(t *testing.T, open backend) {
	t.Run("PostsEachEventOnce", func(t *testing.T) { testPostsOnce(t, open(t)) })
	t.Run("NumbersPerJournalWithoutGaps", func(t *testing.T) { testNumbering(t, open(t)) })
	t.Run("PeriodLocks", func(t *testing.T) { testLocks(t, open(t)) })
	t.Run("TenantsAreIsolated", func(t *testing.T) { testTenants(t, open(t)) })
	t.Run("ConcurrentPostersWriteOnce", func(t *testing.T) { testConcurrent(t, open(t)) })
	t.Run("FECDemoYear", func(t *testing.T) { testFECDemoYear(t, open(t)) })
}

// smallHistory: an invoice, a payment applied to it, a bank fee.
func smallHistory(t *testing.T) []o2c.Event {
	w := newWorld(t, time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC))
	c := o2c.NewCustomerID()
	inv := w.issue(c, o2c.EUR, nil, line("", "1", "100.00", o2c.EUR, "20"))
	w.clock.Advance(15 * 24 * time.Hour)
	p := w.pay1(c, eur("120.00"), "bank-1")
	w.allocate(p, inv, eur("120.00"), "a1")
	fee, err := ledger.NewBankFeeEvent("acme", ledger.BankFee{Key: "stmt-7/3", Amount: eur("1.50"), Date: o2c.MustDate(2026, 2, 4)}, w.clock.Now())
	require.NoError(t, err)
	return append(w.events(), fee)
}

func newPoster(t *testing.T, s ledger.Store, opts ledger.PosterOptions) *ledger.Poster {
	p, err := ledger.NewPoster(demoBook(t), s, opts)
	require.NoError(t, err)
	return p
}

func testPostsOnce(t *testing.T, scopes func(o2c.TenantID) kernel.Scope) {
	ctx := context.Background()
	store := ledger.NewKernelStore(scopes("acme"))
	p := newPoster(t, store, ledger.PosterOptions{Clock: o2c.NewManualClock(time.Date(2026, 2, 5, 8, 0, 0, 0, time.UTC))})
	events := smallHistory(t)
	require.NoError(t, p.PostAll(ctx, events))
	first, err := store.Entries(ctx, ledger.Period{})
	require.NoError(t, err)
	require.Len(t, first, 4, "invoice, payment received, payment applied, bank fee")
	// delivered again (at-least-once), in another order: nothing more
	for i := len(events) - 1; i >= 0; i-- {
		got, err := p.Post(ctx, events[i])
		require.NoError(t, err)
		assert.Empty(t, got)
	}
	again, err := store.Entries(ctx, ledger.Period{})
	require.NoError(t, err)
	assert.Equal(t, first, again)
	for _, e := range first {
		ok, err := store.Posted(ctx, e.Key)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, o2c.MustDate(2026, 2, 5), e.ValidDate)
	}
	// the same fee appended twice by the host (two events, one key) posts once
	dup, err := ledger.NewBankFeeEvent("acme", ledger.BankFee{Key: "stmt-7/3", Amount: eur("1.50"), Date: o2c.MustDate(2026, 2, 4)}, time.Now())
	require.NoError(t, err)
	got, err := p.Post(ctx, dup)
	require.NoError(t, err)
	assert.Empty(t, got)
	// reading back gives the entries as posted
	byType := map[string]ledger.Entry{}
	for _, e := range first {
		byType[e.EventType] = e
	}
	assert.Equal(t, []string{"D 411 120.00", "C 706 100.00", "C 44571 20.00"}, show(byType[invoice.EventIssued]))
	assert.Equal(t, "120.00 EUR", byType[invoice.EventIssued].Lines[0].Amount.String())
	assert.Equal(t, o2c.MustDate(2026, 2, 19), byType[invoice.EventIssued].Lines[0].DueDate)
}

func testNumbering(t *testing.T, scopes func(o2c.TenantID) kernel.Scope) {
	ctx := context.Background()
	store := ledger.NewKernelStore(scopes("acme"))
	p := newPoster(t, store, ledger.PosterOptions{})
	require.NoError(t, p.PostAll(ctx, demoYear(t)[:120]))
	entries, err := store.Entries(ctx, ledger.Period{})
	require.NoError(t, err)
	last := map[string]int64{}
	for _, e := range entries {
		assert.Equal(t, last[e.Journal]+1, e.Number, "journal %s", e.Journal)
		last[e.Journal] = e.Number
	}
	assert.Len(t, last, 3)
	// a period reads the entries dated in it, still in posting order
	march := ledger.Month(o2c.MustDate(2026, 3, 1))
	in, err := store.Entries(ctx, march)
	require.NoError(t, err)
	require.NotEmpty(t, in)
	n := 0
	for _, e := range entries {
		if march.Contains(e.Date) {
			assert.Equal(t, e.Key, in[n].Key)
			n++
		}
	}
	assert.Equal(t, n, len(in))
}

func testLocks(t *testing.T, scopes func(o2c.TenantID) kernel.Scope) {
	ctx := context.Background()
	store := ledger.NewKernelStore(scopes("acme"))
	jan := ledger.Month(o2c.MustDate(2026, 1, 1))
	require.NoError(t, store.Lock(ctx, jan))
	require.NoError(t, store.Lock(ctx, jan), "locking twice is a no-op")
	require.ErrorIs(t, store.Lock(ctx, ledger.Period{From: jan.To, To: jan.From}), o2c.ErrValidation)
	locks, err := store.Locks(ctx)
	require.NoError(t, err)
	assert.Equal(t, []ledger.Period{jan}, locks)

	events := smallHistory(t) // the invoice is dated 2026-01-20
	strict := newPoster(t, store, ledger.PosterOptions{Locked: ledger.RefuseLocked})
	_, err = strict.Post(ctx, events[0])
	var le *ledger.PeriodLockedError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, jan, le.Period)
	ok, err := store.Posted(ctx, ledger.KeyOf(events[0]))
	require.NoError(t, err)
	assert.False(t, ok, "a refused event leaves nothing behind")

	moving := newPoster(t, store, ledger.PosterOptions{})
	got, err := moving.Post(ctx, events[0])
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, o2c.MustDate(2026, 2, 1), got[0].Date, "moved to the first open day")
	assert.Equal(t, o2c.MustDate(2026, 1, 20), got[0].OriginalDate)
	assert.Equal(t, o2c.MustDate(2026, 1, 20), got[0].PieceDate, "the document keeps its date")

	require.NoError(t, store.Unlock(ctx, jan))
	locks, err = store.Locks(ctx)
	require.NoError(t, err)
	assert.Empty(t, locks)
}

func testTenants(t *testing.T, scopes func(o2c.TenantID) kernel.Scope) {
	ctx := context.Background()
	acme, globex := ledger.NewKernelStore(scopes("acme")), ledger.NewKernelStore(scopes("globex"))
	require.NoError(t, newPoster(t, acme, ledger.PosterOptions{}).PostAll(ctx, smallHistory(t)))
	require.NoError(t, acme.Lock(ctx, ledger.Month(o2c.MustDate(2025, 12, 1))))
	es, err := globex.Entries(ctx, ledger.Period{})
	require.NoError(t, err)
	assert.Empty(t, es)
	locks, err := globex.Locks(ctx)
	require.NoError(t, err)
	assert.Empty(t, locks)
	// globex numbers its own journals from 1
	events := smallHistory(t)
	require.NoError(t, newPoster(t, globex, ledger.PosterOptions{}).PostAll(ctx, events))
	es, err = globex.Entries(ctx, ledger.Period{})
	require.NoError(t, err)
	require.NotEmpty(t, es)
	assert.Equal(t, int64(1), es[0].Number)
}

func testConcurrent(t *testing.T, scopes func(o2c.TenantID) kernel.Scope) {
	ctx := context.Background()
	store := ledger.NewKernelStore(scopes("acme"))
	events := demoYear(t)[:60]
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, _ := ledger.NewPoster(demoBook(t), store, ledger.PosterOptions{})
			for i := range events {
				e := events[(i+g*15)%len(events)] // each starts elsewhere
				for {
					_, err := p.Post(ctx, e)
					if err == nil {
						break
					}
					if !isRetryable(err) {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	entries, err := store.Entries(ctx, ledger.Period{})
	require.NoError(t, err)
	want := books(t, demoBook(t), events)
	assert.Len(t, entries, len(want), "every event's entries once")
	seen := map[string]bool{}
	last := map[string]int64{}
	for _, e := range entries {
		assert.False(t, seen[e.Key], "key %s twice", e.Key)
		seen[e.Key] = true
		assert.Equal(t, last[e.Journal]+1, e.Number)
		last[e.Journal] = e.Number
	}
}

func testFECDemoYear(t *testing.T, scopes func(o2c.TenantID) kernel.Scope) {
	ctx := context.Background()
	store := ledger.NewKernelStore(scopes("acme"))
	clock := o2c.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	p := newPoster(t, store, ledger.PosterOptions{Clock: clock})
	for _, e := range demoYear(t) {
		clock.Set(e.OccurredAt) // posted as it happens
		_, err := p.Post(ctx, e)
		require.NoError(t, err)
	}
	entries, err := store.Entries(ctx, ledger.Period{})
	require.NoError(t, err)
	require.Greater(t, len(entries), 150)
	checkDemoFEC(t, p.Book(), entries)
}
