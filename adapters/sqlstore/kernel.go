package sqlstore

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// This file is the SQL adapter's kernel.Backend: one table per kind with
// the columns tenant, id, version, body (the JSON document), created_at,
// updated_at and the kind's index columns, written with dialect-neutral
// SQL ($n placeholders) that the dialect adapts.

var _ kernel.Backend = (*DB)(nil)

// Kernel returns the tenant's kernel scope: the backend stores written on
// the kernel use (see package kernel).
func (s *Store) Kernel() kernel.Scope { return kernel.Scope{Backend: s.db, Tenant: s.tenant} }

// Now implements kernel.Backend.
func (db *DB) Now() time.Time { return db.clock.Now() }

// Atomic implements kernel.Backend: inside the caller's transaction under
// a savepoint, else in a transaction of its own. Errors are translated
// into o2c errors.
func (db *DB) Atomic(ctx context.Context, fn func(ctx context.Context) error) error {
	t := db.current(ctx)
	if t == nil {
		return db.InTx(ctx, func(ctx context.Context) error { return db.translate(fn(ctx)) })
	}
	name := fmt.Sprintf("o2c_sp_%d", t.sp.Add(1))
	if _, err := t.tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return db.translate(err)
	}
	if err := fn(ctx); err != nil {
		if _, rbErr := t.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name); rbErr != nil {
			db.log.WarnContext(ctx, "o2c sql: rollback to savepoint failed", "error", rbErr)
		}
		return db.translate(err)
	}
	if _, err := t.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name); err != nil {
		return db.translate(err)
	}
	return nil
}

// kinds remembers the kinds whose tables are known to exist.
type kindTables struct{ ok sync.Map }

// ensureKinds creates the tables of every declared kind that has none
// (run by Migrate, in its transaction).
func (db *DB) ensureKinds(ctx context.Context, q querier) error {
	for _, k := range kernel.Kinds() {
		if _, err := db.createKind(ctx, q, k); err != nil {
			return err
		}
	}
	return nil
}

// table returns k's table name after making sure it exists (a kind
// declared after Migrate ran gets its table on first use).
func (db *DB) table(ctx context.Context, q querier, k *kernel.Kind) (string, error) {
	if _, ok := db.kinds.ok.Load(k); ok {
		return k.Table, nil
	}
	existed, err := db.createKind(ctx, q, k)
	if err != nil {
		return "", err
	}
	if existed || db.current(ctx) == nil { // a table made in a transaction may yet roll back
		db.kinds.ok.Store(k, true)
	}
	return k.Table, nil
}

