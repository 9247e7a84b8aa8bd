package matching

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// ParseMT940 reads a SWIFT MT940 (customer statement) or MT942 (interim
// transaction report) file: one or more statements, with or without the
// SWIFT envelope ({1:...}{2:...}{4: ... -}). It reads the tags :20: :21:
// :25: :28C: :60F:/:60M: :61: :86: :62F:/:62M: :64: :65: :34F: :13D:
// :90D:/:90C: and ignores others.
//
// Each :61: becomes a [Line]: the value date, the optional entry date (MMDD,
// with the year taken nearest to the value date, so a December entry of a
// January value date falls in the previous year), the D/C/RD/RC mark (RC,
// a reversal of a credit, is a debit; RD a credit), the funds code, the
// amount (comma decimal), the transaction type (N/F/S + 3 characters), the
// reference for the account owner, the //bank reference and the
// supplementary details (into AdditionalInfo). The following :86: is read in
// the structured forms banks use for SEPA — the German ?NN subfields (also
// with '>' as separator), with the SEPA keys EREF+ KREF+ MREF+ CRED+ SVWZ+
// ABWA+ split out, and the Dutch /TAG/value/ form — or else as free text
// (into RemittanceText). The bank transaction code is the :61: type, with
// the :86: business code appended after a '/' when the bank gives one
// ("NTRF/166").
//
// The reader is lenient where banks are sloppy (blank lines, a missing final
// line break, control characters, spaces for an absent entry date, the
// currency written in :25:, an amount without a comma) and strict where a
// figure would otherwise be guessed: an unreadable :61:, balance or date is
// a *[ParseError] naming the line.
//
// Options: [WithDefaultCurrency] for fragments that state no currency.
func ParseMT940(r io.Reader, opts ...ParseOption) ([]Statement, error) {
	data, err := readAll(r, FormatMT940)
	if err != nil {
		return nil, err
	}
	return parseMT940(data, collectOptions(opts))
}

type mtField struct {
	tag   string
	value string // continuation lines joined with "\n"
	line  int
}

// mtFields splits the text into tagged fields; a nil field with tag "-"
// marks the end of a statement.
func mtFields(data []byte) []mtField {
	text := string(toUTF8(data))
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var out []mtField
	cur := -1
	for i, ln := range strings.Split(text, "\n") {
		lineNo := i + 1
		// SWIFT envelope: drop the {1:..}{2:..}{3:..} blocks and "{4:".
		if strings.HasPrefix(ln, "{") {
			if j := strings.Index(ln, "{4:"); j >= 0 {
				ln = ln[j+3:]
			} else {
				continue
			}
		}
		trimmed := strings.TrimRightFunc(ln, func(r rune) bool { return r <= ' ' || r == 0x7f })
		if trimmed == "-" || trimmed == "-}" || strings.HasPrefix(trimmed, "-}{5:") || strings.HasPrefix(trimmed, "{5:") {
			out = append(out, mtField{tag: "-", line: lineNo})
			cur = -1
			continue
		}
		if tag, rest, ok := mtTag(strings.TrimLeft(ln, "\x00\x01\x02\x03")); ok {
			out = append(out, mtField{tag: tag, value: rest, line: lineNo})
			cur = len(out) - 1
			continue
		}
		if cur < 0 || strings.TrimSpace(trimmed) == "" && out[cur].tag != "86" {
			continue
		}
		out[cur].value += "\n" + ln
	}
	return out
}

// mtTag recognises ":NN:", ":NNa:" and ":NS:" at the start of a line.
func mtTag(ln string) (tag, rest string, ok bool) {
	if len(ln) < 4 || ln[0] != ':' {
		return "", "", false
	}
	end := strings.IndexByte(ln[1:], ':')
	if end < 2 || end > 3 {
		return "", "", false
	}
	t := ln[1 : 1+end]
	if t == "NS" {
		return t, ln[2+end:], true
	}
	if t[0] < '0' || t[0] > '9' || t[1] < '0' || t[1] > '9' {
		return "", "", false
	}
	if len(t) == 3 && (t[2] < 'A' || t[2] > 'Z') {
		return "", "", false
	}
	return t, ln[2+end:], true
}

