package memory_test

import (
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/invoice/invoicetest"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

func invoiceHarness(db *memory.DB) invoicetest.Harness {
	return invoicetest.Harness{
		Tx:       db,
		Invoices: func(t o2c.TenantID) invoice.Store { return db.MustTenant(t).Invoices() },
		Payments: func(t o2c.TenantID) invoice.PaymentStore { return db.MustTenant(t).Payments() },
		Numbers:  func(t o2c.TenantID) invoice.NumberStore { return db.MustTenant(t).InvoiceNumbers() },
		Outbox:   func(t o2c.TenantID) outbox.Store { return db.MustTenant(t).Outbox() },
	}
}

func TestInvoiceStoreConformance(t *testing.T) {
	invoicetest.RunStoreTests(t, func(t *testing.T) invoicetest.Harness { return invoiceHarness(memory.New(memory.WithJSONCheck())) })
}
