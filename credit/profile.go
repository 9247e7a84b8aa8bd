package credit

import (
	"regexp"
	"strings"
	"time"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// RiskClass grades a customer from A (lowest risk) to E (highest). It is a
// closed set; the zero RiskClass means "not rated".
type RiskClass struct{ name string }

// The risk classes, best first.
var (
	RiskA = RiskClass{"A"}
	RiskB = RiskClass{"B"}
	RiskC = RiskClass{"C"}
	RiskD = RiskClass{"D"}
	RiskE = RiskClass{"E"}
)

// RiskClasses lists the classes, best first.
func RiskClasses() []RiskClass { return []RiskClass{RiskA, RiskB, RiskC, RiskD, RiskE} }

// ParseRiskClass returns the class called name ("A" to "E"); "" is the
// zero class. Anything else is a *o2c.ValidationError.
func ParseRiskClass(name string) (RiskClass, error) {
	if name == "" {
		return RiskClass{}, nil
	}
	for _, c := range RiskClasses() {
		if c.name == name {
			return c, nil
		}
	}
	return RiskClass{}, invalid("risk_class", "must be A, B, C, D or E", name)
}

// String returns "A" to "E", or "" when not rated.
func (c RiskClass) String() string { return c.name }

// IsZero reports whether the class is "not rated".
func (c RiskClass) IsZero() bool { return c.name == "" }

// MarshalText implements encoding.TextMarshaler.
func (c RiskClass) MarshalText() ([]byte, error) { return []byte(c.name), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *RiskClass) UnmarshalText(b []byte) error {
	p, err := ParseRiskClass(string(b))
	if err != nil {
		return err
	}
	*c = p
	return nil
}

// Insurance is credit-insurance cover on a customer: the insurer, the
// amount insured and the last day of cover.
type Insurance struct {
	Insurer string    `json:"insurer"`
	Amount  o2c.Money `json:"amount"`
	Expires o2c.Date  `json:"expires"`
}

// ActiveOn reports whether the cover is in force on d (up to and including
// Expires).
func (i *Insurance) ActiveOn(d o2c.Date) bool {
	return i != nil && !d.After(i.Expires)
}

const (
	maxText   = 500
	maxInsure = 200
)

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Profile is a customer's credit profile. Build one with [NewProfile] (or
// fill the fields and call [Profile.Validate]); stores validate before
// writing and keep Version for optimistic concurrency.
type Profile struct {
	// Customer the profile is about (required).
	Customer o2c.CustomerID `json:"customer"`
	// Limit is the customer's own credit limit; its currency is the one
	// exposure is converted into. Zero currency: no own limit (the group's
	// or the tenant default applies).
	Limit o2c.Money `json:"limit"`
	// Group is the code of a [Group] whose limit the customer shares
	// (optional).
	Group string `json:"group,omitempty"`
	// Risk is the customer's risk class (zero: not rated).
	Risk RiskClass `json:"risk_class"`
	// NextReview is when the profile must be reviewed (zero: no date).
	NextReview o2c.Date `json:"next_review"`
	// Blocked stops every order of the customer; BlockReason says why
	// (required when blocked).
	Blocked     bool   `json:"blocked,omitempty"`
	BlockReason string `json:"block_reason,omitempty"`
	// Insurance is the credit-insurance cover, if any.
	Insurance *Insurance `json:"insurance,omitempty"`
	// Since is when the customer relationship began (seniority in
	// scoring; optional).
	Since o2c.Date `json:"since"`
	// Version is set by stores.
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// NewProfile returns a validated profile for customer with limit (zero
// Money: no own limit).
func NewProfile(customer o2c.CustomerID, limit o2c.Money) (*Profile, error) {
	p := &Profile{Customer: customer, Limit: limit}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// Validate checks every field: a customer, a limit that is not negative
// and rounded to its currency, a group code's form, a block reason when
// blocked, and an insurance cover with an insurer, a positive rounded
// amount and an expiry date. Errors are *o2c.ValidationError naming the
// field.
func (p *Profile) Validate() error {
	if p == nil {
		return invalid("profile", "is required", "")
	}
	if p.Customer.IsZero() {
		return invalid("customer", "is required", "")
	}
	if !p.Limit.Currency().IsZero() {
		if p.Limit.IsNegative() {
			return invalid("limit", "must not be negative", p.Limit.String())
		}
		if !p.Limit.IsRounded() {
			return invalid("limit", "must be rounded to the currency's minor unit", p.Limit.String())
		}
	} else if !p.Limit.IsZero() {
		return invalid("limit", "needs a currency", p.Limit.String())
	}
	if p.Group != "" && !codePattern.MatchString(p.Group) {
		return invalid("group", "must be 1-64 letters, digits, '.', '_' or '-'", clip(p.Group))
	}
	if p.Blocked && strings.TrimSpace(p.BlockReason) == "" {
		return invalid("block_reason", "is required when the customer is blocked", "")
	}
	if !p.Blocked && p.BlockReason != "" {
		return invalid("block_reason", "must be empty when the customer is not blocked", clip(p.BlockReason))
	}
	if len(p.BlockReason) > maxText {
		return invalid("block_reason", "must be at most 500 bytes", clip(p.BlockReason))
	}
	if in := p.Insurance; in != nil {
		switch {
		case strings.TrimSpace(in.Insurer) == "" || len(in.Insurer) > maxInsure:
			return invalid("insurance.insurer", "is required, at most 200 bytes", clip(in.Insurer))
		case in.Amount.Currency().IsZero() || !in.Amount.IsPositive():
			return invalid("insurance.amount", "must be a positive amount", in.Amount.String())
		case !in.Amount.IsRounded():
			return invalid("insurance.amount", "must be rounded to the currency's minor unit", in.Amount.String())
		case in.Expires.IsZero():
			return invalid("insurance.expires", "is required", "")
		}
	}
	return nil
}

// Block blocks the customer for reason (required).
func (p *Profile) Block(reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return invalid("block_reason", "is required when the customer is blocked", "")
	}
	p.Blocked, p.BlockReason = true, reason
	return p.Validate()
}

// Unblock lifts a block.
func (p *Profile) Unblock() { p.Blocked, p.BlockReason = false, "" }

// Clone returns a deep copy.
func (p *Profile) Clone() *Profile {
	c := *p
	if p.Insurance != nil {
		in := *p.Insurance
		c.Insurance = &in
	}
	return &c
}

// Group is a credit limit shared by several customers (a corporate group,
// a buying association): the sum of their exposures must stay under it.
type Group struct {
	// Code identifies the group (1-64 letters, digits, '.', '_' or '-').
	Code string `json:"code"`
	// Name is for people (optional).
	Name string `json:"name,omitempty"`
	// Limit is the shared limit (required, not negative).
	Limit     o2c.Money `json:"limit"`
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// NewGroup returns a validated group.
func NewGroup(code, name string, limit o2c.Money) (*Group, error) {
	g := &Group{Code: code, Name: strings.TrimSpace(name), Limit: limit}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return g, nil
}

// Validate checks the code's form and the limit.
func (g *Group) Validate() error {
	switch {
	case g == nil:
		return invalid("group", "is required", "")
	case !codePattern.MatchString(g.Code):
		return invalid("code", "must be 1-64 letters, digits, '.', '_' or '-'", clip(g.Code))
	case len(g.Name) > maxText:
		return invalid("name", "must be at most 500 bytes", clip(g.Name))
	case g.Limit.Currency().IsZero():
		return invalid("limit", "is required (an amount and its currency)", "")
	case g.Limit.IsNegative():
		return invalid("limit", "must not be negative", g.Limit.String())
	case !g.Limit.IsRounded():
		return invalid("limit", "must be rounded to the currency's minor unit", g.Limit.String())
	}
	return nil
}

// Release records that a named user released an order from credit hold,
// and the order's value then: later check points hold it again only if
// its value grew beyond the tolerance.
type Release struct {
	Order    order.ID       `json:"order"`
	Customer o2c.CustomerID `json:"customer"`
	// Value is the order's gross total when released.
	Value     o2c.Money `json:"value"`
	By        string    `json:"by"`
	Note      string    `json:"note"`
	At        time.Time `json:"at"`
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the order, customer, value and who released it.
func (r *Release) Validate() error {
	switch {
	case r == nil:
		return invalid("release", "is required", "")
	case r.Order.IsZero():
		return invalid("order", "is required", "")
	case r.Customer.IsZero():
		return invalid("customer", "is required", "")
	case r.Value.Currency().IsZero():
		return invalid("value", "is required", "")
	case strings.TrimSpace(r.By) == "":
		return invalid("by", "must name the user who released the order", "")
	case strings.TrimSpace(r.Note) == "":
		return invalid("note", "is required: say why", "")
	case r.At.IsZero():
		return invalid("at", "is required", "")
	}
	return nil
}

func clip(s string) string {
	if r := []rune(s); len(r) > 64 {
		return string(r[:64]) + "..."
	}
	return s
}
