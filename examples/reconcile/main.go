// Command reconcile shows cash application ("lettrage") end to end on the
// embedded default (SQLite, pure Go): a bank statement is imported (its
// format detected: camt.053/054 or MT940/942), every line gets ranked
// proposals with a confidence and the reasons behind them, the certain ones
// are applied through invoicing, and the rest stay suggestions for a person.
//
//	go run ./examples/reconcile                        # self-contained demo
//	go run ./examples/reconcile -db demo.db            # keep the database
//	go run ./examples/reconcile -db demo.db stmt.xml   # your own statement
//
// Without a statement file it imports testdata/camt053-demo.xml (embedded),
// whose lines pay the invoices the demo seeds: one by RF creditor reference,
// one by an invoice number with a typo, one transfer for two invoices, one
// short payment within tolerance, an advance, a payer known by name only,
// an unknown payer and a bank fee, so every kind of decision shows. The
// tenant (-tenant, default "demo") is seeded with customers and issued
// invoices when it has no customers yet. Without -db the database is a
// temporary file, removed on exit; with -db, running twice shows the
// statement recognised as already imported and nothing booked twice.
package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

//go:embed testdata/camt053-demo.xml
var demoStatement []byte

const demoStatementName = "testdata/camt053-demo.xml (embedded demo statement)"

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "reconcile:", err)
		os.Exit(1)
	}
}

// run is the whole command; main only wires it to the process.
func run(ctx context.Context, w io.Writer, args []string) error {
	flags := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	flags.SetOutput(w)
	dbPath := flags.String("db", "", "SQLite database file (default: a temporary file removed on exit)")
	tenantID := flags.String("tenant", "demo", "tenant whose invoices the statement is matched against (only \"demo\" is seeded with demo data; another must have customers already)")
	format := flags.String("format", "", "statement format: camt.053, camt.054, mt940, mt942, cfonb120 or csv (default: detected; csv has the header date,amount,currency,name,iban,text,reference)")
	flags.Usage = func() {
		fmt.Fprintln(w, "usage: reconcile [-db path.db] [-tenant name] [-format name] [statement-file]")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if flags.NArg() > 1 {
		flags.Usage()
		return fmt.Errorf("at most one statement file, got %d", flags.NArg())
	}

	// The statement is read first: a missing or unreadable file is
	// reported before anything is written to the database.
	st, source, err := readStatement(flags.Arg(0), matching.Format(*format))
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "== 1/4 Opening the database")
	path := *dbPath
	if path == "" {
		dir, err := os.MkdirTemp("", "o2c-reconcile-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "reconcile.db")
	}
	db, err := sqlstore.OpenSQLite(ctx, path, sqlstore.Options{})
	if err != nil {
		return fmt.Errorf("opening the database %s: %w", path, err)
	}
	defer db.Close()
	tn, err := db.Tenant(o2c.TenantID(*tenantID))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "SQLite %s, tenant %s\n", path, tn.TenantID())

	// The tolerance decides which short payments are closed by a write-off:
	// the lower of 5.00 EUR and 1 % of the invoice. Invoicing and matching
	// must use the same one.
	tolerance := invoice.Tolerance{Amounts: []o2c.Money{o2c.MustMoney("5.00", "EUR")}, Percent: decimal.NewFromInt(1)}
	invoices, err := invoice.NewService(db, invoice.Stores{Invoices: tn.Invoices(), Payments: tn.Payments(), Numbers: tn.InvoiceNumbers()},
		invoice.Options{Tolerance: tolerance})
	if err != nil {
		return err
	}
	cash, err := matching.NewService(db, matching.Stores{Matching: tn.Matching(), Invoices: tn.Invoices(), Customers: tn.Customers()},
		invoices, matching.ServiceOptions{Engine: matching.Options{Tolerance: tolerance}})
	if err != nil {
		return err
	}

	existing, err := tn.Customers().List(ctx, customer.ListOptions{})
	if err != nil {
		return err
	}
	if len(existing) == 0 && tn.TenantID() != demoTenant {
		return fmt.Errorf("tenant %q has no customers: only the tenant %q is seeded with demo data; create customers first or use -tenant %s", tn.TenantID(), demoTenant, demoTenant)
	}
	if len(existing) == 0 {
		if err := seed(ctx, w, tn.TenantID(), tn.Customers(), invoices); err != nil {
			return fmt.Errorf("seeding the demo tenant: %w", err)
		}
	} else {
		fmt.Fprintf(w, "tenant %s has %d customers already: nothing seeded\n", tn.TenantID(), len(existing))
	}
	names, err := customerNames(ctx, tn.Customers())
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== 2/4 Importing the statement")
	fmt.Fprintf(w, "read %s: %s statement %s, account %s, %d lines\n", source, st.Format, st.ID, account(st), len(st.Lines))
	imp, err := cash.Import(ctx, st)
	var dup *matching.DuplicateStatementError
	if errors.As(err, &dup) {
		fmt.Fprintf(w, "statement already imported (as %s): nothing imported again\n", dup.Statement)
		return reportAgain(ctx, w, cash, dup.Statement, names)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "imported %d new lines (%d already imported with an earlier statement)\n", len(imp.Lines), imp.Duplicates)

	fmt.Fprintln(w, "\n== 3/4 Proposing matches")
	// Propose works on the lines not applied yet, in order: pair them with
	// its results before it changes their status.
	pending, err := notApplied(ctx, cash, imp.Statement.ID)
	if err != nil {
		return err
	}
	results, err := cash.Propose(ctx, imp.Statement.ID)
	if err != nil {
		return err
	}
	best := map[matching.LineID]matching.Proposal{}
	for _, r := range results {
		if r.Line < 0 || r.Line >= len(pending) {
			continue
		}
		printResult(w, pending[r.Line], r, names)
		if p, ok := r.Best(); ok {
			best[pending[r.Line].ID] = p
		}
	}

	fmt.Fprintln(w, "\n== 4/4 Applying the certain ones")
	report, err := cash.Apply(ctx, imp.Statement.ID)
	if err != nil {
		return err
	}
	return printOutcome(ctx, w, cash, imp.Statement.ID, report, best, names)
}