// KindDDL returns the statements that create k's table, its indexes and
// its set tables on this database (what Migrate runs for a kind whose
// table is missing), for reviewing or for writing a migration by hand.
func (db *DB) KindDDL(k *kernel.Kind) []string {
	id, version, body, instant := db.d.docTypes()
	cols := []string{
		"tenant " + db.d.columnType(kernel.Text) + " NOT NULL",
		"id " + id + " NOT NULL",
		"version " + version + " NOT NULL",
		"body " + body + " NOT NULL",
		"created_at " + instant + " NOT NULL",
		"updated_at " + instant + " NOT NULL",
	}
	for _, c := range k.Columns {
		def := c.Name + " " + db.d.columnType(c.Type)
		if !c.Nullable {
			def += " NOT NULL"
		}
		cols = append(cols, def)
	}
	cols = append(cols, "PRIMARY KEY (tenant, id)")
	for _, u := range k.Unique {
		cols = append(cols, "UNIQUE (tenant, "+strings.Join(u, ", ")+")")
	}
	stmts := []string{fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (\n    %s\n)", k.Table, strings.Join(cols, ",\n    "))}
	stmts = append(stmts, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s_created ON %s (tenant, created_at, id)", k.Table, k.Table))
	for _, c := range k.Columns {
		stmts = append(stmts, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s_%s ON %s (tenant, %s)", k.Table, c.Name, k.Table, c.Name))
	}
	for _, ix := range k.Indexes {
		stmts = append(stmts, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s_%s ON %s (tenant, %s)",
			k.Table, strings.Join(ix, "_"), k.Table, strings.Join(ix, ", ")))
	}
	for _, s := range k.Sets {
		stmts = append(stmts,
			fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (\n    tenant %s NOT NULL,\n    %s %s NOT NULL,\n    %s %s NOT NULL,\n    PRIMARY KEY (tenant, %s, %s)\n)",
				s.Table, db.d.columnType(kernel.Text), s.Column, db.d.columnType(kernel.Text), s.Ref, id, s.Column, s.Ref),
			fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s_%s ON %s (tenant, %s)", s.Table, s.Ref, s.Table, s.Ref))
	}
	return stmts
}

// createKind creates k's table, indexes and set tables when the table is
// missing; an existing table (made by a migration) is left as it is.
func (db *DB) createKind(ctx context.Context, q querier, k *kernel.Kind) (existed bool, err error) {
	exists, err := db.d.tableExists(ctx, q, k.Table)
	if err != nil {
		return false, db.translate(err)
	}
	if exists {
		return true, nil
	}
	for _, st := range db.KindDDL(k) {
		if _, err := q.ExecContext(ctx, db.d.rebind(st)); err != nil {
			return false, fmt.Errorf("o2c sql: create table of kind %s: %w", k.Name, err)
		}
	}
	return false, nil
}

// markKinds records that every declared kind has its table (after
// Migrate committed).
func (db *DB) markKinds() {
	for _, k := range kernel.Kinds() {
		db.kinds.ok.Store(k, true)
	}
}

// arg converts a normalised kernel value for binding.
func (db *DB) arg(v any) any {
	switch x := v.(type) {
	case o2c.Date:
		return x.String()
	case time.Time:
		return db.ts(x)
	}
	return v
}

func (db *DB) exec(ctx context.Context, q querier, query string, args ...any) (stdsql.Result, error) {
	return q.ExecContext(ctx, db.d.rebind(query), args...)
}

// Insert implements kernel.Backend.
func (db *DB) Insert(ctx context.Context, tenant o2c.TenantID, k *kernel.Kind, r *kernel.Row) error {
	q := db.reader(ctx)
	table, err := db.table(ctx, q, k)
	if err != nil {
		return err
	}
	body, err := k.Marshal(r.Doc)
	if err != nil {
		return err
	}
	now := db.ts(db.clock.Now())
	cols := []string{"tenant", "id", "version", "body", "created_at", "updated_at"}
	args := []any{string(tenant), r.ID, r.Version, string(body), now, now}
	for i, c := range k.Columns {
		cols = append(cols, c.Name)
		args = append(args, db.arg(r.Index[i]))
	}
	_, err = db.exec(ctx, q, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(cols, ", "), placeholders(1, len(cols))), args...)
	if err != nil {
		if isUniqueViolation(err) {
			return &kernel.DuplicateError{Key: duplicateKey(db.d, k, err), Err: err}
		}
		return err
	}
	return db.syncSets(ctx, q, tenant, k, r)
}

// syncSets makes the set tables hold exactly r's values.
func (db *DB) syncSets(ctx context.Context, q querier, tenant o2c.TenantID, k *kernel.Kind, r *kernel.Row) error {
	for i, s := range k.Sets {
		if _, err := db.exec(ctx, q, fmt.Sprintf("DELETE FROM %s WHERE tenant = $1 AND %s = $2", s.Table, s.Ref), string(tenant), r.ID); err != nil {
			return err
		}
		for _, v := range r.Sets[i] {
			if _, err := db.exec(ctx, q, fmt.Sprintf("INSERT INTO %s (tenant, %s, %s) VALUES ($1, $2, $3)", s.Table, s.Column, s.Ref),
				string(tenant), v, r.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// Get implements kernel.Backend.
func (db *DB) Get(ctx context.Context, tenant o2c.TenantID, k *kernel.Kind, id string, lock kernel.Lock) (*kernel.Row, error) {
	q := db.reader(ctx)
	table, err := db.table(ctx, q, k)
	if err != nil {
		return nil, err
	}
	query := fmt.Sprintf("SELECT id, version, body, created_at FROM %s WHERE tenant = $1 AND id = $2", table)
	if db.current(ctx) != nil {
		query += db.d.lockClause(lock)
	}
	rows, err := q.QueryContext(ctx, db.d.rebind(query), string(tenant), id)
	if err != nil {
		return nil, db.translate(err)
	}
	out, err := db.scanRows(k, rows)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

func (db *DB) scanRows(k *kernel.Kind, rows *stdsql.Rows) ([]*kernel.Row, error) {
	defer rows.Close()
	var out []*kernel.Row
	for rows.Next() {
		var (
			r       kernel.Row
			body    []byte
			created nullTime
		)
		if err := rows.Scan(&r.ID, &r.Version, &body, &created); err != nil {
			return nil, err
		}
		doc, err := k.Unmarshal(body)
		if err != nil {
			return nil, fmt.Errorf("o2c sql: %s %s: %w", k.Name, r.ID, err)
		}
		r.Doc, r.Created = doc, created.T
		out = append(out, &r)
	}
	return out, rows.Err()
}

// Replace implements kernel.Backend.
func (db *DB) Replace(ctx context.Context, tenant o2c.TenantID, k *kernel.Kind, r *kernel.Row, prev int64) (int64, bool, error) {
	q := db.reader(ctx)
	table, err := db.table(ctx, q, k)
	if err != nil {
		return 0, false, err
	}
	body, err := k.Marshal(r.Doc)
	if err != nil {
		return 0, false, err
	}
	sets := []string{"version = $1", "body = $2", "updated_at = $3"}
	args := []any{prev + 1, string(body), db.ts(db.clock.Now())}
	for i, c := range k.Columns {
		args = append(args, db.arg(r.Index[i]))
		sets = append(sets, fmt.Sprintf("%s = $%d", c.Name, len(args)))
	}
	n := len(args)
	args = append(args, string(tenant), r.ID, prev)
	res, err := db.exec(ctx, q, fmt.Sprintf("UPDATE %s SET %s WHERE tenant = $%d AND id = $%d AND version = $%d",
		table, strings.Join(sets, ", "), n+1, n+2, n+3), args...)
	if err != nil {
		if isUniqueViolation(err) {
			return 0, false, &kernel.DuplicateError{Key: duplicateKey(db.d, k, err), Err: err}
		}
		return 0, false, err
	}
	affected, err := res.RowsAffected()
	if err != nil {
		return 0, false, err
	}
	if affected == 0 {
		var stored int64
		err := q.QueryRowContext(ctx, db.d.rebind(fmt.Sprintf("SELECT version FROM %s WHERE tenant = $1 AND id = $2", table)),
			string(tenant), r.ID).Scan(&stored)
		if errors.Is(err, stdsql.ErrNoRows) {
			return 0, false, nil
		}
		return stored, false, err
	}
	return prev + 1, true, db.syncSets(ctx, q, tenant, k, r)
}

// Delete implements kernel.Backend.
func (db *DB) Delete(ctx context.Context, tenant o2c.TenantID, k *kernel.Kind, id string) (bool, error) {
	q := db.reader(ctx)
	table, err := db.table(ctx, q, k)
	if err != nil {
		return false, err
	}
	for _, s := range k.Sets {
		if _, err := db.exec(ctx, q, fmt.Sprintf("DELETE FROM %s WHERE tenant = $1 AND %s = $2", s.Table, s.Ref), string(tenant), id); err != nil {
			return false, err
		}
	}
	res, err := db.exec(ctx, q, fmt.Sprintf("DELETE FROM %s WHERE tenant = $1 AND id = $2", table), string(tenant), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Append implements kernel.Backend.
func (db *DB) Append(ctx context.Context, tenant o2c.TenantID, events []o2c.Event) error {
	return db.appendEvents(ctx, db.reader(ctx), tenant, events)
}

// Query implements kernel.Backend: filters become a WHERE clause, a cursor
// a keyset condition on the order's columns (no OFFSET scan).
func (db *DB) Query(ctx context.Context, tenant o2c.TenantID, k *kernel.Kind, p *kernel.Plan) ([]*kernel.Row, error) {
	q := db.reader(ctx)
	table, err := db.table(ctx, q, k)
	if err != nil {
		return nil, err
	}
	args := []any{string(tenant)}
	arg := func(v any) string {
		args = append(args, db.arg(v))
		return fmt.Sprintf("$%d", len(args))
	}
	var where []string
	for _, f := range p.Where {
		switch f.Op {
		case kernel.OpHas:
			s := k.Sets[k.SetIndex(f.Column)]
			where = append(where, fmt.Sprintf("id IN (SELECT %s FROM %s WHERE tenant = $1 AND %s = %s)", s.Ref, s.Table, s.Column, arg(f.Value)))
		case kernel.OpNull:
			where = append(where, f.Column+" IS NULL")
		case kernel.OpNotNull:
			where = append(where, f.Column+" IS NOT NULL")
		case kernel.OpIn:
			vs := f.Value.([]any)
			if len(vs) == 0 {
				where = append(where, "1 = 0")
				continue
			}
			ps := make([]string, len(vs))
			for i, v := range vs {
				ps[i] = arg(v)
			}
			where = append(where, f.Column+" IN ("+strings.Join(ps, ", ")+")")
		default:
			where = append(where, fmt.Sprintf("%s %s %s", f.Column, f.Op, arg(f.Value)))
		}
	}
	if p.After != nil {
		// (a > x) OR (a = x AND b > y) OR ...
		var ors []string
		for i, s := range p.Order {
			var ands []string
			for j := range i {
				ands = append(ands, fmt.Sprintf("%s = %s", p.Order[j].Column, arg(p.After[j])))
			}
			op := ">"
			if s.Desc {
				op = "<"
			}
			ands = append(ands, fmt.Sprintf("%s %s %s", s.Column, op, arg(p.After[i])))
			ors = append(ors, "("+strings.Join(ands, " AND ")+")")
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	query := fmt.Sprintf("SELECT id, version, body, created_at FROM %s WHERE tenant = $1", table)
	for _, w := range where {
		query += " AND " + w
	}
	terms := make([]string, len(p.Order))
	for i, s := range p.Order {
		terms[i] = db.d.orderTerm(s.Column, s.Desc)
	}
	query += " ORDER BY " + strings.Join(terms, ", ")
	if p.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", p.Limit)
		if p.Offset > 0 {
			query += fmt.Sprintf(" OFFSET %d", p.Offset)
		}
	}
	if db.current(ctx) != nil {
		query += db.d.lockClause(p.Lock)
	}
	rows, err := q.QueryContext(ctx, db.d.rebind(query), args...)
	if err != nil {
		return nil, db.translate(err)
	}
	return db.scanRows(k, rows)
}
