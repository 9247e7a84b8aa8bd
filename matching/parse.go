package matching

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cashcycle/sdk/o2c"
	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding/charmap"
)

// Errors a parser wraps in a *[ParseError]. Every *ParseError also matches
// [o2c.ErrValidation] with errors.Is.
var (
	// ErrUnknownFormat: the input is not in a format this package reads (or
	// the format named is not one of the [Format] constants).
	ErrUnknownFormat = errors.New("matching: unknown statement format")
	// ErrMalformed: the input is in the expected format but breaks its
	// syntax (a missing element, an unreadable date or amount).
	ErrMalformed = errors.New("matching: malformed statement")
	// ErrNoStatement: the input is well formed but holds no statement.
	ErrNoStatement = errors.New("matching: no statement in input")
)

// MaxStatementBytes is the largest input the parsers read (64 MiB). A
// larger input is refused with a *[ParseError] rather than read into memory.
const MaxStatementBytes = 64 << 20

// ParseError reports input a parser refused. Line is the 1-based line of the
// offending record (MT940, CFONB 120, CSV; 0 when not known) and Element the
// path of the offending XML element (camt, e.g. "Stmt[1]/Ntry[3]/Amt").
// It matches [o2c.ErrValidation] and whatever Err wraps ([ErrMalformed],
// [ErrUnknownFormat], [ErrNoStatement], [o2c.ErrInvalidAmount], ...).
type ParseError struct {
	Format  Format
	Line    int
	Element string
	Err     error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("matching: ")
	if e.Format != "" {
		b.WriteString(string(e.Format))
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Element != "" {
		fmt.Fprintf(&b, "element %s: ", e.Element)
	}
	if e.Err != nil {
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "matching: "))
	} else {
		b.WriteString("invalid input")
	}
	return b.String()
}

// Is makes every ParseError match o2c.ErrValidation.
func (e *ParseError) Is(target error) bool { return target == o2c.ErrValidation }

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// malformed builds the cause of a ParseError: ErrMalformed with a message.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// ParseOption adjusts [Parse].
type ParseOption func(*parseOptions)

type parseOptions struct {
	csv             *CSVMapping
	defaultCurrency o2c.Currency
	acceptPartial   bool
}

