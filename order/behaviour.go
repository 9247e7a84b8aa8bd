package order

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// The methods below change an order. Each one works on a copy and replaces
// the order only when everything succeeded: on any error the order is
// exactly as it was. An event not allowed in the current state is a
// *o2c.TransitionError naming the state and the event; bad input is a
// *o2c.ValidationError naming the field, or a *QuantityError.

func (o *Order) change(now time.Time, fn func(w *Order) error) error {
	if now.IsZero() {
		return &o2c.ValidationError{Field: "now", Rule: "must be set (pass the current time)"}
	}
	w := o.Clone()
	if err := fn(w); err != nil {
		return err
	}
	*o = *w
	return nil
}

func checkActor(field, by string, required bool) error {
	if required && cleanText(by) == "" {
		return &o2c.ValidationError{Field: field, Rule: "must name the user who decides"}
	}
	return checkText(field, by, maxActor)
}

func checkNote(field, note string, required bool) error {
	if required && cleanText(note) == "" {
		return &o2c.ValidationError{Field: field, Rule: "is required: say why"}
	}
	return checkText(field, note, maxNote)
}

// Place submits a draft order (event place): it needs at least one line.
// by names who placed it (optional: "" for the customer's own channel).
// The credit check comes next: see [Order.ApplyCredit] and [Service.Place].
func (o *Order) Place(now time.Time, by string) error {
	return o.change(now, func(w *Order) error {
		if err := w.check(EventPlace); err != nil {
			return err
		}
		if len(w.lines) == 0 {
			return &o2c.ValidationError{Field: "lines", Rule: "at least one line is needed to place an order"}
		}
		if err := checkActor("by", by, false); err != nil {
			return err
		}
		return w.fire(now, EventPlace, movementInfo{by: cleanText(by)})
	})
}

// Amend changes the order's details (event amend), allowed in draft and
// placed only. change gets a copy of the current details; the result is
// normalised and validated like [New] (every problem at once), the lines
// are renumbered from 1, and the customer cannot change. An error from
// change is returned as is.
//
// Amending a placed order calls for a new credit check: [Service.Amend]
// runs it; a caller driving the order directly must apply the new
// decision with [Order.ApplyCredit].
func (o *Order) Amend(now time.Time, by string, change func(d *Details) error) error {
	return o.change(now, func(w *Order) error {
		if err := w.check(EventAmend); err != nil {
			return err
		}
		if err := checkActor("by", by, false); err != nil {
			return err
		}
		d := w.Details().clone()
		if change != nil {
			if err := change(&d); err != nil {
				return err
			}
		}
		n := d.normalized()
		errs := n.problems()
		if n.Customer != w.details.Customer {
			errs = append(errs, &o2c.ValidationError{Field: "customer_id", Rule: "cannot change after creation", Value: n.Customer.String()})
		}
		if w.state == StatePlaced && len(n.Lines) == 0 {
			errs = append(errs, &o2c.ValidationError{Field: "lines", Rule: "a placed order keeps at least one line"})
		}
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
		w.setDetails(n)
		return w.fire(now, EventAmend, movementInfo{by: cleanText(by)})
	})
}

// ApplyCredit applies a credit check's decision to a placed (or released)
// order. A hold moves it to on_credit_hold (event hold) with the
// decision's reasons and message on the audit trail; an approval is
// recorded and leaves the state as it is (approve with [Order.Approve]).
// The order keeps the decision ([Order.Credit]).
func (o *Order) ApplyCredit(now time.Time, d CreditDecision) error {
	return o.change(now, func(w *Order) error {
		if err := d.Validate(); err != nil {
			return err
		}
		d = d.clone()
		if d.Outcome == CreditHeld {
			if err := w.check(EventHold); err != nil {
				return err
			}
			w.credit = &d
			return w.fire(now, EventHold, movementInfo{by: "credit-check", note: d.Message, reasons: d.Reasons})
		}
		if err := w.check(EventApprove); err != nil {
			return err
		}
		w.credit = &d
		w.updatedAt = stamp(now)
		return nil
	})
}

