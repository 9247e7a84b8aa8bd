package ledger_test

import (
	"bytes"
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

// The books of an invoice paid in full, posted from its events: the trial
// balance balances, the receivable is cleared, and the FEC of the entries
// passes the format check.
func ExampleBook_WriteFEC() {
	book, _ := ledger.NewBook(ledger.FrenchPCG())
	now := time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)
	customer := o2c.NewCustomerID()
	inv, _ := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{
		Customer: customer, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Audit", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney("1000.00", "EUR"),
			TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}},
	}, now)
	_ = inv.Issue("F-2026-0001", o2c.DateOf(now), invoice.BusinessDayShift{}, now)
	paid := now.AddDate(0, 0, 20)
	p, _ := invoice.NewPayment("acme", invoice.PaymentInput{Customer: customer, Amount: o2c.MustMoney("1200.00", "EUR"),
		ValueDate: o2c.DateOf(paid), Method: invoice.MethodTransfer, IdempotencyKey: "VIR-778"}, paid)
	al, _ := p.Allocate("match-1", []invoice.AllocationRequest{{Invoice: inv.ID(), Amount: p.Amount()}}, paid)
	_ = inv.ApplyPaymentOn(al[0].ID, p.ID(), "", p.Amount(), 0, p.ValueDate(), paid)

	var entries []ledger.Entry
	numbers := map[string]int64{}
	for _, ev := range append(inv.PendingEvents(), p.PendingEvents()...) {
		es, _ := book.Entries(ev)
		for _, e := range es { // what a Store does when it posts
			numbers[e.Journal]++
			e.Number, e.ValidDate = numbers[e.Journal], o2c.DateOf(ev.OccurredAt)
			entries = append(entries, e)
		}
	}
	fmt.Print(book.TrialBalance(entries, o2c.Date{}, o2c.Date{}))

	var fec bytes.Buffer
	_ = book.WriteFEC(&fec, entries, ledger.FECOptions{})
	sum, err := ledger.CheckFEC(&fec)
	fmt.Println("FEC:", sum.Entries, "entries,", sum.Lines, "lines, error:", err)
	// Output:
	// Account  Name                                              Debit         Credit        Balance
	// 411      Clients                                         1200.00        1200.00           0.00
	// 4191     Clients - Avances et acomptes reçus sur…        1200.00        1200.00           0.00
	// 44571    TVA collectée                                      0.00         200.00        -200.00
	// 512      Banques                                         1200.00           0.00        1200.00
	// 706      Prestations de services                            0.00        1000.00       -1000.00
	//          Total                                           3600.00        3600.00
	// FEC: 3 entries, 7 lines, error: <nil>
}
