package sqlstore_test

import (
	"testing"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/credit/credittest"
	"github.com/cashcycle/sdk/o2c"
)

func creditHarness(db *sqlstore.DB) credittest.Harness {
	return credittest.Harness{Tx: db, Store: func(tenant o2c.TenantID) credit.Store { return db.MustTenant(tenant).CreditProfiles() }}
}

func TestCreditStoreConformanceSQLite(t *testing.T) {
	credittest.RunStoreTests(t, func(t *testing.T) credittest.Harness {
		return creditHarness(sqltest.SQLite(t, sqlstore.Options{}))
	})
}

func TestCreditStoreConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	credittest.RunStoreTests(t, func(t *testing.T) credittest.Harness {
		return creditHarness(sqltest.Postgres(t, sqlstore.Options{}))
	})
}

func sqlCreditEnv(db *sqlstore.DB) credittest.Env {
	s := db.MustTenant("acme")
	return credittest.Env{Tx: db, Credit: s.CreditProfiles(), Orders: s.Orders(), Invoices: s.Invoices(), Payments: s.Payments(),
		Numbers: s.InvoiceNumbers(), Outbox: s.Outbox()}
}

func TestCreditScenarioSQLite(t *testing.T) {
	credittest.RunScenarioTests(t, func(t *testing.T) credittest.Env { return sqlCreditEnv(sqltest.SQLite(t, sqlstore.Options{})) })
	credittest.RunReleaseTests(t, func(t *testing.T) credittest.Env { return sqlCreditEnv(sqltest.SQLite(t, sqlstore.Options{})) })
}

func TestCreditScenarioPostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	credittest.RunScenarioTests(t, func(t *testing.T) credittest.Env { return sqlCreditEnv(sqltest.Postgres(t, sqlstore.Options{})) })
	credittest.RunReleaseTests(t, func(t *testing.T) credittest.Env { return sqlCreditEnv(sqltest.Postgres(t, sqlstore.Options{})) })
}
