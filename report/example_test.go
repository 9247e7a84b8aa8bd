package report_test

import (
	"fmt"
	"time"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

func exampleItems() []report.Item {
	acme, _ := o2c.ParseCustomerID("00000000-0000-7000-8000-000000000001")
	inv := func(number string, issue, due o2c.Date, gross string, ms ...report.Movement) report.Item {
		return report.Item{Invoice: o2c.NewID[invoice.Invoice](), Number: number, Customer: acme, Currency: o2c.EUR,
			IssueDate: issue, DueDate: due, Gross: o2c.MustMoney(gross, "EUR"), Movements: ms}
	}
	paid := func(on o2c.Date, amount string) report.Movement {
		return report.Movement{Kind: report.MovementPayment, Date: on, Amount: o2c.MustMoney(amount, "EUR")}
	}
	return []report.Item{
		inv("INV-1", o2c.MustDate(2026, time.January, 10), o2c.MustDate(2026, time.February, 9), "1000", paid(o2c.MustDate(2026, time.February, 20), "1000")),
		inv("INV-2", o2c.MustDate(2026, time.February, 10), o2c.MustDate(2026, time.March, 12), "2000", paid(o2c.MustDate(2026, time.March, 15), "1000")),
		inv("INV-3", o2c.MustDate(2026, time.March, 10), o2c.MustDate(2026, time.April, 9), "3000"),
	}
}

// An aging as of a date, by due date, in the default buckets. INV-2 is
// 19 days past due with 1000 left; INV-3 is not due yet.
func ExampleAgingOf() {
	a, err := report.AgingOf(exampleItems(), o2c.MustDate(2026, time.March, 31), report.AgingOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range a.Currencies {
		for i, b := range a.Buckets {
			fmt.Printf("%-8s %s\n", b.Label, c.Total.Amounts[i])
		}
		fmt.Println("total   ", c.Total.Total)
	}
	// Output:
	// not due  3000.00 EUR
	// 1-30     1000.00 EUR
	// 31-60    0.00 EUR
	// 61-90    0.00 EUR
	// over 90  0.00 EUR
	// total    4000.00 EUR
}

// Countback DSO: 4000 open at the end of March covers March's 3000 of
// sales (31 days) and half of February's 2000 (14 of its 28 days).
func ExampleCountbackDSO() {
	dso, err := report.CountbackDSO(exampleItems(), o2c.MustDate(2026, time.March, 31), report.CountbackOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, x := range dso {
		fmt.Println(x.Currency, x.Days, "days, receivables", x.Receivables)
	}
	// Output:
	// EUR 45 days, receivables 4000.00 EUR
}

// The collection effectiveness index for March: 2000 open at the start,
// 3000 billed, 4000 still open of which 3000 not yet due.
func ExampleCollectionEffectiveness() {
	cei, err := report.CollectionEffectiveness(exampleItems(),
		report.Period{From: o2c.MustDate(2026, time.March, 1), To: o2c.MustDate(2026, time.March, 31)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cei {
		fmt.Printf("%s CEI %s%% (opening %s, sales %s, closing %s, current %s)\n", c.Currency, c.Percent, c.Opening, c.Sales, c.Closing, c.ClosingCurrent)
	}
	// Output:
	// EUR CEI 50% (opening 2000.00 EUR, sales 3000.00 EUR, closing 4000.00 EUR, current 3000.00 EUR)
}
