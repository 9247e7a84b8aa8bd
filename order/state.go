package order

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/looplab/fsm"

	"github.com/cashcycle/sdk/o2c"
)

// State is where an order is in its life. It is a closed set: the zero
// State is "none" and is never an order's state; the others are the
// package-level values below, or what [ParseState] returns for their names.
type State struct{ name string }

// The states of an order. See [Transitions] and docs/order-states.md.
var (
	// StateDraft: being prepared; lines may change freely. Not yet a
	// commitment: it counts in no exposure.
	StateDraft = State{"draft"}
	// StatePlaced: submitted by the customer and cleared by the credit
	// check, awaiting approval. Lines may still be amended (a new credit
	// check follows).
	StatePlaced = State{"placed"}
	// StateOnCreditHold: the credit check (or a credit controller) held
	// it; it waits for a named user to release or reject it.
	StateOnCreditHold = State{"on_credit_hold"}
	// StateReleased: a named user lifted the credit hold; it awaits
	// approval like a placed order (it may be held again).
	StateReleased = State{"released"}
	// StateRejected: a named user refused it on credit grounds. Final.
	StateRejected = State{"rejected"}
	// StateApproved: confirmed for fulfilment; nothing shipped yet.
	StateApproved = State{"approved"}
	// StatePartiallyShipped: some quantities shipped, none delivered yet.
	StatePartiallyShipped = State{"partially_shipped"}
	// StateShipped: every open quantity shipped, none delivered yet.
	StateShipped = State{"shipped"}
	// StatePartiallyDelivered: some quantities delivered, not all; nothing
	// invoiced yet. Backorders may still ship.
	StatePartiallyDelivered = State{"partially_delivered"}
	// StateDelivered: every open quantity delivered; nothing invoiced yet.
	StateDelivered = State{"delivered"}
	// StatePartiallyInvoiced: some delivered quantities invoiced, not all
	// open quantities. Backorders may still ship and be delivered.
	StatePartiallyInvoiced = State{"partially_invoiced"}
	// StateInvoiced: every open quantity invoiced.
	StateInvoiced = State{"invoiced"}
	// StateClosed: invoiced and closed. Final.
	StateClosed = State{"closed"}
	// StateCancelled: cancelled as a whole before any shipment. Final.
	StateCancelled = State{"cancelled"}
)

// States lists every state, in the order of the life of an order.
func States() []State {
	return []State{StateDraft, StatePlaced, StateOnCreditHold, StateReleased, StateRejected, StateApproved,
		StatePartiallyShipped, StateShipped, StatePartiallyDelivered, StateDelivered,
		StatePartiallyInvoiced, StateInvoiced, StateClosed, StateCancelled}
}

// ParseState returns the state called name ("on_credit_hold"). An unknown
// name is a *[o2c.ValidationError].
func ParseState(name string) (State, error) {
	for _, s := range States() {
		if s.name == name {
			return s, nil
		}
	}
	return State{}, &o2c.ValidationError{Field: "status", Rule: "must be an order state", Value: name}
}

// String returns the state's name ("on_credit_hold").
func (s State) String() string { return s.name }

// IsZero reports whether s is the zero State.
func (s State) IsZero() bool { return s.name == "" }

// IsFinal reports whether no event leaves s (rejected, closed, cancelled).
func (s State) IsFinal() bool {
	for _, t := range transitions {
		for _, f := range t.From {
			if f == s {
				return false
			}
		}
	}
	return true
}

// MarshalText implements encoding.TextMarshaler.
func (s State) MarshalText() ([]byte, error) { return []byte(s.name), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *State) UnmarshalText(b []byte) error {
	p, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*s = p
	return nil
}

// Event is something that happens to an order and may change its state.
// It is a closed set like [State].
type Event struct{ name string }

