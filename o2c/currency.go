package o2c

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bojanz/currency"
)

// Currency is an ISO 4217 currency with its number of minor digits (2 for
// EUR, 0 for JPY, 3 for KWD), taken from CLDR's ISO 4217 table as shipped by
// bojanz/currency. The zero value is "no currency" and is refused by every
// constructor. Currencies compare with ==.
type Currency struct {
	code   string
	digits uint8
}

// Common currencies, for convenience in code and tests.
var (
	EUR = mustCurrency("EUR")
	USD = mustCurrency("USD")
	GBP = mustCurrency("GBP")
	CHF = mustCurrency("CHF")
	JPY = mustCurrency("JPY")
	KWD = mustCurrency("KWD")
)

func mustCurrency(code string) Currency {
	c, err := ParseCurrency(code)
	if err != nil {
		panic(err)
	}
	return c
}

// ParseCurrency returns the currency for an ISO 4217 alphabetic code. The
// code is case-sensitive and must be three upper-case letters. An unknown
// code is a *[ValidationError] wrapping [ErrUnknownCurrency].
func ParseCurrency(code string) (Currency, error) {
	if len(code) != 3 || strings.ToUpper(code) != code || !currency.IsValid(code) {
		return Currency{}, &ValidationError{Field: "currency", Rule: "must be an ISO 4217 code", Value: code, Err: ErrUnknownCurrency}
	}
	d, ok := currency.GetDigits(code)
	if !ok {
		return Currency{}, &ValidationError{Field: "currency", Rule: "must be an ISO 4217 code", Value: code, Err: ErrUnknownCurrency}
	}
	return Currency{code: code, digits: d}, nil
}

// Code returns the three-letter code ("EUR"), or "" for the zero Currency.
func (c Currency) Code() string { return c.code }

// Digits returns the number of minor digits (2 for EUR).
func (c Currency) Digits() int32 { return int32(c.digits) }

// IsZero reports whether c is the zero Currency.
func (c Currency) IsZero() bool { return c.code == "" }

// String returns the code.
func (c Currency) String() string { return c.code }

// MarshalText implements encoding.TextMarshaler.
func (c Currency) MarshalText() ([]byte, error) { return []byte(c.code), nil }

// UnmarshalText implements encoding.TextUnmarshaler; an empty text gives the zero Currency.
func (c *Currency) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = Currency{}
		return nil
	}
	p, err := ParseCurrency(string(b))
	if err != nil {
		return err
	}
	*c = p
	return nil
}

// MarshalJSON encodes the code as a JSON string.
func (c Currency) MarshalJSON() ([]byte, error) { return json.Marshal(c.code) }

// UnmarshalJSON decodes a JSON string holding a code.
func (c *Currency) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &ValidationError{Field: "currency", Rule: "must be a JSON string", Value: string(b), Err: ErrUnknownCurrency}
	}
	return c.UnmarshalText([]byte(s))
}

// Value implements driver.Valuer: the code, or NULL for the zero Currency.
func (c Currency) Value() (driver.Value, error) {
	if c.IsZero() {
		return nil, nil
	}
	return c.code, nil
}

// Scan implements sql.Scanner from a text column.
func (c *Currency) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c = Currency{}
		return nil
	case string:
		return c.UnmarshalText([]byte(strings.TrimSpace(v)))
	case []byte:
		return c.UnmarshalText([]byte(strings.TrimSpace(string(v))))
	default:
		return fmt.Errorf("o2c: cannot scan %T into Currency", src)
	}
}
