package outbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

func TestBackoffDelay(t *testing.T) {
	b := outbox.Backoff{Initial: time.Second, Max: 10 * time.Second}
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 60: 10 * time.Second} {
		assert.Equal(t, want, b.Delay(attempt), "attempt %d", attempt)
	}
	j := outbox.Backoff{Initial: time.Second, Max: time.Minute, Jitter: 0.5}
	for range 100 {
		d := j.Delay(3)
		assert.True(t, d > 2*time.Second && d <= 4*time.Second, "jittered %v", d)
	}
	var zero outbox.Backoff
	d := zero.Delay(1)
	assert.True(t, d > 800*time.Millisecond && d <= time.Second, "default %v", d)
	assert.LessOrEqual(t, zero.Delay(100), time.Hour)
}

func TestPermanent(t *testing.T) {
	assert.NoError(t, outbox.Permanent(nil))
	cause := errors.New("400 bad request")
	err := outbox.Permanent(cause)
	var pe *outbox.PermanentError
	assert.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, cause)
}

var errStoreDown = errors.New("store down")

// flakyStore fails its first Claim calls.
type flakyStore struct {
	outbox.DispatchStore
	mu    sync.Mutex
	fails int
}

func (f *flakyStore) Claim(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]outbox.Record, error) {
	f.mu.Lock()
	fail := f.fails > 0
	if fail {
		f.fails--
	}
	f.mu.Unlock()
	if fail {
		return nil, errStoreDown
	}
	return f.DispatchStore.Claim(ctx, limit, now, lease)
}

func TestRunReportsStoreErrorsAndCarriesOn(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &flakyStore{DispatchStore: memory.New().MustTenant("acme").Dispatch(), fails: 2}
	e, err := o2c.NewEvent("acme", "invoice", "INV-1", "invoice.issued", time.Now(), nil)
	require.NoError(t, err)
	require.NoError(t, store.Append(ctx, e))
	var mu sync.Mutex
	var storeErrs []error
	d := &outbox.Dispatcher{
		Store: store, PollInterval: time.Millisecond,
		Handler: func(ctx context.Context, r outbox.Record) error {
			cancel()
			return nil
		},
		OnError: func(r outbox.Record, err error) {
			mu.Lock()
			defer mu.Unlock()
			assert.Zero(t, r.Seq, "a store error comes with a zero record")
			storeErrs = append(storeErrs, err)
		},
	}
	require.ErrorIs(t, d.Run(ctx), context.Canceled)
	require.Len(t, storeErrs, 2)
	assert.ErrorIs(t, storeErrs[0], errStoreDown)
	recs, err := store.Pending(context.Background(), 10)
	require.NoError(t, err)
	assert.Empty(t, recs, "delivered, and marked although ctx ended during the handler")
}

func TestHandlerPanicIsAFailedAttempt(t *testing.T) {
	ctx := context.Background()
	store := memory.New().MustTenant("acme").Dispatch()
	e, err := o2c.NewEvent("acme", "invoice", "INV-1", "invoice.issued", time.Now(), nil)
	require.NoError(t, err)
	require.NoError(t, store.Append(ctx, e))
	d := &outbox.Dispatcher{Store: store, Handler: func(context.Context, outbox.Record) error { panic("bad record") }}
	n, err := d.Dispatch(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	recs, err := store.Pending(ctx, 10)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, 1, recs[0].Attempts)
	assert.Contains(t, recs[0].LastError, "bad record")

	_, err = (&outbox.Dispatcher{Handler: d.Handler}).Dispatch(ctx)
	require.ErrorIs(t, err, o2c.ErrValidation)
}
