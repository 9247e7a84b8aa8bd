// Package kernel is the storage primitive every adapter implements once and
// every domain store is written once on top of: versioned documents keyed
// by (tenant, kind, id), with typed index columns declared per kind,
// unique keys, ordered listing with filters and keyset cursors, and domain
// events appended in the same transaction.
//
// A [Backend] (adapters/memory, adapters/sqlstore) knows how to keep rows;
// this package holds the rules: the tenant check, the version rules
// (create is version 1, a save must name the stored version, an update
// runs its change on the locked current version), the normalisation and
// validation of queries, and the encoding of cursors. A store declares its
// document type once with [Declare] and then calls the typed methods of
// the [Collection] it gets, with a [Scope] (a backend and a tenant):
//
//	var notes = kernel.Declare(kernel.Kind{
//		Name:    "note",
//		Table:   "o2c_notes",
//		Columns: []kernel.Column{{Name: "customer_id", Type: kernel.Text}},
//	}, kernel.Spec[Note]{
//		ID:      func(n *Note) string { return n.ID },
//		Version: func(n *Note) *int64 { return &n.Version },
//		Index:   func(n *Note) []any { return []any{n.Customer} },
//	})
//
//	err := notes.Create(ctx, scope, n, events...)
//	page, next, err := notes.Page(ctx, scope, kernel.Query{Where: []kernel.Filter{kernel.Eq("customer_id", c)}, Limit: 50})
//
// Rows live in one table per kind with the columns tenant, id, version,
// body (the document), created_at, updated_at and the declared index
// columns; SQL backends create it from the declaration (see [Kind]).
package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// Type is the type of an index column. Values are passed to and returned
// from backends as the Go types named here.
type Type int

// Column types.
const (
	// Text is a string, compared byte-wise.
	Text Type = iota
	// Int is an int64.
	Int
	// Date is an o2c.Date (a civil date); the zero date is NULL.
	Date
	// Time is a time.Time, kept in UTC; the zero time is NULL.
	Time
	// Bool is a bool.
	Bool
	// Decimal is a decimal number in text form ("1234.50"), kept as TEXT
	// on SQLite and NUMERIC on PostgreSQL for the adapters' own SQL
	// (reports summing amounts). It can be stored and compared for
	// equality only: the kernel refuses range filters and orders on it,
	// which SQLite's text would get wrong.
	Decimal
)

