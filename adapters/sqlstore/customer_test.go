package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/customer/customertest"
	"github.com/cashcycle/sdk/o2c"
)

func customerHarness(db *sqlstore.DB) customertest.Harness {
	return customertest.Harness{
		Tx:    db,
		Store: func(tenant o2c.TenantID) customer.Store { return db.MustTenant(tenant).Customers() },
		Events: func(ctx context.Context, tenant o2c.TenantID) ([]o2c.Event, error) {
			recs, err := db.MustTenant(tenant).Outbox().Pending(ctx, 1000)
			if err != nil {
				return nil, err
			}
			events := make([]o2c.Event, len(recs))
			for i, r := range recs {
				events[i] = r.Event
			}
			return events, nil
		},
	}
}

func TestCustomerStoreConformanceSQLite(t *testing.T) {
	customertest.RunStoreTests(t, func(t *testing.T) customertest.Harness {
		return customerHarness(sqltest.SQLite(t, sqlstore.Options{}))
	})
}

func TestCustomerStoreConformanceSQLiteMemory(t *testing.T) {
	customertest.RunStoreTests(t, func(t *testing.T) customertest.Harness {
		db, err := sqlstore.OpenSQLite(context.Background(), ":memory:", sqlstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return customerHarness(db)
	})
}

func TestCustomerStoreConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	customertest.RunStoreTests(t, func(t *testing.T) customertest.Harness {
		return customerHarness(sqltest.Postgres(t, sqlstore.Options{}))
	})
}
