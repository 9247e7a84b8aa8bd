// Package insurance keeps credit insurance in the cycle: the cover an
// insurer grants on each buyer ([Cover]: amount, currency, validity, the
// insurer's reference), the credit limit it allows ([EnforcedLimit], wired
// into package credit's limit check by [Sync] through a small interface),
// the insurer's deadlines as dated tasks on a business-day calendar
// ([PlanTasks]: declare an overdue — "menace de sinistre" — before the
// policy's maximum extension period ends, then file the claim within its
// deadline), tracked to completion, and a report of insured vs uninsured
// exposure ([Exposure]).
package insurance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

var one = decimal.NewFromInt(1)

// Cover is the credit limit an insurer grants on one buyer.
type Cover struct {
	Buyer     o2c.CustomerID `json:"buyer"`
	Insurer   string         `json:"insurer"`
	Reference string         `json:"reference"`
	Amount    o2c.Money      `json:"amount"`
	// From and Until bound the cover, both days included.
	From  o2c.Date `json:"from"`
	Until o2c.Date `json:"until"`
	// Quota is the share of an insured loss the insurer pays (zero: 1).
	Quota   decimal.Decimal `json:"quota"`
	Version int64           `json:"version"`
}

// Key identifies the cover: insurer and reference.
func (c Cover) Key() string { return c.Insurer + "/" + c.Reference }

// Validate reports the first rule c breaks as a *o2c.ValidationError.
func (c Cover) Validate() error {
	bad := func(f, rule, v string) error { return &o2c.ValidationError{Field: "cover." + f, Rule: rule, Value: v} }
	switch {
	case c.Buyer.IsZero():
		return bad("buyer", "is required", "")
	case strings.TrimSpace(c.Insurer) == "" || len(c.Insurer) > 100 || strings.Contains(c.Insurer, "/"):
		return bad("insurer", "must be 1-100 bytes without '/'", c.Insurer)
	case strings.TrimSpace(c.Reference) == "" || len(c.Reference) > 100:
		return bad("reference", "must be 1-100 bytes", c.Reference)
	case c.Amount.Currency().IsZero() || !c.Amount.IsPositive() || !c.Amount.IsRounded():
		return bad("amount", "must be a positive amount rounded to the minor unit", c.Amount.String())
	case c.From.IsZero() || c.Until.IsZero():
		return bad("until", "from and until are required", "")
	case c.Until.Before(c.From):
		return bad("until", "must not be before from", c.Until.String())
	case c.Quota.IsNegative() || c.Quota.GreaterThan(one):
		return bad("quota", "must be between 0 and 1", c.Quota.String())
	}
	return nil
}

// ActiveOn reports whether the cover is in force on d.
func (c Cover) ActiveOn(d o2c.Date) bool { return !d.Before(c.From) && !d.After(c.Until) }

func (c Cover) quota() decimal.Decimal {
	if c.Quota.IsZero() {
		return one
	}
	return c.Quota
}

// State of a buyer's cover on a day.
type State string

// States.
const (
	// Uninsured: the buyer never had a cover (up to that day).
	Uninsured State = "uninsured"
	// Covered: a cover is in force.
	Covered State = "covered"
	// Expired: the buyer had a cover and none is in force any more.
	Expired State = "expired"
)

// CoverOn returns the buyer's cover in force on d (the largest when
// several are) and the state.
func CoverOn(covers []Cover, buyer o2c.CustomerID, d o2c.Date) (Cover, State) {
	var best *Cover
	had := false
	for i := range covers {
		c := &covers[i]
		if c.Buyer != buyer || c.From.After(d) {
			continue
		}
		had = true
		if c.ActiveOn(d) && (best == nil || c.Amount.Amount().GreaterThan(best.Amount.Amount())) {
			best = c
		}
	}
	switch {
	case best != nil:
		return *best, Covered
	case had:
		return Cover{}, Expired
	}
	return Cover{}, Uninsured
}

