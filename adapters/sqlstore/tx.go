package sqlstore

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"sync/atomic"
)

type txKey struct{}

type sqlTx struct {
	db *DB
	tx *stdsql.Tx
	sp atomic.Int64 // savepoint counter
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *stdsql.Row
}

func (db *DB) current(ctx context.Context) *sqlTx {
	if t, ok := ctx.Value(txKey{}).(*sqlTx); ok && t.db == db {
		return t
	}
	return nil
}

// InTx runs fn in a database transaction: every store of this DB called
// with the context fn receives joins it. fn's error or panic rolls back; a
// nested InTx joins the outer transaction. On SQLite the transaction takes
// the write lock at BEGIN (immediate mode), so two transactions never
// deadlock upgrading a read lock.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if db.current(ctx) != nil {
		return fn(ctx)
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return db.translate(fmt.Errorf("o2c sql: begin: %w", err))
	}
	t := &sqlTx{db: db, tx: tx}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(context.WithValue(ctx, txKey{}, t)); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil {
			db.log.WarnContext(ctx, "o2c sql: rollback failed", "error", rbErr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return db.translate(fmt.Errorf("o2c sql: commit: %w", err))
	}
	return nil
}

// write runs fn atomically with a querier: inside the caller's transaction
// when ctx carries one (under a savepoint, so a failing step leaves nothing
// half-written even if the caller carries on), else in a transaction of its
// own. Errors are translated into o2c errors.
func (db *DB) write(ctx context.Context, fn func(q querier) error) error {
	if t := db.current(ctx); t != nil {
		name := fmt.Sprintf("o2c_sp_%d", t.sp.Add(1))
		if _, err := t.tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
			return db.translate(err)
		}
		if err := fn(t.tx); err != nil {
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
	return db.InTx(ctx, func(ctx context.Context) error {
		return db.translate(fn(db.current(ctx).tx))
	})
}

// reader returns the caller's transaction or the pool.
func (db *DB) reader(ctx context.Context) querier {
	if t := db.current(ctx); t != nil {
		return t.tx
	}
	return db.sql
}
