package customer

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/cashcycle/sdk/o2c"
)

// Causes carried in the Err field of the *[o2c.ValidationError] values this
// package returns, for callers that want to tell a typo from a wrong kind of
// value. Every error that wraps one of them also matches [o2c.ErrValidation].
var (
	// ErrRequired: a value that the rule needs is empty.
	ErrRequired = errors.New("customer: value required")
	// ErrInvalidFormat: the value has the wrong characters or structure.
	ErrInvalidFormat = errors.New("customer: invalid format")
	// ErrInvalidLength: the value has the wrong number of characters.
	ErrInvalidLength = errors.New("customer: invalid length")
	// ErrInvalidChecksum: the structure is right but a check digit or key
	// does not match (typically a mistyped or swapped digit).
	ErrInvalidChecksum = errors.New("customer: invalid checksum")
	// ErrUnknownCountry: a country code is not in the table this package
	// knows for that purpose (ISO 3166-1, the IBAN registry, the EU VAT
	// prefixes).
	ErrUnknownCountry = errors.New("customer: unknown country")
	// ErrMismatch: two values that must agree do not (a SIRET that does not
	// start with the SIREN, a French VAT number built on another SIREN).
	ErrMismatch = errors.New("customer: values disagree")
	// ErrDuplicate: a value that must be unique within the customer appears
	// twice (an IBAN, a contact's email).
	ErrDuplicate = errors.New("customer: duplicate value")
	// ErrImmutable: an update tried to change a field that never changes
	// after creation.
	ErrImmutable = errors.New("customer: immutable field")
)

// ValidationErrors lists every *[o2c.ValidationError] inside err, in order,
// looking through [errors.Join] and fmt.Errorf("%w") wrappers. [New],
// [Customer.Update] and [Details.Validate] report all problems at once, so a
// form can highlight every offending field; this is how a caller gets them
// back. It returns nil when err holds none.
func ValidationErrors(err error) []*o2c.ValidationError {
	var out []*o2c.ValidationError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if ve, ok := e.(*o2c.ValidationError); ok {
			out = append(out, ve)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// invalid builds the *o2c.ValidationError every validator returns.
func invalid(field, rule, value string, cause error) *o2c.ValidationError {
	return &o2c.ValidationError{Field: field, Rule: rule, Value: clip(value), Err: cause}
}

// clip keeps error messages short and valid UTF-8 whatever the input.
func clip(s string) string {
	const max = 40
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "..."
}

// at renames the field of a validator's error to its path inside a
// customer ("bank_accounts[1].iban").
func at(path string, err error) error {
	if err == nil {
		return nil
	}
	var ve *o2c.ValidationError
	if errors.As(err, &ve) {
		c := *ve
		c.Field = path
		return &c
	}
	return err
}
