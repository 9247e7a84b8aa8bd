package einvoice_test

import (
	"sync"
	"testing"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/einvoice/einvoicetest"
	"github.com/cashcycle/sdk/o2c"
)

func TestMemoryTimelinesConformance(t *testing.T) {
	einvoicetest.RunTimelineStoreTests(t, func(t *testing.T) einvoicetest.Harness {
		var mu sync.Mutex
		byTenant := map[o2c.TenantID]*einvoice.MemoryTimelines{}
		return einvoicetest.Harness{Store: func(tenant o2c.TenantID) einvoice.TimelineStore {
			mu.Lock()
			defer mu.Unlock()
			if byTenant[tenant] == nil {
				byTenant[tenant] = &einvoice.MemoryTimelines{}
			}
			return byTenant[tenant]
		}}
	})
}
