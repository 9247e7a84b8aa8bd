package invoice_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

var update = flag.Bool("update", false, "rewrite docs/invoice-states.md from the transition table")

var now = time.Date(2026, time.January, 15, 10, 0, 0, 0, time.UTC)

func allowed(s invoice.State, tr invoice.Trigger) (invoice.State, bool) {
	for _, row := range invoice.Transitions() {
		if row.Trigger == tr && slices.Contains(row.From, s) {
			return row.To, true
		}
	}
	return "", false
}

// TestNextWalksEveryStateAndTrigger checks the machine looplab/fsm builds
// from the table against the table itself, for every (state, trigger).
func TestNextWalksEveryStateAndTrigger(t *testing.T) {
	pairs := 0
	for _, s := range invoice.States() {
		for _, tr := range invoice.Triggers() {
			got, err := invoice.Next(s, tr)
			if to, ok := allowed(s, tr); ok {
				require.NoError(t, err, "%s --%s-->", s, tr)
				assert.Equal(t, to, got, "%s --%s-->", s, tr)
				pairs++
				continue
			}
			var te *o2c.TransitionError
			require.ErrorAs(t, err, &te, "%s --%s--> must be refused", s, tr)
			require.ErrorIs(t, err, o2c.ErrInvalidTransition)
			assert.Equal(t, string(s), te.State)
			assert.Equal(t, string(tr), te.Event)
			assert.Equal(t, s, got, "a refused trigger leaves the state")
		}
	}
	assert.Equal(t, 22, pairs, "rows × sources in the table")
	_, err := invoice.Next(invoice.StateIssued, "teleport")
	require.ErrorIs(t, err, o2c.ErrInvalidTransition)

	// every state is reachable from draft, and only the final ones are stuck
	reach := map[invoice.State]bool{invoice.StateDraft: true}
	for changed := true; changed; {
		changed = false
		for _, row := range invoice.Transitions() {
			for _, f := range row.From {
				if reach[f] && !reach[row.To] {
					reach[row.To], changed = true, true
				}
			}
		}
	}
	for _, s := range invoice.States() {
		assert.True(t, reach[s], "%s is reachable", s)
	}
	var final []invoice.State
	for _, s := range invoice.States() {
		if s.IsFinal() {
			final = append(final, s)
		}
	}
	assert.Equal(t, []invoice.State{invoice.StateWrittenOff, invoice.StateSettledByCredit}, final)

	// Transitions returns a copy
	tr := invoice.Transitions()
	tr[0].From[0] = invoice.StatePaid
	assert.Equal(t, invoice.StateDraft, invoice.Transitions()[0].From[0])

	// the enum is closed
	var s invoice.State
	require.ErrorIs(t, json.Unmarshal([]byte(`"lost"`), &s), o2c.ErrValidation)
	require.NoError(t, json.Unmarshal([]byte(`"paid"`), &s))
	assert.Equal(t, invoice.StatePaid, s)
}

// TestStatesDocMatchesTable keeps docs/invoice-states.md equal to what the
// table generates. Run with -update to rewrite it.
func TestStatesDocMatchesTable(t *testing.T) {
	const path = "../docs/invoice-states.md"
	want := invoice.StatesDocument()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err, "run: go test ./invoice -run StatesDoc -update")
	assert.Equal(t, want, string(got), "docs/invoice-states.md drifted from the transition table: go test ./invoice -run StatesDoc -update")
	assert.Contains(t, string(got), "```mermaid\n"+invoice.MermaidDiagram()+"```")
	for _, row := range invoice.Transitions() {
		for _, f := range row.From {
			assert.Contains(t, string(got), fmt.Sprintf("    %s --> %s: %s\n", f, row.To, row.Trigger))
		}
	}
}

func zeroLine(amount string) invoice.Line {
	return invoice.Line{Description: "Service", Quantity: decimal.NewFromInt(1), UnitPrice: eur(amount), TaxCategory: tax.ZeroRated}
}

func newDraft(t *testing.T, amount string) *invoice.Invoice {
	t.Helper()
	inv, err := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{
		Customer: o2c.NewCustomerID(), Currency: o2c.EUR, Lines: []invoice.Line{zeroLine(amount)}, Terms: invoice.NetTerms(30),
	}, now)
	require.NoError(t, err)
	return inv
}

func issued(t *testing.T, amount string) *invoice.Invoice {
	t.Helper()
	inv := newDraft(t, amount)
	require.NoError(t, inv.Issue("T-1", o2c.DateOf(now), invoice.BusinessDayShift{}, now))
	return inv
}

func pay(t *testing.T, inv *invoice.Invoice, amount string) {
	t.Helper()
	require.NoError(t, inv.ApplyPayment(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "", eur(amount), 0, now))
}

func credit(t *testing.T, inv *invoice.Invoice, amount string) {
	t.Helper()
	require.NoError(t, inv.ApplyCredit(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Invoice](), "CN-1", eur(amount), now))
}

