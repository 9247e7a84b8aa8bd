package memory

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// This file is the memory adapter's kernel.Backend: documents kept as Go
// values (deep copies in and out, no encoding), in per-tenant tables with
// a hash index per index column and per set whose buckets are kept in
// creation order, so that a filtered list costs what it returns.

var _ kernel.Backend = (*DB)(nil)

// Kernel returns the tenant's kernel scope: the backend stores written on
// the kernel use (see package kernel).
func (s *Store) Kernel() kernel.Scope { return kernel.Scope{Backend: s.db, Tenant: s.tenant} }

// Now implements kernel.Backend.
func (db *DB) Now() time.Time { return db.clock.Now() }

// Atomic implements kernel.Backend.
func (db *DB) Atomic(ctx context.Context, fn func(ctx context.Context) error) error {
	return db.write(ctx, func(t *tx) error {
		if db.current(ctx) == nil {
			ctx = context.WithValue(ctx, txKey{}, t)
		}
		return fn(ctx)
	})
}

// mrow is a stored document.
type mrow struct {
	kernel.Row
}

// before orders rows by creation (created_at, id), the default order.
func before(a, b *mrow) int {
	if c := a.Created.Compare(b.Created); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// rowList is a list of rows in creation order.
type rowList []*mrow

func (l rowList) pos(r *mrow) (int, bool) { return slices.BinarySearchFunc(l, r, before) }

func (l *rowList) add(r *mrow) {
	i, found := l.pos(r)
	if !found {
		*l = slices.Insert(*l, i, r)
	}
}

func (l *rowList) remove(r *mrow) {
	if i, found := l.pos(r); found {
		*l = slices.Delete(*l, i, i+1)
	}
}

// ktable is one tenant's documents of one kind.
type ktable struct {
	kind *kernel.Kind
	rows map[string]*mrow
	all  rowList
	cols []map[any]*rowList    // per index column: value -> rows
	sets []map[string]*rowList // per set: value -> rows
	uniq []map[string]string   // per unique key: key -> id
}

func (db *DB) ktable(tenant o2c.TenantID, k *kernel.Kind) *ktable {
	if db.kinds == nil {
		db.kinds = map[*kernel.Kind]map[o2c.TenantID]*ktable{}
	}
	byTenant := db.kinds[k]
	if byTenant == nil {
		byTenant = map[o2c.TenantID]*ktable{}
		db.kinds[k] = byTenant
	}
	kt := byTenant[tenant]
	if kt == nil {
		kt = &ktable{kind: k, rows: map[string]*mrow{}}
		for range k.Columns {
			kt.cols = append(kt.cols, map[any]*rowList{})
		}
		for range k.Sets {
			kt.sets = append(kt.sets, map[string]*rowList{})
		}
		for range k.Unique {
			kt.uniq = append(kt.uniq, map[string]string{})
		}
		byTenant[tenant] = kt
	}
	return kt
}

// uniqueKey returns r's value of unique key i, or false if a part is NULL.
func (kt *ktable) uniqueKey(i int, r *mrow) (string, bool) {
	var b strings.Builder
	for _, c := range kt.kind.Unique[i] {
		v := r.Index[kt.kind.Column(c)]
		if v == nil {
			return "", false
		}
		b.WriteString(keyText(v))
		b.WriteByte(0)
	}
	return b.String(), true
}

func keyText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case interface{ String() string }:
		return x.String()
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		if x {
			return "t"
		}
		return "f"
	}
	return ""
}

// clash returns the unique key r would share with another row.
func (kt *ktable) clash(r *mrow) *kernel.DuplicateError {
	for i := range kt.uniq {
		if key, ok := kt.uniqueKey(i, r); ok {
			if other, taken := kt.uniq[i][key]; taken && other != r.ID {
				return &kernel.DuplicateError{Key: strings.Join(kt.kind.Unique[i], ",")}
			}
		}
	}
	return nil
}

