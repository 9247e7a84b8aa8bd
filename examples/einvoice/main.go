// Command einvoice writes the e-invoice of a demo invoice to a folder, in
// every form the SDK produces, and shows the French lifecycle at work:
//
//	go run ./examples/einvoice [-out dir]
//
// It runs the cycle in memory with e-invoicing switched on and a file-drop
// platform (adapters/filedrop) under <out>/platform: an invoice with three
// VAT rates, a line discount and an early-payment discount is issued; the
// outbox hands its Factur-X PDF to the platform (exactly once, even when the
// outbox records are dispatched twice). The same document is also written
// as <number>.cii.xml (UN/CEFACT CII D16B), <number>.ubl.xml (UBL 2.1) and
// <number>.pdf (Factur-X, PDF/A-3 with factur-x.xml embedded). Then the
// buyer's platform drops a 207 "En litige" status in <out>/platform/incoming:
// polling the platform opens a dispute on the invoice, and a later 205
// "Approuvée" closes it. Without -out it writes to a new temporary folder,
// which is kept.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/adapters/filedrop"
	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/einvoice/facturx"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "einvoice:", err)
		os.Exit(1)
	}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
func eur(s string) o2c.Money       { return o2c.MustMoney(s, "EUR") }

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("einvoice", flag.ContinueOnError)
	out := fs.String("out", "", "folder to write to (default: a new temporary folder)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		dir, err := os.MkdirTemp("", "einvoice-")
		if err != nil {
			return err
		}
		*out = dir
	}
	platform, err := filedrop.New(filepath.Join(*out, "platform"))
	if err != nil {
		return err
	}

	clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	st := memory.New(memory.WithClock(clock)).MustTenant("demo")
	seller := einvoice.Party{
		Name: "Ateliers Dupont SAS", LegalID: "732829320", LegalIDScheme: einvoice.SchemeSIREN, VATNumber: "FR44732829320",
		LegalInfo: "SAS au capital de 50 000 EUR, RCS Lyon 732 829 320", Endpoint: "factures@dupont.example", EndpointScheme: "EM",
		Address: einvoice.Address{Lines: []string{"12 rue des Forges"}, City: "Lyon", Postcode: "69002", Country: "FR"},
	}
	c, err := cycle.New(cycle.Config{
		Stores: st, Tx: st, Notifier: dunning.NewMemoryNotifier(), Clock: clock,
		Dunning: dunning.Config{Plans: []dunning.Plan{dunning.PlanFrance()}, DefaultPlan: "FR", Creditor: dunning.Party{Name: seller.Name}},
		EInvoicing: &cycle.EInvoicing{Platform: platform, Syntax: einvoice.SyntaxFacturX, Options: einvoice.Options{
			Seller:  seller,
			Payment: einvoice.PaymentMeans{IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP", AccountName: seller.Name},
		}},
	})
	if err != nil {
		return err
	}
	cust, err := customer.New("demo", customer.Details{
		Number: "C-00042", LegalName: "Boulangerie Martin SARL", SIRET: "40483304800022", VATNumber: "FR83404833048", Country: "FR",
		BillingAddress:  customer.Address{Lines: []string{"3 place du Marché"}, City: "Grenoble", Postcode: "38000"},
		BillingContacts: []customer.Contact{{Name: "Comptabilité", Email: "compta@martin.example", Invoices: true, Reminders: true}},
	}, clock.Now())
	if err != nil {
		return err
	}
	if err := c.Customers().Create(ctx, cust); err != nil {
		return err
	}
	terms := invoice.NetTerms(30)
	terms.Description = "30 jours date de facture"
	terms.Discount = invoice.EarlyPaymentDiscount{Percent: dec("2"), Days: 10}
	inv, err := c.Invoices().CreateInvoice(ctx, invoice.Draft{
		Customer: cust.ID, Currency: o2c.EUR, Terms: terms, Reference: "PO-7781",
		Lines: []invoice.Line{
			{SKU: "HAM-01", Description: "Marteau de charpentier", Quantity: dec("3"), UnitPrice: eur("24.90"), DiscountPercent: dec("10"), TaxCategory: tax.Standard, TaxRate: dec("20")},
			{Description: "Installation (heures)", Quantity: dec("2.5"), UnitPrice: eur("48.00"), TaxCategory: tax.Standard, TaxRate: dec("10")},
			{Description: "Manuel technique", Quantity: dec("1"), UnitPrice: eur("18.99"), TaxCategory: tax.Standard, TaxRate: dec("5.5")},
		},
	})
	if err != nil {
		return err
	}
	if inv, err = c.Invoices().Issue(ctx, inv.ID(), o2c.DateOf(clock.Now())); err != nil {
		return err
	}
	fmt.Fprintf(w, "issued %s, %s\n", inv.Number(), inv.Gross())

	// The outbox hands the e-invoice to the platform; dispatching the same
	// records twice (a crash before they were marked) sends it once.
	handler := c.EInvoiceHandler(nil)
	recs, err := st.Outbox().Pending(ctx, 100)
	if err != nil {
		return err
	}
	for range 2 {
		for _, r := range recs {
			if err := handler(ctx, r); err != nil {
				return err
			}
		}
	}
	sent, _ := filepath.Glob(filepath.Join(*out, "platform", "outgoing", "*.pdf"))
	fmt.Fprintf(w, "platform received %d document(s)\n", len(sent))

	// The same document in every form.
	doc, err := c.EInvoice(ctx, inv.ID())
	if err != nil {
		return err
	}
	cii, err := einvoice.WriteCII(doc)
	if err != nil {
		return err
	}
	ubl, err := einvoice.WriteUBL(doc)
	if err != nil {
		return err
	}
	pdf, _, err := facturx.Write(doc, facturx.Options{})
	if err != nil {
		return err
	}
	for name, b := range map[string][]byte{".cii.xml": cii, ".ubl.xml": ubl, ".pdf": pdf} {
		p := filepath.Join(*out, inv.Number()+name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "wrote %s.cii.xml, .ubl.xml and .pdf to %s\n", inv.Number(), *out)

	// The buyer's platform disputes the invoice, then approves it.
	for i, u := range []einvoice.StatusUpdate{
		{ID: "demo-207", Invoice: inv.Number(), Status: einvoice.StatusDisputed, At: clock.Now().Add(time.Hour), Reason: "quantité livrée différente"},
		{ID: "demo-205", Invoice: inv.Number(), Status: einvoice.StatusApproved, At: clock.Now().Add(2 * time.Hour)},
	} {
		b, _ := json.Marshal(u)
		if err := os.WriteFile(filepath.Join(*out, "platform", "incoming", fmt.Sprintf("%03d.json", i+1)), b, 0o644); err != nil {
			return err
		}
		if _, err := c.Lifecycle().Poll(ctx); err != nil {
			return err
		}
		cur, err := st.Invoices().Get(ctx, inv.ID())
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "status %s: disputed %s\n", u.Status, cur.Disputed())
	}
	return nil
}
