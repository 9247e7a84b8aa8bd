package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/outbox/outboxtest"
)

func harness(db *sqlstore.DB) outboxtest.Harness {
	return outboxtest.Harness{
		Tx:    db,
		Store: func(tenant o2c.TenantID) outbox.Store { return db.MustTenant(tenant).Outbox() },
	}
}

func TestOutboxConformanceSQLite(t *testing.T) {
	outboxtest.RunStoreTests(t, func(t *testing.T) outboxtest.Harness {
		return harness(sqltest.SQLite(t, sqlstore.Options{}))
	})
}

func TestOutboxConformanceSQLiteMemory(t *testing.T) {
	outboxtest.RunStoreTests(t, func(t *testing.T) outboxtest.Harness {
		db, err := sqlstore.OpenSQLite(context.Background(), ":memory:", sqlstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return harness(db)
	})
}

func TestOutboxConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	outboxtest.RunStoreTests(t, func(t *testing.T) outboxtest.Harness {
		return harness(sqltest.Postgres(t, sqlstore.Options{}))
	})
}

func TestOutboxDispatchConformanceSQLite(t *testing.T) {
	outboxtest.RunDispatchTests(t, func(t *testing.T) outboxtest.Harness {
		return harness(sqltest.SQLite(t, sqlstore.Options{}))
	})
}

func TestOutboxDispatchConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	outboxtest.RunDispatchTests(t, func(t *testing.T) outboxtest.Harness {
		return harness(sqltest.Postgres(t, sqlstore.Options{}))
	})
}

func TestOutboxTenantsSQLite(t *testing.T) {
	outboxtest.RunTenantsTests(t, func(t *testing.T) outbox.TenantsStore {
		return sqltest.SQLite(t, sqlstore.Options{}).Outboxes()
	})
}

func TestOutboxTenantsPostgres(t *testing.T) {
	outboxtest.RunTenantsTests(t, func(t *testing.T) outbox.TenantsStore {
		return sqltest.Postgres(t, sqlstore.Options{}).Outboxes()
	})
}
