package matching_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

var (
	exampleCustomer = o2c.MustParseID[struct{}]("0190b6a0-0000-7000-8000-000000000001")
	exampleDay      = o2c.MustDate(2026, time.April, 2)
)

func exampleCustomerID() o2c.CustomerID {
	id, _ := o2c.ParseCustomerID(exampleCustomer.String())
	return id
}

// exampleItem returns an open invoice of the example customer.
func exampleItem(n int, gross string) matching.Item {
	number := fmt.Sprintf("INV-2026-%06d", n)
	ref, _ := matching.RFReferenceForNumber(number)
	m := o2c.MustMoney(gross, "EUR")
	id := o2c.MustParseID[invoice.Invoice](fmt.Sprintf("0190b6a0-0000-7000-8000-%012d", n))
	return matching.Item{OpenItem: invoice.OpenItem{Invoice: id, Number: number, Kind: invoice.KindInvoice, Status: invoice.StateIssued,
		Customer: exampleCustomerID(), IssueDate: o2c.MustDate(2026, time.March, 1), DueDate: o2c.MustDate(2026, time.March, 31),
		Gross: m, Open: m, Disputed: o2c.Zero(o2c.EUR)}, Reference: ref}
}

func exampleInput() matching.Input {
	return matching.Input{
		Items:     []matching.Item{exampleItem(42, "1200.00"), exampleItem(43, "300.00"), exampleItem(44, "600.00"), exampleItem(45, "480.00")},
		Customers: []matching.CustomerInfo{{ID: exampleCustomerID(), Name: "Acme Industries SAS", IBANs: []string{"FR7630006000011234567890189"}}},
	}
}

func printResult(r matching.Result) {
	fmt.Println(r.Decision)
	p, _ := r.Best()
	fmt.Printf("confidence %.2f\n", p.Confidence)
	for _, a := range p.Allocations {
		fmt.Println(a.Number, a.Amount, "write-off", a.WriteOff)
	}
	for _, why := range p.Reasons {
		fmt.Println("-", why)
	}
}

// A line whose payer quoted the invoice's RF creditor reference, in
// groups of four as printed on the invoice.
func ExampleMatch_rfReference() {
	line := matching.Line{BookingDate: exampleDay, ValueDate: exampleDay, Amount: o2c.MustMoney("1200.00", "EUR"), Direction: matching.Credit,
		CounterpartyName: "ACME INDUSTRIES", CounterpartyIBAN: "FR7630006000011234567890189", RemittanceText: "REF RF54 INV2 0260 0004 2"}
	res, err := matching.Match(exampleInput(), []matching.Line{line}, matching.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	printResult(res[0])
	// Output:
	// auto
	// confidence 1.00
	// INV-2026-000042 1200.00 EUR write-off 0.00 EUR
	// - RF reference RF54INV2026000042 matched INV-2026-000042
	// - amount equal
	// - payer is the invoice's customer (IBAN FR7630006000011234567890189 is the customer's)
}

// One transfer paying two invoices, with nothing in the remittance text:
// the payer's IBAN gives the customer, and exactly one set of its open
// invoices adds up to the amount.
func ExampleMatch_combinedPayment() {
	line := matching.Line{BookingDate: exampleDay, ValueDate: exampleDay, Amount: o2c.MustMoney("900.00", "EUR"), Direction: matching.Credit,
		CounterpartyName: "Acme", CounterpartyIBAN: "FR76 3000 6000 0112 3456 7890 189", RemittanceText: "PAYMENT"}
	res, err := matching.Match(exampleInput(), []matching.Line{line}, matching.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	printResult(res[0])
	// Output:
	// auto
	// confidence 0.90
	// INV-2026-000044 600.00 EUR write-off 0.00 EUR
	// INV-2026-000043 300.00 EUR write-off 0.00 EUR
	// - IBAN FR7630006000011234567890189 is the customer's
	// - open amounts of INV-2026-000044, INV-2026-000043 add up to the payment
}

// A payment short by the bank's fee: within the tolerance (the lower of
// 5.00 EUR and 1 %), the proposal writes the difference off.
func ExampleMatch_shortPaymentWithinTolerance() {
	tol := invoice.Tolerance{Amounts: []o2c.Money{o2c.MustMoney("5.00", "EUR")}, Percent: decimal.NewFromInt(1)}
	line := matching.Line{BookingDate: exampleDay, ValueDate: exampleDay, Amount: o2c.MustMoney("476.50", "EUR"), Direction: matching.Credit,
		CounterpartyName: "Acme", CounterpartyIBAN: "FR7630006000011234567890189", RemittanceText: "inv 2026 000045"}
	res, err := matching.Match(exampleInput(), []matching.Line{line}, matching.Options{Tolerance: tol})
	if err != nil {
		fmt.Println(err)
		return
	}
	printResult(res[0])
	// Output:
	// auto
	// confidence 0.90
	// INV-2026-000045 476.50 EUR write-off 3.50 EUR
	// - invoice number INV-2026-000045 found in the remittance text
	// - short by 3.50 EUR, within tolerance: write-off
	// - payer is the invoice's customer (IBAN FR7630006000011234567890189 is the customer's)
}
