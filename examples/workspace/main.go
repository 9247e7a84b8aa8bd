// Command workspace is a credit controller's workspace: a small web
// application over the SDK's public API, the place where the receivables
// are seen and acted on.
//
//	go run ./examples/workspace                 # http://127.0.0.1:8080, user demo / password demo
//	go run ./examples/workspace -db ws.db       # keep the SQLite database between runs
//	go run ./examples/workspace -dsn postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//
// Pages: an overview (open receivables, overdue share, countback DSO, CEI,
// average days delinquent, aging by bucket and by customer, the DSO trend
// over 12 months, the weekly cash-in forecast and dispute root causes, all
// computed by package report and drawn as server-side SVG); work queues
// (orders on credit hold, payments waiting for a person with their best
// proposals and a bank-file upload, today's dunning proposal, open
// disputes, promises to pay); and a page per customer (master data with
// readiness findings, limit against exposure by category, open due
// lines, a timeline).
//
// Without -db the database is a temporary SQLite file, removed on exit.
// A database without customers is seeded: tenant "demo" with a few months
// of history and tenant "north", which the demo user may not see unless
// -tenants names it. Every action is a POST with a CSRF token; the pages
// carry a strict Content-Security-Policy (scripts from the server's own
// files only, no framing).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/o2c"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "workspace:", err)
		os.Exit(1)
	}
}

// Config is what the workspace runs with.
type Config struct {
	// DB is an open database; the workspace does not close it.
	DB *sqlstore.DB
	// Today is the business date the workspace works on.
	Today o2c.Date
	// User and Password are the operator's login; Tenants the tenants the
	// operator may see (the first one is shown after login).
	User, Password string
	Tenants        []o2c.TenantID
	// LettersDir keeps the dunning letters as they are delivered.
	LettersDir string
	// Weeks of history seeded in an empty database.
	Weeks int
	// SecureCookies marks cookies Secure (behind HTTPS).
	SecureCookies bool
	Logger        *slog.Logger
}

func run(ctx context.Context, w io.Writer, args []string) error {
	flags := flag.NewFlagSet("workspace", flag.ContinueOnError)
	flags.SetOutput(w)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on")
	dbPath := flags.String("db", "", "SQLite database file (default: a temporary file, removed on exit)")
	dsn := flags.String("dsn", "", "PostgreSQL DSN (postgres://...); replaces the SQLite default")
	today := flags.String("today", "", "business date to work on, YYYY-MM-DD (default: today, or the Friday before on a weekend)")
	user := flags.String("user", "demo", "operator's user name")
	password := flags.String("password", "demo", "operator's password (hashed with bcrypt at start)")
	tenants := flags.String("tenants", "demo", "comma-separated tenants the operator may see")
	letters := flags.String("letters", "", "folder dunning letters are kept in (default: next to the database, or temporary)")
	weeks := flags.Int("weeks", 26, "weeks of history seeded in an empty database")
	secure := flags.Bool("secure-cookies", false, "mark cookies Secure (serve behind HTTPS)")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	day := lastBusinessDay(o2c.DateOf(time.Now()))
	if *today != "" {
		var err error
		if day, err = o2c.ParseDate(*today); err != nil {
			return fmt.Errorf("-today: %w", err)
		}
	}
	tmp, err := os.MkdirTemp("", "o2c-workspace-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var db *sqlstore.DB
	switch {
	case *dsn != "":
		db, err = sqlstore.OpenPostgres(ctx, *dsn, sqlstore.Options{})
	case *dbPath != "":
		db, err = sqlstore.OpenSQLite(ctx, *dbPath, sqlstore.Options{})
		if *letters == "" {
			*letters = strings.TrimSuffix(*dbPath, filepath.Ext(*dbPath)) + "-letters"
		}
	default:
		db, err = sqlstore.OpenSQLite(ctx, filepath.Join(tmp, "workspace.db"), sqlstore.Options{})
	}
	if err != nil {
		return fmt.Errorf("opening the database: %w", err)
	}
	defer db.Close()
	if *letters == "" {
		*letters = filepath.Join(tmp, "letters")
	}
	var ts []o2c.TenantID
	for _, t := range strings.Split(*tenants, ",") {
		if t = strings.TrimSpace(t); t != "" {
			ts = append(ts, o2c.TenantID(t))
		}
	}
	fmt.Fprintf(w, "preparing the workspace for %s (seeding an empty database takes a few seconds)\n", day)
	app, err := NewApp(ctx, Config{DB: db, Today: day, User: *user, Password: *password, Tenants: ts,
		LettersDir: *letters, Weeks: *weeks, SecureCookies: *secure})
	if err != nil {
		return err
	}
	defer app.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(w, "workspace on http://%s (user %s)\n", ln.Addr(), *user)
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
