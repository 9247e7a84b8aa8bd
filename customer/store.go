package customer

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// Store keeps the customers of one tenant. adapters/memory and adapters/sqlstore
// implement it (obtain one with the adapter's Tenant(t).Customers()) and
// prove it with [github.com/cashcycle/sdk/customer/customertest].
//
// Every method sees only the customers of the tenant the store is bound to:
// another tenant's customer is reported as not found, never read or
// changed. Every method joins the transaction carried by ctx (see
// [o2c.Transactor]) when there is one, and runs in a transaction of its own
// otherwise. A write that fails leaves nothing written, even inside a
// caller's transaction that carries on.
//
// Customers are returned as copies: changing one never changes what is
// stored. A successful Create and Update append an event ([EventCreated],
// [EventUpdated], built by [NewEvent]) to the tenant's outbox in the same
// transaction as the change.
type Store interface {
	// Create stores c, a customer made with [New], as version 1, and sets
	// c.Version to 1. The customer is checked and normalised with
	// [PrepareForStore] first: an invalid customer, or one of another
	// tenant, is refused with an error matching [o2c.ErrValidation]. A
	// customer with the same ID, or another customer with the same Number,
	// already in the tenant is [o2c.ErrConflict]. On error nothing is
	// written and c is unchanged.
	Create(ctx context.Context, c *Customer) error

	// Get returns the customer with id; [o2c.ErrNotFound] if the tenant has
	// none.
	Get(ctx context.Context, id o2c.CustomerID) (*Customer, error)

	// GetByNumber returns the customer whose Number is number, compared in
	// normal form (see [NormalizeNumber]); [o2c.ErrNotFound] if the tenant
	// has none. An empty number is refused with [o2c.ErrValidation].
	GetByNumber(ctx context.Context, number string) (*Customer, error)

	// Update loads the customer with id, calls change on a copy and, if
	// change returns nil, stores the result as the next version with an
	// [EventUpdated] event, all in one transaction, and returns it.
	// change typically calls [Customer.Update] with the time of the
	// change.
	//
	// Errors, with nothing written in every case:
	//   - [o2c.ErrNotFound]: the tenant has no customer with id.
	//   - change's own error, returned as is.
	//   - [o2c.ErrValidation]: the changed customer fails
	//     [PrepareForStore] (an invalid field set directly, or a change of
	//     ID, Tenant or CreatedAt, which wraps [ErrImmutable]); a nil
	//     change is refused the same way.
	//   - [o2c.ErrConflict]: the new Number is another customer's, or the
	//     version check failed.
	//
	// Optimistic concurrency: the store saves only if the stored version
	// is still the Version the changed customer carries. change receives
	// the current version, so a read-modify-write inside change never
	// loses a concurrent update; a caller who edited a copy read earlier
	// (a form, an API call with an If-Match version) either applies its
	// edit as a change, or hands back its copy (*c = *edited, Version
	// included), and then gets [o2c.ErrConflict] if anyone saved since.
	// Concurrent Update calls on one customer queue rather than fail.
	Update(ctx context.Context, id o2c.CustomerID, change func(c *Customer) error) (*Customer, error)

	// List returns the tenant's customers ordered by Number (byte order),
	// filtered and paged by opts. Options that [ListOptions.Normalize]
	// refuses are [o2c.ErrValidation]. No customer is an empty result, not
	// an error.
	List(ctx context.Context, opts ListOptions) ([]*Customer, error)

	// FindByIBAN returns the customers that have iban among their
	// BankAccounts, ordered by Number: how cash application maps the
	// payer's IBAN on a bank statement line to a customer. IBANs are
	// compared in compact form (see [CompactIBAN]), so "fr76 3000 6000 ..."
	// finds "FR763000600...". iban is not validated (a statement may carry
	// a malformed one): an unknown, malformed or empty iban gives no
	// customer and no error. Several customers may share an account (a
	// parent company paying for its subsidiaries).
	FindByIBAN(ctx context.Context, iban string) ([]*Customer, error)
}

// ListOptions filter and page [Store.List]. The zero value lists every
// customer.
type ListOptions struct {
	// Segment, when not empty, keeps the customers of this segment only,
	// compared in normal form (trimmed, inner spaces collapsed, NFC) and
	// case-sensitively.
	Segment string
	// Limit is the maximum number of customers returned; 0 means no limit.
	Limit int
	// Offset skips that many customers first; it needs a Limit.
	Offset int
}

