package sql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	o2csql "github.com/cashcycle/sdk/adapters/sql"
	"github.com/cashcycle/sdk/adapters/sql/sqltest"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/matching/matchingtest"
	"github.com/cashcycle/sdk/o2c"
)

func matchingHarness(db *o2csql.DB) matchingtest.Harness {
	return matchingtest.Harness{Tx: db, Store: func(t o2c.TenantID) matching.Store { return db.MustTenant(t).Matching() }}
}

func TestMatchingStoreConformanceSQLite(t *testing.T) {
	matchingtest.RunStoreTests(t, func(t *testing.T) matchingtest.Harness {
		return matchingHarness(sqltest.SQLite(t, o2csql.Options{}))
	})
}

func TestMatchingStoreConformanceSQLiteMemory(t *testing.T) {
	matchingtest.RunStoreTests(t, func(t *testing.T) matchingtest.Harness {
		db, err := o2csql.OpenSQLite(context.Background(), ":memory:", o2csql.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return matchingHarness(db)
	})
}

func TestMatchingStoreConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	matchingtest.RunStoreTests(t, func(t *testing.T) matchingtest.Harness {
		return matchingHarness(sqltest.Postgres(t, o2csql.Options{}))
	})
}