// LimitPolicy says what limit a buyer gets without cover in force.
type LimitPolicy struct {
	// OwnRisk is the most the seller lends a buyer whose cover expired, at
	// its own risk (zero: nothing).
	OwnRisk o2c.Money
}

// EnforcedLimit returns the limit to enforce on a buyer on d given the
// limit granted: with a cover in force, the lower of the two (the cover in
// the granted limit's currency: a cover in another currency is refused);
// after the buyer's cover expired, the lower of the granted limit and
// OwnRisk, so an expired cover lowers the limit; a buyer who never had a
// cover keeps the granted limit.
func EnforcedLimit(granted o2c.Money, covers []Cover, buyer o2c.CustomerID, d o2c.Date, p LimitPolicy) (o2c.Money, State, error) {
	c, st := CoverOn(covers, buyer, d)
	switch st {
	case Covered:
		if c.Amount.Currency() != granted.Currency() {
			return o2c.Money{}, st, &o2c.CurrencyMismatchError{Op: "insured limit", Left: granted.Currency(), Right: c.Amount.Currency()}
		}
		m, _ := granted.Min(c.Amount)
		return m, st, nil
	case Expired:
		own := p.OwnRisk
		if own.Currency().IsZero() {
			own = o2c.Zero(granted.Currency())
		}
		m, err := granted.Min(own)
		return m, st, err
	}
	return granted, st, nil
}

// ProfileUpdater is the part of credit's store (or *credit.Checker) Sync
// needs: a credit.Store or the checker satisfy it.
type ProfileUpdater interface {
	UpdateProfile(ctx context.Context, customer o2c.CustomerID, fn func(p *credit.Profile) error) (*credit.Profile, error)
}

var (
	_ ProfileUpdater = (credit.Store)(nil)
	_ ProfileUpdater = (*credit.Checker)(nil)
)

// farFuture ends an own-risk cap: it holds until a new cover replaces it.
var farFuture = o2c.MustDate(9999, 12, 31)

// Sync writes the buyer's insurance on d into its credit profile, so that
// credit's limit check enforces [EnforcedLimit]: a cover in force becomes
// the profile's Insurance (the checker caps the limit with it while it
// lasts); after the cover expired, with an own-risk allowance, the profile
// is capped at OwnRisk until a new cover is synced; without one, the
// expired cover stays on the profile and the checker, run with
// credit.Policy.HoldExpiredCover, holds the buyer's orders
// (credit.ReasonCoverExpired). A buyer who never had a cover is left
// alone. Run it daily (and when a cover changes). Errors: the store's
// (o2c.ErrNotFound when the buyer has no credit profile).
func Sync(ctx context.Context, profiles ProfileUpdater, covers []Cover, buyer o2c.CustomerID, d o2c.Date, p LimitPolicy) (*credit.Profile, error) {
	c, st := CoverOn(covers, buyer, d)
	var in *credit.Insurance
	switch st {
	case Uninsured:
		return nil, nil
	case Covered:
		in = &credit.Insurance{Insurer: c.Insurer + " " + c.Reference, Amount: c.Amount, Expires: c.Until}
	case Expired:
		last := lastCover(covers, buyer, d)
		if !p.OwnRisk.Currency().IsZero() && p.OwnRisk.IsPositive() {
			in = &credit.Insurance{Insurer: fmt.Sprintf("own risk (cover %s %s ended %s)", last.Insurer, last.Reference, last.Until), Amount: p.OwnRisk, Expires: farFuture}
		} else {
			in = &credit.Insurance{Insurer: last.Insurer + " " + last.Reference, Amount: last.Amount, Expires: last.Until}
		}
	}
	return profiles.UpdateProfile(ctx, buyer, func(pr *credit.Profile) error {
		pr.Insurance = in
		return nil
	})
}

func lastCover(covers []Cover, buyer o2c.CustomerID, d o2c.Date) Cover {
	var last Cover
	for _, c := range covers {
		if c.Buyer == buyer && !c.From.After(d) && (last.Until.IsZero() || c.Until.After(last.Until)) {
			last = c
		}
	}
	return last
}

