package order

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// Snapshot is an order's complete state as plain data: what stores persist
// (as JSON: it round-trips through encoding/json exactly) and rebuild the
// order from with [FromSnapshot]. It is not a way to change an order:
// FromSnapshot checks every rule the order's methods keep.
//
// Totals and Exposure are derived figures, written for the stores' query
// columns and for readers of the raw document; FromSnapshot recomputes
// them and ignores what the snapshot says.
type Snapshot struct {
	ID                ID                 `json:"id"`
	Tenant            o2c.TenantID       `json:"tenant"`
	Version           int64              `json:"version"`
	Status            State              `json:"status"`
	Customer          o2c.CustomerID     `json:"customer_id"`
	Currency          o2c.Currency       `json:"currency"`
	Lines             []Line             `json:"lines"`
	RequestedDelivery o2c.Date           `json:"requested_delivery"`
	PaymentTerms      string             `json:"payment_terms,omitempty"`
	Deposit           Deposit            `json:"deposit"`
	CustomerReference string             `json:"customer_reference,omitempty"`
	Rounding          tax.RoundingPolicy `json:"rounding"`
	Credit            *CreditDecision    `json:"credit,omitempty"`
	Shipments         []Movement         `json:"shipments,omitempty"`
	Deliveries        []Movement         `json:"deliveries,omitempty"`
	Invoices          []Movement         `json:"invoices,omitempty"`
	Cancellations     []Movement         `json:"cancellations,omitempty"`
	Audit             []AuditEntry       `json:"audit,omitempty"`
	Totals            tax.Totals         `json:"totals"`
	Exposure          Exposure           `json:"exposure"`
	CreatedAt         time.Time          `json:"created_at"`
	UpdatedAt         time.Time          `json:"updated_at"`
}

// Snapshot returns the order's state as data (a deep copy). Pending events
// are not part of it: stores take them with [Order.PendingEvents].
func (o *Order) Snapshot() Snapshot {
	c := o.Clone()
	return Snapshot{
		ID: c.id, Tenant: c.tenant, Version: c.version, Status: c.state,
		Customer: c.details.Customer, Currency: c.details.Currency, Lines: c.lines,
		RequestedDelivery: c.details.RequestedDelivery, PaymentTerms: c.details.PaymentTerms,
		Deposit: c.details.Deposit, CustomerReference: c.details.CustomerReference, Rounding: c.details.Rounding,
		Credit: c.credit, Shipments: c.shipments, Deliveries: c.deliveries, Invoices: c.invoices,
		Cancellations: c.cancels, Audit: c.audit, Totals: c.totals, Exposure: c.Exposure(),
		CreatedAt: c.createdAt, UpdatedAt: c.updatedAt,
	}
}

// FromSnapshot rebuilds an order from its snapshot, for stores. It checks
// what the order's methods guarantee (identity, tenant, a known state, the
// details' rules, line numbering, 0 <= invoiced <= delivered <= shipped <=
// open <= ordered on every line) and returns every problem joined, each a
// *o2c.ValidationError (or *o2c.CurrencyMismatchError). The order has no
// pending events.
func FromSnapshot(s Snapshot) (*Order, error) {
	var errs []error
	bad := func(field, rule string) {
		errs = append(errs, &o2c.ValidationError{Field: field, Rule: rule})
	}
	if s.ID.IsZero() {
		bad("id", "is required")
	}
	if err := s.Tenant.Validate(); err != nil {
		errs = append(errs, err)
	}
	if s.Status.IsZero() {
		bad("status", "is required")
	}
	if s.Version < 0 {
		bad("version", "must not be negative")
	}
	if s.CreatedAt.IsZero() {
		bad("created_at", "is required")
	}
	d := Details{Customer: s.Customer, Currency: s.Currency, RequestedDelivery: s.RequestedDelivery,
		PaymentTerms: s.PaymentTerms, Deposit: s.Deposit, CustomerReference: s.CustomerReference, Rounding: s.Rounding}
	for _, l := range s.Lines {
		d.Lines = append(d.Lines, l.LineSpec)
	}
	errs = append(errs, d.problems()...)
	for i, l := range s.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		if l.No != i+1 {
			bad(field+".no", fmt.Sprintf("must be %d (lines are numbered from 1)", i+1))
		}
		chain := []struct {
			name string
			v    func(Line) bool
		}{
			{"invoiced", func(l Line) bool { return !l.Invoiced.IsNegative() }},
			{"delivered", func(l Line) bool { return l.Invoiced.LessThanOrEqual(l.Delivered) }},
			{"shipped", func(l Line) bool { return l.Delivered.LessThanOrEqual(l.Shipped) }},
			{"cancelled", func(l Line) bool { return l.Shipped.LessThanOrEqual(l.Open()) && !l.Cancelled.IsNegative() }},
		}
		for _, c := range chain {
			if !c.v(l) {
				bad(field+"."+c.name, "breaks 0 <= invoiced <= delivered <= shipped <= ordered - cancelled")
			}
		}
	}
	if s.Credit != nil {
		if err := s.Credit.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	o := &Order{id: s.ID, tenant: s.Tenant, version: s.Version, state: s.Status,
		createdAt: s.CreatedAt.UTC(), updatedAt: s.UpdatedAt.UTC()}
	d.Lines = nil
	o.details = d
	o.lines = slices.Clone(s.Lines)
	if s.Credit != nil {
		c := s.Credit.clone()
		o.credit = &c
	}
	o.shipments, o.deliveries = cloneMovesOrNil(s.Shipments), cloneMovesOrNil(s.Deliveries)
	o.invoices, o.cancels = cloneMovesOrNil(s.Invoices), cloneMovesOrNil(s.Cancellations)
	o.audit = slices.Clone(s.Audit)
	for i := range o.audit {
		o.audit[i].Reasons = slices.Clone(o.audit[i].Reasons)
	}
	o.refreshTotals()
	return o, nil
}

func cloneMovesOrNil(ms []Movement) []Movement {
	if len(ms) == 0 {
		return nil
	}
	return cloneMoves(ms)
}
