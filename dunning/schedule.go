package dunning

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Credit is unapplied payment credit of a customer (one currency): it
// nets against the customer's overdue items like an unused credit note.
type Credit struct {
	Customer o2c.CustomerID
	Amount   o2c.Money
}

// Input is everything the scheduler reads. Nothing in it is changed.
type Input struct {
	// AsOf is the run date.
	AsOf o2c.Date
	// Calendar is the tenant's business calendar (nil: Monday to Friday).
	// Nothing is proposed on a day that is not a business day: what is due
	// then is proposed on the next business day.
	Calendar invoice.BusinessCalendar
	// Plans gives each customer its plan. Required.
	Plans *PlanBook
	// Profiles holds what plan assignment reads about customers (segment,
	// risk class); a customer missing here has an empty profile.
	Profiles map[o2c.CustomerID]Profile
	// Items are the open items of every customer: receivables (invoices,
	// deposit invoices) and unused credit notes, as invoice.Store.OpenItems
	// returns them (Kinds invoice, deposit and credit_note).
	Items []invoice.OpenItem
	// Credits are unapplied payments (invoice.PaymentStore.Unapplied).
	Credits []Credit
	// Promises, Blocks and History come from the [Store].
	Promises []Promise
	Blocks   []Block
	History  []HistoryEntry
	// Rates and FloorRates are the reference rates of the plans'
	// late-payment policies; needed when a due level claims interest.
	Rates, FloorRates invoice.ReferenceRateTable
	// Rounding rounds interest to the minor unit (zero value: half up).
	Rounding o2c.RoundingMode
	// Paid holds the dated settlements of due lines ([invoice.DueLine].Paid:
	// payments at their value dates, credit notes, residual write-offs),
	// keyed by invoice and Seq ([PaidFromDueLines]). Interest on an item
	// with settlements runs over its history: each sum paid bears interest
	// up to its value date, what is still open up to AsOf. An item missing
	// here bears interest on its open amount for the whole late period.
	Paid map[invoice.DueLineKey][]invoice.LatePaymentPart
}

// ProposedItem is an open item a proposed letter covers.
type ProposedItem struct {
	Invoice invoice.ID
	// Seq is the due line (instalment) of the invoice (0: the whole invoice).
	Seq         int
	Number      string
	IssueDate   o2c.Date
	DueDate     o2c.Date
	DaysOverdue int // negative when not yet due (courtesy reminders)
	// Amount is what the letter asks for: the open amount less the part
	// under dispute less the credit netted against it.
	Amount o2c.Money
	// Interest is the late-payment interest up to the run date, when the
	// level claims it; RecoveryFee the fixed fee, when the level claims it
	// and it was not claimed for this invoice before. Zero otherwise.
	Interest    o2c.Money
	RecoveryFee o2c.Money
	// InterestRate is the annual rate in percent of the last interest
	// segment (zero when no interest is claimed).
	InterestRate decimal.Decimal
	// InterestPeriods are the periods Interest was computed on, in date
	// order: each run of days at one rate on one outstanding amount (the
	// outstanding amount drops the day after each payment's value date).
	// Their Interest is shown to 6 decimals; Interest is their exact sum
	// rounded once. Set here only for an item whose history has
	// payments ([Input].Paid); use [ProposedItem.Periods] for every item.
	InterestPeriods []invoice.LateInterestSegment
	// unit is the claim on a principal of 1 for an item charged on its
	// open amount alone (no payments): Periods scales it on demand.
	unit *unitClaim
}

// Periods returns the periods the item's Interest was computed on, in
// date order (see InterestPeriods): for an item without payments in its
// history, one run per rate on Amount. Nil when no interest is claimed.
func (it ProposedItem) Periods() []invoice.LateInterestSegment {
	if len(it.InterestPeriods) > 0 || it.unit == nil {
		return it.InterestPeriods
	}
	return it.unit.scaled(it.Amount)
}

