// Package postmortem learns from defaults. For a customer written off or
// handed to litigation, [Analyze] rebuilds a dated timeline from what the
// SDK recorded (order events with their credit holds, releases and
// approvals; invoices with their payments, disputes and write-offs;
// dunning letters; promises to pay; the master-data gaps found when each
// invoice was issued; the credit limits in force) and runs rules over it
// that point at internal causes: a hold released above the limit, days
// without a reminder after an item fell due, an invoice issued while the
// customer's master data was incomplete, a dispute left unresolved, a
// broken promise, exposure above the limit. Findings are ranked by the
// rule's severity, then by how often it fired. [Summarize] counts, over
// all the defaults of a period, which causes recur.
//
// A customer whose history breaks no rule gets no finding.
package postmortem

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/report"
)

// DefaultKind says how the customer defaulted.
type DefaultKind string

// Kinds of default.
const (
	WrittenOff DefaultKind = "written_off"
	Litigation DefaultKind = "litigation"
)

// Default is the event that ends the story.
type Default struct {
	Kind DefaultKind
	Date o2c.Date
	Note string
}

// Limit is a credit limit in force from a date (until the next one).
type Limit struct {
	From  o2c.Date
	Limit o2c.Money
}

// Readiness is what was missing from the customer's master data when an
// invoice was issued (customer.ReadyToInvoice then).
type Readiness struct {
	Invoice invoice.ID
	Number  string
	Issued  o2c.Date
	Missing []customer.Missing
}

// Promise is a promise to pay and the day it was made (zero: read from
// the promise's time-ordered ID).
type Promise struct {
	Made    o2c.Date
	Promise dunning.Promise
}

// History is one customer's recorded history.
type History struct {
	Customer o2c.CustomerID
	Default  Default
	// Events are order events ("order.*", as order.Service wrote them);
	// events of other customers or aggregates are ignored.
	Events    []o2c.Event
	Items     []report.Item
	Letters   []dunning.HistoryEntry
	Promises  []Promise
	Readiness []Readiness
	Limits    []Limit
}

// Kind of a timeline entry.
type Kind string

// Timeline entry kinds.
const (
	KindOrderPlaced     Kind = "order_placed"
	KindCreditHeld      Kind = "credit_held"
	KindCreditReleased  Kind = "credit_released"
	KindCreditApproved  Kind = "credit_approved"
	KindCreditRejected  Kind = "credit_rejected"
	KindOverLimit       Kind = "exposure_over_limit"
	KindInvoiceIssued   Kind = "invoice_issued"
	KindFellDue         Kind = "fell_due"
	KindLetter          Kind = "letter"
	KindDisputeOpened   Kind = "dispute_opened"
	KindDisputeResolved Kind = "dispute_resolved"
	KindPayment         Kind = "payment"
	KindPromise         Kind = "promise"
	KindPromiseBroken   Kind = "promise_broken"
	KindWriteOff        Kind = "write_off"
	KindDefault         Kind = "default"
)

// Entry is one dated fact of the timeline.
type Entry struct {
	Date   o2c.Date
	At     time.Time // the instant, when the fact has one
	Kind   Kind
	Ref    string    // order ID or invoice number
	Amount o2c.Money // zero Money when none
	By     string
	Detail string
}

// Rule names a finding's rule.
type Rule string

// The rules, most severe first.
const (
	RuleHoldReleasedAboveLimit Rule = "hold_released_above_limit"
	RuleReminderGap            Rule = "reminder_gap"
	RuleExposureOverLimit      Rule = "exposure_over_limit"
	RuleMasterDataGap          Rule = "master_data_gap"
	RuleBrokenPromise          Rule = "broken_promise"
	RuleSlowDispute            Rule = "slow_dispute"
)

// Severity of each rule: a person overriding the limit is the strongest
// sign of an internal cause, a slow dispute the weakest.
var Severity = map[Rule]int{
	RuleHoldReleasedAboveLimit: 6,
	RuleReminderGap:            5,
	RuleExposureOverLimit:      4,
	RuleMasterDataGap:          3,
	RuleBrokenPromise:          2,
	RuleSlowDispute:            1,
}

// Finding is one rule that fired, how often, and the facts behind it.
type Finding struct {
	Rule     Rule
	Severity int
	Count    int
	// Worst is the rule's largest figure (the longest gap in days, the
	// largest excess), in words in Detail.
	Detail string
	Dates  []o2c.Date
}

