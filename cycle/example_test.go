package cycle_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/tax"
)

// Bill what was delivered: the invoice takes the delivered, not yet
// invoiced quantities of the order, and the order records them invoiced in
// the same transaction.
func ExampleOrderBilling() {
	ctx := context.Background()
	clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	db := memory.New(memory.WithClock(clock))
	acme := db.MustTenant("acme")
	orders, _ := order.NewService(acme.Orders(), order.Options{Clock: clock, AutoApprove: true})
	invoices, _ := invoice.NewService(db, invoice.Stores{Invoices: acme.Invoices(), Payments: acme.Payments(), Numbers: acme.InvoiceNumbers()},
		invoice.Options{Clock: clock, Billing: cycle.OrderBilling{Orders: orders}})

	o, _ := orders.Create(ctx, order.Details{Customer: o2c.NewCustomerID(), Currency: o2c.EUR, Lines: []order.LineSpec{
		{SKU: "BOLT", Description: "Steel bolt M8", Quantity: dec("10"), UnitPrice: o2c.MustMoney("12.50", "EUR"), TaxCategory: tax.Standard, TaxRate: dec("20")},
	}})
	o, _ = orders.Place(ctx, o.ID(), "alice")
	_, _ = orders.Ship(ctx, o.ID(), "SHIP-1", lq(1, "10"))
	_, _ = orders.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "4"))

	inv, err := invoices.BillDelivered(ctx, invoice.BillInput{OrderRef: o.ID().String(), Terms: invoice.NetTerms(30), Issue: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inv.Number(), inv.Lines()[0].Quantity, "x", inv.Lines()[0].Description, "=", inv.Gross(), "due", inv.DueDate())
	o, _ = orders.Get(ctx, o.ID())
	fmt.Println("order", o.State())
	_, err = invoices.BillDelivered(ctx, invoice.BillInput{OrderRef: o.ID().String(), Terms: invoice.NetTerms(30), Issue: true})
	fmt.Println(errors.Is(err, invoice.ErrNothingToBill))
	// Output:
	// INV-2026-000001 4 x Steel bolt M8 = 60.00 EUR due 2026-04-01
	// order partially_invoiced
	// true
}
