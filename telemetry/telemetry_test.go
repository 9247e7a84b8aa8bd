package telemetry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/telemetry"
	"github.com/cashcycle/sdk/telemetry/telemetrytest"
)

type countingTx struct{ runs int }

func (c *countingTx) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	c.runs++
	return fn(ctx)
}

// Every transaction run through the wrapped transactor is one span, failed
// when the transaction fails; the transaction itself still runs once.
func TestTransactorSpansEveryTransaction(t *testing.T) {
	rec := telemetrytest.New()
	inner := &countingTx{}
	tx := telemetry.New(rec.Options()).Transactor(inner)

	require.NoError(t, tx.InTx(context.Background(), func(context.Context) error { return nil }))
	boom := errors.New("boom")
	assert.ErrorIs(t, tx.InTx(context.Background(), func(context.Context) error { return boom }), boom)

	assert.Equal(t, 2, inner.runs)
	spans := rec.Spans()
	require.Len(t, spans, 2)
	assert.Equal(t, "o2c.store.tx", spans[0].Name)
	assert.False(t, spans[0].Failed)
	assert.True(t, spans[1].Failed)

	// wrapping twice does not double the spans; a nil T returns tx itself
	assert.Equal(t, tx, telemetry.New(rec.Options()).Transactor(tx))
	var silent *telemetry.T
	assert.Equal(t, telemetry.TxRunner(inner), silent.Transactor(inner))
}