// Approve confirms a placed or released order for fulfilment (event
// approve). by names who approved ("" when automatic).
func (o *Order) Approve(now time.Time, by string) error {
	return o.change(now, func(w *Order) error {
		if err := w.check(EventApprove); err != nil {
			return err
		}
		if err := checkActor("by", by, false); err != nil {
			return err
		}
		return w.fire(now, EventApprove, movementInfo{by: cleanText(by)})
	})
}

// Hold puts a placed, released or approved order on credit hold by hand
// (event hold): by names the credit controller, reasons are reason codes
// (none means [ReasonManual]), note says why.
func (o *Order) Hold(now time.Time, by string, reasons []string, note string) error {
	return o.change(now, func(w *Order) error {
		if err := w.check(EventHold); err != nil {
			return err
		}
		if len(reasons) == 0 {
			reasons = []string{ReasonManual}
		}
		d := CreditDecision{Outcome: CreditHeld, Reasons: slices.Clone(reasons), Message: cleanText(note)}
		if err := errors.Join(checkActor("by", by, true), checkReasons("reasons", reasons), checkNote("note", note, false)); err != nil {
			return err
		}
		w.credit = &d
		return w.fire(now, EventHold, movementInfo{by: cleanText(by), note: d.Message, reasons: d.Reasons})
	})
}

// Release lifts a credit hold (event release): by names the user who
// decides and note says why; both are required and kept on the audit
// trail. The order then awaits approval ([Order.Approve]).
func (o *Order) Release(now time.Time, by, note string) error {
	return o.change(now, func(w *Order) error {
		if err := w.check(EventRelease); err != nil {
			return err
		}
		if err := errors.Join(checkActor("by", by, true), checkNote("note", note, true)); err != nil {
			return err
		}
		return w.fire(now, EventRelease, movementInfo{by: cleanText(by), note: cleanText(note)})
	})
}

// Reject refuses a held order on credit grounds (event reject): by and
// note are required and kept on the audit trail. Rejected is final.
func (o *Order) Reject(now time.Time, by, note string) error {
	return o.change(now, func(w *Order) error {
		if err := w.check(EventReject); err != nil {
			return err
		}
		if err := errors.Join(checkActor("by", by, true), checkNote("note", note, true)); err != nil {
			return err
		}
		return w.fire(now, EventReject, movementInfo{by: cleanText(by), note: cleanText(note)})
	})
}

// Cancel cancels the whole order (event cancel), allowed only before
// anything shipped: in draft, placed, on_credit_hold, released and
// approved. After a partial shipment use [Order.CancelRemaining]. by is
// required; reason is optional.
func (o *Order) Cancel(now time.Time, by, reason string) error {
	return o.change(now, func(w *Order) error {
		if err := w.check(EventCancel); err != nil {
			return err
		}
		if err := errors.Join(checkActor("by", by, true), checkNote("reason", reason, false)); err != nil {
			return err
		}
		return w.fire(now, EventCancel, movementInfo{by: cleanText(by), note: cleanText(reason)})
	})
}

// Close closes an invoiced order (event close). Closed is final.
func (o *Order) Close(now time.Time, by string) error {
	return o.change(now, func(w *Order) error {
		if err := w.check(EventClose); err != nil {
			return err
		}
		if err := checkActor("by", by, false); err != nil {
			return err
		}
		return w.fire(now, EventClose, movementInfo{by: cleanText(by)})
	})
}

// Ship records a shipment (event ship): ref is the shipment or delivery
// note number (1 to 64 characters), lines the quantities shipped, each at
// most the line's backorder ([Line.Unshipped]; a *QuantityError
// otherwise). When the last open quantity ships the order raises
// complete_shipping.
//
// Ship is idempotent per ref: the same ref with the same quantities again
// is a no-op; with other quantities it is o2c.ErrConflict.
func (o *Order) Ship(now time.Time, ref string, lines []LineQuantity) error {
	return o.move(now, moveShip, ref, lines)
}

// ConfirmDelivery records the customer's confirmation of receipt (event
// deliver): ref is the delivery reference (proof of delivery), lines the
// quantities delivered, each at most what is in transit on the line
// ([Line.InTransit]: shipped and not yet delivered, so never more than
// ordered). When the last open quantity is delivered the order raises
// complete_delivery. Idempotent per ref like [Order.Ship].
func (o *Order) ConfirmDelivery(now time.Time, ref string, lines []LineQuantity) error {
	return o.move(now, moveDeliver, ref, lines)
}

