package matching

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// ParseCFONB120 reads a CFONB 120 statement file ("relevé de compte sur
// support informatique", the fixed-width format French banks deliver): 120-
// character records, one per line (or all on one line, cut every 120
// characters). Records:
//
//	01  old balance: a Statement starts (bank, branch, account, currency, date, amount)
//	04  movement: a Line (booking date, value date, label, entry number, reference, amount)
//	05  complement of the movement before it: a three-letter qualifier and 70 characters
//	07  new balance: the Statement ends
//
// Amounts are 14 digits whose last character carries the sign ('{' and 'A'
// to 'I' for 0 to 9 positive, '}' and 'J' to 'R' for 0 to 9 negative), with
// the number of decimals in position 20; dates are DDMMYY (years 00-79 are
// 20xx). Record 04 maps to: TransactionCode = interbank operation code
// (positions 33-34), RemittanceText = label, BankReference = entry number,
// CustomerReference = reference zone. Complements (05) map by qualifier:
// NPY (payer) or NBE (beneficiary) to CounterpartyName (NPY on a credit,
// NBE on a debit, whichever is present otherwise), NBU/NPO (ultimate
// parties) to UltimateParty, RCN (end-to-end reference) to EndToEndID, REF
// (operation reference) to StructuredRefs, RUM (mandate) to MandateID,
// LIB/LCC/LC2/LCS and unqualified text to RemittanceText, others to
// AdditionalInfo as "QUALIFIER value". Short lines (trailing blanks cut by an
// editor) are padded; a record of another type, an unreadable amount or date,
// or a 05/04 record outside a statement is a *[ParseError] naming the line.
//
// Each statement must balance: the old balance plus the movements must
// equal the new balance, or the file is refused with a *[ParseError]
// wrapping a *[BalanceError] naming the statement ([AcceptPartial] accepts
// it and marks it, Statement.Incomplete). A new balance record whose bank
// code differs from the old balance record's (some banks write the
// clearing bank's code there) is not refused: it is reported in
// Statement.Inconsistencies for the caller to accept or not; a different
// branch or account number is refused.
func ParseCFONB120(r io.Reader, opts ...ParseOption) ([]Statement, error) {
	data, err := readAll(r, FormatCFONB120)
	if err != nil {
		return nil, err
	}
	return parseCFONB120(data, collectOptions(opts))
}

func cfonbRecords(data []byte) []string {
	text := string(toUTF8(data))
	text = strings.TrimPrefix(text, "\uFEFF")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	if !strings.Contains(strings.TrimRight(text, "\n"), "\n") {
		t := strings.TrimRight(text, "\n")
		if len(t) > 120 && len(t)%120 == 0 {
			var recs []string
			for i := 0; i < len(t); i += 120 {
				recs = append(recs, t[i:i+120])
			}
			return recs
		}
	}
	return strings.Split(text, "\n")
}

// cfonbAmount decodes a 14-character signed amount with decimals digits.
func cfonbAmount(field string) (sign int, digits string, err error) {
	if len(field) != 14 {
		return 0, "", malformed("amount zone %q must be 14 characters", field)
	}
	body, last := field[:13], field[13]
	sign, d := 1, byte(0)
	switch {
	case last == '{':
		d = '0'
	case last >= 'A' && last <= 'I':
		d = '1' + (last - 'A')
	case last == '}':
		sign, d = -1, '0'
	case last >= 'J' && last <= 'R':
		sign, d = -1, '1'+(last-'J')
	case last >= '0' && last <= '9':
		d = last // unsigned last digit: read as positive
	default:
		return 0, "", malformed("amount zone %q: sign character %q must be one of {A-I}J-R", field, string(last))
	}
	if !allDigits(body) {
		return 0, "", malformed("amount zone %q is not numeric", field)
	}
	return sign, body + string(d), nil
}

