package o2c

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every store and service in this module returns errors that
// match one of these with [errors.Is] when the condition applies, however much
// context is wrapped around them.
var (
	// ErrNotFound: the record does not exist for this tenant.
	ErrNotFound = errors.New("o2c: not found")
	// ErrConflict: a concurrent update won the race (stale version), or a
	// record with the same natural key already exists.
	ErrConflict = errors.New("o2c: conflict")
	// ErrInvalidTransition: the event is not allowed in the aggregate's
	// current state.
	ErrInvalidTransition = errors.New("o2c: invalid transition")
	// ErrValidation: an input broke a rule. The concrete error is a
	// *[ValidationError] naming the field and the rule.
	ErrValidation = errors.New("o2c: validation failed")
	// ErrCurrencyMismatch: two amounts in different currencies were combined
	// or compared. The concrete error is a *[CurrencyMismatchError].
	ErrCurrencyMismatch = errors.New("o2c: currency mismatch")
	// ErrUnknownCurrency: a currency code is not an ISO 4217 code. It is
	// wrapped in a *[ValidationError].
	ErrUnknownCurrency = errors.New("o2c: unknown currency")
	// ErrInvalidAmount: an amount is unparsable (empty, "NaN", garbage) or
	// absurd (beyond [MaxIntegerDigits] or [MaxFractionDigits]). It is
	// wrapped in a *[ValidationError].
	ErrInvalidAmount = errors.New("o2c: invalid amount")
	// ErrDateOutOfRange: a date is before 0001-01-01 or after 9999-12-31
	// (the result of date arithmetic or of a far instant). It is wrapped in
	// a *[ValidationError].
	ErrDateOutOfRange = errors.New("o2c: date out of range")
	// ErrRetryable: the operation failed for a transient reason (the
	// database chose this transaction as a deadlock victim, could not
	// serialise it, or its connection was terminated) and nothing of it was
	// written; running the whole operation again may succeed. Stores wrap
	// the driver error with it.
	ErrRetryable = errors.New("o2c: retryable failure")
	// ErrIdempotencyConflict: an idempotency key came back with a request
	// different from the one first made under it. The first result stands;
	// the second request is refused, never silently dropped. It is wrapped
	// in a *[ValidationError] naming the key.
	ErrIdempotencyConflict = errors.New("o2c: idempotency key reused with a different request")
)

// ValidationError reports an input that broke a rule. It matches
// [ErrValidation] with [errors.Is], and whatever Err wraps (for example
// [ErrUnknownCurrency]).
type ValidationError struct {
	Field string // the offending field, e.g. "currency" or "lines[2].quantity"
	Rule  string // the rule broken, in words, e.g. "must be positive"
	Value string // the offending value as text, when it helps (may be empty)
	Err   error  // optional more specific cause
}

// NewValidationError returns a *ValidationError for field and rule.
func NewValidationError(field, rule string) *ValidationError {
	return &ValidationError{Field: field, Rule: rule}
}

func (e *ValidationError) Error() string {
	msg := "invalid " + e.Field + ": " + e.Rule
	if e.Value != "" {
		msg += fmt.Sprintf(" (got %q)", e.Value)
	}
	return msg
}

// Is reports whether target is ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// Unwrap returns the more specific cause, if any.
func (e *ValidationError) Unwrap() error { return e.Err }

// CurrencyMismatchError reports an operation on amounts of two currencies.
// It matches [ErrCurrencyMismatch].
type CurrencyMismatchError struct {
	Op          string // the operation, e.g. "add"
	Left, Right Currency
}

func (e *CurrencyMismatchError) Error() string {
	return fmt.Sprintf("o2c: currency mismatch in %s: %s and %s", e.Op, e.Left, e.Right)
}

// Is reports whether target is ErrCurrencyMismatch.
func (e *CurrencyMismatchError) Is(target error) bool { return target == ErrCurrencyMismatch }

// TransitionError reports an event refused in a state. It matches
// [ErrInvalidTransition].
type TransitionError struct {
	Aggregate string // e.g. "order"
	ID        string // the aggregate's id, when known
	State     string // the current state
	Event     string // the refused event
}

func (e *TransitionError) Error() string {
	id := ""
	if e.ID != "" {
		id = " " + e.ID
	}
	return fmt.Sprintf("o2c: %s%s: event %q is not allowed in state %q", e.Aggregate, id, e.Event, e.State)
}

// Is reports whether target is ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// NotFound returns an error matching [ErrNotFound] that names what was looked for.
func NotFound(kind, id string) error {
	return fmt.Errorf("%s %s: %w", kind, id, ErrNotFound)
}

// Conflict returns an error matching [ErrConflict] that names the record and the reason.
func Conflict(kind, id, reason string) error {
	return fmt.Errorf("%s %s: %s: %w", kind, id, reason, ErrConflict)
}