// Options tune the rules. The zero value uses the defaults.
type Options struct {
	// ReminderGapDays: more days than this past due (or since the last
	// letter) with the item still open and no letter is a gap. Default 14.
	ReminderGapDays int
	// DisputeDays: a dispute open longer than this is slow. Default 30.
	DisputeDays int
	// PromiseGraceDays: payments up to this many days after the promised
	// day still keep the promise. Default 2.
	PromiseGraceDays int
}

func (o Options) normalize() (Options, error) {
	for f, v := range map[string]int{"reminder_gap_days": o.ReminderGapDays, "dispute_days": o.DisputeDays, "promise_grace_days": o.PromiseGraceDays} {
		if v < 0 {
			return o, &o2c.ValidationError{Field: f, Rule: "must not be negative", Value: fmt.Sprint(v)}
		}
	}
	if o.ReminderGapDays == 0 {
		o.ReminderGapDays = 14
	}
	if o.DisputeDays == 0 {
		o.DisputeDays = 30
	}
	if o.PromiseGraceDays == 0 {
		o.PromiseGraceDays = 2
	}
	return o, nil
}

// Report is a customer's post-mortem.
type Report struct {
	Customer o2c.CustomerID
	Default  Default
	Timeline []Entry
	// Findings, most severe first (then most frequent).
	Findings []Finding
}

// Has reports whether rule fired.
func (r Report) Has(rule Rule) bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Rule == rule })
}

type orderState struct {
	exposure order.Exposure
	held     []string // reason codes of the open hold
	ref      string
}