// ExposureRow is one buyer's exposure and how much of it is insured.
type ExposureRow struct {
	Buyer    o2c.CustomerID
	State    State
	Cover    o2c.Money // zero Money when none in force
	Exposure o2c.Money
	// Insured = min(Exposure, Cover); Uninsured the rest; Indemnity what
	// the insurer would pay on a total loss of the insured part (x quota,
	// half up).
	Insured, Uninsured, Indemnity o2c.Money
}

// ExposureReport is insured vs uninsured exposure on a day, in one
// currency.
type ExposureReport struct {
	AsOf     o2c.Date
	Currency o2c.Currency
	Buyers   []ExposureRow
	// Totals.
	Exposure, Insured, Uninsured, Indemnity o2c.Money
}

// Exposure reports insured vs uninsured exposure on asOf: exposure per
// buyer in cur (from the host: credit exposure, or [ReceivablesExposure])
// against its cover in force. A cover in another currency than cur is a
// *o2c.CurrencyMismatchError.
func Exposure(exposure map[o2c.CustomerID]o2c.Money, covers []Cover, asOf o2c.Date, cur o2c.Currency) (ExposureReport, error) {
	z := o2c.Zero(cur)
	r := ExposureReport{AsOf: asOf, Currency: cur, Exposure: z, Insured: z, Uninsured: z, Indemnity: z}
	for buyer, e := range exposure {
		if e.Currency() != cur {
			return ExposureReport{}, &o2c.CurrencyMismatchError{Op: "exposure of " + buyer.String(), Left: cur, Right: e.Currency()}
		}
		c, st := CoverOn(covers, buyer, asOf)
		row := ExposureRow{Buyer: buyer, State: st, Exposure: e, Insured: z, Indemnity: z, Cover: z}
		if st == Covered {
			if c.Amount.Currency() != cur {
				return ExposureReport{}, &o2c.CurrencyMismatchError{Op: "cover " + c.Key(), Left: cur, Right: c.Amount.Currency()}
			}
			row.Cover = c.Amount
			if e.IsPositive() {
				row.Insured, _ = e.Min(c.Amount)
				row.Indemnity = row.Insured.MulRound(c.quota(), o2c.RoundHalfUp)
			}
		}
		row.Uninsured, _ = e.Sub(row.Insured)
		r.Buyers = append(r.Buyers, row)
		r.Exposure, _ = r.Exposure.Add(e)
		r.Insured, _ = r.Insured.Add(row.Insured)
		r.Uninsured, _ = r.Uninsured.Add(row.Uninsured)
		r.Indemnity, _ = r.Indemnity.Add(row.Indemnity)
	}
	slices.SortFunc(r.Buyers, func(a, b ExposureRow) int { return strings.Compare(a.Buyer.String(), b.Buyer.String()) })
	return r, nil
}

// ReceivablesExposure sums the open receivables of each buyer in cur on
// asOf (undisputed or not: the insurer covers the debt).
func ReceivablesExposure(items []report.Item, asOf o2c.Date, cur o2c.Currency) map[o2c.CustomerID]o2c.Money {
	out := map[o2c.CustomerID]o2c.Money{}
	for _, it := range items {
		if it.Currency != cur {
			continue
		}
		if open, ok := it.OpenAt(asOf); ok && open.IsPositive() {
			prev, seen := out[it.Customer]
			if !seen {
				prev = o2c.Zero(cur)
			}
			out[it.Customer], _ = prev.Add(open)
		}
	}
	return out
}