type mtBuilder struct {
	st      Statement
	used    bool
	opening int // index in Balances, -1 if none
	closing int
	final   [2]bool // opening/closing came from a final (F) tag
	last    int     // index of the last line, -1 if none
	mt942   bool
	sawAcct bool
	// defaultCur is used when the file states no currency.
	defaultCur o2c.Currency
}

func newMTBuilder(def o2c.Currency) *mtBuilder {
	return &mtBuilder{st: Statement{Format: FormatMT940}, opening: -1, closing: -1, last: -1, defaultCur: def}
}

func parseMT940(data []byte, o parseOptions) ([]Statement, error) {
	fields := mtFields(data)
	var out []Statement
	b := newMTBuilder(o.defaultCurrency)
	sawTag := false
	flush := func() {
		if b.used {
			s := b.st
			if b.opening >= 0 {
				s.OpeningBalance = &s.Balances[b.opening]
			}
			if b.closing >= 0 {
				s.ClosingBalance = &s.Balances[b.closing]
			}
			if b.mt942 {
				s.Format = FormatMT942
			}
			finishStatement(&s)
			out = append(out, s)
		}
		b = newMTBuilder(o.defaultCurrency)
	}
	for _, f := range fields {
		if f.tag == "-" {
			flush()
			continue
		}
		sawTag = true
		if f.tag == "20" && b.used {
			flush()
		}
		b.used = true
		if err := b.field(f); err != nil {
			format := FormatMT940
			if b.mt942 {
				format = FormatMT942
			}
			return nil, &ParseError{Format: format, Line: f.line, Element: ":" + f.tag + ":", Err: err}
		}
	}
	flush()
	if !sawTag {
		return nil, &ParseError{Format: FormatMT940, Line: 1, Err: fmt.Errorf("%w: no MT940 field (:20:, :61:, ...)", ErrNoStatement)}
	}
	if len(out) == 0 {
		return nil, &ParseError{Format: FormatMT940, Err: fmt.Errorf("%w: no statement", ErrNoStatement)}
	}
	// An MT942 without a balance takes the format from the whole file.
	return out, nil
}

func (b *mtBuilder) field(f mtField) error {
	v := f.value
	switch f.tag {
	case "20":
		b.st.ID = cleanText(v)
	case "25":
		// A second :25: inside a statement (seen in broken files) is ignored.
		if !b.sawAcct {
			b.account(cleanText(v))
			b.sawAcct = true
		}
	case "28", "28C":
		b.st.Sequence = strings.ReplaceAll(cleanText(v), " ", "")
	case "13", "13D":
		b.st.CreatedAt = cleanText(v)
		b.mt942 = true
	case "34", "34F":
		b.mt942 = true
		s := cleanText(v)
		if len(s) >= 3 {
			if cur, err := o2c.ParseCurrency(s[:3]); err == nil && b.st.Currency.IsZero() {
				b.st.Currency = cur
			} else if err != nil {
				return err
			}
		}
	case "90C", "90D":
		// "count currency amount": only the currency is used.
		s := cleanText(v)
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if len(s) >= i+3 {
			if cur, err := o2c.ParseCurrency(s[i : i+3]); err == nil && b.st.Currency.IsZero() {
				b.st.Currency = cur
			}
		}
	case "60", "60F", "60M", "62", "62F", "62M", "64", "65":
		return b.balance(f.tag, v)
	case "61":
		return b.statementLine(v)
	case "86":
		if b.last >= 0 {
			parseMT86(v, &b.st.Lines[b.last])
			b.last = -1 // a second :86: is statement information
		}
	}
	return nil
}