// link adds r to every index; unlink removes it.
func (kt *ktable) link(r *mrow) {
	kt.rows[r.ID] = r
	kt.all.add(r)
	for i, v := range r.Index {
		l := kt.cols[i][v]
		if l == nil {
			l = &rowList{}
			kt.cols[i][v] = l
		}
		l.add(r)
	}
	for i, vs := range r.Sets {
		for _, v := range vs {
			l := kt.sets[i][v]
			if l == nil {
				l = &rowList{}
				kt.sets[i][v] = l
			}
			l.add(r)
		}
	}
	for i := range kt.uniq {
		if key, ok := kt.uniqueKey(i, r); ok {
			kt.uniq[i][key] = r.ID
		}
	}
}

func (kt *ktable) unlink(r *mrow) {
	delete(kt.rows, r.ID)
	kt.all.remove(r)
	for i, v := range r.Index {
		if l := kt.cols[i][v]; l != nil {
			l.remove(r)
			if len(*l) == 0 {
				delete(kt.cols[i], v)
			}
		}
	}
	for i, vs := range r.Sets {
		for _, v := range vs {
			if l := kt.sets[i][v]; l != nil {
				l.remove(r)
				if len(*l) == 0 {
					delete(kt.sets[i], v)
				}
			}
		}
	}
	for i := range kt.uniq {
		if key, ok := kt.uniqueKey(i, r); ok && kt.uniq[i][key] == r.ID {
			delete(kt.uniq[i], key)
		}
	}
}

// out is the copy of r handed to the kernel.
func (kt *ktable) out(r *mrow) *kernel.Row {
	c := r.Row
	c.Doc = kt.kind.Clone(r.Doc)
	return &c
}

// keep returns the copy of doc the DB stores: a native deep copy, or its
// JSON round trip under WithJSONCheck.
func (db *DB) keep(k *kernel.Kind, doc any) (any, error) {
	if !db.jsonCheck {
		return k.Clone(doc), nil
	}
	b, err := k.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return k.Unmarshal(b)
}

// inTx runs a write inside the caller's transaction (the kernel always
// opens one) or one of its own.
func (db *DB) inTx(ctx context.Context, fn func(t *tx) error) error {
	if t := db.current(ctx); t != nil {
		return fn(t)
	}
	return db.write(ctx, fn)
}

// Insert implements kernel.Backend.
func (db *DB) Insert(ctx context.Context, tenant o2c.TenantID, k *kernel.Kind, r *kernel.Row) error {
	return db.inTx(ctx, func(t *tx) error {
		kt := db.ktable(tenant, k)
		if kt.rows[r.ID] != nil {
			return &kernel.DuplicateError{Key: "id"}
		}
		m := &mrow{Row: *r}
		doc, err := db.keep(k, r.Doc)
		if err != nil {
			return err
		}
		m.Doc = doc
		m.Created = db.clock.Now().UTC()
		if dup := kt.clash(m); dup != nil {
			return dup
		}
		kt.link(m)
		t.onRollback(func() { kt.unlink(m) })
		return nil
	})
}

// Get implements kernel.Backend.
func (db *DB) Get(ctx context.Context, tenant o2c.TenantID, k *kernel.Kind, id string, _ kernel.Lock) (*kernel.Row, error) {
	var out *kernel.Row
	err := db.read(ctx, func() error {
		kt := db.ktable(tenant, k)
		if r := kt.rows[id]; r != nil {
			out = kt.out(r)
		}
		return nil
	})
	return out, err
}

// Replace implements kernel.Backend.
func (db *DB) Replace(ctx context.Context, tenant o2c.TenantID, k *kernel.Kind, r *kernel.Row, prev int64) (int64, bool, error) {
	var (
		stored int64
		ok     bool
	)
	err := db.inTx(ctx, func(t *tx) error {
		kt := db.ktable(tenant, k)
		old := kt.rows[r.ID]
		if old == nil {
			return nil
		}
		if old.Version != prev {
			stored = old.Version
			return nil
		}
		m := &mrow{Row: *r}
		doc, err := db.keep(k, r.Doc)
		if err != nil {
			return err
		}
		m.Doc = doc
		m.Version = prev + 1
		m.Created = old.Created
		kt.unlink(old)
		if dup := kt.clash(m); dup != nil {
			kt.link(old)
			return dup
		}
		kt.link(m)
		t.onRollback(func() {
			kt.unlink(m)
			kt.link(old)
		})
		stored, ok = m.Version, true
		return nil
	})
	return stored, ok, err
}