func dispute(t *testing.T, inv *invoice.Invoice, amount string) {
	t.Helper()
	_, err := inv.OpenDispute(invoice.DisputeInput{Amount: eur(amount), Reason: invoice.ReasonQuality, Actor: "ann"}, now)
	require.NoError(t, err)
}

// fixtures are invoices brought into every state through their own
// methods, in the variants the triggers need (settled by a payment or by a
// credit, one or two payments, with or without a settlement under a
// dispute).
func fixtures(t *testing.T) []struct {
	name string
	inv  *invoice.Invoice
} {
	type fx = struct {
		name string
		inv  *invoice.Invoice
	}
	var out []fx
	add := func(name string, build func(inv *invoice.Invoice)) {
		inv := issued(t, "100.00")
		build(inv)
		out = append(out, fx{name, inv})
	}
	out = append(out, fx{"draft", newDraft(t, "100.00")})
	add("issued", func(*invoice.Invoice) {})
	add("partially paid by a payment", func(inv *invoice.Invoice) { pay(t, inv, "30.00") })
	add("partially paid by two payments", func(inv *invoice.Invoice) { pay(t, inv, "30.00"); pay(t, inv, "10.00") })
	add("partially paid by a credit", func(inv *invoice.Invoice) { credit(t, inv, "30.00") })
	add("paid by one payment", func(inv *invoice.Invoice) { pay(t, inv, "100.00") })
	add("paid by two payments", func(inv *invoice.Invoice) { pay(t, inv, "60.00"); pay(t, inv, "40.00") })
	add("disputed", func(inv *invoice.Invoice) { dispute(t, inv, "20.00") })
	add("disputed after a payment", func(inv *invoice.Invoice) { pay(t, inv, "30.00"); dispute(t, inv, "20.00") })
	add("disputed after two payments", func(inv *invoice.Invoice) { pay(t, inv, "30.00"); pay(t, inv, "10.00"); dispute(t, inv, "20.00") })
	add("written off", func(inv *invoice.Invoice) { require.NoError(t, inv.WriteOff("bankrupt", "cfo", now)) })
	add("written off after a payment", func(inv *invoice.Invoice) {
		pay(t, inv, "30.00")
		require.NoError(t, inv.WriteOff("bankrupt", "cfo", now))
	})
	add("settled by credit", func(inv *invoice.Invoice) { credit(t, inv, "100.00") })
	return out
}

func lastActivePayment(inv *invoice.Invoice) (invoice.Settlement, bool) {
	sts := inv.Settlements()
	for i := len(sts) - 1; i >= 0; i-- {
		if sts[i].Kind == invoice.SettledByPayment && !sts[i].Reversed {
			return sts[i], true
		}
	}
	return invoice.Settlement{}, false
}

func activeSettlements(inv *invoice.Invoice, except invoice.AllocationID) int {
	n := 0
	for _, s := range inv.Settlements() {
		if !s.Reversed && s.ID != except {
			n++
		}
	}
	return n
}

func openDispute(inv *invoice.Invoice) (invoice.Dispute, bool) {
	for _, d := range inv.Disputes() {
		if d.Status == invoice.DisputeOpen {
			return d, true
		}
	}
	return invoice.Dispute{}, false
}

// operation is a method call on an invoice and the trigger it fires; ok
// is false when the call's precondition cannot hold in that invoice (no
// payment to reverse, no dispute to resolve).
type operation struct {
	name    string
	trigger func(inv *invoice.Invoice) (invoice.Trigger, bool)
	do      func(inv *invoice.Invoice) error
}