func cfonbDate(s string) (o2c.Date, error) {
	if len(s) != 6 || !allDigits(s) {
		return o2c.Date{}, malformed("date %q must read DDMMYY", s)
	}
	d := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[2]-'0')*10 + int(s[3]-'0')
	y := int(s[4]-'0')*10 + int(s[5]-'0')
	if y < 80 {
		y += 2000
	} else {
		y += 1900
	}
	date, err := o2c.NewDate(y, time.Month(m), d)
	if err != nil {
		return o2c.Date{}, malformed("date %q is not a calendar date", s)
	}
	return date, nil
}

// cfonbMoney reads the common currency and decimals zones and the amount
// zone (positions 91-104) of rec.
func cfonbMoney(rec string) (o2c.Money, error) {
	cur, err := o2c.ParseCurrency(rec[16:19])
	if err != nil {
		return o2c.Money{}, err
	}
	dc := rec[19]
	if dc < '0' || dc > '9' {
		return o2c.Money{}, malformed("number of decimals %q must be a digit", string(dc))
	}
	sign, digits, err := cfonbAmount(rec[90:104])
	if err != nil {
		return o2c.Money{}, err
	}
	d, err := decimalFromDigits(digits, int(dc-'0'))
	if err != nil {
		return o2c.Money{}, err
	}
	if sign < 0 {
		d = d.Neg()
	}
	return o2c.MoneyOf(d, cur)
}

func parseCFONB120(data []byte, o parseOptions) ([]Statement, error) {
	var (
		out  []Statement
		cur  *Statement
		last = -1 // index of the last line in cur
		seen bool
	)
	fail := func(line int, err error) error {
		return &ParseError{Format: FormatCFONB120, Line: line, Err: err}
	}
	for i, rec := range cfonbRecords(data) {
		lineNo := i + 1
		if strings.TrimSpace(rec) == "" {
			continue
		}
		if len(rec) > 120 {
			if strings.TrimRight(rec[120:], " ") != "" {
				return nil, fail(lineNo, malformed("record is %d characters long, not 120", len(rec)))
			}
			rec = rec[:120]
		}
		if len(rec) < 120 {
			rec += strings.Repeat(" ", 120-len(rec))
		}
		seen = true
		code := rec[:2]
		switch code {
		case "01":
			if cur != nil {
				return nil, fail(lineNo, malformed("old balance (01) before the new balance (07) of the previous statement"))
			}
			st, err := cfonbBalanceRecord(rec, "OPBD")
			if err != nil {
				return nil, fail(lineNo, err)
			}
			cur, last = &st, -1
			cur.OpeningBalance = &cur.Balances[0]
		case "04":
			if cur == nil {
				return nil, fail(lineNo, malformed("movement (04) outside a statement (no 01 record before it)"))
			}
			l, err := cfonbMovement(rec)
			if err != nil {
				return nil, fail(lineNo, err)
			}
			cur.Lines = append(cur.Lines, l)
			last = len(cur.Lines) - 1
		case "05":
			if cur == nil || last < 0 {
				return nil, fail(lineNo, malformed("complement (05) without a movement (04) before it"))
			}
			cfonbComplement(rec, &cur.Lines[last])
		case "07":
			if cur == nil {
				return nil, fail(lineNo, malformed("new balance (07) without an old balance (01)"))
			}
			st, err := cfonbBalanceRecord(rec, "CLBD")
			if err != nil {
				return nil, fail(lineNo, err)
			}
			if bank, openBank := st.AccountOther[:5], cur.AccountOther[:5]; bank != openBank && st.AccountOther[5:] == cur.AccountOther[5:] {
				cur.Inconsistencies = append(cur.Inconsistencies, fmt.Sprintf(
					"line %d: the new balance record (07) names bank code %s, the old balance record (01) bank code %s; the statement is kept under %s", lineNo, bank, openBank, openBank))
			} else if st.AccountOther != cur.AccountOther {
				return nil, fail(lineNo, malformed("new balance (07) for account %s in the statement of account %s", st.AccountOther, cur.AccountOther))
			}
			cur.Balances = append(cur.Balances, st.Balances[0])
			cur.OpeningBalance = &cur.Balances[0]
			cur.ClosingBalance = &cur.Balances[len(cur.Balances)-1]
			cur.To = st.Balances[0].Date
			cur.From = cur.Balances[0].Date
			finishStatement(cur)
			check := balanceCheck{needOpening: true, needClosing: true}
			check.setOpening(cur.OpeningBalance.Amount)
			check.setClosing(cur.ClosingBalance.Amount)
			check.lines(cur.Lines)
			if be := settle(cur, check.check(cur, len(out)+1), o); be != nil {
				return nil, fail(lineNo, be)
			}
			out = append(out, *cur)
			cur, last = nil, -1
		default:
			return nil, fail(lineNo, malformed("record code %q must be 01, 04, 05 or 07", code))
		}
	}
	if !seen {
		return nil, &ParseError{Format: FormatCFONB120, Err: fmt.Errorf("%w: empty input", ErrNoStatement)}
	}
	if cur != nil {
		return nil, &ParseError{Format: FormatCFONB120, Err: malformed("statement of account %s has no new balance (07)", cur.AccountOther)}
	}
	return out, nil
}

