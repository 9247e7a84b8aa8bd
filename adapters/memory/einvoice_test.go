package memory_test

import (
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/einvoice/einvoicetest"
	"github.com/cashcycle/sdk/o2c"
)

func TestTimelineStoreConformance(t *testing.T) {
	einvoicetest.RunTimelineStoreTests(t, func(t *testing.T) einvoicetest.Harness {
		db := memory.New(memory.WithJSONCheck())
		return einvoicetest.Harness{
			Tx:    db,
			Store: func(t o2c.TenantID) einvoice.TimelineStore { return db.MustTenant(t).EInvoiceTimelines() },
		}
	})
}
