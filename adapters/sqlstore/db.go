// Package sqlstore is the database/sql adapter: every store of this module on
// SQLite (modernc.org/sqlite, pure Go, the embedded default: a file path or
// ":memory:") and on PostgreSQL (jackc/pgx/v5), with embedded migrations
// per dialect, applied under a lock and recorded in a versions table.
//
// Import it under a name that does not clash with database/sql:
//
//	import sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
//
//	db, err := sqlstore.OpenSQLite(ctx, "o2c.db", sqlstore.Options{})
//	acme, err := db.Tenant("acme")
//	err = db.InTx(ctx, func(ctx context.Context) error {
//		// stores of acme called with ctx join this transaction
//		return acme.Outbox().Append(ctx, event)
//	})
//
// Amounts are stored as TEXT in SQLite (never as a float) and NUMERIC in
// PostgreSQL; civil dates as TEXT "YYYY-MM-DD" and DATE; instants as UTC.
// Driver errors are translated: a unique violation, a serialisation failure
// or a lost optimistic-concurrency race is o2c.ErrConflict, a missing row
// o2c.ErrNotFound; a serialisation failure, a deadlock, a busy SQLite file
// or a terminated backend is also o2c.ErrRetryable (the transaction was
// rolled back: run it again); a NUL byte or invalid UTF-8 PostgreSQL
// refuses is a *o2c.ValidationError.
package sqlstore

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// Dialect names the SQL database behind a DB.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Options configure a DB. The zero value works.
type Options struct {
	// Clock stamps bookkeeping times (created, updated, delivered). Default: system clock.
	Clock o2c.Clock
	// Logger receives migration and transaction diagnostics. Default: discard.
	Logger *slog.Logger
	// Schema (PostgreSQL only) puts every table in this schema, created if
	// missing, by setting the connection's search_path. Empty: the DSN's
	// own search_path.
	Schema string
	// SkipMigrate leaves the schema as it is at open; call Migrate yourself.
	SkipMigrate bool
	// MaxOpenConns caps the connection pool (default: 4 for an SQLite file,
	// 1 for ":memory:", database/sql's default for PostgreSQL).
	MaxOpenConns int
	// BusyTimeout (SQLite only) is how long a write waits for another
	// connection's write lock (another process, or a connection outside
	// this DB) before it fails with an error that is [o2c.ErrRetryable]
	// (and [o2c.ErrConflict]). Default: 10 s. Rounded down to the
	// millisecond.
	BusyTimeout time.Duration
}

// DB is an open database. It is safe for concurrent use.
type DB struct {
	sql     *stdsql.DB
	dialect Dialect
	clock   o2c.Clock
	log     *slog.Logger
	schema  string
	d       dialect    // SQL differences, see dialect.go
	kinds   kindTables // kinds whose tables exist
}

var _ o2c.Transactor = (*DB)(nil)

// OpenSQLite opens (creating if needed) the SQLite database at path, or a
// private in-memory database for ":memory:", and applies the migrations.
// The file uses WAL journaling, a busy timeout and immediate transactions,
// so concurrent writers in one process queue instead of failing.
func OpenSQLite(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, o2c.NewValidationError("path", `is required (a file path or ":memory:")`)
	}
	busy := int64(10000)
	if opts.BusyTimeout > 0 {
		busy = max(1, opts.BusyTimeout.Milliseconds())
	}
	params := fmt.Sprintf("_pragma=foreign_keys(1)&_pragma=busy_timeout(%d)&_txlock=immediate", busy)
	var dsn string
	maxConns := 4
	if path == ":memory:" {
		dsn = "file::memory:?" + params
		maxConns = 1 // every connection would otherwise get its own database
	} else {
		dsn = "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + params + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	}
	if opts.MaxOpenConns > 0 && path != ":memory:" {
		maxConns = opts.MaxOpenConns
	}
	sdb, err := stdsql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("o2c sql: open sqlite %s: %w", path, err)
	}
	sdb.SetMaxOpenConns(maxConns)
	sdb.SetMaxIdleConns(maxConns)
	sdb.SetConnMaxLifetime(0)
	sdb.SetConnMaxIdleTime(0)
	return open(ctx, sdb, SQLite, opts)
}

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// OpenPostgres connects to PostgreSQL with a pgx DSN ("postgres://..." or
// "host=... dbname=...") and applies the migrations.
func OpenPostgres(ctx context.Context, dsn string, opts Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("o2c sql: parse postgres dsn: %w", err)
	}
	if opts.Schema != "" {
		if !schemaName.MatchString(opts.Schema) {
			return nil, &o2c.ValidationError{Field: "schema", Rule: "must be a lower-case SQL identifier", Value: opts.Schema}
		}
		// create the schema on a plain connection first
		boot := stdlib.OpenDB(*cfg.Copy())
		_, err := boot.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+opts.Schema)
		boot.Close()
		if err != nil && !isUniqueViolation(err) { // two processes racing to create it
			return nil, fmt.Errorf("o2c sql: create schema %s: %w", opts.Schema, err)
		}
		cfg.RuntimeParams["search_path"] = opts.Schema
	}
	sdb := stdlib.OpenDB(*cfg)
	// keep the connections open: database/sql keeps 2 idle by default, so
	// concurrent sessions would reconnect (a fork on the server) per burst
	idle := 16
	if opts.MaxOpenConns > 0 {
		sdb.SetMaxOpenConns(opts.MaxOpenConns)
		idle = opts.MaxOpenConns
	}
	sdb.SetMaxIdleConns(idle)
	return open(ctx, sdb, Postgres, opts)
}

func open(ctx context.Context, sdb *stdsql.DB, d Dialect, opts Options) (*DB, error) {
	db := &DB{sql: sdb, dialect: d, clock: o2c.ClockOrSystem(opts.Clock), log: opts.Logger, schema: opts.Schema}
	switch d {
	case Postgres:
		db.d = postgresDialect{}
	default:
		db.d = sqliteDialect{}
	}
	if db.log == nil {
		db.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("o2c sql: connect to %s: %w", d, err)
	}
	if !opts.SkipMigrate {
		if err := db.Migrate(ctx); err != nil {
			sdb.Close()
			return nil, err
		}
		if _, err := db.BackfillDueLines(ctx); err != nil {
			sdb.Close()
			return nil, err
		}
	}
	return db, nil
}

// Close closes the connection pool.
func (db *DB) Close() error { return db.sql.Close() }

// Dialect tells which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL returns the underlying *database/sql.DB, for the host's own queries
// and for tests. Writing to this module's tables behind its back voids
// its guarantees.
func (db *DB) SQL() *stdsql.DB { return db.sql }

// Store is a handle bound to one tenant: every store it returns reads and
// writes only that tenant's rows.
type Store struct {
	db     *DB
	tenant o2c.TenantID
}

// Tenant returns the handle for tenant t.
func (db *DB) Tenant(t o2c.TenantID) (*Store, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return &Store{db: db, tenant: t}, nil
}

// MustTenant is Tenant for tests and examples; it panics on an invalid tenant.
func (db *DB) MustTenant(t o2c.TenantID) *Store {
	s, err := db.Tenant(t)
	if err != nil {
		panic(fmt.Sprintf("o2c sql: %v", err))
	}
	return s
}

// TenantID returns the tenant the handle is bound to.
func (s *Store) TenantID() o2c.TenantID { return s.tenant }

// InTx runs fn in a transaction of the underlying DB (see [DB.InTx]).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.InTx(ctx, fn)
}

// Outbox returns the tenant's outbox.
func (s *Store) Outbox() outbox.Store { return &Outbox{db: s.db, tenant: s.tenant} }
