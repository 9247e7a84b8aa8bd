package invoice

import (
	"slices"
	"sort"

	"github.com/cashcycle/sdk/o2c"
)

// SettledByWriteOff marks, in [SettlementFacts], the part of an
// instalment written off as a loss by [Invoice.WriteOff] (a residual
// write-off within tolerance is [SettledByResidualWriteOff]).
const SettledByWriteOff SettlementKind = "write_off"

// WriteOffAllocation is the allocation name [SettlementFacts] gives the
// write-off of a whole invoice, which has no allocation ID of its own.
const WriteOffAllocation = "write-off"

// DueLine is one instalment of an issued document as an open item: the
// unit of receivables that dunning, late interest, aging, DSO/CEI, credit
// exposure, the cash-in forecast and matching read. An invoice without a
// schedule has one due line; one paid in three instalments has three,
// each with its own due date, amount, discount and open amount.
//
// The embedded OpenItem describes the document (number, kind, status,
// customer, issue date, order reference, the document's Gross), except
// that DueDate, Open and Disputed are the line's own.
type DueLine struct {
	OpenItem
	// Seq numbers the line on its document, from 1, in due-date order.
	Seq int
	// Lines is the number of due lines of the document.
	Lines int
	// Amount is what the line was for when issued; Open (in OpenItem) is
	// what is left of it.
	Amount o2c.Money
	// Discount is the early-payment discount of the line's terms (zero:
	// none); its deadline counts from the issue date.
	Discount EarlyPaymentDiscount
	// ClosedOn is the day from which nothing was open on the line any more
	// (the value date of the settlement that closed it), zero while the
	// line is open. A line is open as of a day D when it was issued on or
	// before D and ClosedOn is zero or after D.
	ClosedOn o2c.Date
	// Paid is what settled part of the line and still counts (payments at
	// their value dates, credit notes and residual write-offs at their
	// days; reversed ones left out), in date order: the history late
	// interest runs on ([LatePaymentRequest].Payments).
	Paid []LatePaymentPart
}

// Item returns the line as an open item of its own: the document's
// columns with the line's due date, open and disputed amounts, and Seq
// set. Consumers written for open items (dunning) read due lines so.
func (l DueLine) Item() OpenItem {
	o := l.OpenItem
	o.Seq = l.Seq
	return o
}

// Key returns the line's identity: invoice and sequence.
func (l DueLine) Key() DueLineKey { return DueLineKey{Invoice: l.Invoice, Seq: l.Seq} }

// DueLineKey identifies a due line.
type DueLineKey struct {
	Invoice ID
	Seq     int
}

// SettlementFact is one dated reduction of one due line: the part of a
// settlement (payment, credit note, residual write-off) or of a write-off
// that went to the line, dated by the day it took effect. Reports and the
// SQL settlement table are built from these facts: the open amount of a
// line at the end of day D is its amount less the facts active on D.
type SettlementFact struct {
	Invoice ID
	// Allocation is the settlement's allocation ID, or
	// [WriteOffAllocation] for the write-off of the whole invoice.
	Allocation string
	Seq        int
	Kind       SettlementKind
	// Date is when it took effect ([Settlement.Date]; the write-off's day).
	Date   o2c.Date
	Amount o2c.Money
	// ReversedOn is the day it stopped counting (zero: never).
	ReversedOn o2c.Date
}

// ActiveOn reports whether the fact reduces the line at the end of day d.
func (f SettlementFact) ActiveOn(d o2c.Date) bool {
	return !f.Date.After(d) && (f.ReversedOn.IsZero() || f.ReversedOn.After(d))
}

// SettlementFacts returns the dated facts of an issued invoice or deposit
// invoice, settlement by settlement in the order they were recorded, each
// split by instalment; the write-off of the whole invoice comes last. A
// credit note or a draft has none.
func SettlementFacts(inv *Invoice) []SettlementFact {
	if inv == nil || inv.kind == KindCreditNote || inv.status == StateDraft {
		return nil
	}
	var out []SettlementFact
	for _, s := range inv.settlements {
		for _, p := range s.Parts {
			out = append(out, SettlementFact{Invoice: inv.id, Allocation: s.ID.String(), Seq: p.Seq, Kind: s.Kind,
				Date: s.Date(), Amount: p.Amount, ReversedOn: s.ReversedOn()})
		}
	}
	if w := inv.writeOff; w != nil && w.Amount.IsPositive() {
		parts := w.Parts
		if len(parts) == 0 {
			parts = writeOffParts(inv)
		}
		for _, p := range parts {
			out = append(out, SettlementFact{Invoice: inv.id, Allocation: WriteOffAllocation, Seq: p.Seq, Kind: SettledByWriteOff,
				Date: o2c.DateOf(w.At), Amount: p.Amount})
		}
	}
	return out
}

// writeOffParts rebuilds the parts of a write-off recorded without them:
// what the active settlements left open on each instalment (nothing
// changes an invoice after its write-off).
func writeOffParts(inv *Invoice) []InstalmentPart {
	var parts []InstalmentPart
	for _, in := range inv.instalments {
		left := in.Amount
		for _, s := range inv.settlements {
			if s.Reversed {
				continue
			}
			for _, p := range s.Parts {
				if p.Seq == in.Seq {
					left, _ = left.Sub(p.Amount)
				}
			}
		}
		if left.IsPositive() {
			parts = append(parts, InstalmentPart{Seq: in.Seq, Amount: left})
		}
	}
	return parts
}

