package order

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/telemetry"
)

// Customers gives the service read access to the customer master. Package
// order owns this interface; a customer store satisfies it.
type Customers interface {
	// Get returns the customer, or an error matching o2c.ErrNotFound.
	Get(ctx context.Context, id o2c.CustomerID) (*customer.Customer, error)
}

// Options configure a [Service]. The zero value works: system clock, every
// order approved by credit, no readiness check, approval by hand.
type Options struct {
	// Clock stamps transitions and events. Default: the system clock.
	Clock o2c.Clock
	// Credit checks orders when they are placed and when a placed order is
	// amended. Nil approves every order.
	Credit CreditChecker
	// Customers is the customer master. Required when
	// RequireReadyCustomer is set; when set, Create also refuses an
	// unknown customer.
	Customers Customers
	// RequireReadyCustomer refuses to place an order for a customer that
	// is not ready to invoice (customer.CheckReady under Readiness): the
	// error is a *customer.NotReadyError matching customer.ErrNotReady.
	RequireReadyCustomer bool
	// Readiness are the rules of that check.
	Readiness customer.ReadinessRules
	// AutoApprove approves an order as soon as credit allows: when the
	// credit check approves at Place or Amend, and when a hold is
	// released. Without it, placed and released orders wait for Approve.
	AutoApprove bool
	// Telemetry: logger, spans (order.Create, order.Place, order.Amend,
	// order.Update) and the credit-hold counter. Zero value: silent.
	Telemetry telemetry.Options
}

// Service runs the order use cases over a [Store]: each method loads the
// order, applies one change through the order's methods and saves it with
// its events in one transaction (see [Store.Update]).
type Service struct {
	store Store
	opts  Options
	clock o2c.Clock
	obs   *telemetry.T
}

// NewService returns a service over store. It refuses a nil store and
// RequireReadyCustomer without Customers.
func NewService(store Store, opts Options) (*Service, error) {
	if store == nil {
		return nil, &o2c.ValidationError{Field: "store", Rule: "is required"}
	}
	if opts.RequireReadyCustomer && opts.Customers == nil {
		return nil, &o2c.ValidationError{Field: "customers", Rule: "is required when RequireReadyCustomer is set"}
	}
	return &Service{store: store, opts: opts, clock: o2c.ClockOrSystem(opts.Clock), obs: telemetry.New(opts.Telemetry)}, nil
}

// Store returns the service's store.
func (s *Service) Store() Store { return s.store }

