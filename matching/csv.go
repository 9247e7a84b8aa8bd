package matching

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cashcycle/sdk/o2c"
	"github.com/shopspring/decimal"
)

// Column names a CSV column, by its header (Name, matched case-insensitively
// after trimming) or by its 1-based position (Index). The zero Column means
// "not mapped".
type Column struct {
	Name  string
	Index int
}

// ColumnNamed returns the column with the given header.
func ColumnNamed(name string) Column { return Column{Name: name} }

// ColumnAt returns the column at the 1-based position i.
func ColumnAt(i int) Column { return Column{Index: i} }

// IsZero reports whether the column is unmapped.
func (c Column) IsZero() bool { return c.Name == "" && c.Index <= 0 }

func (c Column) String() string {
	if c.Name != "" {
		return strconv.Quote(c.Name)
	}
	return "#" + strconv.Itoa(c.Index)
}

// CSVMapping tells [ParseCSV] how to read a bank's CSV export. Its zero
// value is not usable: a booking date column and an amount (Amount, or
// Debit and/or Credit) are required, and a currency (Currency column or
// FixedCurrency).
type CSVMapping struct {
	Delimiter  rune // field separator; 0 means ','
	SkipRows   int  // rows to skip before the header (or before the data when HasHeader is false)
	HasHeader  bool // the first row after SkipRows names the columns (required to map columns by Name)
	DateLayout string

	BookingDate Column
	ValueDate   Column // optional; defaults to the booking date

	// Amount is a single signed column: positive is a credit, negative a
	// debit. Or give Debit and Credit columns (amounts in either may be
	// written with or without a sign; the column decides the direction).
	Amount, Debit, Credit Column
	// Direction is an optional column whose value decides the direction of
	// Amount, for banks that write an unsigned amount and a marker;
	// DebitMarkers lists the values meaning "debit" (case-insensitive,
	// default "D", "DBIT", "DEBIT", "S"); any other non-empty value is a credit.
	Direction    Column
	DebitMarkers []string

	DecimalSeparator   rune // '.' or ','; 0 means '.'
	ThousandsSeparator rune // e.g. ',', '.', ' ' or '\''; 0 means none

	Currency      Column       // a column holding the ISO 4217 code per row, or
	FixedCurrency o2c.Currency // the currency of every row

	CounterpartyName Column
	CounterpartyIBAN Column
	CounterpartyBIC  Column
	RemittanceText   Column
	Reference        Column // the payment's reference (end-to-end id): into Line.EndToEndID
	BankReference    Column // the bank's reference for the row: into Line.BankReference

	AccountIBAN string // the account the export is for, when known

	// Balance is an optional column holding the account balance after each
	// row (the running balance many exports give; empty cells are allowed).
	// When it is mapped, the rows must chain: every stated balance equals
	// the previous one plus the amounts in between, oldest row first or
	// newest row first. The statement then gets an opening balance (the
	// first balance less the amounts up to it) and a closing balance (the
	// last one); a break in the chain is a *[ParseError] wrapping a
	// *[BalanceError] and naming the row ([AcceptPartial] accepts it and
	// marks the statement). Balances are read like amounts, in one currency.
	Balance Column
}

// ParseCSV reads a bank's CSV export with the mapping m into one
// [Statement] (with no balances). Blank rows are skipped. A row that breaks
// the mapping (unreadable date or amount, missing column) is a *[ParseError]
// naming its line; a mapping that cannot work (no date or amount column, a
// header name not found) is a *[ParseError] with the header line.
func ParseCSV(r io.Reader, m CSVMapping, opts ...ParseOption) ([]Statement, error) {
	data, err := readAll(r, FormatCSV)
	if err != nil {
		return nil, err
	}
	return parseCSV(data, m, collectOptions(opts))
}

type csvCols struct {
	booking, value, amount, debit, credit, dir, cur int
	name, iban, bic, remit, ref, bankRef, balance   int
}

// csvRow is what the balance chain needs of a row.
type csvRow struct {
	line    int
	amount  decimal.Decimal // signed
	balance *decimal.Decimal
}

