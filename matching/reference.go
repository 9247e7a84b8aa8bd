package matching

import (
	"strconv"
	"strings"

	"github.com/cashcycle/sdk/o2c"
)

// ReferenceKind names a family of structured payment references.
type ReferenceKind string

// Reference kinds the engine recognises.
const (
	// RefRF is an ISO 11649 creditor reference: "RF", two mod-97 check
	// digits and up to 21 letters and digits.
	RefRF ReferenceKind = "rf"
	// RefBelgian is the Belgian structured communication
	// (+++123/4567/89012+++): ten digits and a mod-97 check of two.
	RefBelgian ReferenceKind = "be"
	// RefFinnish is the Finnish national reference: 3 to 19 digits and a
	// 7-3-1 weighted check digit.
	RefFinnish ReferenceKind = "fi"
	// RefKIDMod10 is a Norwegian KID with a Luhn (mod 10) check digit.
	RefKIDMod10 ReferenceKind = "kid10"
	// RefKIDMod11 is a Norwegian KID with a mod 11 check digit ('-' for 10).
	RefKIDMod11 ReferenceKind = "kid11"
	// RefSwissQR is the 27-digit Swiss QR reference with a recursive mod 10
	// check digit.
	RefSwissQR ReferenceKind = "ch"
)

// Reference is a structured reference found on a statement line.
type Reference struct {
	Kind ReferenceKind
	// Value is the reference in compact form: upper case, no spaces or
	// separators ("RF18539007547034", "123456789002").
	Value string
}

// CompactReference returns s upper-cased with everything but letters and
// digits removed (the '-' of a mod-11 KID check digit is kept at the end).
func CompactReference(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '-' && i == len(strings.TrimRight(s, " "))-1:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func refInvalid(field, rule, value string) error {
	return &o2c.ValidationError{Field: field, Rule: rule, Value: value, Err: ErrInvalidReference}
}

// mod97 returns the ISO 7064 mod 97-10 remainder of s, letters counting
// as 10 (A) to 35 (Z). s must be upper-case letters and digits.
func refMod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
		default:
			return -1
		}
	}
	return r
}

func refAlnumUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func refDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NewRFReference returns the ISO 11649 creditor reference for base (1 to
// 21 letters and digits after compaction; separators and case are
// ignored): "RF", two check digits, base. An empty or too long base, or
// one with other characters, is a *o2c.ValidationError matching
// [ErrInvalidReference].
func NewRFReference(base string) (string, error) {
	b := CompactReference(base)
	if strings.HasSuffix(b, "-") {
		return "", refInvalid("reference", "must be letters and digits", base)
	}
	if len(b) == 0 || len(b) > 21 {
		return "", refInvalid("reference", "must have 1 to 21 letters and digits", base)
	}
	check := 98 - refMod97(b+"RF00")
	return "RF" + refTwoDigits(check) + b, nil
}

func refTwoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// ValidRF reports whether s (in any case, with spaces) is a well-formed
// ISO 11649 reference whose check digits are right.
func ValidRF(s string) bool {
	c := CompactReference(s)
	if len(c) < 5 || len(c) > 25 || c[:2] != "RF" || !refDigits(c[2:4]) || !refAlnumUpper(c) {
		return false
	}
	return refMod97(c[4:]+c[:4]) == 1
}

// NewBelgianReference returns the Belgian structured communication for a
// number of at most ten digits, formatted +++123/4567/89012+++ (the check
// is the number mod 97, 97 for a remainder of 0).
func NewBelgianReference(n uint64) (string, error) {
	if n > 9_999_999_999 {
		return "", refInvalid("reference", "must be at most ten digits", strconv.FormatUint(n, 10))
	}
	check := n % 97
	if check == 0 {
		check = 97
	}
	d := refLeftPad(strconv.FormatUint(n, 10), 10) + refTwoDigits(int(check))
	return "+++" + d[:3] + "/" + d[3:7] + "/" + d[7:] + "+++", nil
}

func refLeftPad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}

// ValidBelgian reports whether s is a Belgian structured communication
// (twelve digits once separators are removed) with a right check.
func ValidBelgian(s string) bool {
	c := CompactReference(s)
	if len(c) != 12 || !refDigits(c) {
		return false
	}
	n, _ := strconv.ParseUint(c[:10], 10, 64)
	check, _ := strconv.Atoi(c[10:])
	want := int(n % 97)
	if want == 0 {
		want = 97
	}
	return check == want
}

// finnishCheck returns the 7-3-1 check digit of the digits base.
func finnishCheck(base string) int {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i, j := len(base)-1, 0; i >= 0; i, j = i-1, j+1 {
		sum += int(base[i]-'0') * weights[j%3]
	}
	return (10 - sum%10) % 10
}

// NewFinnishReference returns the Finnish national reference for base (3
// to 19 digits): base followed by its 7-3-1 check digit.
func NewFinnishReference(base string) (string, error) {
	if !refDigits(base) || len(base) < 3 || len(base) > 19 {
		return "", refInvalid("reference", "must be 3 to 19 digits", base)
	}
	return base + strconv.Itoa(finnishCheck(base)), nil
}

// ValidFinnish reports whether s is a Finnish reference (4 to 20 digits)
// with a right check digit.
func ValidFinnish(s string) bool {
	c := CompactReference(s)
	if !refDigits(c) || len(c) < 4 || len(c) > 20 {
		return false
	}
	return finnishCheck(c[:len(c)-1]) == int(c[len(c)-1]-'0')
}