// Delete implements kernel.Backend.
func (db *DB) Delete(ctx context.Context, tenant o2c.TenantID, k *kernel.Kind, id string) (bool, error) {
	var found bool
	err := db.inTx(ctx, func(t *tx) error {
		kt := db.ktable(tenant, k)
		old := kt.rows[id]
		if old == nil {
			return nil
		}
		found = true
		kt.unlink(old)
		t.onRollback(func() { kt.link(old) })
		return nil
	})
	return found, err
}

// Append implements kernel.Backend.
func (db *DB) Append(ctx context.Context, tenant o2c.TenantID, events []o2c.Event) error {
	return db.inTx(ctx, func(t *tx) error { return db.outbox.append(t, tenant, events) })
}

// Query implements kernel.Backend. It reads the smallest index bucket an
// equality (or set) filter names, or every row; in creation order it
// walks that bucket from the cursor and stops at the limit, so a page
// costs its size (plus the rows filtered out); another order sorts the
// bucket's matches.
func (db *DB) Query(ctx context.Context, tenant o2c.TenantID, k *kernel.Kind, p *kernel.Plan) ([]*kernel.Row, error) {
	var out []*kernel.Row
	err := db.read(ctx, func() error {
		kt := db.ktable(tenant, k)
		base := kt.candidates(p)
		if isCreationOrder(p) {
			out = kt.walk(base, p)
			return nil
		}
		var matches []*mrow
		for _, r := range base {
			if p.Match(k, &r.Row) && p.IsAfter(k, &r.Row) {
				matches = append(matches, r)
			}
		}
		slices.SortFunc(matches, func(a, b *mrow) int { return p.CompareRows(k, &a.Row, &b.Row) })
		matches = page(matches, p.Offset, p.Limit)
		out = make([]*kernel.Row, len(matches))
		for i, r := range matches {
			out[i] = kt.out(r)
		}
		return nil
	})
	return out, err
}

func page[E any](xs []E, offset, limit int) []E {
	if offset >= len(xs) {
		return nil
	}
	xs = xs[offset:]
	if limit > 0 && len(xs) > limit {
		xs = xs[:limit]
	}
	return xs
}

func isCreationOrder(p *kernel.Plan) bool {
	return len(p.Order) == 2 && p.Order[0] == kernel.Sort{Column: "created_at"} && p.Order[1] == kernel.Sort{Column: "id"}
}

// candidates returns the smallest list of rows that holds every match.
func (kt *ktable) candidates(p *kernel.Plan) rowList {
	best := kt.all
	found := false
	for _, f := range p.Where {
		var l rowList
		switch f.Op {
		case kernel.OpEq:
			i := kt.kind.Column(f.Column)
			if i < 0 {
				continue
			}
			if b := kt.cols[i][f.Value]; b != nil {
				l = *b
			}
		case kernel.OpHas:
			if b := kt.sets[kt.kind.SetIndex(f.Column)][f.Value.(string)]; b != nil {
				l = *b
			}
		default:
			continue
		}
		if !found || len(l) < len(best) {
			best, found = l, true
		}
	}
	return best
}

// walk pages through base in creation order.
func (kt *ktable) walk(base rowList, p *kernel.Plan) []*kernel.Row {
	start := 0
	if p.After != nil {
		probe := &mrow{Row: kernel.Row{Created: p.After[0].(time.Time), ID: p.After[1].(string)}}
		i, found := base.pos(probe)
		if found {
			i++
		}
		start = i
	}
	var out []*kernel.Row
	skip := p.Offset
	for _, r := range base[start:] {
		if !p.Match(kt.kind, &r.Row) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, kt.out(r))
		if p.Limit > 0 && len(out) == p.Limit {
			break
		}
	}
	return out
}