func collectOptions(opts []ParseOption) parseOptions {
	var o parseOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// WithDefaultCurrency names the currency of amounts when the file does not
// state one: an MT940 fragment with a :61: but no balance, :34F: or
// currency in :25:. Without it such a file is refused.
func WithDefaultCurrency(c o2c.Currency) ParseOption {
	return func(o *parseOptions) { o.defaultCurrency = c }
}

// WithCSVMapping gives the column mapping [Parse] needs to read CSV.
func WithCSVMapping(m CSVMapping) ParseOption {
	return func(o *parseOptions) { o.csv = &m }
}

// Parse reads every statement in r. format names the format; the empty
// Format asks [DetectFormat] to find it (CSV is never guessed: it needs a
// mapping, so name FormatCSV and pass [WithCSVMapping]). FormatCAMT053 and
// FormatCAMT054 both read any camt.053/052/054 document, FormatMT940 and
// FormatMT942 any MT940/MT942 file. Refused input is a *[ParseError].
func Parse(r io.Reader, format Format, opts ...ParseOption) ([]Statement, error) {
	o := collectOptions(opts)
	data, err := readAll(r, format)
	if err != nil {
		return nil, err
	}
	if format == "" {
		if format, err = DetectFormat(data); err != nil {
			return nil, err
		}
	}
	switch format {
	case FormatCAMT053, FormatCAMT054:
		return parseCAMT(data, o)
	case FormatMT940, FormatMT942:
		return parseMT940(data, o)
	case FormatCFONB120:
		return parseCFONB120(data, o)
	case FormatCSV:
		if o.csv == nil {
			return nil, &ParseError{Format: FormatCSV, Err: fmt.Errorf("%w: CSV needs a column mapping (WithCSVMapping)", ErrUnknownFormat)}
		}
		return parseCSV(data, *o.csv, o)
	default:
		return nil, &ParseError{Format: format, Err: fmt.Errorf("%w: %q", ErrUnknownFormat, string(format))}
	}
}

// ParseEach reads the statements in r one at a time and calls fn with each
// as soon as it is read, for files too large to hold whole: MT940/MT942
// and camt are read as a stream, so memory is bounded by the largest
// statement rather than the file (a statement larger than
// [MaxStatementBytes] is refused); CFONB 120 and CSV, which banks deliver
// small, are read whole (up to MaxStatementBytes) and then handed over one
// statement at a time. format and opts are as for [Parse] (the empty
// Format detects it from the first 4 KiB).
//
// Each statement is checked (balances included) before fn sees it. When a
// later statement is refused, the earlier ones have already been handed to
// fn and ParseEach returns the *[ParseError]: a caller that must import a
// file all or nothing collects the statements and imports them after
// ParseEach returned nil (which is what [Parse] does). An error returned by
// fn stops the parse and is returned as is.
func ParseEach(r io.Reader, format Format, fn func(Statement) error, opts ...ParseOption) error {
	o := collectOptions(opts)
	if r == nil {
		return &ParseError{Format: format, Err: fmt.Errorf("%w: nil reader", ErrNoStatement)}
	}
	if fn == nil {
		return &ParseError{Format: format, Err: fmt.Errorf("%w: nil callback", ErrNoStatement)}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if format == "" {
		head, err := br.Peek(4096)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return &ParseError{Err: fmt.Errorf("%w: reading input: %w", ErrMalformed, err)}
		}
		if format, err = DetectFormat(head); err != nil {
			return err
		}
	}
	switch format {
	case FormatCAMT053, FormatCAMT054:
		return streamCAMT(br, o, fn)
	case FormatMT940, FormatMT942:
		return streamMT940(br, o, fn)
	}
	sts, err := Parse(br, format, opts...)
	if err != nil {
		return err
	}
	for _, s := range sts {
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

// Statements returns the statements in r as an iterator, read as
// [ParseEach] reads them: a statement is yielded as soon as it is read and
// checked; a refused input ends the iteration with the zero Statement and
// the *[ParseError]. Breaking out of the loop stops
// reading.
//
//	for st, err := range matching.Statements(f, matching.FormatMT940) {
//		if err != nil {
//			return err
//		}
//		import(st)
//	}
func Statements(r io.Reader, format Format, opts ...ParseOption) iter.Seq2[Statement, error] {
	return func(yield func(Statement, error) bool) {
		stop := errors.New("stop")
		err := ParseEach(r, format, func(s Statement) error {
			if !yield(s, nil) {
				return stop
			}
			return nil
		}, opts...)
		if err != nil && err != stop {
			yield(Statement{}, err)
		}
	}
}

func readAll(r io.Reader, f Format) ([]byte, error) {
	if r == nil {
		return nil, &ParseError{Format: f, Err: fmt.Errorf("%w: nil reader", ErrNoStatement)}
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxStatementBytes+1))
	if err != nil {
		return nil, &ParseError{Format: f, Err: fmt.Errorf("%w: reading input: %w", ErrMalformed, err)}
	}
	if len(data) > MaxStatementBytes {
		return nil, &ParseError{Format: f, Err: malformed("input larger than %d bytes", MaxStatementBytes)}
	}
	return data, nil
}

// DetectFormat tells the format of a statement from its first bytes (a few
// kilobytes are enough): camt XML (camt.054 when the document is a debit/
// credit notification, camt.053 otherwise), MT940 or MT942 (SWIFT tags; MT942
// when the file has a :34F: floor limit or no :60F: opening balance), CFONB
// 120 (120-character records starting "01"). Anything else, CSV included, is
// a *[ParseError] wrapping [ErrUnknownFormat].
func DetectFormat(head []byte) (Format, error) {
	b := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(b) == 0:
		return "", &ParseError{Err: fmt.Errorf("%w: empty input", ErrUnknownFormat)}
	case b[0] == '<':
		if bytes.Contains(b, []byte("BkToCstmrDbtCdtNtfctn")) || bytes.Contains(b, []byte("camt.054")) {
			return FormatCAMT054, nil
		}
		if bytes.Contains(b, []byte("BkToCstmrStmt")) || bytes.Contains(b, []byte("BkToCstmrAcctRpt")) || bytes.Contains(b, []byte("camt.05")) {
			return FormatCAMT053, nil
		}
		return "", &ParseError{Err: fmt.Errorf("%w: XML that is not an ISO 20022 camt document", ErrUnknownFormat)}
	case isCFONB(b):
		return FormatCFONB120, nil
	case isMT940(b):
		if bytes.Contains(b, []byte(":34F:")) || bytes.Contains(b, []byte("{2:I942")) || bytes.Contains(b, []byte("{2:O942")) ||
			(!bytes.Contains(b, []byte(":60F:")) && !bytes.Contains(b, []byte(":60M:")) && bytes.Contains(b, []byte(":13D:"))) {
			return FormatMT942, nil
		}
		return FormatMT940, nil
	}
	return "", &ParseError{Err: fmt.Errorf("%w: not camt, MT940/MT942 or CFONB 120 (CSV must be named explicitly)", ErrUnknownFormat)}
}

func isMT940(b []byte) bool {
	if bytes.HasPrefix(b, []byte("{1:")) {
		return true
	}
	// A tagged line among the first lines: banks put routing headers
	// ("ABNANL2A", "940", control characters) before the first tag.
	if len(b) > 4096 {
		b = b[:4096]
	}
	for i, ln := range bytes.Split(b, []byte("\n")) {
		if i >= 20 {
			break
		}
		if _, _, ok := mtTag(string(bytes.TrimLeft(ln, "\x00\x01\x02\x03 "))); ok {
			return true
		}
	}
	return false
}

func isCFONB(b []byte) bool {
	if len(b) < 120 || b[0] != '0' || (b[1] != '1' && b[1] != '4' && b[1] != '5' && b[1] != '7') {
		return false
	}
	rec := b[:120]
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 && i != 120 {
		return false
	}
	for _, c := range rec[2:7] { // bank code
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// toUTF8 returns s as valid UTF-8: input that is not UTF-8 is read as
// Windows-1252 (what most European banks send when they do not send UTF-8).
func toUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return []byte(strings.ToValidUTF8(string(b), "\uFFFD"))
	}
	return out
}

// cleanText replaces control characters (C0, DEL and C1 such as U+0085
// NEL: what unicode.IsControl reports, and what the rest of the SDK refuses
// in text) with spaces, collapses runs of
// white space and trims.
func cleanText(s string) string {
	if s == "" || isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || r == ' ' || r == '\u00a0' || r == utf8.RuneError {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// joinText joins the non-empty parts with a space.
func joinText(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = cleanText(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// plainDecimal parses digits with at most one '.' (no sign, no exponent)
// into a decimal, within o2c's limits.
func plainDecimal(s string) (decimal.Decimal, error) {
	if s == "" {
		return decimal.Decimal{}, malformed("empty amount")
	}
	dot := false
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return decimal.Decimal{}, malformed("amount %q is not a plain decimal number", truncateText(s))
		}
	}
	if digits == 0 {
		return decimal.Decimal{}, malformed("amount %q has no digits", truncateText(s))
	}
	d, err := o2c.ParseAmount(s)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return d, nil
}

func truncateText(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// compactIBAN removes spaces and upper-cases; it returns "" when the result
// does not look like an IBAN (two letters, two digits, 11-30 alphanumerics).
func compactIBAN(s string) string {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) < 15 || len(s) > 34 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i < 2:
			if c < 'A' || c > 'Z' {
				return ""
			}
		case i < 4:
			if c < '0' || c > '9' {
				return ""
			}
		default:
			if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
				return ""
			}
		}
	}
	return s
}

