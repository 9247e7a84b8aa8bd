package invoicetest

import (
	"fmt"
	"testing"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// BenchIssueAndPay measures the life of one invoice from draft to paid
// through [invoice.Service]: create a 3-line draft, issue it (a number
// drawn in the issuing transaction), record a payment, allocate it in
// full. Four committed transactions, five events. Adapters call it from
// their benchmarks:
//
//	func BenchmarkIssueAndPay(b *testing.B) {
//		b.Run("memory", func(b *testing.B) { invoicetest.BenchIssueAndPay(b, harness(memory.New())) })
//	}
func BenchIssueAndPay(b *testing.B, h Harness) {
	b.Helper()
	clock := o2c.NewManualClock(Epoch)
	svc, err := invoice.NewService(h.Tx, invoice.Stores{Invoices: h.Invoices(tenantA), Payments: h.Payments(tenantA), Numbers: h.Numbers(tenantA)},
		invoice.Options{Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	cust := o2c.NewCustomerID()
	d := draftOf(cust, vatLine("Widget", "3", eur("19.99")), vatLine("Service", "2.5", eur("80.00")), vatLine("Shipping", "1", eur("12.50")))
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		n++
		draft, err := svc.CreateInvoice(ctx, d)
		if err != nil {
			b.Fatal(err)
		}
		inv, err := svc.Issue(ctx, draft.ID(), o2c.Date{})
		if err != nil {
			b.Fatal(err)
		}
		p, err := svc.RecordPayment(ctx, invoice.PaymentInput{Customer: cust, Amount: inv.Gross(), ValueDate: o2c.DateOf(Epoch),
			Method: invoice.MethodTransfer, PayerReference: inv.Number(), IdempotencyKey: fmt.Sprintf("bench-%d", n)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "pay", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: inv.Gross()}}}); err != nil {
			b.Fatal(err)
		}
	}
}