// readStatement reads the statement file named (the embedded demo when
// name is empty), detecting its format from its first bytes.
func readStatement(name string, format matching.Format) (matching.Statement, string, error) {
	var r io.Reader = bytes.NewReader(demoStatement)
	source := demoStatementName
	if name != "" {
		f, err := os.Open(name)
		if err != nil {
			return matching.Statement{}, "", fmt.Errorf("statement file: %w", err)
		}
		defer f.Close()
		r, source = f, name
	}
	br := bufio.NewReaderSize(r, 8<<10)
	head, err := br.Peek(8 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return matching.Statement{}, "", err
	}
	switch format {
	case "":
		if format, err = matching.DetectFormat(head); err != nil {
			return matching.Statement{}, "", &inputError{msg: source + " is not a statement whose format can be detected (camt.053/054, MT940/942, CFONB 120); for a CSV export use -format csv", err: err}
		}
	case matching.FormatCAMT053, matching.FormatCAMT054, matching.FormatMT940, matching.FormatMT942, matching.FormatCFONB120, matching.FormatCSV:
	default:
		return matching.Statement{}, "", fmt.Errorf("-format %q: must be camt.053, camt.054, mt940, mt942, cfonb120 or csv", format)
	}
	sts, err := matching.Parse(br, format, matching.WithCSVMapping(csvColumns))
	if err != nil {
		return matching.Statement{}, "", fmt.Errorf("%s: %w", source, err)
	}
	if len(sts) != 1 {
		return matching.Statement{}, "", fmt.Errorf("%s holds %d statements; this example imports files of one", source, len(sts))
	}
	return sts[0], source, nil
}

// inputError says what is wrong with the input in the example's words and
// keeps the library's error for errors.Is.
type inputError struct {
	msg string
	err error
}

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return e.err }

// demoTenant is the only tenant the example seeds with demo data.
const demoTenant o2c.TenantID = "demo"

