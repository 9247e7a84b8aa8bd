package sqlstore

import (
	"context"
	"errors"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// Credit is the SQL credit.Store of one tenant (tables
// o2c_credit_profiles, o2c_credit_groups and o2c_credit_releases,
// migration 0006).
type Credit struct {
	db     *DB
	tenant o2c.TenantID
}

var _ credit.Store = (*Credit)(nil)

// CreditProfiles returns the tenant's credit store (profiles, group limits,
// releases of credit holds).
func (s *Store) CreditProfiles() credit.Store { return &Credit{db: s.db, tenant: s.tenant} }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var creditProfilesTable = &table[credit.Profile]{
	name:       "o2c_credit_profiles",
	kind:       "credit profile",
	id:         func(p *credit.Profile) string { return p.Customer.String() },
	version:    func(p *credit.Profile) int64 { return p.Version },
	setVersion: func(p *credit.Profile, v int64) { p.Version = v },
	columns:    []string{"group_code", "limit_currency", "limit_amount", "risk_class", "next_review", "blocked"},
	values: func(db *DB, p *credit.Profile) []any {
		var amount any
		if !p.Limit.Currency().IsZero() {
			amount = p.Limit.AmountString()
		}
		var blocked any = p.Blocked
		if db.dialect == SQLite {
			blocked = 0
			if p.Blocked {
				blocked = 1
			}
		}
		return []any{nullable(p.Group), nullable(p.Limit.Currency().Code()), amount, nullable(p.Risk.String()), p.NextReview, blocked}
	},
}

var creditGroupsTable = &table[credit.Group]{
	name:       "o2c_credit_groups",
	kind:       "credit group",
	id:         func(g *credit.Group) string { return g.Code },
	version:    func(g *credit.Group) int64 { return g.Version },
	setVersion: func(g *credit.Group, v int64) { g.Version = v },
	columns:    []string{"limit_currency", "limit_amount"},
	values: func(_ *DB, g *credit.Group) []any {
		return []any{g.Limit.Currency().Code(), g.Limit.AmountString()}
	},
}

var creditReleasesTable = &table[credit.Release]{
	name:       "o2c_credit_releases",
	kind:       "credit release",
	id:         func(r *credit.Release) string { return r.Order.String() },
	version:    func(r *credit.Release) int64 { return r.Version },
	setVersion: func(r *credit.Release, v int64) { r.Version = v },
	columns:    []string{"customer_id", "currency", "value"},
	values: func(_ *DB, r *credit.Release) []any {
		return []any{r.Customer.String(), r.Value.Currency().Code(), r.Value.AmountString()}
	},
}

// TenantID implements credit.Store.
func (s *Credit) TenantID() o2c.TenantID { return s.tenant }

// CreateProfile implements credit.Store.
func (s *Credit) CreateProfile(ctx context.Context, p *credit.Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	c := p.Clone()
	c.UpdatedAt = s.db.clock.Now().UTC().Truncate(1000)
	if err := creditProfilesTable.insert(ctx, s.db, s.tenant, c, nil); err != nil {
		return err
	}
	*p = *c
	return nil
}

// GetProfile implements credit.Store.
func (s *Credit) GetProfile(ctx context.Context, customer o2c.CustomerID) (*credit.Profile, error) {
	return creditProfilesTable.get(ctx, s.db, s.tenant, customer.String())
}

// UpdateProfile implements credit.Store.
func (s *Credit) UpdateProfile(ctx context.Context, customer o2c.CustomerID, fn func(p *credit.Profile) error) (*credit.Profile, error) {
	return creditProfilesTable.update(ctx, s.db, s.tenant, customer.String(), func(p *credit.Profile) ([]o2c.Event, error) {
		if err := fn(p); err != nil {
			return nil, err
		}
		if p.Customer != customer {
			return nil, &o2c.ValidationError{Field: "customer", Rule: "cannot change", Value: p.Customer.String()}
		}
		p.UpdatedAt = s.db.clock.Now().UTC().Truncate(1000)
		return nil, p.Validate()
	})
}

// ListProfiles implements credit.Store.
func (s *Credit) ListProfiles(ctx context.Context, q credit.ProfileQuery) ([]*credit.Profile, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	qq := query{orderBy: "id", limit: q.Limit, offset: q.Offset}
	if s.db.dialect == Postgres {
		qq.orderBy = "CAST(id AS TEXT)"
	}
	if q.Group != "" {
		qq.where, qq.args = "group_code = $2", []any{q.Group}
	}
	return creditProfilesTable.list(ctx, s.db, s.tenant, qq)
}

// CreateGroup implements credit.Store.
func (s *Credit) CreateGroup(ctx context.Context, g *credit.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	c := *g
	c.UpdatedAt = s.db.clock.Now().UTC().Truncate(1000)
	if err := creditGroupsTable.insert(ctx, s.db, s.tenant, &c, nil); err != nil {
		return err
	}
	*g = c
	return nil
}

// GetGroup implements credit.Store.
func (s *Credit) GetGroup(ctx context.Context, code string) (*credit.Group, error) {
	return creditGroupsTable.get(ctx, s.db, s.tenant, code)
}

// UpdateGroup implements credit.Store.
func (s *Credit) UpdateGroup(ctx context.Context, code string, fn func(g *credit.Group) error) (*credit.Group, error) {
	return creditGroupsTable.update(ctx, s.db, s.tenant, code, func(g *credit.Group) ([]o2c.Event, error) {
		if err := fn(g); err != nil {
			return nil, err
		}
		if g.Code != code {
			return nil, &o2c.ValidationError{Field: "code", Rule: "cannot change", Value: g.Code}
		}
		g.UpdatedAt = s.db.clock.Now().UTC().Truncate(1000)
		return nil, g.Validate()
	})
}

// PutRelease implements credit.Store.
func (s *Credit) PutRelease(ctx context.Context, r *credit.Release) error {
	if err := r.Validate(); err != nil {
		return err
	}
	c := *r
	c.UpdatedAt = s.db.clock.Now().UTC().Truncate(1000)
	return s.db.InTx(ctx, func(ctx context.Context) error {
		prev, err := creditReleasesTable.getWith(ctx, s.db, s.db.current(ctx).tx, s.tenant, c.Order.String(), true)
		switch {
		case errors.Is(err, o2c.ErrNotFound):
			return creditReleasesTable.insert(ctx, s.db, s.tenant, &c, nil)
		case err != nil:
			return err
		}
		c.Version = prev.Version
		return creditReleasesTable.save(ctx, s.db, s.tenant, &c, nil)
	})
}

// GetRelease implements credit.Store.
func (s *Credit) GetRelease(ctx context.Context, id order.ID) (*credit.Release, error) {
	return creditReleasesTable.get(ctx, s.db, s.tenant, id.String())
}