// Analyze builds the customer's timeline and runs the rules. The story
// ends on the default's date (or, without one, on the last recorded fact).
// Errors: *o2c.ValidationError for bad options, a missing customer, an
// invalid item or an undecodable order event.
func Analyze(h History, opts Options) (Report, error) {
	o, err := opts.normalize()
	if err != nil {
		return Report{}, err
	}
	if h.Customer.IsZero() {
		return Report{}, o2c.NewValidationError("customer", "is required")
	}
	for i, it := range h.Items {
		if err := it.Validate(); err != nil {
			return Report{}, fmt.Errorf("postmortem: item %d: %w", i, err)
		}
	}
	rep := Report{Customer: h.Customer, Default: h.Default}
	add := func(e Entry) { rep.Timeline = append(rep.Timeline, e) }
	items := slices.DeleteFunc(slices.Clone(h.Items), func(it report.Item) bool { return it.Customer != h.Customer })
	end := h.Default.Date

	// orders: holds, releases, exposure vs limit
	events := slices.Clone(h.Events)
	slices.SortStableFunc(events, func(a, b o2c.Event) int { return a.OccurredAt.Compare(b.OccurredAt) })
	orders := map[string]*orderState{}
	var released []Entry
	var over []Entry
	for _, e := range events {
		if e.AggregateType != "order" || !strings.HasPrefix(e.Type, "order.") {
			continue
		}
		var p order.EventPayload
		if err := e.Decode(&p); err != nil {
			return Report{}, &o2c.ValidationError{Field: "events.payload", Rule: "must be an order event payload", Value: e.ID.String(), Err: err}
		}
		if p.CustomerID != h.Customer.String() {
			continue
		}
		st := orders[p.OrderID]
		if st == nil {
			st = &orderState{ref: p.OrderID}
			orders[p.OrderID] = st
		}
		st.exposure = p.Exposure
		d := o2c.DateOf(e.OccurredAt)
		base := Entry{Date: d, At: e.OccurredAt, Ref: p.OrderID, Amount: p.Gross, By: p.By}
		switch e.Type {
		case order.EventPlace.EventType():
			base.Kind = KindOrderPlaced
			add(base)
		case order.EventHold.EventType():
			st.held = slices.Clone(p.Reasons)
			base.Kind, base.Detail = KindCreditHeld, strings.TrimSuffix(strings.Join(p.Reasons, ", ")+": "+p.Note, ": ")
			add(base)
		case order.EventRelease.EventType():
			base.Kind, base.Detail = KindCreditReleased, p.Note
			if aboveLimit(st.held) {
				base.Detail = "released above the credit limit (" + strings.Join(st.held, ", ") + "): " + p.Note
				released = append(released, base)
			}
			st.held = nil
			add(base)
		case order.EventApprove.EventType():
			base.Kind = KindCreditApproved
			add(base)
		case order.EventReject.EventType():
			base.Kind, base.Detail = KindCreditRejected, p.Note
			add(base)
		default:
			continue
		}
		if lim, ok := limitOn(h.Limits, d); ok {
			exp, err := exposureOn(orders, items, d, lim.Currency())
			if err == nil {
				if c, _ := exp.Cmp(lim); c > 0 {
					x, _ := exp.Sub(lim)
					oe := Entry{Date: d, At: e.OccurredAt, Kind: KindOverLimit, Ref: p.OrderID, Amount: exp,
						Detail: fmt.Sprintf("exposure %s above the limit %s by %s", exp, lim, x)}
					if !slices.ContainsFunc(over, func(x Entry) bool { return x.Ref == oe.Ref }) {
						add(oe) // once per order in the timeline
					}
					over = append(over, oe)
				}
			}
		}
	}

	// invoices, payments, disputes, write-offs
	var slow []Entry
	for _, it := range items {
		add(Entry{Date: it.IssueDate, Kind: KindInvoiceIssued, Ref: it.Number, Amount: it.Gross})
		add(Entry{Date: it.DueDate, Kind: KindFellDue, Ref: it.Number, Amount: it.Gross})
		for _, m := range it.Movements {
			k := KindPayment
			if m.Kind == report.MovementWriteOff {
				k = KindWriteOff
			} else if m.Kind != report.MovementPayment {
				continue
			}
			add(Entry{Date: m.Date, Kind: k, Ref: it.Number, Amount: m.Amount})
		}
		for _, d := range it.Disputes {
			add(Entry{Date: d.Opened, Kind: KindDisputeOpened, Ref: it.Number, Amount: d.Amount, Detail: string(d.Reason)})
			closed := d.Resolved
			if closed.IsZero() {
				closed = storyEnd(end, rep.Timeline)
			} else {
				add(Entry{Date: d.Resolved, Kind: KindDisputeResolved, Ref: it.Number, Amount: d.Credited,
					Detail: fmt.Sprintf("%s after %d days", d.Outcome, d.Opened.DaysUntil(d.Resolved))})
			}
			if n := d.Opened.DaysUntil(closed); n > o.DisputeDays {
				slow = append(slow, Entry{Date: d.Opened, Ref: it.Number, Detail: fmt.Sprintf("dispute on %s (%s) open %d days", it.Number, d.Reason, n)})
			}
		}
	}
	letters := slices.Clone(h.Letters)
	letters = slices.DeleteFunc(letters, func(l dunning.HistoryEntry) bool {
		return l.Customer != h.Customer || l.Status == dunning.LetterFailed
	})
	slices.SortStableFunc(letters, func(a, b dunning.HistoryEntry) int { return a.RunDate.Compare(b.RunDate) })
	for _, l := range letters {
		add(Entry{Date: l.RunDate, At: l.CreatedAt, Kind: KindLetter, Ref: l.LevelName, Amount: l.Total, Detail: fmt.Sprintf("%s by %s, %d item(s)", l.LevelName, l.Channel, len(l.Items))})
	}
	var broken []Entry
	for _, pr := range h.Promises {
		p := pr.Promise
		if p.Customer != h.Customer {
			continue
		}
		made := pr.Made
		if made.IsZero() && p.ID.UUID().Version() == 7 {
			sec, nsec := p.ID.UUID().Time().UnixTime()
			made = o2c.DateOf(time.Unix(sec, nsec))
		}
		add(Entry{Date: cmp.Or(made, p.Date), Kind: KindPromise, Amount: p.Amount, Detail: "promised to pay by " + p.Date.String()})
		deadline := p.Date.AddDays(o.PromiseGraceDays)
		if !end.IsZero() && !deadline.Before(end) {
			continue // not yet due when the story ended
		}
		paid := o2c.Money{}
		for _, it := range items {
			for _, m := range it.Movements {
				if m.Kind == report.MovementPayment && !m.Date.After(deadline) && (made.IsZero() || !m.Date.Before(made)) {
					paid, _ = addMoney(paid, m.Amount)
				}
			}
		}
		keptBy := p.Amount
		if keptBy.Currency().IsZero() || !keptBy.IsPositive() {
			if paid.IsPositive() {
				continue
			}
		} else if c, err := paid.Cmp(keptBy); err == nil && c >= 0 {
			continue
		}
		be := Entry{Date: deadline, Kind: KindPromiseBroken, Amount: p.Amount, Detail: fmt.Sprintf("promise of %s by %s not kept", p.Amount, p.Date)}
		add(be)
		broken = append(broken, be)
	}
	if !h.Default.Date.IsZero() {
		add(Entry{Date: h.Default.Date, Kind: KindDefault, Detail: string(h.Default.Kind) + ": " + h.Default.Note})
	}
	slices.SortStableFunc(rep.Timeline, func(a, b Entry) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return a.At.Compare(b.At)
	})
	end = storyEnd(end, rep.Timeline)

	// findings
	if len(released) > 0 {
		by := map[string]int{}
		var dates []o2c.Date
		for _, r := range released {
			by[r.By]++
			dates = append(dates, r.Date)
		}
		var who []string
		for name, n := range by {
			who = append(who, fmt.Sprintf("%s %d", name, n))
		}
		slices.Sort(who)
		rep.add(RuleHoldReleasedAboveLimit, len(released), fmt.Sprintf("hold released %d time(s) above the credit limit (by %s)", len(released), strings.Join(who, ", ")), dates)
	}
	if gaps := reminderGaps(items, letters, end, o.ReminderGapDays); len(gaps) > 0 {
		worst := slices.MaxFunc(gaps, func(a, b gap) int { return a.days - b.days })
		var dates []o2c.Date
		for _, g := range gaps {
			dates = append(dates, g.from)
		}
		rep.add(RuleReminderGap, len(gaps), fmt.Sprintf("%d days without a reminder after due on %s (from %s), %d gap(s) over %d days",
			worst.days, worst.ref, worst.from, len(gaps), o.ReminderGapDays), dates)
	}
	if len(over) > 0 {
		var dates []o2c.Date
		seen := map[string]bool{}
		for _, e := range over {
			if !seen[e.Ref] {
				seen[e.Ref] = true
				dates = append(dates, e.Date)
			}
		}
		rep.add(RuleExposureOverLimit, len(seen), fmt.Sprintf("exposure above the limit when %d order(s) were placed or decided, first on %s: %s", len(seen), over[0].Date, over[0].Detail), dates)
	}
	var gapsMD []string
	var mdDates []o2c.Date
	for _, r := range h.Readiness {
		if len(r.Missing) == 0 {
			continue
		}
		what := make([]string, len(r.Missing))
		for i, m := range r.Missing {
			what[i] = m.String()
		}
		gapsMD = append(gapsMD, fmt.Sprintf("%s issued on %s with %s missing", r.Number, r.Issued, strings.Join(what, ", ")))
		mdDates = append(mdDates, r.Issued)
	}
	if len(gapsMD) > 0 {
		rep.add(RuleMasterDataGap, len(gapsMD), "invoice sent while master data was incomplete: "+strings.Join(gapsMD, "; "), mdDates)
	}
	if len(broken) > 0 {
		var dates []o2c.Date
		for _, b := range broken {
			dates = append(dates, b.Date)
		}
		rep.add(RuleBrokenPromise, len(broken), fmt.Sprintf("%d promise(s) to pay broken, first: %s", len(broken), broken[0].Detail), dates)
	}
	if len(slow) > 0 {
		var dates []o2c.Date
		var what []string
		for _, s := range slow {
			dates = append(dates, s.Date)
			what = append(what, s.Detail)
		}
		rep.add(RuleSlowDispute, len(slow), strings.Join(what, "; "), dates)
	}
	slices.SortStableFunc(rep.Findings, func(a, b Finding) int {
		if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(string(a.Rule), string(b.Rule))
	})
	return rep, nil
}