// MarkInvoiced records the quantities an invoice billed (event invoice):
// invoiceRef is the invoice number, lines the quantities, each at most
// what is delivered and not yet invoiced ([Line.Billable]). When the last
// open quantity is invoiced the order raises complete_invoicing.
//
// It is idempotent per invoiceRef, in any state: recording the same
// invoice with the same quantities again is a no-op (so a retry after a
// crash is safe); with other quantities it is o2c.ErrConflict.
func (o *Order) MarkInvoiced(now time.Time, invoiceRef string, lines []LineQuantity) error {
	return o.move(now, moveInvoice, invoiceRef, lines)
}

type moveKind int

const (
	moveShip moveKind = iota
	moveDeliver
	moveInvoice
)

func (o *Order) move(now time.Time, kind moveKind, ref string, lines []LineQuantity) error {
	var (
		ev    Event
		op    string
		avail func(Line) decimal.Decimal
		list  *[]Movement
	)
	return o.change(now, func(w *Order) error {
		switch kind {
		case moveShip:
			ev, op, avail, list = EventShip, "ship", Line.Unshipped, &w.shipments
		case moveDeliver:
			ev, op, avail, list = EventDeliver, "deliver", Line.InTransit, &w.deliveries
		default:
			ev, op, avail, list = EventInvoice, "invoice", Line.Billable, &w.invoices
		}
		ref = cleanText(ref)
		if err := checkRef("ref", ref); err != nil {
			return err
		}
		if i := slices.IndexFunc(*list, func(m Movement) bool { return m.Ref == ref }); i >= 0 {
			if sameQuantities((*list)[i].Lines, lines) {
				return nil
			}
			return o2c.Conflict("order "+op, ref, "already recorded with other quantities")
		}
		if err := w.check(ev); err != nil {
			return err
		}
		qs, err := w.quantities(op, lines, avail)
		if err != nil {
			return err
		}
		for _, q := range qs {
			l := &w.lines[q.Line-1]
			switch kind {
			case moveShip:
				l.Shipped = l.Shipped.Add(q.Quantity)
			case moveDeliver:
				l.Delivered = l.Delivered.Add(q.Quantity)
			default:
				l.Invoiced = l.Invoiced.Add(q.Quantity)
			}
		}
		*list = append(*list, Movement{Ref: ref, At: stamp(now), Lines: qs})
		if err := w.fire(now, ev, movementInfo{ref: ref, lines: qs}); err != nil {
			return err
		}
		return w.completeStages(now)
	})
}

// CancelRemaining cancels quantities not yet shipped after a partial
// shipment (event cancel_remaining), allowed in partially_shipped,
// partially_delivered and partially_invoiced: the order then completes on
// what was shipped. lines gives the quantities to cancel, each at most
// the line's backorder ([Line.Unshipped]; cancelling shipped quantities is
// a *QuantityError); no lines cancels every backorder. by is required. The
// totals shrink to the open quantities; when nothing is left to ship,
// deliver or invoice the order raises the complete_* events that follow.
func (o *Order) CancelRemaining(now time.Time, by, reason string, lines []LineQuantity) error {
	return o.change(now, func(w *Order) error {
		if err := w.check(EventCancelRemaining); err != nil {
			return err
		}
		if err := errors.Join(checkActor("by", by, true), checkNote("reason", reason, false)); err != nil {
			return err
		}
		var qs []LineQuantity
		if len(lines) == 0 {
			for _, l := range w.lines {
				if u := l.Unshipped(); u.IsPositive() {
					qs = append(qs, LineQuantity{Line: l.No, Quantity: u})
				}
			}
			if len(qs) == 0 {
				return &o2c.ValidationError{Field: "lines", Rule: "nothing remains unshipped to cancel"}
			}
		} else {
			var err error
			if qs, err = w.quantities("cancel", lines, Line.Unshipped); err != nil {
				return err
			}
		}
		for _, q := range qs {
			l := &w.lines[q.Line-1]
			l.Cancelled = l.Cancelled.Add(q.Quantity)
		}
		w.refreshTotals()
		ref := fmt.Sprintf("cancel-%d", len(w.cancels)+1)
		w.cancels = append(w.cancels, Movement{Ref: ref, At: stamp(now), Lines: qs})
		if err := w.fire(now, EventCancelRemaining, movementInfo{by: cleanText(by), note: cleanText(reason), ref: ref, lines: qs}); err != nil {
			return err
		}
		return w.completeStages(now)
	})
}

