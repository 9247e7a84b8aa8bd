package order

import (
	"context"
	"fmt"

	"github.com/cashcycle/sdk/o2c"
)

// Store keeps one tenant's orders. Implementations (adapters/memory,
// adapters/sqlstore) are bound to a tenant and never read or write another
// tenant's orders; they prove it, and everything below, by passing
// [github.com/cashcycle/sdk/order/ordertest.RunStoreTests].
//
// Every write stores the order and appends its pending events
// ([Order.PendingEvents]) to the outbox in one transaction, joining the
// transaction ctx carries (see [o2c.Transactor]); on error nothing is
// written, neither the order nor its events.
type Store interface {
	// TenantID returns the tenant the store is bound to.
	TenantID() o2c.TenantID
	// Create stores a new order with its pending events. On success the
	// order's version is 1 and it has no pending events. Errors: an order
	// of another tenant or one already saved (version not 0) is a
	// *o2c.ValidationError; an order with the same ID in this tenant is
	// o2c.ErrConflict.
	Create(ctx context.Context, o *Order) error
	// Get returns the order. Errors: o2c.ErrNotFound when this tenant has
	// no such order.
	Get(ctx context.Context, id ID) (*Order, error)
	// Update loads the order, calls fn with it, and saves the result with
	// the events fn raised, in one transaction, and returns the saved
	// order. fn's error is returned as is and nothing is written. Errors:
	// o2c.ErrNotFound; o2c.ErrConflict when a concurrent writer won (some
	// backends queue concurrent updates instead).
	Update(ctx context.Context, id ID, fn func(o *Order) error) (*Order, error)
	// Save writes an order loaded earlier (optimistic concurrency): it
	// succeeds only if the stored version is still o.Version(), then bumps
	// the version and clears the pending events. Errors: o2c.ErrConflict
	// when the stored order changed since o was loaded (o is left as it
	// was, events included); o2c.ErrNotFound; a *o2c.ValidationError for
	// an order of another tenant.
	Save(ctx context.Context, o *Order) error
	// List returns the orders matching q, ordered by ID (creation order:
	// IDs are UUIDv7), paged by q.Limit and q.Offset. Errors: a
	// *o2c.ValidationError for a bad query.
	List(ctx context.Context, q Query) ([]*Order, error)
}

// Paging limits of [Query].
const (
	// DefaultLimit is the page size when Query.Limit is 0.
	DefaultLimit = 100
	// MaxLimit is the largest page size.
	MaxLimit = 1000
)

// Query selects orders for [Store.List]. The zero Query lists the first
// [DefaultLimit] orders of the tenant.
type Query struct {
	// Customer keeps the orders of one customer (zero: every customer).
	Customer o2c.CustomerID
	// Statuses keeps orders in any of these states (empty: every state).
	Statuses []State
	// Limit is the page size, 0 to [MaxLimit] (0: [DefaultLimit]).
	Limit int
	// Offset skips that many matching orders.
	Offset int
}

// Normalized returns q with the default limit applied, or a
// *o2c.ValidationError naming the bad field. Stores call it first.
func (q Query) Normalized() (Query, error) {
	switch {
	case q.Limit < 0 || q.Limit > MaxLimit:
		return q, &o2c.ValidationError{Field: "limit", Rule: fmt.Sprintf("must be from 0 to %d", MaxLimit), Value: fmt.Sprint(q.Limit)}
	case q.Offset < 0:
		return q, &o2c.ValidationError{Field: "offset", Rule: "must not be negative", Value: fmt.Sprint(q.Offset)}
	}
	for i, s := range q.Statuses {
		if s.IsZero() {
			return q, &o2c.ValidationError{Field: fmt.Sprintf("statuses[%d]", i), Rule: "must be an order state"}
		}
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	return q, nil
}

// CheckTenant returns a *o2c.ValidationError when o belongs to another
// tenant than the store's. Stores call it before writing.
func CheckTenant(store o2c.TenantID, o *Order) error {
	if o == nil {
		return &o2c.ValidationError{Field: "order", Rule: "is required"}
	}
	if o.Tenant() != store {
		return &o2c.ValidationError{Field: "tenant", Rule: "must be the store's tenant " + string(store), Value: string(o.Tenant())}
	}
	return nil
}