// csvColumns is the CSV layout -format csv reads: a header row naming the
// columns date (YYYY-MM-DD), amount (signed, '.' decimals), currency, name,
// iban, text and reference.
var csvColumns = matching.CSVMapping{
	HasHeader: true, DateLayout: "2006-01-02",
	BookingDate: matching.ColumnNamed("date"), Amount: matching.ColumnNamed("amount"), Currency: matching.ColumnNamed("currency"),
	CounterpartyName: matching.ColumnNamed("name"), CounterpartyIBAN: matching.ColumnNamed("iban"),
	RemittanceText: matching.ColumnNamed("text"), BankReference: matching.ColumnNamed("reference"),
}

// seed gives the tenant three customers with their bank accounts and six
// issued invoices, the ones the demo statement pays.
func seed(ctx context.Context, w io.Writer, tenant o2c.TenantID, customers customer.Store, invoices *invoice.Service) error {
	fmt.Fprintf(w, "seeding tenant %s with demo customers and invoices\n", tenant)
	type demoCustomer struct{ number, name, iban, country string }
	demo := []demoCustomer{
		{"C-001", "Acme Industries SAS", "FR7630006000011234567890189", "FR"},
		{"C-002", "Globex Handel GmbH", "DE89370400440532013000", "DE"},
		{"C-003", "Initech Ltd", "GB33BUKB20201555555555", "GB"},
	}
	byNumber := map[string]*customer.Customer{}
	for _, d := range demo {
		c, err := customer.New(tenant, customer.Details{Number: d.number, LegalName: d.name, Country: d.country, Currency: o2c.EUR,
			BankAccounts: []customer.BankAccount{{IBAN: d.iban, Holder: d.name}}}, time.Now())
		if err != nil {
			return err
		}
		if err := customers.Create(ctx, c); err != nil {
			return err
		}
		byNumber[d.number] = c
		fmt.Fprintf(w, "  customer %s %-20s pays from %s\n", d.number, d.name, d.iban)
	}
	issued := o2c.MustDate(2026, time.March, 2)
	for _, inv := range []struct{ customer, net string }{
		{"C-001", "1000.00"}, // INV-2026-000001: 1200.00, paid by RF reference
		{"C-002", "250.00"},  // INV-2026-000002: 300.00 } one transfer
		{"C-002", "500.00"},  // INV-2026-000003: 600.00 } for both
		{"C-003", "400.00"},  // INV-2026-000004: 480.00, paid 2.50 short
		{"C-001", "750.00"},  // INV-2026-000005: 900.00, number quoted with a typo
		{"C-003", "125.00"},  // INV-2026-000006: 150.00, paid from an unknown account
	} {
		c := byNumber[inv.customer]
		d, err := invoices.CreateInvoice(ctx, invoice.Draft{Customer: c.ID, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
			Lines: []invoice.Line{{Description: "Consulting services", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney(inv.net, "EUR"),
				TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}}})
		if err != nil {
			return err
		}
		is, err := invoices.Issue(ctx, d.ID(), issued)
		if err != nil {
			return err
		}
		rf, err := matching.RFReferenceForNumber(is.Number())
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  invoice  %s %-20s %12s  due %s  reference %s\n", is.Number(), c.LegalName, is.Gross(), is.DueDate(), rf)
	}
	return nil
}

func customerNames(ctx context.Context, customers customer.Store) (map[o2c.CustomerID]string, error) {
	all, err := customers.List(ctx, customer.ListOptions{})
	if err != nil {
		return nil, err
	}
	names := make(map[o2c.CustomerID]string, len(all))
	for _, c := range all {
		names[c.ID] = c.LegalName
		if names[c.ID] == "" {
			names[c.ID] = c.Number
		}
	}
	return names, nil
}

func notApplied(ctx context.Context, cash *matching.Service, st matching.StatementID) ([]*matching.LineRecord, error) {
	lines, err := cash.Lines(ctx, st)
	if err != nil {
		return nil, err
	}
	var out []*matching.LineRecord
	for _, l := range lines {
		if l.Status != matching.LineApplied {
			out = append(out, l)
		}
	}
	return out, nil
}

