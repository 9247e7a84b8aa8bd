// Package backtest replays a tenant's recorded history under another
// policy: another credit policy (limits, overdue tolerance, risk classes)
// to see which orders it would have held and what that would have cost
// (revenue delayed) or saved (exposure of the customers who later
// defaulted), and another dunning plan to see when each letter would have
// gone and how that would likely have moved payments, estimated from the
// tenant's own observed days from letter to payment.
//
// The replay reads what was recorded and changes nothing. Replaying with
// the policy that was in force reproduces the recorded decisions; that
// is what makes a different answer under another policy worth reading.
package backtest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// CreditPolicy is the credit policy to replay: what credit.Checker would
// be configured with, reduced to what is checked when an order is placed
// or amended.
type CreditPolicy struct {
	// Limits are the customers' granted limits (a customer missing here
	// has DefaultLimit, or none).
	Limits       map[o2c.CustomerID]o2c.Money
	DefaultLimit o2c.Money
	// Risk classes of the customers, and the classes that hold every order.
	Risk     map[o2c.CustomerID]credit.RiskClass
	HoldRisk []credit.RiskClass
	// Blocked customers hold every order.
	Blocked map[o2c.CustomerID]bool
	// Overdue: hold when an undisputed receivable is more than OverdueDays
	// past due (as credit.Policy.OverdueDays); CheckOverdue turns it on.
	CheckOverdue bool
	OverdueDays  int
	// Rules say what exposure counts (credit.Rules).
	Rules credit.Rules
	// Rates convert exposure into the limit's currency (nil: same
	// currency only).
	Rates credit.RateSource
	// Location dates the decisions (default UTC).
	Location *time.Location
}

// Decision is one credit decision, as recorded and as replayed.
type Decision struct {
	Order    order.ID
	Customer o2c.CustomerID
	At       time.Time
	// Event is "order.placed" or "order.amended".
	Event string
	// Value is what the order adds to exposure (in the limit's currency).
	Value o2c.Money
	// Exposure before the order and Limit applied in the replay.
	Exposure o2c.Money
	Limit    o2c.Money
	// Recorded and Replayed outcomes; Reasons of the replayed hold.
	Recorded order.CreditOutcome
	Replayed order.CreditOutcome
	Reasons  []string
}

// Changed reports whether the replay decided otherwise.
func (d Decision) Changed() bool { return d.Recorded != d.Replayed }

// Defaulted is a customer that later defaulted, with the exposure it
// left (for the loss-avoided estimate).
type Defaulted struct {
	Customer o2c.CustomerID
	Date     o2c.Date
	// Exposure at default (what was lost, before recoveries).
	Exposure o2c.Money
}

// LossAvoided is what the replayed policy would have kept out of a
// defaulted customer's exposure: the value of the orders it would have
// held that were approved, up to the exposure at default.
type LossAvoided struct {
	Customer o2c.CustomerID
	Exposure o2c.Money
	Held     o2c.Money
	Avoided  o2c.Money
}

// CreditReplay is the outcome of [ReplayCredit].
type CreditReplay struct {
	Decisions []Decision
	// NewlyHeld: approved then, held under the replayed policy;
	// NewlyApproved: the reverse.
	NewlyHeld, NewlyApproved []Decision
	// RevenueDelayed sums the values of the newly held orders per currency
	// (in code order).
	RevenueDelayed []o2c.Money
	LossAvoided    []LossAvoided
	// Assumptions are printed with the figures.
	Assumptions []string
}

// CreditAssumptions are the replay's stated assumptions.
var CreditAssumptions = []string{
	"decisions are replayed where they were recorded: when an order was placed or amended",
	"exposure at each decision is the recorded one (order and invoice events up to that instant, folded by credit.Tracker); an order the replayed policy would have held is assumed to count as it did (held orders count unless Rules.ExcludeHeld)",
	"customers, orders and payments are what happened: the replay does not model how customers would have reacted to other decisions",
	"a held order delays its revenue; it is not assumed lost",
	"loss avoided = value of the defaulted customer's orders the replayed policy holds and the recorded one approved, at most its exposure at default",
}

