package customer

import (
	"strconv"
	"strings"
	"unicode"
)

// ibanLengths is the length of a full IBAN (country code and check digits
// included) for every country in the SWIFT IBAN Registry (ISO 13616),
// release 98 and later: 89 countries. Territories that use another country's
// prefix (Åland uses FI, Guadeloupe FR, Jersey GB, ...) are covered by that
// prefix.
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28,
	"BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29, "BY": 28,
	"CH": 21, "CR": 22, "CY": 28, "CZ": 24,
	"DE": 22, "DJ": 27, "DK": 18, "DO": 28,
	"EE": 20, "EG": 29, "ES": 24,
	"FI": 18, "FK": 18, "FO": 18, "FR": 27,
	"GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
	"HN": 28, "HR": 21, "HU": 28,
	"IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
	"JO": 30,
	"KW": 30, "KZ": 20,
	"LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
	"MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30,
	"NI": 28, "NL": 18, "NO": 15,
	"OM": 23,
	"PK": 24, "PL": 28, "PS": 29, "PT": 25,
	"QA": 29,
	"RO": 24, "RS": 22, "RU": 33,
	"SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
	"TL": 23, "TN": 24, "TR": 26,
	"UA": 29,
	"VA": 22, "VG": 24,
	"XK": 20,
	"YE": 30,
}

// IBANLength returns the length of an IBAN issued in country (an ISO 3166
// alpha-2 code, upper case) and whether the country issues IBANs at all.
func IBANLength(country string) (int, bool) {
	n, ok := ibanLengths[country]
	return n, ok
}

// CompactIBAN returns s without white space (including non-breaking spaces)
// or hyphens, in upper case: the electronic form of an IBAN typed or printed
// in groups. It does not validate; use it to compare or index IBANs that may
// be invalid (a payer's account on a bank statement).
func CompactIBAN(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) || r == '-' {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// ValidateIBAN checks an International Bank Account Number (ISO 13616).
// Spaces, hyphens and lower case are accepted (see [CompactIBAN]). The
// rules, in order: only letters and digits; a country code listed in the
// SWIFT IBAN Registry; the registry's length for that country; two check
// digits between 02 and 98; the ISO 7064 MOD 97-10 checksum. It returns nil
// or a *[o2c.ValidationError] with Field "iban" wrapping [ErrRequired],
// [ErrInvalidFormat], [ErrUnknownCountry], [ErrInvalidLength] or
// [ErrInvalidChecksum].
//
// The checksum catches every single mistyped character and every swap of
// two adjacent digits.
func ValidateIBAN(s string) error {
	_, err := NormalizeIBAN(s)
	return err
}

// NormalizeIBAN validates s like [ValidateIBAN] and returns its electronic
// form: upper case, no spaces ("FR7630006000011234567890189").
func NormalizeIBAN(s string) (string, error) {
	const field = "iban"
	iban := CompactIBAN(s)
	if iban == "" {
		return "", invalid(field, "is required", s, ErrRequired)
	}
	for i := 0; i < len(iban); i++ {
		if !isUpperAlnum(iban[i]) {
			return "", invalid(field, "must contain only letters and digits", s, ErrInvalidFormat)
		}
	}
	if len(iban) < 4 || !isUpper(iban[0]) || !isUpper(iban[1]) || !isDigit(iban[2]) || !isDigit(iban[3]) {
		return "", invalid(field, "must start with a country code and two check digits", s, ErrInvalidFormat)
	}
	want, ok := ibanLengths[iban[:2]]
	if !ok {
		return "", invalid(field, "country "+iban[:2]+" does not issue IBANs", s, ErrUnknownCountry)
	}
	if len(iban) != want {
		return "", invalid(field, "must be "+strconv.Itoa(want)+" characters for "+iban[:2], s, ErrInvalidLength)
	}
	if cd := iban[2:4]; cd == "00" || cd == "01" || cd == "99" {
		return "", invalid(field, "check digits must be between 02 and 98", s, ErrInvalidChecksum)
	}
	if mod97(iban[4:]+iban[:4]) != 1 {
		return "", invalid(field, "checksum does not match (mistyped or swapped character?)", s, ErrInvalidChecksum)
	}
	return iban, nil
}

// FormatIBAN returns the print form of an IBAN: its compact form (see
// [CompactIBAN]) in groups of four characters separated by spaces,
// "FR76 3000 6000 0112 3456 7890 189". It does not validate.
func FormatIBAN(iban string) string {
	c := CompactIBAN(iban)
	var b strings.Builder
	b.Grow(len(c) + len(c)/4)
	for i, r := range []rune(c) {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ibanCheckDigits returns the two check digits that make country + "00" +
// bban pass MOD 97-10. bban must be upper-case letters and digits.
func ibanCheckDigits(country, bban string) string {
	cd := 98 - mod97(bban+country+"00")
	return string([]byte{byte('0' + cd/10), byte('0' + cd%10)})
}

// mod97 returns the ISO 7064 MOD 97-10 remainder of s, where each letter
// counts as two digits (A=10 ... Z=35). s must be upper-case letters and
// digits.
func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	return r
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isUpper(c byte) bool      { return c >= 'A' && c <= 'Z' }
func isUpperAlnum(c byte) bool { return isDigit(c) || isUpper(c) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