// Terms are an insurance policy's deadlines.
type Terms struct {
	Insurer string
	// DeclareDays: an overdue must be declared to the insurer (menace de
	// sinistre) at the latest this many calendar days after the original
	// due date (the maximum extension period). A deadline that is not a
	// business day moves back to the business day before: never late.
	DeclareDays int
	// NoticeDays: the declare task is raised this many calendar days after
	// the due date (zero: the day after it), to give dunning its chance.
	NoticeDays int
	// ClaimBusinessDays: the claim is due this many business days after
	// the overdue was declared.
	ClaimBusinessDays int
	// Calendar is the insurer's business calendar (nil: Monday to Friday),
	// e.g. invoice.FrenchBusinessCalendar().
	Calendar invoice.BusinessCalendar
}

// Validate checks the deadlines.
func (t Terms) Validate() error {
	switch {
	case strings.TrimSpace(t.Insurer) == "":
		return o2c.NewValidationError("terms.insurer", "is required")
	case t.DeclareDays < 1:
		return &o2c.ValidationError{Field: "terms.declare_days", Rule: "must be at least 1", Value: fmt.Sprint(t.DeclareDays)}
	case t.NoticeDays < 0 || t.NoticeDays > t.DeclareDays:
		return &o2c.ValidationError{Field: "terms.notice_days", Rule: "must be between 0 and declare_days", Value: fmt.Sprint(t.NoticeDays)}
	case t.ClaimBusinessDays < 1:
		return &o2c.ValidationError{Field: "terms.claim_business_days", Rule: "must be at least 1", Value: fmt.Sprint(t.ClaimBusinessDays)}
	}
	return nil
}

func (t Terms) businessDay(d o2c.Date) bool {
	if t.Calendar == nil {
		return invoice.BusinessCalendarFunc(nil).IsBusinessDay(d)
	}
	return t.Calendar.IsBusinessDay(d)
}

// DeclareDeadline is the last day to declare an item due on due: due +
// DeclareDays, moved back to a business day.
func (t Terms) DeclareDeadline(due o2c.Date) o2c.Date {
	d := due.AddDays(t.DeclareDays)
	for i := 0; i < 366 && !t.businessDay(d); i++ {
		d = d.AddDays(-1)
	}
	return d
}

// ClaimDeadline is the last day to file the claim on an overdue declared
// on declared: ClaimBusinessDays business days after it.
func (t Terms) ClaimDeadline(declared o2c.Date) o2c.Date {
	d, n := declared, 0
	for i := 0; i < 3660 && n < t.ClaimBusinessDays; i++ {
		d = d.AddDays(1)
		if t.businessDay(d) {
			n++
		}
	}
	return d
}

// TaskKind is what the insurer must be told.
type TaskKind string

// Task kinds.
const (
	DeclareOverdue TaskKind = "declare_overdue"
	FileClaim      TaskKind = "file_claim"
)

// TaskStatus is where a task stands.
type TaskStatus string

// Task statuses.
const (
	TaskOpen TaskStatus = "open"
	TaskDone TaskStatus = "done"
	// TaskCancelled: the item was paid before the task was done.
	TaskCancelled TaskStatus = "cancelled"
)

// Task is an obligation towards the insurer with its deadline.
type Task struct {
	// Key is "kind/invoice/seq": one task of a kind per due line.
	Key     string         `json:"key"`
	Kind    TaskKind       `json:"kind"`
	Insurer string         `json:"insurer"`
	Cover   string         `json:"cover"` // the cover's reference
	Buyer   o2c.CustomerID `json:"buyer"`
	Invoice invoice.ID     `json:"invoice"`
	Seq     int            `json:"seq"`
	Number  string         `json:"number"`
	// Amount is what was open when the task was raised.
	Amount o2c.Money  `json:"amount"`
	Raised o2c.Date   `json:"raised"`
	Due    o2c.Date   `json:"due"`
	Status TaskStatus `json:"status"`
	// Done is when it was done, Reference the insurer's acknowledgement.
	Done      o2c.Date `json:"done,omitzero"`
	Reference string   `json:"reference,omitempty"`
	Version   int64    `json:"version"`
}

// Late reports whether the task was (or is, on d) past its deadline.
func (t Task) Late(d o2c.Date) bool {
	if t.Status == TaskDone {
		return t.Done.After(t.Due)
	}
	return t.Status == TaskOpen && d.After(t.Due)
}