// ReplayCredit replays the credit decisions recorded in events (a
// tenant's outbox in order: order and invoice events) under policy p.
// The recorded outcome of a placement or an amendment is a hold when the
// order's next event is an automatic "order.credit_held", else approval.
// Errors: a *o2c.ValidationError for an event that does not decode,
// *credit.MissingRateError when an amount cannot be converted.
func ReplayCredit(events []o2c.Event, p CreditPolicy, defaults []Defaulted) (CreditReplay, error) {
	if err := p.Rules.Validate(); err != nil {
		return CreditReplay{}, err
	}
	if p.OverdueDays < 0 {
		return CreditReplay{}, &o2c.ValidationError{Field: "overdue_days", Rule: "must not be negative", Value: fmt.Sprint(p.OverdueDays)}
	}
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	out := CreditReplay{Assumptions: CreditAssumptions}
	if len(events) == 0 {
		return out, nil
	}
	ctx := context.Background()
	tracker, err := credit.NewTracker(events[0].Tenant, nil)
	if err != nil {
		return CreditReplay{}, err
	}
	for i, e := range events {
		if e.AggregateType == "order" && (e.Type == order.EventPlace.EventType() || e.Type == order.EventAmend.EventType()) {
			d, err := replayOne(ctx, tracker, e, p, loc)
			if err != nil {
				return CreditReplay{}, err
			}
			d.Recorded = recorded(events[i+1:], e.AggregateID)
			out.Decisions = append(out.Decisions, d)
		}
		if err := tracker.Apply(ctx, e); err != nil {
			return CreditReplay{}, err
		}
	}
	delayed := map[o2c.Currency]o2c.Money{}
	heldBy := map[o2c.CustomerID]o2c.Money{}
	for _, d := range out.Decisions {
		switch {
		case d.Recorded == order.CreditApproved && d.Replayed == order.CreditHeld:
			out.NewlyHeld = append(out.NewlyHeld, d)
			cur := d.Value.Currency()
			prev, ok := delayed[cur]
			if !ok {
				prev = o2c.Zero(cur)
			}
			delayed[cur], _ = prev.Add(d.Value)
			if h, ok := heldBy[d.Customer]; ok {
				heldBy[d.Customer], _ = h.Add(d.Value)
			} else {
				heldBy[d.Customer] = d.Value
			}
		case d.Recorded == order.CreditHeld && d.Replayed == order.CreditApproved:
			out.NewlyApproved = append(out.NewlyApproved, d)
		}
	}
	for _, m := range delayed {
		out.RevenueDelayed = append(out.RevenueDelayed, m)
	}
	slices.SortFunc(out.RevenueDelayed, func(a, b o2c.Money) int { return strings.Compare(a.Currency().Code(), b.Currency().Code()) })
	for _, df := range defaults {
		la := LossAvoided{Customer: df.Customer, Exposure: df.Exposure, Held: o2c.Zero(df.Exposure.Currency()), Avoided: o2c.Zero(df.Exposure.Currency())}
		for _, d := range out.NewlyHeld {
			if d.Customer == df.Customer && !o2c.DateIn(d.At, loc).After(df.Date) && d.Value.Currency() == df.Exposure.Currency() {
				la.Held, _ = la.Held.Add(d.Value)
			}
		}
		la.Avoided, _ = la.Held.Min(df.Exposure)
		out.LossAvoided = append(out.LossAvoided, la)
	}
	return out, nil
}

// recorded finds the outcome recorded right after a placement: held when
// the order's next event is an automatic hold.
func recorded(rest []o2c.Event, orderID string) order.CreditOutcome {
	for _, e := range rest {
		if e.AggregateType != "order" || e.AggregateID != orderID {
			continue
		}
		if e.Type != order.EventHold.EventType() {
			return order.CreditApproved
		}
		var pl order.EventPayload
		if err := e.Decode(&pl); err == nil && slices.Contains(pl.Reasons, order.ReasonManual) {
			return order.CreditApproved
		}
		return order.CreditHeld
	}
	return order.CreditApproved
}

