package stores

import (
	"context"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// customers keeps customer.Customer documents in o2c_customers (created
// by the SQL adapter's migration 0002, which the declaration matches) with
// the compact IBANs of each in the set table o2c_customer_ibans.
var customers = kernel.Declare(kernel.Kind{
	Name:  "customer",
	Table: "o2c_customers",
	Columns: []kernel.Column{
		{Name: "number", Type: kernel.Text},
		{Name: "legal_name", Type: kernel.Text},
		{Name: "segment", Type: kernel.Text},
	},
	Unique:  [][]string{{"number"}},
	Indexes: [][]string{{"segment", "number"}},
	Sets:    []kernel.Set{{Name: "iban", Table: "o2c_customer_ibans", Column: "iban", Ref: "customer_id"}},
}, kernel.Spec[customer.Customer]{
	ID:      func(c *customer.Customer) string { return c.ID.String() },
	Version: func(c *customer.Customer) *int64 { return &c.Version },
	Tenant:  func(c *customer.Customer) o2c.TenantID { return c.Tenant },
	Index: func(c *customer.Customer) []any {
		return []any{c.Number, c.LegalName, c.Segment}
	},
	Sets: func(c *customer.Customer) [][]string {
		ibans := make([]string, 0, len(c.BankAccounts))
		for _, a := range c.BankAccounts {
			ibans = append(ibans, customer.CompactIBAN(a.IBAN))
		}
		return [][]string{ibans}
	},
	Clone: (*customer.Customer).Clone,
})

// Customers is the customer.Store of one tenant on the kernel.
type Customers struct{ s kernel.Scope }

var _ customer.Store = (*Customers)(nil)

// NewCustomers returns the customer master of the scope's tenant.
func NewCustomers(s kernel.Scope) *Customers { return &Customers{s: s} }

// Create implements customer.Store.
func (s *Customers) Create(ctx context.Context, c *customer.Customer) error {
	if c == nil {
		return customer.PrepareForStore(s.s.Tenant, nil, nil)
	}
	cp := c.Clone()
	if err := customer.PrepareForStore(s.s.Tenant, nil, cp); err != nil {
		return err
	}
	e, err := customer.NewEvent(customer.EventCreated, cp, 1, s.s.Now())
	if err != nil {
		return err
	}
	// The number check names the customer holding the number; the unique
	// key settles a race between two writers that both passed it.
	err = s.s.InTx(ctx, func(ctx context.Context) error {
		if err := s.numberFree(ctx, cp); err != nil {
			return err
		}
		return customers.Create(ctx, s.s, cp, e)
	})
	if err != nil {
		return err
	}
	*c = *cp
	return nil
}

// numberFree reports o2c.ErrConflict if another customer of the tenant has
// c's number. ctx carries the transaction.
func (s *Customers) numberFree(ctx context.Context, c *customer.Customer) error {
	found, err := customers.List(ctx, s.s, kernel.Query{
		Where: []kernel.Filter{kernel.Eq("number", c.Number), kernel.Ne("id", c.ID.String())}, Limit: 1})
	if err != nil || len(found) == 0 {
		return err
	}
	return o2c.Conflict("customer", c.Number, "number already used by customer "+found[0].ID.String())
}

// Get implements customer.Store.
func (s *Customers) Get(ctx context.Context, id o2c.CustomerID) (*customer.Customer, error) {
	return customers.Get(ctx, s.s, id.String())
}

// GetByNumber implements customer.Store.
func (s *Customers) GetByNumber(ctx context.Context, number string) (*customer.Customer, error) {
	n := customer.NormalizeNumber(number)
	if n == "" {
		return nil, o2c.NewValidationError("number", "is required")
	}
	return customers.First(ctx, s.s, kernel.Query{Where: []kernel.Filter{kernel.Eq("number", n)}}, "customer number", n)
}

// Update implements customer.Store.
func (s *Customers) Update(ctx context.Context, id o2c.CustomerID, change func(c *customer.Customer) error) (*customer.Customer, error) {
	if change == nil {
		return nil, o2c.NewValidationError("change", "is required")
	}
	return customers.Update(ctx, s.s, id.String(), func(ctx context.Context, c *customer.Customer) ([]o2c.Event, error) {
		prev := c.Clone()
		if err := change(c); err != nil {
			return nil, err
		}
		if err := customer.PrepareForStore(s.s.Tenant, prev, c); err != nil {
			return nil, err
		}
		if err := s.numberFree(ctx, c); err != nil {
			return nil, err
		}
		e, err := customer.NewEvent(customer.EventUpdated, c, c.Version+1, s.s.Now())
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
	q := kernel.Query{Order: []kernel.Sort{kernel.Asc("number")}, Limit: o.Limit, Offset: o.Offset}
	if o.Segment != "" {
		q.Where = []kernel.Filter{kernel.Eq("segment", o.Segment)}
	}
	return customers.List(ctx, s.s, q)
}

// FindByIBAN implements customer.Store.
func (s *Customers) FindByIBAN(ctx context.Context, iban string) ([]*customer.Customer, error) {
	compact := customer.CompactIBAN(iban)
	if compact == "" {
		return nil, ctx.Err()
	}
	return customers.List(ctx, s.s, kernel.Query{Where: []kernel.Filter{kernel.Has("iban", compact)}, Order: []kernel.Sort{kernel.Asc("number")}})
}
