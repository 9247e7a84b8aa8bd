package ledger_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// The entries of an issued invoice under the French chart: the customer
// owes the gross (411), revenue (706) and VAT collected (44571) are
// credited.
func ExampleBook_Entries() {
	book, err := ledger.NewBook(ledger.FrenchPCG())
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)
	inv, _ := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{
		Customer: o2c.NewCustomerID(), Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Audit", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney("1000.00", "EUR"),
			TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}},
	}, now)
	_ = inv.Issue("F-2026-0001", o2c.DateOf(now), invoice.BusinessDayShift{}, now)
	entries, _ := book.Entries(inv.PendingEvents()[0])
	for _, e := range entries {
		fmt.Println(e.Journal, e.Date, e.Label)
		for _, l := range e.Lines {
			fmt.Printf("  %-6s %8s %8s\n", l.Account, l.Debit.AmountString(), l.Credit.AmountString())
		}
	}
	// Output:
	// VE 2026-03-02 Facture F-2026-0001
	//   411     1200.00     0.00
	//   706        0.00  1000.00
	//   44571      0.00   200.00
}

// A configuration that names an account the chart lacks is refused.
func ExampleNewBook_unknownAccount() {
	cfg := ledger.FrenchPCG()
	cfg.Lines = []ledger.LineRule{{SKUPrefix: "HW-", Account: "7071"}}
	_, err := ledger.NewBook(cfg)
	fmt.Println(err)
	// Output:
	// ledger: lines[0].account: account "7071" is not in the chart of accounts
}