var operations = []operation{
	{"issue", func(*invoice.Invoice) (invoice.Trigger, bool) { return invoice.TriggerIssue, true },
		func(inv *invoice.Invoice) error {
			return inv.Issue("T-2", o2c.DateOf(now), invoice.BusinessDayShift{}, now)
		}},
	{"pay part", func(*invoice.Invoice) (invoice.Trigger, bool) { return invoice.TriggerSettlePart, true },
		func(inv *invoice.Invoice) error {
			return inv.ApplyPayment(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "", eur("1.00"), 0, now)
		}},
	{"pay the rest", func(inv *invoice.Invoice) (invoice.Trigger, bool) {
		return invoice.TriggerSettle, inv.Disputed().IsZero()
	}, func(inv *invoice.Invoice) error {
		return inv.ApplyPayment(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "", inv.Undisputed(), 0, now)
	}},
	{"credit the rest", func(inv *invoice.Invoice) (invoice.Trigger, bool) {
		for _, s := range inv.Settlements() {
			if s.Kind == invoice.SettledByPayment && !s.Reversed {
				return invoice.TriggerSettle, inv.Disputed().IsZero()
			}
		}
		return invoice.TriggerSettleByCredit, inv.Disputed().IsZero()
	}, func(inv *invoice.Invoice) error {
		return inv.ApplyCredit(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Invoice](), "CN-9", inv.Undisputed(), now)
	}},
	{"dispute", func(*invoice.Invoice) (invoice.Trigger, bool) { return invoice.TriggerDispute, true },
		func(inv *invoice.Invoice) error {
			_, err := inv.OpenDispute(invoice.DisputeInput{Amount: eur("1.00"), Reason: invoice.ReasonOther, Actor: "x"}, now)
			return err
		}},
	{"reject the dispute", func(inv *invoice.Invoice) (invoice.Trigger, bool) {
		_, ok := openDispute(inv)
		if activeSettlements(inv, invoice.AllocationID{}) > 0 {
			return invoice.TriggerClearDisputePart, ok
		}
		return invoice.TriggerClearDispute, ok
	}, func(inv *invoice.Invoice) error {
		d, _ := openDispute(inv)
		return inv.ResolveDispute(d.ID, o2c.Money{}, invoice.ID{}, "bob", "rejected", now)
	}},
	{"reverse a payment", func(inv *invoice.Invoice) (invoice.Trigger, bool) {
		s, ok := lastActivePayment(inv)
		if activeSettlements(inv, s.ID) > 0 {
			return invoice.TriggerReopenPart, ok
		}
		return invoice.TriggerReopen, ok
	}, func(inv *invoice.Invoice) error {
		s, _ := lastActivePayment(inv)
		_, err := inv.ReverseSettlement(s.ID, "bounced", now)
		return err
	}},
	{"write off", func(*invoice.Invoice) (invoice.Trigger, bool) { return invoice.TriggerWriteOff, true },
		func(inv *invoice.Invoice) error { return inv.WriteOff("lost", "cfo", now) }},
}

// TestEveryOperationInEveryState runs every state-changing method on an
// invoice in every state: it succeeds and lands where the table says
// exactly when the table has the (state, trigger) row; otherwise it is a
// *o2c.TransitionError and the invoice is unchanged. Every row of the
// table must be exercised.
func TestEveryOperationInEveryState(t *testing.T) {
	type pair struct {
		s  invoice.State
		tr invoice.Trigger
	}
	covered := map[pair]bool{}
	for _, fx := range fixtures(t) {
		for _, op := range operations {
			tr, ok := op.trigger(fx.inv)
			if !ok {
				continue
			}
			t.Run(fx.name+"/"+op.name, func(t *testing.T) {
				inv, err := invoice.FromSnapshot(fx.inv.Snapshot())
				require.NoError(t, err)
				from := inv.Status()
				before, err := json.Marshal(inv.Snapshot())
				require.NoError(t, err)
				err = op.do(inv)
				if to, ok := allowed(from, tr); ok {
					require.NoError(t, err)
					assert.Equal(t, to, inv.Status())
					covered[pair{from, tr}] = true
					return
				}
				var te *o2c.TransitionError
				require.ErrorAs(t, err, &te, "%s must refuse %s", from, tr)
				assert.Equal(t, string(from), te.State)
				after, err := json.Marshal(inv.Snapshot())
				require.NoError(t, err)
				assert.JSONEq(t, string(before), string(after), "a refused operation changes nothing")
				assert.Empty(t, inv.PendingEvents(), "and records no event")
			})
		}
	}
	for _, row := range invoice.Transitions() {
		for _, f := range row.From {
			assert.True(t, covered[pair{f, row.Trigger}], "row %s --%s--> %s is exercised", f, row.Trigger, row.To)
		}
	}
}

// A second dispute on a disputed invoice, and the first one's resolution
// while the second is open: the invoice stays disputed until the last.
func TestDisputedUntilTheLastDisputeCloses(t *testing.T) {
	inv := issued(t, "100.00")
	dispute(t, inv, "20.00")
	dispute(t, inv, "30.00")
	assert.Equal(t, "50.00 EUR", inv.Disputed().String())
	ds := inv.Disputes()
	require.NoError(t, inv.ResolveDispute(ds[0].ID, o2c.Money{}, invoice.ID{}, "bob", "", now))
	assert.Equal(t, invoice.StateDisputed, inv.Status())
	require.NoError(t, inv.ResolveDispute(ds[1].ID, o2c.Money{}, invoice.ID{}, "bob", "", now))
	assert.Equal(t, invoice.StateIssued, inv.Status())
	err := inv.ResolveDispute(ds[1].ID, o2c.Money{}, invoice.ID{}, "bob", "", now)
	require.True(t, errors.Is(err, invoice.ErrDisputeClosed))
}

func TestSettledByCreditReadsTheOldCancelledName(t *testing.T) {
	var s invoice.State
	require.NoError(t, s.UnmarshalText([]byte("cancelled")))
	assert.Equal(t, invoice.StateSettledByCredit, s, "documents stored before the rename load as settled by credit")
	require.NoError(t, s.UnmarshalText([]byte("settled_by_credit")))
	assert.Equal(t, invoice.StateSettledByCredit, s)
	assert.ErrorIs(t, s.UnmarshalText([]byte("annulled")), o2c.ErrValidation)
}