// The events of an order. Most are caused by a method of [Order] of the
// same name; the complete_* events are raised by the order itself when a
// shipment, delivery, invoice or cancellation completes a stage.
var (
	// EventPlace: the customer's order is submitted ([Order.Place]).
	EventPlace = Event{"place"}
	// EventAmend: the details or lines change ([Order.Amend]).
	EventAmend = Event{"amend"}
	// EventApprove: the order is confirmed for fulfilment ([Order.Approve]).
	EventApprove = Event{"approve"}
	// EventHold: credit control holds the order ([Order.Hold],
	// [Order.ApplyCredit]).
	EventHold = Event{"hold"}
	// EventRelease: a named user lifts a credit hold ([Order.Release]).
	EventRelease = Event{"release"}
	// EventReject: a named user refuses a held order ([Order.Reject]).
	EventReject = Event{"reject"}
	// EventCancel: the whole order is cancelled before any shipment
	// ([Order.Cancel]).
	EventCancel = Event{"cancel"}
	// EventShip: quantities leave the warehouse ([Order.Ship]).
	EventShip = Event{"ship"}
	// EventCompleteShipping: every open quantity has been shipped.
	EventCompleteShipping = Event{"complete_shipping"}
	// EventDeliver: the customer confirmed receipt of shipped quantities
	// ([Order.ConfirmDelivery]).
	EventDeliver = Event{"deliver"}
	// EventCompleteDelivery: every open quantity has been delivered.
	EventCompleteDelivery = Event{"complete_delivery"}
	// EventInvoice: delivered quantities were invoiced
	// ([Order.MarkInvoiced]).
	EventInvoice = Event{"invoice"}
	// EventCompleteInvoicing: every open quantity has been invoiced.
	EventCompleteInvoicing = Event{"complete_invoicing"}
	// EventCancelRemaining: quantities not yet shipped are cancelled after
	// a partial shipment ([Order.CancelRemaining]); the order completes on
	// what was shipped.
	EventCancelRemaining = Event{"cancel_remaining"}
	// EventClose: an invoiced order is closed ([Order.Close]).
	EventClose = Event{"close"}
)

// Events lists every event.
func Events() []Event {
	return []Event{EventPlace, EventAmend, EventApprove, EventHold, EventRelease, EventReject, EventCancel,
		EventShip, EventCompleteShipping, EventDeliver, EventCompleteDelivery,
		EventInvoice, EventCompleteInvoicing, EventCancelRemaining, EventClose}
}

// ParseEvent returns the event called name ("cancel_remaining").
func ParseEvent(name string) (Event, error) {
	for _, e := range Events() {
		if e.name == name {
			return e, nil
		}
	}
	return Event{}, &o2c.ValidationError{Field: "event", Rule: "must be an order event", Value: name}
}

// String returns the event's name.
func (e Event) String() string { return e.name }

// IsZero reports whether e is the zero Event.
func (e Event) IsZero() bool { return e.name == "" }

