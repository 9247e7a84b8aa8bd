package sqlstore

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cashcycle/sdk/o2c"
)

// translate maps driver errors onto o2c's sentinels, keeping the driver
// error in the chain for diagnostics. Errors that already are o2c errors
// pass through.
func (db *DB) translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, o2c.ErrNotFound), errors.Is(err, o2c.ErrConflict),
		errors.Is(err, o2c.ErrValidation), errors.Is(err, o2c.ErrInvalidTransition),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, stdsql.ErrNoRows):
		return fmt.Errorf("%w: %w", o2c.ErrNotFound, err)
	case isUniqueViolation(err):
		return fmt.Errorf("%w: duplicate: %w", o2c.ErrConflict, err)
	case isRetryable(err):
		return fmt.Errorf("%w: concurrent update: %w", o2c.ErrConflict, err)
	}
	return err
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isRetryable: the transaction lost a race and may succeed if retried.
func isRetryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01" // serialization_failure, deadlock_detected
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}
