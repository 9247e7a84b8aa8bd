package credit

import (
	"context"
	"fmt"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// Store keeps one tenant's credit data: profiles, group limits and the
// releases of credit holds. Implementations (adapters/memory,
// adapters/sqlstore) are bound to a tenant and never read or write another
// tenant's records; every method joins the transaction ctx carries (see
// [o2c.Transactor]) and a failing call writes nothing. They prove it by
// passing [github.com/cashcycle/sdk/credit/credittest.RunStoreTests].
type Store interface {
	// TenantID returns the tenant the store is bound to.
	TenantID() o2c.TenantID

	// CreateProfile stores a new profile (version 1) and sets p's version
	// and update time. Errors: a *o2c.ValidationError for an invalid
	// profile; o2c.ErrConflict when the customer has one already.
	CreateProfile(ctx context.Context, p *Profile) error
	// GetProfile returns the customer's profile, or o2c.ErrNotFound.
	GetProfile(ctx context.Context, customer o2c.CustomerID) (*Profile, error)
	// UpdateProfile loads the profile, calls fn on it and saves the result
	// (validated; the customer cannot change) atomically. fn's error is
	// returned as is and nothing is written. Errors: o2c.ErrNotFound, a
	// *o2c.ValidationError.
	UpdateProfile(ctx context.Context, customer o2c.CustomerID, fn func(p *Profile) error) (*Profile, error)
	// ListProfiles returns profiles matching q, by customer ID, paged.
	// Errors: a *o2c.ValidationError for a bad query.
	ListProfiles(ctx context.Context, q ProfileQuery) ([]*Profile, error)

	// CreateGroup stores a new group limit. Errors as for CreateProfile
	// (o2c.ErrConflict when the code is taken).
	CreateGroup(ctx context.Context, g *Group) error
	// GetGroup returns the group, or o2c.ErrNotFound.
	GetGroup(ctx context.Context, code string) (*Group, error)
	// UpdateGroup is UpdateProfile for groups (the code cannot change).
	UpdateGroup(ctx context.Context, code string, fn func(g *Group) error) (*Group, error)

	// PutRelease records the latest release of an order (replacing an
	// earlier one). Errors: a *o2c.ValidationError for an invalid record.
	PutRelease(ctx context.Context, r *Release) error
	// GetRelease returns the latest release of the order, or
	// o2c.ErrNotFound.
	GetRelease(ctx context.Context, id order.ID) (*Release, error)
}

// MaxPageSize bounds [ProfileQuery.Limit].
const MaxPageSize = 1000

// ProfileQuery selects profiles. Zero fields do not filter; a zero Limit
// lists everything.
type ProfileQuery struct {
	// Group keeps the members of one group.
	Group         string
	Limit, Offset int
}

// Validate checks paging (an offset needs a limit) and the group code.
func (q ProfileQuery) Validate() error {
	switch {
	case q.Group != "" && !codePattern.MatchString(q.Group):
		return invalid("group", "must be 1-64 letters, digits, '.', '_' or '-'", clip(q.Group))
	case q.Limit < 0 || q.Limit > MaxPageSize:
		return invalid("limit", fmt.Sprintf("must be from 0 to %d", MaxPageSize), fmt.Sprint(q.Limit))
	case q.Offset < 0:
		return invalid("offset", "must not be negative", fmt.Sprint(q.Offset))
	case q.Offset > 0 && q.Limit == 0:
		return invalid("offset", "needs a limit", fmt.Sprint(q.Offset))
	}
	return nil
}

// Match reports whether p passes q's filter (not its paging).
func (q ProfileQuery) Match(p *Profile) bool { return q.Group == "" || p.Group == q.Group }
