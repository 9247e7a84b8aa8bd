package einvoice_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var decimalOne = decimal.NewFromInt(1)

func eur(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

func line(desc, qty, price string, cat tax.Category, rate string) invoice.Line {
	return invoice.Line{Description: desc, Quantity: dec(qty), UnitPrice: eur(price), TaxCategory: cat, TaxRate: dec(rate)}
}

func seller() einvoice.Party {
	return einvoice.Party{
		Name: "Ateliers Dupont SAS", TradingName: "Dupont Outillage",
		ID: "73282932000074", IDScheme: einvoice.SchemeSIRET,
		LegalID: "732829320", LegalIDScheme: einvoice.SchemeSIREN,
		VATNumber: "FR44732829320", LegalInfo: "SAS au capital de 50 000 EUR, RCS Lyon 732 829 320",
		Endpoint: "factures@dupont.example", EndpointScheme: "EM",
		Address: einvoice.Address{Lines: []string{"12 rue des Forges"}, City: "Lyon", Postcode: "69002", Country: "FR"},
	}
}

func buyer() einvoice.Party {
	return einvoice.Party{
		Name: "Boulangerie Martin SARL", ID: "40483304800022", IDScheme: einvoice.SchemeSIRET,
		LegalID: "404833048", LegalIDScheme: einvoice.SchemeSIREN, VATNumber: "FR83404833048",
		Endpoint: "compta@martin.example", EndpointScheme: "EM",
		Address: einvoice.Address{Lines: []string{"3 place du Marché", "Bâtiment B"}, City: "Grenoble", Postcode: "38000", Country: "FR"},
	}
}

func germanBuyer() einvoice.Party {
	return einvoice.Party{
		Name: "Müller Maschinenbau GmbH", VATNumber: "DE136695976",
		Address: einvoice.Address{Lines: []string{"Hauptstraße 5"}, City: "München", Postcode: "80331", Country: "DE"},
	}
}

func options() einvoice.Options {
	return einvoice.Options{
		Seller:  seller(),
		Payment: einvoice.PaymentMeans{IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP", AccountName: "Ateliers Dupont SAS", Reference: "RF18539007547034"},
	}
}

func issue(t *testing.T, inv *invoice.Invoice, number string, date o2c.Date) *invoice.Invoice {
	t.Helper()
	require.NoError(t, inv.Issue(number, date, invoice.BusinessDayShift{}, now))
	return inv
}

func draft(t *testing.T, kind invoice.Kind, d invoice.Draft) *invoice.Invoice {
	t.Helper()
	if d.Customer.IsZero() {
		d.Customer = o2c.NewCustomerID()
	}
	if d.Currency.IsZero() {
		d.Currency = o2c.EUR
	}
	if d.Terms.Code == "" {
		d.Terms = invoice.NetTerms(30)
	}
	inv, err := invoice.NewDraft("acme", kind, d, now)
	require.NoError(t, err)
	return inv
}

// corpusCase is one document of the test corpus, built from the SDK's
// invoice model as a user would.
type corpusCase struct {
	name string
	doc  *einvoice.Document
}

// corpus returns the documents every writer must get through the
// official Schematron: a standard invoice with several rates and a line
// discount and an early-payment discount, a credit note, a deposit invoice
// and the final invoice deducting it (as a negative line and as a prepaid
// amount), reverse charge, exempt, instalments, document allowances and
// charges.
func corpus(t *testing.T) []corpusCase {
	t.Helper()
	d0 := o2c.MustDate(2026, time.March, 2)
	var out []corpusCase
	add := func(name string, inv *invoice.Invoice, buyer einvoice.Party, opt einvoice.Options) *einvoice.Document {
		doc, err := einvoice.FromInvoice(inv, buyer, opt)
		require.NoError(t, err, name)
		out = append(out, corpusCase{name, doc})
		return doc
	}

	// Standard invoice: 20 %, 10 %, 5.5 %, a line discount, early payment discount.
	terms := invoice.NetTerms(30)
	terms.Discount = invoice.EarlyPaymentDiscount{Percent: dec("2"), Days: 10}
	std := draft(t, invoice.KindInvoice, invoice.Draft{
		Lines: []invoice.Line{
			{SKU: "HAM-01", Description: "Marteau de charpentier", Quantity: dec("3"), UnitPrice: eur("24.90"), DiscountPercent: dec("10"), TaxCategory: tax.Standard, TaxRate: dec("20")},
			line("Installation (heures)", "2.5", "48.00", tax.Standard, "10"),
			line("Manuel technique", "1", "18.99", tax.Standard, "5.5"),
		},
		Terms: terms, OrderRef: "SO-2026-0042", Reference: "PO-7781", Notes: "Livraison le 27 février 2026.",
	})
	stdInv := issue(t, std, "F-2026-0001", d0)
	add("standard", stdInv, buyer(), options())

	// Credit note on the standard invoice.
	cn, err := invoice.NewCreditNote(stdInv, []invoice.Line{line("Installation (heures) non effectuée", "1", "48.00", tax.Standard, "10")}, "Heure facturée en trop", "", now)
	require.NoError(t, err)
	opt := options()
	opt.PrecedingDate = d0
	add("credit-note", issue(t, cn, "AV-2026-0001", d0.AddDays(5)), buyer(), opt)

	// Deposit, then the final invoice deducting it.
	dep := issue(t, draft(t, invoice.KindDeposit, invoice.Draft{
		Lines: []invoice.Line{line("Acompte 30 % sur commande SO-2026-0050", "1", "900.00", tax.Standard, "20")},
		Terms: invoice.ImmediateTerms(), OrderRef: "SO-2026-0050",
	}), "F-2026-0002", d0)
	add("deposit", dep, buyer(), options())
	finalLines := []invoice.Line{
		line("Machine à pain MP-300", "1", "2800.00", tax.Standard, "20"),
		line("Formation", "1", "200.00", tax.Standard, "20"),
		{Description: "Déduction acompte F-2026-0002", Quantity: dec("-1"), UnitPrice: eur("900.00"), TaxCategory: tax.Standard, TaxRate: dec("20"), DepositRef: dep.ID()},
	}
	fin := issue(t, draft(t, invoice.KindInvoice, invoice.Draft{Lines: finalLines, OrderRef: "SO-2026-0050"}), "F-2026-0003", d0.AddDays(20))
	add("final-deduction-line", fin, buyer(), options())
	opt = options()
	opt.DepositsAsPrepaid = true
	add("final-prepaid", fin, buyer(), opt)

	// Reverse charge to a German business, with delivery date.
	rc := issue(t, draft(t, invoice.KindInvoice, invoice.Draft{
		Currency: o2c.EUR,
		Lines:    []invoice.Line{line("Prestation de maintenance", "8", "95.00", tax.ReverseCharge, "0")},
	}), "F-2026-0004", d0)
	opt = options()
	opt.Mentions = &einvoice.Mentions{Penalties: "Late payment interest: ECB rate + 10 points.", Indemnity: "Fixed recovery fee: EUR 40.", Discount: "No discount for early payment."}
	add("reverse-charge", rc, germanBuyer(), opt)

	// Exempt (training, art. 261-4-4 CGI) with a standard-rated line.
	ex := issue(t, draft(t, invoice.KindInvoice, invoice.Draft{
		Lines: []invoice.Line{
			line("Formation professionnelle continue", "2", "650.00", tax.Exempt, "0"),
			line("Support de cours imprimé", "2", "15.00", tax.Standard, "20"),
		},
	}), "F-2026-0005", d0)
	opt = options()
	opt.ExemptionReasons = map[string]string{"E": "Exonération de TVA, article 261-4-4° a du CGI"}
	add("exempt", ex, buyer(), opt)

	// Instalments 30/70.
	inst := issue(t, draft(t, invoice.KindInvoice, invoice.Draft{
		Lines:    []invoice.Line{line("Ligne de production", "1", "12345.67", tax.Standard, "20")},
		Schedule: []invoice.PercentInstalment{{Percent: dec("30"), Terms: invoice.NetTerms(30)}, {Percent: dec("70"), Terms: invoice.DaysThenEndOfMonthTerms(45)}},
		Rounding: tax.RoundingPolicy{Method: tax.PerLine, Mode: o2c.RoundHalfEven},
	}), "F-2026-0006", d0)
	add("instalments", inst, buyer(), options())

	// Document-level allowance and charge on an invoice with two rates.
	ac := issue(t, draft(t, invoice.KindInvoice, invoice.Draft{
		Lines: []invoice.Line{line("Farine T65 (sac 25 kg)", "40", "21.35", tax.Standard, "5.5"), line("Pelle à enfourner", "2", "39.90", tax.Standard, "20")},
	}), "F-2026-0007", d0)
	doc := add("allowances-charges", ac, buyer(), options())
	doc.AllowanceCharges = []einvoice.AllowanceCharge{
		{Amount: dec("42.70"), Base: dec("854.00"), Percent: dec("5"), Reason: "Remise fidélité", ReasonCode: "95", Category: tax.Standard, Rate: dec("5.5")},
		{Charge: true, Amount: dec("35.00"), Reason: "Frais de port", ReasonCode: "FC", Category: tax.Standard, Rate: dec("20")},
	}
	require.NoError(t, doc.Recompute())
	return out
}
