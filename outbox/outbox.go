// Package outbox defines the transactional outbox: domain events are
// appended in the same transaction as the state change they announce, then
// delivered at least once by whoever reads the pending records.
//
// This package owns the [Store] interface; adapters/memory and adapters/sqlstore
// implement it and prove it with [github.com/cashcycle/sdk/outbox/outboxtest].
package outbox

import (
	"context"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// Status is where a record is in its delivery.
type Status string

// Record statuses.
const (
	StatusPending   Status = "pending"
	StatusDelivered Status = "delivered"
	// StatusDead is a dead-lettered record: a [Dispatcher] gave up on it
	// after its last allowed attempt or a [PermanentError]. It is no longer
	// pending; [Claimer.Dead] lists it.
	StatusDead Status = "dead"
)

// Record is an event in the outbox with its delivery bookkeeping.
type Record struct {
	Event       o2c.Event
	Seq         int64     // append order, strictly increasing within a database
	Status      Status    //
	Attempts    int       // delivery attempts so far
	DeliveredAt time.Time // zero until delivered
	// NextAttemptAt is when the record is next due for a dispatcher: zero
	// for a fresh record (due at once), the lease end while a dispatcher
	// holds it, the backoff end after a failure.
	NextAttemptAt time.Time
	LastError     string // the last failed attempt's error, empty if none
}

// Store is a tenant-bound outbox. Every method sees only the records of the
// tenant the store is bound to.
//
// Append joins the transaction carried by ctx (see [o2c.Transactor]) when
// there is one, so an event appended inside a transaction that rolls back is
// never visible; without one, it commits on its own.
type Store interface {
	// Append adds events. Each event must be valid and belong to the
	// store's tenant (a *o2c.ValidationError otherwise, and nothing is
	// written). Appending an event ID already present is o2c.ErrConflict,
	// and nothing of the batch is written.
	Append(ctx context.Context, events ...o2c.Event) error
	// Pending lists up to limit undelivered records in append order.
	Pending(ctx context.Context, limit int) ([]Record, error)
	// MarkDelivered marks records delivered. Marking one already delivered
	// is a no-op; an ID unknown to this tenant is o2c.ErrNotFound and
	// nothing is marked.
	MarkDelivered(ctx context.Context, ids ...o2c.EventID) error
}
