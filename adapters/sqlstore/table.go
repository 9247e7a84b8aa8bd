package sqlstore

import (
	"context"
	stdsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/cashcycle/sdk/o2c"
)

// table describes how the stores of this adapter keep an aggregate of type
// T: one row per aggregate keyed by (tenant, id), a version column for
// optimistic concurrency, the aggregate as a JSON document in body, and
// extra columns that queries filter and sort on. Every table created for it
// has the columns
//
//	tenant, id, version, body, created_at, updated_at, <columns...>
//
// with PRIMARY KEY (tenant, id).
type table[T any] struct {
	name       string // SQL table name
	kind       string // what errors call a row: "order"
	id         func(*T) string
	version    func(*T) int64
	setVersion func(*T, int64)
	columns    []string                 // extra columns, written on insert and update
	values     func(db *DB, v *T) []any // their values, in the order of columns
	// sync, when set, writes what depends on v outside its row (the rows
	// of a side table that queries join) with q, in the same transaction
	// and savepoint, after v's row is inserted or saved and before the
	// events are appended; its error rolls the whole write back.
	sync func(ctx context.Context, q querier, tenant o2c.TenantID, v *T) error
}

func (tb *table[T]) encode(v *T) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("o2c sql: encode %s: %w", tb.kind, err)
	}
	return string(b), nil
}

// insert writes v as version 1, with events, atomically. A row with the
// same id is o2c.ErrConflict.
func (tb *table[T]) insert(ctx context.Context, db *DB, tenant o2c.TenantID, v *T, events []o2c.Event) error {
	body, err := tb.encode(v)
	if err != nil {
		return err
	}
	cols := append([]string{"tenant", "id", "version", "body", "created_at", "updated_at"}, tb.columns...)
	now := db.ts(db.clock.Now())
	args := append([]any{string(tenant), tb.id(v), int64(1), body, now, now}, tb.extra(db, v)...)
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", tb.name, strings.Join(cols, ", "), placeholders(1, len(cols)))
	err = db.write(ctx, func(qr querier) error {
		if _, err := qr.ExecContext(ctx, q, args...); err != nil {
			if isUniqueViolation(err) {
				return o2c.Conflict(tb.kind, tb.id(v), "already exists")
			}
			return err
		}
		if tb.sync != nil {
			if err := tb.sync(ctx, qr, tenant, v); err != nil {
				return err
			}
		}
		return db.appendEvents(ctx, qr, tenant, events)
	})
	if err == nil {
		tb.setVersion(v, 1)
	}
	return err
}

func (tb *table[T]) extra(db *DB, v *T) []any {
	if tb.values == nil {
		return nil
	}
	return tb.values(db, v)
}

// get reads one aggregate; a missing row is o2c.ErrNotFound.
func (tb *table[T]) get(ctx context.Context, db *DB, tenant o2c.TenantID, id string) (*T, error) {
	return tb.getWith(ctx, db, db.reader(ctx), tenant, id, false)
}

func (tb *table[T]) getWith(ctx context.Context, db *DB, q querier, tenant o2c.TenantID, id string, lock bool) (*T, error) {
	query := fmt.Sprintf("SELECT version, body FROM %s WHERE tenant = $1 AND id = $2", tb.name)
	if lock && db.dialect == Postgres {
		query += " FOR UPDATE"
	}
	var (
		version int64
		body    string
	)
	err := q.QueryRowContext(ctx, query, string(tenant), id).Scan(&version, &body)
	if errors.Is(err, stdsql.ErrNoRows) {
		return nil, o2c.NotFound(tb.kind, id)
	}
	if err != nil {
		return nil, db.translate(err)
	}
	v := new(T)
	if err := json.Unmarshal([]byte(body), v); err != nil {
		return nil, fmt.Errorf("o2c sql: decode %s %s: %w", tb.kind, id, err)
	}
	tb.setVersion(v, version)
	return v, nil
}

// save writes v over the stored row if the stored version is still
// v's version (optimistic concurrency), with events, atomically, and bumps
// v's version. A stale version is o2c.ErrConflict; a missing row
// o2c.ErrNotFound.
func (tb *table[T]) save(ctx context.Context, db *DB, tenant o2c.TenantID, v *T, events []o2c.Event) error {
	return db.write(ctx, func(q querier) error { return tb.saveWith(ctx, db, q, tenant, v, events) })
}

