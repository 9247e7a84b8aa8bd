package memory_test

import (
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/report/reporttest"
)

func TestReportAgingSource(t *testing.T) {
	reporttest.RunAgingSourceTests(t, func(t *testing.T) (func(o2c.TenantID) invoice.Store, func(o2c.TenantID) report.AgingSource) {
		db := memory.New(memory.WithJSONCheck(), memory.WithClock(o2c.NewManualClock(reporttest.Now)))
		return func(tn o2c.TenantID) invoice.Store { return db.MustTenant(tn).Invoices() },
			func(tn o2c.TenantID) report.AgingSource { return db.MustTenant(tn).AgingReports() }
	})
}