// looksLikeBIC reports whether s has the shape of a BIC (4 letters bank, 2
// letters country, 2 alphanumerics location, optional 3 alphanumerics branch).
func looksLikeBIC(s string) bool {
	if len(s) != 8 && len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i < 6 {
			if c < 'A' || c > 'Z' {
				return false
			}
		} else if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// finishStatement fills the statement's derived fields: currency from the
// balances or lines when not stated, and the period from the lines when the
// format does not state one.
func finishStatement(s *Statement) {
	sanitizeStatement(s)
	if s.Currency.IsZero() {
		switch {
		case s.OpeningBalance != nil:
			s.Currency = s.OpeningBalance.Amount.Currency()
		case s.ClosingBalance != nil:
			s.Currency = s.ClosingBalance.Amount.Currency()
		case len(s.Lines) > 0:
			s.Currency = s.Lines[0].Amount.Currency()
		}
	}
	if s.From.IsZero() && s.To.IsZero() {
		for _, l := range s.Lines {
			d := l.BookingDate
			if d.IsZero() {
				d = l.ValueDate
			}
			if d.IsZero() {
				continue
			}
			if s.From.IsZero() || d.Before(s.From) {
				s.From = d
			}
			if s.To.IsZero() || d.After(s.To) {
				s.To = d
			}
		}
		if s.ClosingBalance != nil && !s.ClosingBalance.Date.IsZero() {
			if s.To.IsZero() || s.ClosingBalance.Date.After(s.To) {
				s.To = s.ClosingBalance.Date
			}
			if s.From.IsZero() {
				s.From = s.ClosingBalance.Date
			}
		}
	}
}

// isClean reports whether cleanText(s) == s: no control character, no
// no-break space, no U+FFFD, no leading, trailing or double space.
func isClean(s string) bool {
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 || c == 0x7f:
			return false
		case c == ' ':
			if s[i+1] == ' ' {
				return false
			}
		case c >= 0x80:
			// Multi-byte: C1 controls and NBSP are \xc2\x80-\xc2\xa0, U+FFFD
			// is \xef\xbf\xbd; anything invalid takes the slow path too.
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || r == '\u00a0' || unicode.IsControl(r) {
				return false
			}
			i += n - 1
		}
	}
	return true
}

