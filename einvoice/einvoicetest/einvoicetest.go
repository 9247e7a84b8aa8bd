// Package einvoicetest is the conformance suite of einvoice.TimelineStore:
// every adapter's timeline store must pass [RunTimelineStoreTests].
package einvoicetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/o2c"
)

// Harness gives the suite the stores under test, all on one fresh
// database.
type Harness struct {
	// Tx is the database's transactor; nil for a store that joins no
	// transaction (the transaction tests are then skipped with a message).
	Tx o2c.Transactor
	// Store returns the timeline store bound to tenant t.
	Store func(t o2c.TenantID) einvoice.TimelineStore
}

var base = time.Date(2026, time.March, 10, 9, 30, 0, 123456789, time.UTC)

// update is the status update number i of invoice, i minutes after base.
func update(invoice string, i int, s einvoice.Status) einvoice.StatusUpdate {
	return einvoice.StatusUpdate{ID: fmt.Sprintf("%s/%d", invoice, i), Invoice: invoice, Status: s, At: base.Add(time.Duration(i) * time.Minute)}
}

func add(u einvoice.StatusUpdate) func(*einvoice.Timeline) error {
	return func(t *einvoice.Timeline) error { _, err := t.Add(u); return err }
}

func ids(tl einvoice.Timeline) []string {
	out := make([]string, len(tl.Updates))
	for i, u := range tl.Updates {
		out[i] = u.ID
	}
	return out
}

var errBoom = errors.New("einvoicetest: fn failed")

