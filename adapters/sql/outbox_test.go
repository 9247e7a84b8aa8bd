package sql_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	o2csql "github.com/cashcycle/sdk/adapters/sql"
	"github.com/cashcycle/sdk/adapters/sql/sqltest"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/outbox/outboxtest"
)

func harness(db *o2csql.DB) outboxtest.Harness {
	return outboxtest.Harness{
		Tx:    db,
		Store: func(tenant o2c.TenantID) outbox.Store { return db.MustTenant(tenant).Outbox() },
	}
}

func TestOutboxConformanceSQLite(t *testing.T) {
	outboxtest.RunStoreTests(t, func(t *testing.T) outboxtest.Harness {
		return harness(sqltest.SQLite(t, o2csql.Options{}))
	})
}

func TestOutboxConformanceSQLiteMemory(t *testing.T) {
	outboxtest.RunStoreTests(t, func(t *testing.T) outboxtest.Harness {
		db, err := o2csql.OpenSQLite(context.Background(), ":memory:", o2csql.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return harness(db)
	})
}

func TestOutboxConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	outboxtest.RunStoreTests(t, func(t *testing.T) outboxtest.Harness {
		return harness(sqltest.Postgres(t, o2csql.Options{}))
	})
}

func TestOutboxDispatchConformanceSQLite(t *testing.T) {
	outboxtest.RunDispatchTests(t, func(t *testing.T) outboxtest.Harness {
		return harness(sqltest.SQLite(t, o2csql.Options{}))
	})
}

func TestOutboxDispatchConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	outboxtest.RunDispatchTests(t, func(t *testing.T) outboxtest.Harness {
		return harness(sqltest.Postgres(t, o2csql.Options{}))
	})
}