// ErrTaskClosed: the task is already done or cancelled.
var ErrTaskClosed = errors.New("insurance: task already closed")

// Complete marks the task done on d with the insurer's reference.
func (t *Task) Complete(d o2c.Date, reference string) error {
	switch {
	case t.Status != TaskOpen:
		return fmt.Errorf("%w: %s is %s", ErrTaskClosed, t.Key, t.Status)
	case d.IsZero():
		return o2c.NewValidationError("done", "is required")
	case d.Before(t.Raised):
		return &o2c.ValidationError{Field: "done", Rule: "must not be before the task was raised", Value: d.String()}
	case strings.TrimSpace(reference) == "" || len(reference) > 200:
		return &o2c.ValidationError{Field: "reference", Rule: "must be 1-200 bytes: the insurer's acknowledgement", Value: reference}
	}
	t.Status, t.Done, t.Reference = TaskDone, d, reference
	return nil
}

func taskKey(k TaskKind, inv invoice.ID, seq int) string {
	return fmt.Sprintf("%s/%s/%d", k, inv, seq)
}

// PlanTasks returns what changes on asOf given the tasks already known:
// new declare tasks for items of insured buyers (cover in force on the
// due date) still open NoticeDays after their due date, a claim task for
// each declare task done (due ClaimBusinessDays business days after the
// declaration), and open declare tasks whose item was paid in full
// before they were done, cancelled. It is idempotent: a task of the same
// key is never raised twice. Tasks of other insurers are left alone.
func PlanTasks(terms Terms, covers []Cover, items []report.Item, existing []Task, asOf o2c.Date) ([]Task, error) {
	if err := terms.Validate(); err != nil {
		return nil, err
	}
	if asOf.IsZero() {
		return nil, o2c.NewValidationError("as_of", "is required")
	}
	known := map[string]Task{}
	for _, t := range existing {
		known[t.Key] = t
	}
	var out []Task
	for i, it := range items {
		if err := it.Validate(); err != nil {
			return nil, fmt.Errorf("insurance: item %d: %w", i, err)
		}
		c, st := CoverOn(covers, it.Customer, it.DueDate)
		if st != Covered || c.Insurer != terms.Insurer {
			continue
		}
		dk := taskKey(DeclareOverdue, it.Invoice, it.Seq)
		decl, has := known[dk]
		raiseOn := it.DueDate.AddDays(max(terms.NoticeDays, 1))
		open, _ := it.OpenAt(asOf)
		switch {
		case !has && !asOf.Before(raiseOn):
			atRaise, _ := it.OpenAt(raiseOn)
			if !atRaise.IsPositive() {
				continue
			}
			if !open.IsPositive() {
				continue // paid since: nothing to declare any more
			}
			out = append(out, Task{Key: dk, Kind: DeclareOverdue, Insurer: c.Insurer, Cover: c.Reference, Buyer: it.Customer,
				Invoice: it.Invoice, Seq: it.Seq, Number: it.Number, Amount: open, Raised: raiseOn,
				Due: terms.DeclareDeadline(it.DueDate), Status: TaskOpen})
		case has && decl.Status == TaskOpen && !open.IsPositive():
			decl.Status = TaskCancelled
			out = append(out, decl)
		case has && decl.Status == TaskDone:
			ck := taskKey(FileClaim, it.Invoice, it.Seq)
			if _, ok := known[ck]; ok {
				continue
			}
			out = append(out, Task{Key: ck, Kind: FileClaim, Insurer: c.Insurer, Cover: c.Reference, Buyer: it.Customer,
				Invoice: it.Invoice, Seq: it.Seq, Number: it.Number, Amount: open, Raised: decl.Done,
				Due: terms.ClaimDeadline(decl.Done), Status: TaskOpen})
		}
	}
	slices.SortFunc(out, func(a, b Task) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out, nil
}
