package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/einvoice/einvoicetest"
	"github.com/cashcycle/sdk/o2c"
)

func timelineHarness(db *sqlstore.DB) einvoicetest.Harness {
	return einvoicetest.Harness{
		Tx:    db,
		Store: func(t o2c.TenantID) einvoice.TimelineStore { return db.MustTenant(t).EInvoiceTimelines() },
	}
}

func TestTimelineStoreConformanceSQLite(t *testing.T) {
	einvoicetest.RunTimelineStoreTests(t, func(t *testing.T) einvoicetest.Harness {
		return timelineHarness(sqltest.SQLite(t, sqlstore.Options{}))
	})
}

func TestTimelineStoreConformanceSQLiteMemory(t *testing.T) {
	einvoicetest.RunTimelineStoreTests(t, func(t *testing.T) einvoicetest.Harness {
		db, err := sqlstore.OpenSQLite(context.Background(), ":memory:", sqlstore.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return timelineHarness(db)
	})
}

func TestTimelineStoreConformancePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	einvoicetest.RunTimelineStoreTests(t, func(t *testing.T) einvoicetest.Harness {
		return timelineHarness(sqltest.Postgres(t, sqlstore.Options{}))
	})
}
