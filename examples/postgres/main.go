// Command postgres runs a small tenant's order-to-cash cycle one business
// day at a time on PostgreSQL: the same cycle as examples/sqlite, with the
// tables in a schema of their own. Each run continues where the last one
// left off.
//
//	export O2C_POSTGRES_DSN="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
//	go run ./examples/postgres                 # day 1, in schema o2c_demo
//	go run ./examples/postgres                 # day 2
//	go run ./examples/postgres -schema other   # another schema, another history
//
// Every run advances one business day: an order is placed (credit-checked;
// a held order is released by the credit controller), shipped and
// delivered, which issues its invoice; the bank statement of the day pays
// what the customers pay on that day; dunning runs for the day. Then the
// state so far is printed. Prompt SARL pays before the due date, Slow GmbH
// ten days late, Silent Ltd never.
//
// The schema is created and migrated on the first run; drop it (DROP
// SCHEMA o2c_demo CASCADE) to start over. Without O2C_POSTGRES_DSN the
// command says how to set it and exits with status 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/examples/internal/daybyday"
	"github.com/cashcycle/sdk/o2c"
)

// envDSN names the environment variable holding the PostgreSQL DSN.
const envDSN = "O2C_POSTGRES_DSN"

// errNoDSN is returned by run without a DSN; main exits with status 2.
var errNoDSN = errors.New(envDSN + " is not set")

func main() {
	schema := flag.String("schema", "o2c_demo", "PostgreSQL schema to keep the demo tenant in (created if missing)")
	flag.Parse()
	err := run(context.Background(), os.Stdout, os.Getenv(envDSN), *schema)
	switch {
	case errors.Is(err, errNoDSN):
		fmt.Fprintln(os.Stderr, "postgres example:", err)
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "postgres example:", err)
		os.Exit(1)
	}
}

const usage = `Set the DSN of a PostgreSQL server you can create a schema on, then run again:

  export ` + envDSN + `="postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
  go run ./examples/postgres [-schema o2c_demo]

For a throw-away server: docker run --rm -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test -p 5432:5432 postgres`

func run(ctx context.Context, w io.Writer, dsn, schema string) error {
	if strings.TrimSpace(schema) == "" {
		// an empty schema would mean the connection's search path, usually
		// public: the demo never writes there unasked
		return errors.New(`-schema "": name the schema to keep the demo in (the default is o2c_demo); the demo does not write into the connection's default schema`)
	}
	if dsn == "" {
		return errNoDSN
	}
	clock := o2c.NewManualClock(daybyday.FirstDay.Time())
	db, err := sqlstore.OpenPostgres(ctx, dsn, sqlstore.Options{Clock: clock, Schema: schema})
	if err != nil {
		return fmt.Errorf("opening PostgreSQL schema %s: %w", schema, err)
	}
	defer db.Close()
	fmt.Fprintf(w, "PostgreSQL schema %s\n", schema)
	return daybyday.AdvanceOneDay(ctx, w, db, clock)
}
