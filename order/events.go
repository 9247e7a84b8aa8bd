package order

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// EventPayload is the payload of every o2c.Event an order raises
// ("order.created", and the type of each transition's [Event.EventType]).
// It carries the state after the change and the figures consumers need
// without loading the order: totals, exposure, and for movements their
// reference, lines and value.
type EventPayload struct {
	OrderID           string `json:"order_id"`
	CustomerID        string `json:"customer_id"`
	CustomerReference string `json:"customer_reference,omitempty"`
	// Event is the state machine event ("ship"); empty for order.created.
	Event string `json:"event,omitempty"`
	// From is the state before the event; empty for order.created.
	From string `json:"from,omitempty"`
	// Status is the state after the event.
	Status   string    `json:"status"`
	Currency string    `json:"currency"`
	Net      o2c.Money `json:"net"`
	Tax      o2c.Money `json:"tax"`
	Gross    o2c.Money `json:"gross"`
	// Exposure is the order's contribution to credit exposure after the
	// event.
	Exposure Exposure `json:"exposure"`
	// RequestedDelivery is the delivery date the customer asked for (null
	// when none): what a dynamic credit check's horizon is measured on.
	RequestedDelivery o2c.Date `json:"requested_delivery"`
	// Reference is the shipment, delivery or invoice reference of a
	// movement.
	Reference string `json:"reference,omitempty"`
	// Lines are the quantities of a movement (ship, deliver, invoice,
	// cancel_remaining).
	Lines []LineQuantity `json:"lines,omitempty"`
	// Value is the gross value of the movement's quantities under the
	// order's rounding policy.
	Value *o2c.Money `json:"value,omitempty"`
	// By and Note are who decided and why (release, reject, hold, cancel).
	By   string `json:"by,omitempty"`
	Note string `json:"note,omitempty"`
	// Reasons are the credit hold's reason codes.
	Reasons []string `json:"reasons,omitempty"`
}

// movementInfo is what a transition records beyond the state change.
type movementInfo struct {
	by, note string
	reasons  []string
	ref      string
	lines    []LineQuantity
}

func (o *Order) payload(ev Event, from State, info movementInfo) EventPayload {
	p := EventPayload{
		OrderID:           o.id.String(),
		CustomerID:        o.details.Customer.String(),
		CustomerReference: o.details.CustomerReference,
		Event:             ev.name,
		From:              from.name,
		Status:            o.state.name,
		Currency:          o.details.Currency.Code(),
		Net:               o.totals.Net,
		Tax:               o.totals.Tax,
		Gross:             o.totals.Gross,
		Exposure:          o.Exposure(),
		RequestedDelivery: o.details.RequestedDelivery,
		Reference:         info.ref,
		Lines:             slices.Clone(info.lines),
		By:                info.by,
		Note:              info.note,
		Reasons:           slices.Clone(info.reasons),
	}
	if len(info.lines) > 0 {
		qty := map[int]LineQuantity{}
		for _, lq := range info.lines {
			qty[lq.Line] = lq
		}
		v := o.valueOf(func(l Line) decimal.Decimal { return qty[l.No].Quantity }).Gross
		p.Value = &v
	}
	return p
}

func (o *Order) newEvent(typ string, at time.Time, payload EventPayload) (o2c.Event, error) {
	return o2c.NewEvent(o.tenant, aggregate, o.id.String(), typ, at, payload)
}

// fire moves the order through ev (refused with a *o2c.TransitionError
// when the table does not allow it), records it in the audit trail and
// raises the event announcing it.
func (o *Order) fire(now time.Time, ev Event, info movementInfo) error {
	to, err := next(o.id.String(), o.state, ev)
	if err != nil {
		return err
	}
	from := o.state
	t := stamp(now)
	o.state = to
	o.updatedAt = t
	o.audit = append(o.audit, AuditEntry{At: t, Event: ev, From: from, To: to, By: info.by, Note: info.note,
		Reasons: slices.Clone(info.reasons), Ref: info.ref})
	e, err := o.newEvent(ev.EventType(), t, o.payload(ev, from, info))
	if err != nil {
		return err
	}
	o.events = append(o.events, e)
	return nil
}

// check refuses ev in the current state with a *o2c.TransitionError.
func (o *Order) check(ev Event) error {
	_, err := next(o.id.String(), o.state, ev)
	return err
}
