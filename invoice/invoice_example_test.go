package invoice_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

var exampleNow = time.Date(2026, time.January, 31, 9, 0, 0, 0, time.UTC)

func exampleDraft() *invoice.Invoice {
	inv, err := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{
		Customer: o2c.NewCustomerID(),
		Currency: o2c.EUR,
		Lines: []invoice.Line{
			{SKU: "W-1", Description: "Widget", Quantity: decimal.NewFromInt(3), UnitPrice: o2c.MustMoney("19.99", "EUR"),
				TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)},
			{SKU: "B-55", Description: "Book", Quantity: decimal.NewFromInt(2), UnitPrice: o2c.MustMoney("12.50", "EUR"),
				DiscountPercent: decimal.NewFromInt(10), TaxCategory: tax.Standard, TaxRate: decimal.RequireFromString("5.5")},
		},
		Terms: invoice.EndOfMonthThenDaysTerms(45),
	}, exampleNow)
	if err != nil {
		panic(err)
	}
	return inv
}

// A draft's totals come from the shared totals engine: line nets, a tax
// breakdown per category and rate, net, tax and gross.
func ExampleNewDraft() {
	inv := exampleDraft()
	t := inv.Totals()
	for _, b := range t.Breakdown {
		fmt.Printf("%s %s%%: base %s, tax %s\n", b.Category, b.Rate, b.Base, b.Tax)
	}
	fmt.Println("net", t.Net, "tax", t.Tax, "gross", t.Gross)
	fmt.Println(inv.Status(), inv.Number() == "")
	// Output:
	// S 5.5%: base 22.50 EUR, tax 1.24 EUR
	// S 20%: base 59.97 EUR, tax 11.99 EUR
	// net 82.47 EUR tax 13.23 EUR gross 95.70 EUR
	// draft true
}

// Issuing numbers the draft, fixes its due date from the terms, and makes
// it immutable; the events it recorded are written by the store with it.
func ExampleInvoice_Issue() {
	inv := exampleDraft()
	if err := inv.Issue("INV-2026-000001", o2c.MustDate(2026, time.January, 31), invoice.BusinessDayShift{}, exampleNow); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inv.Number(), inv.Status(), "due", inv.DueDate(), "open", inv.Open())
	for _, e := range inv.PendingEvents() {
		fmt.Println(e.Type)
	}
	err := inv.Revise(exampleNow, func(d *invoice.Draft) error { d.Notes = "too late"; return nil })
	fmt.Println(err)
	err = inv.Issue("INV-2026-000002", o2c.MustDate(2026, time.February, 1), invoice.BusinessDayShift{}, exampleNow)
	fmt.Println(err)
	// Output:
	// INV-2026-000001 issued due 2026-03-17 open 95.70 EUR
	// invoice.issued
	// invalid status: only drafts can be changed; correct an issued document with a credit note (got "issued")
	// o2c: invoice INV-2026-000001: event "issue" is not allowed in state "issued"
}

// Payments settle the undisputed part of the open amount; the state
// follows the amounts.
func ExampleInvoice_ApplyPayment() {
	inv := exampleDraft()
	_ = inv.Issue("INV-2026-000001", o2c.MustDate(2026, time.January, 31), invoice.BusinessDayShift{}, exampleNow)
	_, _ = inv.OpenDispute(invoice.DisputeInput{Amount: o2c.MustMoney("20.00", "EUR"), Reason: invoice.ReasonQuality, Actor: "ann"}, exampleNow)
	fmt.Println(inv.Status(), "open", inv.Open(), "disputed", inv.Disputed(), "undisputed", inv.Undisputed())

	payment := o2c.NewID[invoice.Payment]()
	err := inv.ApplyPayment(o2c.NewID[invoice.Allocation](), payment, "", o2c.MustMoney("80.00", "EUR"), 0, exampleNow)
	fmt.Println(err)
	err = inv.ApplyPayment(o2c.NewID[invoice.Allocation](), payment, "", o2c.MustMoney("75.70", "EUR"), 0, exampleNow)
	fmt.Println(err, inv.Status(), "open", inv.Open())
	// Output:
	// disputed open 95.70 EUR disputed 20.00 EUR undisputed 75.70 EUR
	// invoice INV-2026-000001: 80.00 EUR requested, 75.70 EUR available: invoice: allocation exceeds the open amount
	// <nil> disputed open 20.00 EUR
}

// The state machine is one table; Next runs it.
func ExampleNext() {
	for _, step := range []struct {
		from invoice.State
		t    invoice.Trigger
	}{
		{invoice.StateDraft, invoice.TriggerIssue},
		{invoice.StateIssued, invoice.TriggerSettlePart},
		{invoice.StatePartiallyPaid, invoice.TriggerSettle},
		{invoice.StatePaid, invoice.TriggerReopenPart},
		{invoice.StatePaid, invoice.TriggerDispute},
	} {
		to, err := invoice.Next(step.from, step.t)
		fmt.Println(step.from, "--", step.t, "->", to, err)
	}
	// Output:
	// draft -- issue -> issued <nil>
	// issued -- settle_part -> partially_paid <nil>
	// partially_paid -- settle -> paid <nil>
	// paid -- reopen_part -> partially_paid <nil>
	// paid -- dispute -> paid o2c: invoice: event "dispute" is not allowed in state "paid"
}

// A small residual is written off when it is within the lower of an
// amount and a percentage of the gross (SAP's payment difference).
func ExampleTolerance_Limit() {
	tol := invoice.Tolerance{Amounts: []o2c.Money{o2c.MustMoney("5.00", "EUR")}, Percent: decimal.RequireFromString("0.5")}
	for _, gross := range []string{"10000.00", "400.00", "50.00"} {
		fmt.Println(gross, "->", tol.Limit(o2c.MustMoney(gross, "EUR")))
	}
	// Output:
	// 10000.00 -> 5.00 EUR
	// 400.00 -> 2.00 EUR
	// 50.00 -> 0.25 EUR
}

// Numbers: one gapless sequence per series; yearly series restart in
// January.
func ExampleNumberFormat_Format() {
	f := invoice.NumberFormat{Prefix: "INV", Yearly: true, Width: 6}
	fmt.Println(f.Series(2026), f.Format(2026, 123))
	fmt.Println(invoice.Numbering{}.For(invoice.KindCreditNote).Format(2027, 1))
	// Output:
	// INV-2026 INV-2026-000123
	// CN-2027-000001
}