func (b *mtBuilder) account(v string) {
	v = strings.TrimSpace(v)
	// Currency written after the account ("51210600/9223382012EUR", "NL.. EUR").
	if n := len(v); n > 3 {
		code := v[n-3:]
		prev := v[n-4]
		if cur, err := o2c.ParseCurrency(code); err == nil && (prev == ' ' || prev == '/' || (prev >= '0' && prev <= '9')) {
			if b.st.Currency.IsZero() {
				b.st.Currency = cur
			}
			v = strings.TrimRight(v[:n-3], " /")
		}
	}
	if iban := compactIBAN(v); iban != "" {
		b.st.AccountIBAN = iban
		return
	}
	// "BIC/IBAN" form.
	if bic, rest, ok := strings.Cut(v, "/"); ok && looksLikeBIC(bic) {
		b.st.AccountBIC = bic
		if iban := compactIBAN(rest); iban != "" {
			b.st.AccountIBAN = iban
			return
		}
		v = rest
	}
	b.st.AccountOther = v
}

var mtBalanceTypes = map[string]string{
	"60": "OPBD", "60F": "OPBD", "60M": "ITBD",
	"62": "CLBD", "62F": "CLBD", "62M": "ITBD",
	"64": "CLAV", "65": "FWAV",
}

func (b *mtBuilder) balance(tag, v string) error {
	s := strings.Join(strings.Fields(v), "")
	if len(s) < 11 {
		return malformed("balance %q must read D/C, YYMMDD, currency, amount", truncateText(s))
	}
	var neg bool
	switch s[0] {
	case 'C':
	case 'D':
		neg = true
	default:
		return malformed("balance mark %q must be C or D", s[:1])
	}
	date, err := mtDate(s[1:7])
	if err != nil {
		return err
	}
	cur, err := o2c.ParseCurrency(s[7:10])
	if err != nil {
		return err
	}
	amt, err := mtAmount(s[10:], cur)
	if err != nil {
		return err
	}
	if neg {
		amt = amt.Neg()
	}
	b.st.Balances = append(b.st.Balances, Balance{Type: mtBalanceTypes[tag], Amount: amt, Date: date})
	idx := len(b.st.Balances) - 1
	final := tag != "60M" && tag != "62M"
	switch tag {
	case "60", "60F", "60M":
		if b.opening < 0 || final || !b.final[0] {
			b.opening, b.final[0] = idx, final
		}
		if b.st.Currency.IsZero() {
			b.st.Currency = cur
		}
	case "62", "62F", "62M":
		if b.closing < 0 || final || !b.final[1] {
			b.closing, b.final[1] = idx, final
		}
	}
	return nil
}

// mtDate reads YYMMDD; years 00-79 are 2000-2079, 80-99 are 1980-1999.
func mtDate(s string) (o2c.Date, error) {
	if len(s) != 6 || !allDigits(s) {
		return o2c.Date{}, malformed("date %q must read YYMMDD", s)
	}
	y := int(s[0]-'0')*10 + int(s[1]-'0')
	if y < 80 {
		y += 2000
	} else {
		y += 1900
	}
	m := int(s[2]-'0')*10 + int(s[3]-'0')
	d := int(s[4]-'0')*10 + int(s[5]-'0')
	date, err := o2c.NewDate(y, time.Month(m), d)
	if err != nil {
		return o2c.Date{}, malformed("date %q is not a calendar date", s)
	}
	return date, nil
}

