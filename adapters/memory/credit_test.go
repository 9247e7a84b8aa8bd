package memory_test

import (
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/credit/credittest"
	"github.com/cashcycle/sdk/o2c"
)

func TestCreditStoreConformance(t *testing.T) {
	credittest.RunStoreTests(t, func(t *testing.T) credittest.Harness {
		db := memory.New(memory.WithJSONCheck())
		return credittest.Harness{Tx: db, Store: func(tenant o2c.TenantID) credit.Store { return db.MustTenant(tenant).CreditProfiles() }}
	})
}

func memoryCreditEnv(t *testing.T) credittest.Env {
	db := memory.New()
	s := db.MustTenant("acme")
	return credittest.Env{Tx: db, Credit: s.CreditProfiles(), Orders: s.Orders(), Invoices: s.Invoices(), Payments: s.Payments(),
		Numbers: s.InvoiceNumbers(), Outbox: s.Outbox()}
}

func TestCreditScenario(t *testing.T) { credittest.RunScenarioTests(t, memoryCreditEnv) }

func TestCreditRelease(t *testing.T) { credittest.RunReleaseTests(t, memoryCreditEnv) }