// hasControl reports whether s holds a control character or invalid UTF-8.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return true
		}
		if c >= 0x80 {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || unicode.IsControl(r) {
				return true
			}
			i += n - 1
		}
	}
	return false
}

// clean cleans *p in place when it holds a control character, so that
// every text a parser returns is accepted by the services that store it
// (a C1 control such as U+0085 in a remittance text would otherwise match
// and then be refused by Apply and Confirm).
func clean(p *string) {
	if hasControl(*p) {
		*p = cleanText(*p)
	}
}

// sanitizeStatement cleans every text field of s and its lines.
func sanitizeStatement(s *Statement) {
	for _, p := range []*string{&s.ID, &s.Sequence, &s.AccountIBAN, &s.AccountOther, &s.AccountBIC, &s.CreatedAt} {
		clean(p)
	}
	for i := range s.Balances {
		clean(&s.Balances[i].Type)
	}
	for i := range s.Lines {
		l := &s.Lines[i]
		for _, p := range []*string{
			&l.CounterpartyName, &l.CounterpartyIBAN, &l.CounterpartyBIC, &l.CounterpartyAccount, &l.UltimateParty,
			&l.RemittanceText, &l.EndToEndID, &l.MandateID, &l.BankReference, &l.CustomerReference,
			&l.TransactionCode, &l.AdditionalInfo,
		} {
			clean(p)
		}
		for j := range l.StructuredRefs {
			clean(&l.StructuredRefs[j])
		}
		for j := range l.Documents {
			clean(&l.Documents[j].Number)
			clean(&l.Documents[j].AdjustmentReason)
		}
	}
}