func (tb *table[T]) saveWith(ctx context.Context, db *DB, q querier, tenant o2c.TenantID, v *T, events []o2c.Event) error {
	cur := tb.version(v)
	tb.setVersion(v, cur+1) // the body records the version it becomes
	body, err := tb.encode(v)
	tb.setVersion(v, cur)
	if err != nil {
		return err
	}
	sets := []string{"version = version + 1", "body = $1", "updated_at = $2"}
	args := []any{body, db.ts(db.clock.Now())}
	for i, c := range tb.columns {
		sets = append(sets, fmt.Sprintf("%s = $%d", c, i+3))
	}
	args = append(args, tb.extra(db, v)...)
	n := len(args)
	query := fmt.Sprintf("UPDATE %s SET %s WHERE tenant = $%d AND id = $%d AND version = $%d",
		tb.name, strings.Join(sets, ", "), n+1, n+2, n+3)
	args = append(args, string(tenant), tb.id(v), cur)
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	affected, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if affected == 0 {
		var stored int64
		err := q.QueryRowContext(ctx, fmt.Sprintf("SELECT version FROM %s WHERE tenant = $1 AND id = $2", tb.name),
			string(tenant), tb.id(v)).Scan(&stored)
		if errors.Is(err, stdsql.ErrNoRows) {
			return o2c.NotFound(tb.kind, tb.id(v))
		}
		if err != nil {
			return err
		}
		return o2c.Conflict(tb.kind, tb.id(v), fmt.Sprintf("version %d is stale, stored version is %d", cur, stored))
	}
	if tb.sync != nil {
		if err := tb.sync(ctx, q, tenant, v); err != nil {
			return err
		}
	}
	if err := db.appendEvents(ctx, q, tenant, events); err != nil {
		return err
	}
	tb.setVersion(v, cur+1)
	return nil
}

// update loads the aggregate, lets fn change it and returns the events the
// change raised, then saves it with those events, all in one transaction.
// fn's error aborts without writing anything. On PostgreSQL the row is
// locked while fn runs (SQLite's immediate transactions already serialise
// writers), so concurrent updates queue rather than conflict; a Save with
// a stale version from elsewhere still fails with o2c.ErrConflict.
func (tb *table[T]) update(ctx context.Context, db *DB, tenant o2c.TenantID, id string, fn func(*T) ([]o2c.Event, error)) (*T, error) {
	var out *T
	err := db.write(ctx, func(q querier) error {
		v, err := tb.getWith(ctx, db, q, tenant, id, true)
		if err != nil {
			return err
		}
		events, err := fn(v)
		if err != nil {
			return err
		}
		if err := tb.saveWith(ctx, db, q, tenant, v, events); err != nil {
			return err
		}
		out = v
		return nil
	})
	return out, err
}

// query is a filtered, ordered page of a table. where and its args use
// placeholders from $2 on ($1 is the tenant).
type query struct {
	where   string
	args    []any
	orderBy string // default "created_at, id"
	limit   int    // 0: no limit
	offset  int
}

// list returns the tenant's aggregates matching q.
func (tb *table[T]) list(ctx context.Context, db *DB, tenant o2c.TenantID, q query) ([]*T, error) {
	sqlq := fmt.Sprintf("SELECT version, body FROM %s WHERE tenant = $1", tb.name)
	if q.where != "" {
		sqlq += " AND (" + q.where + ")"
	}
	order := q.orderBy
	if order == "" {
		order = "created_at, id"
	}
	sqlq += " ORDER BY " + order
	args := append([]any{string(tenant)}, q.args...)
	if q.limit > 0 {
		sqlq += fmt.Sprintf(" LIMIT %d OFFSET %d", q.limit, q.offset)
	} else if q.offset > 0 {
		return nil, o2c.NewValidationError("offset", "needs a limit")
	}
	rows, err := db.reader(ctx).QueryContext(ctx, sqlq, args...)
	if err != nil {
		return nil, db.translate(err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var (
			version int64
			body    string
		)
		if err := rows.Scan(&version, &body); err != nil {
			return nil, err
		}
		v := new(T)
		if err := json.Unmarshal([]byte(body), v); err != nil {
			return nil, fmt.Errorf("o2c sql: decode %s: %w", tb.kind, err)
		}
		tb.setVersion(v, version)
		out = append(out, v)
	}
	return out, rows.Err()
}

func placeholders(from, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(ps, ", ")
}
