package sqlstore

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"

	"github.com/cashcycle/sdk/o2c"
)

// Every PostgreSQL code the adapter translates, including the ones that
// are hard to provoke on demand (a serialisation failure needs
// SERIALIZABLE transactions, which the adapter does not use).
func TestTranslatePostgresCodes(t *testing.T) {
	db := &DB{}
	cases := []struct {
		code                        string
		validation, retry, conflict bool
	}{
		{"22021", true, false, false}, {"22P05", true, false, false},
		{"40001", false, true, true}, {"40P01", false, true, true},
		{"57P01", false, true, false}, {"57P02", false, true, false}, {"08006", false, true, false},
		{"23505", false, false, true},
		{"42P01", false, false, false}, // undefined table: a bug, passed through as it is
	}
	for _, c := range cases {
		raw := fmt.Errorf("o2c sql: exec: %w", &pgconn.PgError{Code: c.code, Message: "m"})
		err := db.translate(raw)
		assert.Equal(t, c.validation, errors.Is(err, o2c.ErrValidation), c.code)
		assert.Equal(t, c.retry, errors.Is(err, o2c.ErrRetryable), c.code)
		assert.Equal(t, c.conflict, errors.Is(err, o2c.ErrConflict), c.code)
		var pg *pgconn.PgError
		assert.ErrorAs(t, err, &pg, "the driver error stays in the chain for diagnostics")
	}
	assert.ErrorIs(t, db.translate(driver.ErrBadConn), o2c.ErrRetryable)
	already := fmt.Errorf("wrapped: %w", o2c.ErrRetryable)
	assert.Same(t, already, db.translate(already))
}
