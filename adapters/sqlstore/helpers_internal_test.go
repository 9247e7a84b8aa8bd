package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// forEachDialect runs fn on a fresh SQLite file and, when O2C_POSTGRES_DSN
// is set, on a fresh PostgreSQL schema. (sqltest cannot be imported here:
// it imports this package.)
func forEachDialect(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "t.db"), Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		fn(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("O2C_POSTGRES_DSN")
		if dsn == "" {
			if os.Getenv("O2C_REQUIRE_POSTGRES") == "1" {
				t.Fatal("O2C_POSTGRES_DSN is unset")
			}
			t.Skip("set O2C_POSTGRES_DSN to run PostgreSQL tests")
		}
		schema := "o2c_itest_" + randomSuffix()
		db, err := OpenPostgres(context.Background(), dsn, Options{Schema: schema})
		require.NoError(t, err)
		t.Cleanup(func() {
			_, _ = db.sql.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		})
		fn(t, db)
	})
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
