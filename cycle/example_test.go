package cycle_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
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

// The whole cycle on the in-memory adapter: an order placed under a credit
// limit, delivered and billed in one step, paid through a bank statement,
// after which the customer owes nothing and is no longer dunned.
func ExampleNew() {
	ctx := context.Background()
	clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	acme := memory.New(memory.WithClock(clock)).MustTenant("acme")
	c, err := cycle.New(cycle.Config{
		Stores:      acme,
		Tx:          acme,
		Notifier:    dunning.NewMemoryNotifier(),
		Clock:       clock,
		Invoicing:   cycle.Invoicing{Policy: cycle.BillPerDelivery, Terms: map[string]invoice.Terms{"NET30": invoice.NetTerms(30)}},
		AutoApprove: true,
		Dunning:     dunning.Config{Creditor: dunning.Party{Name: "Acme SAS"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	cu, _ := customer.New("acme", customer.Details{Number: "C-1", LegalName: "Globex SAS"}, clock.Now())
	_ = c.Customers().Create(ctx, cu)
	limit, _ := credit.NewProfile(cu.ID, o2c.MustMoney("1000.00", "EUR"))
	_ = acme.CreditProfiles().CreateProfile(ctx, limit)

	o, _ := c.Orders().Create(ctx, order.Details{Customer: cu.ID, Currency: o2c.EUR, PaymentTerms: "NET30", Lines: []order.LineSpec{
		{SKU: "BOLT", Description: "Steel bolt M8", Quantity: dec("10"), UnitPrice: o2c.MustMoney("12.50", "EUR"), TaxCategory: tax.Standard, TaxRate: dec("20")},
	}})
	o, _ = c.Orders().Place(ctx, o.ID(), "alice") // the credit check runs here
	fmt.Println("placed:", o.State())
	_, _ = c.Orders().Ship(ctx, o.ID(), "SHIP-1", lq(1, "10"))
	o, inv, _ := c.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "10"))
	fmt.Println("delivered:", o.State(), inv.Number(), inv.Gross(), "due", inv.DueDate())

	exp, _ := c.Exposure(ctx, cu.ID, o2c.EUR)
	fmt.Println("exposure:", exp.Total)

	day := o2c.MustDate(2026, 3, 20)
	clock.Set(day.Time().Add(9 * time.Hour))
	_, rep, err := c.ReceiveStatement(ctx, matching.Statement{Format: matching.FormatCAMT053, ID: "ST-1", Currency: o2c.EUR, From: day, To: day,
		Lines: []matching.Line{{BookingDate: day, ValueDate: day, Amount: inv.Gross(), Direction: matching.Credit,
			CounterpartyName: "Globex SAS", RemittanceText: "Payment " + inv.Number(), BankReference: "B-1"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	paid, _ := acme.Invoices().Get(ctx, inv.ID())
	fmt.Println("bank lines applied:", len(rep.Applied), "invoice", paid.Status())
	exp, _ = c.Exposure(ctx, cu.ID, o2c.EUR)
	fmt.Println("exposure:", exp.Total)
	p, _ := c.Dunning().DryRun(ctx, o2c.MustDate(2026, 4, 20))
	fmt.Println("letters due:", len(p.Letters))
	// Output:
	// placed: approved
	// delivered: invoiced INV-2026-000001 150.00 EUR due 2026-04-01
	// exposure: 150.00 EUR
	// bank lines applied: 1 invoice paid
	// exposure: 0.00 EUR
	// letters due: 0
}
