// Command quickstart runs the whole order-to-cash cycle, step by step, on
// the embedded default (SQLite, pure Go, no server), in a temporary file:
//
//	go run ./examples/quickstart
//
// Two customers with credit limits; an order that passes the credit check
// and one that is held, then released by a credit controller; shipments and
// deliveries, each billed the moment it is confirmed; a courtesy reminder
// before the due date and a late reminder after it; a camt.053 bank
// statement imported and matched to an invoice; aging and DSO; the
// journal entries posted from the events and the trial balance.
//
// Time is an o2c.ManualClock that the example moves forward, so the output
// is the same on every run. To run on the in-memory adapter (package
// adapters/memory) instead of SQLite, replace the OpenSQLite and Tenant
// calls with:
//
//	db := memory.New(memory.WithClock(clock))
//	acme := db.MustTenant("acme")
package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/tax"
)

func main() {
	dir, err := os.MkdirTemp("", "o2c-quickstart-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
	err = run(context.Background(), os.Stdout, filepath.Join(dir, "o2c.db"))
	os.RemoveAll(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// day is 09:00 UTC on a calendar date: the time the example's clock shows.
func day(d o2c.Date) time.Time { return d.Time().Add(9 * time.Hour) }

func eur(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

func run(ctx context.Context, w io.Writer, dbPath string) error {
	section := func(title string) { fmt.Fprintf(w, "\n== %s\n", title) }
	step := func(format string, args ...any) { fmt.Fprintf(w, "  "+format+"\n", args...) }

	start := o2c.MustDate(2026, time.March, 2) // a Monday
	clock := o2c.NewManualClock(day(start))

	section("Setup: SQLite store and the wired cycle")
	db, err := sqlstore.OpenSQLite(ctx, dbPath, sqlstore.Options{Clock: clock})
	if err != nil {
		return err
	}
	defer db.Close()
	acme, err := db.Tenant("acme")
	if err != nil {
		return err
	}
	step("opened %s (migrated), tenant %s", filepath.Base(dbPath), acme.TenantID())
	letters := dunning.NewMemoryNotifier() // an SMTP or webhook notifier in production (adapters/email, adapters/webhook)
	// pay-now links in the letters are signed with this key; in production
	// the secret comes from the host's vault, and a new key is added (and
	// made current) to rotate it
	payKeys, err := collect.NewKeyring(collect.Key{ID: "demo-2026", Secret: []byte("quickstart-demo-secret-not-for-production")})
	if err != nil {
		return err
	}
	c, err := cycle.New(cycle.Config{
		Stores:      acme,
		Tx:          db,
		Notifier:    letters,
		Clock:       clock,
		AutoApprove: true,
		Invoicing:   cycle.Invoicing{Policy: cycle.BillPerDelivery, Terms: map[string]invoice.Terms{"NET30": invoice.NetTerms(30)}},
		Dunning: dunning.Config{
			Plans:       []dunning.Plan{dunning.PlanFrance()},
			DefaultPlan: "FR",
			Creditor:    dunning.Party{Name: "Acme SAS", Address: []string{"12 rue des Lilas", "69003 Lyon"}},
		},
		Collecting: &cycle.Collecting{Keys: payKeys, PayURL: "https://pay.acme.example/pay"},
	})
	if err != nil {
		return err
	}
	step("cycle wired: credit check on placing, billing per delivery, dunning plan FR with pay-now links, cash matching")

	section("Customers and credit limits")
	type newCustomer struct {
		details customer.Details
		limit   string
	}
	var ids []o2c.CustomerID
	names := map[o2c.CustomerID]string{}
	for _, nc := range []newCustomer{
		{customer.Details{Number: "C-001", LegalName: "Globex SAS", Country: "FR", Currency: o2c.EUR, Language: "fr",
			DefaultPaymentTerms: "NET30",
			BillingContacts:     []customer.Contact{{Name: "Comptabilité", Email: "compta@globex.example", Invoices: true, Reminders: true}},
			BankAccounts:        []customer.BankAccount{{IBAN: "FR7630006000011234567890189", Holder: "GLOBEX SAS"}}}, "5000.00"},
		{customer.Details{Number: "C-002", LegalName: "Initech GmbH", Country: "DE", Currency: o2c.EUR, Language: "en",
			DefaultPaymentTerms: "NET30",
			BillingContacts:     []customer.Contact{{Name: "Accounts payable", Email: "ap@initech.example", Invoices: true, Reminders: true}},
			BankAccounts:        []customer.BankAccount{{IBAN: "DE89370400440532013000", Holder: "INITECH GMBH"}}}, "1000.00"},
	} {
		cu, err := customer.New(acme.TenantID(), nc.details, clock.Now())
		if err != nil {
			return err
		}
		if err := c.Customers().Create(ctx, cu); err != nil {
			return err
		}
		profile, err := credit.NewProfile(cu.ID, eur(nc.limit))
		if err != nil {
			return err
		}
		if err := acme.CreditProfiles().CreateProfile(ctx, profile); err != nil {
			return err
		}
		ids = append(ids, cu.ID)
		names[cu.ID] = nc.details.LegalName
		step("customer %s %-12s credit limit %s", nc.details.Number, nc.details.LegalName, profile.Limit)
	}
	globex, initech := ids[0], ids[1]

	section("Orders and the credit check")
	place := func(cust o2c.CustomerID, line order.LineSpec) (*order.Order, error) {
		o, err := c.Orders().Create(ctx, order.Details{Customer: cust, Currency: o2c.EUR, PaymentTerms: "NET30", Lines: []order.LineSpec{line}})
		if err != nil {
			return nil, err
		}
		return c.Orders().Place(ctx, o.ID(), "web-shop")
	}
	vat := decimal.NewFromInt(20)
	o1, err := place(globex, order.LineSpec{SKU: "BOLT-M8", Description: "Steel bolt M8 (box of 100)", Quantity: decimal.NewFromInt(40),
		UnitPrice: eur("12.50"), TaxCategory: tax.Standard, TaxRate: vat})
	if err != nil {
		return err
	}
	step("order 1 Globex SAS   %s gross: %s", o1.Totals().Gross, o1.State())
	o2, err := place(initech, order.LineSpec{SKU: "GEAR-200", Description: "Gearbox G200", Quantity: decimal.NewFromInt(6),
		UnitPrice: eur("250.00"), TaxCategory: tax.Standard, TaxRate: vat})
	if err != nil {
		return err
	}
	step("order 2 Initech GmbH %s gross: %s", o2.Totals().Gross, o2.State())
	if d, ok := o2.CreditDecision(); ok {
		step("  why: %s", d.Message)
	}
	o2, err = c.ReleaseOrder(ctx, o2.ID(), "anna.credit", "long-standing customer, director approved")
	if err != nil {
		return err
	}
	step("order 2 released by anna.credit: %s", o2.State())

	section("Shipments, deliveries and invoices (billed per delivery)")
	deliver := func(o *order.Order, name string) (*invoice.Invoice, error) {
		all := make([]order.LineQuantity, 0, len(o.Lines()))
		for _, l := range o.Lines() {
			all = append(all, order.LineQuantity{Line: l.No, Quantity: l.Quantity})
		}
		if _, err := c.Orders().Ship(ctx, o.ID(), "SHIP-"+name, all...); err != nil {
			return nil, err
		}
		step("order %s shipped (SHIP-%s)", name, name)
		o, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD-"+name, all...)
		if err != nil {
			return nil, err
		}
		if inv == nil {
			return nil, fmt.Errorf("delivery of order %s billed nothing", name)
		}
		step("order %s delivered (POD-%s), order %s", name, name, o.State())
		step("invoice %s issued %s: %s, due %s", inv.Number(), inv.IssueDate(), inv.Gross(), inv.DueDate())
		return inv, nil
	}
	inv1, err := deliver(o1, "1")
	if err != nil {
		return err
	}
	inv2, err := deliver(o2, "2")
	if err != nil {
		return err
	}

	section("Dunning: a courtesy reminder, then a late reminder")
	dun := func(asOf o2c.Date) error {
		clock.Set(day(asOf))
		p, err := c.Dunning().DryRun(ctx, asOf)
		if err != nil {
			return err
		}
		step("%s (%s): %d letter(s) proposed", asOf, asOf.Weekday(), len(p.Letters))
		for _, l := range p.Letters {
			reason := ""
			if len(l.Reasons) > 0 {
				reason = l.Reasons[0]
			}
			step("  %-10s to %-12s by %-6s %11s: %s", l.LevelName, names[l.Customer], l.Channel, l.Total, reason)
		}
		for _, sk := range p.Skipped {
			step("  no letter to %s: %s", names[sk.Customer], sk.Reason)
		}
		before := letters.Len()
		res, err := c.RunDunning(ctx, asOf)
		if err != nil {
			return err
		}
		step("  run: %d written, %d delivered", len(res.Written), letters.Len()-before)
		for _, d := range letters.Letters()[before:] {
			if strings.Contains(d.Rendered.Text, d.Letter.PayURL) && d.Letter.PayURL != "" {
				step("  %s's letter offers a pay link: %s...", names[d.Letter.Customer], d.Letter.PayURL[:48])
			}
		}
		return nil
	}
	if err := dun(inv1.DueDate().AddDays(-5)); err != nil {
		return err
	}
	if err := dun(inv1.DueDate().AddDays(7)); err != nil {
		return err
	}

	section("Bank statement (camt.053): import and match")
	booked := inv1.DueDate().AddDays(9)
	clock.Set(day(booked))
	xml := camt053("STMT-"+booked.String(), booked, []camtEntry{{
		Ref: "BANK-0001", Amount: inv1.Gross(), Debtor: "GLOBEX SAS", DebtorIBAN: "FR7630006000011234567890189",
		Remittance: "Paiement facture " + inv1.Number() + " merci",
	}})
	statements, err := matching.ParseCAMT(strings.NewReader(xml))
	if err != nil {
		return err
	}
	if len(statements) != 1 || len(statements[0].Lines) != 1 {
		return fmt.Errorf("expected 1 statement with 1 line, read %d statement(s)", len(statements))
	}
	step("parsed %d statement, %d line(s): %s %s from %s, %q", len(statements), len(statements[0].Lines),
		statements[0].Lines[0].Direction, statements[0].Lines[0].Amount, statements[0].Lines[0].CounterpartyName, statements[0].Lines[0].RemittanceText)
	imported, err := c.Matching().Import(ctx, statements[0])
	if err != nil {
		return err
	}
	step("imported statement %s: %d new line(s)", imported.Statement.BankID, len(imported.Lines))
	results, err := c.Matching().Propose(ctx, imported.Statement.ID)
	if err != nil {
		return err
	}
	for _, r := range results {
		if best, ok := r.Best(); ok {
			step("line %d: %s (confidence %.2f) - %s", r.Line+1, r.Decision, best.Confidence, best.Reason())
		} else {
			step("line %d: %s - %s", r.Line+1, r.Decision, r.Note)
		}
	}
	applied, err := c.Matching().Apply(ctx, imported.Statement.ID)
	if err != nil {
		return err
	}
	step("applied %d line(s), %d failed", len(applied.Applied), len(applied.Failed))
	if len(applied.Applied) == 0 {
		return fmt.Errorf("the statement line was not matched")
	}
	step("statement matched")
	for _, inv := range []*invoice.Invoice{inv1, inv2} {
		now, err := acme.Invoices().Get(ctx, inv.ID())
		if err != nil {
			return err
		}
		step("invoice %s: %s, open %s", now.Number(), now.Status(), now.Open())
	}
	// the reminder's pay link now shows the invoice paid (what the pay
	// page, adapters/paylinkhttp, would show)
	for _, d := range letters.Letters() {
		if d.Letter.Customer != ids[0] || d.Letter.PayURL == "" {
			continue
		}
		_, token, _ := strings.Cut(d.Letter.PayURL, "?t=")
		token, _ = url.QueryUnescape(token)
		owed, err := c.PayLinks().Resolve(ctx, token)
		if err != nil {
			return err
		}
		for _, l := range owed.Lines {
			step("pay link of the %s letter: %s paid %v, to pay now %s", d.Letter.LevelName, l.Number, l.Paid, owed.Due)
		}
	}

	section("Aging and DSO as of " + booked.String())
	all, err := acme.Invoices().List(ctx, invoice.Filter{})
	if err != nil {
		return err
	}
	items := report.ItemsFromInvoices(all)
	aging, err := report.AgingOf(items, booked, report.AgingOptions{})
	if err != nil {
		return err
	}
	total := o2c.Zero(o2c.EUR)
	if ca, ok := aging.Currency(o2c.EUR); ok {
		for i, b := range aging.Buckets {
			step("%-8s %12s", b.Label, ca.Total.Amounts[i])
		}
		total = ca.Total.Total
		step("%-8s %12s", "total", total)
	}
	open, err := acme.Invoices().OpenItems(ctx, invoice.OpenItemFilter{})
	if err != nil {
		return err
	}
	balance := o2c.Zero(o2c.EUR)
	for _, it := range open {
		if balance, err = balance.Add(it.Open); err != nil {
			return err
		}
	}
	if !total.Equal(balance) {
		return fmt.Errorf("aging total %s differs from the open balance %s", total, balance)
	}
	step("aging total %s = open balance %s", total, balance)
	countback, err := report.CountbackDSO(items, booked, report.CountbackOptions{})
	if err != nil {
		return err
	}
	for _, d := range countback {
		step("countback DSO %s days (receivables %s)", d.Days, d.Receivables)
	}
	simple, err := report.SimpleDSO(items, report.Period{From: start, To: booked})
	if err != nil {
		return err
	}
	for _, d := range simple {
		step("simple DSO    %s days (receivables %s over sales %s since %s)", d.Days, d.Receivables, d.Sales, start)
	}
	section("Books: journal entries posted from the outbox, trial balance")
	book, err := ledger.NewBook(ledger.FrenchPCG())
	if err != nil {
		return err
	}
	books := ledger.NewKernelStore(acme.Kernel())
	poster, err := ledger.NewPoster(book, books, ledger.PosterOptions{Clock: clock})
	if err != nil {
		return err
	}
	// the poster is an outbox handler: each event is posted once, under its ID
	d := &outbox.Dispatcher{Store: acme.Outbox().(outbox.DispatchStore), Handler: poster.Handle, Clock: clock}
	for {
		n, err := d.Dispatch(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	entries, err := books.Entries(ctx, ledger.Period{})
	if err != nil {
		return err
	}
	for _, e := range entries {
		step("%s %-4d %s %-32s %s", e.Journal, e.Number, e.Date, e.Label, strings.Join(entryLines(e), ", "))
	}
	tb := book.TrialBalance(entries, o2c.Date{}, booked)
	for _, r := range tb.Rows {
		step("%-6s %-34.34s %10s %10s %10s", r.Account, r.Name, r.Debit.AmountString(), r.Credit.AmountString(), r.Balance.AmountString())
	}
	step("%-6s %-34s %10s %10s", "", "total", tb.Debit.AmountString(), tb.Credit.AmountString())
	receivable := o2c.Zero(o2c.EUR)
	for _, r := range tb.Rows {
		if r.Account == book.Account(ledger.RoleReceivable) {
			receivable = r.Balance
		}
	}
	if !receivable.Equal(balance) {
		return fmt.Errorf("receivable account %s differs from the open balance %s", receivable, balance)
	}
	step("receivable account 411 %s = open balance %s", receivable, balance)
	fmt.Fprintln(w, "\ndone: the whole cycle ran on", filepath.Base(dbPath))
	return nil
}

// entryLines renders an entry's lines as "D 411 600.00".
func entryLines(e ledger.Entry) []string {
	var out []string
	for _, l := range e.Lines {
		if l.Debit.IsPositive() {
			out = append(out, "D "+l.Account+" "+l.Debit.AmountString())
		} else {
			out = append(out, "C "+l.Account+" "+l.Credit.AmountString())
		}
	}
	return out
}

// camtEntry is one incoming transfer on the example's bank statement.
type camtEntry struct {
	Ref        string
	Amount     o2c.Money
	Debtor     string
	DebtorIBAN string
	Remittance string
}

// camt053 writes a small ISO 20022 camt.053.001.02 statement of Acme's
// account with one credit entry per transfer, as a bank would send it.
func camt053(id string, booked o2c.Date, entries []camtEntry) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>%[1]s</MsgId><CreDtTm>%[2]sT18:00:00+00:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>%[1]s</Id>
   <CreDtTm>%[2]sT18:00:00+00:00</CreDtTm>
   <Acct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id><Ccy>EUR</Ccy></Acct>
`, id, booked)
	// Opening balance zero, closing balance the sum of the transfers: the
	// parser checks that a statement balances.
	total := o2c.Zero(o2c.EUR)
	for _, e := range entries {
		total, _ = total.Add(e.Amount)
	}
	for _, bal := range []struct{ typ, amt string }{{"OPBD", o2c.Zero(o2c.EUR).AmountString()}, {"CLBD", total.AmountString()}} {
		fmt.Fprintf(&b, `   <Bal><Tp><CdOrPrtry><Cd>%s</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>%s</Dt></Dt></Bal>
`, bal.typ, bal.amt, booked)
	}
	for _, e := range entries {
		fmt.Fprintf(&b, `   <Ntry>
    <Amt Ccy="%[1]s">%[2]s</Amt>
    <CdtDbtInd>CRDT</CdtDbtInd>
    <Sts>BOOK</Sts>
    <BookgDt><Dt>%[3]s</Dt></BookgDt>
    <ValDt><Dt>%[3]s</Dt></ValDt>
    <AcctSvcrRef>%[4]s</AcctSvcrRef>
    <NtryDtls><TxDtls>
     <RltdPties><Dbtr><Nm>%[5]s</Nm></Dbtr><DbtrAcct><Id><IBAN>%[6]s</IBAN></Id></DbtrAcct></RltdPties>
     <RmtInf><Ustrd>%[7]s</Ustrd></RmtInf>
    </TxDtls></NtryDtls>
   </Ntry>
`, e.Amount.Currency(), e.Amount.AmountString(), booked, e.Ref, e.Debtor, e.DebtorIBAN, e.Remittance)
	}
	b.WriteString("  </Stmt>\n </BkToCstmrStmt>\n</Document>\n")
	return b.String()
}
