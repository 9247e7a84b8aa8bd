package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/kernel/kerneltest"
	"github.com/cashcycle/sdk/o2c"
)

func pendingEvents(db *sqlstore.DB) func(ctx context.Context, tenant o2c.TenantID) ([]o2c.Event, error) {
	return func(ctx context.Context, tenant o2c.TenantID) ([]o2c.Event, error) {
		recs, err := db.MustTenant(tenant).Outbox().Pending(ctx, 1000)
		if err != nil {
			return nil, err
		}
		events := make([]o2c.Event, len(recs))
		for i, r := range recs {
			events[i] = r.Event
		}
		return events, nil
	}
}

func kernelHarness(db *sqlstore.DB) kerneltest.Harness {
	return kerneltest.Harness{Backend: db, Events: pendingEvents(db)}
}

func TestKernelBackendSQLite(t *testing.T) {
	kerneltest.RunBackendTests(t, func(t *testing.T) kerneltest.Harness {
		return kernelHarness(sqltest.SQLite(t, sqlstore.Options{}))
	})
}

func TestKernelBackendSQLiteMemory(t *testing.T) {
	kerneltest.RunBackendTests(t, func(t *testing.T) kerneltest.Harness {
		db, err := sqlstore.OpenSQLite(context.Background(), ":memory:", sqlstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return kernelHarness(db)
	})
}

func TestKernelBackendPostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	kerneltest.RunBackendTests(t, func(t *testing.T) kerneltest.Harness {
		return kernelHarness(sqltest.Postgres(t, sqlstore.Options{}))
	})
}
