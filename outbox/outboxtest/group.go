package outboxtest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/outbox"
)

// groupCommitTest: with GroupCommit a pass marks what it delivered in one
// call at its end; a failure in the middle is still recorded on its own
// record only.
func groupCommitTest(t *testing.T, s outbox.DispatchStore) {
	ctx := context.Background()
	for i := range 5 {
		require.NoError(t, s.Append(ctx, event(t, "acme", fmt.Sprintf("e%d", i))))
	}
	boom := errors.New("receiver down")
	seen := 0
	d := &outbox.Dispatcher{Store: s, GroupCommit: true, BatchSize: 10,
		Handler: func(ctx context.Context, r outbox.Record) error {
			seen++
			// nothing of this pass is marked before its end
			pending, err := s.Pending(ctx, 10)
			if err != nil {
				return err
			}
			assert.Len(t, pending, 5, "record %d: the earlier deliveries of the pass are not marked yet", seen)
			if seen == 3 {
				return boom
			}
			return nil
		}}
	n, err := d.Dispatch(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	pending, err := s.Pending(ctx, 10)
	require.NoError(t, err)
	require.Len(t, pending, 1, "the four delivered records were marked together")
	assert.Equal(t, "e2", pending[0].Event.Type)
	assert.Equal(t, 1, pending[0].Attempts)
	assert.Equal(t, boom.Error(), pending[0].LastError)
}
