package sepa

import (
	"fmt"
	"math/big"
	"strings"
)

// CreditorID is a SEPA creditor identifier (ICS in France, Gläubiger-ID in
// Germany): country code, two check digits, a three-character creditor
// business code ("ZZZ" when unused) and the national identifier, e.g.
// "DE98ZZZ09999999999". Build one with [ParseCreditorID] or
// [NewCreditorID].
type CreditorID string

// ParseCreditorID validates s (spaces and lower case accepted) and returns
// it in its electronic form. The check digits are ISO 7064 MOD 97-10
// computed over the national identifier followed by the country code and
// "00", the business code (positions 5 to 7) left out, so it may change
// without a new identifier. Errors are *o2c.ValidationError with field
// "creditor_id" wrapping [ErrRule].
func ParseCreditorID(s string) (CreditorID, error) {
	const field = "creditor_id"
	c := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	switch {
	case c == "":
		return "", ruleErr(field, "is required", s)
	case len(c) < 8 || len(c) > MaxIDLength:
		return "", ruleErr(field, "must be 8 to 35 characters", s)
	case !isAlpha(c[0]) || !isAlpha(c[1]):
		return "", ruleErr(field, "must start with an ISO 3166 country code", s)
	case !isDigit(c[2]) || !isDigit(c[3]):
		return "", ruleErr(field, "positions 3-4 must be check digits", s)
	}
	for i := 4; i < len(c); i++ {
		if !isAlnum(c[i]) {
			return "", ruleErr(field, "must contain only letters and digits", s)
		}
	}
	want, err := creditorCheckDigits(c[:2], c[7:])
	if err != nil {
		return "", err
	}
	if c[2:4] != want {
		return "", ruleErr(field, fmt.Sprintf("check digits %s do not match (expected %s)", c[2:4], want), s)
	}
	return CreditorID(c), nil
}

// NewCreditorID builds the identifier of country, business code (empty:
// "ZZZ") and national identifier, computing the check digits.
func NewCreditorID(country, businessCode, national string) (CreditorID, error) {
	country, national = strings.ToUpper(country), strings.ToUpper(strings.ReplaceAll(national, " ", ""))
	if businessCode == "" {
		businessCode = "ZZZ"
	}
	if len(country) != 2 || !isAlpha(country[0]) || !isAlpha(country[1]) {
		return "", ruleErr("creditor_id.country", "must be an ISO 3166 country code", country)
	}
	cd, err := creditorCheckDigits(country, national)
	if err != nil {
		return "", err
	}
	return ParseCreditorID(country + cd + strings.ToUpper(businessCode) + national)
}

func creditorCheckDigits(country, national string) (string, error) {
	if national == "" {
		return "", ruleErr("creditor_id", "national identifier is missing", national)
	}
	var digits strings.Builder
	for _, ch := range []byte(national + country + "00") {
		switch {
		case isDigit(ch):
			digits.WriteByte(ch)
		case isAlpha(ch):
			fmt.Fprintf(&digits, "%d", int(ch-'A')+10)
		default:
			return "", ruleErr("creditor_id", "must contain only letters and digits", national)
		}
	}
	n, _ := new(big.Int).SetString(digits.String(), 10)
	mod := new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("%02d", 98-mod), nil
}

// Country returns the issuing country.
func (c CreditorID) Country() string { return string(c[:2]) }

// BusinessCode returns positions 5 to 7 ("ZZZ" when unused).
func (c CreditorID) BusinessCode() string { return string(c[4:7]) }

// National returns the national identifier (from position 8).
func (c CreditorID) National() string { return string(c[7:]) }

// SameCreditor reports whether a and b identify the same creditor: equal
// but for the business code.
func SameCreditor(a, b CreditorID) bool {
	return len(a) >= 7 && len(b) >= 7 && a[:4] == b[:4] && a[7:] == b[7:]
}

// String returns the identifier.
func (c CreditorID) String() string { return string(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
