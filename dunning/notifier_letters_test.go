package dunning_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/dunning"
)

// The memory notifier says what it delivered and what it did not: letters
// in delivery order, refused offers, repeats acknowledged without a copy.
func TestMemoryNotifierLettersRefusedRepeats(t *testing.T) {
	ctx := context.Background()
	n := dunning.NewMemoryNotifier()
	require.NoError(t, n.Deliver(ctx, dunning.Delivery{Key: "a"}))
	n.FailAfter(0)
	err := n.Deliver(ctx, dunning.Delivery{Key: "b"})
	assert.True(t, errors.Is(err, dunning.ErrInjected))
	n.Recover()
	require.NoError(t, n.Deliver(ctx, dunning.Delivery{Key: "b"}))
	require.NoError(t, n.Deliver(ctx, dunning.Delivery{Key: "a"}))

	var keys []string
	for _, d := range n.Letters() {
		keys = append(keys, d.Key)
	}
	assert.Equal(t, []string{"a", "b"}, keys)
	require.Len(t, n.Refused(), 1)
	assert.Equal(t, "b", n.Refused()[0].Key)
	assert.Equal(t, 1, n.Repeats())
}
