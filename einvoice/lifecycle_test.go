package einvoice_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/o2c"
)

func upd(id string, s einvoice.Status, minute int) einvoice.StatusUpdate {
	return einvoice.StatusUpdate{ID: id, Invoice: "F-1", Status: s, At: now.Add(time.Duration(minute) * time.Minute)}
}

func TestTransitionTable(t *testing.T) {
	kinds := func(es []einvoice.Effect) []einvoice.EffectKind {
		var out []einvoice.EffectKind
		for _, e := range es {
			out = append(out, e.Kind)
		}
		return out
	}
	none := einvoice.StatusUpdate{}
	for s := einvoice.Status(200); s <= 213; s++ {
		got := kinds(einvoice.Transition(none, false, upd("a", s, 0)))
		var want []einvoice.EffectKind
		switch s {
		case 205:
			want = []einvoice.EffectKind{einvoice.EffectCloseDispute}
		case 206:
			want = []einvoice.EffectKind{einvoice.EffectReduceDispute}
		case 207:
			want = []einvoice.EffectKind{einvoice.EffectOpenDispute}
		case 208:
			want = []einvoice.EffectKind{einvoice.EffectSuspendDunning}
		case 210, 213:
			want = []einvoice.EffectKind{einvoice.EffectStopDunning}
		case 211:
			want = []einvoice.EffectKind{einvoice.EffectPromise}
		}
		assert.Equal(t, want, got, "%s", s)
		assert.True(t, s.IsValid())
		assert.NotEmpty(t, s.Label())
	}
	assert.Equal(t, []einvoice.EffectKind{einvoice.EffectResumeDunning}, kinds(einvoice.Transition(upd("a", 208, 0), true, upd("b", 209, 1))))
	assert.Empty(t, einvoice.Transition(upd("a", 207, 0), true, upd("a", 207, 0)))
	assert.False(t, einvoice.Status(214).IsValid())
	assert.Equal(t, "207 En litige", einvoice.StatusDisputed.String())
}

func TestTimelineIdempotentAndConflicting(t *testing.T) {
	var tl einvoice.Timeline
	added, err := tl.Add(upd("a", 207, 0))
	require.NoError(t, err)
	assert.True(t, added)
	added, err = tl.Add(upd("a", 207, 0))
	require.NoError(t, err)
	assert.False(t, added)
	_, err = tl.Add(upd("a", 205, 0))
	assert.ErrorIs(t, err, o2c.ErrConflict)
	bad := upd("b", 299, 0)
	_, err = tl.Add(bad)
	assert.ErrorIs(t, err, o2c.ErrValidation)
	other := upd("c", 205, 0)
	other.Invoice = "F-2"
	_, err = tl.Add(other)
	assert.ErrorIs(t, err, o2c.ErrValidation)
	assert.Len(t, tl.Updates, 1)
}

// recorder is an Effects that records what it is asked.
type recorder struct {
	effects []einvoice.Effect
	fail    bool
}

func (r *recorder) Apply(_ context.Context, e einvoice.Effect) error {
	if r.fail {
		return errors.New("boom")
	}
	r.effects = append(r.effects, e)
	return nil
}

// TestOutOfOrderArrivalGivesTheSameTimeline: whatever order and however
// many times the platform delivers a set of updates, the timeline and the
// current status are the same, and the effects end with those of the
// latest status.
func TestOutOfOrderArrivalGivesTheSameTimeline(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 8).Draw(t, "n")
		var ups []einvoice.StatusUpdate
		for i := range n {
			s := einvoice.Status(rapid.IntRange(200, 211).Draw(t, "status"))
			u := upd(fmt.Sprint("u", i), s, rapid.IntRange(0, 20).Draw(t, "minute"))
			if s == einvoice.StatusPartiallyApproved {
				u.Amount = eur("10.00")
			}
			ups = append(ups, u)
		}
		order := rapid.Permutation(ups).Draw(t, "order")
		order = append(order, rapid.SampledFrom(ups).Draw(t, "repeat"))
		rec := &recorder{}
		l := einvoice.NewLifecycle(einvoice.LifecycleOptions{Effects: rec})
		for _, u := range order {
			_, err := l.Receive(context.Background(), u)
			require.NoError(t, err)
		}
		ref := einvoice.Timeline{}
		for _, u := range ups {
			_, err := ref.Add(u)
			require.NoError(t, err)
		}
		got, err := l.Timeline(context.Background(), "F-1")
		require.NoError(t, err)
		require.Equal(t, len(ups), len(got.Updates))
		for i := range ups {
			require.Equal(t, ref.Updates[i].ID, got.Updates[i].ID)
		}
		cur, _ := got.Current()
		if want := einvoice.Transition(einvoice.StatusUpdate{}, false, cur); len(want) > 0 {
			last := rec.effects[len(rec.effects)-1]
			require.Equal(t, want[len(want)-1].Kind, last.Kind)
			require.Equal(t, cur.ID, last.Update.ID)
		}
	})
}

// TestReceiveWithoutTxKeepsAFailedEffectPending: without a Transactor a
// failed effect leaves the update recorded with the effect pending, and
// receiving the update again carries it out (once) and clears it.
func TestReceiveWithoutTxKeepsAFailedEffectPending(t *testing.T) {
	rec := &recorder{fail: true}
	l := einvoice.NewLifecycle(einvoice.LifecycleOptions{Effects: rec})
	_, err := l.Receive(context.Background(), upd("a", 207, 0))
	require.Error(t, err)
	tl, err := l.Timeline(context.Background(), "F-1")
	require.NoError(t, err)
	require.Len(t, tl.Updates, 1)
	require.Len(t, tl.Pending, 1)
	assert.Equal(t, einvoice.EffectOpenDispute, tl.Pending[0].Kind)
	rec.fail = false
	es, err := l.Receive(context.Background(), upd("a", 207, 0))
	require.NoError(t, err)
	assert.Len(t, es, 1)
	es, err = l.Receive(context.Background(), upd("a", 207, 0))
	require.NoError(t, err)
	assert.Empty(t, es)
	assert.Len(t, rec.effects, 1)
	tl, err = l.Timeline(context.Background(), "F-1")
	require.NoError(t, err)
	assert.Empty(t, tl.Pending)
}

func TestMemoryPlatformIsIdempotent(t *testing.T) {
	ctx := context.Background()
	p := &einvoice.MemoryPlatform{}
	s := einvoice.Submission{ID: "x", Invoice: "F-1", Data: []byte("<a/>")}
	require.NoError(t, p.Send(ctx, s))
	require.NoError(t, p.Send(ctx, s))
	s.Data = []byte("<b/>")
	assert.ErrorIs(t, p.Send(ctx, s), o2c.ErrConflict)
	assert.Len(t, p.Submissions(), 1)

	l := einvoice.NewLifecycle(einvoice.LifecycleOptions{Platform: p})
	u, err := l.Collected(ctx, "F-1", "alloc-1", eur("12.00"), o2c.MustDate(2026, 3, 9), now)
	require.NoError(t, err)
	_, err = l.Collected(ctx, "F-1", "alloc-1", eur("12.00"), o2c.MustDate(2026, 3, 9), now)
	require.NoError(t, err)
	assert.Equal(t, []einvoice.StatusUpdate{u}, p.SentStatuses())

	p.Push(upd("p1", 202, 0), upd("p2", 204, 1))
	n, err := l.Poll(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	left, _ := p.Statuses(ctx)
	assert.Empty(t, left)
}
