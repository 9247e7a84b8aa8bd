package sqlstore

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
)

// widget is a stand-in aggregate for testing the table mechanism that the
// domain stores are built on.
type widget struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Count   int    `json:"count"`
	Version int64  `json:"version"`
}

var widgets = &table[widget]{
	name:       "test_widgets",
	kind:       "widget",
	id:         func(w *widget) string { return w.ID },
	version:    func(w *widget) int64 { return w.Version },
	setVersion: func(w *widget, v int64) { w.Version = v },
	columns:    []string{"name"},
	values:     func(_ *DB, w *widget) []any { return []any{w.Name} },
}

func widgetDB(t *testing.T, db *DB) *DB {
	body := "TEXT"
	if db.dialect == Postgres {
		body = "JSONB"
	}
	_, err := db.sql.Exec(`CREATE TABLE test_widgets (tenant TEXT NOT NULL, id TEXT NOT NULL, version BIGINT NOT NULL,
		body ` + body + ` NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (tenant, id))`)
	require.NoError(t, err)
	return db
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
	forEachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		widgetDB(t, db)
		w := &widget{ID: "w1", Name: "bolt"}
		require.NoError(t, widgets.insert(ctx, db, "acme", w, []o2c.Event{evt(t, "acme", "widget.created")}))
		assert.EqualValues(t, 1, w.Version)
		assert.Equal(t, 1, pendingCount(t, db, "acme"))

		// duplicate id
		err := widgets.insert(ctx, db, "acme", &widget{ID: "w1", Name: "x"}, nil)
		require.ErrorIs(t, err, o2c.ErrConflict)

		// Update with the closure: change and events land together
		got, err := widgets.update(ctx, db, "acme", "w1", func(w *widget) ([]o2c.Event, error) {
			w.Count++
			return []o2c.Event{evt(t, "acme", "widget.counted")}, nil
		})
		require.NoError(t, err)
		assert.Equal(t, 1, got.Count)
		assert.EqualValues(t, 2, got.Version)
		assert.Equal(t, 2, pendingCount(t, db, "acme"))

		// a failing closure writes nothing, not even its events
		boom := errors.New("boom")
		_, err = widgets.update(ctx, db, "acme", "w1", func(w *widget) ([]o2c.Event, error) {
			w.Count = 100
			return nil, boom
		})
		require.ErrorIs(t, err, boom)
		got, err = widgets.get(ctx, db, "acme", "w1")
		require.NoError(t, err)
		assert.Equal(t, 1, got.Count)
		assert.EqualValues(t, 2, got.Version)

		// a lost race: two readers of version 2, the second save conflicts
		a, err := widgets.get(ctx, db, "acme", "w1")
		require.NoError(t, err)
		b, err := widgets.get(ctx, db, "acme", "w1")
		require.NoError(t, err)
		a.Name = "a"
		b.Name = "b"
		require.NoError(t, widgets.save(ctx, db, "acme", a, nil))
		err = widgets.save(ctx, db, "acme", b, []o2c.Event{evt(t, "acme", "widget.renamed")})
		require.ErrorIs(t, err, o2c.ErrConflict)
		assert.Equal(t, 2, pendingCount(t, db, "acme"), "the loser's events are not written")
		got, err = widgets.get(ctx, db, "acme", "w1")
		require.NoError(t, err)
		assert.Equal(t, "a", got.Name)

		// tenant scoping
		_, err = widgets.get(ctx, db, "other", "w1")
		require.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = widgets.update(ctx, db, "other", "w1", func(*widget) ([]o2c.Event, error) { return nil, nil })
		require.ErrorIs(t, err, o2c.ErrNotFound)
		list, err := widgets.list(ctx, db, "other", query{})
		require.NoError(t, err)
		assert.Empty(t, list)
		require.NoError(t, widgets.insert(ctx, db, "other", &widget{ID: "w1", Name: "theirs"}, nil), "ids are per tenant")
		got, err = widgets.get(ctx, db, "acme", "w1")
		require.NoError(t, err)
		assert.Equal(t, "a", got.Name)

		// list with filter and paging
		for _, id := range []string{"w2", "w3", "w4"} {
			require.NoError(t, widgets.insert(ctx, db, "acme", &widget{ID: id, Name: "bulk"}, nil))
		}
		page, err := widgets.list(ctx, db, "acme", query{where: "name = $2", args: []any{"bulk"}, orderBy: "id", limit: 2, offset: 1})
		require.NoError(t, err)
		require.Len(t, page, 2)
		assert.Equal(t, "w3", page[0].ID)
		assert.Equal(t, "w4", page[1].ID)
	})
}

func TestTableConcurrentUpdatesLoseNothing(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		widgetDB(t, db)
		require.NoError(t, widgets.insert(ctx, db, "acme", &widget{ID: "w1", Name: "n"}, nil))
		const workers, each = 4, 10
		var wg sync.WaitGroup
		var mu sync.Mutex
		var errs []error
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					_, err := widgets.update(ctx, db, "acme", "w1", func(w *widget) ([]o2c.Event, error) {
						w.Count++
						return nil, nil
					})
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		require.Empty(t, errs)
		got, err := widgets.get(ctx, db, "acme", "w1")
		require.NoError(t, err)
		assert.Equal(t, workers*each, got.Count)
		assert.EqualValues(t, 1+workers*each, got.Version)
	})
}

func TestTableInCallerTxRollsBackWithIt(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		widgetDB(t, db)
		boom := errors.New("boom")
		err := db.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, widgets.insert(ctx, db, "acme", &widget{ID: "w1", Name: "n"}, []o2c.Event{evt(t, "acme", "c")}))
			return boom
		})
		require.ErrorIs(t, err, boom)
		_, err = widgets.get(ctx, db, "acme", "w1")
		require.ErrorIs(t, err, o2c.ErrNotFound)
		assert.Zero(t, pendingCount(t, db, "acme"))

		// a failing step inside a transaction that goes on leaves nothing behind
		require.NoError(t, db.InTx(ctx, func(ctx context.Context) error {
			require.NoError(t, widgets.insert(ctx, db, "acme", &widget{ID: "w1", Name: "n"}, nil))
			err := widgets.insert(ctx, db, "acme", &widget{ID: "w2", Name: "n"},
				[]o2c.Event{evt(t, "acme", "x"), evt(t, "other", "y")}) // the second event belongs to another tenant
			require.ErrorIs(t, err, o2c.ErrValidation)
			return nil
		}))
		_, err = widgets.get(ctx, db, "acme", "w2")
		require.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = widgets.get(ctx, db, "acme", "w1")
		require.NoError(t, err)
		assert.Zero(t, pendingCount(t, db, "acme"))
	})
}
