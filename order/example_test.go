package order_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/tax"
)

func Example() {
	ctx := context.Background()
	acme := memory.New().MustTenant("acme")
	svc, _ := order.NewService(acme.Orders(), order.Options{
		Clock: o2c.NewManualClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)),
		// the credit package plugs in here; this one holds orders above 200 EUR
		Credit: order.CreditCheckerFunc(func(_ context.Context, o *order.Order) (order.CreditDecision, error) {
			if o.Totals().Gross.Amount().GreaterThan(decimal.NewFromInt(200)) {
				return order.HoldCredit("limit 200 EUR", order.ReasonCreditLimit), nil
			}
			return order.ApproveCredit(), nil
		}),
	})
	d := order.Details{ // a draft: lines, deposit and PO number
		Customer: o2c.NewCustomerID(),
		Currency: o2c.EUR,
		Lines: []order.LineSpec{
			{SKU: "BOLT-M8", Quantity: decimal.NewFromInt(1000), UnitPrice: o2c.MustMoney("0.0125", "EUR"),
				DiscountPercent: decimal.NewFromInt(5), TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)},
			{SKU: "SVC-INST", Quantity: decimal.RequireFromString("2.5"), UnitPrice: o2c.MustMoney("80.00", "EUR"),
				TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(10)},
		},
		Deposit:           order.DepositPercent(decimal.NewFromInt(30)),
		CustomerReference: "PO-0042",
	}
	o, _ := svc.Create(ctx, d)
	t := o.Totals()
	fmt.Printf("net %s, tax %s, gross %s, deposit %s\n", t.Net, t.Tax, t.Gross, o.DepositDue())

	o, _ = svc.Place(ctx, o.ID(), "jane")
	c, _ := o.CreditDecision()
	fmt.Println(o.State(), c.Reasons)
	o, _ = svc.Release(ctx, o.ID(), "marie", "deposit received")
	o, _ = svc.Approve(ctx, o.ID(), "desk")
	fmt.Println(o.State())

	o, _ = svc.Ship(ctx, o.ID(), "SHP-1", order.LineQuantity{Line: 1, Quantity: decimal.NewFromInt(600)})
	_, err := svc.ConfirmDelivery(ctx, o.ID(), "POD-1", order.LineQuantity{Line: 1, Quantity: decimal.NewFromInt(700)})
	var qe *order.QuantityError
	fmt.Println(errors.As(err, &qe), err)
	o, _ = svc.ConfirmDelivery(ctx, o.ID(), "POD-1", order.LineQuantity{Line: 1, Quantity: decimal.NewFromInt(600)})
	fmt.Println(o.State())
	for _, b := range o.Billable() {
		fmt.Printf("to invoice: line %d %s x %s\n", b.Line, b.Quantity, b.SKU)
	}
	e := o.Exposure()
	fmt.Printf("exposure: open order %s, uninvoiced deliveries %s\n", e.OpenOrder, e.UninvoicedDelivery)

	_, err = svc.Cancel(ctx, o.ID(), "desk", "too late")
	var te *o2c.TransitionError
	fmt.Println(errors.As(err, &te), te.Event, "refused in", te.State)
	// Output:
	// net 211.88 EUR, tax 22.38 EUR, gross 234.26 EUR, deposit 70.28 EUR
	// on_credit_hold [credit_limit_exceeded]
	// approved
	// true order: line 1: cannot deliver 700: 600 available (ordered 1000)
	// partially_delivered
	// to invoice: line 1 600 x BOLT-M8
	// exposure: open order 225.70 EUR, uninvoiced deliveries 8.56 EUR
	// true cancel refused in partially_delivered
}

func ExampleMermaidDiagram() {
	// the first lines of the diagram in docs/order-states.md
	fmt.Print(order.MermaidDiagram()[:72])
	// Output:
	// stateDiagram-v2
	//     [*] --> draft
	//     approved --> cancelled: cancel
}

func ExampleNext() {
	to, _ := order.Next(order.StatePlaced, order.EventHold)
	fmt.Println(to)
	_, err := order.Next(order.StateShipped, order.EventCancel)
	fmt.Println(err)
	// Output:
	// on_credit_hold
	// o2c: order: event "cancel" is not allowed in state "shipped"
}
