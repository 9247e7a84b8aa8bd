package o2c

import (
	"database/sql/driver"
	"fmt"

	"github.com/google/uuid"
)

// ID is an identifier typed by what it identifies, so an invoice's ID cannot
// be passed where an order's is expected. Packages declare their own:
//
//	type OrderID = o2c.ID[Order]
//
// New IDs are UUID version 7: unique, and ordered by creation time, which
// keeps database indexes compact. The zero ID means "none".
type ID[T any] struct{ u uuid.UUID }

// NewID returns a fresh UUIDv7 identifier.
func NewID[T any]() ID[T] { return ID[T]{uuid.Must(uuid.NewV7())} }

// ParseID parses the canonical text form of a UUID.
func ParseID[T any](s string) (ID[T], error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return ID[T]{}, &ValidationError{Field: "id", Rule: "must be a UUID", Value: truncate(s)}
	}
	return ID[T]{u}, nil
}

// MustParseID is ParseID for constants in tests; it panics on error.
func MustParseID[T any](s string) ID[T] {
	id, err := ParseID[T](s)
	if err != nil {
		panic(err)
	}
	return id
}

// IDFromUUID wraps an existing UUID.
func IDFromUUID[T any](u uuid.UUID) ID[T] { return ID[T]{u} }

// UUID returns the underlying UUID.
func (id ID[T]) UUID() uuid.UUID { return id.u }

// IsZero reports whether id is the zero ID.
func (id ID[T]) IsZero() bool { return id.u == uuid.Nil }

// String returns the canonical form "0190a6e0-...".
func (id ID[T]) String() string { return id.u.String() }

// MarshalText implements encoding.TextMarshaler (so JSON uses the string form).
func (id ID[T]) MarshalText() ([]byte, error) { return []byte(id.u.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (id *ID[T]) UnmarshalText(b []byte) error {
	p, err := ParseID[T](string(b))
	if err != nil {
		return err
	}
	*id = p
	return nil
}

// Value implements driver.Valuer as the canonical text (a PostgreSQL uuid
// column accepts it; SQLite stores it as TEXT).
func (id ID[T]) Value() (driver.Value, error) { return id.u.String(), nil }

// Scan implements sql.Scanner from text or 16 raw bytes; NULL gives the
// zero ID (a nullable reference column).
func (id *ID[T]) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*id = ID[T]{}
		return nil
	case string:
		return id.UnmarshalText([]byte(v))
	case []byte:
		if len(v) == 16 {
			u, err := uuid.FromBytes(v)
			if err != nil {
				return err
			}
			*id = ID[T]{u}
			return nil
		}
		return id.UnmarshalText(v)
	case [16]byte:
		*id = ID[T]{uuid.UUID(v)}
		return nil
	default:
		return fmt.Errorf("o2c: cannot scan %T into ID", src)
	}
}

// Identifier kinds shared by every package.
type (
	customerKind struct{}
	eventKind    struct{}
)

// CustomerID identifies a customer (the party that is invoiced and dunned).
type CustomerID = ID[customerKind]

// EventID identifies a domain event; it is also the event's idempotency key
// when the outbox delivers it.
type EventID = ID[eventKind]

// NewCustomerID returns a fresh CustomerID.
func NewCustomerID() CustomerID { return NewID[customerKind]() }

// ParseCustomerID parses a CustomerID.
func ParseCustomerID(s string) (CustomerID, error) { return ParseID[customerKind](s) }

// NewEventID returns a fresh EventID.
func NewEventID() EventID { return NewID[eventKind]() }

// ParseEventID parses an EventID.
func ParseEventID(s string) (EventID, error) { return ParseID[eventKind](s) }
