package credit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/telemetry"
)

// Point is where in an order's life a credit check runs. It is a closed set.
type Point struct{ name string }

// The check points.
var (
	// PointOrder: the order is placed or amended (order.Service calls
	// [Checker.CheckOrder]).
	PointOrder = Point{"order"}
	// PointShipment: the order is released for shipment.
	PointShipment = Point{"shipment"}
	// PointDelivery: goods are about to be delivered.
	PointDelivery = Point{"delivery"}
)

// String returns the point's name.
func (p Point) String() string { return p.name }

// Checks says which checks run at a point.
type Checks struct {
	// Limit: exposure plus the order over the credit limit (customer's,
	// group's or the tenant default).
	Limit bool
	// Overdue: open receivables overdue by more than Policy.OverdueDays.
	Overdue bool
	// Blocked: the customer's profile is blocked.
	Blocked bool
	// Review: the profile's review date has passed.
	Review bool
	// Risk: the customer's risk class is one of Policy.HoldRisk.
	Risk bool
}

// AllChecks returns the checks that run every check.
func AllChecks() Checks {
	return Checks{Limit: true, Overdue: true, Blocked: true, Review: true, Risk: true}
}

// Tolerance is how much an order released from a hold may grow before a
// later check point holds it again: the lower of Amount (in the order's
// currency) and Percent of its value at release, of those set. The zero
// value tolerates no growth.
type Tolerance struct {
	Amount  o2c.Money
	Percent decimal.Decimal
}

// allowance returns how much released may grow.
func (t Tolerance) allowance(released o2c.Money) o2c.Money {
	var out []o2c.Money
	if !t.Amount.Currency().IsZero() && t.Amount.Currency() == released.Currency() {
		out = append(out, t.Amount)
	}
	if t.Percent.IsPositive() {
		out = append(out, released.Mul(t.Percent).Mul(decimal.New(1, -2)))
	}
	if len(out) == 0 {
		return o2c.Zero(released.Currency())
	}
	m := out[0]
	if len(out) == 2 && out[1].Amount().LessThan(m.Amount()) {
		m = out[1]
	}
	return m
}

// Policy configures the checks. The zero value runs every check at every
// point, holds for any overdue item (OverdueDays 0), holds no risk class
// and, without any limit, checks no limit.
type Policy struct {
	// Points maps each point to its checks; nil runs [AllChecks]
	// everywhere. A point missing from a non-nil map runs no check.
	Points map[Point]Checks
	// OverdueDays: an open, undisputed receivable more than this many days
	// past its due date holds the order.
	OverdueDays int
	// HoldRisk lists the risk classes that hold every order.
	HoldRisk []RiskClass
	// RequireLimit holds orders of customers with no limit at all (no own
	// limit, no group, no tenant default).
	RequireLimit bool
	// Tolerance is how much a released order may grow (see [Tolerance]).
	Tolerance Tolerance
	// HoldExpiredCover holds orders of customers whose credit-insurance
	// cover has expired (checked with the limit check) until the cover is
	// renewed or removed. Without it an expired cover simply stops capping
	// the limit.
	HoldExpiredCover bool
}

func (p Policy) checks(at Point) Checks {
	if p.Points == nil {
		return AllChecks()
	}
	return p.Points[at]
}

// Validate checks the overdue days and the tolerance.
func (p Policy) Validate() error {
	switch {
	case p.OverdueDays < 0:
		return invalid("policy.overdue_days", "must not be negative", fmt.Sprint(p.OverdueDays))
	case p.Tolerance.Amount.IsNegative():
		return invalid("policy.tolerance.amount", "must not be negative", p.Tolerance.Amount.String())
	case p.Tolerance.Percent.IsNegative():
		return invalid("policy.tolerance.percent", "must not be negative", p.Tolerance.Percent.String())
	}
	for _, c := range p.HoldRisk {
		if c.IsZero() {
			return invalid("policy.hold_risk", "must list risk classes A to E", "")
		}
	}
	return nil
}

// Reason codes beyond order's Reason* constants.
const (
	ReasonGroupLimit    = "group_credit_limit_exceeded"
	ReasonReviewOverdue = "credit_review_overdue"
	ReasonNoLimit       = "no_credit_limit"
	// ReasonCoverExpired: the customer's credit-insurance cover has expired
	// and Policy.HoldExpiredCover is set.
	ReasonCoverExpired = "credit_insurance_expired"
)

