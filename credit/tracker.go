package credit

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// Tracker keeps every customer's [Position] of one tenant up to date from
// the events orders and invoices raise ("order.*" and "invoice.*"): feed
// it the outbox with [Tracker.Apply]. Each event carries the document's
// figures after the change, so applying an event twice, or an older event
// after a newer one, changes nothing: the tracker keeps, per document, the
// figures of the latest event it saw.
//
// Seed it from the stores with [StoreSource.All] and [Tracker.Reset] (the
// full recompute); after that, Apply keeps it equal to what StoreSource
// would recompute. It is safe for concurrent use and starts no goroutine.
type Tracker struct {
	tenant   o2c.TenantID
	fallback Source

	mu        sync.RWMutex
	customers map[o2c.CustomerID]*tracked
}

type tracked struct {
	orders map[order.ID]stamped[OrderEntry]
	items  map[invoice.ID]stamped[ItemEntry]
	// totals fold the open receivables among items, kept as items change,
	// so that a check does not walk them (see [Tracker.summary])
	totals itemTotals
}

// setItem records the figures of item id, keeping the totals.
func (tc *tracked) setItem(id invoice.ID, it stamped[ItemEntry]) {
	if prev, ok := tc.items[id]; ok {
		tc.totals.apply(prev.v, -1)
	}
	tc.items[id] = it
	tc.totals.apply(it.v, 1)
}

type stamped[T any] struct {
	at time.Time
	v  T
}

var (
	_ Source     = (*Tracker)(nil)
	_ summarizer = (*Tracker)(nil)
)

// NewTracker returns an empty tracker of tenant. fallback (optional) is
// where a customer is recomputed from when an event lacks a figure the
// tracker needs (an order event written before payloads carried the
// requested delivery date); without one, such an event is refused.
func NewTracker(tenant o2c.TenantID, fallback Source) (*Tracker, error) {
	if err := tenant.Validate(); err != nil {
		return nil, err
	}
	return &Tracker{tenant: tenant, fallback: fallback, customers: map[o2c.CustomerID]*tracked{}}, nil
}

func (t *Tracker) customer(c o2c.CustomerID) *tracked {
	tc := t.customers[c]
	if tc == nil {
		tc = &tracked{orders: map[order.ID]stamped[OrderEntry]{}, items: map[invoice.ID]stamped[ItemEntry]{}}
		t.customers[c] = tc
	}
	return tc
}

// Reset replaces everything the tracker knows by positions (from
// [StoreSource.All]); customers not in positions have no exposure.
func (t *Tracker) Reset(positions map[o2c.CustomerID]Position) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.customers = map[o2c.CustomerID]*tracked{}
	for c, p := range positions {
		t.load(c, p, time.Time{})
	}
}

// load replaces customer c's documents by p's, stamped at.
func (t *Tracker) load(c o2c.CustomerID, p Position, at time.Time) {
	tc := &tracked{orders: map[order.ID]stamped[OrderEntry]{}, items: map[invoice.ID]stamped[ItemEntry]{}}
	for _, o := range p.Orders {
		tc.orders[o.Order] = stamped[OrderEntry]{at, o}
	}
	for _, it := range p.Items {
		tc.setItem(it.Invoice, stamped[ItemEntry]{at, it})
	}
	t.customers[c] = tc
}

// Position implements [Source].
func (t *Tracker) Position(_ context.Context, customer o2c.CustomerID) (Position, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	p := Position{Customer: customer}
	tc := t.customers[customer]
	if tc == nil {
		return p, nil
	}
	for _, o := range tc.orders {
		if o.v.counts() {
			p.Orders = append(p.Orders, o.v)
		}
	}
	for _, it := range tc.items {
		if receivable(it.v.Kind, it.v.Status) {
			p.Items = append(p.Items, it.v)
		}
	}
	p.sort()
	return p, nil
}

// summary implements summarizer: the customer's orders that expose
// something and a copy of its receivable totals, in O(orders + currencies
// + due dates) whatever the number of open items.
func (t *Tracker) summary(_ context.Context, customer o2c.CustomerID) (summary, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	tc := t.customers[customer]
	if tc == nil {
		return summary{}, nil
	}
	var s summary
	for _, o := range tc.orders {
		if o.v.counts() {
			s.orders = append(s.orders, o.v)
		}
	}
	s.items = tc.totals.clone()
	return s, nil
}