// closedOn returns the first day from which the line stays settled under
// facts (zero when it is open now).
func closedOn(amount o2c.Money, seq int, facts []SettlementFact) o2c.Date {
	ps := settledPeriods(amount, seq, facts)
	if n := len(ps); n > 0 && ps[n-1].To.IsZero() {
		return ps[n-1].From
	}
	return o2c.Date{}
}

// SettledPeriod is a run of days [From, To) on which nothing was open on a
// due line; To is zero for a line that stays settled from From on.
type SettledPeriod struct {
	From, To o2c.Date
}

// settledPeriods returns the runs of days on which the line's open
// amount was zero under facts, in order.
func settledPeriods(amount o2c.Money, seq int, facts []SettlementFact) []SettledPeriod {
	var days []o2c.Date
	for _, f := range facts {
		if f.Seq != seq {
			continue
		}
		days = append(days, f.Date)
		if !f.ReversedOn.IsZero() {
			days = append(days, f.ReversedOn)
		}
	}
	slices.SortFunc(days, func(a, b o2c.Date) int { return a.Compare(b) })
	days = slices.Compact(days)
	var out []SettledPeriod
	for _, d := range days {
		open := amount.Amount()
		for _, f := range facts {
			if f.Seq == seq && f.ActiveOn(d) {
				open = open.Sub(f.Amount.Amount())
			}
		}
		n := len(out)
		closed := n > 0 && out[n-1].To.IsZero()
		switch {
		case open.Sign() <= 0 && !closed:
			out = append(out, SettledPeriod{From: d})
		case open.Sign() > 0 && closed:
			out[n-1].To = d
		}
	}
	return out
}

// SettledPeriods returns the runs of days on which nothing was open on
// the line, under facts (the document's [SettlementFacts]); the last one
// is open-ended (To zero) when the line is settled now, and starts on
// ClosedOn.
func (l DueLine) SettledPeriods(facts []SettlementFact) []SettledPeriod {
	var own []SettlementFact
	for _, f := range facts {
		if f.Invoice == l.Invoice && f.Seq == l.Seq {
			own = append(own, f)
		}
	}
	return settledPeriods(l.Amount, l.Seq, own)
}

// DueLinesOf returns every due line of an issued document, settled ones
// included (Open zero), in sequence order; none for a draft. The
// document's disputed amount is spread over its open lines from the last
// due first (a dispute holds back what is due last, like a credit).
func DueLinesOf(inv *Invoice) []DueLine {
	if inv == nil || inv.status == StateDraft || len(inv.instalments) == 0 {
		return nil
	}
	item := OpenItemOf(inv)
	facts := SettlementFacts(inv)
	out := make([]DueLine, len(inv.instalments))
	disputed := inv.Disputed()
	zero := o2c.Zero(inv.Currency())
	for i := len(inv.instalments) - 1; i >= 0; i-- {
		in := inv.instalments[i]
		l := DueLine{OpenItem: item, Seq: in.Seq, Lines: len(inv.instalments), Amount: in.Amount, Discount: inv.lineDiscount(i)}
		l.DueDate, l.Open, l.Disputed = in.DueDate, in.Open, zero
		if disputed.IsPositive() && in.Open.IsPositive() {
			l.Disputed, _ = disputed.Min(in.Open)
			disputed, _ = disputed.Sub(l.Disputed)
		}
		for _, f := range facts {
			if f.Seq == in.Seq && f.ReversedOn.IsZero() {
				l.Paid = append(l.Paid, LatePaymentPart{Date: f.Date, Amount: f.Amount})
			}
		}
		sort.SliceStable(l.Paid, func(a, b int) bool { return l.Paid[a].Date.Before(l.Paid[b].Date) })
		if !in.Open.IsPositive() {
			l.ClosedOn = closedOn(in.Amount, in.Seq, facts)
			if l.ClosedOn.IsZero() { // closed without a dated fact (a zero-gross document)
				l.ClosedOn = inv.issueDate
			}
		}
		out[i] = l
	}
	return out
}

// lineDiscount returns the early-payment discount of instalment i.
func (inv *Invoice) lineDiscount(i int) EarlyPaymentDiscount {
	if len(inv.draft.Schedule) > 0 && i < len(inv.draft.Schedule) {
		return inv.draft.Schedule[i].Terms.Discount
	}
	return inv.draft.Terms.Discount
}

// DueLines returns the document's due lines ([DueLinesOf]).
func (inv *Invoice) DueLines() []DueLine { return DueLinesOf(inv) }

// MatchLine reports whether the due line l passes f (not its paging): the
// document passes f and the line is open, due on or before f.DueTo when
// set.
func (f OpenItemFilter) MatchLine(l DueLine) bool {
	return l.Open.IsPositive() && f.Match(l.OpenItem)
}

// SortDueLines sorts by due date, then invoice ID, then sequence: the
// order of [Store.DueLines].
func SortDueLines(lines []DueLine) {
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if a.DueDate != b.DueDate {
			return a.DueDate.Before(b.DueDate)
		}
		if a.Invoice != b.Invoice {
			return a.Invoice.String() < b.Invoice.String()
		}
		return a.Seq < b.Seq
	})
}

// OpenAt returns what was open on the line at the end of day d under
// facts (the document's [SettlementFacts]), and whether the document was
// issued by then.
func (l DueLine) OpenAt(d o2c.Date, facts []SettlementFact) (o2c.Money, bool) {
	if l.IssueDate.After(d) {
		return o2c.Zero(l.Amount.Currency()), false
	}
	open := l.Amount
	for _, f := range facts {
		if f.Invoice == l.Invoice && f.Seq == l.Seq && f.ActiveOn(d) {
			open, _ = open.Sub(f.Amount)
		}
	}
	return open, true
}
