// Command quickstart shows what the SDK does today, on the embedded
// default (SQLite, pure Go, no server): money that never loses a cent,
// civil dates for invoices and due dates, payment terms, and a store
// opened, migrated and used with an event written in a transaction.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/shopspring/decimal"

	o2csql "github.com/cashcycle/sdk/adapters/sql"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

func main() {
	dir, err := os.MkdirTemp("", "o2c-quickstart-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	if err := run(context.Background(), os.Stdout, filepath.Join(dir, "o2c.db")); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, dbPath string) error {
	fmt.Fprintln(w, "== Money: decimal amounts, explicit rounding, no lost cent")
	net := o2c.MustMoney("1000.00", "EUR")
	vat := net.MulRound(decimal.RequireFromString("0.20"), o2c.RoundHalfUp)
	gross, err := net.Add(vat)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "net %s + VAT 20%% %s = gross %s\n", net, vat, gross)

	shares, err := o2c.MustMoney("100.00", "EUR").Split(3)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "100.00 EUR split in 3: %v\n", shares)
	parts, err := o2c.MustMoney("1000", "JPY").Allocate(decimal.NewFromInt(1), decimal.NewFromInt(1), decimal.NewFromInt(1))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "1000 JPY allocated 1:1:1: %v\n", parts)
	if _, err := net.Add(o2c.MustMoney("5", "USD")); err != nil {
		fmt.Fprintf(w, "EUR + USD refused: %v\n", err)
	}
	if _, err := o2c.NewMoney("1e400", "EUR"); err != nil {
		fmt.Fprintf(w, "absurd amount refused: %v\n", err)
	}

	fmt.Fprintln(w, "\n== Dates and payment terms")
	invoiced := o2c.MustDate(2026, 1, 15)
	for _, terms := range []invoice.Terms{invoice.NetTerms(30), invoice.EndOfMonthThenDaysTerms(45), invoice.DaysThenEndOfMonthTerms(45)} {
		due, err := invoice.DueDate(invoiced, terms)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "invoice of %s on terms %-6s is due %s\n", invoiced, terms.Code, due)
	}

	fmt.Fprintln(w, "\n== A store: SQLite file opened, migrated, used in a transaction")
	db, err := o2csql.OpenSQLite(ctx, dbPath, o2csql.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	version, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "opened %s, schema version %d\n", filepath.Base(dbPath), version)
	acme, err := db.Tenant("acme")
	if err != nil {
		return err
	}
	event, err := o2c.NewEvent("acme", "invoice", "INV-2026-000001", "invoice.issued", o2c.SystemClock{}.Now(), map[string]string{"gross": gross.String()})
	if err != nil {
		return err
	}
	rolledBack := fmt.Errorf("changed my mind")
	err = db.InTx(ctx, func(ctx context.Context) error {
		if err := acme.Outbox().Append(ctx, event); err != nil {
			return err
		}
		return rolledBack
	})
	fmt.Fprintf(w, "append in a transaction that failed (%v): ", err)
	pending, err := acme.Outbox().Pending(ctx, 10)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d pending events\n", len(pending))
	if err := db.InTx(ctx, func(ctx context.Context) error { return acme.Outbox().Append(ctx, event) }); err != nil {
		return err
	}
	pending, err = acme.Outbox().Pending(ctx, 10)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "append in a committed transaction: %d pending event (%s %s)\n", len(pending), pending[0].Event.Type, pending[0].Event.AggregateID)
	other, err := db.Tenant("globex")
	if err != nil {
		return err
	}
	theirs, err := other.Outbox().Pending(ctx, 10)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "tenant globex sees %d of acme's events\n", len(theirs))
	return nil
}