// MarshalText implements encoding.TextMarshaler.
func (e Event) MarshalText() ([]byte, error) { return []byte(e.name), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (e *Event) UnmarshalText(b []byte) error {
	p, err := ParseEvent(string(b))
	if err != nil {
		return err
	}
	*e = p
	return nil
}

// eventTypes are the o2c.Event types announcing each transition.
var eventTypes = map[Event]string{
	EventPlace:             "order.placed",
	EventAmend:             "order.amended",
	EventApprove:           "order.approved",
	EventHold:              "order.credit_held",
	EventRelease:           "order.credit_released",
	EventReject:            "order.rejected",
	EventCancel:            "order.cancelled",
	EventShip:              "order.shipped",
	EventCompleteShipping:  "order.shipping_completed",
	EventDeliver:           "order.delivered",
	EventCompleteDelivery:  "order.delivery_completed",
	EventInvoice:           "order.invoiced",
	EventCompleteInvoicing: "order.invoicing_completed",
	EventCancelRemaining:   "order.remaining_cancelled",
	EventClose:             "order.closed",
}

// TypeCreated is the o2c.Event type written when an order is created (a
// draft comes into being; no transition).
const TypeCreated = "order.created"

// EventType returns the type of the o2c.Event that announces e
// ("order.placed"), written to the outbox with the change.
func (e Event) EventType() string { return eventTypes[e] }

// Transition is one row of the state machine: Event moves an order in any
// of the From states to To. A row whose To is in From is a self-transition:
// the event is allowed there and leaves the state as it is.
type Transition struct {
	Event Event
	From  []State
	To    State
}

// transitions is the one table the state machine is built from.
//
// Credit: place leads to placed; the credit check then either leaves the
// order placed (approve decision) or holds it. A held order is released or
// rejected by a named user; a released order is approved like a placed one
// (Options.AutoApprove in the Service approves at once), and may be held
// again. Credit control may also hold an approved order before it ships.
//
// Fulfilment: states follow the quantities. ship, deliver and invoice move
// to the partial state of their stage; the order raises complete_* when
// the last open quantity of the stage is done. Once something is delivered
// (or invoiced) the order stays in that stage's partial state while
// backorders ship and deliver (self-transitions).
var transitions = []Transition{
	{EventPlace, []State{StateDraft}, StatePlaced},
	{EventAmend, []State{StateDraft}, StateDraft},
	{EventAmend, []State{StatePlaced}, StatePlaced},
	{EventHold, []State{StatePlaced, StateReleased, StateApproved}, StateOnCreditHold},
	{EventRelease, []State{StateOnCreditHold}, StateReleased},
	{EventReject, []State{StateOnCreditHold}, StateRejected},
	{EventApprove, []State{StatePlaced, StateReleased}, StateApproved},
	{EventCancel, []State{StateDraft, StatePlaced, StateOnCreditHold, StateReleased, StateApproved}, StateCancelled},
	{EventShip, []State{StateApproved, StatePartiallyShipped}, StatePartiallyShipped},
	{EventShip, []State{StatePartiallyDelivered}, StatePartiallyDelivered},
	{EventShip, []State{StatePartiallyInvoiced}, StatePartiallyInvoiced},
	{EventCompleteShipping, []State{StatePartiallyShipped}, StateShipped},
	{EventDeliver, []State{StatePartiallyShipped, StateShipped, StatePartiallyDelivered}, StatePartiallyDelivered},
	{EventDeliver, []State{StatePartiallyInvoiced}, StatePartiallyInvoiced},
	{EventCompleteDelivery, []State{StatePartiallyDelivered}, StateDelivered},
	{EventInvoice, []State{StatePartiallyDelivered, StateDelivered, StatePartiallyInvoiced}, StatePartiallyInvoiced},
	{EventCompleteInvoicing, []State{StatePartiallyInvoiced}, StateInvoiced},
	{EventCancelRemaining, []State{StatePartiallyShipped}, StatePartiallyShipped},
	{EventCancelRemaining, []State{StatePartiallyDelivered}, StatePartiallyDelivered},
	{EventCancelRemaining, []State{StatePartiallyInvoiced}, StatePartiallyInvoiced},
	{EventClose, []State{StateInvoiced}, StateClosed},
}

// Transitions returns a copy of the state machine's table.
func Transitions() []Transition {
	out := make([]Transition, len(transitions))
	for i, t := range transitions {
		out[i] = Transition{Event: t.Event, From: append([]State(nil), t.From...), To: t.To}
	}
	return out
}

// fsmEvents is the table in looplab/fsm's form.
var fsmEvents = func() fsm.Events {
	seen := map[[2]string]bool{}
	evs := make(fsm.Events, 0, len(transitions))
	for _, t := range transitions {
		src := make([]string, len(t.From))
		for i, f := range t.From {
			key := [2]string{t.Event.name, f.name}
			if seen[key] {
				panic(fmt.Sprintf("order: transition table lists (%s, %s) twice", f, t.Event))
			}
			seen[key] = true
			src[i] = f.name
		}
		evs = append(evs, fsm.EventDesc{Name: t.Event.name, Src: src, Dst: t.To.name})
	}
	return evs
}()

// machines recycles looplab/fsm machines built from the table: each use
// sets the state, fires one event and reads the result. The machines have
// no callbacks, so nothing carries over from one use to the next.
var machines = sync.Pool{New: func() any { return fsm.NewFSM(StateDraft.name, fsmEvents, nil) }}

// Next returns the state event e leads to from s, driving a looplab/fsm
// machine built from [Transitions]. An event not allowed in s is a
// *[o2c.TransitionError] (matching [o2c.ErrInvalidTransition]) naming the
// state and the event.
func Next(s State, e Event) (State, error) {
	return next("", s, e)
}

func next(id string, s State, e Event) (State, error) {
	refuse := &o2c.TransitionError{Aggregate: "order", ID: id, State: s.name, Event: e.name}
	if s.IsZero() || e.IsZero() {
		return State{}, refuse
	}
	m := machines.Get().(*fsm.FSM)
	defer machines.Put(m)
	m.SetState(s.name)
	if err := m.Event(context.Background(), e.name); err != nil {
		var same fsm.NoTransitionError
		if !errors.As(err, &same) || same.Err != nil {
			return State{}, refuse
		}
	}
	to, err := ParseState(m.Current())
	if err != nil {
		return State{}, refuse
	}
	return to, nil
}

// Can reports whether e is allowed in s.
func Can(s State, e Event) bool {
	_, err := Next(s, e)
	return err == nil
}

// MermaidDiagram returns the state diagram of [Transitions] in Mermaid's
// stateDiagram-v2 syntax, as looplab/fsm renders it (edges sorted by state,
// then event), with the final states marked. docs/order-states.md holds
// it; a test keeps the two equal.
func MermaidDiagram() string {
	m := fsm.NewFSM(StateDraft.name, fsmEvents, nil)
	out, err := fsm.VisualizeForMermaidWithGraphType(m, fsm.StateDiagram)
	if err != nil {
		panic(fmt.Sprintf("order: render the state diagram: %v", err))
	}
	var b strings.Builder
	b.WriteString(out)
	for _, s := range States() {
		if s.IsFinal() {
			fmt.Fprintf(&b, "    %s --> [*]\n", s.name)
		}
	}
	return b.String()
}

// StatesDocument returns the text of docs/order-states.md: the Mermaid
// diagram of [MermaidDiagram] and the table of [Transitions] in Markdown,
// with the notes that explain them. A test keeps the file equal to it.
func StatesDocument() string {
	var b strings.Builder
	b.WriteString(`# Order states

Generated from the transition table in ` + "`order/state.go`" + ` (` + "`order.Transitions()`" + `)
by ` + "`go test ./order -run StateDiagramDoc -update`" + `; a test fails when this
file and the table disagree. Do not edit by hand.

` + "```mermaid\n")
	b.WriteString(MermaidDiagram())
	b.WriteString("```\n\n")
	b.WriteString(`## Reading it

- **Credit.** ` + "`place`" + ` leads to *placed*; the credit check then leaves the order
  placed (approve) or holds it (*on_credit_hold*, with reason codes). A named
  user releases a hold (*released*) or rejects the order (*rejected*), with a
  note kept on the audit trail. Placed and released orders are approved by
  ` + "`approve`" + ` (the service's AutoApprove option approves as soon as credit
  allows, treating a release as an approval). Credit control may hold a
  released or approved order again before anything ships.
- **Amendments** are allowed in *draft* and *placed* only; the service
  credit-checks an amended placed order again.
- **Fulfilment follows the quantities.** ` + "`ship`, `deliver` and `invoice`" + ` move
  to the partial state of their stage; the order raises
  ` + "`complete_shipping`, `complete_delivery` and `complete_invoicing`" + ` itself
  when the last open quantity of the stage is done. Once something has been
  delivered or invoiced, backorders still ship and deliver without leaving
  that stage's partial state (self-transitions).
- **Cancelling.** ` + "`cancel`" + ` cancels the whole order before anything ships;
  after a partial shipment ` + "`cancel_remaining`" + ` cancels the backorders (never a
  shipped quantity) and the order completes on what was shipped.
- Any other event in a state is refused with ` + "`o2c.ErrInvalidTransition`" + `
  (a ` + "`*o2c.TransitionError`" + ` naming the state and the event).

## Table

| event | from | to | outbox event |
| --- | --- | --- | --- |
`)
	for _, t := range transitions {
		from := make([]string, len(t.From))
		for i, f := range t.From {
			from[i] = f.name
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", t.Event.name, strings.Join(from, ", "), t.To.name, t.Event.EventType())
	}
	return b.String()
}