func (r *Report) add(rule Rule, n int, detail string, dates []o2c.Date) {
	r.Findings = append(r.Findings, Finding{Rule: rule, Severity: Severity[rule], Count: n, Detail: detail, Dates: dates})
}

func aboveLimit(reasons []string) bool {
	for _, r := range reasons {
		if r == order.ReasonCreditLimit || r == "group_credit_limit_exceeded" {
			return true
		}
	}
	return false
}

func limitOn(ls []Limit, d o2c.Date) (o2c.Money, bool) {
	var best *Limit
	for i := range ls {
		if !ls[i].From.After(d) && (best == nil || ls[i].From.After(best.From)) {
			best = &ls[i]
		}
	}
	if best == nil {
		return o2c.Money{}, false
	}
	return best.Limit, true
}

func exposureOn(orders map[string]*orderState, items []report.Item, d o2c.Date, cur o2c.Currency) (o2c.Money, error) {
	total := o2c.Zero(cur)
	var err error
	for _, st := range orders {
		if st.exposure.OpenOrder.Currency() == cur {
			total, _ = total.Add(st.exposure.OpenOrder)
		}
		if st.exposure.UninvoicedDelivery.Currency() == cur {
			total, _ = total.Add(st.exposure.UninvoicedDelivery)
		}
	}
	for _, it := range items {
		if it.Currency != cur {
			continue
		}
		if open, ok := it.OpenAt(d); ok {
			total, err = total.Add(open)
		}
	}
	return total, err
}

