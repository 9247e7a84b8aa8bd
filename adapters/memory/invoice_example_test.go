package memory_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// Invoicing on the in-memory adapter: issue an invoice, record a payment
// that is too large, allocate it, and read the customer's position: what
// is left over is unapplied credit.
func ExampleStore_Invoices() {
	ctx := context.Background()
	clock := o2c.NewManualClock(time.Date(2026, time.January, 15, 9, 0, 0, 0, time.UTC))
	db := memory.New(memory.WithClock(clock))
	acme := db.MustTenant("acme")
	svc, err := invoice.NewService(db, invoice.Stores{Invoices: acme.Invoices(), Payments: acme.Payments(), Numbers: acme.InvoiceNumbers()},
		invoice.Options{Clock: clock})
	if err != nil {
		fmt.Println(err)
		return
	}
	customer := o2c.NewCustomerID()
	draft, _ := svc.CreateInvoice(ctx, invoice.Draft{
		Customer: customer, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Consulting", Quantity: decimal.NewFromInt(2), UnitPrice: o2c.MustMoney("500.00", "EUR"),
			TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}},
	})
	inv, _ := svc.Issue(ctx, draft.ID(), o2c.Date{})
	fmt.Println(inv.Number(), inv.Status(), inv.Gross(), "due", inv.DueDate())

	p, _ := svc.RecordPayment(ctx, invoice.PaymentInput{Customer: customer, Amount: o2c.MustMoney("1250.00", "EUR"),
		ValueDate: o2c.MustDate(2026, time.February, 10), Method: invoice.MethodTransfer, PayerReference: inv.Number(), IdempotencyKey: "bank-tx-7781"})
	again, _ := svc.RecordPayment(ctx, invoice.PaymentInput{Customer: customer, Amount: o2c.MustMoney("1250.00", "EUR"),
		ValueDate: o2c.MustDate(2026, time.February, 10), Method: invoice.MethodTransfer, PayerReference: inv.Number(), IdempotencyKey: "bank-tx-7781"})
	fmt.Println("recorded twice, stored once:", p.ID() == again.ID())

	_, err = svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "match-1",
		Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: inv.Gross()}}})
	fmt.Println(err)
	inv, _ = acme.Invoices().Get(ctx, inv.ID())
	fmt.Println(inv.Number(), inv.Status(), "open", inv.Open())

	pos, _ := svc.Position(ctx, customer)
	fmt.Println("receivable", pos[0].Receivable, "unapplied", pos[0].Unapplied, "net", pos[0].Net())

	pending, _ := acme.Outbox().Pending(ctx, 100)
	for _, r := range pending {
		fmt.Println(r.Event.Type)
	}
	// Output:
	// INV-2026-000001 issued 1200.00 EUR due 2026-02-14
	// recorded twice, stored once: true
	// <nil>
	// INV-2026-000001 paid open 0.00 EUR
	// receivable 0.00 EUR unapplied 50.00 EUR net -50.00 EUR
	// invoice.issued
	// payment.recorded
	// payment.allocated
	// invoice.payment_applied
	// invoice.paid
}

// A dispute holds part of an invoice out of dunning and exposure until it
// is resolved; here a credit note for one unit resolves it in part.
func Example_invoiceDispute() {
	ctx := context.Background()
	clock := o2c.NewManualClock(time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC))
	db := memory.New(memory.WithClock(clock))
	acme := db.MustTenant("acme")
	svc, _ := invoice.NewService(db, invoice.Stores{Invoices: acme.Invoices(), Payments: acme.Payments(), Numbers: acme.InvoiceNumbers()},
		invoice.Options{Clock: clock})
	customer := o2c.NewCustomerID()
	line := func(qty int64) invoice.Line {
		return invoice.Line{Description: "Pallet", Quantity: decimal.NewFromInt(qty), UnitPrice: o2c.MustMoney("40.00", "EUR"),
			TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}
	}
	draft, _ := svc.CreateInvoice(ctx, invoice.Draft{Customer: customer, Currency: o2c.EUR, Terms: invoice.NetTerms(30), Lines: []invoice.Line{line(5)}})
	inv, _ := svc.Issue(ctx, draft.ID(), o2c.Date{})

	d, _ := svc.OpenDispute(ctx, inv.ID(), invoice.DisputeInput{Amount: o2c.MustMoney("96.00", "EUR"),
		Reason: invoice.ReasonQuantityOrDeliveryMissing, Notes: "2 pallets missing", Actor: "customer portal"})
	items, _ := acme.Invoices().OpenItems(ctx, invoice.OpenItemFilter{Customer: customer})
	fmt.Println(items[0].Number, "open", items[0].Open, "disputed", items[0].Disputed, "collectible", items[0].Undisputed())

	cn, _ := svc.ResolveDispute(ctx, inv.ID(), d.ID, invoice.Resolution{CreditLines: []invoice.Line{line(1)}, Actor: "ops", Note: "1 pallet missing, 1 found"})
	fmt.Println(cn.Number(), cn.Gross())
	inv, _ = acme.Invoices().Get(ctx, inv.ID())
	res, _ := inv.Dispute(d.ID)
	fmt.Println(res.Outcome, "credited", res.Credited, "rejected", res.Rejected)
	fmt.Println(inv.Status(), "open", inv.Open())
	last, _ := acme.InvoiceNumbers().Last(ctx, "CN-2026")
	fmt.Println("credit notes issued in 2026:", last)
	// Output:
	// INV-2026-000001 open 240.00 EUR disputed 96.00 EUR collectible 144.00 EUR
	// CN-2026-000001 48.00 EUR
	// partly_credited credited 48.00 EUR rejected 48.00 EUR
	// partially_paid open 192.00 EUR
	// credit notes issued in 2026: 1
}
