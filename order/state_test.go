package order_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/order/ordertest"
)

var update = flag.Bool("update", false, "rewrite docs/order-states.md from the transition table")

// lookup reads the table directly, independently of the state machine.
func lookup(s order.State, e order.Event) (order.State, bool) {
	for _, t := range order.Transitions() {
		if t.Event != e {
			continue
		}
		for _, f := range t.From {
			if f == s {
				return t.To, true
			}
		}
	}
	return order.State{}, false
}

// TestEveryStateEventPairFollowsTheTable walks all (state, event) pairs
// through the looplab/fsm machine and compares with the table.
func TestEveryStateEventPairFollowsTheTable(t *testing.T) {
	pairs, allowed := 0, 0
	for _, s := range order.States() {
		for _, e := range order.Events() {
			pairs++
			want, ok := lookup(s, e)
			got, err := order.Next(s, e)
			if ok {
				allowed++
				require.NoError(t, err, "%s in %s", e, s)
				assert.Equal(t, want, got, "%s in %s", e, s)
				assert.True(t, order.Can(s, e))
				continue
			}
			require.Error(t, err, "%s in %s must be refused", e, s)
			require.ErrorIs(t, err, o2c.ErrInvalidTransition)
			var te *o2c.TransitionError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, "order", te.Aggregate)
			assert.Equal(t, s.String(), te.State)
			assert.Equal(t, e.String(), te.Event)
			assert.False(t, order.Can(s, e))
		}
	}
	assert.Equal(t, len(order.States())*len(order.Events()), pairs)
	rows := 0
	for _, tr := range order.Transitions() {
		rows += len(tr.From)
	}
	assert.Equal(t, rows, allowed, "every (from, event) of the table is allowed, nothing else")
}

func TestTableShape(t *testing.T) {
	// every state is reachable from draft, every event is used, and only
	// rejected, closed and cancelled are final
	reached := map[order.State]bool{order.StateDraft: true}
	for changed := true; changed; {
		changed = false
		for _, tr := range order.Transitions() {
			for _, f := range tr.From {
				if reached[f] && !reached[tr.To] {
					reached[tr.To], changed = true, true
				}
			}
		}
	}
	var finals []string
	for _, s := range order.States() {
		assert.True(t, reached[s], "%s is unreachable", s)
		if s.IsFinal() {
			finals = append(finals, s.String())
		}
	}
	assert.Equal(t, []string{"rejected", "closed", "cancelled"}, finals)
	used := map[order.Event]bool{}
	for _, tr := range order.Transitions() {
		used[tr.Event] = true
	}
	for _, e := range order.Events() {
		assert.True(t, used[e], "%s has no row", e)
		assert.True(t, strings.HasPrefix(e.EventType(), "order."), "%s has an event type", e)
	}

	// Transitions returns a copy
	tr := order.Transitions()
	tr[0].From[0] = order.StateClosed
	assert.Equal(t, order.StateDraft, order.Transitions()[0].From[0])

	// closed enums
	for _, s := range order.States() {
		p, err := order.ParseState(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, p)
	}
	_, err := order.ParseState("shipped-ish")
	require.ErrorIs(t, err, o2c.ErrValidation)
	_, err = order.ParseEvent("teleport")
	require.ErrorIs(t, err, o2c.ErrValidation)
	_, err = order.Next(order.State{}, order.EventPlace)
	require.ErrorIs(t, err, o2c.ErrInvalidTransition)
}

// TestStateDiagramDocMatchesTable keeps docs/order-states.md equal to the
// diagram the table produces. Run with -update to rewrite it.
func TestStateDiagramDocMatchesTable(t *testing.T) {
	const path = "../docs/order-states.md"
	want := order.StatesDocument()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err, "run: go test ./order -run StateDiagramDoc -update")
	assert.Equal(t, want, string(got), "docs/order-states.md drifted from the transition table: go test ./order -run StateDiagramDoc -update")
	assert.Contains(t, string(got), "```mermaid\n"+order.MermaidDiagram()+"```")
}

// path builds an order in state s through the order's own methods, with
// something left on line 1 for every stage that allows it.
func inState(t *testing.T, s order.State) *order.Order {
	t.Helper()
	now := ordertest.Now
	q := func(n string) []order.LineQuantity {
		return []order.LineQuantity{{Line: 1, Quantity: ordertest.Dec(n)}}
	}
	o := ordertest.NewOrder(t, "acme", o2c.NewCustomerID())
	all := func(o *order.Order, f func(order.Line) decimal.Decimal) []order.LineQuantity {
		return ordertest.AllLines(o, f)
	}
	steps := map[order.State][]func() error{
		order.StateDraft:        nil,
		order.StatePlaced:       {func() error { return o.Place(now, "") }},
		order.StateOnCreditHold: {func() error { return o.Place(now, "") }, func() error { return o.Hold(now, "ctl", nil, "") }},
		order.StateReleased: {func() error { return o.Place(now, "") }, func() error { return o.Hold(now, "ctl", nil, "") },
			func() error { return o.Release(now, "ctl", "fine") }},
		order.StateRejected: {func() error { return o.Place(now, "") }, func() error { return o.Hold(now, "ctl", nil, "") },
			func() error { return o.Reject(now, "ctl", "no") }},
		order.StateCancelled: {func() error { return o.Cancel(now, "desk", "") }},
	}
	approve := []func() error{func() error { return o.Place(now, "") }, func() error { return o.Approve(now, "") }}
	steps[order.StateApproved] = approve
	steps[order.StatePartiallyShipped] = append(approve[:2:2], func() error { return o.Ship(now, "S1", q("600")) })
	steps[order.StateShipped] = append(approve[:2:2], func() error { return o.Ship(now, "S1", all(o, order.Line.Unshipped)) })
	steps[order.StatePartiallyDelivered] = append(approve[:2:2], func() error { return o.Ship(now, "S1", q("600")) },
		func() error { return o.ConfirmDelivery(now, "D1", q("300")) })
	steps[order.StateDelivered] = append(approve[:2:2], func() error { return o.Ship(now, "S1", all(o, order.Line.Unshipped)) },
		func() error { return o.ConfirmDelivery(now, "D1", all(o, order.Line.InTransit)) })
	steps[order.StatePartiallyInvoiced] = append(approve[:2:2], func() error { return o.Ship(now, "S1", q("600")) },
		func() error { return o.ConfirmDelivery(now, "D1", q("400")) }, func() error { return o.MarkInvoiced(now, "I1", q("200")) })
	steps[order.StateInvoiced] = append(steps[order.StateDelivered][:4:4], func() error { return o.MarkInvoiced(now, "I1", all(o, order.Line.Billable)) })
	steps[order.StateClosed] = append(steps[order.StateInvoiced][:5:5], func() error { return o.Close(now, "desk") })
	list, ok := steps[s]
	require.True(t, ok || s == order.StateDraft, "no path to %s", s)
	for i, step := range list {
		require.NoError(t, step(), "step %d towards %s", i, s)
	}
	require.Equal(t, s, o.State())
	o.PullEvents()
	return o
}