func addMoney(a, b o2c.Money) (o2c.Money, error) {
	if a.Currency().IsZero() {
		return b, nil
	}
	return a.Add(b)
}

func storyEnd(end o2c.Date, tl []Entry) o2c.Date {
	if !end.IsZero() {
		return end
	}
	for _, e := range tl {
		if e.Date.After(end) {
			end = e.Date
		}
	}
	return end
}

type gap struct {
	ref  string
	from o2c.Date
	days int
}

// reminderGaps finds, for each item, the longest stretch after its due
// date while it was open with no letter covering it: from the due date
// to the first letter, between letters, and from the last letter to the
// day it closed (or the story's end).
func reminderGaps(items []report.Item, letters []dunning.HistoryEntry, end o2c.Date, limit int) []gap {
	var out []gap
	for _, it := range items {
		closed := closedOn(it, end)
		if !closed.After(it.DueDate) {
			continue
		}
		var dates []o2c.Date
		for _, l := range letters {
			if l.RunDate.After(it.DueDate) && l.RunDate.Before(closed) && covers(l, it) {
				dates = append(dates, l.RunDate)
			}
		}
		prev, worst := it.DueDate, gap{ref: it.Number}
		for _, d := range append(dates, closed) {
			if n := prev.DaysUntil(d); n > worst.days {
				worst.days, worst.from = n, prev
			}
			prev = d
		}
		if worst.days > limit {
			out = append(out, worst)
		}
	}
	return out
}

func covers(l dunning.HistoryEntry, it report.Item) bool {
	for _, x := range l.Items {
		if x.Invoice == it.Invoice && (x.Seq == it.Seq || x.Seq == 0 || it.Seq == 0) {
			return true
		}
	}
	return false
}

// closedOn is the first day the item had nothing open, or end.
func closedOn(it report.Item, end o2c.Date) o2c.Date {
	dates := []o2c.Date{}
	for _, m := range it.Movements {
		dates = append(dates, m.Date)
	}
	slices.SortFunc(dates, func(a, b o2c.Date) int { return a.Compare(b) })
	for _, d := range dates {
		if !end.IsZero() && d.After(end) {
			break
		}
		if open, _ := it.OpenAt(d); !open.IsPositive() {
			return d
		}
	}
	return end
}

// Cause is one rule's weight over the defaults of a period.
type Cause struct {
	Rule Rule
	// Defaults is the number of defaults where the rule fired, Occurrences
	// how often in all.
	Defaults    int
	Occurrences int
}

// Summary says which internal causes recur over the defaults of a
// period.
type Summary struct {
	Period   report.Period
	Defaults int
	// Causes, most widespread first (then most severe).
	Causes []Cause
	// Clean is the number of defaults where no rule fired.
	Clean int
}

// Summarize counts the findings of the reports whose default falls in p.
func Summarize(reports []Report, p report.Period) (Summary, error) {
	if err := p.Validate(); err != nil {
		return Summary{}, err
	}
	s := Summary{Period: p}
	by := map[Rule]*Cause{}
	for _, r := range reports {
		if r.Default.Date.IsZero() || r.Default.Date.Before(p.From) || r.Default.Date.After(p.To) {
			continue
		}
		s.Defaults++
		if len(r.Findings) == 0 {
			s.Clean++
		}
		for _, f := range r.Findings {
			c := by[f.Rule]
			if c == nil {
				c = &Cause{Rule: f.Rule}
				by[f.Rule] = c
			}
			c.Defaults++
			c.Occurrences += f.Count
		}
	}
	for _, c := range by {
		s.Causes = append(s.Causes, *c)
	}
	slices.SortFunc(s.Causes, func(a, b Cause) int {
		if c := cmp.Compare(b.Defaults, a.Defaults); c != 0 {
			return c
		}
		if c := cmp.Compare(Severity[b.Rule], Severity[a.Rule]); c != 0 {
			return c
		}
		return strings.Compare(string(a.Rule), string(b.Rule))
	})
	return s, nil
}
