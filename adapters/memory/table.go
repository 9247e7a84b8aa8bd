package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// table keeps aggregates of type T the way the SQL adapter does: keyed by
// (tenant, id), with a version for optimistic concurrency, stored as a JSON
// document. Going through JSON makes every read a deep copy and makes the
// in-memory double fail exactly where the SQL stores would if a type does
// not round-trip.
type table[T any] struct {
	kind       string
	id         func(*T) string
	version    func(*T) int64
	setVersion func(*T, int64)
	rows       map[o2c.TenantID]map[string]*row
	seq        int64
}

type row struct {
	body      []byte
	version   int64
	seq       int64 // insertion order, the default list order
	createdAt time.Time
	// memo caches what a store derived from body (query columns), valid
	// while body is unchanged: a write clears it, a rollback restores the
	// row with the memo of the body it restores.
	memo any
}

func (tb *table[T]) decode(r *row) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(r.body, v); err != nil {
		return nil, fmt.Errorf("memory: decode %s: %w", tb.kind, err)
	}
	tb.setVersion(v, r.version)
	return v, nil
}

// insert stores v as version 1 with events.
func (tb *table[T]) insert(ctx context.Context, db *DB, tenant o2c.TenantID, v *T, events []o2c.Event) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("memory: encode %s: %w", tb.kind, err)
	}
	err = db.write(ctx, func(t *tx) error { return tb.insertIn(t, tenant, v, body, events) })
	if err == nil {
		tb.setVersion(v, 1)
	}
	return err
}

// insertIn stores v, encoded as body, as version 1 with events in t.
func (tb *table[T]) insertIn(t *tx, tenant o2c.TenantID, v *T, body []byte, events []o2c.Event) error {
	db := t.db
	id := tb.id(v)
	if tb.rows == nil {
		tb.rows = map[o2c.TenantID]map[string]*row{}
	}
	if tb.rows[tenant] == nil {
		tb.rows[tenant] = map[string]*row{}
	}
	if tb.rows[tenant][id] != nil {
		return o2c.Conflict(tb.kind, id, "already exists")
	}
	tb.seq++
	tb.rows[tenant][id] = &row{body: body, version: 1, seq: tb.seq, createdAt: db.clock.Now()}
	t.onRollback(func() { delete(tb.rows[tenant], id) })
	return db.outbox.append(t, tenant, events)
}

// get returns a copy of the stored aggregate; missing is o2c.ErrNotFound.
func (tb *table[T]) get(ctx context.Context, db *DB, tenant o2c.TenantID, id string) (*T, error) {
	var out *T
	err := db.read(ctx, func() error {
		r := tb.rows[tenant][id]
		if r == nil {
			return o2c.NotFound(tb.kind, id)
		}
		var err error
		out, err = tb.decode(r)
		return err
	})
	return out, err
}

// save writes v if the stored version is still v's; stale is o2c.ErrConflict.
func (tb *table[T]) save(ctx context.Context, db *DB, tenant o2c.TenantID, v *T, events []o2c.Event) error {
	return db.write(ctx, func(t *tx) error { return tb.saveIn(t, tenant, v, events) })
}

func (tb *table[T]) saveIn(t *tx, tenant o2c.TenantID, v *T, events []o2c.Event) error {
	id := tb.id(v)
	r := tb.rows[tenant][id]
	if r == nil {
		return o2c.NotFound(tb.kind, id)
	}
	cur := tb.version(v)
	if r.version != cur {
		return o2c.Conflict(tb.kind, id, fmt.Sprintf("version %d is stale, stored version is %d", cur, r.version))
	}
	tb.setVersion(v, cur+1)
	body, err := json.Marshal(v)
	tb.setVersion(v, cur)
	if err != nil {
		return fmt.Errorf("memory: encode %s: %w", tb.kind, err)
	}
	prev := *r
	r.body, r.version, r.memo = body, cur+1, nil
	t.onRollback(func() { *r = prev })
	if err := t.db.outbox.append(t, tenant, events); err != nil {
		return err
	}
	tb.setVersion(v, cur+1)
	return nil
}

