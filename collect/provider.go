package collect

import (
	"strings"
	"time"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// EventKind is what a payment provider says happened to a payment.
type EventKind string

// The provider-neutral event kinds.
const (
	// PaymentSucceeded: the provider holds the money; it is booked as an
	// invoice payment and allocated to the pay link's due lines.
	PaymentSucceeded EventKind = "payment_succeeded"
	// PaymentFailed: the attempt failed; nothing is booked.
	PaymentFailed EventKind = "payment_failed"
	// PaymentRefunded: the merchant paid (part of) it back: the invoices
	// reopen and the amount is booked as a refund (invoice.Service.Refund).
	PaymentRefunded EventKind = "payment_refunded"
	// PaymentDisputed: a chargeback: the payment is reversed, the invoices
	// reopen and a dispute is opened on each for the amount taken back.
	PaymentDisputed EventKind = "payment_disputed"
)

// IsValid reports whether k is one of the four kinds.
func (k EventKind) IsValid() bool {
	switch k {
	case PaymentSucceeded, PaymentFailed, PaymentRefunded, PaymentDisputed:
		return true
	}
	return false
}

// ProviderEvent is a payment provider's notification, made neutral by an
// adapter (adapters/stripe) after it verified the provider's signature.
type ProviderEvent struct {
	// Provider names the provider ("stripe"); with ID it is the
	// idempotency key of the event.
	Provider string
	// ID is the provider's event ID ("evt_...").
	ID   string
	Kind EventKind
	// Payment is the provider's ID of the payment ("pi_..."): refunds and
	// disputes name the payment they concern with it.
	Payment string
	// Reference is the provider's ID of the refund or dispute ("re_...",
	// "dp_..."): the refund is booked under it, so two refunds of one
	// payment are two refunds and one refund notified twice is one.
	Reference string
	// Amount: received (succeeded), refunded or disputed.
	Amount o2c.Money
	// Token is the pay-link token the payment was made for (succeeded);
	// the provider carries it in the payment's metadata.
	Token string
	// Method is how the customer paid (zero: card).
	Method invoice.Method
	// Occurred is when the provider says it happened.
	Occurred time.Time
	// Reason is the provider's reason (failure code, dispute reason).
	Reason string
}

// Key returns the event's idempotency key.
func (e ProviderEvent) Key() string { return e.Provider + ":" + e.ID }

// PaymentKey returns the idempotency key the payment is recorded under in
// invoicing.
func (e ProviderEvent) PaymentKey() string { return "psp:" + e.Provider + ":" + e.Payment }

// Validate checks the event. Errors are *o2c.ValidationError.
func (e ProviderEvent) Validate() error {
	switch {
	case strings.TrimSpace(e.Provider) == "":
		return o2c.NewValidationError("provider", "is required")
	case strings.TrimSpace(e.ID) == "":
		return o2c.NewValidationError("id", "is required")
	case !e.Kind.IsValid():
		return &o2c.ValidationError{Field: "kind", Rule: "must be payment_succeeded, payment_failed, payment_refunded or payment_disputed", Value: string(e.Kind)}
	case strings.TrimSpace(e.Payment) == "":
		return o2c.NewValidationError("payment", "is required")
	case e.Occurred.IsZero():
		return o2c.NewValidationError("occurred", "is required")
	case e.Method != "" && !e.Method.IsValid():
		return &o2c.ValidationError{Field: "method", Rule: "must be an invoice payment method", Value: string(e.Method)}
	}
	if e.Kind != PaymentFailed && !e.Amount.IsPositive() {
		return &o2c.ValidationError{Field: "amount", Rule: "must be positive", Value: e.Amount.String()}
	}
	if (e.Kind == PaymentRefunded || e.Kind == PaymentDisputed) && strings.TrimSpace(e.Reference) == "" {
		return o2c.NewValidationError("reference", "a refund or dispute must carry the provider's refund or dispute ID")
	}
	if e.Kind == PaymentSucceeded && e.Token == "" {
		return o2c.NewValidationError("token", "a succeeded payment must carry its pay-link token")
	}
	return nil
}
