// Command collect builds a SEPA direct-debit batch for a demo tenant and
// writes it as a pain.008.001.08 file: three customers with Core mandates
// (one amended since its last collection), their invoices pre-notified 14
// days ahead, collected on the due date with the D-1 cut-off, then a
// return with AM04 read from the bank's camt.054 reopens an invoice with
// the contract's return fee.
//
//	go run ./examples/collect [-out dir]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/collect/sepa/sepatest"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

func main() {
	out := flag.String("out", ".", "folder to write the pain.008 file to")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *out); err != nil {
		fmt.Fprintln(os.Stderr, "collect:", err)
		os.Exit(1)
	}
}

// notices prints each pre-notification (an email in production).
type notices struct{ w io.Writer }

func (n notices) PreNotify(_ context.Context, p collect.PreNotice) error {
	fmt.Fprintf(n.w, "  pre-notification: %s of invoice %s will be collected on %s from %s (mandate %s, creditor %s)\n",
		p.Amount, p.Invoice, p.Date, p.IBAN, p.Mandate, p.CreditorID)
	return nil
}

const creditorIBAN = "FR7630006000011234567890189"

func run(ctx context.Context, w io.Writer, dir string) error {
	clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	acme := memory.New(memory.WithClock(clock)).MustTenant("acme")
	keys, err := collect.NewKeyring(collect.Key{ID: "demo", Secret: []byte("examples-collect-demo-secret-0001")})
	if err != nil {
		return err
	}
	c, err := cycle.New(cycle.Config{Stores: acme, Tx: acme, Notifier: dunning.NewMemoryNotifier(), Clock: clock,
		Dunning: dunning.Config{Creditor: dunning.Party{Name: "Acme SAS"}},
		Collecting: &cycle.Collecting{Keys: keys, PayURL: "https://pay.acme.example/pay",
			Creditor: sepa.Party{Name: "Acme SAS", IBAN: creditorIBAN, BIC: "AGRIFRPP"}, PreNotifier: notices{w},
			CutOff: collect.CutOff{Hour: 16}}})
	if err != nil {
		return err
	}
	dd := c.DirectDebit()
	fmt.Fprintln(w, "== Mandates")
	type demo struct {
		name, iban, amount string
		fee                string
	}
	var invoices []*invoice.Invoice
	for i, d := range []demo{
		{"Boulangerie Dupont SARL", "FR1420041010050500013M02606", "129.90", "7.50"},
		{"Müller & Söhne GmbH", "DE89370400440532013000", "1450.00", ""},
		{"Café de la Gare", "FR7630004000031234567890143", "64.00", "7.50"},
	} {
		cu, err := customer.New("acme", customer.Details{Number: fmt.Sprintf("C-%03d", i+1), LegalName: d.name}, clock.Now())
		if err != nil {
			return err
		}
		if err := c.Customers().Create(ctx, cu); err != nil {
			return err
		}
		in := collect.MandateInput{Customer: cu.ID, Reference: fmt.Sprintf("ACME-UMR-%04d", i+1), Scheme: sepa.Core,
			Signed: o2c.MustDate(2026, 2, 10+i), CreditorID: "FR72ZZZ123456", DebtorName: d.name, IBAN: d.iban}
		if d.fee != "" {
			in.ReturnFee = o2c.MustMoney(d.fee, "EUR")
		}
		m, err := dd.RegisterMandate(ctx, in)
		if err != nil {
			return err
		}
		if i == 2 { // the café moved its account within its bank since signing
			if m, err = dd.AmendMandate(ctx, m.ID, collect.Amendment{IBAN: "FR7630004000039876543210030", Reference: "ACME-UMR-0003-B"}); err != nil {
				return err
			}
		}
		fmt.Fprintf(w, "  %s: %s %s, signed %s, debtor %s\n", m.Reference, m.Scheme, m.Type, m.Signed, sepa.Latin(m.DebtorName))
		inv, err := c.Invoices().CreateInvoice(ctx, invoice.Draft{Customer: cu.ID, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
			Lines: []invoice.Line{{Description: "Monthly service", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney(d.amount, "EUR"), TaxCategory: tax.OutOfScope}}})
		if err != nil {
			return err
		}
		if inv, err = c.Invoices().Issue(ctx, inv.ID(), o2c.MustDate(2026, 3, 2)); err != nil {
			return err
		}
		invoices = append(invoices, inv)
	}

	fmt.Fprintln(w, "\n== Pre-notifications (2026-03-02)")
	if _, err := dd.Prepare(ctx); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== Batch made on 2026-03-31 before the 16:00 cut-off (D-1)")
	clock.Set(time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC))
	batches, err := dd.Submit(ctx)
	if err != nil {
		return err
	}
	if len(batches) != 1 {
		return fmt.Errorf("expected one batch, got %d", len(batches))
	}
	b := batches[0]
	path := filepath.Join(dir, b.MessageID+".xml")
	if err := os.WriteFile(path, b.XML, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(w, "  %s: %d collection(s), %s, scheme %s, written to %s\n", b.MessageID, b.Count, b.Total, b.Scheme, path)
	for _, inv := range invoices {
		cur, _ := c.Invoices().Get(ctx, inv.ID())
		fmt.Fprintf(w, "  invoice %s: %s, open %s\n", cur.Number(), cur.Status(), cur.Open())
	}
	if bytes.Contains(b.XML, []byte("<AmdmntInd>true</AmdmntInd>")) {
		fmt.Fprintln(w, "  the amended mandate is collected with the amendment indicator and its original reference and IBAN")
	}

	fmt.Fprintln(w, "\n== The bank returns one collection with AM04 (camt.054, 2026-04-07)")
	clock.Set(time.Date(2026, 4, 7, 8, 0, 0, 0, time.UTC))
	cs, err := dd.Collections(ctx, invoices[0].ID())
	if err != nil {
		return err
	}
	camt := sepatest.Camt054("NTF-20260407", clock.Now(), creditorIBAN, o2c.MustDate(2026, 4, 7),
		[]sepatest.Item{{ID: "RET-1", EndToEndID: cs[0].EndToEndID, Amount: cs[0].Amount, Reason: "AM04"}})
	rs, err := sepa.ParseRTransactions(camt)
	if err != nil {
		return err
	}
	outcomes, err := dd.ApplyReturns(ctx, rs)
	if err != nil {
		return err
	}
	for _, o := range outcomes {
		fmt.Fprintf(w, "  %s %s (%s): invoice %s reopened", o.RTransaction.Kind, o.Reason.Code, o.Reason.Name, o.Collection.Number)
		if o.FeeInvoice != nil {
			fmt.Fprintf(w, ", return fee invoice %s for %s", o.FeeInvoice.Number(), o.FeeInvoice.Gross())
		}
		fmt.Fprintf(w, ", mandate blocked: %v\n", o.MandateBlocked)
	}
	cur, _ := c.Invoices().Get(ctx, invoices[0].ID())
	fmt.Fprintf(w, "  invoice %s: %s, open %s\n", cur.Number(), cur.Status(), cur.Open())
	return nil
}
