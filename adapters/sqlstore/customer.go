package sqlstore

import (
	"context"
	stdsql "database/sql"
	"errors"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
)

// Customers is the SQL customer.Store of one tenant, kept in o2c_customers
// (migration 0002) with the customers' IBANs indexed in o2c_customer_ibans,
// rewritten in the transaction that writes the customer. Get it from
// [Store.Customers].
type Customers struct {
	db     *DB
	tenant o2c.TenantID
}

var _ customer.Store = (*Customers)(nil)

// Customers returns the tenant's customer master.
func (s *Store) Customers() customer.Store { return &Customers{db: s.db, tenant: s.tenant} }

var customerTable = &table[customer.Customer]{
	name:       "o2c_customers",
	kind:       "customer",
	id:         func(c *customer.Customer) string { return c.ID.String() },
	version:    func(c *customer.Customer) int64 { return c.Version },
	setVersion: func(c *customer.Customer, v int64) { c.Version = v },
	columns:    []string{"number", "legal_name", "segment"},
	values: func(_ *DB, c *customer.Customer) []any {
		return []any{c.Number, c.LegalName, c.Segment}
	},
	sync: syncCustomerIBANs,
}

// syncCustomerIBANs makes o2c_customer_ibans hold exactly c's IBANs, in
// compact form.
func syncCustomerIBANs(ctx context.Context, q querier, tenant o2c.TenantID, c *customer.Customer) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM o2c_customer_ibans WHERE tenant = $1 AND customer_id = $2`,
		string(tenant), c.ID.String()); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, a := range c.BankAccounts {
		iban := customer.CompactIBAN(a.IBAN)
		if iban == "" || seen[iban] {
			continue
		}
		seen[iban] = true
		if _, err := q.ExecContext(ctx, `INSERT INTO o2c_customer_ibans (tenant, iban, customer_id) VALUES ($1, $2, $3)`,
			string(tenant), iban, c.ID.String()); err != nil {
			return err
		}
	}
	return nil
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
	// The number check names the customer holding the number; the
	// UNIQUE (tenant, number) constraint settles a race between two
	// transactions that both passed it (o2c.ErrConflict too).
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		if err := s.numberFree(ctx, cp); err != nil {
			return err
		}
		return customerTable.insert(ctx, s.db, s.tenant, cp, []o2c.Event{e})
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
	var other string
	err := s.db.reader(ctx).QueryRowContext(ctx,
		`SELECT id FROM o2c_customers WHERE tenant = $1 AND number = $2 AND id <> $3`,
		string(s.tenant), c.Number, c.ID.String()).Scan(&other)
	switch {
	case errors.Is(err, stdsql.ErrNoRows):
		return nil
	case err != nil:
		return s.db.translate(err)
	}
	return o2c.Conflict("customer", c.Number, "number already used by customer "+other)
}

// Get implements customer.Store.
func (s *Customers) Get(ctx context.Context, id o2c.CustomerID) (*customer.Customer, error) {
	return customerTable.get(ctx, s.db, s.tenant, id.String())
}

// GetByNumber implements customer.Store.
func (s *Customers) GetByNumber(ctx context.Context, number string) (*customer.Customer, error) {
	n := customer.NormalizeNumber(number)
	if n == "" {
		return nil, o2c.NewValidationError("number", "is required")
	}
	found, err := customerTable.list(ctx, s.db, s.tenant, query{where: "number = $2", args: []any{n}, limit: 1})
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
	var out *customer.Customer
	// InTx so that the number check inside the change runs in the
	// transaction that saves it (customerTable.update adds a savepoint).
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = customerTable.update(ctx, s.db, s.tenant, id.String(), func(c *customer.Customer) ([]o2c.Event, error) {
			prev := c.Clone()
			if err := change(c); err != nil {
				return nil, err
			}
			if err := customer.PrepareForStore(s.tenant, prev, c); err != nil {
				return nil, err
			}
			if err := s.numberFree(ctx, c); err != nil {
				return nil, err
			}
			e, err := customer.NewEvent(customer.EventUpdated, c, c.Version+1, s.db.clock.Now())
			if err != nil {
				return nil, err
			}
			return []o2c.Event{e}, nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// List implements customer.Store.
func (s *Customers) List(ctx context.Context, opts customer.ListOptions) ([]*customer.Customer, error) {
	o, err := opts.Normalize()
	if err != nil {
		return nil, err
	}
	q := query{orderBy: "number", limit: o.Limit, offset: o.Offset}
	if o.Segment != "" {
		q.where, q.args = "segment = $2", []any{o.Segment}
	}
	return customerTable.list(ctx, s.db, s.tenant, q)
}

// FindByIBAN implements customer.Store.
func (s *Customers) FindByIBAN(ctx context.Context, iban string) ([]*customer.Customer, error) {
	compact := customer.CompactIBAN(iban)
	if compact == "" {
		return nil, ctx.Err()
	}
	return customerTable.list(ctx, s.db, s.tenant, query{
		where:   "id IN (SELECT customer_id FROM o2c_customer_ibans WHERE tenant = $1 AND iban = $2)",
		args:    []any{compact},
		orderBy: "number",
	})
}
