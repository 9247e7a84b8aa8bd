package matching

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

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
// Amounts read a comma or, as older exports write it, a point as the
// decimal mark; an amount with two marks ("1.234,56") is refused rather
// than guessed. A statement ends at "-" (also " -", "-}" or a {5: trailer),
// at the next :20: or at the end of the file; a "-" line inside a wrapped
// :86: is text when the statement goes on after it. DOS end-of-file bytes
// (0x1A) are dropped.
//
// Every MT940 statement must state its opening (:60F:/:60M:) and closing
// (:62F:/:62M:) balance and balance: opening + credits - debits = closing.
// A truncated file or a misread amount therefore never passes: it is a
// *[ParseError] wrapping a *[BalanceError] (ErrUnbalanced,
// ErrNoClosingBalance, ErrNoOpeningBalance) naming the statement. An MT942
// is checked when it states both balances. [AcceptPartial] accepts such
// statements, marked (Statement.Incomplete).
//
// Options: [WithDefaultCurrency] for fragments that state no currency,
// [AcceptPartial]. For large files, [ParseEach] reads statement by statement.
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

// mtLineReader reads an MT940 file line by line: CRLF, LF and lone CR end
// a line; DOS end-of-file bytes (0x1A) are dropped; a line that is not
// UTF-8 is read as Windows-1252. The line returned is valid until the next
// call.
type mtLineReader struct {
	br     *bufio.Reader
	lineNo int
	long   []byte // a line longer than the buffer
	rest   []byte // what follows a lone CR in the current physical line
	out    []byte
	err    error
}

const mtMaxLine = 1 << 20

func newMTLineReader(r io.Reader) *mtLineReader {
	return &mtLineReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line and its 1-based number; ok is false at the
// end of input (err says why when it is not EOF).
func (lr *mtLineReader) next() (line []byte, no int, ok bool) {
	var raw []byte
	if lr.rest != nil {
		raw, lr.rest = lr.rest, nil
	} else {
		if lr.err != nil {
			return nil, lr.lineNo, false
		}
		lr.long = lr.long[:0]
		for {
			chunk, err := lr.br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				if len(lr.long)+len(chunk) > mtMaxLine {
					lr.err = malformed("line %d is longer than %d bytes", lr.lineNo+1, mtMaxLine)
					return nil, lr.lineNo + 1, false
				}
				lr.long = append(lr.long, chunk...)
				continue
			}
			if len(lr.long) > 0 {
				lr.long = append(lr.long, chunk...)
				chunk = lr.long
			}
			if err != nil {
				lr.err = err
				if len(chunk) == 0 {
					return nil, lr.lineNo, false
				}
			}
			raw = chunk
			break
		}
		raw = bytes.TrimSuffix(raw, []byte{'\n'})
		raw = bytes.TrimSuffix(raw, []byte{'\r'})
	}
	if i := bytes.IndexByte(raw, '\r'); i >= 0 {
		raw, lr.rest = raw[:i], raw[i+1:]
	}
	lr.lineNo++
	if bytes.IndexByte(raw, 0x1a) >= 0 {
		lr.out = lr.out[:0]
		for _, c := range raw {
			if c != 0x1a {
				lr.out = append(lr.out, c)
			}
		}
		raw = lr.out
	}
	if !utf8.Valid(raw) {
		raw = toUTF8(raw)
	}
	return raw, lr.lineNo, true
}

// readErr is the reader's error other than EOF.
func (lr *mtLineReader) readErr() error {
	if lr.err == io.EOF {
		return nil
	}
	return lr.err
}

// mtTag recognises ":NN:", ":NNa:" and ":NS:" at the start of a line.
func mtTag(ln string) (tag, rest string, ok bool) {
	t, n, ok := mtTagB([]byte(ln))
	if !ok {
		return "", "", false
	}
	return t, ln[n:], true
}

// mtTagB recognises a tag at the start of ln and returns it and the offset
// of its value.
func mtTagB(ln []byte) (tag string, valueAt int, ok bool) {
	if len(ln) < 4 || ln[0] != ':' {
		return "", 0, false
	}
	end := bytes.IndexByte(ln[1:min(len(ln), 6)], ':')
	if end < 2 || end > 3 {
		return "", 0, false
	}
	t := ln[1 : 1+end]
	switch {
	case string(t) == "NS":
	case t[0] < '0' || t[0] > '9' || t[1] < '0' || t[1] > '9':
		return "", 0, false
	case len(t) == 3 && (t[2] < 'A' || t[2] > 'Z'):
		return "", 0, false
	}
	return internTag(t), 2 + end, true
}

// internTag returns the tag as a string without allocating for the usual tags.
func internTag(t []byte) string {
	switch string(t) {
	case "20":
		return "20"
	case "21":
		return "21"
	case "25":
		return "25"
	case "28C":
		return "28C"
	case "60F":
		return "60F"
	case "60M":
		return "60M"
	case "61":
		return "61"
	case "86":
		return "86"
	case "62F":
		return "62F"
	case "62M":
		return "62M"
	case "64":
		return "64"
	case "65":
		return "65"
	}
	return string(t)
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
	lines      lineChunks
	startLine  int // line of the statement's first field
	closeLine  int // line of its closing balance
	curLine    int
}

