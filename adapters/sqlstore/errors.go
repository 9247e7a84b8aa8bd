package sqlstore

import (
	"context"
	stdsql "database/sql"
	"database/sql/driver"
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
		errors.Is(err, o2c.ErrRetryable),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, stdsql.ErrNoRows):
		return fmt.Errorf("%w: %w", o2c.ErrNotFound, err)
	case isUniqueViolation(err):
		return fmt.Errorf("%w: duplicate: %w", o2c.ErrConflict, err)
	case isBadText(err):
		return &o2c.ValidationError{Field: "text", Rule: "must be valid UTF-8 without NUL characters", Err: err}
	case isRetryable(err):
		// a lost race: ErrConflict as before, and ErrRetryable for callers
		// that retry any transient failure
		return fmt.Errorf("%w: %w: concurrent update: %w", o2c.ErrRetryable, o2c.ErrConflict, err)
	case isConnectionLost(err):
		return fmt.Errorf("%w: connection lost: %w", o2c.ErrRetryable, err)
	}
	return err
}

// isBadText: PostgreSQL refused a text (a NUL byte, invalid UTF-8, or a
// JSON \u0000 escape it cannot store).
func isBadText(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "22021" || pg.Code == "22P05" // character_not_in_repertoire, untranslatable_character
	}
	return false
}

// isConnectionLost: the server ended the session (an administrator or a
// pooler terminated the backend, the server is shutting down or
// restarting) or the connection broke; the transaction was rolled back.
func isConnectionLost(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "57P01", "57P02", "57P03", "08000", "08003", "08006": // admin_shutdown, crash_shutdown, cannot_connect_now, connection_*
			return true
		}
		return false
	}
	return errors.Is(err, driver.ErrBadConn)
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