// actions call the order's method for each event a caller can cause,
// with input that the stage's quantities allow.
var actions = map[order.Event]func(o *order.Order) error{
	order.EventPlace: func(o *order.Order) error { return o.Place(ordertest.Now, "") },
	order.EventAmend: func(o *order.Order) error {
		return o.Amend(ordertest.Now, "", func(d *order.Details) error { d.CustomerReference = "PO-9"; return nil })
	},
	order.EventApprove: func(o *order.Order) error { return o.Approve(ordertest.Now, "") },
	order.EventHold:    func(o *order.Order) error { return o.Hold(ordertest.Now, "ctl", nil, "") },
	order.EventRelease: func(o *order.Order) error { return o.Release(ordertest.Now, "ctl", "ok") },
	order.EventReject:  func(o *order.Order) error { return o.Reject(ordertest.Now, "ctl", "no") },
	order.EventCancel:  func(o *order.Order) error { return o.Cancel(ordertest.Now, "desk", "") },
	order.EventShip: func(o *order.Order) error {
		return o.Ship(ordertest.Now, "S-walk", []order.LineQuantity{{Line: 1, Quantity: ordertest.Dec("1")}})
	},
	order.EventDeliver: func(o *order.Order) error {
		return o.ConfirmDelivery(ordertest.Now, "D-walk", []order.LineQuantity{{Line: 1, Quantity: ordertest.Dec("1")}})
	},
	order.EventInvoice: func(o *order.Order) error {
		return o.MarkInvoiced(ordertest.Now, "I-walk", []order.LineQuantity{{Line: 1, Quantity: ordertest.Dec("1")}})
	},
	order.EventCancelRemaining: func(o *order.Order) error { return o.CancelRemaining(ordertest.Now, "desk", "", nil) },
	order.EventClose:           func(o *order.Order) error { return o.Close(ordertest.Now, "desk") },
}

// TestOrderMethodsWalkEveryStateAndEvent drives a real order in every
// state through every event a caller can cause: allowed ones move as the
// table says (followed only by complete_* rows of the table), refused
// ones return a *o2c.TransitionError naming state and event and change
// nothing.
func TestOrderMethodsWalkEveryStateAndEvent(t *testing.T) {
	internal := map[order.Event]bool{order.EventCompleteShipping: true, order.EventCompleteDelivery: true, order.EventCompleteInvoicing: true}
	for _, e := range order.Events() {
		_, callable := actions[e]
		assert.True(t, callable != internal[e], "%s: callable or raised by the order, not both", e)
	}
	for _, s := range order.States() {
		for _, e := range order.Events() {
			act, ok := actions[e]
			if !ok {
				continue
			}
			o := inState(t, s)
			before := ordertest.SnapshotJSON(t, o)
			auditBefore := len(o.Audit())
			err := act(o)
			want, allowed := lookup(s, e)
			if !allowed {
				var te *o2c.TransitionError
				require.ErrorAs(t, err, &te, "%s in %s", e, s)
				assert.Equal(t, s.String(), te.State)
				assert.Equal(t, e.String(), te.Event)
				assert.Equal(t, o.ID().String(), te.ID)
				assert.Equal(t, before, ordertest.SnapshotJSON(t, o), "%s in %s changed the order", e, s)
				assert.Empty(t, o.PendingEvents())
				continue
			}
			require.NoError(t, err, "%s in %s", e, s)
			audit := o.Audit()[auditBefore:]
			require.NotEmpty(t, audit)
			assert.Equal(t, e, audit[0].Event)
			assert.Equal(t, s, audit[0].From)
			assert.Equal(t, want, audit[0].To)
			for _, a := range audit[1:] {
				assert.True(t, internal[a.Event], "only complete_* may follow %s", e)
				to, ok := lookup(a.From, a.Event)
				assert.True(t, ok && to == a.To, "%s from %s is a row of the table", a.Event, a.From)
			}
			assert.Equal(t, audit[len(audit)-1].To, o.State())
			evs := o.PendingEvents()
			require.Len(t, evs, len(audit), "one event per transition")
			for i, ev := range evs {
				assert.Equal(t, audit[i].Event.EventType(), ev.Type)
			}
		}
	}
}
