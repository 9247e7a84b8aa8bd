package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/matching/matchingtest"
	"github.com/cashcycle/sdk/o2c"
)

func matchingHarness(db *sqlstore.DB) matchingtest.Harness {
	return matchingtest.Harness{Tx: db, Store: func(t o2c.TenantID) matching.Store { return db.MustTenant(t).Matching() }}
}

func TestMatchingStoreConformanceSQLite(t *testing.T) {
	matchingtest.RunStoreTests(t, func(t *testing.T) matchingtest.Harness {
		return matchingHarness(sqltest.SQLite(t, sqlstore.Options{}))
	})
}

func TestMatchingStoreConformanceSQLiteMemory(t *testing.T) {
	matchingtest.RunStoreTests(t, func(t *testing.T) matchingtest.Harness {
		db, err := sqlstore.OpenSQLite(context.Background(), ":memory:", sqlstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return matchingHarness(db)
	})
}

func TestMatchingStoreConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	matchingtest.RunStoreTests(t, func(t *testing.T) matchingtest.Harness {
		return matchingHarness(sqltest.Postgres(t, sqlstore.Options{}))
	})
}
