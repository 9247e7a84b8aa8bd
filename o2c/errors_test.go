package o2c_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
)

var sentinels = map[string]error{
	"not found":          o2c.ErrNotFound,
	"conflict":           o2c.ErrConflict,
	"invalid transition": o2c.ErrInvalidTransition,
	"validation":         o2c.ErrValidation,
	"currency mismatch":  o2c.ErrCurrencyMismatch,
	"unknown currency":   o2c.ErrUnknownCurrency,
	"invalid amount":     o2c.ErrInvalidAmount,
}

// requireMatchesOnly asserts err matches exactly the sentinels in want.
func requireMatchesOnly(t *testing.T, err error, want ...error) {
	t.Helper()
	for name, s := range sentinels {
		expected := false
		for _, w := range want {
			expected = expected || w == s
		}
		assert.Equal(t, expected, errors.Is(err, s), "errors.Is(%v, %s)", err, name)
	}
}

func TestSentinelsAreDistinct(t *testing.T) {
	for name, s := range sentinels {
		requireMatchesOnly(t, s, s)
		assert.Contains(t, s.Error(), name)
	}
}

func TestValidationError(t *testing.T) {
	err := error(&o2c.ValidationError{Field: "lines[2].quantity", Rule: "must be positive", Value: "-1"})
	assert.Equal(t, `invalid lines[2].quantity: must be positive (got "-1")`, err.Error())
	requireMatchesOnly(t, err, o2c.ErrValidation)

	// Wrapped however deep, it still matches and unwraps.
	wrapped := fmt.Errorf("create order: %w", fmt.Errorf("line 2: %w", err))
	requireMatchesOnly(t, wrapped, o2c.ErrValidation)
	var ve *o2c.ValidationError
	require.ErrorAs(t, wrapped, &ve)
	assert.Equal(t, "lines[2].quantity", ve.Field)
	assert.Equal(t, "must be positive", ve.Rule)
	assert.Equal(t, "-1", ve.Value)

	// With a cause, it matches the cause too.
	withCause := &o2c.ValidationError{Field: "currency", Rule: "must be an ISO 4217 code", Value: "XYZ", Err: o2c.ErrUnknownCurrency}
	requireMatchesOnly(t, fmt.Errorf("wrap: %w", withCause), o2c.ErrValidation, o2c.ErrUnknownCurrency)
	assert.Equal(t, o2c.ErrUnknownCurrency, errors.Unwrap(withCause))

	nv := o2c.NewValidationError("due_date", "must not be before the invoice date")
	assert.Equal(t, "invalid due_date: must not be before the invoice date", nv.Error())
	assert.Nil(t, nv.Unwrap())
	requireMatchesOnly(t, nv, o2c.ErrValidation)
}

func TestErrorsFromConstructorsMatchTheirSentinels(t *testing.T) {
	_, err := o2c.NewMoney("abc", "EUR")
	requireMatchesOnly(t, err, o2c.ErrValidation, o2c.ErrInvalidAmount)
	_, err = o2c.NewMoney("1", "XYZ")
	requireMatchesOnly(t, err, o2c.ErrValidation, o2c.ErrUnknownCurrency)
	_, err = o2c.MustMoney("1", "EUR").Add(o2c.MustMoney("1", "JPY"))
	requireMatchesOnly(t, err, o2c.ErrCurrencyMismatch)
	_, err = o2c.ParseDate("2026-02-30")
	requireMatchesOnly(t, err, o2c.ErrValidation)
}

func TestCurrencyMismatchError(t *testing.T) {
	err := error(&o2c.CurrencyMismatchError{Op: "add", Left: o2c.EUR, Right: o2c.USD})
	assert.Equal(t, "o2c: currency mismatch in add: EUR and USD", err.Error())
	wrapped := fmt.Errorf("invoice total: %w", err)
	requireMatchesOnly(t, wrapped, o2c.ErrCurrencyMismatch)
	var me *o2c.CurrencyMismatchError
	require.ErrorAs(t, wrapped, &me)
	assert.Equal(t, "add", me.Op)
	assert.Equal(t, o2c.EUR, me.Left)
	assert.Equal(t, o2c.USD, me.Right)
}

func TestTransitionError(t *testing.T) {
	err := error(&o2c.TransitionError{Aggregate: "order", ID: "ord-1", State: "cancelled", Event: "ship"})
	assert.Equal(t, `o2c: order ord-1: event "ship" is not allowed in state "cancelled"`, err.Error())
	wrapped := fmt.Errorf("ship order: %w", err)
	requireMatchesOnly(t, wrapped, o2c.ErrInvalidTransition)
	var te *o2c.TransitionError
	require.ErrorAs(t, wrapped, &te)
	assert.Equal(t, "order", te.Aggregate)
	assert.Equal(t, "ord-1", te.ID)
	assert.Equal(t, "cancelled", te.State)
	assert.Equal(t, "ship", te.Event)

	noID := &o2c.TransitionError{Aggregate: "invoice", State: "paid", Event: "issue"}
	assert.Equal(t, `o2c: invoice: event "issue" is not allowed in state "paid"`, noID.Error())
}

func TestNotFoundAndConflict(t *testing.T) {
	nf := o2c.NotFound("invoice", "F-2026-001")
	assert.Equal(t, "invoice F-2026-001: o2c: not found", nf.Error())
	requireMatchesOnly(t, nf, o2c.ErrNotFound)
	requireMatchesOnly(t, fmt.Errorf("get: %w", nf), o2c.ErrNotFound)

	c := o2c.Conflict("order", "ord-1", "stale version 3")
	assert.Equal(t, "order ord-1: stale version 3: o2c: conflict", c.Error())
	requireMatchesOnly(t, c, o2c.ErrConflict)
	requireMatchesOnly(t, fmt.Errorf("update: %w", c), o2c.ErrConflict)
}

func TestFingerprint(t *testing.T) {
	a := o2c.Fingerprint("allocate", o2c.CanonicalAmount(o2c.MustMoney("12.50", "EUR")), "inv-1")
	assert.Equal(t, a, o2c.Fingerprint("allocate", o2c.CanonicalAmount(o2c.MustMoney("12.5", "EUR")), "inv-1"), "one amount, two spellings")
	assert.NotEqual(t, a, o2c.Fingerprint("allocate", o2c.CanonicalAmount(o2c.MustMoney("12.51", "EUR")), "inv-1"))
	assert.NotEqual(t, a, o2c.Fingerprint("allocate", o2c.CanonicalAmount(o2c.MustMoney("12.50", "USD")), "inv-1"))
	assert.NotEqual(t, a, o2c.Fingerprint("refund", o2c.CanonicalAmount(o2c.MustMoney("12.50", "EUR")), "inv-1"))
	assert.Len(t, a, 64)
	assert.Equal(t, "", o2c.CanonicalAmount(o2c.Money{}))

	err := o2c.IdempotencyConflict("key", "k-1", "refund")
	assert.ErrorIs(t, err, o2c.ErrIdempotencyConflict)
	assert.ErrorIs(t, err, o2c.ErrValidation)
	assert.Contains(t, err.Error(), "k-1")
}