// ProposedLetter is the letter one customer is due in one currency.
type ProposedLetter struct {
	Customer o2c.CustomerID
	Currency o2c.Currency
	// Plan is the plan code; PlanSource says why the customer has it.
	Plan       string
	PlanSource string
	// Level is the index of the level due in the plan, Previous the
	// customer's level before this run (-1 for none).
	Level     int
	Previous  int
	LevelName string
	Channel   Channel
	Template  string
	Items     []ProposedItem
	// Amount is the sum of the items' Amount; Credit the credit netted
	// against the customer's items; Fee the level's fee; Interest and
	// RecoveryFees the sums over items; Total = Amount + Fee + Interest +
	// RecoveryFees when the fees are in the letter's currency (a recovery
	// fee in another currency is left out of Total).
	Amount, Credit, Fee, Interest, RecoveryFees, Total o2c.Money
	// PaymentDeadline is set when the level gives a deadline counted from
	// the run date; DeadlineDays and DeadlineFromReceipt as in [Level].
	PaymentDeadline     o2c.Date
	DeadlineDays        int
	DeadlineFromReceipt bool
	// Reasons say why this level is due, in words.
	Reasons []string
}

// Skip is a customer and currency with something overdue and no letter,
// and why.
type Skip struct {
	Customer o2c.CustomerID
	Currency o2c.Currency
	Reason   string
}

// Proposal is the scheduler's answer for one date.
type Proposal struct {
	AsOf o2c.Date
	// BusinessDay is false when AsOf is not a business day: the proposal
	// is empty and what is due goes out on the next business day.
	BusinessDay bool
	Letters     []ProposedLetter
	Skipped     []Skip
}

type groupKey struct {
	customer o2c.CustomerID
	currency o2c.Currency
}

// lineKey identifies a dunned item: an invoice's due line (seq 0 for an
// item standing for the whole invoice).
type lineKey struct {
	inv invoice.ID
	seq int
}

type itemMark struct {
	level int
	date  o2c.Date
}

type group struct {
	key     groupKey
	items   []int32 // receivables, indices into Input.Items
	credits decimal.Decimal
}

type unitKey struct {
	plan *Plan
	cur  o2c.Currency
	due  o2c.Date
}

type unitClaim struct {
	numerator decimal.Decimal
	divisor   int64
	rate      decimal.Decimal
	segments  []invoice.LateInterestSegment // on a principal of 1
}

// scheduler holds the indexes of one Propose call.
type scheduler struct {
	in        *Input
	blocked   map[o2c.CustomerID]string
	itemBlock map[invoice.ID]bool
	promises  map[o2c.CustomerID][]Promise
	marks     map[lineKey]itemMark
	feeClaim  map[invoice.ID]bool
	deadlines map[groupKey][]int // indices into Input.History of letters with a deadline
	today     map[groupKey]bool
	units     map[unitKey]*unitClaim
	// scratch buffers reused between groups
	order  []int32
	amount []o2c.Money
}

