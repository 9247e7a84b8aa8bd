package memory

import (
	"context"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
)

// Customers is the in-memory customer.Store of one tenant. Get it from
// [Store.Customers].
type Customers struct {
	db     *DB
	tenant o2c.TenantID
	tb     *table[customer.Customer]
}

var _ customer.Store = (*Customers)(nil)

// Customers returns the tenant's customer master.
func (s *Store) Customers() customer.Store {
	return &Customers{db: s.db, tenant: s.tenant, tb: customerTable(s.db)}
}

func customerTable(db *DB) *table[customer.Customer] {
	return tableOf(db, "customers", func() *table[customer.Customer] {
		return &table[customer.Customer]{
			kind:       "customer",
			id:         func(c *customer.Customer) string { return c.ID.String() },
			version:    func(c *customer.Customer) int64 { return c.Version },
			setVersion: func(c *customer.Customer, v int64) { c.Version = v },
		}
	})
}

// Create implements customer.Store.
func (s *Customers) Create(ctx context.Context, c *customer.Customer) error {
	if c == nil {
		return customer.PrepareForStore(s.tenant, nil, nil)
	}
	cp := c.Clone()
	if err := customer.PrepareForStore(s.tenant, nil, cp); err != nil {
		return err
	}
	e, err := customer.NewEvent(customer.EventCreated, cp, 1, s.db.clock.Now())
	if err != nil {
		return err
	}
	// The number check and the insert run under one lock (or in the
	// caller's transaction), so no other writer can take the number in
	// between.
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.numberFree(cp); err != nil {
			return err
		}
		return s.tb.insert(ctx, s.db, s.tenant, cp, []o2c.Event{e})
	})
	if err != nil {
		return err
	}
	*c = *cp
	return nil
}

// numberFree reports o2c.ErrConflict if another customer of the tenant
// has c's number. The caller holds the lock.
func (s *Customers) numberFree(c *customer.Customer) error {
	for _, r := range s.tb.rows[s.tenant] {
		other, err := s.tb.decode(r)
		if err != nil {
			return err
		}
		if other.Number == c.Number && other.ID != c.ID {
			return o2c.Conflict("customer", c.Number, "number already used by customer "+other.ID.String())
		}
	}
	return nil
}

// Get implements customer.Store.
func (s *Customers) Get(ctx context.Context, id o2c.CustomerID) (*customer.Customer, error) {
	return s.tb.get(ctx, s.db, s.tenant, id.String())
}

// GetByNumber implements customer.Store.
func (s *Customers) GetByNumber(ctx context.Context, number string) (*customer.Customer, error) {
	n := customer.NormalizeNumber(number)
	if n == "" {
		return nil, o2c.NewValidationError("number", "is required")
	}
	found, err := s.tb.list(ctx, s.db, s.tenant, func(c *customer.Customer) bool { return c.Number == n }, nil, 1, 0)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, o2c.NotFound("customer number", n)
	}
	return found[0], nil
}

// Update implements customer.Store.
func (s *Customers) Update(ctx context.Context, id o2c.CustomerID, change func(c *customer.Customer) error) (*customer.Customer, error) {
	if change == nil {
		return nil, o2c.NewValidationError("change", "is required")
	}
	// tb.update runs fn under the lock (or in the caller's transaction),
	// so numberFree sees every other writer's committed number.
	return s.tb.update(ctx, s.db, s.tenant, id.String(), func(c *customer.Customer) ([]o2c.Event, error) {
		prev := c.Clone()
		if err := change(c); err != nil {
			return nil, err
		}
		if err := customer.PrepareForStore(s.tenant, prev, c); err != nil {
			return nil, err
		}
		if err := s.numberFree(c); err != nil {
			return nil, err
		}
		e, err := customer.NewEvent(customer.EventUpdated, c, c.Version+1, s.db.clock.Now())
		if err != nil {
			return nil, err
		}
		return []o2c.Event{e}, nil
	})
}

// List implements customer.Store.
func (s *Customers) List(ctx context.Context, opts customer.ListOptions) ([]*customer.Customer, error) {
	o, err := opts.Normalize()
	if err != nil {
		return nil, err
	}
	var keep func(*customer.Customer) bool
	if o.Segment != "" {
		keep = func(c *customer.Customer) bool { return c.Segment == o.Segment }
	}
	return s.tb.list(ctx, s.db, s.tenant, keep, byNumber, o.Limit, o.Offset)
}

// FindByIBAN implements customer.Store.
func (s *Customers) FindByIBAN(ctx context.Context, iban string) ([]*customer.Customer, error) {
	if customer.CompactIBAN(iban) == "" {
		return nil, ctx.Err()
	}
	return s.tb.list(ctx, s.db, s.tenant, func(c *customer.Customer) bool { return c.KnowsIBAN(iban) }, byNumber, 0, 0)
}

func byNumber(a, b *customer.Customer) bool { return a.Number < b.Number }
