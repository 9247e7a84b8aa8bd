package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/matching/matchingtest"
	"github.com/cashcycle/sdk/o2c"
)

func sqlServiceHarness(db *sqlstore.DB) matchingtest.ServiceHarness {
	return matchingtest.ServiceHarness{Tx: db, Stores: func(tn o2c.TenantID) matchingtest.ServiceStores {
		s := db.MustTenant(tn)
		return matchingtest.ServiceStores{Matching: s.Matching(), Invoices: s.Invoices(), Payments: s.Payments(),
			Numbers: s.InvoiceNumbers(), Customers: s.Customers()}
	}}
}

func TestMatchingServiceSQLite(t *testing.T) {
	matchingtest.RunServiceTests(t, func(t *testing.T) matchingtest.ServiceHarness {
		return sqlServiceHarness(sqltest.SQLite(t, sqlstore.Options{}))
	})
}

func TestMatchingServiceSQLiteMemory(t *testing.T) {
	matchingtest.RunServiceTests(t, func(t *testing.T) matchingtest.ServiceHarness {
		db, err := sqlstore.OpenSQLite(context.Background(), ":memory:", sqlstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return sqlServiceHarness(db)
	})
}

func TestMatchingServicePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	matchingtest.RunServiceTests(t, func(t *testing.T) matchingtest.ServiceHarness {
		return sqlServiceHarness(sqltest.Postgres(t, sqlstore.Options{}))
	})
}