// Propose computes which letters are due on in.AsOf. It is pure: no clock,
// no store, no context; the same input gives the same proposal.
//
// For each customer and currency with a plan (see [PlanBook]):
//
//   - blocked customers (an active [Block] without Invoice) are skipped, and
//     blocked invoices left out; disputed amounts are left out (Open less
//     Disputed), and an item fully disputed is not dunned;
//   - unapplied payments and unused credit notes net against the items,
//     oldest due date first; an item they cover is not dunned;
//   - a promise to pay dated on or after AsOf pauses dunning; once its
//     date has passed with items still overdue the promise is broken and
//     dunning resumes where it stood;
//   - the customer's current level is the highest level of the history
//     letters (not failed) that covered an item still open: a partial
//     payment keeps the level, a full payment takes the customer out;
//   - a courtesy level (negative offset) is passed over when the oldest
//     item is already overdue;
//   - the next level is due when the oldest item left is at least its
//     OffsetDays overdue, the previous letter is at least
//     MinDaysSincePrevious days old and the amount covered reaches
//     MinAmounts; a run climbs at most Plan.MaxStepsPerRun levels (1 by
//     default), and never writes twice for a customer on one date;
//   - a level covers every item at least 1 day overdue, and for a
//     courtesy level (negative offset) also those due within -OffsetDays;
//   - on a day that is not a business day nothing is proposed.
//
// Errors: a *o2c.ValidationError for a missing AsOf or plan book, or when a
// due level claims interest and the rates do not allow computing it (the
// error names the customer).
func Propose(in Input) (Proposal, error) {
	if in.AsOf.IsZero() {
		return Proposal{}, invalid("as_of", "is required", nil)
	}
	if in.Plans == nil {
		return Proposal{}, invalid("plans", "is required", nil)
	}
	out := Proposal{AsOf: in.AsOf, BusinessDay: true}
	cal := in.Calendar
	if cal == nil {
		cal = invoice.BusinessCalendarFunc(nil)
	}
	if !cal.IsBusinessDay(in.AsOf) {
		out.BusinessDay = false
		return out, nil
	}
	s := &scheduler{in: &in}
	s.index()

	groups := make([]group, 0, len(in.Items)/8+1)
	byKey := make(map[groupKey]int32, len(in.Items)/8+1)
	credits := map[groupKey]decimal.Decimal{}
	for i := range in.Items {
		it := &in.Items[i]
		if !it.Status.IsOpen() {
			continue
		}
		k := groupKey{it.Customer, it.Open.Currency()}
		if it.Kind == invoice.KindCreditNote {
			credits[k] = credits[k].Add(it.Open.Amount())
			continue
		}
		gi, ok := byKey[k]
		if !ok {
			gi = int32(len(groups))
			byKey[k] = gi
			groups = append(groups, group{key: k})
		}
		groups[gi].items = append(groups[gi].items, int32(i))
	}
	for _, c := range in.Credits {
		if c.Amount.IsPositive() {
			k := groupKey{c.Customer, c.Amount.Currency()}
			credits[k] = credits[k].Add(c.Amount.Amount())
		}
	}
	out.Letters = make([]ProposedLetter, 0, len(groups))
	for i := range groups {
		g := &groups[i]
		g.credits = credits[g.key]
		letter, skip, err := s.group(g)
		if err != nil {
			return Proposal{}, err
		}
		if letter != nil {
			out.Letters = append(out.Letters, *letter)
		} else if skip != "" {
			out.Skipped = append(out.Skipped, Skip{Customer: g.key.customer, Currency: g.key.currency, Reason: skip})
		}
	}
	return out, nil
}

func (s *scheduler) index() {
	in := s.in
	s.blocked = map[o2c.CustomerID]string{}
	s.itemBlock = map[invoice.ID]bool{}
	for _, b := range in.Blocks {
		if !b.ActiveOn(in.AsOf) {
			continue
		}
		if b.Invoice.IsZero() {
			s.blocked[b.Customer] = b.Reason
		} else {
			s.itemBlock[b.Invoice] = true
		}
	}
	s.promises = map[o2c.CustomerID][]Promise{}
	for _, p := range in.Promises {
		s.promises[p.Customer] = append(s.promises[p.Customer], p)
	}
	s.marks = make(map[lineKey]itemMark, len(in.History))
	s.feeClaim = map[invoice.ID]bool{}
	s.today = map[groupKey]bool{}
	for i, h := range in.History {
		if h.RunDate.After(in.AsOf) {
			continue // a run dated later than AsOf does not exist yet for this proposal
		}
		if h.RunDate == in.AsOf {
			s.today[groupKey{h.Customer, h.Currency}] = true
		}
		if h.Status == LetterFailed {
			continue
		}
		if h.DeadlineDays > 0 {
			if s.deadlines == nil {
				s.deadlines = map[groupKey][]int{}
			}
			k := groupKey{h.Customer, h.Currency}
			s.deadlines[k] = append(s.deadlines[k], i)
		}
		for _, it := range h.Items {
			k := lineKey{it.Invoice, it.Seq}
			m, ok := s.marks[k]
			if !ok || h.Level > m.level || (h.Level == m.level && h.RunDate.After(m.date)) {
				s.marks[k] = itemMark{level: h.Level, date: h.RunDate}
			}
			if it.RecoveryFeeClaimed {
				s.feeClaim[it.Invoice] = true
			}
		}
	}
	s.units = map[unitKey]*unitClaim{}
}

