package sepa

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/cashcycle/sdk/o2c"
)

// ErrRule is wrapped by every error of this package that reports a broken
// EPC or ISO 20022 rule, so callers can tell "the file would be refused by
// the bank" from other failures with errors.Is.
var ErrRule = errors.New("sepa: EPC rule")

// Maximum lengths of the EPC implementation guidelines.
const (
	MaxIDLength         = 35  // MsgId, PmtInfId, EndToEndId, MndtId
	MaxNameLength       = 70  // Nm of creditor, debtor, initiating party
	MaxRemittanceLength = 140 // one RmtInf/Ustrd
)

// MaxAmount is the largest amount of one SEPA transaction (EUR).
var MaxAmount = o2c.MustMoney("999999999.99", "EUR")

func ruleErr(field, rule, value string) error {
	if len(value) > 80 {
		value = value[:80] + "..."
	}
	return &o2c.ValidationError{Field: field, Rule: rule, Value: value, Err: ErrRule}
}

// IsLatin reports whether r is in the SEPA basic Latin character set.
func IsLatin(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("/-?:().,'+ ", r)
}

// special transliterations that Unicode decomposition does not give.
var special = map[rune]string{
	'ß': "ss", 'Æ': "AE", 'æ': "ae", 'Ø': "O", 'ø': "o", 'Œ': "OE", 'œ': "oe", 'Ð': "D", 'ð': "d",
	'Þ': "TH", 'þ': "th", 'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", '&': "+", '_': "-", '"': "'",
	'’': "'", '‘': "'", '«': "'", '»': "'", '–': "-", '—': "-", ';': ",", '!': ".", '\t': " ", '\n': " ", '\r': " ",
}

// Latin transliterates s into the SEPA character set for free text (names,
// remittance information): accents are dropped (é -> e), ligatures and a
// few letters spelled out (ß -> ss, æ -> ae), "&" becomes "+", and any
// other character outside the set becomes ".". Runs of spaces are
// collapsed and the result trimmed.
func Latin(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case IsLatin(r):
			b.WriteRune(r)
		case special[r] != "":
			b.WriteString(special[r])
		default:
			b.WriteByte('.')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// CheckText checks free text already in the SEPA character set (see
// [Latin]): not longer than max characters, and required unless optional.
func CheckText(field, s string, max int, required bool) error {
	if s == "" {
		if required {
			return ruleErr(field, "is required", "")
		}
		return nil
	}
	for _, r := range s {
		if !IsLatin(r) {
			return ruleErr(field, fmt.Sprintf("character %q is outside the SEPA character set", r), s)
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return ruleErr(field, fmt.Sprintf("must be at most %d characters (is %d)", max, n), s)
	}
	return nil
}

// CheckID checks an identifier (MsgId, PmtInfId, EndToEndId, MndtId): 1 to
// 35 characters of the SEPA set without spaces, not starting or ending with
// "/" and without "//" (EPC rule for all identifiers since the 2019
// rulebooks). Spaces are refused as several national implementations
// refuse them in mandate references.
func CheckID(field, s string) error {
	if err := CheckText(field, s, MaxIDLength, true); err != nil {
		return err
	}
	switch {
	case strings.Contains(s, " "):
		return ruleErr(field, "must not contain spaces", s)
	case strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/"):
		return ruleErr(field, `must not start or end with "/"`, s)
	case strings.Contains(s, "//"):
		return ruleErr(field, `must not contain "//"`, s)
	}
	return nil
}

// CheckAmount checks a transaction amount: euro, 0.01 to 999999999.99, at
// most two decimals.
func CheckAmount(field string, m o2c.Money) error {
	switch {
	case m.Currency().Code() != "EUR":
		return ruleErr(field, "must be in EUR", m.String())
	case !m.IsPositive():
		return ruleErr(field, "must be at least 0.01", m.String())
	case !m.IsRounded():
		return ruleErr(field, "must have at most two decimals", m.String())
	}
	if over, _ := m.GreaterThan(MaxAmount); over {
		return ruleErr(field, "must be at most 999999999.99", m.String())
	}
	return nil
}