// Create stores a new draft order with details d. With Options.Customers
// set, the customer must exist (o2c.ErrNotFound otherwise).
func (s *Service) Create(ctx context.Context, d Details) (_ *Order, err error) {
	ctx, end := s.obs.Start(ctx, "order.Create")
	defer func() { err = end(err) }()
	if s.opts.Customers != nil && !d.Customer.IsZero() {
		if _, err := s.opts.Customers.Get(ctx, d.Customer); err != nil {
			return nil, fmt.Errorf("order: customer %s: %w", d.Customer, err)
		}
	}
	o, err := New(s.store.TenantID(), d, s.clock.Now())
	if err != nil {
		return nil, err
	}
	if err := s.store.Create(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// Get returns an order.
func (s *Service) Get(ctx context.Context, id ID) (*Order, error) { return s.store.Get(ctx, id) }

// List lists orders.
func (s *Service) List(ctx context.Context, q Query) ([]*Order, error) { return s.store.List(ctx, q) }

// Place places a draft order: with RequireReadyCustomer, the customer must
// be ready to invoice; then the credit check decides (approve, or hold
// with reasons) on the order as placed; with AutoApprove an approval
// approves at once. The placement, the decision and their events are
// saved together. If the order changed while the credit check ran, the
// result is o2c.ErrConflict and nothing is written: retry.
func (s *Service) Place(ctx context.Context, id ID, by string) (_ *Order, err error) {
	ctx, end := s.obs.Start(ctx, "order.Place", attribute.String("order.id", id.String()))
	defer func() { err = end(err) }()
	o, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.opts.RequireReadyCustomer {
		c, err := s.opts.Customers.Get(ctx, o.Customer())
		if err != nil {
			return nil, fmt.Errorf("order: customer %s: %w", o.Customer(), err)
		}
		if err := customer.CheckReady(c, s.opts.Readiness); err != nil {
			return nil, err
		}
	}
	now := s.clock.Now()
	place := func(w *Order) error { return w.Place(now, by) }
	return s.withCredit(ctx, o, now, place)
}

// Amend amends a draft or placed order; a placed order is credit-checked
// again (and held, or with AutoApprove approved, as the decision says).
// Concurrency as in Place.
func (s *Service) Amend(ctx context.Context, id ID, by string, change func(d *Details) error) (_ *Order, err error) {
	ctx, end := s.obs.Start(ctx, "order.Amend", attribute.String("order.id", id.String()))
	defer func() { err = end(err) }()
	o, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	amend := func(w *Order) error { return w.Amend(now, by, change) }
	if o.State() != StatePlaced {
		return s.store.Update(ctx, id, func(w *Order) error {
			if w.Version() != o.Version() {
				return o2c.Conflict(aggregate, id.String(), "changed while amending")
			}
			return amend(w)
		})
	}
	return s.withCredit(ctx, o, now, amend)
}

// withCredit applies change to a preview of o, asks the credit checker
// about the result, then applies change and the decision to the stored
// order in one update, provided it is still the version that was checked.
func (s *Service) withCredit(ctx context.Context, o *Order, at time.Time, change func(w *Order) error) (*Order, error) {
	preview := o.Clone()
	if err := change(preview); err != nil {
		return nil, err
	}
	decision := ApproveCredit()
	if s.opts.Credit != nil {
		var err error
		if decision, err = s.opts.Credit.CheckOrder(ctx, preview); err != nil {
			return nil, fmt.Errorf("order %s: credit check: %w", o.ID(), err)
		}
		if err := decision.Validate(); err != nil {
			return nil, fmt.Errorf("order %s: credit check returned an invalid decision: %w", o.ID(), err)
		}
	}
	return s.store.Update(ctx, o.ID(), func(w *Order) error {
		if w.Version() != o.Version() {
			return o2c.Conflict(aggregate, o.ID().String(), "changed during the credit check")
		}
		if err := change(w); err != nil {
			return err
		}
		if err := w.ApplyCredit(at, decision); err != nil {
			return err
		}
		if decision.Outcome == CreditApproved && s.opts.AutoApprove {
			return w.Approve(at, "credit-check")
		}
		return nil
	})
}

func (s *Service) update(ctx context.Context, id ID, fn func(w *Order) error) (_ *Order, err error) {
	ctx, end := s.obs.Start(ctx, "order.Update", attribute.String("order.id", id.String()))
	defer func() { err = end(err) }()
	return s.store.Update(ctx, id, fn)
}

// Approve approves a placed or released order.
func (s *Service) Approve(ctx context.Context, id ID, by string) (*Order, error) {
	now := s.clock.Now()
	return s.update(ctx, id, func(w *Order) error { return w.Approve(now, by) })
}

// Hold puts an order on credit hold by hand.
func (s *Service) Hold(ctx context.Context, id ID, by string, reasons []string, note string) (*Order, error) {
	now := s.clock.Now()
	return s.update(ctx, id, func(w *Order) error { return w.Hold(now, by, reasons, note) })
}

// Release lifts a credit hold (by and note required); with AutoApprove the
// order is approved in the same update.
func (s *Service) Release(ctx context.Context, id ID, by, note string) (*Order, error) {
	now := s.clock.Now()
	return s.update(ctx, id, func(w *Order) error {
		if err := w.Release(now, by, note); err != nil {
			return err
		}
		if s.opts.AutoApprove {
			return w.Approve(now, by)
		}
		return nil
	})
}

// Reject rejects a held order (by and note required).
func (s *Service) Reject(ctx context.Context, id ID, by, note string) (*Order, error) {
	now := s.clock.Now()
	return s.update(ctx, id, func(w *Order) error { return w.Reject(now, by, note) })
}

// Cancel cancels a whole order that has not shipped anything.
func (s *Service) Cancel(ctx context.Context, id ID, by, reason string) (*Order, error) {
	now := s.clock.Now()
	return s.update(ctx, id, func(w *Order) error { return w.Cancel(now, by, reason) })
}

// CancelRemaining cancels backorders after a partial shipment (no lines:
// every backorder).
func (s *Service) CancelRemaining(ctx context.Context, id ID, by, reason string, lines ...LineQuantity) (*Order, error) {
	now := s.clock.Now()
	return s.update(ctx, id, func(w *Order) error { return w.CancelRemaining(now, by, reason, lines) })
}

// Ship records a shipment (idempotent per ref).
func (s *Service) Ship(ctx context.Context, id ID, ref string, lines ...LineQuantity) (*Order, error) {
	now := s.clock.Now()
	return s.update(ctx, id, func(w *Order) error { return w.Ship(now, ref, lines) })
}

// ConfirmDelivery records a delivery confirmation (idempotent per ref).
func (s *Service) ConfirmDelivery(ctx context.Context, id ID, ref string, lines ...LineQuantity) (*Order, error) {
	now := s.clock.Now()
	return s.update(ctx, id, func(w *Order) error { return w.ConfirmDelivery(now, ref, lines) })
}

// MarkInvoiced records what invoice invoiceRef billed (idempotent per
// invoiceRef). Call it with the ctx of the transaction that issues the
// invoice so both commit together.
func (s *Service) MarkInvoiced(ctx context.Context, id ID, invoiceRef string, lines ...LineQuantity) (*Order, error) {
	now := s.clock.Now()
	return s.update(ctx, id, func(w *Order) error { return w.MarkInvoiced(now, invoiceRef, lines) })
}

// Close closes an invoiced order.
func (s *Service) Close(ctx context.Context, id ID, by string) (*Order, error) {
	now := s.clock.Now()
	return s.update(ctx, id, func(w *Order) error { return w.Close(now, by) })
}

// Billable returns what order id has delivered and not yet invoiced, per
// line, with the order (for its currency, rounding policy and references).
func (s *Service) Billable(ctx context.Context, id ID) ([]BillableLine, *Order, error) {
	o, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return o.Billable(), o, nil
}

// CustomerExposure sums the exposure of a customer's orders in currency
// cur (orders in other currencies are left out and reported by count so
// the caller can convert them). It pages through the store.
func (s *Service) CustomerExposure(ctx context.Context, id o2c.CustomerID, cur o2c.Currency) (Exposure, int, error) {
	total := Exposure{OpenOrder: o2c.Zero(cur), UninvoicedDelivery: o2c.Zero(cur)}
	other := 0
	for offset := 0; ; offset += MaxLimit {
		page, err := s.store.List(ctx, Query{Customer: id, Limit: MaxLimit, Offset: offset})
		if err != nil {
			return Exposure{}, 0, err
		}
		for _, o := range page {
			if o.Currency() != cur {
				if e := o.Exposure(); !e.OpenOrder.IsZero() || !e.UninvoicedDelivery.IsZero() {
					other++
				}
				continue
			}
			e := o.Exposure()
			var err error
			if total.OpenOrder, err = total.OpenOrder.Add(e.OpenOrder); err != nil {
				return Exposure{}, 0, err
			}
			if total.UninvoicedDelivery, err = total.UninvoicedDelivery.Add(e.UninvoicedDelivery); err != nil {
				return Exposure{}, 0, err
			}
		}
		if len(page) < MaxLimit {
			return total, other, nil
		}
	}
}