// Apply updates the tracker with one event. Events of other aggregates
// (payments, customers, ...) are ignored; an event of another tenant is a
// *o2c.ValidationError wrapping [ErrForeignEvent]; a payload that does not
// decode is a *o2c.ValidationError.
func (t *Tracker) Apply(ctx context.Context, e o2c.Event) error {
	if e.Tenant != t.tenant {
		return &o2c.ValidationError{Field: "event.tenant", Rule: "must be the tracker's tenant " + string(t.tenant), Value: string(e.Tenant), Err: ErrForeignEvent}
	}
	switch {
	case e.AggregateType == "order" && strings.HasPrefix(e.Type, "order."):
		return t.applyOrder(ctx, e)
	case e.AggregateType == invoice.AggregateType && strings.HasPrefix(e.Type, "invoice."):
		return t.applyInvoice(e)
	}
	return nil
}

func decodeErr(e o2c.Event, err error) error {
	return &o2c.ValidationError{Field: "event.payload", Rule: "must be a " + e.Type + " payload", Value: e.ID.String(), Err: err}
}

func (t *Tracker) applyOrder(ctx context.Context, e o2c.Event) error {
	var p order.EventPayload
	if err := e.Decode(&p); err != nil {
		return decodeErr(e, err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(e.Payload, &keys); err != nil {
		return decodeErr(e, err)
	}
	id, err := order.ParseID(p.OrderID)
	if err != nil {
		return decodeErr(e, err)
	}
	cust, err := o2c.ParseCustomerID(p.CustomerID)
	if err != nil {
		return decodeErr(e, err)
	}
	if _, ok := keys["requested_delivery"]; !ok {
		// written before payloads carried the date: recompute the customer
		// from the stores rather than guess it
		if t.fallback == nil {
			return &o2c.ValidationError{Field: "event.payload.requested_delivery", Rule: "is missing and the tracker has no source to recompute from", Value: e.ID.String()}
		}
		pos, err := t.fallback.Position(ctx, cust)
		if err != nil {
			return err
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		t.load(cust, pos, e.OccurredAt)
		return nil
	}
	status, err := order.ParseState(p.Status)
	if err != nil {
		return decodeErr(e, err)
	}
	cur, err := o2c.ParseCurrency(p.Currency)
	if err != nil {
		return decodeErr(e, err)
	}
	entry := OrderEntry{Order: id, Customer: cust, Status: status, Currency: cur,
		OpenOrder: p.Exposure.OpenOrder, Uninvoiced: p.Exposure.UninvoicedDelivery, RequestedDelivery: p.RequestedDelivery}
	t.mu.Lock()
	defer t.mu.Unlock()
	tc := t.customer(cust)
	if prev, ok := tc.orders[id]; ok && e.OccurredAt.Before(prev.at) {
		return nil
	}
	tc.orders[id] = stamped[OrderEntry]{e.OccurredAt, entry}
	return nil
}

// openLines returns the open due lines of a document paid in more than
// one instalment, with its disputed amount spread over them from the last
// due first as [invoice.DueLinesOf] does; nil for one instalment.
func openLines(ins []invoice.InstalmentBalance, disputed o2c.Money) []ItemLine {
	if len(ins) < 2 {
		return nil
	}
	var out []ItemLine
	for i := len(ins) - 1; i >= 0; i-- {
		in := ins[i]
		if !in.Open.IsPositive() {
			continue
		}
		l := ItemLine{Seq: in.Seq, DueDate: in.DueDate, Open: in.Open, Disputed: o2c.Zero(in.Open.Currency())}
		if disputed.IsPositive() {
			l.Disputed, _ = disputed.Min(in.Open)
			disputed, _ = disputed.Sub(l.Disputed)
		}
		out = append(out, l)
	}
	slices.Reverse(out)
	return out
}

func (t *Tracker) applyInvoice(e o2c.Event) error {
	var p invoice.EventPayload
	if err := e.Decode(&p); err != nil {
		return decodeErr(e, err)
	}
	id, err := o2c.ParseID[invoice.Invoice](e.AggregateID)
	if err != nil {
		return decodeErr(e, err)
	}
	cust, err := o2c.ParseCustomerID(p.Customer)
	if err != nil {
		return decodeErr(e, err)
	}
	entry := ItemEntry{Invoice: id, Customer: cust, Kind: p.Kind, Status: p.Status, Currency: p.Open.Currency(),
		Open: p.Open, Disputed: p.Disputed, DueDate: p.DueDate}
	entry.Lines = openLines(p.Instalments, p.Disputed)
	t.mu.Lock()
	defer t.mu.Unlock()
	tc := t.customer(cust)
	if prev, ok := tc.items[id]; ok && e.OccurredAt.Before(prev.at) {
		return nil
	}
	tc.setItem(id, stamped[ItemEntry]{e.OccurredAt, entry})
	return nil
}
