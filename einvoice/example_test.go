package einvoice_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

func ExampleWriteCII() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	inv, _ := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{
		Customer: o2c.NewCustomerID(), Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Consulting", Quantity: decimal.NewFromInt(3),
			UnitPrice: o2c.MustMoney("400", "EUR"), TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}},
	}, at)
	_ = inv.Issue("F-2026-0100", o2c.MustDate(2026, time.March, 2), invoice.BusinessDayShift{}, at)

	seller := einvoice.Party{Name: "Ateliers Dupont SAS", VATNumber: "FR44732829320",
		LegalID: "732829320", LegalIDScheme: einvoice.SchemeSIREN,
		Address: einvoice.Address{Lines: []string{"12 rue des Forges"}, City: "Lyon", Postcode: "69002", Country: "FR"}}
	buyer := einvoice.Party{Name: "Boulangerie Martin SARL", VATNumber: "FR83404833048",
		Address: einvoice.Address{City: "Grenoble", Postcode: "38000", Country: "FR"}}
	doc, err := einvoice.FromInvoice(inv, buyer, einvoice.Options{Seller: seller,
		Payment: einvoice.PaymentMeans{IBAN: "FR7630006000011234567890189"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	xml, _ := einvoice.WriteCII(doc)
	for _, l := range strings.Split(string(xml), "\n") {
		for _, tag := range []string{"<ram:DuePayableAmount>", "<ram:SubjectCode>", "<udt:DateTimeString format=\"102\">202604"} {
			if strings.Contains(l, tag) {
				fmt.Println(strings.TrimSpace(l))
			}
		}
	}
	// Output:
	// <ram:SubjectCode>PMD</ram:SubjectCode>
	// <ram:SubjectCode>PMT</ram:SubjectCode>
	// <ram:SubjectCode>AAB</ram:SubjectCode>
	// <udt:DateTimeString format="102">20260401</udt:DateTimeString>
	// <ram:DuePayableAmount>1440.00</ram:DuePayableAmount>
}
