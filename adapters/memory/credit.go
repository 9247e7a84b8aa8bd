package memory

import (
	"context"
	"errors"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// Credit is the in-memory credit.Store of one tenant.
type Credit struct {
	db     *DB
	tenant o2c.TenantID
}

var _ credit.Store = (*Credit)(nil)

// CreditProfiles returns the tenant's credit store (profiles, group limits,
// releases of credit holds).
func (s *Store) CreditProfiles() credit.Store { return &Credit{db: s.db, tenant: s.tenant} }

func (s *Credit) profiles() *table[credit.Profile] {
	return tableOf(s.db, "credit_profiles", func() *table[credit.Profile] {
		return &table[credit.Profile]{
			kind:       "credit profile",
			id:         func(p *credit.Profile) string { return p.Customer.String() },
			version:    func(p *credit.Profile) int64 { return p.Version },
			setVersion: func(p *credit.Profile, v int64) { p.Version = v },
		}
	})
}

func (s *Credit) groups() *table[credit.Group] {
	return tableOf(s.db, "credit_groups", func() *table[credit.Group] {
		return &table[credit.Group]{
			kind:       "credit group",
			id:         func(g *credit.Group) string { return g.Code },
			version:    func(g *credit.Group) int64 { return g.Version },
			setVersion: func(g *credit.Group, v int64) { g.Version = v },
		}
	})
}

func (s *Credit) releases() *table[credit.Release] {
	return tableOf(s.db, "credit_releases", func() *table[credit.Release] {
		return &table[credit.Release]{
			kind:       "credit release",
			id:         func(r *credit.Release) string { return r.Order.String() },
			version:    func(r *credit.Release) int64 { return r.Version },
			setVersion: func(r *credit.Release, v int64) { r.Version = v },
		}
	})
}

// TenantID implements credit.Store.
func (s *Credit) TenantID() o2c.TenantID { return s.tenant }

// CreateProfile implements credit.Store.
func (s *Credit) CreateProfile(ctx context.Context, p *credit.Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	c := p.Clone()
	c.UpdatedAt = s.db.clock.Now().UTC()
	if err := s.profiles().insert(ctx, s.db, s.tenant, c, nil); err != nil {
		return err
	}
	*p = *c
	return nil
}

// GetProfile implements credit.Store.
func (s *Credit) GetProfile(ctx context.Context, customer o2c.CustomerID) (*credit.Profile, error) {
	return s.profiles().get(ctx, s.db, s.tenant, customer.String())
}

// UpdateProfile implements credit.Store.
func (s *Credit) UpdateProfile(ctx context.Context, customer o2c.CustomerID, fn func(p *credit.Profile) error) (*credit.Profile, error) {
	return s.profiles().update(ctx, s.db, s.tenant, customer.String(), func(p *credit.Profile) ([]o2c.Event, error) {
		if err := fn(p); err != nil {
			return nil, err
		}
		if p.Customer != customer {
			return nil, &o2c.ValidationError{Field: "customer", Rule: "cannot change", Value: p.Customer.String()}
		}
		p.UpdatedAt = s.db.clock.Now().UTC()
		return nil, p.Validate()
	})
}

// ListProfiles implements credit.Store.
func (s *Credit) ListProfiles(ctx context.Context, q credit.ProfileQuery) ([]*credit.Profile, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	byCustomer := func(a, b *credit.Profile) bool { return a.Customer.String() < b.Customer.String() }
	return s.profiles().list(ctx, s.db, s.tenant, q.Match, byCustomer, q.Limit, q.Offset)
}

// CreateGroup implements credit.Store.
func (s *Credit) CreateGroup(ctx context.Context, g *credit.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	c := *g
	c.UpdatedAt = s.db.clock.Now().UTC()
	if err := s.groups().insert(ctx, s.db, s.tenant, &c, nil); err != nil {
		return err
	}
	*g = c
	return nil
}

// GetGroup implements credit.Store.
func (s *Credit) GetGroup(ctx context.Context, code string) (*credit.Group, error) {
	return s.groups().get(ctx, s.db, s.tenant, code)
}

// UpdateGroup implements credit.Store.
func (s *Credit) UpdateGroup(ctx context.Context, code string, fn func(g *credit.Group) error) (*credit.Group, error) {
	return s.groups().update(ctx, s.db, s.tenant, code, func(g *credit.Group) ([]o2c.Event, error) {
		if err := fn(g); err != nil {
			return nil, err
		}
		if g.Code != code {
			return nil, &o2c.ValidationError{Field: "code", Rule: "cannot change", Value: g.Code}
		}
		g.UpdatedAt = s.db.clock.Now().UTC()
		return nil, g.Validate()
	})
}

// PutRelease implements credit.Store.
func (s *Credit) PutRelease(ctx context.Context, r *credit.Release) error {
	if err := r.Validate(); err != nil {
		return err
	}
	c := *r
	c.UpdatedAt = s.db.clock.Now().UTC()
	return s.db.InTx(ctx, func(ctx context.Context) error {
		prev, err := s.releases().get(ctx, s.db, s.tenant, c.Order.String())
		switch {
		case errors.Is(err, o2c.ErrNotFound):
			return s.releases().insert(ctx, s.db, s.tenant, &c, nil)
		case err != nil:
			return err
		}
		c.Version = prev.Version
		return s.releases().save(ctx, s.db, s.tenant, &c, nil)
	})
}

// GetRelease implements credit.Store.
func (s *Credit) GetRelease(ctx context.Context, id order.ID) (*credit.Release, error) {
	return s.releases().get(ctx, s.db, s.tenant, id.String())
}
