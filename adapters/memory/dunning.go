package memory

import (
	"context"
	"sort"
	"time"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// Dunning is the in-memory dunning.Store of one tenant.
type Dunning struct {
	db     *DB
	tenant o2c.TenantID
}

var _ dunning.Store = (*Dunning)(nil)

// Dunning returns the tenant's dunning store: runs, history, promises,
// blocks and plan assignments.
func (s *Store) Dunning() dunning.Store { return &Dunning{db: s.db, tenant: s.tenant} }

// memHistory is a history entry with the version the table needs.
type memHistory struct {
	dunning.HistoryEntry
	Version int64 `json:"version"`
}

func (d *Dunning) runs() *table[dunning.Run] {
	return tableOf(d.db, "dunning_runs", func() *table[dunning.Run] {
		return &table[dunning.Run]{kind: "dunning run",
			id:         func(r *dunning.Run) string { return r.Date.String() },
			version:    func(r *dunning.Run) int64 { return r.Version },
			setVersion: func(r *dunning.Run, v int64) { r.Version = v }}
	})
}

func (d *Dunning) history() *table[memHistory] {
	return tableOf(d.db, "dunning_history", func() *table[memHistory] {
		return &table[memHistory]{kind: "dunning letter",
			id:         func(h *memHistory) string { return h.Key },
			version:    func(h *memHistory) int64 { return h.Version },
			setVersion: func(h *memHistory, v int64) { h.Version = v }}
	})
}

func (d *Dunning) promises() *table[dunning.Promise] {
	return tableOf(d.db, "dunning_promises", func() *table[dunning.Promise] {
		return &table[dunning.Promise]{kind: "promise to pay",
			id:         func(p *dunning.Promise) string { return p.ID.String() },
			version:    func(p *dunning.Promise) int64 { return p.Version },
			setVersion: func(p *dunning.Promise, v int64) { p.Version = v }}
	})
}

func (d *Dunning) blocks() *table[dunning.Block] {
	return tableOf(d.db, "dunning_blocks", func() *table[dunning.Block] {
		return &table[dunning.Block]{kind: "dunning block",
			id:         func(b *dunning.Block) string { return b.ID.String() },
			version:    func(b *dunning.Block) int64 { return b.Version },
			setVersion: func(b *dunning.Block, v int64) { b.Version = v }}
	})
}

func (d *Dunning) assignments() *table[dunning.Assignment] {
	return tableOf(d.db, "dunning_assignments", func() *table[dunning.Assignment] {
		return &table[dunning.Assignment]{kind: "plan assignment",
			id:         func(a *dunning.Assignment) string { return a.ID() },
			version:    func(a *dunning.Assignment) int64 { return a.Version },
			setVersion: func(a *dunning.Assignment, v int64) { a.Version = v }}
	})
}

// TenantID implements dunning.Store.
func (d *Dunning) TenantID() o2c.TenantID { return d.tenant }

// Run implements dunning.Store.
func (d *Dunning) Run(ctx context.Context, date o2c.Date) (dunning.Run, error) {
	r, err := d.runs().get(ctx, d.db, d.tenant, date.String())
	if err != nil {
		return dunning.Run{}, err
	}
	return *r, nil
}

// Runs implements dunning.Store.
func (d *Dunning) Runs(ctx context.Context, limit int) ([]dunning.Run, error) {
	rs, err := d.runs().list(ctx, d.db, d.tenant, nil, func(a, b *dunning.Run) bool { return a.Date.After(b.Date) }, limit, 0)
	return deref(rs), err
}

func deref[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// inTx runs fn atomically with a context that carries the transaction, so
// that table calls made by fn join it (under the undo mark of write).
func (d *Dunning) inTx(ctx context.Context, fn func(ctx context.Context, t *tx) error) error {
	return d.db.write(ctx, func(t *tx) error { return fn(context.WithValue(ctx, txKey{}, t), t) })
}

// RecordLetters implements dunning.Store.
func (d *Dunning) RecordLetters(ctx context.Context, run dunning.Run, entries []dunning.HistoryEntry, events []o2c.Event) ([]string, error) {
	if run.Date.IsZero() {
		return nil, o2c.NewValidationError("run.date", "is required")
	}
	byID := make(map[o2c.EventID]o2c.Event, len(events))
	for _, e := range events {
		if e.Tenant != d.tenant {
			return nil, &o2c.ValidationError{Field: "event.tenant", Rule: "must be the store's tenant " + string(d.tenant), Value: string(e.Tenant)}
		}
		byID[e.ID] = e
	}
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		if err := dunning.CheckEntry(e); err != nil {
			return nil, err
		}
		if _, ok := byID[e.Event]; !ok {
			return nil, &o2c.ValidationError{Field: "entry.event", Rule: "must name one of the events", Value: e.Event.String()}
		}
		if seen[e.Key] {
			return nil, &o2c.ValidationError{Field: "entry.key", Rule: "must be unique in the batch", Value: e.Key}
		}
		seen[e.Key] = true
	}
	var written []string
	err := d.inTx(ctx, func(ctx context.Context, t *tx) error {
		written = nil
		hist := d.history()
		for _, e := range entries {
			if hist.rows[d.tenant][e.Key] != nil {
				continue
			}
			h := &memHistory{HistoryEntry: e}
			if err := hist.insert(ctx, d.db, d.tenant, h, []o2c.Event{byID[e.Event]}); err != nil {
				return err
			}
			written = append(written, e.Key)
		}
		runs := d.runs()
		if r := runs.rows[d.tenant][run.Date.String()]; r == nil {
			rec := run
			rec.Status, rec.Letters, rec.CompletedAt, rec.Version = dunning.RunExecuting, len(written), time.Time{}, 0
			return runs.insert(ctx, d.db, d.tenant, &rec, nil)
		}
		_, err := runs.update(ctx, d.db, d.tenant, run.Date.String(), func(r *dunning.Run) ([]o2c.Event, error) {
			if r.Status == dunning.RunCompleted {
				return nil, o2c.Conflict("dunning run", r.Date.String(), "is completed")
			}
			r.Letters += len(written)
			return nil, nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return written, nil
}

// CompleteRun implements dunning.Store.
func (d *Dunning) CompleteRun(ctx context.Context, date o2c.Date, at time.Time) error {
	_, err := d.runs().update(ctx, d.db, d.tenant, date.String(), func(r *dunning.Run) ([]o2c.Event, error) {
		if r.Status != dunning.RunCompleted {
			r.Status, r.CompletedAt = dunning.RunCompleted, at.UTC()
		}
		return nil, nil
	})
	return err
}

// History implements dunning.Store.
func (d *Dunning) History(ctx context.Context, f dunning.HistoryFilter) ([]dunning.HistoryEntry, error) {
	keep := func(h *memHistory) bool {
		return (f.Customer.IsZero() || h.Customer == f.Customer) && (f.Status == "" || h.Status == f.Status) &&
			(f.Since.IsZero() || !h.RunDate.Before(f.Since))
	}
	hs, err := d.history().list(ctx, d.db, d.tenant, keep, func(a, b *memHistory) bool { return a.RunDate.Before(b.RunDate) }, f.Limit, 0)
	if err != nil {
		return nil, err
	}
	out := make([]dunning.HistoryEntry, len(hs))
	for i, h := range hs {
		out[i] = h.HistoryEntry
	}
	return out, nil
}

// PendingLetters implements dunning.Store.
func (d *Dunning) PendingLetters(ctx context.Context, limit int) ([]dunning.PendingLetter, error) {
	if limit <= 0 {
		return nil, o2c.NewValidationError("limit", "must be positive")
	}
	hs, err := d.history().list(ctx, d.db, d.tenant, func(h *memHistory) bool { return h.Status == dunning.LetterPending }, nil, limit, 0)
	if err != nil {
		return nil, err
	}
	out := make([]dunning.PendingLetter, 0, len(hs))
	err = d.db.read(ctx, func() error {
		for _, h := range hs {
			r := d.db.outbox.byID[h.Event]
			if r == nil {
				return o2c.NotFound("outbox event", h.Event.String())
			}
			out = append(out, dunning.PendingLetter{Entry: h.HistoryEntry, Event: cloneEvent(r.Event)})
		}
		return nil
	})
	return out, err
}

// ClaimLetters implements dunning.Store: under the database lock, so
// concurrent claims see each other's leases.
func (d *Dunning) ClaimLetters(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]dunning.PendingLetter, error) {
	if limit <= 0 {
		return nil, o2c.NewValidationError("limit", "must be positive")
	}
	if lease <= 0 {
		return nil, o2c.NewValidationError("lease", "must be positive")
	}
	var out []dunning.PendingLetter
	err := d.inTx(ctx, func(ctx context.Context, _ *tx) error {
		hist := d.history()
		due, err := hist.list(ctx, d.db, d.tenant, func(h *memHistory) bool { return h.DueAt(now) }, nil, limit, 0)
		if err != nil {
			return err
		}
		for _, h := range due {
			claimed, err := hist.update(ctx, d.db, d.tenant, h.Key, func(h *memHistory) ([]o2c.Event, error) {
				h.NextAttemptAt = now.Add(lease).UTC()
				return nil, nil
			})
			if err != nil {
				return err
			}
			r := d.db.outbox.byID[claimed.Event]
			if r == nil {
				return o2c.NotFound("outbox event", claimed.Event.String())
			}
			out = append(out, dunning.PendingLetter{Entry: claimed.HistoryEntry, Event: cloneEvent(r.Event)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateDelivery implements dunning.Store.
func (d *Dunning) UpdateDelivery(ctx context.Context, updates ...dunning.DeliveryUpdate) error {
	return d.inTx(ctx, func(ctx context.Context, t *tx) error {
		hist := d.history()
		for _, u := range updates {
			if hist.rows[d.tenant][u.Key] == nil {
				return o2c.NotFound("dunning letter", u.Key)
			}
		}
		for _, u := range updates {
			var event o2c.EventID
			delivered := false
			_, err := hist.update(ctx, d.db, d.tenant, u.Key, func(h *memHistory) ([]o2c.Event, error) {
				if h.Status != dunning.LetterPending {
					return nil, nil
				}
				h.HistoryEntry.ApplyDelivery(u)
				event, delivered = h.Event, h.Status == dunning.LetterDelivered
				return nil, nil
			})
			if err != nil {
				return err
			}
			if delivered {
				if r := d.db.outbox.byID[event]; r != nil && r.Status == outbox.StatusPending {
					if err := (&Outbox{db: d.db, tenant: d.tenant}).MarkDelivered(ctx, event); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

// saveDoc creates (version 0) or saves (stored version) a document.
func saveDoc[T any](ctx context.Context, db *DB, tenant o2c.TenantID, tb *table[T], v *T) error {
	if tb.version(v) == 0 {
		return tb.insert(ctx, db, tenant, v, nil)
	}
	return tb.save(ctx, db, tenant, v, nil)
}

func deleteDoc[T any](ctx context.Context, db *DB, tenant o2c.TenantID, tb *table[T], id string) error {
	return db.write(ctx, func(t *tx) error {
		r := tb.rows[tenant][id]
		if r == nil {
			return o2c.NotFound(tb.kind, id)
		}
		delete(tb.rows[tenant], id)
		t.onRollback(func() { tb.rows[tenant][id] = r })
		return nil
	})
}

// SavePromise implements dunning.Store.
func (d *Dunning) SavePromise(ctx context.Context, p *dunning.Promise) error {
	if p == nil {
		return o2c.NewValidationError("promise", "is required")
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return saveDoc(ctx, d.db, d.tenant, d.promises(), p)
}

// DeletePromise implements dunning.Store.
func (d *Dunning) DeletePromise(ctx context.Context, id o2c.ID[dunning.Promise]) error {
	return deleteDoc(ctx, d.db, d.tenant, d.promises(), id.String())
}

// Promises implements dunning.Store.
func (d *Dunning) Promises(ctx context.Context, c o2c.CustomerID) ([]dunning.Promise, error) {
	ps, err := d.promises().list(ctx, d.db, d.tenant, func(p *dunning.Promise) bool { return c.IsZero() || p.Customer == c }, nil, 0, 0)
	return deref(ps), err
}

// SaveBlock implements dunning.Store.
func (d *Dunning) SaveBlock(ctx context.Context, b *dunning.Block) error {
	if b == nil {
		return o2c.NewValidationError("block", "is required")
	}
	if err := b.Validate(); err != nil {
		return err
	}
	return saveDoc(ctx, d.db, d.tenant, d.blocks(), b)
}

// DeleteBlock implements dunning.Store.
func (d *Dunning) DeleteBlock(ctx context.Context, id o2c.ID[dunning.Block]) error {
	return deleteDoc(ctx, d.db, d.tenant, d.blocks(), id.String())
}

// Blocks implements dunning.Store.
func (d *Dunning) Blocks(ctx context.Context, c o2c.CustomerID) ([]dunning.Block, error) {
	bs, err := d.blocks().list(ctx, d.db, d.tenant, func(b *dunning.Block) bool { return c.IsZero() || b.Customer == c }, nil, 0, 0)
	return deref(bs), err
}

// SaveAssignment implements dunning.Store.
func (d *Dunning) SaveAssignment(ctx context.Context, a *dunning.Assignment) error {
	if a == nil {
		return o2c.NewValidationError("assignment", "is required")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	return saveDoc(ctx, d.db, d.tenant, d.assignments(), a)
}

// DeleteAssignment implements dunning.Store.
func (d *Dunning) DeleteAssignment(ctx context.Context, kind dunning.AssignmentKind, key string) error {
	return deleteDoc(ctx, d.db, d.tenant, d.assignments(), dunning.Assignment{Kind: kind, Key: key}.ID())
}

// Assignments implements dunning.Store.
func (d *Dunning) Assignments(ctx context.Context) ([]dunning.Assignment, error) {
	as, err := d.assignments().list(ctx, d.db, d.tenant, nil, nil, 0, 0)
	if err != nil {
		return nil, err
	}
	out := deref(as)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// RecordReceipt implements dunning.Store.
func (d *Dunning) RecordReceipt(ctx context.Context, key string, r dunning.Receipt) (dunning.HistoryEntry, error) {
	var out dunning.HistoryEntry
	err := d.inTx(ctx, func(ctx context.Context, t *tx) error {
		hist := d.history()
		if hist.rows[d.tenant][key] == nil {
			return o2c.NotFound("dunning letter", key)
		}
		_, err := hist.update(ctx, d.db, d.tenant, key, func(h *memHistory) ([]o2c.Event, error) {
			if _, err := h.HistoryEntry.ApplyReceipt(r); err != nil {
				return nil, err
			}
			out = h.HistoryEntry
			return nil, nil
		})
		return err
	})
	if err != nil {
		return dunning.HistoryEntry{}, err
	}
	return out, nil
}
