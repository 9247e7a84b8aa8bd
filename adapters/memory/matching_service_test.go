package memory_test

import (
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/matching/matchingtest"
	"github.com/cashcycle/sdk/o2c"
)

func memoryServiceHarness(testing.TB) matchingtest.ServiceHarness {
	db := memory.New()
	return matchingtest.ServiceHarness{Tx: db, Stores: func(tn o2c.TenantID) matchingtest.ServiceStores {
		s := db.MustTenant(tn)
		return matchingtest.ServiceStores{Matching: s.Matching(), Invoices: s.Invoices(), Payments: s.Payments(),
			Numbers: s.InvoiceNumbers(), Customers: s.Customers()}
	}}
}

func TestMatchingServiceMemory(t *testing.T) {
	matchingtest.RunServiceTests(t, func(t *testing.T) matchingtest.ServiceHarness { return memoryServiceHarness(t) })
}
