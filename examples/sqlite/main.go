// Command sqlite runs a small tenant's order-to-cash cycle one business day
// at a time, persisted in an SQLite file: each run continues where the
// last one left off.
//
//	go run ./examples/sqlite               # day 1
//	go run ./examples/sqlite               # day 2, on the same ./o2c-demo.db
//	go run ./examples/sqlite -db /tmp/x.db # another file, another history
//
// Every run advances one business day: an order is placed (credit-checked;
// a held order is released by the credit controller), shipped and
// delivered, which issues its invoice; the bank statement of the day pays
// what the customers pay on that day; dunning runs for the day. Then the
// state so far is printed. Three customers pay differently: Prompt SARL
// before the due date, Slow GmbH ten days late, Silent Ltd never, so the
// letters climb the French plan for Silent Ltd as the days go by.
//
// The day to run is read back from the file (the dunning runs done so
// far), so nothing else is kept between runs. Delete the file to start
// over.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/examples/internal/daybyday"
	"github.com/cashcycle/sdk/o2c"
)

func main() {
	path := flag.String("db", "./o2c-demo.db", "SQLite file to keep the demo tenant in (created if missing)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *path); err != nil {
		fmt.Fprintln(os.Stderr, "sqlite example:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, path string) error {
	clock := o2c.NewManualClock(daybyday.FirstDay.Time())
	db, err := sqlstore.OpenSQLite(ctx, path, sqlstore.Options{Clock: clock})
	if err != nil {
		return fmt.Errorf("opening the database %s: %w", path, err)
	}
	defer db.Close()
	fmt.Fprintf(w, "SQLite file %s\n", path)
	return daybyday.AdvanceOneDay(ctx, w, db, clock)
}
