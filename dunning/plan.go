package dunning

import (
	"fmt"
	"regexp"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Channel is how a level reaches the customer.
type Channel string

// Channels.
const (
	ChannelEmail            Channel = "email"
	ChannelLetter           Channel = "letter"
	ChannelRegisteredLetter Channel = "registered_letter"
	ChannelPhoneTask        Channel = "phone_task"        // a task for a collector to call: internal, never sent to the customer
	ChannelSMS              Channel = "sms"               // a text message to the debtor's phone
	ChannelCollectionAgency Channel = "collection_agency" // hand-off to an agency
	ChannelLegalAction      Channel = "legal_action"      // hand-off to lawyers / court
)

// ReachesCustomer reports whether letters of channel c are addressed to
// the customer. A phone task is an internal task for a collector; a
// hand-off letter is addressed to the customer (the agency or the lawyers
// get the file through the host).
func (c Channel) ReachesCustomer() bool { return c != ChannelPhoneTask }

// IsValid reports whether c is one of the channels above.
func (c Channel) IsValid() bool {
	switch c {
	case ChannelEmail, ChannelLetter, ChannelRegisteredLetter, ChannelPhoneTask, ChannelSMS, ChannelCollectionAgency, ChannelLegalAction:
		return true
	}
	return false
}

// Level is one step of a [Plan].
type Level struct {
	// Name identifies the level in the plan ("reminder-1"); it goes into
	// idempotency keys, so keep it stable.
	Name string `json:"name"`
	// OffsetDays is counted from the due date of the customer's oldest
	// item: the level is due once that item is at least this many days
	// overdue. Negative for a courtesy reminder before the due date.
	OffsetDays int `json:"offset_days"`
	// Channel is how the letter goes out.
	Channel Channel `json:"channel"`
	// Template names the letter template ("reminder", "formal_notice").
	Template string `json:"template"`
	// Fees is the dunning fee charged with the letter, one amount per
	// currency; a currency not listed is charged nothing.
	Fees []o2c.Money `json:"fees,omitempty"`
	// ClaimInterest claims late-payment interest (via
	// invoice.LatePaymentCharges) on each overdue item up to the run date.
	ClaimInterest bool `json:"claim_interest,omitempty"`
	// ClaimRecoveryFee claims the fixed recovery fee of the plan's policy,
	// once per late invoice over the whole history.
	ClaimRecoveryFee bool `json:"claim_recovery_fee,omitempty"`
	// MinAmounts is the minimum amount the letter must cover, one per
	// currency; a currency not listed has no minimum.
	MinAmounts []o2c.Money `json:"min_amounts,omitempty"`
	// MinDaysSincePrevious is the least number of days between the
	// previous level's letter and this one.
	MinDaysSincePrevious int `json:"min_days_since_previous,omitempty"`
	// PaymentDeadlineDays, when positive, gives the letter a payment
	// deadline this many days after the run date (the formal notice's),
	// or after the day the debtor received it with DeadlineFromReceipt.
	// The deadline is stored in the letter's history entry, and the next
	// level is due only once it has expired unpaid (the day after its last
	// day): it then replaces MinDaysSincePrevious for that step.
	PaymentDeadlineDays int `json:"payment_deadline_days,omitempty"`
	// DeadlineFromReceipt counts the deadline from the receipt the host
	// records ([Service.RecordReceipt]: registered letter number and
	// date); until it is recorded the next level waits.
	DeadlineFromReceipt bool `json:"deadline_from_receipt,omitempty"`
}

// Plan is a dunning procedure as data: ordered levels and how far a run
// may move a customer.
type Plan struct {
	// Code identifies the plan in assignments ("FR-B2B").
	Code string `json:"code"`
	// Name is for people.
	Name string `json:"name"`
	// Levels in order of escalation; offsets must not decrease.
	Levels []Level `json:"levels"`
	// MaxStepsPerRun is how many levels one run may climb for a customer;
	// 0 means 1 (the usual rule: one step per run).
	MaxStepsPerRun int `json:"max_steps_per_run,omitempty"`
	// LatePayment is the regime interest and recovery fees are computed
	// under when a level claims them.
	LatePayment invoice.LatePaymentPolicy `json:"late_payment"`
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Validate reports the first rule p breaks as a *o2c.ValidationError
// naming the field ("levels[2].channel").
func (p Plan) Validate() error {
	if !codePattern.MatchString(p.Code) {
		return invalid("code", "must be 1-64 letters, digits, '.', '_' or '-'", p.Code)
	}
	if len(p.Levels) == 0 {
		return invalid("levels", "must hold at least one level", nil)
	}
	if p.MaxStepsPerRun < 0 {
		return invalid("max_steps_per_run", "must not be negative", p.MaxStepsPerRun)
	}
	claims := false
	seen := map[string]bool{}
	for i, l := range p.Levels {
		f := fmt.Sprintf("levels[%d].", i)
		switch {
		case !codePattern.MatchString(l.Name):
			return invalid(f+"name", "must be 1-64 letters, digits, '.', '_' or '-'", l.Name)
		case seen[l.Name]:
			return invalid(f+"name", "must be unique in the plan", l.Name)
		case !l.Channel.IsValid():
			return invalid(f+"channel", "must be email, letter, registered_letter, phone_task, sms, collection_agency or legal_action", l.Channel)
		case l.Template == "":
			return invalid(f+"template", "is required", nil)
		case l.MinDaysSincePrevious < 0:
			return invalid(f+"min_days_since_previous", "must not be negative", l.MinDaysSincePrevious)
		case l.PaymentDeadlineDays < 0:
			return invalid(f+"payment_deadline_days", "must not be negative", l.PaymentDeadlineDays)
		case i > 0 && l.OffsetDays < p.Levels[i-1].OffsetDays:
			return invalid(f+"offset_days", "must not be lower than the previous level's", l.OffsetDays)
		}
		seen[l.Name] = true
		if err := checkAmounts(f+"fees", l.Fees); err != nil {
			return err
		}
		if err := checkAmounts(f+"min_amounts", l.MinAmounts); err != nil {
			return err
		}
		claims = claims || l.ClaimInterest || l.ClaimRecoveryFee
	}
	if claims {
		if err := p.LatePayment.Validate(); err != nil {
			return invalid("late_payment", "must be a valid policy when a level claims interest or fees: "+err.Error(), nil)
		}
	}
	return nil
}

func checkAmounts(field string, ms []o2c.Money) error {
	seen := map[o2c.Currency]bool{}
	for i, m := range ms {
		switch {
		case m.Currency().IsZero():
			return invalid(fmt.Sprintf("%s[%d]", field, i), "currency is required", nil)
		case m.IsNegative():
			return invalid(fmt.Sprintf("%s[%d]", field, i), "must not be negative", m)
		case seen[m.Currency()]:
			return invalid(fmt.Sprintf("%s[%d]", field, i), "one amount per currency", m)
		}
		seen[m.Currency()] = true
	}
	return nil
}

// amountIn returns the amount of ms in cur, if listed.
func amountIn(ms []o2c.Money, cur o2c.Currency) (o2c.Money, bool) {
	for _, m := range ms {
		if m.Currency() == cur {
			return m, true
		}
	}
	return o2c.Money{}, false
}

// maxSteps is MaxStepsPerRun with its default.
func (p *Plan) maxSteps() int {
	if p.MaxStepsPerRun <= 0 {
		return 1
	}
	return p.MaxStepsPerRun
}

// AssignmentKind says what an [Assignment] is keyed by.
type AssignmentKind string

// Assignment kinds, in order of precedence.
const (
	AssignCustomer  AssignmentKind = "customer"   // Key is a customer ID
	AssignRiskClass AssignmentKind = "risk_class" // Key is a risk class ("A", "high")
	AssignSegment   AssignmentKind = "segment"    // Key is a customer segment ("key account")
)

// Assignment gives customers a plan: one customer, every customer of a
// risk class, or every customer of a segment.
type Assignment struct {
	Kind AssignmentKind `json:"kind"`
	Key  string         `json:"key"`
	Plan string         `json:"plan"` // a plan code
	// Version is for stores' optimistic concurrency.
	Version int64 `json:"version"`
}

// ID returns the assignment's identity in a store: kind and key.
func (a Assignment) ID() string { return string(a.Kind) + ":" + a.Key }

// Validate checks the kind, key and plan code.
func (a Assignment) Validate() error {
	switch a.Kind {
	case AssignCustomer:
		if _, err := o2c.ParseCustomerID(a.Key); err != nil {
			return invalid("key", "must be a customer ID", a.Key)
		}
	case AssignRiskClass, AssignSegment:
		if a.Key == "" || len(a.Key) > 64 {
			return invalid("key", "must be 1-64 characters", a.Key)
		}
	default:
		return invalid("kind", "must be customer, risk_class or segment", a.Kind)
	}
	if !codePattern.MatchString(a.Plan) {
		return invalid("plan", "must be a plan code", a.Plan)
	}
	return nil
}

// Profile is what plan assignment reads about a customer.
type Profile struct {
	Segment   string
	RiskClass string
}

// PlanBook holds the plans a tenant uses and who gets which: a customer's
// own assignment wins over its risk class's, which wins over its
// segment's; without any, the Default plan applies (none when Default is
// empty: the customer is not dunned).
type PlanBook struct {
	plans    map[string]*Plan
	def      string
	customer map[o2c.CustomerID]string
	risk     map[string]string
	segment  map[string]string
}

// NewPlanBook validates the plans and assignments and indexes them.
// Errors: a *o2c.ValidationError for an invalid plan, a duplicate plan
// code, an invalid assignment, or an assignment or default naming no
// plan (wrapping ErrUnknownPlan).
func NewPlanBook(plans []Plan, defaultPlan string, assignments []Assignment) (*PlanBook, error) {
	b := &PlanBook{plans: map[string]*Plan{}, def: defaultPlan, customer: map[o2c.CustomerID]string{},
		risk: map[string]string{}, segment: map[string]string{}}
	for i := range plans {
		p := plans[i]
		if err := p.Validate(); err != nil {
			return nil, err
		}
		if b.plans[p.Code] != nil {
			return nil, invalid(fmt.Sprintf("plans[%d].code", i), "must be unique", p.Code)
		}
		b.plans[p.Code] = &p
	}
	if defaultPlan != "" && b.plans[defaultPlan] == nil {
		return nil, &o2c.ValidationError{Field: "default_plan", Rule: "must name a plan", Value: defaultPlan, Err: ErrUnknownPlan}
	}
	for i, a := range assignments {
		if err := a.Validate(); err != nil {
			return nil, err
		}
		if b.plans[a.Plan] == nil {
			return nil, &o2c.ValidationError{Field: fmt.Sprintf("assignments[%d].plan", i), Rule: "must name a plan", Value: a.Plan, Err: ErrUnknownPlan}
		}
		switch a.Kind {
		case AssignCustomer:
			id, _ := o2c.ParseCustomerID(a.Key) // checked by Validate
			b.customer[id] = a.Plan
		case AssignRiskClass:
			b.risk[a.Key] = a.Plan
		case AssignSegment:
			b.segment[a.Key] = a.Plan
		}
	}
	return b, nil
}

// Plan returns the plan with code, if the book holds it.
func (b *PlanBook) Plan(code string) (Plan, bool) {
	p := b.plans[code]
	if p == nil {
		return Plan{}, false
	}
	return *p, true
}

// Resolve returns the plan customer c gets and why ("customer", "risk
// class A", "segment key account", "default"); false when none applies.
func (b *PlanBook) Resolve(c o2c.CustomerID, p Profile) (Plan, string, bool) {
	pl, why := b.resolve(c, p)
	if pl == nil {
		return Plan{}, "", false
	}
	return *pl, why, true
}

func (b *PlanBook) resolve(c o2c.CustomerID, p Profile) (*Plan, string) {
	if code, ok := b.customer[c]; ok {
		return b.plans[code], "customer assignment"
	}
	if p.RiskClass != "" {
		if code, ok := b.risk[p.RiskClass]; ok {
			return b.plans[code], "risk class " + p.RiskClass
		}
	}
	if p.Segment != "" {
		if code, ok := b.segment[p.Segment]; ok {
			return b.plans[code], "segment " + p.Segment
		}
	}
	if b.def != "" {
		return b.plans[b.def], "default plan"
	}
	return nil, ""
}
