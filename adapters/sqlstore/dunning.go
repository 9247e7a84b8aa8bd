package sqlstore

import (
	"context"
	stdsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

// Dunning is the SQL dunning.Store of one tenant (tables o2c_dunning_*,
// migration 0007). Letters are written in multi-row INSERT statements
// (history rows with ON CONFLICT DO NOTHING RETURNING, then the outbox
// events of the rows actually inserted), so a run of many letters costs a
// few round trips per batch.
type Dunning struct {
	db     *DB
	tenant o2c.TenantID
}

var _ dunning.Store = (*Dunning)(nil)

// Dunning returns the tenant's dunning store: runs, history, promises,
// blocks and plan assignments.
func (s *Store) Dunning() dunning.Store { return &Dunning{db: s.db, tenant: s.tenant} }

// sqlHistory is a history entry with the version the table needs.
type sqlHistory struct {
	dunning.HistoryEntry
	Version int64 `json:"version"`
}

var dunningRunsTable = &table[dunning.Run]{
	name: "o2c_dunning_runs", kind: "dunning run",
	id:         func(r *dunning.Run) string { return r.Date.String() },
	version:    func(r *dunning.Run) int64 { return r.Version },
	setVersion: func(r *dunning.Run, v int64) { r.Version = v },
	columns:    []string{"run_date", "status"},
	values:     func(_ *DB, r *dunning.Run) []any { return []any{r.Date, string(r.Status)} },
}

var dunningHistoryColumns = []string{"run_date", "customer_id", "currency", "level", "status", "event_id", "next_attempt_at"}

func dunningHistoryValues(db *DB, h *sqlHistory) []any {
	return []any{h.RunDate, h.Customer.String(), h.Currency.Code(), h.Level, string(h.Status), h.Event.String(), db.ts(h.NextAttemptAt)}
}

var dunningHistoryTable = &table[sqlHistory]{
	name: "o2c_dunning_history", kind: "dunning letter",
	id:         func(h *sqlHistory) string { return h.Key },
	version:    func(h *sqlHistory) int64 { return h.Version },
	setVersion: func(h *sqlHistory, v int64) { h.Version = v },
	columns:    dunningHistoryColumns,
	values:     dunningHistoryValues,
}

var dunningPromisesTable = &table[dunning.Promise]{
	name: "o2c_dunning_promises", kind: "promise to pay",
	id:         func(p *dunning.Promise) string { return p.ID.String() },
	version:    func(p *dunning.Promise) int64 { return p.Version },
	setVersion: func(p *dunning.Promise, v int64) { p.Version = v },
	columns:    []string{"customer_id"},
	values:     func(_ *DB, p *dunning.Promise) []any { return []any{p.Customer.String()} },
}

var dunningBlocksTable = &table[dunning.Block]{
	name: "o2c_dunning_blocks", kind: "dunning block",
	id:         func(b *dunning.Block) string { return b.ID.String() },
	version:    func(b *dunning.Block) int64 { return b.Version },
	setVersion: func(b *dunning.Block, v int64) { b.Version = v },
	columns:    []string{"customer_id"},
	values:     func(_ *DB, b *dunning.Block) []any { return []any{b.Customer.String()} },
}

var dunningAssignmentsTable = &table[dunning.Assignment]{
	name: "o2c_dunning_assignments", kind: "plan assignment",
	id:         func(a *dunning.Assignment) string { return a.ID() },
	version:    func(a *dunning.Assignment) int64 { return a.Version },
	setVersion: func(a *dunning.Assignment, v int64) { a.Version = v },
	columns:    []string{"kind", "key"},
	values:     func(_ *DB, a *dunning.Assignment) []any { return []any{string(a.Kind), a.Key} },
}

// TenantID implements dunning.Store.
func (d *Dunning) TenantID() o2c.TenantID { return d.tenant }

// Run implements dunning.Store.
func (d *Dunning) Run(ctx context.Context, date o2c.Date) (dunning.Run, error) {
	r, err := dunningRunsTable.get(ctx, d.db, d.tenant, date.String())
	if err != nil {
		return dunning.Run{}, err
	}
	return *r, nil
}

// Runs implements dunning.Store.
func (d *Dunning) Runs(ctx context.Context, limit int) ([]dunning.Run, error) {
	rs, err := dunningRunsTable.list(ctx, d.db, d.tenant, query{orderBy: "run_date DESC", limit: limit})
	return derefAll(rs), err
}

func derefAll[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// tx runs fn in the caller's transaction (or one of its own) under a
// savepoint, with a context that carries the transaction so that table
// calls made by fn join it.
func (d *Dunning) tx(ctx context.Context, fn func(ctx context.Context, q querier) error) error {
	return d.db.InTx(ctx, func(ctx context.Context) error {
		return d.db.write(ctx, func(q querier) error { return fn(ctx, q) })
	})
}

// RecordLetters implements dunning.Store.
func (d *Dunning) RecordLetters(ctx context.Context, run dunning.Run, entries []dunning.HistoryEntry, events []o2c.Event) ([]string, error) {
	if run.Date.IsZero() {
		return nil, o2c.NewValidationError("run.date", "is required")
	}
	if err := checkEvents(d.tenant, events); err != nil {
		return nil, err
	}
	byID := make(map[o2c.EventID]*o2c.Event, len(events))
	for i := range events {
		byID[events[i].ID] = &events[i]
	}
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		if err := dunning.CheckEntry(e); err != nil {
			return nil, err
		}
		if byID[e.Event] == nil {
			return nil, &o2c.ValidationError{Field: "entry.event", Rule: "must name one of the events", Value: e.Event.String()}
		}
		if seen[e.Key] {
			return nil, &o2c.ValidationError{Field: "entry.key", Rule: "must be unique in the batch", Value: e.Key}
		}
		seen[e.Key] = true
	}
	var written []string
	err := d.tx(ctx, func(ctx context.Context, q querier) error {
		written = nil
		stored, err := dunningRunsTable.getWith(ctx, d.db, q, d.tenant, run.Date.String(), true)
		if errors.Is(err, o2c.ErrNotFound) {
			// Create the run row before anything else, then lock it: two
			// processes executing the same date at once then queue on
			// that row instead of both inserting it (the loser's insert
			// waits for the winner's commit, fails on the primary key
			// under its savepoint, and it goes on with the winner's row).
			rec := run
			rec.Status, rec.Letters, rec.CompletedAt, rec.Version = dunning.RunExecuting, 0, time.Time{}, 0
			if err := dunningRunsTable.insert(ctx, d.db, d.tenant, &rec, nil); err != nil && !errors.Is(err, o2c.ErrConflict) {
				return err
			}
			stored, err = dunningRunsTable.getWith(ctx, d.db, q, d.tenant, run.Date.String(), true)
		}
		if err != nil {
			return err
		}
		if stored.Status == dunning.RunCompleted {
			return o2c.Conflict("dunning run", run.Date.String(), "is completed")
		}
		if written, err = d.insertHistory(ctx, q, entries); err != nil {
			return err
		}
		evs := make([]*o2c.Event, 0, len(written))
		key2event := make(map[string]o2c.EventID, len(entries))
		for _, e := range entries {
			key2event[e.Key] = e.Event
		}
		for _, k := range written {
			evs = append(evs, byID[key2event[k]])
		}
		if err := d.insertEvents(ctx, q, evs); err != nil {
			return err
		}
		stored.Letters += len(written)
		return dunningRunsTable.saveWith(ctx, d.db, q, d.tenant, stored, nil)
	})
	if err != nil {
		return nil, err
	}
	return written, nil
}

// rowsPerInsert keeps a multi-row INSERT well under both dialects'
// parameter limits (SQLite 32766, PostgreSQL 65535).
const rowsPerInsert = 400

// insertHistory inserts the entries whose key is new, in multi-row
// statements, and returns the keys inserted.
func (d *Dunning) insertHistory(ctx context.Context, q querier, entries []dunning.HistoryEntry) ([]string, error) {
	cols := append([]string{"tenant", "id", "version", "body", "created_at", "updated_at"}, dunningHistoryColumns...)
	now := d.db.ts(d.db.clock.Now())
	var written []string
	for start := 0; start < len(entries); start += rowsPerInsert {
		chunk := entries[start:min(start+rowsPerInsert, len(entries))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO o2c_dunning_history (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(cols))
		for i, e := range chunk {
			h := sqlHistory{HistoryEntry: e, Version: 1}
			body, err := dunningHistoryTable.encode(&h)
			if err != nil {
				return nil, err
			}
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(" + placeholders(len(args)+1, len(cols)) + ")")
			args = append(args, string(d.tenant), e.Key, int64(1), body, now, now)
			args = append(args, dunningHistoryValues(d.db, &h)...)
		}
		sb.WriteString(" ON CONFLICT (tenant, id) DO NOTHING RETURNING id")
		rows, err := q.QueryContext(ctx, sb.String(), args...)
		if err != nil {
			return nil, d.db.translate(err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			written = append(written, k)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, d.db.translate(err)
		}
	}
	return written, nil
}

// insertEvents appends events to the outbox in multi-row statements.
func (d *Dunning) insertEvents(ctx context.Context, q querier, events []*o2c.Event) error {
	const ncols = 7
	for start := 0; start < len(events); start += rowsPerInsert {
		chunk := events[start:min(start+rowsPerInsert, len(events))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO o2c_outbox (event_id, tenant, aggregate_type, aggregate_id, event_type, occurred_at, payload) VALUES ")
		args := make([]any, 0, len(chunk)*ncols)
		for i, e := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(" + placeholders(len(args)+1, ncols) + ")")
			var payload any
			if len(e.Payload) > 0 {
				payload = string(e.Payload)
			}
			args = append(args, e.ID.String(), string(e.Tenant), e.AggregateType, e.AggregateID, e.Type, d.db.ts(e.OccurredAt), payload)
		}
		if _, err := q.ExecContext(ctx, sb.String(), args...); err != nil {
			return d.db.translate(err)
		}
	}
	return nil
}

// CompleteRun implements dunning.Store.
func (d *Dunning) CompleteRun(ctx context.Context, date o2c.Date, at time.Time) error {
	_, err := dunningRunsTable.update(ctx, d.db, d.tenant, date.String(), func(r *dunning.Run) ([]o2c.Event, error) {
		if r.Status != dunning.RunCompleted {
			r.Status, r.CompletedAt = dunning.RunCompleted, at.UTC()
		}
		return nil, nil
	})
	return err
}

func (d *Dunning) seqColumn() string {
	if d.db.dialect == Postgres {
		return "seq"
	}
	return "rowid"
}

// History implements dunning.Store.
func (d *Dunning) History(ctx context.Context, f dunning.HistoryFilter) ([]dunning.HistoryEntry, error) {
	var where []string
	var args []any
	if !f.Customer.IsZero() {
		where = append(where, "customer_id = "+invArg(&args, f.Customer.String()))
	}
	if f.Status != "" {
		where = append(where, "status = "+invArg(&args, string(f.Status)))
	}
	if !f.Since.IsZero() {
		where = append(where, "run_date >= "+invArg(&args, f.Since))
	}
	hs, err := dunningHistoryTable.list(ctx, d.db, d.tenant, query{where: strings.Join(where, " AND "), args: args,
		orderBy: "run_date, " + d.seqColumn(), limit: f.Limit})
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
	return d.pending(ctx, d.db.reader(ctx), `h.status = 'pending' ORDER BY h.`+d.seqColumn()+` LIMIT $2`, limit)
}

// pending reads history entries with their outbox events; where filters
// and orders them, with placeholders from $2 on ($1 is the tenant).
func (d *Dunning) pending(ctx context.Context, q querier, where string, args ...any) ([]dunning.PendingLetter, error) {
	rows, err := q.QueryContext(ctx, `SELECT h.body, h.version, o.event_id, o.tenant, o.aggregate_type, o.aggregate_id,
		o.event_type, o.occurred_at, o.payload
		FROM o2c_dunning_history h JOIN o2c_outbox o ON o.event_id = h.event_id
		WHERE h.tenant = $1 AND `+where, append([]any{string(d.tenant)}, args...)...)
	if err != nil {
		return nil, d.db.translate(err)
	}
	defer rows.Close()
	var out []dunning.PendingLetter
	for rows.Next() {
		var (
			body     string
			version  int64
			tenant   string
			payload  *string
			occurred nullTime
			p        dunning.PendingLetter
		)
		if err := rows.Scan(&body, &version, &p.Event.ID, &tenant, &p.Event.AggregateType, &p.Event.AggregateID,
			&p.Event.Type, &occurred, &payload); err != nil {
			return nil, d.db.translate(err)
		}
		var h sqlHistory
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			return nil, fmt.Errorf("o2c sql: decode dunning letter: %w", err)
		}
		p.Entry = h.HistoryEntry
		p.Event.Tenant, p.Event.OccurredAt = o2c.TenantID(tenant), occurred.T
		if payload != nil {
			p.Event.Payload = []byte(*payload)
		}
		out = append(out, p)
	}
	return out, d.db.translate(rows.Err())
}

// ClaimLetters implements dunning.Store. On PostgreSQL the due rows are
// locked with FOR UPDATE SKIP LOCKED, so concurrent claimers pass over
// each other's rows instead of waiting; SQLite has one writer at a time.
// The lease is written in the same transaction.
func (d *Dunning) ClaimLetters(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]dunning.PendingLetter, error) {
	if limit <= 0 {
		return nil, o2c.NewValidationError("limit", "must be positive")
	}
	if lease <= 0 {
		return nil, o2c.NewValidationError("lease", "must be positive")
	}
	lock := ""
	if d.db.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []dunning.PendingLetter
	err := d.tx(ctx, func(ctx context.Context, q querier) error {
		rows, err := q.QueryContext(ctx, `SELECT id FROM o2c_dunning_history
			WHERE tenant = $1 AND status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
			ORDER BY `+d.seqColumn()+` LIMIT $3`+lock, string(d.tenant), d.db.ts(now), limit)
		if err != nil {
			return err
		}
		var keys []string
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return err
			}
			keys = append(keys, k)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
		until := now.Add(lease).UTC()
		for _, k := range keys {
			if _, err := dunningHistoryTable.update(ctx, d.db, d.tenant, k, func(h *sqlHistory) ([]o2c.Event, error) {
				h.NextAttemptAt = until
				return nil, nil
			}); err != nil {
				return err
			}
			pl, err := d.pending(ctx, q, `h.id = $2`, k)
			if err != nil {
				return err
			}
			out = append(out, pl...)
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
	return d.tx(ctx, func(ctx context.Context, q querier) error {
		for _, u := range updates {
			var one int
			err := q.QueryRowContext(ctx, `SELECT 1 FROM o2c_dunning_history WHERE tenant = $1 AND id = $2`, string(d.tenant), u.Key).Scan(&one)
			if errors.Is(err, stdsql.ErrNoRows) {
				return o2c.NotFound("dunning letter", u.Key)
			}
			if err != nil {
				return err
			}
		}
		for _, u := range updates {
			var event o2c.EventID
			delivered := false
			_, err := dunningHistoryTable.update(ctx, d.db, d.tenant, u.Key, func(h *sqlHistory) ([]o2c.Event, error) {
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
				if err := (&Outbox{db: d.db, tenant: d.tenant}).MarkDelivered(ctx, event); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func saveDoc[T any](ctx context.Context, db *DB, tenant o2c.TenantID, tb *table[T], v *T) error {
	if tb.version(v) == 0 {
		return tb.insert(ctx, db, tenant, v, nil)
	}
	return tb.save(ctx, db, tenant, v, nil)
}

func deleteDoc[T any](ctx context.Context, db *DB, tenant o2c.TenantID, tb *table[T], id string) error {
	return db.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, "DELETE FROM "+tb.name+" WHERE tenant = $1 AND id = $2", string(tenant), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return o2c.NotFound(tb.kind, id)
		}
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
	return saveDoc(ctx, d.db, d.tenant, dunningPromisesTable, p)
}

// DeletePromise implements dunning.Store.
func (d *Dunning) DeletePromise(ctx context.Context, id o2c.ID[dunning.Promise]) error {
	return deleteDoc(ctx, d.db, d.tenant, dunningPromisesTable, id.String())
}

// Promises implements dunning.Store.
func (d *Dunning) Promises(ctx context.Context, c o2c.CustomerID) ([]dunning.Promise, error) {
	q := query{}
	if !c.IsZero() {
		q.where, q.args = "customer_id = $2", []any{c.String()}
	}
	ps, err := dunningPromisesTable.list(ctx, d.db, d.tenant, q)
	return derefAll(ps), err
}

// SaveBlock implements dunning.Store.
func (d *Dunning) SaveBlock(ctx context.Context, b *dunning.Block) error {
	if b == nil {
		return o2c.NewValidationError("block", "is required")
	}
	if err := b.Validate(); err != nil {
		return err
	}
	return saveDoc(ctx, d.db, d.tenant, dunningBlocksTable, b)
}

// DeleteBlock implements dunning.Store.
func (d *Dunning) DeleteBlock(ctx context.Context, id o2c.ID[dunning.Block]) error {
	return deleteDoc(ctx, d.db, d.tenant, dunningBlocksTable, id.String())
}

// Blocks implements dunning.Store.
func (d *Dunning) Blocks(ctx context.Context, c o2c.CustomerID) ([]dunning.Block, error) {
	q := query{}
	if !c.IsZero() {
		q.where, q.args = "customer_id = $2", []any{c.String()}
	}
	bs, err := dunningBlocksTable.list(ctx, d.db, d.tenant, q)
	return derefAll(bs), err
}

// SaveAssignment implements dunning.Store.
func (d *Dunning) SaveAssignment(ctx context.Context, a *dunning.Assignment) error {
	if a == nil {
		return o2c.NewValidationError("assignment", "is required")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	return saveDoc(ctx, d.db, d.tenant, dunningAssignmentsTable, a)
}

// DeleteAssignment implements dunning.Store.
func (d *Dunning) DeleteAssignment(ctx context.Context, kind dunning.AssignmentKind, key string) error {
	return deleteDoc(ctx, d.db, d.tenant, dunningAssignmentsTable, dunning.Assignment{Kind: kind, Key: key}.ID())
}

// Assignments implements dunning.Store.
func (d *Dunning) Assignments(ctx context.Context) ([]dunning.Assignment, error) {
	as, err := dunningAssignmentsTable.list(ctx, d.db, d.tenant, query{orderBy: "kind, key"})
	return derefAll(as), err
}

// RecordReceipt implements dunning.Store.
func (d *Dunning) RecordReceipt(ctx context.Context, key string, r dunning.Receipt) (dunning.HistoryEntry, error) {
	var out dunning.HistoryEntry
	err := d.tx(ctx, func(ctx context.Context, q querier) error {
		var one int
		err := q.QueryRowContext(ctx, `SELECT 1 FROM o2c_dunning_history WHERE tenant = $1 AND id = $2`, string(d.tenant), key).Scan(&one)
		if errors.Is(err, stdsql.ErrNoRows) {
			return o2c.NotFound("dunning letter", key)
		}
		if err != nil {
			return err
		}
		_, err = dunningHistoryTable.update(ctx, d.db, d.tenant, key, func(h *sqlHistory) ([]o2c.Event, error) {
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
