package outbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/telemetry"
	"github.com/cashcycle/sdk/telemetry/telemetrytest"
)

// A dispatcher given providers emits a span per pass and counts what it
// delivered and what failed; without them it records nothing and works.
func TestDispatcherTelemetry(t *testing.T) {
	ctx := context.Background()
	store := memory.New().MustTenant("acme").Dispatch()
	for _, typ := range []string{"ok", "bad"} {
		e, err := o2c.NewEvent("acme", "thing", "T-1", typ, time.Now(), nil)
		require.NoError(t, err)
		require.NoError(t, store.Append(ctx, e))
	}
	rec := telemetrytest.New()
	d := outbox.Dispatcher{Store: store, Telemetry: rec.Options(), Handler: func(_ context.Context, r outbox.Record) error {
		if r.Event.Type == "bad" {
			return errors.New("refused")
		}
		return nil
	}}
	n, err := d.Dispatch(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, []string{"outbox.Dispatch"}, rec.SpanNames())
	assert.Equal(t, int64(1), rec.Counter(telemetry.Dispatched))
	assert.Equal(t, int64(1), rec.Counter(telemetry.DispatchFailed))
}
