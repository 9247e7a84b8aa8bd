package customer

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidateEmail checks a bare email address ("ap@example.com"): it must
// parse with [net/mail.ParseAddress] as exactly itself (no display name, no
// angle brackets, no comments), be at most 254 bytes with a local part of at
// most 64, and have a domain name of at least two dot-separated labels made
// of letters, digits and inner hyphens (no IP literal). Surrounding spaces
// are accepted. It returns nil or a *[o2c.ValidationError] with Field
// "email".
func ValidateEmail(s string) error {
	_, err := normalizeEmail(s)
	return err
}

// normalizeEmail trims the address and lower-cases its domain.
func normalizeEmail(s string) (string, error) {
	const field = "email"
	e := strings.TrimSpace(s)
	if e == "" {
		return "", invalid(field, "is required", s, ErrRequired)
	}
	if len(e) > 254 {
		return "", invalid(field, "must be at most 254 characters", s, ErrInvalidLength)
	}
	addr, err := mail.ParseAddress(e)
	if err != nil {
		return "", invalid(field, "is not a valid email address", s, ErrInvalidFormat)
	}
	if addr.Name != "" || addr.Address != e {
		return "", invalid(field, "must be a bare address, without display name or angle brackets", s, ErrInvalidFormat)
	}
	at := strings.LastIndexByte(e, '@')
	local, domain := e[:at], e[at+1:]
	if len(local) > 64 {
		return "", invalid(field, "local part must be at most 64 characters", s, ErrInvalidLength)
	}
	if !validDomain(domain) {
		return "", invalid(field, "domain must be a name with a dot, like example.com", s, ErrInvalidFormat)
	}
	return local + "@" + strings.ToLower(domain), nil
}

// validDomain accepts host names of two or more labels; labels are 1-63
// bytes of letters (any script), digits and hyphens, not starting or ending
// with a hyphen; the last label is not all digits.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return !allDigits(tld) && utf8.RuneCountInString(tld) >= 2
}