// printResult prints a line and the engine's decision, with every
// proposal's confidence and reasons.
func printResult(w io.Writer, l *matching.LineRecord, r matching.Result, names map[o2c.CustomerID]string) {
	fmt.Fprintf(w, "\n%s\n", describeLine(l))
	fmt.Fprintf(w, "  decision: %s (%s)\n", r.Decision, explainDecision(r.Decision))
	if r.Note != "" {
		fmt.Fprintf(w, "  note: %s\n", r.Note)
	}
	for i, p := range r.Proposals {
		fmt.Fprintf(w, "  proposal %d, confidence %.2f: %s\n", i+1, p.Confidence, describeProposal(p, names))
		for _, why := range p.Reasons {
			fmt.Fprintf(w, "      - %s\n", why)
		}
	}
	if r.SearchCapped {
		fmt.Fprintln(w, "  (the combination search hit its cap: another combination may exist)")
	}
}

func explainDecision(d matching.Decision) string {
	switch d {
	case matching.DecisionAuto:
		return "certain: applied without a person"
	case matching.DecisionUnapplied:
		return "customer known for sure, no invoice fits: kept as unapplied cash"
	case matching.DecisionSuggest:
		return "a person must confirm"
	case matching.DecisionNone:
		return "nothing fits"
	case matching.DecisionSkipped:
		return "not a customer payment"
	}
	return string(d)
}

func describeLine(l *matching.LineRecord) string {
	ln := l.Line
	sign := "+"
	if ln.Direction == matching.Debit {
		sign = "-"
	}
	payer := ln.CounterpartyName
	if ln.CounterpartyIBAN != "" {
		payer += " (" + ln.CounterpartyIBAN + ")"
	}
	text := strings.TrimSpace(strings.Join(append(append([]string{}, ln.StructuredRefs...), ln.RemittanceText), " "))
	return fmt.Sprintf("line %d  %s  %s%s  %s  %q", l.Index+1, ln.BookingDate, sign, ln.Amount, payer, text)
}

func describeProposal(p matching.Proposal, names map[o2c.CustomerID]string) string {
	who := names[p.Customer]
	if who == "" {
		who = "customer " + p.Customer.String()
	}
	var parts []string
	for _, a := range p.Allocations {
		s := fmt.Sprintf("%s %s", a.Number, a.Amount)
		if !a.WriteOff.IsZero() {
			s += fmt.Sprintf(" + write-off %s", a.WriteOff)
		}
		if !a.Discount.IsZero() {
			s += fmt.Sprintf(" + discount %s", a.Discount)
		}
		parts = append(parts, s)
	}
	if !p.Unapplied.IsZero() {
		parts = append(parts, fmt.Sprintf("%s unapplied cash", p.Unapplied))
	}
	return fmt.Sprintf("%s: %s (%s)", who, strings.Join(parts, ", "), p.Kind)
}

// printOutcome prints what Apply booked, what stays for a person and a
// summary by status. best holds the proposal Propose ranked first for each
// line (when this run proposed), for the write-offs and the customer.
func printOutcome(ctx context.Context, w io.Writer, cash *matching.Service, st matching.StatementID, report matching.ApplyReport,
	best map[matching.LineID]matching.Proposal, names map[o2c.CustomerID]string) error {
	lines, err := cash.Lines(ctx, st)
	if err != nil {
		return err
	}
	byID := make(map[matching.LineID]*matching.LineRecord, len(lines))
	for _, l := range lines {
		byID[l.ID] = l
	}
	if len(report.Applied) == 0 {
		fmt.Fprintln(w, "nothing to apply")
	}
	for _, a := range report.Applied {
		l := byID[a.Line]
		if l == nil {
			continue
		}
		fmt.Fprintf(w, "applied line %d (%s from %s):", l.Index+1, l.Line.Amount, l.Line.CounterpartyName)
		p, proposed := best[a.Line]
		if len(a.Allocations) == 0 {
			who := "the customer"
			if proposed && names[p.Customer] != "" {
				who = names[p.Customer]
			}
			fmt.Fprintf(w, " kept as unapplied cash on %s", who)
		}
		for i, al := range a.Allocations {
			sep := ","
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(w, "%s %s %s", sep, al.InvoiceNumber, al.Amount)
		}
		if len(a.WrittenOff) > 0 {
			fmt.Fprintf(w, "; %s", writeOffs(a.WrittenOff, p))
		}
		for id, d := range a.DiscountOpen {
			fmt.Fprintf(w, "; discount %s left open on %s", d, id)
		}
		fmt.Fprintln(w)
	}
	for id, ferr := range report.Failed {
		if l := byID[id]; l != nil {
			fmt.Fprintf(w, "FAILED line %d: %v (it keeps its status; run again to retry)\n", l.Index+1, ferr)
		}
	}
	return printWaiting(ctx, w, cash, lines, len(report.Applied), names)
}