func cfonbBalanceRecord(rec, typ string) (Statement, error) {
	m, err := cfonbMoney(rec)
	if err != nil {
		return Statement{}, err
	}
	date, err := cfonbDate(rec[34:40])
	if err != nil {
		return Statement{}, err
	}
	bank, branch, account := rec[2:7], rec[11:16], strings.TrimSpace(rec[21:32])
	return Statement{
		Format:       FormatCFONB120,
		AccountOther: bank + branch + account,
		Currency:     m.Currency(),
		Balances:     []Balance{{Type: typ, Amount: m, Date: date}},
	}, nil
}

func cfonbMovement(rec string) (Line, error) {
	m, err := cfonbMoney(rec)
	if err != nil {
		return Line{}, err
	}
	var l Line
	l.Direction = Credit
	if m.IsNegative() {
		l.Direction = Debit
	}
	l.Amount = m.Abs()
	if l.BookingDate, err = cfonbDate(rec[34:40]); err != nil {
		return Line{}, err
	}
	if v := rec[42:48]; strings.TrimSpace(v) != "" {
		if l.ValueDate, err = cfonbDate(v); err != nil {
			return Line{}, err
		}
	} else {
		l.ValueDate = l.BookingDate
	}
	l.TransactionCode = strings.TrimSpace(rec[32:34])
	l.RemittanceText = cleanText(rec[48:79])
	l.BankReference = strings.TrimSpace(rec[81:88])
	l.CustomerReference = cleanText(rec[104:120])
	if r := strings.TrimSpace(rec[40:42]); r != "" {
		l.AdditionalInfo = "rejection reason " + r
	}
	return l, nil
}

func cfonbComplement(rec string, l *Line) {
	qual := strings.TrimSpace(rec[45:48])
	v := cleanText(rec[48:118])
	if v == "" {
		return
	}
	switch qual {
	case "NPY":
		if l.Direction == Credit || l.CounterpartyName == "" {
			l.CounterpartyName = v
		}
	case "NBE":
		if l.Direction == Debit || l.CounterpartyName == "" {
			l.CounterpartyName = v
		}
	case "NBU", "NPO":
		if l.UltimateParty == "" {
			l.UltimateParty = v
		}
	case "RCN":
		l.EndToEndID = v
	case "REF":
		l.StructuredRefs = appendUnique(l.StructuredRefs, v)
	case "RUM":
		l.MandateID = v
	case "LIB", "LCC", "LC2", "LCS", "":
		l.RemittanceText = joinText(l.RemittanceText, v)
	default:
		l.AdditionalInfo = joinText(l.AdditionalInfo, qual+" "+v)
	}
}