// Reason is one cause of a hold: a code (order.Reason* or the constants
// above) and the figures behind it in words.
type Reason struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// LimitSource says where the limit applied came from.
type LimitSource string

// Limit sources, in lookup order.
const (
	LimitCustomer LimitSource = "customer"
	LimitGroup    LimitSource = "group"
	LimitDefault  LimitSource = "default"
	// LimitInsurance: the customer has no limit of its own, no group and
	// the tenant no default, and its insured cover in force is the limit.
	LimitInsurance LimitSource = "insurance"
	LimitNone      LimitSource = "none"
)

// Result is a check's outcome and the figures behind it. Amounts are in
// the limit's currency (the order's when there is no limit).
type Result struct {
	Point    Point               `json:"point"`
	Order    order.ID            `json:"order"`
	Customer o2c.CustomerID      `json:"customer"`
	Outcome  order.CreditOutcome `json:"outcome"`
	Reasons  []Reason            `json:"reasons,omitempty"`
	// LimitSource and Limit: the limit applied (customer -> group ->
	// tenant default).
	LimitSource LimitSource `json:"limit_source"`
	// Limit is the limit enforced: the lower of the granted limit and the
	// customer's insured cover while the cover is in force (see
	// [Profile.Insurance]); GrantedLimit is the limit granted before that
	// cap (equal to Limit when the cover does not lower it).
	Limit        o2c.Money `json:"limit"`
	GrantedLimit o2c.Money `json:"granted_limit"`
	// CappedByInsurance is set when the insured cover lowered the limit;
	// CoverExpired when the customer has a cover whose last day is before
	// the check date (it caps nothing; see Policy.HoldExpiredCover).
	CappedByInsurance bool `json:"capped_by_insurance,omitempty"`
	CoverExpired      bool `json:"cover_expired,omitempty"`
	// Exposure is the customer's (for a group limit, the group's)
	// exposure without the order.
	Exposure Exposure `json:"exposure"`
	// OrderValue is what the order adds (its open and uninvoiced value).
	OrderValue o2c.Money `json:"order_value"`
	// Projected = Exposure.Total + OrderValue; Over = Projected - Limit
	// when positive, else zero.
	Projected o2c.Money `json:"projected"`
	Over      o2c.Money `json:"over"`
	// OverdueItems and OldestOverdueDays describe undisputed receivables
	// past due beyond Policy.OverdueDays, counted per due line: an
	// invoice paid in instalments counts each overdue instalment, by its
	// own due date. Overdue is their undisputed open amount (only the
	// overdue instalments' part of such an invoice), converted like the
	// exposure.
	OverdueItems      int       `json:"overdue_items"`
	OldestOverdueDays int       `json:"oldest_overdue_days"`
	Overdue           o2c.Money `json:"overdue"`
	// Released is the order's last release, when it has one; Waived are
	// the reasons a release within tolerance set aside.
	Released *Release `json:"released,omitempty"`
	Waived   []Reason `json:"waived,omitempty"`
}

// Codes returns the reason codes.
func (r Result) Codes() []string {
	out := make([]string, len(r.Reasons))
	for i, x := range r.Reasons {
		out[i] = x.Code
	}
	return out
}

// Message joins the reasons' details ("" when approved).
func (r Result) Message() string {
	ds := make([]string, len(r.Reasons))
	for i, x := range r.Reasons {
		ds[i] = x.Detail
	}
	msg := strings.Join(ds, "; ")
	if len(msg) > 2000 {
		msg = msg[:1997] + "..."
	}
	return msg
}

// Decision returns the result as order's decision.
func (r Result) Decision() order.CreditDecision {
	if r.Outcome == order.CreditHeld {
		return order.HoldCredit(r.Message(), r.Codes()...)
	}
	return order.ApproveCredit()
}