// RunTimelineStoreTests runs the conformance suite; newHarness is called
// once per subtest and must return stores on an empty database.
func RunTimelineStoreTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	ctx := context.Background()
	runLifecycleTests(t, newHarness)

	t.Run("TimelineOfUnknownInvoiceIsEmpty", func(t *testing.T) {
		st := newHarness(t).Store("acme")
		tl, err := st.Timeline(ctx, "F-404")
		require.NoError(t, err)
		assert.Equal(t, "F-404", tl.Invoice)
		assert.Empty(t, tl.Updates)
		_, ok := tl.Current()
		assert.False(t, ok)
	})

	t.Run("UpdateTimelineCreatesOnFirstUse", func(t *testing.T) {
		st := newHarness(t).Store("acme")
		var seen einvoice.Timeline
		err := st.UpdateTimeline(ctx, "F-1", func(tl *einvoice.Timeline) error {
			seen = *tl
			return add(update("F-1", 1, einvoice.StatusDeposited))(tl)
		})
		require.NoError(t, err)
		assert.Equal(t, "F-1", seen.Invoice, "fn gets the empty timeline of the invoice")
		assert.Empty(t, seen.Updates)
		require.NoError(t, st.UpdateTimeline(ctx, "F-1", add(update("F-1", 2, einvoice.StatusIssued))))
		tl, err := st.Timeline(ctx, "F-1")
		require.NoError(t, err)
		assert.Equal(t, "F-1", tl.Invoice)
		assert.Equal(t, []string{"F-1/1", "F-1/2"}, ids(tl))
	})

	t.Run("UpdatesRoundTrip", func(t *testing.T) {
		st := newHarness(t).Store("acme")
		paid := einvoice.StatusUpdate{ID: "s-211", Invoice: "F-7", Status: einvoice.StatusPaymentTransmitted,
			At: base.In(time.FixedZone("CET", 3600)), Reason: "virement émis", Amount: o2c.MustMoney("1234.56", "EUR"), Date: o2c.MustDate(2026, time.April, 2)}
		partial := einvoice.StatusUpdate{ID: "s-206", Invoice: "F-7", Status: einvoice.StatusPartiallyApproved,
			At: base.Add(-time.Hour), Amount: o2c.MustMoney("1000.10", "EUR")}
		require.NoError(t, st.UpdateTimeline(ctx, "F-7", add(paid)))
		require.NoError(t, st.UpdateTimeline(ctx, "F-7", add(partial)))
		tl, err := st.Timeline(ctx, "F-7")
		require.NoError(t, err)
		require.Equal(t, []string{"s-206", "s-211"}, ids(tl), "kept in time order")
		got := tl.Updates[1]
		assert.Equal(t, "F-7", got.Invoice)
		assert.Equal(t, einvoice.StatusPaymentTransmitted, got.Status)
		assert.True(t, got.At.Equal(base), "instant kept to the nanosecond: %v", got.At)
		assert.Equal(t, "virement émis", got.Reason)
		assert.True(t, got.Amount.Equal(paid.Amount) && got.Amount.Currency() == o2c.EUR, "amount %v", got.Amount)
		assert.Equal(t, paid.Date, got.Date)
		assert.True(t, tl.Updates[0].Amount.Equal(partial.Amount), "amount %v", tl.Updates[0].Amount)
		// The same update again is recognised as already there.
		require.NoError(t, st.UpdateTimeline(ctx, "F-7", func(tl *einvoice.Timeline) error {
			added, err := tl.Add(paid)
			require.NoError(t, err)
			assert.False(t, added, "a stored update keeps its identity")
			return nil
		}))
	})

	t.Run("FnErrorWritesNothing", func(t *testing.T) {
		st := newHarness(t).Store("acme")
		err := st.UpdateTimeline(ctx, "F-1", func(tl *einvoice.Timeline) error {
			require.NoError(t, add(update("F-1", 1, einvoice.StatusDeposited))(tl))
			return errBoom
		})
		require.ErrorIs(t, err, errBoom)
		tl, err := st.Timeline(ctx, "F-1")
		require.NoError(t, err)
		assert.Empty(t, tl.Updates, "a failed first update creates nothing")

		require.NoError(t, st.UpdateTimeline(ctx, "F-1", add(update("F-1", 2, einvoice.StatusIssued))))
		err = st.UpdateTimeline(ctx, "F-1", func(tl *einvoice.Timeline) error {
			require.NoError(t, add(update("F-1", 3, einvoice.StatusReceived))(tl))
			tl.Updates = tl.Updates[:0]
			return errBoom
		})
		require.ErrorIs(t, err, errBoom)
		tl, err = st.Timeline(ctx, "F-1")
		require.NoError(t, err)
		assert.Equal(t, []string{"F-1/2"}, ids(tl), "a failed update leaves the stored timeline as it was")
	})

	t.Run("ChangingTheTimelineOutsideFnChangesNothing", func(t *testing.T) {
		st := newHarness(t).Store("acme")
		var kept *einvoice.Timeline
		require.NoError(t, st.UpdateTimeline(ctx, "F-1", func(tl *einvoice.Timeline) error {
			kept = tl
			return add(update("F-1", 1, einvoice.StatusDeposited))(tl)
		}))
		kept.Updates[0].Reason = "changed after the fact"
		tl, err := st.Timeline(ctx, "F-1")
		require.NoError(t, err)
		tl.Updates[0].Status = einvoice.StatusRejected
		again, err := st.Timeline(ctx, "F-1")
		require.NoError(t, err)
		assert.Empty(t, again.Updates[0].Reason)
		assert.Equal(t, einvoice.StatusDeposited, again.Updates[0].Status)
	})

	t.Run("ConcurrentUpdatesLoseNoStatus", func(t *testing.T) {
		st := newHarness(t).Store("acme")
		const n = 16
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				s := einvoice.StatusDeposited + einvoice.Status(i%14)
				if s == einvoice.StatusPartiallyApproved || s == einvoice.StatusCollected {
					s = einvoice.StatusInHand // 206 and 212 need an amount
				}
				errs[i] = st.UpdateTimeline(ctx, "F-1", add(update("F-1", i, s)))
			})
		}
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "goroutine %d", i)
		}
		tl, err := st.Timeline(ctx, "F-1")
		require.NoError(t, err)
		want := make([]string, n)
		for i := range n {
			want[i] = fmt.Sprintf("F-1/%d", i)
		}
		assert.Equal(t, want, ids(tl), "all %d statuses kept, in time order", n)
	})

	t.Run("TenantsAreIsolated", func(t *testing.T) {
		h := newHarness(t)
		a, b := h.Store("acme"), h.Store("globex")
		require.NoError(t, a.UpdateTimeline(ctx, "F-1", add(update("F-1", 1, einvoice.StatusDeposited))))
		tl, err := b.Timeline(ctx, "F-1")
		require.NoError(t, err)
		assert.Empty(t, tl.Updates, "another tenant's invoice of the same number is not visible")
		require.NoError(t, b.UpdateTimeline(ctx, "F-1", func(tl *einvoice.Timeline) error {
			assert.Empty(t, tl.Updates, "fn sees only its tenant's timeline")
			return add(update("F-1", 5, einvoice.StatusRejected))(tl)
		}))
		tl, err = a.Timeline(ctx, "F-1")
		require.NoError(t, err)
		assert.Equal(t, []string{"F-1/1"}, ids(tl))
		tl, err = b.Timeline(ctx, "F-1")
		require.NoError(t, err)
		assert.Equal(t, []string{"F-1/5"}, ids(tl))
	})

	t.Run("JoinsTheContextTransaction", func(t *testing.T) {
		h := newHarness(t)
		if h.Tx == nil {
			t.Skip("einvoicetest: the store joins no transaction (Harness.Tx is nil)")
		}
		st := h.Store("acme")
		err := h.Tx.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, st.UpdateTimeline(ctx, "F-1", add(update("F-1", 1, einvoice.StatusDeposited))))
			tl, err := st.Timeline(ctx, "F-1")
			require.NoError(t, err)
			assert.Equal(t, []string{"F-1/1"}, ids(tl), "visible inside the transaction")
			return errBoom
		})
		require.ErrorIs(t, err, errBoom)
		tl, err := st.Timeline(ctx, "F-1")
		require.NoError(t, err)
		assert.Empty(t, tl.Updates, "rolled back with the transaction")

		// A failed update inside a transaction that carries on and commits
		// leaves nothing either, while the transaction's other writes stay.
		require.NoError(t, h.Tx.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, st.UpdateTimeline(ctx, "F-2", add(update("F-2", 1, einvoice.StatusDeposited))))
			err := st.UpdateTimeline(ctx, "F-1", func(tl *einvoice.Timeline) error {
				require.NoError(t, add(update("F-1", 2, einvoice.StatusIssued))(tl))
				return errBoom
			})
			require.ErrorIs(t, err, errBoom)
			return nil
		}))
		tl, err = st.Timeline(ctx, "F-1")
		require.NoError(t, err)
		assert.Empty(t, tl.Updates)
		tl, err = st.Timeline(ctx, "F-2")
		require.NoError(t, err)
		assert.Equal(t, []string{"F-2/1"}, ids(tl))
	})
}