func parseCSV(data []byte, m CSVMapping, o parseOptions) ([]Statement, error) {
	fail := func(line int, err error) error { return &ParseError{Format: FormatCSV, Line: line, Err: err} }
	if m.BookingDate.IsZero() {
		return nil, fail(0, malformed("mapping: BookingDate column is required"))
	}
	if m.Amount.IsZero() && m.Debit.IsZero() && m.Credit.IsZero() {
		return nil, fail(0, malformed("mapping: Amount or Debit/Credit columns are required"))
	}
	if m.Currency.IsZero() && m.FixedCurrency.IsZero() {
		return nil, fail(0, malformed("mapping: Currency column or FixedCurrency is required"))
	}
	dec, thou := m.DecimalSeparator, m.ThousandsSeparator
	if dec == 0 {
		dec = '.'
	}
	if dec != '.' && dec != ',' {
		return nil, fail(0, malformed("mapping: DecimalSeparator must be '.' or ','"))
	}
	if thou == dec {
		return nil, fail(0, malformed("mapping: ThousandsSeparator equals DecimalSeparator"))
	}
	layout := m.DateLayout
	if layout == "" {
		layout = time.DateOnly
	}
	delim := m.Delimiter
	if delim == 0 {
		delim = ','
	}
	data = bytes.TrimPrefix(toUTF8(data), []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	if delim == '"' || delim == '\r' || delim == '\n' || delim == 0xFFFD {
		return nil, fail(0, malformed("mapping: invalid delimiter %q", delim))
	}
	read := func() ([]string, int, error) {
		rec, err := cr.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, 0, err
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, 0, fail(pe.Line, malformed("CSV: %v", pe.Err))
			}
			return nil, 0, fail(0, malformed("CSV: %v", err))
		}
		line, _ := cr.FieldPos(0)
		return rec, line, nil
	}
	for i := 0; i < m.SkipRows; i++ {
		if _, _, err := read(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil, fail(0, fmt.Errorf("%w: fewer rows than SkipRows", ErrNoStatement))
			}
			return nil, err
		}
	}
	var header []string
	headerLine := 0
	if m.HasHeader {
		rec, line, err := read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, fail(0, fmt.Errorf("%w: no header row", ErrNoStatement))
			}
			return nil, err
		}
		header, headerLine = rec, line
	}
	resolve := func(c Column, what string) (int, error) {
		switch {
		case c.IsZero():
			return -1, nil
		case c.Name != "":
			if header == nil {
				return -1, fail(0, malformed("mapping: %s column %s is named but HasHeader is false", what, c))
			}
			for i, h := range header {
				if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(c.Name)) {
					return i, nil
				}
			}
			return -1, fail(headerLine, malformed("mapping: %s column %s is not in the header", what, c))
		default:
			return c.Index - 1, nil
		}
	}
	var cols csvCols
	for _, x := range []struct {
		dst  *int
		c    Column
		what string
	}{
		{&cols.booking, m.BookingDate, "BookingDate"}, {&cols.value, m.ValueDate, "ValueDate"},
		{&cols.amount, m.Amount, "Amount"}, {&cols.debit, m.Debit, "Debit"}, {&cols.credit, m.Credit, "Credit"},
		{&cols.dir, m.Direction, "Direction"}, {&cols.cur, m.Currency, "Currency"},
		{&cols.name, m.CounterpartyName, "CounterpartyName"}, {&cols.iban, m.CounterpartyIBAN, "CounterpartyIBAN"},
		{&cols.bic, m.CounterpartyBIC, "CounterpartyBIC"}, {&cols.remit, m.RemittanceText, "RemittanceText"},
		{&cols.ref, m.Reference, "Reference"}, {&cols.bankRef, m.BankReference, "BankReference"},
		{&cols.balance, m.Balance, "Balance"},
	} {
		i, err := resolve(x.c, x.what)
		if err != nil {
			return nil, err
		}
		*x.dst = i
	}
	debitMarkers := m.DebitMarkers
	if len(debitMarkers) == 0 {
		debitMarkers = []string{"D", "DBIT", "DEBIT", "S"}
	}
	st := Statement{Format: FormatCSV, Currency: m.FixedCurrency}
	var rows []csvRow
	if iban := compactIBAN(m.AccountIBAN); iban != "" {
		st.AccountIBAN = iban
	} else {
		st.AccountOther = strings.TrimSpace(m.AccountIBAN)
	}
	for {
		rec, line, err := read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if isBlankRecord(rec) {
			continue
		}
		l, err := csvLine(rec, cols, m, layout, dec, thou, debitMarkers)
		if err != nil {
			return nil, fail(line, err)
		}
		st.Lines = append(st.Lines, l)
		if cols.balance >= 0 {
			row := csvRow{line: line, amount: l.Amount.Amount()}
			if l.Direction == Debit {
				row.amount = row.amount.Neg()
			}
			if s := csvField(rec, cols.balance); s != "" {
				b, err := csvAmount(s, dec, thou)
				if err != nil {
					return nil, fail(line, err)
				}
				row.balance = &b
			}
			rows = append(rows, row)
		}
	}
	if len(st.Lines) == 0 && header == nil && m.SkipRows == 0 && len(bytes.TrimSpace(data)) == 0 {
		return nil, fail(0, fmt.Errorf("%w: empty input", ErrNoStatement))
	}
	finishStatement(&st)
	if cols.balance >= 0 && len(rows) > 0 {
		if err := csvBalances(&st, rows, o); err != nil {
			return nil, err
		}
	}
	return []Statement{st}, nil
}

