package sqlstore

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

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
	got, err := splitStatements("-- comment\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a (x);\n-- trailing comment;\n")
	require.NoError(t, err)
	assert.Equal(t, []string{"-- comment\nCREATE TABLE a (x INT);", "CREATE INDEX i ON a (x);"}, got)

	// semicolons inside strings, quoted identifiers, comments and
	// dollar-quoted bodies do not end a statement
	body := `INSERT INTO t (s) VALUES ('a;b', 'it''s; fine'); CREATE TABLE "odd;name" (x INT);
/* a block; comment */ SELECT 1; -- a line; comment
CREATE FUNCTION f() RETURNS trigger AS $$
BEGIN
  NEW.x := 1; -- inside the body
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'x;y' $body$ LANGUAGE sql;
SELECT $1::int`
	got, err = splitStatements(body)
	require.NoError(t, err)
	require.Len(t, got, 6)
	assert.Equal(t, `INSERT INTO t (s) VALUES ('a;b', 'it''s; fine');`, got[0])
	assert.Equal(t, `CREATE TABLE "odd;name" (x INT);`, got[1])
	assert.Equal(t, `/* a block; comment */ SELECT 1;`, got[2])
	assert.Contains(t, got[3], "RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;")
	assert.Equal(t, `CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'x;y' $body$ LANGUAGE sql;`, got[4])
	assert.Equal(t, "-- a line; comment\nCREATE FUNCTION f() RETURNS trigger AS $$", got[3][:len("-- a line; comment\nCREATE FUNCTION f() RETURNS trigger AS $$")])
	assert.Equal(t, `SELECT $1::int`, got[5])

	for _, bad := range []string{"SELECT 'open;", `SELECT "open`, "/* open; ", "SELECT $$ open;"} {
		_, err := splitStatements(bad)
		assert.Error(t, err, bad)
	}
}

// Every embedded migration splits cleanly.
func TestEmbeddedMigrationsSplit(t *testing.T) {
	for _, d := range []Dialect{SQLite, Postgres} {
		ms, err := migrations(d)
		require.NoError(t, err)
		require.NotEmpty(t, ms)
		for _, m := range ms {
			assert.NotEmpty(t, m.stmts, m.name)
			assert.Len(t, m.checksum, 64)
		}
	}
}

// A migration changed after it was applied is refused; the table records
// the real time, not the store's (manual) clock.
func TestMigrateRefusesAChangedMigration(t *testing.T) {
	ctx := context.Background()
	clock := o2c.NewManualClock(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC))
	db, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "m.db"), Options{Clock: clock})
	require.NoError(t, err)
	defer db.Close()
	var at string
	require.NoError(t, db.sql.QueryRow(`SELECT applied_at FROM o2c_schema_migrations WHERE version = 1`).Scan(&at))
	assert.NotContains(t, at, "2001-01-01", "real time, not the store's clock")
	assert.Contains(t, at, time.Now().UTC().Format("2006-01-02"))

	require.NoError(t, db.Migrate(ctx), "unchanged: a no-op")
	_, err = db.sql.Exec(`UPDATE o2c_schema_migrations SET checksum = 'edited' WHERE version = 1`)
	require.NoError(t, err)
	err = db.Migrate(ctx)
	require.ErrorIs(t, err, ErrMigrationChanged)
	assert.ErrorContains(t, err, "0001_")

	// a table from before checksums: the checksum is recorded, not refused
	_, err = db.sql.Exec(`UPDATE o2c_schema_migrations SET checksum = ''`)
	require.NoError(t, err)
	require.NoError(t, db.Migrate(ctx))
	var empty int
	require.NoError(t, db.sql.QueryRow(`SELECT COUNT(*) FROM o2c_schema_migrations WHERE checksum = ''`).Scan(&empty))
	assert.Zero(t, empty)
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