func allDigits(s string) bool {
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

// mtAmount reads "1234,56" ("1234," and, leniently, "1234" too).
func mtAmount(s string, cur o2c.Currency) (o2c.Money, error) {
	if s == "" {
		return o2c.Money{}, malformed("missing amount")
	}
	if strings.Count(s, ",") > 1 {
		return o2c.Money{}, malformed("amount %q has more than one comma", truncateText(s))
	}
	t := strings.TrimSuffix(strings.Replace(s, ",", ".", 1), ".")
	if strings.HasPrefix(t, ".") {
		t = "0" + t
	}
	d, err := plainDecimal(t)
	if err != nil {
		return o2c.Money{}, err
	}
	return o2c.MoneyOf(d, cur)
}

func (b *mtBuilder) statementLine(v string) error {
	first, rest, _ := strings.Cut(v, "\n")
	first = strings.TrimRight(first, " ")
	s := first
	i := 0
	if len(s) < 6 || !allDigits(s[:6]) {
		return malformed(":61: %q must start with the value date YYMMDD", truncateText(s))
	}
	valueDate, err := mtDate(s[:6])
	if err != nil {
		return err
	}
	i = 6
	var entry string
	switch {
	case len(s) >= i+4 && allDigits(s[i:i+4]):
		entry = s[i : i+4]
		i += 4
	default:
		for n := 0; n < 4 && i < len(s) && s[i] == ' '; n++ {
			i++
		}
	}
	if i >= len(s) {
		return malformed(":61: %q has no debit/credit mark", truncateText(s))
	}
	var l Line
	switch {
	case s[i] == 'R' && i+1 < len(s) && s[i+1] == 'C':
		l.Direction, l.Reversal = Debit, true
		i += 2
	case s[i] == 'R' && i+1 < len(s) && s[i+1] == 'D':
		l.Direction, l.Reversal = Credit, true
		i += 2
	case s[i] == 'C':
		l.Direction = Credit
		i++
	case s[i] == 'D':
		l.Direction = Debit
		i++
	default:
		return malformed(":61: mark %q must be C, D, RC or RD", s[i:i+1])
	}
	// Funds code: one letter before the amount.
	if i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	// Some banks break the line or put a space before the amount.
	if i < len(s) && s[i] == ' ' {
		i++
	}
	if i == len(s) && rest != "" {
		var next string
		next, rest, _ = strings.Cut(rest, "\n")
		s += strings.TrimSpace(next)
	}
	j := i
	for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ',') {
		j++
	}
	if j == i {
		return malformed(":61: %q has no amount", truncateText(s))
	}
	if j-i > 17 {
		return malformed(":61: amount %q is too long", s[i:j])
	}
	cur := b.st.Currency
	if cur.IsZero() {
		cur = b.defaultCur
	}
	if cur.IsZero() {
		return malformed(":61: the statement's currency is unknown (no :60F:, :34F: or currency in :25: before it)")
	}
	if l.Amount, err = mtAmount(s[i:j], cur); err != nil {
		return err
	}
	i = j
	// Transaction type: N/F/S and three characters.
	if len(s) >= i+4 && s[i] >= 'A' && s[i] <= 'Z' && isAlnum(s[i+1]) && isAlnum(s[i+2]) && isAlnum(s[i+3]) {
		l.TransactionCode = s[i : i+4]
		i += 4
	}
	refs := s[i:]
	custRef, bankRef, _ := strings.Cut(refs, "//")
	l.CustomerReference = cleanText(custRef)
	if strings.EqualFold(l.CustomerReference, "NONREF") {
		l.CustomerReference = ""
	}
	l.BankReference = cleanText(bankRef)
	l.AdditionalInfo = cleanText(strings.ReplaceAll(rest, "\n", " "))
	l.ValueDate = valueDate
	l.BookingDate = valueDate
	if entry != "" {
		d, err := entryDate(entry, valueDate)
		if err != nil {
			return err
		}
		l.BookingDate = d
	}
	b.st.Lines = append(b.st.Lines, l)
	b.last = len(b.st.Lines) - 1
	return nil
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// entryDate places MMDD in the year (of the value date's, the one before or
// the one after) that brings it nearest to the value date.
func entryDate(mmdd string, value o2c.Date) (o2c.Date, error) {
	m := int(mmdd[0]-'0')*10 + int(mmdd[1]-'0')
	d := int(mmdd[2]-'0')*10 + int(mmdd[3]-'0')
	var best o2c.Date
	bestDist := -1
	for _, y := range []int{value.Year() - 1, value.Year(), value.Year() + 1} {
		c, err := o2c.NewDate(y, time.Month(m), d)
		if err != nil {
			continue
		}
		dist := value.DaysUntil(c)
		if dist < 0 {
			dist = -dist
		}
		if bestDist < 0 || dist < bestDist {
			best, bestDist = c, dist
		}
	}
	if bestDist < 0 {
		return o2c.Date{}, malformed(":61: entry date %q is not a calendar date (MMDD)", mmdd)
	}
	return best, nil
}