func (b *mtBuilder) reset(def o2c.Currency) {
	*b = mtBuilder{st: Statement{Format: FormatMT940}, opening: -1, closing: -1, last: -1, defaultCur: def}
}

func parseMT940(data []byte, o parseOptions) ([]Statement, error) {
	var out []Statement
	err := streamMT940(bytes.NewReader(data), o, func(s Statement) error {
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mtEndLookahead is how many lines after a lone "-" are read to tell an
// end of statement from a "-" inside a wrapped :86:.
const mtEndLookahead = 64

// streamMT940 reads r and calls fn with each statement as soon as it ends,
// so that memory is bounded by the largest statement, not the file.
func streamMT940(r io.Reader, o parseOptions, fn func(Statement) error) error {
	lr := newMTLineReader(r)
	var (
		b         mtBuilder
		index     int  // statements delivered
		sawTag    bool // a tag was seen in the file
		field     mtField
		inField   bool
		val       []byte
		pending   []pendingLine // lines read ahead after a lone "-"
		stmtBytes int
	)
	b.reset(o.defaultCurrency)
	format := func() Format {
		if b.mt942 {
			return FormatMT942
		}
		return FormatMT940
	}
	endField := func() error {
		if !inField {
			return nil
		}
		inField = false
		field.value = string(val)
		val = val[:0]
		if field.tag == "20" && b.used {
			if err := flushMT(&b, &index, o, fn); err != nil {
				return err
			}
			b.reset(o.defaultCurrency)
			stmtBytes = 0
		}
		if !b.used {
			b.startLine = field.line
		}
		b.used = true
		if err := b.field(field); err != nil {
			return &ParseError{Format: format(), Line: field.line, Element: ":" + field.tag + ":", Err: err}
		}
		return nil
	}
	endStatement := func() error {
		if err := endField(); err != nil {
			return err
		}
		if err := flushMT(&b, &index, o, fn); err != nil {
			return err
		}
		b.reset(o.defaultCurrency)
		stmtBytes = 0
		return nil
	}
	nextLine := func() ([]byte, int, bool) {
		if len(pending) > 0 {
			p := pending[0]
			pending = pending[1:]
			return p.text, p.no, true
		}
		return lr.next()
	}
	for {
		ln, lineNo, ok := nextLine()
		if !ok {
			break
		}
		if stmtBytes += len(ln) + 1; stmtBytes > MaxStatementBytes {
			return &ParseError{Format: format(), Line: lineNo, Err: malformed("statement larger than %d bytes", MaxStatementBytes)}
		}
		// SWIFT envelope: drop the {1:..}{2:..}{3:..} blocks and "{4:".
		if len(ln) > 0 && ln[0] == '{' {
			if bytes.Contains(ln, []byte("{2:I942")) || bytes.Contains(ln, []byte("{2:O942")) {
				if err := endStatement(); err != nil {
					return err
				}
				b.mt942 = true
			}
			if j := bytes.Index(ln, []byte("{4:")); j >= 0 {
				ln = ln[j+3:]
			} else {
				if bytes.HasPrefix(ln, []byte("{5:")) {
					if err := endStatement(); err != nil {
						return err
					}
				}
				continue
			}
		}
		trimmed := bytes.TrimRightFunc(ln, func(r rune) bool { return r <= ' ' || r == 0x7f })
		switch {
		case string(trimmed) == "-}" || bytes.HasPrefix(trimmed, []byte("-}{5:")) || bytes.HasPrefix(trimmed, []byte("{5:")):
			if err := endStatement(); err != nil {
				return err
			}
			continue
		case string(bytes.TrimLeft(trimmed, " \t")) == "-":
			// A lone "-" (also " -") ends the statement unless the
			// statement goes on: read ahead to the next tag.
			ln = bytes.Clone(ln) // reading ahead reuses the reader's buffer
			if !inField && !b.used || mtEndsStatement(lr, &pending) {
				if err := endStatement(); err != nil {
					return err
				}
				continue
			}
			// A "-" inside a wrapped field: keep it as text.
		}
		if tag, at, ok := mtTagB(bytes.TrimLeft(ln, "\x00\x01\x02\x03")); ok {
			if err := endField(); err != nil {
				return err
			}
			sawTag = true
			lead := len(ln) - len(bytes.TrimLeft(ln, "\x00\x01\x02\x03"))
			field = mtField{tag: tag, line: lineNo}
			val = append(val[:0], ln[lead+at:]...)
			inField = true
			continue
		}
		if !inField || len(bytes.TrimSpace(trimmed)) == 0 && field.tag != "86" {
			continue
		}
		val = append(val, '\n')
		val = append(val, ln...)
	}
	if err := lr.readErr(); err != nil {
		return &ParseError{Format: format(), Line: lr.lineNo, Err: fmt.Errorf("%w: reading input: %w", ErrMalformed, err)}
	}
	if err := endStatement(); err != nil {
		return err
	}
	if !sawTag {
		return &ParseError{Format: FormatMT940, Line: 1, Err: fmt.Errorf("%w: no MT940 field (:20:, :61:, ...)", ErrNoStatement)}
	}
	if index == 0 {
		return &ParseError{Format: FormatMT940, Err: fmt.Errorf("%w: no statement", ErrNoStatement)}
	}
	return nil
}

type pendingLine struct {
	text []byte
	no   int
}

// mtEndsStatement reads ahead after a lone "-" (keeping what it reads in
// pending) and reports whether the "-" ends the statement: it does when
// the next tag starts a new statement (:20:), a SWIFT envelope follows, or
// the input ends; it does not when the statement goes on (:61:, :86:,
// :62F:, ...), as when a wrapped :86: holds a line "-".
func mtEndsStatement(lr *mtLineReader, pending *[]pendingLine) bool {
	for i := 0; ; i++ {
		var ln []byte
		var no int
		var ok bool
		if i < len(*pending) {
			ln = (*pending)[i].text
			ok = true
		} else {
			if i >= mtEndLookahead {
				return true
			}
			ln, no, ok = lr.next()
			if !ok {
				return true
			}
			*pending = append(*pending, pendingLine{text: bytes.Clone(ln), no: no})
		}
		ln = bytes.TrimLeft(ln, "\x00\x01\x02\x03")
		if len(ln) > 0 && ln[0] == '{' {
			return true
		}
		if tag, _, ok := mtTagB(ln); ok {
			return tag == "20"
		}
	}
}

// flushMT finishes the statement in b, checks its balances and hands it to fn.
func flushMT(b *mtBuilder, index *int, o parseOptions, fn func(Statement) error) error {
	if !b.used {
		return nil
	}
	s := b.st
	s.Lines = b.lines.flatten()
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
	*index++
	c := balanceCheck{needOpening: !b.mt942, needClosing: !b.mt942}
	if s.OpeningBalance != nil {
		c.setOpening(s.OpeningBalance.Amount)
	}
	if s.ClosingBalance != nil {
		c.setClosing(s.ClosingBalance.Amount)
	}
	c.lines(s.Lines)
	if be := settle(&s, c.check(&s, *index), o); be != nil {
		line := b.startLine
		el := ""
		if b.closeLine > 0 {
			line, el = b.closeLine, ":62"+map[bool]string{true: "F", false: "M"}[b.final[1]]+":"
		}
		return &ParseError{Format: s.Format, Line: line, Element: el, Err: be}
	}
	return fn(s)
}

func (b *mtBuilder) field(f mtField) error {
	v := f.value
	b.curLine = f.line
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
			parseMT86(v, b.lines.lastLine())
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
			b.closeLine = b.curLine
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

// mtAmount reads "1234,56" ("1234," and, leniently, "1234" and the
// "1234.56" some banks write too). An amount with more than one decimal
// mark, or with both a comma and a point ("1.234,56"), cannot be read
// exactly and is refused rather than guessed.
func mtAmount(s string, cur o2c.Currency) (o2c.Money, error) {
	if s == "" {
		return o2c.Money{}, malformed("missing amount")
	}
	if n := strings.Count(s, ",") + strings.Count(s, "."); n > 1 {
		return o2c.Money{}, malformed("amount %q has more than one decimal mark (',' or '.'): it cannot be read exactly", truncateText(s))
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
	for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ',' || s[j] == '.') {
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
	b.lines.add(l)
	b.last = b.lines.n - 1
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

// lineChunks collects a statement's lines in fixed-size chunks, so that a
// long statement never holds a half-empty doubled array, and hands them
// over as one slice of exactly the right size.
type lineChunks struct {
	chunks [][]Line
	n      int
}

const lineChunkSize = 512

func (c *lineChunks) add(l Line) {
	k := len(c.chunks) - 1
	if k < 0 || len(c.chunks[k]) == cap(c.chunks[k]) {
		// Chunks grow from 16 lines to lineChunkSize: small statements
		// stay small, long ones never hold a half-empty doubled array.
		c.chunks = append(c.chunks, make([]Line, 0, min(max(c.n, 16), lineChunkSize)))
		k++
	}
	c.chunks[k] = append(c.chunks[k], l)
	c.n++
}

// lastLine returns the line added last.
func (c *lineChunks) lastLine() *Line {
	k := len(c.chunks) - 1
	return &c.chunks[k][len(c.chunks[k])-1]
}

func (c *lineChunks) flatten() []Line {
	if c.n == 0 {
		return nil
	}
	if len(c.chunks) == 1 {
		return c.chunks[0][:c.n:c.n]
	}
	out := make([]Line, 0, c.n)
	for i := range c.chunks {
		out = append(out, c.chunks[i]...)
		c.chunks[i] = nil // let the chunk go as soon as it is copied
	}
	return out
}
