package customer

import (
	"strings"
	"unicode"
)

// laPosteSIREN is La Poste's SIREN. Its establishments' SIRETs do not follow
// the Luhn rule; INSEE documents that the sum of their digits is a multiple
// of 5 instead (all but the head office, 356 000 000 00048, which is a
// regular Luhn number).
const (
	laPosteSIREN      = "356000000"
	laPosteHeadOffice = "35600000000048"
)

// compactDigits removes white space, dots and hyphens: SIRENs are often
// written "732 829 320" or "732.829.320".
func compactDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '.' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// luhn reports whether the digit string s passes the Luhn (mod 10) check.
func luhn(s string) bool {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func digitSum(s string) int {
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += int(s[i] - '0')
	}
	return sum
}

// ValidateSIREN checks a French company number (SIREN, "numéro SIREN"):
// nine digits passing the Luhn check, not all zeros. Spaces, dots and
// hyphens are accepted ("732 829 320"). It returns nil or a
// *[o2c.ValidationError] with Field "siren".
func ValidateSIREN(s string) error {
	_, err := normalizeSIREN(s)
	return err
}

func normalizeSIREN(s string) (string, error) {
	const field = "siren"
	n := compactDigits(s)
	switch {
	case n == "":
		return "", invalid(field, "is required", s, ErrRequired)
	case !allDigits(n):
		return "", invalid(field, "must contain only digits", s, ErrInvalidFormat)
	case len(n) != 9:
		return "", invalid(field, "must be 9 digits", s, ErrInvalidLength)
	case n == "000000000":
		return "", invalid(field, "must not be all zeros", s, ErrInvalidFormat)
	case !luhn(n):
		return "", invalid(field, "Luhn check digit does not match", s, ErrInvalidChecksum)
	}
	return n, nil
}

// ValidateSIRET checks a French establishment number (SIRET): fourteen
// digits, the first nine a valid SIREN, the whole passing the Luhn check.
// La Poste's establishments (SIREN 356 000 000) are the documented
// exception: their SIRET's digits must add up to a multiple of 5 instead.
// Spaces, dots and hyphens are accepted. It returns nil or a
// *[o2c.ValidationError] with Field "siret".
func ValidateSIRET(s string) error {
	_, err := normalizeSIRET(s)
	return err
}

func normalizeSIRET(s string) (string, error) {
	const field = "siret"
	n := compactDigits(s)
	switch {
	case n == "":
		return "", invalid(field, "is required", s, ErrRequired)
	case !allDigits(n):
		return "", invalid(field, "must contain only digits", s, ErrInvalidFormat)
	case len(n) != 14:
		return "", invalid(field, "must be 14 digits", s, ErrInvalidLength)
	}
	if _, err := normalizeSIREN(n[:9]); err != nil {
		return "", invalid(field, "must start with a valid SIREN", s, ErrInvalidChecksum)
	}
	if n[:9] == laPosteSIREN && n != laPosteHeadOffice {
		if digitSum(n)%5 != 0 {
			return "", invalid(field, "La Poste SIRET digits must add up to a multiple of 5", s, ErrInvalidChecksum)
		}
		return n, nil
	}
	if !luhn(n) {
		return "", invalid(field, "Luhn check digit does not match", s, ErrInvalidChecksum)
	}
	return n, nil
}
