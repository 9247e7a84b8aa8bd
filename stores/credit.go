package stores

import (
	"time"

	"context"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// The credit kinds map the tables of the SQL adapter's migration 0006.
var (
	creditProfiles = kernel.Declare(kernel.Kind{
		Name:  "credit profile",
		Table: "o2c_credit_profiles",
		Columns: []kernel.Column{
			{Name: "group_code", Type: kernel.Text, Nullable: true},
			{Name: "limit_currency", Type: kernel.Text, Nullable: true},
			{Name: "limit_amount", Type: kernel.Decimal, Nullable: true},
			{Name: "risk_class", Type: kernel.Text, Nullable: true},
			{Name: "next_review", Type: kernel.Date, Nullable: true},
			{Name: "blocked", Type: kernel.Bool},
		},
	}, kernel.Spec[credit.Profile]{
		ID:      func(p *credit.Profile) string { return p.Customer.String() },
		Version: func(p *credit.Profile) *int64 { return &p.Version },
		Index: func(p *credit.Profile) []any {
			var amount string
			if !p.Limit.Currency().IsZero() {
				amount = p.Limit.AmountString()
			}
			return []any{p.Group, p.Limit.Currency().Code(), amount, p.Risk.String(), p.NextReview, p.Blocked}
		},
		Clone: (*credit.Profile).Clone,
	})
	creditGroups = kernel.Declare(kernel.Kind{
		Name:  "credit group",
		Table: "o2c_credit_groups",
		Columns: []kernel.Column{
			{Name: "limit_currency", Type: kernel.Text},
			{Name: "limit_amount", Type: kernel.Decimal},
		},
	}, kernel.Spec[credit.Group]{
		ID:      func(g *credit.Group) string { return g.Code },
		Version: func(g *credit.Group) *int64 { return &g.Version },
		Index:   func(g *credit.Group) []any { return []any{g.Limit.Currency().Code(), g.Limit.AmountString()} },
	})
	creditReleases = kernel.Declare(kernel.Kind{
		Name:  "credit release",
		Table: "o2c_credit_releases",
		Columns: []kernel.Column{
			{Name: "customer_id", Type: kernel.Text},
			{Name: "currency", Type: kernel.Text},
			{Name: "value", Type: kernel.Decimal},
		},
	}, kernel.Spec[credit.Release]{
		ID:      func(r *credit.Release) string { return r.Order.String() },
		Version: func(r *credit.Release) *int64 { return &r.Version },
		Index: func(r *credit.Release) []any {
			return []any{r.Customer, r.Value.Currency().Code(), r.Value.AmountString()}
		},
	})
)

// Credit is the credit.Store of one tenant on the kernel.
type Credit struct{ s kernel.Scope }

var _ credit.Store = (*Credit)(nil)

// NewCredit returns the credit profiles, groups and releases of the
// scope's tenant.
func NewCredit(s kernel.Scope) *Credit { return &Credit{s: s} }

// TenantID implements credit.Store.
func (s *Credit) TenantID() o2c.TenantID { return s.s.Tenant }

// now is the stamp of a write (microseconds, what every backend keeps).
func (s *Credit) now() time.Time { return s.s.Now().UTC().Truncate(1000) }

// CreateProfile implements credit.Store.
func (s *Credit) CreateProfile(ctx context.Context, p *credit.Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	c := p.Clone()
	c.UpdatedAt = s.now()
	if err := creditProfiles.Create(ctx, s.s, c); err != nil {
		return err
	}
	*p = *c
	return nil
}

// GetProfile implements credit.Store.
func (s *Credit) GetProfile(ctx context.Context, customer o2c.CustomerID) (*credit.Profile, error) {
	return creditProfiles.Get(ctx, s.s, customer.String())
}

// UpdateProfile implements credit.Store.
func (s *Credit) UpdateProfile(ctx context.Context, customer o2c.CustomerID, fn func(p *credit.Profile) error) (*credit.Profile, error) {
	return creditProfiles.Update(ctx, s.s, customer.String(), func(_ context.Context, p *credit.Profile) ([]o2c.Event, error) {
		if err := fn(p); err != nil {
			return nil, err
		}
		if p.Customer != customer {
			return nil, &o2c.ValidationError{Field: "customer", Rule: "cannot change", Value: p.Customer.String()}
		}
		p.UpdatedAt = s.now()
		return nil, p.Validate()
	})
}

// ListProfiles implements credit.Store (ordered by customer id).
func (s *Credit) ListProfiles(ctx context.Context, q credit.ProfileQuery) ([]*credit.Profile, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	kq := kernel.Query{Order: []kernel.Sort{kernel.Asc("id")}, Limit: q.Limit, Offset: q.Offset}
	if q.Group != "" {
		kq.Where = []kernel.Filter{kernel.Eq("group_code", q.Group)}
	}
	return creditProfiles.List(ctx, s.s, kq)
}

// CreateGroup implements credit.Store.
func (s *Credit) CreateGroup(ctx context.Context, g *credit.Group) error {
	if err := g.Validate(); err != nil {
		return err
	}
	c := *g
	c.UpdatedAt = s.now()
	if err := creditGroups.Create(ctx, s.s, &c); err != nil {
		return err
	}
	*g = c
	return nil
}

// GetGroup implements credit.Store.
func (s *Credit) GetGroup(ctx context.Context, code string) (*credit.Group, error) {
	return creditGroups.Get(ctx, s.s, code)
}

// UpdateGroup implements credit.Store.
func (s *Credit) UpdateGroup(ctx context.Context, code string, fn func(g *credit.Group) error) (*credit.Group, error) {
	return creditGroups.Update(ctx, s.s, code, func(_ context.Context, g *credit.Group) ([]o2c.Event, error) {
		if err := fn(g); err != nil {
			return nil, err
		}
		if g.Code != code {
			return nil, &o2c.ValidationError{Field: "code", Rule: "cannot change", Value: g.Code}
		}
		g.UpdatedAt = s.now()
		return nil, g.Validate()
	})
}

// PutRelease implements credit.Store.
func (s *Credit) PutRelease(ctx context.Context, r *credit.Release) error {
	if err := r.Validate(); err != nil {
		return err
	}
	c := *r
	c.UpdatedAt = s.now()
	return creditReleases.Put(ctx, s.s, &c)
}

// GetRelease implements credit.Store.
func (s *Credit) GetRelease(ctx context.Context, id order.ID) (*credit.Release, error) {
	return creditReleases.Get(ctx, s.s, id.String())
}