// update loads, lets fn change the aggregate and return its events, and
// saves, atomically. fn's error writes nothing.
func (tb *table[T]) update(ctx context.Context, db *DB, tenant o2c.TenantID, id string, fn func(*T) ([]o2c.Event, error)) (*T, error) {
	var out *T
	err := db.write(ctx, func(t *tx) error {
		r := tb.rows[tenant][id]
		if r == nil {
			return o2c.NotFound(tb.kind, id)
		}
		v, err := tb.decode(r)
		if err != nil {
			return err
		}
		events, err := fn(v)
		if err != nil {
			return err
		}
		if err := tb.saveIn(t, tenant, v, events); err != nil {
			return err
		}
		out = v
		return nil
	})
	return out, err
}

// list returns copies of the tenant's aggregates that keep returns true
// for, ordered by less (default: insertion order), paged by limit (0: all)
// and offset.
func (tb *table[T]) list(ctx context.Context, db *DB, tenant o2c.TenantID, keep func(*T) bool, less func(a, b *T) bool, limit, offset int) ([]*T, error) {
	if offset > 0 && limit <= 0 {
		return nil, o2c.NewValidationError("offset", "needs a limit")
	}
	var out []*T
	err := db.read(ctx, func() error {
		rows := make([]*row, 0, len(tb.rows[tenant]))
		for _, r := range tb.rows[tenant] {
			rows = append(rows, r)
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].seq < rows[j].seq })
		for _, r := range rows {
			v, err := tb.decode(r)
			if err != nil {
				return err
			}
			if keep == nil || keep(v) {
				out = append(out, v)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if less != nil {
		sort.SliceStable(out, func(i, j int) bool { return less(out[i], out[j]) })
	}
	if offset >= len(out) {
		return nil, nil
	}
	out = out[offset:]
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// listMemo is list for stores that filter and sort on columns derived
// from the aggregate (as the SQL stores filter on query columns): derive
// runs once per stored version of a row and its result is kept with the
// row, keep and less work on it, and only the rows of the page asked for
// are decoded. A listing is then linear in the rows without decoding
// them, and paging through a tenant is no longer quadratic. derive's
// result is shared between calls: keep, less and the caller must not
// change it.
func listMemo[T, M any](ctx context.Context, db *DB, tb *table[T], tenant o2c.TenantID, derive func(*T) (M, error),
	keep func(M) bool, less func(a, b M) bool, limit, offset int) ([]*T, error) {
	if offset > 0 && limit <= 0 {
		return nil, o2c.NewValidationError("offset", "needs a limit")
	}
	var out []*T
	err := db.read(ctx, func() error {
		type cand struct {
			r *row
			m M
		}
		rows := make([]*row, 0, len(tb.rows[tenant]))
		for _, r := range tb.rows[tenant] {
			rows = append(rows, r)
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].seq < rows[j].seq })
		var cands []cand
		for _, r := range rows {
			m, err := memoOf(tb, r, derive)
			if err != nil {
				return err
			}
			if keep == nil || keep(m) {
				cands = append(cands, cand{r, m})
			}
		}
		if less != nil {
			sort.SliceStable(cands, func(i, j int) bool { return less(cands[i].m, cands[j].m) })
		}
		if offset >= len(cands) {
			return nil
		}
		cands = cands[offset:]
		if limit > 0 && len(cands) > limit {
			cands = cands[:limit]
		}
		out = make([]*T, len(cands))
		for i, c := range cands {
			v, err := tb.decode(c.r)
			if err != nil {
				return err
			}
			out[i] = v
		}
		return nil
	})
	return out, err
}

// scanMemo calls fn with the derived columns of every row of the tenant,
// in insertion order, decoding only rows whose memo is missing.
func scanMemo[T, M any](ctx context.Context, db *DB, tb *table[T], tenant o2c.TenantID, derive func(*T) (M, error), fn func(M)) error {
	return db.read(ctx, func() error {
		rows := make([]*row, 0, len(tb.rows[tenant]))
		for _, r := range tb.rows[tenant] {
			rows = append(rows, r)
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].seq < rows[j].seq })
		for _, r := range rows {
			m, err := memoOf(tb, r, derive)
			if err != nil {
				return err
			}
			fn(m)
		}
		return nil
	})
}

// memoOf returns r's memo, deriving it when missing (the caller holds the
// database lock, so setting it is safe).
func memoOf[T, M any](tb *table[T], r *row, derive func(*T) (M, error)) (M, error) {
	if m, ok := r.memo.(M); ok {
		return m, nil
	}
	var zero M
	v, err := tb.decode(r)
	if err != nil {
		return zero, err
	}
	m, err := derive(v)
	if err != nil {
		return zero, err
	}
	r.memo = m
	return m, nil
}
