package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/invoice/invoicetest"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

func invoiceHarness(db *sqlstore.DB) invoicetest.Harness {
	return invoicetest.Harness{
		Tx:       db,
		Invoices: func(t o2c.TenantID) invoice.Store { return db.MustTenant(t).Invoices() },
		Payments: func(t o2c.TenantID) invoice.PaymentStore { return db.MustTenant(t).Payments() },
		Numbers:  func(t o2c.TenantID) invoice.NumberStore { return db.MustTenant(t).InvoiceNumbers() },
		Outbox:   func(t o2c.TenantID) outbox.Store { return db.MustTenant(t).Outbox() },
	}
}

func TestInvoiceStoreConformanceSQLite(t *testing.T) {
	invoicetest.RunStoreTests(t, func(t *testing.T) invoicetest.Harness {
		return invoiceHarness(sqltest.SQLite(t, sqlstore.Options{}))
	})
}

func TestInvoiceStoreConformanceSQLiteMemory(t *testing.T) {
	invoicetest.RunStoreTests(t, func(t *testing.T) invoicetest.Harness {
		db, err := sqlstore.OpenSQLite(context.Background(), ":memory:", sqlstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return invoiceHarness(db)
	})
}

func TestInvoiceStoreConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	invoicetest.RunStoreTests(t, func(t *testing.T) invoicetest.Harness {
		return invoiceHarness(sqltest.Postgres(t, sqlstore.Options{}))
	})
}