// Normalize returns o with Segment in normal form, or a *[o2c.ValidationError]
// if Limit or Offset is negative or Offset is set without Limit. Store
// implementations call it before querying.
func (o ListOptions) Normalize() (ListOptions, error) {
	switch {
	case o.Limit < 0:
		return ListOptions{}, invalid("limit", "must not be negative", strconv.Itoa(o.Limit), ErrInvalidFormat)
	case o.Offset < 0:
		return ListOptions{}, invalid("offset", "must not be negative", strconv.Itoa(o.Offset), ErrInvalidFormat)
	case o.Offset > 0 && o.Limit == 0:
		return ListOptions{}, invalid("offset", "needs a limit", strconv.Itoa(o.Offset), ErrRequired)
	}
	o.Segment = cleanText(o.Segment)
	return o, nil
}

// NormalizeNumber returns a customer number in the form [New] stores it
// (trimmed, inner spaces collapsed, NFC), the form stores compare numbers
// in.
func NormalizeNumber(number string) string { return cleanText(number) }

// PrepareForStore checks c before a [Store] writes it, and puts it in the
// form New and [Customer.Update] leave a customer in; Store implementations
// call it, so that a customer built or changed by hand is held to the same
// rules as one made with [New].
//
// c must pass [Customer.Validate] and belong to tenant. For an update, prev
// is the stored customer c was changed from: c must keep its ID, Tenant
// and CreatedAt (a change wraps [ErrImmutable]); prev is nil for a
// creation. On success c's details are normalised and its timestamps are
// UTC with microsecond precision. On error c is unchanged and the error
// joins one *[o2c.ValidationError] per problem (see [ValidationErrors]),
// matching [o2c.ErrValidation].
func PrepareForStore(tenant o2c.TenantID, prev, c *Customer) error {
	if c == nil {
		return invalid("customer", "must not be nil", "", ErrRequired)
	}
	var errs []error
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	switch {
	case prev != nil && c.Tenant != prev.Tenant:
		errs = append(errs, invalid("tenant", "cannot change", string(c.Tenant), ErrImmutable))
	case c.Tenant != tenant && c.Tenant.Validate() == nil:
		errs = append(errs, invalid("tenant", "must be the store's tenant "+string(tenant), string(c.Tenant), ErrMismatch))
	}
	if prev != nil {
		if c.ID != prev.ID {
			errs = append(errs, invalid("id", "cannot change", c.ID.String(), ErrImmutable))
		}
		if !c.CreatedAt.Equal(prev.CreatedAt) {
			errs = append(errs, invalid("created_at", "cannot change", c.CreatedAt.UTC().Format(time.RFC3339Nano), ErrImmutable))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	c.Details = c.Details.normalized()
	c.CreatedAt = stamp(c.CreatedAt)
	c.UpdatedAt = stamp(c.UpdatedAt)
	return nil
}

// Events a [Store] appends to the outbox, with AggregateType
// [AggregateType] and AggregateID the customer's ID.
const (
	// AggregateType is the Event.AggregateType of customer events.
	AggregateType = "customer"
	// EventCreated announces a customer stored by [Store.Create].
	EventCreated = "customer.created"
	// EventUpdated announces a customer changed by [Store.Update].
	EventUpdated = "customer.updated"
)

// EventPayload is the payload of [EventCreated] and [EventUpdated]. It
// identifies the customer and the version the change produced, and
// deliberately carries no contact or bank details: a receiver that needs
// them reads the customer from the store.
type EventPayload struct {
	ID      o2c.CustomerID `json:"id"`
	Number  string         `json:"number"`
	Version int64          `json:"version"`
}

// NewEvent returns the event of type eventType ([EventCreated] or
// [EventUpdated]) announcing that c now has version, which happened at at.
// Store implementations call it.
func NewEvent(eventType string, c *Customer, version int64, at time.Time) (o2c.Event, error) {
	if c == nil {
		return o2c.Event{}, invalid("customer", "must not be nil", "", ErrRequired)
	}
	return o2c.NewEvent(c.Tenant, AggregateType, c.ID.String(), eventType, at,
		EventPayload{ID: c.ID, Number: c.Number, Version: version})
}
