package memory

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
)

type widget struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Count   int    `json:"count"`
	Version int64  `json:"version"`
}

func newWidgets() *table[widget] {
	return &table[widget]{
		kind:       "widget",
		id:         func(w *widget) string { return w.ID },
		version:    func(w *widget) int64 { return w.Version },
		setVersion: func(w *widget, v int64) { w.Version = v },
	}
}

func evt(t *testing.T, tenant o2c.TenantID, typ string) o2c.Event {
	e, err := o2c.NewEvent(tenant, "widget", "w1", typ, o2c.SystemClock{}.Now(), nil)
	require.NoError(t, err)
	return e
}

func pendingCount(t *testing.T, db *DB, tenant o2c.TenantID) int {
	recs, err := db.MustTenant(tenant).Outbox().Pending(context.Background(), 1000)
	require.NoError(t, err)
	return len(recs)
}

func TestTableUpdatePattern(t *testing.T) {
	ctx := context.Background()
	db, widgets := New(), newWidgets()
	w := &widget{ID: "w1", Name: "bolt"}
	require.NoError(t, widgets.insert(ctx, db, "acme", w, []o2c.Event{evt(t, "acme", "widget.created")}))
	assert.EqualValues(t, 1, w.Version)
	require.ErrorIs(t, widgets.insert(ctx, db, "acme", &widget{ID: "w1"}, nil), o2c.ErrConflict)

	got, err := widgets.update(ctx, db, "acme", "w1", func(w *widget) ([]o2c.Event, error) {
		w.Count++
		return []o2c.Event{evt(t, "acme", "widget.counted")}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, got.Count)
	assert.EqualValues(t, 2, got.Version)
	assert.Equal(t, 2, pendingCount(t, db, "acme"))

	// a returned copy is not the stored value
	got.Count = 99
	again, err := widgets.get(ctx, db, "acme", "w1")
	require.NoError(t, err)
	assert.Equal(t, 1, again.Count)

	boom := errors.New("boom")
	_, err = widgets.update(ctx, db, "acme", "w1", func(w *widget) ([]o2c.Event, error) { w.Count = 100; return nil, boom })
	require.ErrorIs(t, err, boom)
	again, err = widgets.get(ctx, db, "acme", "w1")
	require.NoError(t, err)
	assert.Equal(t, 1, again.Count)

	a, _ := widgets.get(ctx, db, "acme", "w1")
	b, _ := widgets.get(ctx, db, "acme", "w1")
	a.Name, b.Name = "a", "b"
	require.NoError(t, widgets.save(ctx, db, "acme", a, nil))
	require.ErrorIs(t, widgets.save(ctx, db, "acme", b, []o2c.Event{evt(t, "acme", "x")}), o2c.ErrConflict)
	assert.Equal(t, 2, pendingCount(t, db, "acme"))

	_, err = widgets.get(ctx, db, "other", "w1")
	require.ErrorIs(t, err, o2c.ErrNotFound)
	list, err := widgets.list(ctx, db, "other", nil, nil, 0, 0)
	require.NoError(t, err)
	assert.Empty(t, list)

	for _, id := range []string{"w2", "w3", "w4"} {
		require.NoError(t, widgets.insert(ctx, db, "acme", &widget{ID: id, Name: "bulk"}, nil))
	}
	page, err := widgets.list(ctx, db, "acme", func(w *widget) bool { return w.Name == "bulk" },
		func(a, b *widget) bool { return a.ID < b.ID }, 2, 1)
	require.NoError(t, err)
	require.Len(t, page, 2)
	assert.Equal(t, "w3", page[0].ID)
	assert.Equal(t, "w4", page[1].ID)
}

func TestTableConcurrentUpdatesLoseNothing(t *testing.T) {
	ctx := context.Background()
	db, widgets := New(), newWidgets()
	require.NoError(t, widgets.insert(ctx, db, "acme", &widget{ID: "w1"}, nil))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				_, err := widgets.update(ctx, db, "acme", "w1", func(w *widget) ([]o2c.Event, error) { w.Count++; return nil, nil })
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	got, err := widgets.get(ctx, db, "acme", "w1")
	require.NoError(t, err)
	assert.Equal(t, 200, got.Count)
}

func TestTableInCallerTxRollsBackWithIt(t *testing.T) {
	ctx := context.Background()
	db, widgets := New(), newWidgets()
	boom := errors.New("boom")
	err := db.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, widgets.insert(ctx, db, "acme", &widget{ID: "w1"}, []o2c.Event{evt(t, "acme", "c")}))
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = widgets.get(ctx, db, "acme", "w1")
	require.ErrorIs(t, err, o2c.ErrNotFound)
	assert.Zero(t, pendingCount(t, db, "acme"))

	require.NoError(t, db.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, widgets.insert(ctx, db, "acme", &widget{ID: "w1"}, nil))
		err := widgets.insert(ctx, db, "acme", &widget{ID: "w2"}, []o2c.Event{evt(t, "acme", "x"), evt(t, "other", "y")})
		require.ErrorIs(t, err, o2c.ErrValidation)
		return nil
	}))
	_, err = widgets.get(ctx, db, "acme", "w2")
	require.ErrorIs(t, err, o2c.ErrNotFound)
	_, err = widgets.get(ctx, db, "acme", "w1")
	require.NoError(t, err)
	assert.Zero(t, pendingCount(t, db, "acme"))
}