func replayOne(ctx context.Context, tr *credit.Tracker, e o2c.Event, p CreditPolicy, loc *time.Location) (Decision, error) {
	var pl order.EventPayload
	if err := e.Decode(&pl); err != nil {
		return Decision{}, &o2c.ValidationError{Field: "event.payload", Rule: "must be an order event payload", Value: e.ID.String(), Err: err}
	}
	id, err := order.ParseID(pl.OrderID)
	if err != nil {
		return Decision{}, &o2c.ValidationError{Field: "event.payload.order_id", Rule: "must be an order ID", Value: pl.OrderID, Err: err}
	}
	cust, err := o2c.ParseCustomerID(pl.CustomerID)
	if err != nil {
		return Decision{}, &o2c.ValidationError{Field: "event.payload.customer_id", Rule: "must be a customer ID", Value: pl.CustomerID, Err: err}
	}
	cur, err := o2c.ParseCurrency(pl.Currency)
	if err != nil {
		return Decision{}, &o2c.ValidationError{Field: "event.payload.currency", Rule: "must be a currency", Value: pl.Currency, Err: err}
	}
	asOf := o2c.DateIn(e.OccurredAt, loc)
	d := Decision{Order: id, Customer: cust, At: e.OccurredAt, Event: e.Type, Replayed: order.CreditApproved}
	limit, hasLimit := p.Limits[cust]
	if !hasLimit && !p.DefaultLimit.Currency().IsZero() {
		limit, hasLimit = p.DefaultLimit, true
	}
	if hasLimit {
		cur = limit.Currency()
		d.Limit = limit
	}
	pos, err := tr.Position(ctx, cust)
	if err != nil {
		return Decision{}, err
	}
	exp, err := credit.Compute(pos, cur, asOf, p.Rules, p.Rates, id)
	if err != nil {
		return Decision{}, err
	}
	d.Exposure = exp.Total
	status, err := order.ParseState(pl.Status)
	if err != nil {
		return Decision{}, &o2c.ValidationError{Field: "event.payload.status", Rule: "must be an order state", Value: pl.Status, Err: err}
	}
	self := credit.Position{Customer: cust, Orders: []credit.OrderEntry{{Order: id, Customer: cust, Status: status, Currency: pl.Exposure.OpenOrder.Currency(),
		OpenOrder: pl.Exposure.OpenOrder, Uninvoiced: pl.Exposure.UninvoicedDelivery, RequestedDelivery: pl.RequestedDelivery}}}
	rules := p.Rules
	rules.ExcludeHeld = false
	val, err := credit.Compute(self, cur, asOf, rules, p.Rates, order.ID{})
	if err != nil {
		return Decision{}, err
	}
	d.Value = val.Total
	hold := func(code string) { d.Reasons = append(d.Reasons, code) }
	if hasLimit {
		projected, err := exp.Total.Add(val.Total)
		if err != nil {
			return Decision{}, err
		}
		if c, _ := projected.Cmp(limit); c > 0 {
			hold(order.ReasonCreditLimit)
		}
	}
	if p.CheckOverdue {
		cutoff := asOf.AddDays(-p.OverdueDays)
		for _, it := range pos.Items {
			if it.DueDate.IsZero() || !it.DueDate.Before(cutoff) {
				continue
			}
			und, err := it.Open.Sub(it.Disputed)
			if err != nil {
				if !it.Disputed.IsZero() {
					continue
				}
				und = it.Open
			}
			if und.IsPositive() {
				hold(order.ReasonOverdueItems)
				break
			}
		}
	}
	if r, ok := p.Risk[cust]; ok && slices.Contains(p.HoldRisk, r) {
		hold(order.ReasonRiskClass)
	}
	if p.Blocked[cust] {
		hold(order.ReasonCustomerBlocked)
	}
	if len(d.Reasons) > 0 {
		d.Replayed = order.CreditHeld
	}
	return d, nil
}
