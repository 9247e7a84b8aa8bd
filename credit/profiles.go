package credit

import (
	"context"
	"errors"

	"github.com/cashcycle/sdk/o2c"
)

// The methods below are the service-level way to keep credit profiles and
// limits: a host sets a customer's limit through the checker that enforces
// it and never needs the [Store] for ordinary tasks.

// SetLimit sets customer's own credit limit, creating the customer's
// profile when there is none. A zero Money removes the own limit (the group
// or tenant default then applies). Errors: a *o2c.ValidationError for a
// negative or unrounded limit; store errors.
func (c *Checker) SetLimit(ctx context.Context, customer o2c.CustomerID, limit o2c.Money) (*Profile, error) {
	if customer.IsZero() {
		return nil, invalid("customer", "is required", "")
	}
	p, err := c.opts.Store.UpdateProfile(ctx, customer, func(p *Profile) error {
		p.Limit = limit
		return nil
	})
	if !errors.Is(err, o2c.ErrNotFound) {
		return p, err
	}
	p, err = NewProfile(customer, limit)
	if err != nil {
		return nil, err
	}
	if err := c.opts.Store.CreateProfile(ctx, p); err != nil {
		if errors.Is(err, o2c.ErrConflict) { // created meanwhile: set it again
			return c.opts.Store.UpdateProfile(ctx, customer, func(p *Profile) error {
				p.Limit = limit
				return nil
			})
		}
		return nil, err
	}
	return p, nil
}

// CreateProfile stores a new profile (see [Store.CreateProfile]): a
// *o2c.ValidationError for an invalid profile, o2c.ErrConflict when the
// customer has one.
func (c *Checker) CreateProfile(ctx context.Context, p *Profile) error {
	return c.opts.Store.CreateProfile(ctx, p)
}

// Profile returns the customer's credit profile, or o2c.ErrNotFound.
func (c *Checker) Profile(ctx context.Context, customer o2c.CustomerID) (*Profile, error) {
	return c.opts.Store.GetProfile(ctx, customer)
}

// UpdateProfile changes a profile through fn, atomically (see
// [Store.UpdateProfile]): block or unblock a customer, set a risk class,
// a group or an insurance cover.
func (c *Checker) UpdateProfile(ctx context.Context, customer o2c.CustomerID, fn func(p *Profile) error) (*Profile, error) {
	return c.opts.Store.UpdateProfile(ctx, customer, fn)
}

// Profiles lists profiles matching q.
func (c *Checker) Profiles(ctx context.Context, q ProfileQuery) ([]*Profile, error) {
	return c.opts.Store.ListProfiles(ctx, q)
}

// CreateGroup stores a new group limit (o2c.ErrConflict when the code is
// taken).
func (c *Checker) CreateGroup(ctx context.Context, g *Group) error {
	return c.opts.Store.CreateGroup(ctx, g)
}

// Group returns a group limit, or o2c.ErrNotFound.
func (c *Checker) Group(ctx context.Context, code string) (*Group, error) {
	return c.opts.Store.GetGroup(ctx, code)
}

// UpdateGroup changes a group limit through fn, atomically.
func (c *Checker) UpdateGroup(ctx context.Context, code string, fn func(g *Group) error) (*Group, error) {
	return c.opts.Store.UpdateGroup(ctx, code, fn)
}