// group decides one customer and currency: a letter, a reason to skip, or
// neither (nothing due).
func (s *scheduler) group(g *group) (*ProposedLetter, string, error) {
	in := s.in
	asOf := in.AsOf
	plan, planWhy := in.Plans.resolve(g.key.customer, in.Profiles[g.key.customer])
	if plan == nil {
		return nil, "", nil
	}
	// Current level and date of the last letter, over the items still open.
	cur, last := -1, o2c.Date{}
	if len(s.marks) > 0 {
		for _, ix := range g.items {
			if m, ok := s.marks[lineKey{in.Items[ix].Invoice, in.Items[ix].Seq}]; ok {
				if m.level > cur {
					cur = m.level
				}
				if m.date.After(last) {
					last = m.date
				}
			}
		}
	}
	if cur >= len(plan.Levels) {
		cur = len(plan.Levels) - 1
	}
	if cur == len(plan.Levels)-1 {
		return nil, "", nil // at the last level: nothing more to send
	}
	first := plan.Levels[cur+1]
	// Eligible items in due-date order, with what is left after disputes.
	s.order = s.order[:0]
	disputedOnly := false
	horizon := min(first.OffsetDays, 1) // the earliest any next level can reach
	for _, ix := range g.items {
		it := &in.Items[ix]
		if it.DueDate.IsZero() || it.DueDate.DaysUntil(asOf) < horizon {
			continue
		}
		if len(s.itemBlock) > 0 && s.itemBlock[it.Invoice] {
			continue
		}
		if !it.Disputed.IsZero() && !it.Undisputed().IsPositive() {
			disputedOnly = true
			continue
		}
		if !it.Open.IsPositive() {
			continue
		}
		s.order = append(s.order, ix)
	}
	if len(s.order) == 0 {
		if disputedOnly {
			return nil, "every overdue amount is disputed", nil
		}
		return nil, "", nil
	}
	if len(s.order) > 1 {
		slices.SortFunc(s.order, func(a, b int32) int {
			if c := in.Items[a].DueDate.Compare(in.Items[b].DueDate); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
	}
	// Cheap exits before any arithmetic.
	if len(s.today) > 0 && s.today[g.key] {
		return nil, "already dunned on " + asOf.String(), nil
	}
	oldestDays := in.Items[s.order[0]].DueDate.DaysUntil(asOf)
	if oldestDays < first.OffsetDays {
		return nil, "", nil
	}
	if r, ok := s.blocked[g.key.customer]; ok {
		return nil, "dunning blocked: " + r, nil
	}
	var reasons []string
	if ps := s.promises[g.key.customer]; len(ps) > 0 {
		var broken o2c.Date
		for _, p := range ps {
			if !p.Currency.IsZero() && p.Currency != g.key.currency {
				continue
			}
			if !p.Date.Before(asOf) {
				return nil, "promise to pay by " + p.Date.String(), nil
			}
			if p.Date.After(broken) && (last.IsZero() || !p.Date.Before(last)) {
				broken = p.Date
			}
		}
		if !broken.IsZero() {
			reasons = append(reasons, "promise to pay by "+broken.String()+" broken")
		}
	}
	// Net disputes and credit, oldest first.
	cur0 := g.key.currency
	s.amount = s.amount[:0]
	credit := g.credits
	creditUsed := decimal.Zero
	for _, ix := range s.order {
		it := &in.Items[ix]
		a := it.Open
		if !it.Disputed.IsZero() {
			a = it.Undisputed()
		}
		if credit.IsPositive() {
			use := decimal.Min(a.Amount(), credit)
			um, _ := o2c.MoneyOf(use, cur0)
			a, _ = a.Sub(um)
			credit = credit.Sub(use)
			creditUsed = creditUsed.Add(use)
		}
		s.amount = append(s.amount, a)
	}
	// Find the level due: climb from cur+1 while the conditions hold.
	target, belowMin, waiting := -1, "", ""
	steps := plan.maxSteps()
	taken := 0
	for n := cur + 1; n < len(plan.Levels) && taken < steps; n++ {
		lvl := &plan.Levels[n]
		if lvl.OffsetDays < 0 && oldestDays > 0 && n+1 < len(plan.Levels) {
			continue // a courtesy reminder makes no sense once the item is overdue
		}
		taken++
		oldest, found := 0, false
		covered := decimal.Zero
		for j, ix := range s.order {
			if !s.amount[j].IsPositive() {
				continue
			}
			d := in.Items[ix].DueDate.DaysUntil(asOf)
			if d < min(lvl.OffsetDays, 1) {
				break
			}
			if !found {
				oldest, found = d, true
			}
			covered = covered.Add(s.amount[j].Amount())
		}
		if !found || oldest < lvl.OffsetDays {
			break
		}
		if taken == 1 && cur >= 0 {
			if notice := s.deadlineOf(g.key, cur); notice != nil {
				// a letter with a deadline (a formal notice): the next
				// level waits for the deadline to expire unpaid
				deadline, known := notice.Deadline()
				if !known {
					waiting = "deadline of the " + notice.LevelName + " of " + notice.RunDate.String() + " runs from its receipt, not recorded yet"
					break
				}
				if !asOf.After(deadline) {
					waiting = "deadline of the " + notice.LevelName + " runs until " + deadline.String()
					break
				}
				reasons = append(reasons, "deadline of the "+notice.LevelName+" expired on "+deadline.String())
			} else if last.DaysUntil(asOf) < lvl.MinDaysSincePrevious {
				break
			}
		}
		if m, ok := amountIn(lvl.MinAmounts, cur0); ok && covered.LessThan(m.Amount()) {
			belowMin = fmt.Sprintf("%s %s below the minimum %s of level %s", covered.StringFixed(cur0.Digits()), cur0, m.AmountString(), lvl.Name)
			break
		}
		target = n
	}
	if target < 0 {
		if creditUsed.IsPositive() && allZero(s.amount) {
			return nil, "credit of " + creditUsed.StringFixed(cur0.Digits()) + " " + cur0.Code() + " covers the overdue items", nil
		}
		if waiting != "" {
			return nil, waiting, nil
		}
		return nil, belowMin, nil
	}
	return s.letter(g, plan, planWhy, cur, last, target, creditUsed, reasons)
}

// deadlineOf returns the latest letter of level of the group that gave a
// deadline, or nil.
func (s *scheduler) deadlineOf(k groupKey, level int) *HistoryEntry {
	var out *HistoryEntry
	for _, i := range s.deadlines[k] {
		h := &s.in.History[i]
		if h.Level == level && (out == nil || !h.RunDate.Before(out.RunDate)) {
			out = h
		}
	}
	return out
}

func allZero(ds []o2c.Money) bool {
	for _, d := range ds {
		if d.IsPositive() {
			return false
		}
	}
	return true
}

func (s *scheduler) letter(g *group, plan *Plan, planWhy string, cur int, last o2c.Date, target int, creditUsed decimal.Decimal, reasons []string) (*ProposedLetter, string, error) {
	in := s.in
	asOf := in.AsOf
	lvl := &plan.Levels[target]
	c := g.key.currency
	zero := o2c.Zero(c)
	l := &ProposedLetter{
		Customer: g.key.customer, Currency: c, Plan: plan.Code, PlanSource: planWhy,
		Level: target, Previous: cur, LevelName: lvl.Name, Channel: lvl.Channel, Template: lvl.Template,
		Amount: zero, Credit: o2c.Money{}, Fee: zero, Interest: zero, RecoveryFees: zero,
	}
	l.Credit, _ = o2c.MoneyOf(creditUsed, c)
	amount, interest, fees := decimal.Zero, decimal.Zero, decimal.Zero
	feeCurrencyNote := false
	threshold := min(lvl.OffsetDays, 1)
	l.Items = make([]ProposedItem, 0, len(s.order))
	for j, ix := range s.order {
		am := s.amount[j]
		if !am.IsPositive() {
			continue
		}
		it := &in.Items[ix]
		d := it.DueDate.DaysUntil(asOf)
		if d < threshold {
			break
		}
		a := am.Amount()
		pi := ProposedItem{Invoice: it.Invoice, Seq: it.Seq, Number: it.Number, IssueDate: it.IssueDate, DueDate: it.DueDate,
			DaysOverdue: d, Amount: am, Interest: zero, RecoveryFee: zero}
		if d > 0 && lvl.ClaimInterest {
			principal := am.Round(in.Rounding)
			if paid := in.Paid[invoice.DueLineKey{Invoice: it.Invoice, Seq: it.Seq}]; len(paid) > 0 {
				claim, err := s.history(plan, principal, it.DueDate, paid)
				if err != nil {
					return nil, "", fmt.Errorf("dunning: customer %s, invoice %s: %w", g.key.customer, it.Number, err)
				}
				pi.Interest, pi.InterestPeriods = claim.Interest, claim.Segments
				if n := len(claim.Segments); n > 0 {
					pi.InterestRate = claim.Segments[n-1].RatePercent
				}
			} else {
				u, err := s.unit(plan, c, it.DueDate)
				if err != nil {
					return nil, "", fmt.Errorf("dunning: customer %s, invoice %s: %w", g.key.customer, it.Number, err)
				}
				v := exactRound(principal.Amount().Mul(u.numerator), u.divisor, c.Digits(), in.Rounding)
				pi.Interest, _ = o2c.MoneyOf(v, c)
				pi.InterestRate = u.rate
				pi.unit = u // periods computed on demand (Periods): Propose stays cheap
			}
			interest = interest.Add(pi.Interest.Amount())
		}
		if d > 0 && lvl.ClaimRecoveryFee && !s.feeClaim[it.Invoice] {
			pol := &plan.LatePayment
			switch {
			case len(pol.RecoveryFees) == 0:
			case pol.Currency != c:
				feeCurrencyNote = true
			default:
				fee, err := pol.RecoveryFee(am)
				if err != nil {
					return nil, "", fmt.Errorf("dunning: customer %s, invoice %s: %w", g.key.customer, it.Number, err)
				}
				if fee.IsPositive() {
					pi.RecoveryFee = fee
					fees = fees.Add(fee.Amount())
				}
			}
		}
		amount = amount.Add(a)
		l.Items = append(l.Items, pi)
	}
	l.Amount, _ = o2c.MoneyOf(amount, c)
	l.Interest, _ = o2c.MoneyOf(interest, c)
	l.RecoveryFees, _ = o2c.MoneyOf(fees, c)
	if f, ok := amountIn(lvl.Fees, c); ok {
		l.Fee = f
	}
	l.Total, _ = o2c.MoneyOf(amount.Add(interest).Add(fees).Add(l.Fee.Amount()), c)
	if lvl.PaymentDeadlineDays > 0 {
		l.DeadlineDays, l.DeadlineFromReceipt = lvl.PaymentDeadlineDays, lvl.DeadlineFromReceipt
		if !lvl.DeadlineFromReceipt {
			l.PaymentDeadline = asOf.AddDays(lvl.PaymentDeadlineDays)
		}
	}
	oldest := l.Items[0]
	why := make([]string, 0, 4+len(reasons))
	if oldest.DaysOverdue < 0 {
		why = append(why, fmt.Sprintf("%s falls due in %d days (level %s from %d days)", nameOf(oldest), -oldest.DaysOverdue, lvl.Name, lvl.OffsetDays))
	} else {
		why = append(why, fmt.Sprintf("%s is %d days overdue (level %s from %d days)", nameOf(oldest), oldest.DaysOverdue, lvl.Name, lvl.OffsetDays))
	}
	if cur >= 0 {
		why = append(why, fmt.Sprintf("previous level %s sent on %s", plan.Levels[cur].Name, last))
	} else {
		why = append(why, "first letter")
	}
	if target > cur+1 && plan.maxSteps() > 1 {
		why = append(why, fmt.Sprintf("plan allows %d steps per run", plan.maxSteps()))
	}
	why = append(why, "plan "+plan.Code+" by "+planWhy)
	if creditUsed.IsPositive() {
		why = append(why, "credit of "+l.Credit.String()+" netted")
	}
	if feeCurrencyNote {
		why = append(why, "recovery fee not claimed: the policy's fees are in "+plan.LatePayment.Currency.Code())
	}
	l.Reasons = append(why, reasons...)
	return l, "", nil
}

func nameOf(it ProposedItem) string {
	if it.Number != "" {
		return "invoice " + it.Number
	}
	return "invoice " + it.Invoice.String()
}

// unit returns the late-payment claim on a principal of 1 for items of
// currency c due on due under plan's policy, computed once per due date
// through invoice.LatePaymentCharges: interest is linear in the principal
// (numerator = principal × Σ rate × days), so the interest on any
// principal is principal × numerator / divisor, rounded once, exactly as
// LatePaymentCharges rounds it.
func (s *scheduler) unit(plan *Plan, c o2c.Currency, due o2c.Date) (*unitClaim, error) {
	k := unitKey{plan, c, due}
	if u, ok := s.units[k]; ok {
		return u, nil
	}
	pol := plan.LatePayment
	pol.RecoveryFees = nil // fees are computed apart, per invoice
	one, err := o2c.MoneyOf(decimal.NewFromInt(1), c)
	if err != nil {
		return nil, err
	}
	claim, err := invoice.LatePaymentCharges(pol, invoice.LatePaymentRequest{
		Principal: one, DueDate: due, Until: s.in.AsOf, Rates: s.in.Rates, FloorRates: s.in.FloorRates,
	}, s.in.Rounding)
	if err != nil {
		return nil, err
	}
	u := &unitClaim{numerator: claim.Numerator, divisor: claim.Divisor, segments: claim.Segments}
	if n := len(claim.Segments); n > 0 {
		u.rate = claim.Segments[n-1].RatePercent
	}
	s.units[k] = u
	return u, nil
}

// scaled returns the unit claim's segments for principal: each segment's
// numerator times principal, its interest recomputed to
// invoice.LateInterestSegmentDigits decimals (half-even), as
// invoice.LatePaymentCharges shows them.
func (u *unitClaim) scaled(principal o2c.Money) []invoice.LateInterestSegment {
	if len(u.segments) == 0 || !principal.IsPositive() {
		return nil
	}
	out := make([]invoice.LateInterestSegment, len(u.segments))
	for i, seg := range u.segments {
		seg.Principal = principal
		seg.Numerator = seg.Numerator.Mul(principal.Amount())
		v := exactRound(seg.Numerator, u.divisor, invoice.LateInterestSegmentDigits, o2c.RoundHalfEven)
		seg.Interest, _ = o2c.MoneyOf(v, principal.Currency())
		out[i] = seg
	}
	return out
}

// history returns the late-payment claim (interest only) of a due line
// whose open amount asked now is open and that was partly settled by paid
// (value-dated): the principal that fell due is open plus everything paid,
// and each sum paid bears interest up to its value date.
func (s *scheduler) history(plan *Plan, open o2c.Money, due o2c.Date, paid []invoice.LatePaymentPart) (invoice.LatePaymentClaim, error) {
	pol := plan.LatePayment
	pol.RecoveryFees = nil // fees are computed apart, per invoice
	principal := open
	for _, p := range paid {
		var err error
		if principal, err = principal.Add(p.Amount); err != nil {
			return invoice.LatePaymentClaim{}, err
		}
	}
	return invoice.LatePaymentCharges(pol, invoice.LatePaymentRequest{
		Principal: principal, Payments: paid, DueDate: due, Until: s.in.AsOf, Rates: s.in.Rates, FloorRates: s.in.FloorRates,
	}, s.in.Rounding)
}

// exactRound returns num / div rounded to digits decimals with mode,
// deciding ties on the exact remainder (never on an approximated
// quotient).
func exactRound(num decimal.Decimal, div int64, digits int32, mode o2c.RoundingMode) decimal.Decimal {
	q, r := num.Shift(digits).QuoRem(decimal.NewFromInt(div), 0)
	frac := int64(0)
	if !r.IsZero() {
		frac = int64(25 * (2 + r.Abs().Mul(decimal.NewFromInt(2)).Cmp(decimal.NewFromInt(div))))
		if r.IsNegative() {
			frac = -frac
		}
	}
	stand := q.Mul(decimal.NewFromInt(100)).Add(decimal.NewFromInt(frac)).Shift(-(digits + 2))
	return mode.Round(stand, digits)
}

// LetterKey is the idempotency key of the letter of level for customer
// in currency on date: "tenant/YYYY-MM-DD/customer/currency/level".
func LetterKey(tenant o2c.TenantID, date o2c.Date, customer o2c.CustomerID, currency o2c.Currency, level string) string {
	var b strings.Builder
	b.Grow(len(tenant) + 11 + 37 + 4 + len(level) + 4)
	b.WriteString(string(tenant))
	b.WriteByte('/')
	b.WriteString(date.String())
	b.WriteByte('/')
	b.WriteString(customer.String())
	b.WriteByte('/')
	b.WriteString(currency.Code())
	b.WriteByte('/')
	b.WriteString(level)
	return b.String()
}
