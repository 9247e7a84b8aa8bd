package einvoicetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/o2c"
)

// storeEffects is an einvoice.Effects that, like the cycle's, uses the
// same database as the timelines while it applies an effect: it reads the
// invoice's timeline and writes a record of the effect in another
// timeline ("log-" + invoice). It counts the effects applied by kind and
// update ID, and fails the effects of the update IDs in fail.
type storeEffects struct {
	st   einvoice.TimelineStore
	mu   sync.Mutex
	n    map[string]int
	fail map[string]bool
}

var errEffect = errors.New("einvoicetest: effect failed")

func (e *storeEffects) Apply(ctx context.Context, ef einvoice.Effect) error {
	if _, err := e.st.Timeline(ctx, ef.Update.Invoice); err != nil {
		return err
	}
	e.mu.Lock()
	fail := e.fail[ef.Update.ID]
	e.mu.Unlock()
	if fail {
		return errEffect
	}
	rec := ef.Update
	rec.ID = string(ef.Kind) + ":" + ef.Update.ID
	rec.Invoice = "log-" + ef.Update.Invoice
	if err := e.st.UpdateTimeline(ctx, rec.Invoice, add(rec)); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n[string(ef.Kind)+":"+ef.Update.ID]++
	return nil
}

func (e *storeEffects) count() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int{}
	for k, v := range e.n {
		out[k] = v
	}
	return out
}

// receive runs l.Receive with a deadline, failing the test (instead of
// hanging) when it does not return: a Lifecycle must never wait for a lock
// its own call holds.
func receive(t *testing.T, l *einvoice.Lifecycle, u einvoice.StatusUpdate) ([]einvoice.Effect, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type res struct {
		es  []einvoice.Effect
		err error
	}
	ch := make(chan res, 1)
	go func() {
		es, err := l.Receive(ctx, u)
		ch <- res{es, err}
	}()
	select {
	case r := <-ch:
		return r.es, r.err
	case <-time.After(15 * time.Second):
		t.Fatalf("Receive(%s) did not return: deadlock between the store and the effects", u.ID)
		return nil, nil
	}
}

// runLifecycleTests checks that an einvoice.Lifecycle over the store,
// whose effects use the same database, completes with and without a
// transaction, carries out each effect once, and ignores replays.
func runLifecycleTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	for _, withTx := range []bool{false, true} {
		name := "LifecycleWithoutTxEffectsUseTheStore"
		if withTx {
			name = "LifecycleInTxEffectsUseTheStore"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			if withTx && h.Tx == nil {
				t.Skip("the store joins no transaction")
			}
			st := h.Store("acme")
			eff := &storeEffects{st: st, n: map[string]int{}, fail: map[string]bool{}}
			opt := einvoice.LifecycleOptions{Store: st, Effects: eff}
			if withTx {
				opt.Tx = h.Tx
			}
			l := einvoice.NewLifecycle(opt)

			es, err := receive(t, l, update("F-1", 1, einvoice.StatusDisputed))
			require.NoError(t, err)
			require.Len(t, es, 1)
			assert.Equal(t, einvoice.EffectOpenDispute, es[0].Kind)

			es, err = receive(t, l, update("F-1", 1, einvoice.StatusDisputed))
			require.NoError(t, err)
			assert.Empty(t, es, "a replay is a no-op")

			es, err = receive(t, l, update("F-1", 3, einvoice.StatusApproved))
			require.NoError(t, err)
			require.Len(t, es, 1)
			assert.Equal(t, einvoice.EffectCloseDispute, es[0].Kind)

			es, err = receive(t, l, update("F-1", 2, einvoice.StatusSuspended))
			require.NoError(t, err)
			assert.Empty(t, es, "an update older than the current status has no effect")

			assert.Equal(t, map[string]int{"open_dispute:F-1/1": 1, "close_dispute:F-1/3": 1}, eff.count())
			tl, err := st.Timeline(context.Background(), "F-1")
			require.NoError(t, err)
			assert.Equal(t, []string{"F-1/1", "F-1/2", "F-1/3"}, ids(tl))
			assert.Empty(t, tl.Pending)
			log, err := st.Timeline(context.Background(), "log-F-1")
			require.NoError(t, err)
			assert.Equal(t, []string{"open_dispute:F-1/1", "close_dispute:F-1/3"}, ids(log))

			// A failing effect: in a transaction nothing is recorded; without
			// one the update is recorded with its effect pending. Either way
			// receiving it again carries the effect out, once.
			u := update("F-1", 4, einvoice.StatusSuspended)
			eff.mu.Lock()
			eff.fail[u.ID] = true
			eff.mu.Unlock()
			_, err = receive(t, l, u)
			require.ErrorIs(t, err, errEffect)
			tl, err = st.Timeline(context.Background(), "F-1")
			require.NoError(t, err)
			if withTx {
				assert.Equal(t, []string{"F-1/1", "F-1/2", "F-1/3"}, ids(tl))
				assert.Empty(t, tl.Pending)
			} else {
				assert.Equal(t, []string{"F-1/1", "F-1/2", "F-1/3", "F-1/4"}, ids(tl))
				require.Len(t, tl.Pending, 1)
				assert.Equal(t, einvoice.EffectSuspendDunning, tl.Pending[0].Kind)
				assert.Equal(t, u.ID, tl.Pending[0].Update.ID)
			}
			eff.mu.Lock()
			eff.fail[u.ID] = false
			eff.mu.Unlock()
			es, err = receive(t, l, u)
			require.NoError(t, err)
			require.Len(t, es, 1)
			assert.Equal(t, einvoice.EffectSuspendDunning, es[0].Kind)
			es, err = receive(t, l, u)
			require.NoError(t, err)
			assert.Empty(t, es)
			assert.Equal(t, 1, eff.count()["suspend_dunning:F-1/4"])
			tl, err = st.Timeline(context.Background(), "F-1")
			require.NoError(t, err)
			assert.Empty(t, tl.Pending)
			assert.Equal(t, einvoice.StatusSuspended, must(tl.Current()).Status)
		})
	}

	t.Run("LifecycleWithoutTxConcurrentReceives", func(t *testing.T) {
		h := newHarness(t)
		st := h.Store(o2c.TenantID("acme"))
		eff := &storeEffects{st: st, n: map[string]int{}, fail: map[string]bool{}}
		l := einvoice.NewLifecycle(einvoice.LifecycleOptions{Store: st, Effects: eff})
		var wg sync.WaitGroup
		ups := []einvoice.StatusUpdate{update("F-9", 1, einvoice.StatusDisputed), update("F-9", 2, einvoice.StatusApproved), update("F-8", 1, einvoice.StatusRefused)}
		errs := make([]error, 2*len(ups))
		for i := range errs {
			wg.Go(func() { _, errs[i] = receive(t, l, ups[i%len(ups)]) })
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		// Each update's effects were decided once, whatever the arrival order;
		// 207 opened a dispute only if it arrived before 205.
		c := eff.count()
		assert.Equal(t, 1, c["close_dispute:F-9/2"])
		assert.Equal(t, 1, c["stop_dunning:F-8/1"])
		assert.LessOrEqual(t, c["open_dispute:F-9/1"], 1)
	})
}

func must(u einvoice.StatusUpdate, ok bool) einvoice.StatusUpdate {
	if !ok {
		panic("einvoicetest: empty timeline")
	}
	return u
}
