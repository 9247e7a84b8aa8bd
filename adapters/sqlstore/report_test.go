package sqlstore_test

import (
	"testing"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/report/reporttest"
)

func TestReportAgingSource(t *testing.T) {
	sqltest.Each(t, sqlstore.Options{Clock: o2c.NewManualClock(reporttest.Now)}, func(t *testing.T, db *sqlstore.DB) {
		reporttest.RunAgingSourceTests(t, func(t *testing.T) (func(o2c.TenantID) invoice.Store, func(o2c.TenantID) report.AgingSource) {
			return func(tn o2c.TenantID) invoice.Store { return db.MustTenant(tn).Invoices() },
				func(tn o2c.TenantID) report.AgingSource { return db.MustTenant(tn).AgingReports() }
		})
	})
}
