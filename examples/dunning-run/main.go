// Command dunning-run shows a day of dunning ("relances") on the embedded
// default (SQLite, pure Go): the proposal for a date, per customer (the
// level due, the items, amounts, fees, late-payment interest and the
// reasons), then its execution, which writes each letter, in text and in
// HTML, to a folder through a file-writing Notifier, and a summary.
//
//	go run ./examples/dunning-run                              # demo, as of 2026-03-31
//	go run ./examples/dunning-run -date 2026-04-15 -out letters -db demo.db
//
// Without -db it seeds a demo tenant in a temporary SQLite file (removed on
// exit): French- and English-speaking customers (French preset, and the
// English preset for the UK segment) with invoices at various stages of
// lateness, one disputed, one partly paid, and the letters of earlier runs
// (dated before -date) so that some customers are already a few levels
// up. With -db the tenant is seeded the same way when it has no customers
// yet, and used as it is otherwise. Without -out the letters go to a new
// temporary folder, which is kept so you can read them.
//
// Running it again for the same date (same -db and -out) writes nothing
// new: a run is idempotent per tenant and date, and the notifier treats a
// letter whose files exist as delivered.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "dunning-run:", err)
		os.Exit(1)
	}
}

// run is the whole command; main only wires it to the process.
func run(ctx context.Context, w io.Writer, args []string) error {
	flags := flag.NewFlagSet("dunning-run", flag.ContinueOnError)
	flags.SetOutput(w)
	dateFlag := flags.String("date", "2026-03-31", "run date (YYYY-MM-DD)")
	outFlag := flags.String("out", "", "folder the letters are written to (default: a new temporary folder, kept)")
	dbFlag := flags.String("db", "", "SQLite database file (default: a temporary file with a seeded demo tenant, removed on exit)")
	tenantFlag := flags.String("tenant", "demo", "tenant to run dunning for")
	flags.Usage = func() {
		fmt.Fprintln(w, "usage: dunning-run [-date YYYY-MM-DD] [-out dir] [-db path.db] [-tenant name]")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if flags.NArg() > 0 {
		flags.Usage()
		return fmt.Errorf("unexpected arguments: %s", strings.Join(flags.Args(), " "))
	}
	asOf, err := o2c.ParseDate(*dateFlag)
	if err != nil {
		return fmt.Errorf("-date: %w", err)
	}
	outDir := *outFlag
	if outDir == "" {
		if outDir, err = os.MkdirTemp("", "o2c-dunning-letters-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}

	fmt.Fprintln(w, "== 1/4 Opening the database")
	dbPath := *dbFlag
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "o2c-dunning-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "dunning.db")
	}
	db, err := sqlstore.OpenSQLite(ctx, dbPath, sqlstore.Options{})
	if err != nil {
		return fmt.Errorf("opening the database %s: %w", dbPath, err)
	}
	defer db.Close()
	tn, err := db.Tenant(o2c.TenantID(*tenantFlag))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "SQLite %s, tenant %s\n", dbPath, tn.TenantID())

	letters := &fileNotifier{dir: outDir, log: w}
	cfg := dunning.Config{
		Store: tn.Dunning(), Tx: db,
		Items: tn.Invoices(), Credits: tn.Payments(), Customers: tn.Customers(),
		Notifier: letters,
		// The French preset for everyone, the English one for the UK
		// segment (an assignment saved in the store when seeding).
		Plans:       []dunning.Plan{dunning.PlanFrance(), dunning.PlanEnglish()},
		DefaultPlan: "FR",
		Calendar:    invoice.FrenchBusinessCalendar(),
		Rates:       ecbMainRefinancingRate(),
		Creditor: dunning.Party{Name: "Cashcycle Demo SAS", LegalID: "SIREN 732 829 320",
			Address: []string{"12 rue des Lilas", "69003 Lyon"}, Email: "credit@cashcycle.example", Phone: "+33 4 72 00 00 00"},
		// one link pays every invoice the letter lists
		PayURL: dunning.PayLink("https://pay.cashcycle.example/pay"),
	}
	svc, err := dunning.NewService(cfg)
	if err != nil {
		return err
	}

	existing, err := tn.Customers().List(ctx, customer.ListOptions{Limit: 1})
	if err != nil {
		return err
	}
	if len(existing) == 0 {
		// The letters of earlier runs were sent then: a notifier that
		// accepts them without writing files.
		sentThen := cfg
		sentThen.Notifier = dunning.NotifierFunc(func(context.Context, dunning.Delivery) error { return nil })
		history, err := dunning.NewService(sentThen)
		if err != nil {
			return err
		}
		if err := seed(ctx, w, tn, db, history, cfg.Calendar, asOf); err != nil {
			return fmt.Errorf("seeding the demo tenant: %w", err)
		}
	} else {
		fmt.Fprintf(w, "tenant %s has customers already: nothing seeded\n", tn.TenantID())
	}

	fmt.Fprintf(w, "\n== 2/4 Dry run: the proposal for %s\n", asOf)
	proposal, err := svc.DryRun(ctx, asOf)
	if err != nil {
		return err
	}
	if err := printProposal(ctx, w, tn.Customers(), cfg.Plans, proposal); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== 3/4 Executing the proposal (letters written to the outbox with the history)")
	var res dunning.RunResult
	if proposal.BusinessDay {
		if res, err = svc.Execute(ctx, proposal); err != nil {
			return err
		}
	}
	switch {
	case !proposal.BusinessDay:
		fmt.Fprintf(w, "%s is not a business day: nothing to execute\n", asOf)
	case res.AlreadyCompleted:
		fmt.Fprintf(w, "the run of %s was completed before: nothing written\n", asOf)
	default:
		fmt.Fprintf(w, "run of %s %s: %s written now, %d written by an earlier call\n", asOf, res.Run.Status, plural(len(res.Written), "letter"), res.Skipped)
	}

	fmt.Fprintf(w, "\n== 4/4 Delivering pending letters to %s\n", outDir)
	delivered, err := svc.Deliver(ctx)
	if err != nil {
		return err
	}

	if delivered == 0 {
		fmt.Fprintln(w, "no pending letter")
	}

	fmt.Fprintf(w, "\nSummary for %s: %s proposed, %d written to the history by this run, %d delivered, %d written to files (%d already there), %s without a letter\n",
		asOf, plural(len(proposal.Letters), "letter"), len(res.Written), delivered, letters.written, letters.repeats, plural(len(proposal.Skipped), "customer"))
	fmt.Fprintf(w, "letters are in %s\n", outDir)
	return nil
}

// ecbMainRefinancingRate is the ECB main refinancing operations rate the
// French late-payment interest is built on (rate + 10 points, fixed on
// 1 January and 1 July). The SDK ships no rates: a host keeps this table
// up to date from the ECB's decisions.
func ecbMainRefinancingRate() invoice.ReferenceRateTable {
	rate := func(y int, m time.Month, d int, pct string) invoice.ReferenceRate {
		return invoice.ReferenceRate{Effective: o2c.MustDate(y, m, d), Percent: decimal.RequireFromString(pct)}
	}
	return invoice.ReferenceRateTable{Name: "ECB MRO", Rates: []invoice.ReferenceRate{
		rate(2024, time.September, 18, "3.65"),
		rate(2024, time.October, 23, "3.40"),
		rate(2024, time.December, 18, "3.15"),
		rate(2025, time.February, 5, "2.90"),
		rate(2025, time.March, 12, "2.65"),
		rate(2025, time.April, 23, "2.40"),
		rate(2025, time.June, 11, "2.15"),
	}}
}

// printProposal prints each proposed letter (level, items, amounts, fees,
// interest, reasons) and each customer skipped.
func printProposal(ctx context.Context, w io.Writer, customers customer.Store, plans []dunning.Plan, p dunning.Proposal) error {
	if !p.BusinessDay {
		fmt.Fprintf(w, "%s is not a business day: nothing is proposed (what is due goes out on the next business day)\n", p.AsOf)
		return nil
	}
	if len(p.Letters) == 0 {
		fmt.Fprintln(w, "no letter is due")
	}
	levelName := func(plan string, level int) string {
		for _, pl := range plans {
			if pl.Code == plan && level >= 0 && level < len(pl.Levels) {
				return pl.Levels[level].Name
			}
		}
		return "none"
	}
	for i, l := range p.Letters {
		name, err := customerName(ctx, customers, l.Customer)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n[%d/%d] %s (%s): %s by %s, plan %s (%s), previous level %s\n",
			i+1, len(p.Letters), name, l.Currency, l.LevelName, l.Channel, l.Plan, l.PlanSource, levelName(l.Plan, l.Previous))
		for _, it := range l.Items {
			when := fmt.Sprintf("%d days overdue", it.DaysOverdue)
			if it.DaysOverdue < 0 {
				when = fmt.Sprintf("due in %d days", -it.DaysOverdue)
			}
			fmt.Fprintf(w, "    %s  due %s  %-16s  %12s", it.Number, it.DueDate, when, it.Amount)
			if !it.Interest.IsZero() {
				fmt.Fprintf(w, "  interest %s at %s %%", it.Interest, it.InterestRate.StringFixed(2))
			}
			if !it.RecoveryFee.IsZero() {
				fmt.Fprintf(w, "  recovery fee %s", it.RecoveryFee)
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "    amount %s", l.Amount)
		if !l.Credit.IsZero() {
			fmt.Fprintf(w, " (after %s credit)", l.Credit)
		}
		fmt.Fprintf(w, ", fee %s, interest %s, recovery fees %s, total %s\n", l.Fee, l.Interest, l.RecoveryFees, l.Total)
		if !l.PaymentDeadline.IsZero() {
			fmt.Fprintf(w, "    to pay by %s\n", l.PaymentDeadline)
		}
		for _, why := range l.Reasons {
			fmt.Fprintf(w, "    - %s\n", why)
		}
	}
	if len(p.Skipped) > 0 {
		fmt.Fprintln(w, "\nNo letter for:")
	}
	for _, s := range p.Skipped {
		name, err := customerName(ctx, customers, s.Customer)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "    %s (%s): %s\n", name, s.Currency, s.Reason)
	}
	return nil
}