// Options configure a [Checker].
type Options struct {
	// Store holds profiles, groups and releases (required).
	Store Store
	// Source gives exposure (required): a [StoreSource] or a [*Tracker].
	Source Source
	// Rates convert amounts into the limit's currency (nil: only
	// same-currency amounts; any other is a *MissingRateError).
	Rates RateSource
	// Rules say what exposure counts.
	Rules Rules
	// Policy says what is checked where.
	Policy Policy
	// DefaultLimit is the tenant default limit, for customers with no own
	// limit and no group (zero: none).
	DefaultLimit o2c.Money
	// Clock gives the check date (default: system clock), in Location
	// (default UTC).
	Clock    o2c.Clock
	Location *time.Location
	// Tx, when set, makes [Checker.Release] atomic: the order's release
	// and the release record commit together (the stores must be of the
	// adapter behind Tx).
	Tx o2c.Transactor
	// Actor names automatic releases and holds on the audit trail
	// (default "credit-check").
	Actor string
	// Telemetry: a span per order check and the o2c.order.credit_holds
	// counter (zero: silent).
	Telemetry telemetry.Options
}

// Checker runs credit checks. It implements order.CreditChecker.
type Checker struct {
	obs   *telemetry.T
	opts  Options
	clock o2c.Clock
	loc   *time.Location
}

var _ order.CreditChecker = (*Checker)(nil)