func (t Type) String() string {
	switch t {
	case Text:
		return "text"
	case Int:
		return "int"
	case Date:
		return "date"
	case Time:
		return "time"
	case Bool:
		return "bool"
	case Decimal:
		return "decimal"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Column is an index column: a value derived from the document, kept
// beside it, that queries filter and sort on.
type Column struct {
	Name string // a lower-case SQL identifier
	Type Type
	// Nullable columns take nil (and, for Text, the empty string is kept as
	// NULL on SQL so that unique keys ignore it); the others must always
	// have a value.
	Nullable bool
}

// Set is a multi-valued text index: every document has zero or more values
// (a customer's IBANs), and a [Has] filter finds the documents holding a
// value. SQL backends keep it in a side table (tenant, Column, Ref)
// rewritten in the transaction that writes the document.
type Set struct {
	Name   string // how filters name it
	Table  string // side table
	Column string // the value column of the side table
	Ref    string // the column holding the document's id
}

// Kind declares a type of document. Declare it once (a package-level
// variable, through [Declare]); its Table is created from the declaration
// by SQL backends (CREATE TABLE IF NOT EXISTS with the columns, a unique
// constraint per unique key and an index (tenant, column) per column), or
// can be created by a migration with the same columns for tables that
// existed before the kernel.
type Kind struct {
	// Name is what errors call a document: "customer".
	Name string
	// Table is the SQL table name ("o2c_customers"); also the kind's
	// identity in a backend. Unique per process.
	Table string
	// Columns are the index columns.
	Columns []Column
	// Unique lists the unique keys: each a list of column names that no two
	// documents of a tenant may share (NULLs excepted). A clash is
	// o2c.ErrConflict.
	Unique [][]string
	// Sets are the multi-valued indexes.
	Sets []Set
	// Indexes lists extra composite indexes (column lists) for SQL
	// backends; every column already has one on (tenant, column).
	Indexes [][]string

	codec codec
	cols  map[string]int
}

// codec is what the typed Collection tells backends about the documents.
type codec struct {
	clone     func(any) any
	marshal   func(any) ([]byte, error)
	unmarshal func([]byte) (any, error)
	setVer    func(any, int64)
}

// Clone returns a deep copy of a document of the kind (backends that keep
// Go values call it on the way in and out).
func (k *Kind) Clone(v any) any { return k.codec.clone(v) }

// Marshal encodes a document of the kind (backends that keep bytes).
func (k *Kind) Marshal(v any) ([]byte, error) {
	b, err := k.codec.marshal(v)
	if err != nil {
		return nil, fmt.Errorf("kernel: encode %s: %w", k.Name, err)
	}
	return b, nil
}

// Unmarshal decodes a document of the kind.
func (k *Kind) Unmarshal(b []byte) (any, error) {
	v, err := k.codec.unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("kernel: decode %s: %w", k.Name, err)
	}
	return v, nil
}

// SetVersion writes the version into a document (backends that decode a
// body whose version may lag the row's).
func (k *Kind) SetVersion(v any, version int64) { k.codec.setVer(v, version) }

// Column returns the position of the named index column in Columns, or -1.
func (k *Kind) Column(name string) int {
	if i, ok := k.cols[name]; ok {
		return i
	}
	return -1
}

// SetIndex returns the position of the named set in Sets, or -1.
func (k *Kind) SetIndex(name string) int {
	for i, s := range k.Sets {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// Row is one stored document as a backend sees it.
type Row struct {
	ID      string
	Version int64
	// Doc is the document (a *T of the kind's Collection). A backend owns
	// what it is given and hands out values the caller may keep.
	Doc any
	// Index holds the values of the kind's Columns, in order.
	Index []any
	// Sets holds the values of the kind's Sets, in order.
	Sets [][]string
	// Created is the creation time (set by the backend on insert).
	Created time.Time
}

// Lock asks a query or a get to lock the rows it returns until the
// transaction ends.
type Lock int

// Lock modes.
const (
	NoLock Lock = iota
	// ForUpdate waits for rows other transactions hold.
	ForUpdate
	// SkipLocked leaves out rows other transactions hold (claims, leases).
	SkipLocked
)

// Backend keeps rows. Writes are only ever called by this package inside
// [Backend.Atomic]; reads join the transaction ctx carries, if any.
// Implementations: adapters/memory, adapters/sqlstore. kerneltest checks a
// backend.
type Backend interface {
	o2c.Transactor
	// Atomic runs fn as one unit: inside the transaction ctx carries (under
	// a savepoint: fn's error undoes fn's writes only) or in a transaction
	// of its own. fn gets the context to pass to the other methods.
	Atomic(ctx context.Context, fn func(ctx context.Context) error) error
	// Now is the backend's clock.
	Now() time.Time
	// Insert adds r as version 1 (r.Version is 1). A row with r's id or a
	// unique key r shares is a *DuplicateError.
	Insert(ctx context.Context, tenant o2c.TenantID, k *Kind, r *Row) error
	// Get returns the row with id, or (nil, nil) when there is none.
	Get(ctx context.Context, tenant o2c.TenantID, k *Kind, id string, lock Lock) (*Row, error)
	// Replace writes r over the row with r.ID if its version is still
	// prev, setting r.Version (prev+1). It returns the stored version
	// when it differs (0 when the row is missing) and ok false then. A
	// unique key r shares with another row is a *DuplicateError.
	Replace(ctx context.Context, tenant o2c.TenantID, k *Kind, r *Row, prev int64) (stored int64, ok bool, err error)
	// Delete removes the row with id; it reports whether there was one.
	Delete(ctx context.Context, tenant o2c.TenantID, k *Kind, id string) (bool, error)
	// Query returns the rows matching a normalised query, in its order,
	// after its cursor, at most its limit.
	Query(ctx context.Context, tenant o2c.TenantID, k *Kind, q *Plan) ([]*Row, error)
	// Append writes events (checked by this package) to the outbox.
	Append(ctx context.Context, tenant o2c.TenantID, events []o2c.Event) error
}

// DuplicateError is what a backend returns when an insert or replace
// clashes with a row's id or unique key.
type DuplicateError struct {
	Key string // "id" or the unique key's columns joined by ","; "" if unknown
	Err error  // the driver's error, if any
}

func (e *DuplicateError) Error() string {
	if e.Key == "" {
		return "kernel: duplicate key"
	}
	return "kernel: duplicate " + e.Key
}

func (e *DuplicateError) Unwrap() error { return e.Err }

// Scope is a backend bound to one tenant: what a tenant handle of an
// adapter gives a store.
type Scope struct {
	Backend Backend
	Tenant  o2c.TenantID
}

// InTx runs fn in a transaction of the backend.
func (s Scope) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.Backend.InTx(ctx, fn)
}

// Now is the backend's clock.
func (s Scope) Now() time.Time { return s.Backend.Now() }

// Append checks events (valid, the scope's tenant, no id twice) and writes
// them to the outbox atomically.
func (s Scope) Append(ctx context.Context, events ...o2c.Event) error {
	if err := CheckEvents(s.Tenant, events); err != nil {
		return err
	}
	if len(events) == 0 {
		return ctx.Err()
	}
	return s.Backend.Atomic(ctx, func(ctx context.Context) error {
		return s.Backend.Append(ctx, s.Tenant, events)
	})
}

// CheckEvents refuses invalid events, events of another tenant and a batch
// that holds one event twice.
func CheckEvents(tenant o2c.TenantID, events []o2c.Event) error {
	seen := make(map[o2c.EventID]bool, len(events))
	for _, e := range events {
		if err := e.Validate(); err != nil {
			return err
		}
		if e.Tenant != tenant {
			return &o2c.ValidationError{Field: "event.tenant", Rule: "must be the store's tenant " + string(tenant), Value: string(e.Tenant)}
		}
		if seen[e.ID] {
			return o2c.Conflict("event", e.ID.String(), "appears twice in the batch")
		}
		seen[e.ID] = true
	}
	return nil
}

var (
	identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	registryMu sync.Mutex
	registry   = map[string]*Kind{}
	order      []*Kind
)

// Kinds returns every declared kind, in declaration order (SQL backends
// create their tables at migration).
func Kinds() []*Kind {
	registryMu.Lock()
	defer registryMu.Unlock()
	return append([]*Kind(nil), order...)
}

func (k *Kind) validate() error {
	if k.Name == "" {
		return errors.New("kernel: a kind needs a Name")
	}
	if !identifier.MatchString(k.Table) {
		return fmt.Errorf("kernel: kind %s: table %q is not a lower-case SQL identifier", k.Name, k.Table)
	}
	k.cols = map[string]int{}
	for i, c := range k.Columns {
		if !identifier.MatchString(c.Name) {
			return fmt.Errorf("kernel: kind %s: column %q is not a lower-case SQL identifier", k.Name, c.Name)
		}
		if _, builtin := builtinColumns[c.Name]; builtin {
			return fmt.Errorf("kernel: kind %s: column %q is built in", k.Name, c.Name)
		}
		if _, dup := k.cols[c.Name]; dup {
			return fmt.Errorf("kernel: kind %s: column %q declared twice", k.Name, c.Name)
		}
		k.cols[c.Name] = i
	}
	for _, key := range append(append([][]string(nil), k.Unique...), k.Indexes...) {
		if len(key) == 0 {
			return fmt.Errorf("kernel: kind %s: an empty key", k.Name)
		}
		for _, c := range key {
			if _, ok := k.cols[c]; !ok {
				return fmt.Errorf("kernel: kind %s: key column %q is not declared", k.Name, c)
			}
		}
	}
	for _, s := range k.Sets {
		for _, id := range []string{s.Table, s.Column, s.Ref} {
			if !identifier.MatchString(id) {
				return fmt.Errorf("kernel: kind %s: set %s: %q is not a lower-case SQL identifier", k.Name, s.Name, id)
			}
		}
	}
	return nil
}

// builtinColumns are the columns of every kind's table that queries may
// name besides the declared ones.
var builtinColumns = map[string]Type{"id": Text, "created_at": Time}

// Spec tells the kernel how to handle documents of type T.
type Spec[T any] struct {
	// ID returns the document's id (required).
	ID func(*T) string
	// Version points at the document's version field (required); the
	// kernel sets it.
	Version func(*T) *int64
	// Index returns the values of the kind's Columns, in order (required
	// when the kind has columns).
	Index func(*T) []any
	// Sets returns the values of the kind's Sets, in order.
	Sets func(*T) [][]string
	// Tenant, when set, is checked against the scope's tenant on every
	// write: another tenant's document is a *o2c.ValidationError.
	Tenant func(*T) o2c.TenantID
	// Clone returns a deep copy. Default: [Copy] (reflection; a
	// hand-written Clone is faster still).
	Clone func(*T) *T
}

// Declare registers a kind of documents of type T and returns its typed
// collection. It panics on a bad declaration or a table declared twice
// (declarations are package-level variables).
func Declare[T any](k Kind, spec Spec[T]) *Collection[T] {
	kind := k
	if err := kind.validate(); err != nil {
		panic(err)
	}
	if spec.ID == nil || spec.Version == nil {
		panic(fmt.Sprintf("kernel: kind %s: Spec needs ID and Version", k.Name))
	}
	if len(kind.Columns) > 0 && spec.Index == nil {
		panic(fmt.Sprintf("kernel: kind %s: Spec needs Index for its columns", k.Name))
	}
	if len(kind.Sets) > 0 && spec.Sets == nil {
		panic(fmt.Sprintf("kernel: kind %s: Spec needs Sets for its sets", k.Name))
	}
	clone := spec.Clone
	if clone == nil {
		clone = Copy[T]
	}
	kind.codec = codec{
		clone:   func(v any) any { return clone(v.(*T)) },
		marshal: func(v any) ([]byte, error) { return json.Marshal(v.(*T)) },
		unmarshal: func(b []byte) (any, error) {
			v := new(T)
			err := json.Unmarshal(b, v)
			return v, err
		},
		setVer: func(v any, n int64) { *spec.Version(v.(*T)) = n },
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[kind.Table]; dup {
		panic(fmt.Sprintf("kernel: table %s declared twice", kind.Table))
	}
	c := &Collection[T]{kind: &kind, spec: spec}
	registry[kind.Table] = c.kind
	order = append(order, c.kind)
	return c
}
