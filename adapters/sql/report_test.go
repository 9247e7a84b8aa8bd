package sql_test

import (
	"testing"

	o2csql "github.com/cashcycle/sdk/adapters/sql"
	"github.com/cashcycle/sdk/adapters/sql/sqltest"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/report/reporttest"
)

func TestReportAgingSource(t *testing.T) {
	sqltest.Each(t, o2csql.Options{Clock: o2c.NewManualClock(reporttest.Now)}, func(t *testing.T, db *o2csql.DB) {
		reporttest.RunAgingSourceTests(t, func(t *testing.T) (func(o2c.TenantID) invoice.Store, func(o2c.TenantID) report.AgingSource) {
			return func(tn o2c.TenantID) invoice.Store { return db.MustTenant(tn).Invoices() },
				func(tn o2c.TenantID) report.AgingSource { return db.MustTenant(tn).AgingReports() }
		})
	})
}