func customerName(ctx context.Context, customers customer.Store, id o2c.CustomerID) (string, error) {
	c, err := customers.Get(ctx, id)
	if errors.Is(err, o2c.ErrNotFound) {
		return "customer " + id.String(), nil
	}
	if err != nil {
		return "", err
	}
	if c.LegalName != "" {
		return c.LegalName, nil
	}
	return c.Number, nil
}

// fileNotifier is the example's Notifier: it writes each letter to two
// files of the folder, <name>.txt (subject, recipients, text) and
// <name>.html, named after the letter's date, level, debtor and a hash of
// its idempotency key. Delivery is at least once: a letter whose files
// exist already was accepted before, and is not written again.
type fileNotifier struct {
	dir string
	log io.Writer // one line per letter
	// written counts letters written by this process, repeats those
	// found already written.
	written, repeats int
}

func (n *fileNotifier) Deliver(_ context.Context, d dunning.Delivery) error {
	sum := sha256.Sum256([]byte(d.Key))
	base := fmt.Sprintf("%s_%s_%s_%s_%s", d.Letter.Date, d.Letter.LevelName, slug(d.Letter.Debtor.Name), d.Letter.Currency, hex.EncodeToString(sum[:4]))
	txt, html := filepath.Join(n.dir, base+".txt"), filepath.Join(n.dir, base+".html")
	if exists(txt) && exists(html) {
		n.repeats++
		fmt.Fprintf(n.log, "already there: %s.txt/.html\n", base)
		return nil
	}
	var head strings.Builder
	fmt.Fprintf(&head, "Subject: %s\n", d.Rendered.Subject)
	if len(d.Letter.Recipients) > 0 {
		fmt.Fprintf(&head, "To: %s\n", strings.Join(d.Letter.Recipients, ", "))
	}
	fmt.Fprintf(&head, "Channel: %s\nKey: %s\n\n", d.Letter.Channel, d.Key)
	// The HTML first: the text file's presence marks a complete letter
	// only once both are there (both are checked above).
	if err := writeFile(html, d.Rendered.HTML); err != nil {
		return err
	}
	if err := writeFile(txt, head.String()+d.Rendered.Text); err != nil {
		return err
	}
	n.written++
	fmt.Fprintf(n.log, "wrote %s.txt and .html (%s to %s, %s)\n", base, d.Letter.LevelName, d.Letter.Debtor.Name, d.Letter.Total)
	return nil
}

// writeFile writes content to path through a temporary file and a rename,
// so a crash never leaves half a letter under its final name.
func writeFile(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".letter-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// slug turns a name into lower-case ASCII letters and digits joined by '-'.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "customer"
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
