package sqlstore

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
)

func TestMigrationsAreRecordedAndReRunnable(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ms, err := migrations(db.dialect)
		require.NoError(t, err)
		require.NotEmpty(t, ms)
		v, err := db.SchemaVersion(ctx)
		require.NoError(t, err)
		assert.Equal(t, ms[len(ms)-1].version, v)

		require.NoError(t, db.Migrate(ctx), "a second run is a no-op")
		require.NoError(t, db.Migrate(ctx))
		var n int
		require.NoError(t, db.sql.QueryRow(`SELECT COUNT(*) FROM o2c_schema_migrations`).Scan(&n))
		assert.Equal(t, len(ms), n, "each migration recorded once")
	})
}

func TestConcurrentMigrateAppliesOnce(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		// Simulate several processes starting at once on a database whose
		// versions table says nothing was applied yet: drop everything first.
		dropAllTables(t, db)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = db.Migrate(ctx) }()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		ms, _ := migrations(db.dialect)
		var n int
		require.NoError(t, db.sql.QueryRow(`SELECT COUNT(*) FROM o2c_schema_migrations`).Scan(&n))
		assert.Equal(t, len(ms), n)
		require.NoError(t, db.MustTenant("acme").Outbox().Append(ctx, evt(t, "acme", "after.migrate")))
	})
}

func TestSplitStatements(t *testing.T) {
	got := splitStatements("-- comment\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a (x);\n")
	assert.Equal(t, []string{"CREATE TABLE a (x INT);", "CREATE INDEX i ON a (x);"}, got)
}

func TestOpenValidatesInput(t *testing.T) {
	ctx := context.Background()
	_, err := OpenSQLite(ctx, "", Options{})
	require.ErrorIs(t, err, o2c.ErrValidation)
	_, err = OpenPostgres(ctx, "postgres://127.0.0.1:5432/x", Options{Schema: "Bad-Name; DROP"})
	require.ErrorIs(t, err, o2c.ErrValidation)
	_, err = OpenPostgres(ctx, "::not a dsn::", Options{})
	require.Error(t, err)

	db, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "x.db"), Options{})
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Tenant("")
	require.ErrorIs(t, err, o2c.ErrValidation)
	_, err = db.Tenant("has space")
	require.ErrorIs(t, err, o2c.ErrValidation)
}

func TestSQLiteFilePersistsAcrossOpens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "persist.db")
	db, err := OpenSQLite(ctx, path, Options{})
	require.NoError(t, err)
	require.NoError(t, db.MustTenant("acme").Outbox().Append(ctx, evt(t, "acme", "persisted")))
	require.NoError(t, db.Close())

	db, err = OpenSQLite(ctx, path, Options{})
	require.NoError(t, err)
	defer db.Close()
	recs, err := db.MustTenant("acme").Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, "persisted", recs[0].Event.Type)
}

func TestDriverErrorsTranslate(t *testing.T) {
	forEachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		_, err := db.sql.Exec(`CREATE TABLE test_unique (k TEXT PRIMARY KEY)`)
		require.NoError(t, err)
		err = db.write(ctx, func(q querier) error {
			_, err := q.ExecContext(ctx, `INSERT INTO test_unique (k) VALUES ($1)`, "a")
			return err
		})
		require.NoError(t, err)
		err = db.write(ctx, func(q querier) error {
			_, err := q.ExecContext(ctx, `INSERT INTO test_unique (k) VALUES ($1)`, "a")
			return err
		})
		require.ErrorIs(t, err, o2c.ErrConflict)
		err = db.write(ctx, func(q querier) error {
			var k string
			return q.QueryRowContext(ctx, `SELECT k FROM test_unique WHERE k = $1`, "zz").Scan(&k)
		})
		require.ErrorIs(t, err, o2c.ErrNotFound)
	})
}

// dropAllTables drops every table of this module, newest first (so that
// foreign keys never point at a dropped table).
func dropAllTables(t *testing.T, db *DB) {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'o2c_%' ORDER BY rowid DESC`
	if db.dialect == Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'o2c_%'`
	}
	rows, err := db.sql.Query(q)
	require.NoError(t, err)
	var names []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	require.NoError(t, rows.Close())
	require.NotEmpty(t, names)
	for _, n := range names {
		stmt := "DROP TABLE IF EXISTS " + n
		if db.dialect == Postgres {
			stmt += " CASCADE"
		}
		_, err := db.sql.Exec(stmt)
		require.NoError(t, err, n)
	}
}
