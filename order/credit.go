package order

import (
	"context"
	"regexp"

	"github.com/cashcycle/sdk/o2c"
)

// CreditChecker decides whether an order may go ahead on credit grounds.
// The [Service] calls it when an order is placed and when a placed order
// is amended, with the order as it will be (state placed, new lines).
// Package order owns this interface; the credit package implements it and
// the composition package plugs it in. A nil CreditChecker approves every
// order.
//
// CheckOrder runs before the order is written, outside the store's
// transaction unless the caller's ctx carries one; it may read stores with
// ctx. An error aborts the placement or amendment and nothing is written.
type CreditChecker interface {
	CheckOrder(ctx context.Context, o *Order) (CreditDecision, error)
}

// CreditCheckerFunc adapts a function to [CreditChecker].
type CreditCheckerFunc func(ctx context.Context, o *Order) (CreditDecision, error)

// CheckOrder calls f.
func (f CreditCheckerFunc) CheckOrder(ctx context.Context, o *Order) (CreditDecision, error) {
	return f(ctx, o)
}

// CreditOutcome is the verdict of a credit check: [CreditApproved] or
// [CreditHeld]. It is a closed set.
type CreditOutcome struct{ name string }

// Credit outcomes.
var (
	// CreditApproved: the order may proceed.
	CreditApproved = CreditOutcome{"approve"}
	// CreditHeld: the order goes on credit hold until a named user
	// releases or rejects it.
	CreditHeld = CreditOutcome{"hold"}
)

// String returns "approve" or "hold".
func (c CreditOutcome) String() string { return c.name }

// MarshalText implements encoding.TextMarshaler.
func (c CreditOutcome) MarshalText() ([]byte, error) { return []byte(c.name), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *CreditOutcome) UnmarshalText(b []byte) error {
	switch string(b) {
	case CreditApproved.name:
		*c = CreditApproved
	case CreditHeld.name:
		*c = CreditHeld
	default:
		return &o2c.ValidationError{Field: "credit.outcome", Rule: "must be approve or hold", Value: string(b)}
	}
	return nil
}

// Reason codes a credit check may give for a hold. The set is open: any
// code of 1 to 64 lower-case letters, digits, '_', '.' or '-' is accepted.
const (
	ReasonCreditLimit     = "credit_limit_exceeded"
	ReasonOverdueItems    = "overdue_items"
	ReasonCustomerBlocked = "customer_blocked"
	ReasonRiskClass       = "risk_class"
	ReasonManual          = "manual"
)

var reasonPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// CreditDecision is the result of a credit check: approve, or hold with
// at least one reason code and an optional message for the credit
// controller. The order keeps the last decision applied to it.
type CreditDecision struct {
	Outcome CreditOutcome `json:"outcome"`
	Reasons []string      `json:"reasons,omitempty"`
	Message string        `json:"message,omitempty"`
}

// ApproveCredit returns an approving decision.
func ApproveCredit() CreditDecision { return CreditDecision{Outcome: CreditApproved} }

// HoldCredit returns a decision to hold, with a message and reason codes
// (at least one, see the Reason constants).
func HoldCredit(message string, reasons ...string) CreditDecision {
	return CreditDecision{Outcome: CreditHeld, Reasons: reasons, Message: message}
}

// Validate checks the outcome, that a hold gives at least one reason, the
// reason codes' form and the message's length.
func (d CreditDecision) Validate() error {
	switch d.Outcome {
	case CreditApproved, CreditHeld:
	default:
		return &o2c.ValidationError{Field: "credit.outcome", Rule: "must be approve or hold", Value: d.Outcome.name}
	}
	if d.Outcome == CreditHeld && len(d.Reasons) == 0 {
		return &o2c.ValidationError{Field: "credit.reasons", Rule: "a hold needs at least one reason code"}
	}
	if err := checkReasons("credit.reasons", d.Reasons); err != nil {
		return err
	}
	return checkText("credit.message", d.Message, maxNote)
}

func checkReasons(field string, reasons []string) error {
	if len(reasons) > 20 {
		return &o2c.ValidationError{Field: field, Rule: "must be at most 20 codes"}
	}
	for _, r := range reasons {
		if !reasonPattern.MatchString(r) {
			return &o2c.ValidationError{Field: field, Rule: "codes are 1-64 lower-case letters, digits, '_', '.' or '-'", Value: clip(r)}
		}
	}
	return nil
}

func (d CreditDecision) clone() CreditDecision {
	d.Reasons = append([]string(nil), d.Reasons...)
	return d
}
