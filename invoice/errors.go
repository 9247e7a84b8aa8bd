package invoice

import (
	"errors"
	"fmt"

	"github.com/cashcycle/sdk/o2c"
)

// Sentinel errors of the invoicing domain. Each is carried by a typed error
// ([*AmountError], [*o2c.ValidationError]) that says which record and which
// amounts were involved; match them with [errors.Is].
//
// Besides these, the package returns the [o2c] sentinels: a refused state
// change is a *[o2c.TransitionError] ([o2c.ErrInvalidTransition]) naming
// the state and the event (allocating to a draft, paid or settled-by-credit
// invoice, issuing twice); amounts of two currencies are a
// *[o2c.CurrencyMismatchError]; bad input is a *[o2c.ValidationError].
var (
	// ErrImmutable: an issued document cannot be changed; corrections are
	// credit notes referencing it.
	ErrImmutable = errors.New("invoice: issued documents are immutable")
	// ErrOverAllocation: an allocation is more than the invoice's (or
	// instalment's) undisputed open amount.
	ErrOverAllocation = errors.New("invoice: allocation exceeds the open amount")
	// ErrInsufficientFunds: an allocation or refund is more than the
	// payment's (or credit note's) unapplied amount.
	ErrInsufficientFunds = errors.New("invoice: amount exceeds what is unapplied")
	// ErrOverCredit: credit notes referencing an invoice would credit more
	// than it invoiced, cumulatively.
	ErrOverCredit = errors.New("invoice: credit exceeds the amount invoiced")
	// ErrOverDispute: a dispute is for more than the undisputed open amount.
	ErrOverDispute = errors.New("invoice: dispute exceeds the undisputed open amount")
	// ErrNothingToBill: a billing source has no delivered, not yet invoiced
	// quantity for the order (or a deposit is already fully deducted).
	ErrNothingToBill = errors.New("invoice: nothing to bill")
	// ErrOverBilled: a billing source refused to mark quantities invoiced
	// because they were billed already (a concurrent or repeated attempt).
	// Billing sources return it (or wrap it) from MarkInvoiced.
	ErrOverBilled = errors.New("invoice: quantity already invoiced")
	// ErrOutsideTolerance: a residual is larger than the write-off
	// tolerance allows.
	ErrOutsideTolerance = errors.New("invoice: residual exceeds the write-off tolerance")
	// ErrIdempotencyKeyReused: an idempotency key came back with different
	// data than the first time. It is [o2c.ErrIdempotencyConflict] itself,
	// the one sentinel every keyed operation of the module refuses with.
	ErrIdempotencyKeyReused = o2c.ErrIdempotencyConflict
	// ErrDisputeClosed: the dispute is already resolved.
	ErrDisputeClosed = errors.New("invoice: dispute already resolved")
	// ErrPaymentReversed: the payment bounced and was reversed; it can no
	// longer be allocated or refunded.
	ErrPaymentReversed = errors.New("invoice: payment reversed")
)

// AmountError reports an amount that breaks a limit: more than an
// invoice's open amount, more than a payment's unapplied amount, more
// credit than was invoiced. It matches its Err sentinel
// ([ErrOverAllocation], [ErrInsufficientFunds], [ErrOverCredit],
// [ErrOverDispute], [ErrOutsideTolerance]).
type AmountError struct {
	Kind      string    // what holds the limit: "invoice", "instalment", "payment", "credit note"
	ID        string    // its identifier (an invoice number when it has one)
	Requested o2c.Money // what was asked for
	Available o2c.Money // the limit
	Err       error     // the sentinel
}

// Error says which record, what was requested and what was available.
func (e *AmountError) Error() string {
	return fmt.Sprintf("%s %s: %s requested, %s available: %v", e.Kind, e.ID, e.Requested, e.Available, e.Err)
}

// Unwrap returns the sentinel.
func (e *AmountError) Unwrap() error { return e.Err }

func invalid(field, rule, value string) *o2c.ValidationError {
	return &o2c.ValidationError{Field: field, Rule: rule, Value: truncateValue(value)}
}

// checkPositive refuses a zero, negative or currency-less amount and one
// with more decimals than its currency's minor unit.
func checkPositive(field string, m o2c.Money) error {
	switch {
	case m.Currency().IsZero():
		return &o2c.ValidationError{Field: field, Rule: "is required", Err: o2c.ErrInvalidAmount}
	case !m.IsPositive():
		return &o2c.ValidationError{Field: field, Rule: "must be positive", Value: m.String(), Err: o2c.ErrInvalidAmount}
	case !m.IsRounded():
		return &o2c.ValidationError{Field: field, Rule: "must be rounded to the currency's minor unit", Value: m.String(), Err: o2c.ErrInvalidAmount}
	}
	return nil
}

// sameCurrency refuses m when its currency is not want.
func sameCurrency(op string, want o2c.Currency, m o2c.Money) error {
	if m.Currency() != want {
		return &o2c.CurrencyMismatchError{Op: op, Left: want, Right: m.Currency()}
	}
	return nil
}
