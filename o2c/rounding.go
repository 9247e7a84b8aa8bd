package o2c

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// RoundingMode names how an amount is brought to a number of decimals.
// Rounding in this module is always explicit: every function that rounds
// takes a mode or documents the one it uses.
type RoundingMode uint8

const (
	// RoundHalfUp rounds to nearest, ties away from zero (2.345 -> 2.35,
	// -2.345 -> -2.35): the commercial rounding of invoices in the EU.
	RoundHalfUp RoundingMode = iota
	// RoundHalfEven rounds to nearest, ties to the even digit (2.345 -> 2.34,
	// 2.355 -> 2.36): "banker's rounding".
	RoundHalfEven
	// RoundDown truncates toward zero (2.349 -> 2.34, -2.349 -> -2.34).
	RoundDown
	// RoundUp rounds away from zero (2.341 -> 2.35).
	RoundUp
	// RoundFloor rounds toward negative infinity.
	RoundFloor
	// RoundCeiling rounds toward positive infinity.
	RoundCeiling
)

var roundingNames = [...]string{"half-up", "half-even", "down", "up", "floor", "ceiling"}

// String returns the mode's name ("half-up").
func (r RoundingMode) String() string {
	if int(r) < len(roundingNames) {
		return roundingNames[r]
	}
	return fmt.Sprintf("RoundingMode(%d)", r)
}

// ParseRoundingMode parses a name String returns.
func ParseRoundingMode(s string) (RoundingMode, error) {
	for i, n := range roundingNames {
		if n == s {
			return RoundingMode(i), nil
		}
	}
	return 0, &ValidationError{Field: "rounding mode", Rule: "must be one of half-up, half-even, down, up, floor, ceiling", Value: s}
}

// MarshalText implements encoding.TextMarshaler.
func (r RoundingMode) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *RoundingMode) UnmarshalText(b []byte) error {
	m, err := ParseRoundingMode(string(b))
	if err != nil {
		return err
	}
	*r = m
	return nil
}

// Round rounds d to digits decimals with the mode.
func (r RoundingMode) Round(d decimal.Decimal, digits int32) decimal.Decimal {
	return r.round(d, digits)
}

func (r RoundingMode) round(d decimal.Decimal, digits int32) decimal.Decimal {
	switch r {
	case RoundHalfEven:
		return d.RoundBank(digits)
	case RoundDown:
		return d.RoundDown(digits)
	case RoundUp:
		return d.RoundUp(digits)
	case RoundFloor:
		return d.RoundFloor(digits)
	case RoundCeiling:
		return d.RoundCeil(digits)
	default:
		return d.Round(digits)
	}
}