// luhnCheck returns the Luhn (mod 10) check digit of the digits base.
func luhnCheck(base string) int {
	sum := 0
	double := true
	for i := len(base) - 1; i >= 0; i-- {
		d := int(base[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return (10 - sum%10) % 10
}

// mod11Check returns the KID mod 11 check character of the digits base
// (weights 2 to 7 from the right; 10 is '-', 11 is '0').
func mod11Check(base string) byte {
	sum := 0
	for i, w := len(base)-1, 2; i >= 0; i-- {
		sum += int(base[i]-'0') * w
		w++
		if w > 7 {
			w = 2
		}
	}
	switch r := 11 - sum%11; r {
	case 11:
		return '0'
	case 10:
		return '-'
	default:
		return byte('0' + r)
	}
}

// NewKID returns a Norwegian KID for base (1 to 24 digits) with a mod 10
// (Luhn) check digit, or with a mod 11 check when mod11 is true.
func NewKID(base string, mod11 bool) (string, error) {
	if !refDigits(base) || len(base) > 24 {
		return "", refInvalid("reference", "must be 1 to 24 digits", base)
	}
	if mod11 {
		return base + string(mod11Check(base)), nil
	}
	return base + strconv.Itoa(luhnCheck(base)), nil
}

// ValidKID reports whether s is a Norwegian KID (2 to 25 characters) with
// a right mod 10 or mod 11 check, and which.
func ValidKID(s string) (ReferenceKind, bool) {
	c := CompactReference(s)
	if len(c) < 2 || len(c) > 25 {
		return "", false
	}
	base, last := c[:len(c)-1], c[len(c)-1]
	if !refDigits(base) {
		return "", false
	}
	if last >= '0' && last <= '9' && luhnCheck(base) == int(last-'0') {
		return RefKIDMod10, true
	}
	if mod11Check(base) == last {
		return RefKIDMod11, true
	}
	return "", false
}

var swissTable = [10]int{0, 9, 4, 6, 8, 2, 7, 1, 3, 5}

// swissCheck returns the recursive mod 10 check digit of the digits base.
func swissCheck(base string) int {
	carry := 0
	for i := 0; i < len(base); i++ {
		carry = swissTable[(carry+int(base[i]-'0'))%10]
	}
	return (10 - carry) % 10
}

// NewSwissQRReference returns the 27-digit Swiss QR reference for base
// (at most 26 digits, left-padded with zeros) and its check digit.
func NewSwissQRReference(base string) (string, error) {
	if !refDigits(base) || len(base) > 26 {
		return "", refInvalid("reference", "must be 1 to 26 digits", base)
	}
	b := refLeftPad(base, 26)
	return b + strconv.Itoa(swissCheck(b)), nil
}

// ValidSwissQR reports whether s is a 27-digit Swiss QR reference with a
// right check digit.
func ValidSwissQR(s string) bool {
	c := CompactReference(s)
	if len(c) != 27 || !refDigits(c) {
		return false
	}
	return swissCheck(c[:26]) == int(c[26]-'0')
}

// ParseReference recognises s as a structured reference: an ISO 11649 RF
// reference, a Belgian structured communication (recognised by its
// +++/*** delimiters or its twelve digits), a Swiss QR reference, a
// Finnish reference or a KID. Digit-only references can satisfy several
// schemes; the most specific is returned (Swiss for 27 digits, Belgian for
// twelve, then Finnish, then KID). ok is false when no check holds.
func ParseReference(s string) (Reference, bool) {
	c := CompactReference(s)
	switch {
	case strings.HasPrefix(c, "RF"):
		if ValidRF(c) {
			return Reference{Kind: RefRF, Value: c}, true
		}
		return Reference{}, false
	case ValidSwissQR(c):
		return Reference{Kind: RefSwissQR, Value: c}, true
	case ValidBelgian(c):
		return Reference{Kind: RefBelgian, Value: c}, true
	case ValidFinnish(c):
		return Reference{Kind: RefFinnish, Value: c}, true
	}
	if k, ok := ValidKID(c); ok {
		return Reference{Kind: k, Value: c}, true
	}
	return Reference{}, false
}

// RFReferenceForNumber returns the RF reference the SDK prints on an
// invoice by default: the ISO 11649 reference of the invoice number's
// letters and digits (INV-2026-000123 gives RF..INV2026000123). Numbers
// longer than 21 letters and digits keep their last 21.
func RFReferenceForNumber(number string) (string, error) {
	b := CompactReference(number)
	b = strings.TrimSuffix(b, "-")
	if len(b) > 21 {
		b = b[len(b)-21:]
	}
	return NewRFReference(b)
}

// NormalizeNumber returns an invoice number reduced to what survives a
// bank transfer: upper-case letters and digits, separators dropped
// ("inv 2026/000123" and "INV-2026-000123" both give "INV2026000123").
func NormalizeNumber(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Distance returns the Damerau-Levenshtein distance (optimal string
// alignment: insertions, deletions, substitutions and transpositions of
// adjacent characters, each costing one) between a and b, compared byte
// by byte. The engine uses it on normalised invoice numbers.
func Distance(a, b string) int {
	la, lb := len(a), len(b)
	if la == 0 {
		return lb
	}
	if lb == 0 {
		return la
	}
	var buf [3 * 33]int
	var prev2, prev, cur []int
	if lb+1 <= 33 {
		prev2, prev, cur = buf[0:lb+1], buf[33:33+lb+1], buf[66:66+lb+1]
	} else {
		prev2, prev, cur = make([]int, lb+1), make([]int, lb+1), make([]int, lb+1)
	}
	for j := 0; j <= lb; j++ {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}
