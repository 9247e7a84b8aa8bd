// Package sqltest opens throw-away databases for tests: an SQLite file in
// the test's temporary directory, and a PostgreSQL schema of its own on the
// server named by O2C_POSTGRES_DSN, dropped when the test ends, so parallel
// runs never collide.
//
// Without O2C_POSTGRES_DSN the PostgreSQL tests skip with a message saying
// how to run them; with O2C_REQUIRE_POSTGRES=1 (set by CI) they fail
// instead, so a CI run can never pass with them silently skipped.
package sqltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
)

// EnvDSN names the environment variable holding the PostgreSQL DSN.
const EnvDSN = "O2C_POSTGRES_DSN"

// EnvRequire names the environment variable that turns a missing DSN into a failure.
const EnvRequire = "O2C_REQUIRE_POSTGRES"

// SQLite opens a migrated SQLite database in a file under t.TempDir().
func SQLite(t testing.TB, opts sqlstore.Options) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "o2c.db"), opts)
	if err != nil {
		t.Fatalf("sqltest: open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresDSN returns the DSN, or skips (fails under O2C_REQUIRE_POSTGRES=1) when unset.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		msg := "PostgreSQL tests need a server: set " + EnvDSN + `, e.g. O2C_POSTGRES_DSN="postgres://postgres@127.0.0.1:5432/test?sslmode=disable" go test ./...`
		if os.Getenv(EnvRequire) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dsn
}

// NewSchemaName returns a fresh schema name for one test.
func NewSchemaName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "o2c_test_" + hex.EncodeToString(b)
}

// Postgres opens a migrated PostgreSQL database in a fresh schema, dropped
// at the end of the test. opts.Schema is overwritten.
func Postgres(t testing.TB, opts sqlstore.Options) *sqlstore.DB {
	t.Helper()
	dsn := PostgresDSN(t)
	opts.Schema = NewSchemaName()
	ctx := context.Background()
	db, err := sqlstore.OpenPostgres(ctx, dsn, opts)
	if err != nil {
		t.Fatalf("sqltest: open postgres (%s=%q): %v", EnvDSN, dsn, err)
	}
	t.Cleanup(func() {
		_, _ = db.SQL().ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+opts.Schema+" CASCADE")
		db.Close()
	})
	return db
}

// Each runs fn as two subtests, "sqlite" and "postgres", each on a fresh database.
func Each(t *testing.T, opts sqlstore.Options, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, opts)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t, opts)) })
}
