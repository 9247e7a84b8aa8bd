// Package memory is the in-memory adapter: every store of this module,
// kept in process memory, behaving like the SQL adapters (the same
// conformance suites pass on both). Use it as the test double in your own
// test suites, or for demos.
//
// A [DB] serialises writers with one lock. [DB.InTx] holds that lock for
// the whole transaction and keeps an undo log, so a transaction that fails
// (or panics) leaves no trace, exactly like a rolled-back SQL transaction.
// Records are copied in and out: mutating a value you passed or got back
// never changes what is stored.
//
// Do not call a store with a context that does not come from the running
// transaction's fn while that transaction is open on the same goroutine: it
// would wait for the lock the transaction holds.
package memory

import (
	"context"
	"fmt"
	"sync"

	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// DB is an in-memory database holding every tenant's records. The zero
// value is not usable; call [New].
type DB struct {
	clock  o2c.Clock
	mu     sync.Mutex
	outbox outboxTable
	kinds  map[*kernel.Kind]map[o2c.TenantID]*ktable // kernel documents, guarded by mu
	// jsonCheck stores documents as their JSON round trip (WithJSONCheck).
	jsonCheck bool

	regMu  sync.Mutex
	tables map[string]any // domain tables by name, see tableOf
}

// Option configures a DB.
type Option func(*DB)

// WithJSONCheck makes the DB keep every document as its JSON round trip
// (encoded and decoded on every write), as a SQL adapter does, instead of
// a native deep copy: a field that does not survive encoding/json then
// goes missing here too. Slower; for test suites.
func WithJSONCheck() Option { return func(db *DB) { db.jsonCheck = true } }

// WithClock sets the clock used for bookkeeping timestamps (delivery
// times, created/updated times). The default is the system clock.
func WithClock(c o2c.Clock) Option { return func(db *DB) { db.clock = c } }

// New returns an empty database.
func New(opts ...Option) *DB {
	db := &DB{}
	for _, o := range opts {
		o(db)
	}
	db.clock = o2c.ClockOrSystem(db.clock)
	return db
}

var _ o2c.Transactor = (*DB)(nil)

type txKey struct{}

type tx struct {
	db   *DB
	undo []func()
}

// onRollback registers a closure that reverts a change if the transaction
// rolls back. Closures run in reverse order.
func (t *tx) onRollback(f func()) { t.undo = append(t.undo, f) }

func (t *tx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

func (db *DB) current(ctx context.Context) *tx {
	if t, ok := ctx.Value(txKey{}).(*tx); ok && t.db == db {
		return t
	}
	return nil
}

// InTx runs fn in a transaction: every store of this DB called with the
// context fn receives joins it. fn's error or panic rolls back every change.
// A nested InTx joins the outer transaction.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if db.current(ctx) != nil {
		return fn(ctx)
	}
	return db.write(ctx, func(t *tx) error {
		return fn(context.WithValue(ctx, txKey{}, t))
	})
}

// write runs fn atomically: inside the caller's transaction when ctx
// carries one, else in a transaction of its own.
func (db *DB) write(ctx context.Context, fn func(t *tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t := db.current(ctx); t != nil {
		// A failing step inside a caller's transaction undoes its own
		// partial changes so that "nothing is half-written" holds even if
		// the caller decides to carry on.
		mark := len(t.undo)
		if err := fn(t); err != nil {
			for i := len(t.undo) - 1; i >= mark; i-- {
				t.undo[i]()
			}
			t.undo = t.undo[:mark]
			return err
		}
		return nil
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	t := &tx{db: db}
	defer func() {
		if p := recover(); p != nil {
			t.rollback()
			panic(p)
		}
	}()
	if err := fn(t); err != nil {
		t.rollback()
		return err
	}
	return nil
}

// read runs fn with a consistent view: inside the caller's transaction, or
// under the lock.
func (db *DB) read(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if db.current(ctx) != nil {
		return fn()
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	return fn()
}

// Store is a handle bound to one tenant: every store it returns reads and
// writes only that tenant's records.
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
		panic(fmt.Sprintf("memory: %v", err))
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

// tableOf returns the DB's table called name, creating it with mk on first
// use. Each domain store file declares its tables through it, so adding a
// store never touches this file.
func tableOf[T any](db *DB, name string, mk func() *table[T]) *table[T] {
	db.regMu.Lock()
	defer db.regMu.Unlock()
	if db.tables == nil {
		db.tables = map[string]any{}
	}
	if t, ok := db.tables[name]; ok {
		return t.(*table[T])
	}
	t := mk()
	db.tables[name] = t
	return t
}