// printWaiting prints the lines left for a person and the summary.
func printWaiting(ctx context.Context, w io.Writer, cash *matching.Service, lines []*matching.LineRecord, appliedNow int, names map[o2c.CustomerID]string) error {
	counts := map[matching.LineStatus]int{}
	var waiting []*matching.LineRecord
	for _, l := range lines {
		counts[l.Status]++
		if l.Status != matching.LineApplied {
			waiting = append(waiting, l)
		}
	}
	if len(waiting) > 0 {
		fmt.Fprintln(w, "\nLeft for a person:")
	}
	for _, l := range waiting {
		switch l.Status {
		case matching.LineSuggested:
			props, err := cash.Proposals(ctx, l.ID)
			if err != nil {
				return err
			}
			best := "no open proposal"
			if len(props) > 0 {
				best = fmt.Sprintf("best proposal %s, confidence %.2f", describeProposal(props[0].Proposal, names), props[0].Proposal.Confidence)
			}
			fmt.Fprintf(w, "  line %d stays a suggestion to confirm: %s\n", l.Index+1, best)
		case matching.LineUnmatched:
			fmt.Fprintf(w, "  line %d is unmatched (%s from %s): nothing fits, look into it\n", l.Index+1, l.Line.Amount, l.Line.CounterpartyName)
		case matching.LineSkipped:
			note := l.Note
			if note == "" {
				note = "not a customer payment"
			}
			fmt.Fprintf(w, "  line %d is skipped: %s\n", l.Index+1, note)
		default:
			fmt.Fprintf(w, "  line %d is %s\n", l.Index+1, l.Status)
		}
	}
	fmt.Fprintf(w, "\nSummary: %d lines; applied now %d; applied in total %d; suggestions %d; unmatched %d; skipped %d\n",
		len(lines), appliedNow, counts[matching.LineApplied], counts[matching.LineSuggested], counts[matching.LineUnmatched], counts[matching.LineSkipped])
	return nil
}

// reportAgain handles a statement imported before: whatever it left in
// status auto (a crash between proposing and applying) is applied now,
// and the lines' state is printed.
func reportAgain(ctx context.Context, w io.Writer, cash *matching.Service, st matching.StatementID, names map[o2c.CustomerID]string) error {
	fmt.Fprintln(w, "\n== 3/4 Proposing matches: skipped, the statement's lines have their proposals already")
	fmt.Fprintln(w, "\n== 4/4 Applying what is still certain and not applied")
	report, err := cash.Apply(ctx, st)
	if err != nil {
		return err
	}
	return printOutcome(ctx, w, cash, st, report, nil, names)
}

func account(st matching.Statement) string {
	if st.AccountIBAN != "" {
		return st.AccountIBAN
	}
	if st.AccountOther != "" {
		return st.AccountOther
	}
	return "(not stated)"
}

// writeOffs describes the short payments written off, with their amounts
// when the proposal applied is known.
func writeOffs(ids []invoice.ID, p matching.Proposal) string {
	var parts []string
	for _, id := range ids {
		for _, al := range p.Allocations {
			if al.Invoice == id && !al.WriteOff.IsZero() {
				parts = append(parts, fmt.Sprintf("%s written off on %s", al.WriteOff, al.Number))
			}
		}
	}
	if len(parts) != len(ids) {
		return fmt.Sprintf("short payment written off on %d invoice(s)", len(ids))
	}
	return "short payment " + strings.Join(parts, ", ")
}
