package sqlstore_test

import (
	"context"
	stdsql "database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/o2c"
)

// lockSQLite takes the write lock of the SQLite file at path on a
// connection of its own (another process would do the same) and returns
// the function that releases it.
func lockSQLite(t *testing.T, path string) (release func()) {
	t.Helper()
	ctx := context.Background()
	other, err := stdsql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	require.NoError(t, err)
	t.Cleanup(func() { other.Close() })
	conn, err := other.Conn(ctx)
	require.NoError(t, err)
	_, err = conn.ExecContext(ctx, "BEGIN IMMEDIATE")
	require.NoError(t, err)
	released := false
	return func() {
		if !released {
			released = true
			_, err := conn.ExecContext(ctx, "ROLLBACK")
			assert.NoError(t, err) // not require: it may run on a timer's goroutine
			assert.NoError(t, conn.Close())
		}
	}
}

func outboxCount(t *testing.T, db *sqlstore.DB) int {
	t.Helper()
	var n int
	require.NoError(t, db.SQL().QueryRowContext(context.Background(), `SELECT count(*) FROM o2c_outbox`).Scan(&n))
	return n
}

// TestSQLiteBusyIsRetryable (issue #14): while another connection holds
// the SQLite file's write lock past the busy timeout, a write fails with
// an error that is o2c.ErrRetryable (and ErrConflict), whether it runs on
// its own or in a transaction, and writes nothing; once the lock is
// released the same write, retried, succeeds once. A lock released within
// the timeout only makes the writer wait.
func TestSQLiteBusyIsRetryable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "o2c.db")
	db, err := sqlstore.OpenSQLite(ctx, path, sqlstore.Options{BusyTimeout: 200 * time.Millisecond})
	require.NoError(t, err)
	defer db.Close()
	st := db.MustTenant("acme")
	ev := textEvent("acme", "inv-1", []byte(`{"n":1}`))

	release := lockSQLite(t, path)
	start := time.Now()
	err = st.Outbox().Append(ctx, ev)
	require.Error(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond, "waited for the busy timeout first")
	assert.ErrorIs(t, err, o2c.ErrRetryable)
	assert.ErrorIs(t, err, o2c.ErrConflict)
	assert.Contains(t, err.Error(), "database is locked")

	err = db.InTx(ctx, func(ctx context.Context) error { return st.Outbox().Append(ctx, ev) })
	require.Error(t, err)
	assert.ErrorIs(t, err, o2c.ErrRetryable, "a transaction that cannot take the lock at BEGIN")
	release()

	// the caller retries what was retryable: it goes through once
	require.NoError(t, st.Outbox().Append(ctx, ev))
	assert.Equal(t, 1, outboxCount(t, db))

	// a lock released within the timeout: the writer waits, then writes
	patient, err := sqlstore.OpenSQLite(ctx, path, sqlstore.Options{BusyTimeout: 30 * time.Second})
	require.NoError(t, err)
	defer patient.Close()
	release = lockSQLite(t, path)
	timer := time.AfterFunc(100*time.Millisecond, release)
	defer timer.Stop()
	require.NoError(t, patient.MustTenant("acme").Outbox().Append(ctx, textEvent("acme", "inv-2", []byte(`{"n":2}`))))
	assert.Equal(t, 2, outboxCount(t, db))
}