// csvBalances checks the running balance of rows (oldest first or newest
// first) and gives st its opening and closing balance.
func csvBalances(st *Statement, rows []csvRow, o parseOptions) error {
	cur := st.Lines[0].Amount.Currency()
	for _, l := range st.Lines {
		if l.Amount.Currency() != cur {
			return &ParseError{Format: FormatCSV, Err: malformed("a Balance column needs every row in one currency (%s and %s)", cur, l.Amount.Currency())}
		}
	}
	open, close, bad, ok := csvChain(rows)
	first, last := st.Lines[0], st.Lines[len(st.Lines)-1]
	if !ok {
		rev := make([]csvRow, len(rows))
		for i, r := range rows {
			rev[len(rows)-1-i] = r
		}
		var bad2 int
		if open, close, bad2, ok = csvChain(rev); ok {
			first, last = last, first
		} else if bad < 0 {
			bad = bad2
		}
	}
	if bad < 0 && !ok {
		return nil // no balance stated at all: nothing to check
	}
	if !ok {
		r := rows[bad]
		prev := decimal.Zero
		for i := bad - 1; i >= 0; i-- {
			if rows[i].balance != nil {
				prev = *rows[i].balance
				break
			}
		}
		be := &BalanceError{Statement: fmt.Sprintf("row at line %d", r.line), Index: 1, Currency: cur, Err: ErrUnbalanced}
		if m, err := o2c.MoneyOf(prev, cur); err == nil {
			be.Opening = &m
		}
		if m, err := o2c.MoneyOf(r.amount, cur); err == nil {
			be.Movements = &m
		}
		if m, err := o2c.MoneyOf(*r.balance, cur); err == nil {
			be.Closing = &m
		}
		if o.acceptPartial {
			st.Incomplete = be
			return nil
		}
		return &ParseError{Format: FormatCSV, Line: r.line, Err: be}
	}
	om, err := o2c.MoneyOf(open, cur)
	if err != nil {
		return &ParseError{Format: FormatCSV, Err: err}
	}
	cm, err := o2c.MoneyOf(close, cur)
	if err != nil {
		return &ParseError{Format: FormatCSV, Err: err}
	}
	st.Balances = []Balance{
		{Type: "OPBD", Amount: om, Date: first.BookingDate},
		{Type: "CLBD", Amount: cm, Date: last.BookingDate},
	}
	st.OpeningBalance, st.ClosingBalance = &st.Balances[0], &st.Balances[1]
	return nil
}

// csvChain walks rows oldest first: ok when every stated balance is the
// previous one plus the amounts since; bad is the index of the first row
// that breaks the chain (-1 when no row states a balance).
func csvChain(rows []csvRow) (open, close decimal.Decimal, bad int, ok bool) {
	f := -1
	sum := decimal.Zero
	for i, r := range rows {
		sum = sum.Add(r.amount)
		if r.balance != nil {
			f = i
			break
		}
	}
	if f < 0 {
		return decimal.Zero, decimal.Zero, -1, false
	}
	open = rows[f].balance.Sub(sum)
	running := *rows[f].balance
	for i := f + 1; i < len(rows); i++ {
		running = running.Add(rows[i].amount)
		if b := rows[i].balance; b != nil {
			if !running.Equal(*b) {
				return decimal.Zero, decimal.Zero, i, false
			}
			running = *b
		}
	}
	return open, running, -1, true
}

func isBlankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func csvField(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func csvLine(rec []string, c csvCols, m CSVMapping, layout string, dec, thou rune, debitMarkers []string) (Line, error) {
	var l Line
	need := func(i int, what string) (string, error) {
		if i >= len(rec) {
			return "", malformed("%s column %d is missing (row has %d fields)", what, i+1, len(rec))
		}
		return csvField(rec, i), nil
	}
	s, err := need(c.booking, "booking date")
	if err != nil {
		return l, err
	}
	if l.BookingDate, err = csvDate(s, layout); err != nil {
		return l, err
	}
	l.ValueDate = l.BookingDate
	if c.value >= 0 {
		if s := csvField(rec, c.value); s != "" {
			if l.ValueDate, err = csvDate(s, layout); err != nil {
				return l, err
			}
		}
	}
	cur := m.FixedCurrency
	if c.cur >= 0 {
		if s := csvField(rec, c.cur); s != "" {
			if cur, err = o2c.ParseCurrency(strings.ToUpper(s)); err != nil {
				return l, err
			}
		}
	}
	if cur.IsZero() {
		return l, malformed("no currency for the row")
	}
	var amt decimal.Decimal
	switch {
	case c.amount >= 0:
		s, err := need(c.amount, "amount")
		if err != nil {
			return l, err
		}
		if amt, err = csvAmount(s, dec, thou); err != nil {
			return l, err
		}
		if c.dir >= 0 {
			mark := csvField(rec, c.dir)
			amt = amt.Abs()
			for _, dm := range debitMarkers {
				if strings.EqualFold(mark, dm) {
					amt = amt.Neg()
					break
				}
			}
		}
	default:
		ds, cs := csvField(rec, c.debit), csvField(rec, c.credit)
		switch {
		case ds != "" && cs != "":
			d, err := csvAmount(ds, dec, thou)
			if err != nil {
				return l, err
			}
			cr, err := csvAmount(cs, dec, thou)
			if err != nil {
				return l, err
			}
			amt = cr.Abs().Sub(d.Abs())
		case ds != "":
			d, err := csvAmount(ds, dec, thou)
			if err != nil {
				return l, err
			}
			amt = d.Abs().Neg()
		case cs != "":
			cr, err := csvAmount(cs, dec, thou)
			if err != nil {
				return l, err
			}
			amt = cr.Abs()
		default:
			return l, malformed("both debit and credit columns are empty")
		}
	}
	l.Direction = Credit
	if amt.IsNegative() {
		l.Direction = Debit
	}
	if l.Amount, err = o2c.MoneyOf(amt.Abs(), cur); err != nil {
		return l, err
	}
	l.CounterpartyName = cleanText(csvField(rec, c.name))
	if s := csvField(rec, c.iban); s != "" {
		if iban := compactIBAN(s); iban != "" {
			l.CounterpartyIBAN = iban
		} else {
			l.CounterpartyAccount = cleanText(s)
		}
	}
	if s := strings.ToUpper(csvField(rec, c.bic)); looksLikeBIC(s) {
		l.CounterpartyBIC = s
	}
	l.RemittanceText = cleanText(csvField(rec, c.remit))
	l.EndToEndID = cleanText(csvField(rec, c.ref))
	l.BankReference = cleanText(csvField(rec, c.bankRef))
	return l, nil
}

func csvDate(s, layout string) (o2c.Date, error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return o2c.Date{}, malformed("date %q does not match layout %q", truncateText(s), layout)
	}
	return o2c.NewDate(t.Year(), t.Month(), t.Day())
}

// csvAmount reads "1.234,56", "-1,234.56", "+12.5", "12.50-" or "(12.50)".
func csvAmount(s string, dec, thou rune) (decimal.Decimal, error) {
	t := strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")"):
		neg, t = true, t[1:len(t)-1]
	case strings.HasSuffix(t, "-"):
		neg, t = true, t[:len(t)-1]
	}
	t = strings.TrimSpace(t)
	if strings.HasPrefix(t, "-") {
		neg, t = !neg, t[1:]
	} else if strings.HasPrefix(t, "+") {
		t = t[1:]
	}
	if thou != 0 {
		t = strings.ReplaceAll(t, string(thou), "")
		if thou == ' ' {
			t = strings.ReplaceAll(t, "\u00a0", "")
			t = strings.ReplaceAll(t, "\u202f", "")
		}
	}
	if dec == ',' {
		t = strings.Replace(t, ",", ".", 1)
	}
	d, err := plainDecimal(strings.TrimSpace(t))
	if err != nil {
		return decimal.Decimal{}, malformed("amount %q is not a number", truncateText(s))
	}
	if neg {
		d = d.Neg()
	}
	return d, nil
}