// NewChecker validates opts and returns a checker.
func NewChecker(opts Options) (*Checker, error) {
	switch {
	case opts.Store == nil:
		return nil, invalid("store", "is required", "")
	case opts.Source == nil:
		return nil, invalid("source", "is required", "")
	case opts.DefaultLimit.IsNegative():
		return nil, invalid("default_limit", "must not be negative", opts.DefaultLimit.String())
	}
	if err := opts.Rules.Validate(); err != nil {
		return nil, err
	}
	if err := opts.Policy.Validate(); err != nil {
		return nil, err
	}
	if opts.Actor == "" {
		opts.Actor = "credit-check"
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	return &Checker{obs: telemetry.New(opts.Telemetry), opts: opts, clock: o2c.ClockOrSystem(opts.Clock), loc: loc}, nil
}

// CheckOrder implements order.CreditChecker: the check at [PointOrder].
func (c *Checker) CheckOrder(ctx context.Context, o *order.Order) (order.CreditDecision, error) {
	ctx, end := c.obs.Start(ctx, "credit.CheckOrder")
	r, err := c.Check(ctx, o, PointOrder)
	if err != nil {
		return order.CreditDecision{}, end(err)
	}
	d := r.Decision()
	if d.Outcome == order.CreditHeld {
		c.obs.Add(ctx, telemetry.CreditHolds, 1)
		c.obs.Logger().DebugContext(ctx, "credit: order held", "order", o.ID().String(), "reasons", r.Codes())
	}
	return d, end(nil)
}

// Check checks order o (as it is or will be) at point p and returns the
// result with its figures. Errors: a *MissingRateError when an amount
// cannot be converted, store errors.
func (c *Checker) Check(ctx context.Context, o *order.Order, p Point) (Result, error) {
	if o == nil {
		return Result{}, invalid("order", "is required", "")
	}
	asOf := o2c.DateIn(c.clock.Now(), c.loc)
	prof, err := c.opts.Store.GetProfile(ctx, o.Customer())
	if errors.Is(err, o2c.ErrNotFound) {
		prof, err = &Profile{Customer: o.Customer()}, nil
	}
	if err != nil {
		return Result{}, err
	}
	checks := c.opts.Policy.checks(p)
	res := Result{Point: p, Order: o.ID(), Customer: o.Customer(), Outcome: order.CreditApproved}
	var reasons []Reason
	hold := func(code, detail string) { reasons = append(reasons, Reason{Code: code, Detail: detail}) }

	// the limit that applies, and whose exposure it covers
	limit, src, members, err := c.limitFor(ctx, prof)
	if err != nil {
		return Result{}, err
	}
	res.GrantedLimit = limit
	if limit, src, err = c.insuredLimit(&res, limit, src, prof.Insurance, asOf); err != nil {
		return Result{}, err
	}
	cur := o.Currency()
	if src != LimitNone {
		cur = limit.Currency()
	}
	res.LimitSource, res.Limit = src, limit
	var items overdueCounter
	if res.Exposure, items, err = c.exposure(ctx, o.Customer(), cur, asOf, o.ID()); err != nil {
		return Result{}, err
	}
	if res.Exposure, err = c.addMembers(ctx, res.Exposure, members, cur, asOf, o.ID()); err != nil {
		return Result{}, err
	}
	if res.OrderValue, err = c.orderValue(o, cur, asOf); err != nil {
		return Result{}, err
	}
	if res.Projected, err = res.Exposure.Total.Add(res.OrderValue); err != nil {
		return Result{}, err
	}
	res.Over = o2c.Zero(cur)
	if src != LimitNone {
		if over, _ := res.Projected.Sub(limit); over.IsPositive() {
			res.Over = over
		}
	}
	if checks.Limit {
		switch {
		case src == LimitNone && c.opts.Policy.RequireLimit:
			hold(ReasonNoLimit, "no credit limit: the customer has none, no group and the tenant no default")
		case res.Over.IsPositive():
			code, what := order.ReasonCreditLimit, "credit limit"
			switch {
			case src == LimitGroup:
				code, what = ReasonGroupLimit, "group "+prof.Group+" credit limit"
			case res.CappedByInsurance && src == LimitInsurance:
				what = "insured credit limit (cover of " + prof.Insurance.Insurer + ")"
			case res.CappedByInsurance:
				what = "insured credit limit (cover of " + prof.Insurance.Insurer + ", granted " + res.GrantedLimit.String() + ")"
			}
			hold(code, fmt.Sprintf("%s %s exceeded by %s: exposure %s + this order %s = %s",
				what, limit, res.Over, res.Exposure, res.OrderValue, res.Projected))
		}
	}
	if checks.Limit && res.CoverExpired && c.opts.Policy.HoldExpiredCover {
		hold(ReasonCoverExpired, fmt.Sprintf("credit insurance of %s expired on %s", prof.Insurance.Insurer, prof.Insurance.Expires))
	}
	var overdue sums
	res.OverdueItems, res.OldestOverdueDays, overdue = items.overdue(asOf.AddDays(-c.opts.Policy.OverdueDays), asOf)
	if res.Overdue, err = convertSums(overdue, cur, c.opts.Rules, c.opts.Rates); err != nil {
		return Result{}, err
	}
	if checks.Overdue && res.OverdueItems > 0 {
		hold(order.ReasonOverdueItems, fmt.Sprintf("%d open item(s) overdue by more than %d days, the oldest by %d days, %s in all",
			res.OverdueItems, c.opts.Policy.OverdueDays, res.OldestOverdueDays, res.Overdue))
	}
	if checks.Review && !prof.NextReview.IsZero() && prof.NextReview.Before(asOf) {
		hold(ReasonReviewOverdue, fmt.Sprintf("credit review was due on %s", prof.NextReview))
	}
	if checks.Risk && !prof.Risk.IsZero() && slices.Contains(c.opts.Policy.HoldRisk, prof.Risk) {
		hold(order.ReasonRiskClass, fmt.Sprintf("risk class %s holds every order", prof.Risk))
	}
	blocked := checks.Blocked && prof.Blocked
	if blocked {
		hold(order.ReasonCustomerBlocked, "customer blocked: "+prof.BlockReason)
	}
	if reasons, err = c.waive(ctx, &res, o, reasons, blocked); err != nil {
		return Result{}, err
	}
	res.Reasons = reasons
	if len(reasons) > 0 {
		res.Outcome = order.CreditHeld
	}
	return res, nil
}

// insuredLimit caps the granted limit with the customer's insured cover
// while it is in force on asOf (its last day included): the enforced limit
// is the lower of the two, converted into the granted limit's currency.
// A customer without any granted limit is limited by its cover alone. A
// group limit is not capped: it covers the whole group's exposure, and one
// member's cover insures that member's debts only. An expired cover caps
// nothing and sets res.CoverExpired.
func (c *Checker) insuredLimit(res *Result, granted o2c.Money, src LimitSource, in *Insurance, asOf o2c.Date) (o2c.Money, LimitSource, error) {
	if in == nil || src == LimitGroup {
		return granted, src, nil
	}
	if !in.ActiveOn(asOf) {
		res.CoverExpired = true
		return granted, src, nil
	}
	if src == LimitNone {
		res.CappedByInsurance = true
		return in.Amount, LimitInsurance, nil
	}
	cover, err := Convert(c.opts.Rates, in.Amount, granted.Currency(), c.opts.Rules.Rounding)
	if err != nil {
		return o2c.Money{}, "", err
	}
	if cover.Amount().LessThan(granted.Amount()) {
		res.CappedByInsurance = true
		return cover, src, nil
	}
	return granted, src, nil
}

// limitFor looks the limit up: the customer's own, else its group's (with
// the other members, whose exposure shares it), else the tenant default.
func (c *Checker) limitFor(ctx context.Context, p *Profile) (o2c.Money, LimitSource, []o2c.CustomerID, error) {
	if !p.Limit.Currency().IsZero() {
		return p.Limit, LimitCustomer, nil, nil
	}
	if p.Group != "" {
		g, err := c.opts.Store.GetGroup(ctx, p.Group)
		if err != nil {
			return o2c.Money{}, "", nil, fmt.Errorf("credit: group %s of customer %s: %w", p.Group, p.Customer, err)
		}
		var members []o2c.CustomerID
		for offset := 0; ; offset += MaxPageSize {
			page, err := c.opts.Store.ListProfiles(ctx, ProfileQuery{Group: p.Group, Limit: MaxPageSize, Offset: offset})
			if err != nil {
				return o2c.Money{}, "", nil, err
			}
			for _, m := range page {
				if m.Customer != p.Customer {
					members = append(members, m.Customer)
				}
			}
			if len(page) < MaxPageSize {
				break
			}
		}
		return g.Limit, LimitGroup, members, nil
	}
	if !c.opts.DefaultLimit.Currency().IsZero() {
		return c.opts.DefaultLimit, LimitDefault, nil, nil
	}
	return o2c.Money{}, LimitNone, nil, nil
}

func (c *Checker) addMembers(ctx context.Context, e Exposure, members []o2c.CustomerID, cur o2c.Currency, asOf o2c.Date, skip order.ID) (Exposure, error) {
	for _, m := range members {
		me, _, err := c.exposure(ctx, m, cur, asOf, skip)
		if err != nil {
			return Exposure{}, err
		}
		if e, err = e.Add(me); err != nil {
			return Exposure{}, err
		}
	}
	return e, nil
}

// orderValue is what o adds under the rules, in cur.
func (c *Checker) orderValue(o *order.Order, cur o2c.Currency, asOf o2c.Date) (o2c.Money, error) {
	pos := Position{Customer: o.Customer(), Orders: []OrderEntry{orderEntryOf(o)}}
	rules := c.opts.Rules
	rules.ExcludeHeld = false // the order being checked always counts
	e, err := Compute(pos, cur, asOf, rules, c.opts.Rates, order.ID{})
	if err != nil {
		return o2c.Money{}, err
	}
	return e.Total, nil
}

// overdueCounter counts a customer's overdue receivables: how many fell
// due before cutoff, and how many days before asOf the oldest did.
type overdueCounter interface {
	overdue(cutoff, asOf o2c.Date) (n, oldest int, amount sums)
}

type itemList []ItemEntry

func (l itemList) overdue(cutoff, asOf o2c.Date) (int, int, sums) {
	return overdueItems(l, cutoff, asOf)
}

// exposure returns customer's exposure under the checker's rules without
// the order skip, and its receivables for the overdue check. A source that
// keeps receivables folded (a [*Tracker]) is asked for its summary, which
// costs the same whatever the number of open items; any other for the
// position, computed with [Compute].
func (c *Checker) exposure(ctx context.Context, customer o2c.CustomerID, cur o2c.Currency, asOf o2c.Date, skip order.ID) (Exposure, overdueCounter, error) {
	if s, ok := c.opts.Source.(summarizer); ok {
		sum, err := s.summary(ctx, customer)
		if err != nil {
			return Exposure{}, nil, err
		}
		e, err := computeSummary(sum, cur, asOf, c.opts.Rules, c.opts.Rates, skip)
		return e, sum.items, err
	}
	pos, err := c.opts.Source.Position(ctx, customer)
	if err != nil {
		return Exposure{}, nil, err
	}
	e, err := Compute(pos, cur, asOf, c.opts.Rules, c.opts.Rates, skip)
	return e, itemList(pos.Items), err
}

// waive sets aside every reason but a block when the order was released
// and has not grown beyond the tolerance since.
func (c *Checker) waive(ctx context.Context, res *Result, o *order.Order, reasons []Reason, blocked bool) ([]Reason, error) {
	if len(reasons) == 0 || !wasReleased(o) {
		return reasons, nil
	}
	rel, err := c.opts.Store.GetRelease(ctx, o.ID())
	if errors.Is(err, o2c.ErrNotFound) {
		// released through order.Service alone: an order's value cannot
		// change once placed unless amended, which only a placed order
		// can be, so its value now is its value at release
		rel, err = releaseFromAudit(o), nil
	}
	if err != nil {
		return nil, err
	}
	res.Released = rel
	value := o.Totals().Gross
	growth, err := value.Sub(rel.Value)
	if err != nil {
		return nil, err
	}
	if c, _ := growth.Cmp(c.opts.Policy.Tolerance.allowance(rel.Value)); c > 0 {
		return reasons, nil
	}
	var kept []Reason
	for _, r := range reasons {
		if blocked && r.Code == order.ReasonCustomerBlocked {
			kept = append(kept, r)
			continue
		}
		res.Waived = append(res.Waived, r)
	}
	return kept, nil
}

func wasReleased(o *order.Order) bool {
	for _, a := range o.Audit() {
		if a.Event == order.EventRelease {
			return true
		}
	}
	return false
}

func releaseFromAudit(o *order.Order) *Release {
	r := &Release{Order: o.ID(), Customer: o.Customer(), Value: o.Totals().Gross}
	for _, a := range o.Audit() {
		if a.Event == order.EventRelease {
			r.By, r.Note, r.At = a.By, a.Note, a.At
		}
	}
	return r
}

// Recheck checks order id at point p through orders (the order service
// whose store holds it) and acts on the result: a held order that now
// passes is released (by Options.Actor, the figures in the note) and the
// release recorded; an order that fails and may still be held (placed,
// released or approved) is put on hold with the reasons. At a point where
// the order can no longer be held (shipped), the result is returned for
// the caller to act on (stop the delivery). It returns the result and the
// order as it is after the action.
func (c *Checker) Recheck(ctx context.Context, orders *order.Service, id order.ID, p Point) (Result, *order.Order, error) {
	if orders == nil {
		return Result{}, nil, invalid("orders", "is required", "")
	}
	o, err := orders.Get(ctx, id)
	if err != nil {
		return Result{}, nil, err
	}
	res, err := c.Check(ctx, o, p)
	if err != nil {
		return Result{}, nil, err
	}
	switch st := o.State(); {
	case res.Outcome == order.CreditApproved && st == order.StateOnCreditHold:
		note := fmt.Sprintf("re-check at %s passed: exposure %s + this order %s = %s", p, res.Exposure.Total, res.OrderValue, res.Projected)
		if res.LimitSource != LimitNone {
			note += " within limit " + res.Limit.String()
		}
		o, err = c.Release(ctx, orders, id, c.opts.Actor, note)
	case res.Outcome == order.CreditHeld && order.Can(st, order.EventHold):
		o, err = orders.Hold(ctx, id, c.opts.Actor, res.Codes(), res.Message())
	}
	if err != nil {
		return Result{}, nil, err
	}
	return res, o, nil
}

// Release releases a held order by a named user with a note (both
// required) through orders, which keeps them on the order's audit trail,
// and records the order's value at release so that later check points
// hold it again only if it grows beyond the tolerance.
func (c *Checker) Release(ctx context.Context, orders *order.Service, id order.ID, by, note string) (*order.Order, error) {
	if orders == nil {
		return nil, invalid("orders", "is required", "")
	}
	var out *order.Order
	run := func(ctx context.Context) error {
		o, err := orders.Release(ctx, id, by, note)
		if err != nil {
			return err
		}
		rel := &Release{Order: o.ID(), Customer: o.Customer(), Value: o.Totals().Gross, By: by, Note: note, At: c.clock.Now().UTC()}
		if err := c.opts.Store.PutRelease(ctx, rel); err != nil {
			return err
		}
		out = o
		return nil
	}
	var err error
	if c.opts.Tx != nil {
		err = c.opts.Tx.InTx(ctx, run)
	} else {
		err = run(ctx)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Reject rejects a held order by a named user with a note (both
// required) through orders.
func (c *Checker) Reject(ctx context.Context, orders *order.Service, id order.ID, by, note string) (*order.Order, error) {
	if orders == nil {
		return nil, invalid("orders", "is required", "")
	}
	return orders.Reject(ctx, id, by, note)
}