// completeStages raises the complete_* event of the stage the order is in
// when its last open quantity is done.
func (w *Order) completeStages(now time.Time) error {
	done := func(rest func(Line) decimal.Decimal) bool {
		for _, l := range w.lines {
			if !rest(l).IsZero() {
				return false
			}
		}
		return true
	}
	switch {
	case w.state == StatePartiallyShipped && done(Line.Unshipped):
		return w.fire(now, EventCompleteShipping, movementInfo{})
	case w.state == StatePartiallyDelivered && done(Line.Undelivered):
		return w.fire(now, EventCompleteDelivery, movementInfo{})
	case w.state == StatePartiallyInvoiced && done(func(l Line) decimal.Decimal { return l.Open().Sub(l.Invoiced) }):
		return w.fire(now, EventCompleteInvoicing, movementInfo{})
	}
	return nil
}

func checkRef(field, ref string) error {
	if ref == "" {
		return &o2c.ValidationError{Field: field, Rule: "is required (the document's reference)"}
	}
	return checkText(field, ref, maxRef)
}

// quantities checks a movement's lines against the order and avail, and
// returns them sorted by line number.
func (w *Order) quantities(op string, lines []LineQuantity, avail func(Line) decimal.Decimal) ([]LineQuantity, error) {
	if len(lines) == 0 {
		return nil, &o2c.ValidationError{Field: "lines", Rule: "at least one line quantity is required"}
	}
	seen := map[int]bool{}
	var errs []error
	for i, q := range lines {
		field := fmt.Sprintf("lines[%d]", i)
		switch {
		case q.Line < 1 || q.Line > len(w.lines):
			errs = append(errs, &o2c.ValidationError{Field: field + ".line", Rule: fmt.Sprintf("must be a line number of the order (1 to %d)", len(w.lines)), Value: fmt.Sprint(q.Line)})
			continue
		case seen[q.Line]:
			errs = append(errs, &o2c.ValidationError{Field: field + ".line", Rule: "appears twice", Value: fmt.Sprint(q.Line)})
			continue
		case !q.Quantity.IsPositive():
			errs = append(errs, &o2c.ValidationError{Field: field + ".quantity", Rule: "must be positive", Value: q.Quantity.String()})
			continue
		case decimals(q.Quantity) > MaxQuantityDecimals:
			errs = append(errs, &o2c.ValidationError{Field: field + ".quantity", Rule: fmt.Sprintf("must have at most %d decimals", MaxQuantityDecimals), Value: q.Quantity.String()})
			continue
		}
		seen[q.Line] = true
		l := w.lines[q.Line-1]
		if a := avail(l); q.Quantity.GreaterThan(a) {
			errs = append(errs, &QuantityError{Op: op, Line: q.Line, Requested: q.Quantity, Available: a, Ordered: l.Quantity})
		}
	}
	switch len(errs) {
	case 0:
	case 1:
		return nil, errs[0]
	default:
		return nil, errors.Join(errs...)
	}
	out := slices.Clone(lines)
	slices.SortFunc(out, func(a, b LineQuantity) int { return a.Line - b.Line })
	return out, nil
}

// sameQuantities reports whether two movements carry the same quantities
// per line, whatever their order.
func sameQuantities(recorded, asked []LineQuantity) bool {
	if len(recorded) != len(asked) {
		return false
	}
	byLine := map[int]decimal.Decimal{}
	for _, q := range recorded {
		byLine[q.Line] = q.Quantity
	}
	for _, q := range asked {
		r, ok := byLine[q.Line]
		if !ok || !r.Equal(q.Quantity) {
			return false
		}
		delete(byLine, q.Line)
	}
	return len(byLine) == 0
}
