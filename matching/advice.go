package matching

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// Formats of remittance advices that arrive apart from the payment.
const (
	FormatEDI820    Format = "x12.820"    // ANSI X12 820 Payment Order/Remittance Advice (CTX addenda)
	FormatAdviceCSV Format = "advice.csv" // a customer portal's CSV export
)

// Advice is a remittance advice that arrived apart from its payment (an
// EDI 820 transaction, the rows of a portal's CSV export with one trace
// number): the payment it announces and the documents it settles.
// [Service.LinkAdvice] links it to its statement line.
type Advice struct {
	Format Format
	// Trace identifies the payment (EDI 820 TRN02: the check or ACH trace
	// number; the CSV's payment reference column).
	Trace string
	// PayerName and PayerID name the payer (EDI 820 N1*PR), when given.
	PayerName string
	PayerID   string
	// Amount is the payment (EDI 820 BPR02; in a CSV without a payment
	// amount column, the documents' total).
	Amount o2c.Money
	// Date is the payment's effective date (BPR16), zero when not given.
	Date o2c.Date
	// Method is the payment method as given (BPR04: ACH, CHK, FWT...).
	Method string
	// Adjustment is the payment-level adjustment not tied to a document
	// (EDI 820 ADX outside an RMR loop), positive when it reduced the
	// payment; zero when none.
	Adjustment o2c.Money
	// References are the REF values given (qualifier:value), for people.
	References []string
	Documents  []RemittanceDocument
}

// Check verifies that the documents (less credit notes, less the
// payment-level adjustment) add up to the payment: a
// *RemittanceMismatchError otherwise.
func (a Advice) Check() error {
	want := a.Amount
	if !a.Adjustment.Currency().IsZero() && !a.Adjustment.IsZero() {
		var err error
		if want, err = want.Add(a.Adjustment); err != nil {
			return err
		}
	}
	return CheckRemittance(a.Trace, want, a.Documents)
}

// EDI820Options adjust [ParseEDI820]. The zero value works.
type EDI820Options struct {
	// Currency of amounts when the transaction has no CUR segment
	// (default USD).
	Currency o2c.Currency
}

type x12Seg struct {
	id   string
	el   []string // el[0] is the segment id
	line int      // 1-based segment number
}

func (s x12Seg) at(i int) string {
	if i < len(s.el) {
		return strings.TrimSpace(s.el[i])
	}
	return ""
}

func splitX12(data []byte) ([]x12Seg, error) {
	data = bytes.TrimLeft(data, " \t\r\n\ufeff")
	elem, term := byte('*'), byte('~')
	if bytes.HasPrefix(data, []byte("ISA")) {
		if len(data) < 106 {
			return nil, malformed("ISA segment is shorter than 106 characters")
		}
		elem, term = data[3], data[105]
		if elem == term || isAlnumByte(elem) || isAlnumByte(term) {
			return nil, malformed("ISA separators are not usable")
		}
	}
	var out []x12Seg
	for i, raw := range bytes.Split(data, []byte{term}) {
		s := strings.Trim(string(raw), " \t\r\n")
		if s == "" {
			continue
		}
		el := strings.Split(s, string(elem))
		out = append(out, x12Seg{id: strings.ToUpper(el[0]), el: el, line: i + 1})
	}
	return out, nil
}

func x12Amount(s x12Seg, i int, cur o2c.Currency, required bool) (*o2c.Money, error) {
	v := s.at(i)
	if v == "" {
		if required {
			return nil, &ParseError{Format: FormatEDI820, Line: s.line, Element: fmt.Sprintf("%s%02d", s.id, i), Err: malformed("amount is required")}
		}
		return nil, nil
	}
	neg := strings.HasPrefix(v, "-")
	d, err := plainDecimal(strings.TrimPrefix(strings.TrimPrefix(v, "+"), "-"))
	if neg {
		d = d.Neg()
	}
	if err == nil {
		var m o2c.Money
		m, err = o2c.MoneyOf(d, cur)
		if err == nil && !m.IsRounded() {
			err = malformed("amount %q has more decimals than %s allows", truncateText(v), cur.Code())
		}
		if err == nil {
			return &m, nil
		}
	}
	return nil, &ParseError{Format: FormatEDI820, Line: s.line, Element: fmt.Sprintf("%s%02d", s.id, i), Err: err}
}

func x12Date(s x12Seg, i int) (o2c.Date, error) {
	v := s.at(i)
	if v == "" {
		return o2c.Date{}, nil
	}
	t, err := time.Parse("20060102", v)
	if err == nil {
		var d o2c.Date
		if d, err = o2c.NewDate(t.Year(), t.Month(), t.Day()); err == nil {
			return d, nil
		}
	}
	return o2c.Date{}, &ParseError{Format: FormatEDI820, Line: s.line, Element: fmt.Sprintf("%s%02d", s.id, i), Err: malformed("date %q is not CCYYMMDD", truncateText(v))}
}

// ParseEDI820 reads the remittance advices of an ANSI X12 820 interchange
// (one per ST/SE transaction): BPR (amount, credit/debit flag, method,
// date), TRN (trace number), CUR (currency), N1*PR (payer), ENT (entity
// loops), RMR (one document each: reference qualifier and number, amount
// paid, invoice amount, discount taken; a negative amount or a CM/CR
// qualifier is a credit memo), REF (kept as references), ADX (adjustment
// with its reason code: within an RMR loop on that document, outside on
// the payment) and DTM*003 (document date). Separators come from the ISA
// header when present ('*' and '~' otherwise). Malformed input is a
// *ParseError; an advice whose documents do not add up to BPR02 a
// *RemittanceMismatchError. Other segments are ignored.
func ParseEDI820(r io.Reader, opts EDI820Options) ([]Advice, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxStatementBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxStatementBytes {
		return nil, &ParseError{Format: FormatEDI820, Err: malformed("input larger than %d bytes", MaxStatementBytes)}
	}
	segs, err := splitX12(data)
	if err != nil {
		return nil, &ParseError{Format: FormatEDI820, Line: 1, Err: err}
	}
	defCur := opts.Currency
	if defCur.IsZero() {
		defCur = o2c.USD
	}
	var (
		out    []Advice
		cur    *Advice
		doc    *RemittanceDocument
		bpr    x12Seg
		hasBPR bool
		curr   = defCur
	)
	fail := func(s x12Seg, format string, args ...any) error {
		return &ParseError{Format: FormatEDI820, Line: s.line, Element: s.id, Err: malformed(format, args...)}
	}
	flushDoc := func() {
		if cur != nil && doc != nil {
			cur.Documents = append(cur.Documents, *doc)
		}
		doc = nil
	}
	for _, s := range segs {
		switch s.id {
		case "ST":
			if s.at(1) != "820" {
				cur = nil
				continue
			}
			cur, doc, hasBPR, curr = &Advice{Format: FormatEDI820}, nil, false, defCur
		case "SE":
			if cur == nil {
				continue
			}
			flushDoc()
			if !hasBPR {
				return nil, fail(s, "transaction has no BPR segment")
			}
			amt, err := x12Amount(bpr, 2, curr, true)
			if err != nil {
				return nil, err
			}
			cur.Amount = *amt
			if cur.Adjustment.Currency().IsZero() {
				cur.Adjustment = o2c.Zero(curr)
			}
			for i := range cur.Documents {
				if err := rebaseCurrency(&cur.Documents[i], curr); err != nil {
					return nil, fail(s, "%v", err)
				}
			}
			if err := cur.Check(); err != nil {
				return nil, err
			}
			out = append(out, *cur)
			cur = nil
		}
		if cur == nil {
			continue
		}
		switch s.id {
		case "BPR":
			bpr, hasBPR = s, true
			if f := s.at(3); f != "" && f != "C" {
				return nil, fail(s, "BPR03 is %q: only credits (C) are remittances to apply", f)
			}
			cur.Method = s.at(4)
			d, err := x12Date(s, 16)
			if err != nil {
				return nil, err
			}
			cur.Date = d
		case "CUR":
			c, err := o2c.ParseCurrency(s.at(2))
			if err != nil {
				return nil, fail(s, "CUR02 %q is not a currency", truncateText(s.at(2)))
			}
			curr = c
		case "TRN":
			cur.Trace = cleanText(s.at(2))
		case "N1":
			if s.at(1) == "PR" {
				cur.PayerName, cur.PayerID = cleanText(s.at(2)), cleanText(s.at(4))
			}
		case "ENT":
			flushDoc()
		case "RMR":
			flushDoc()
			doc = &RemittanceDocument{Kind: DocumentInvoice, Number: cleanText(s.at(2))}
			switch strings.ToUpper(s.at(1)) {
			case "CM", "CR":
				doc.Kind = DocumentCreditNote
			case "DM":
				doc.Kind = DocumentDebitNote
			case "IV", "IK", "":
			default:
				doc.Kind = DocumentOther
			}
			paid, err := x12Amount(s, 4, curr, false)
			if err != nil {
				return nil, err
			}
			if paid != nil && paid.IsNegative() {
				doc.Kind = DocumentCreditNote
				p := paid.Abs()
				paid = &p
			}
			doc.Remitted = paid
			if doc.DuePayable, err = x12Amount(s, 5, curr, false); err != nil {
				return nil, err
			}
			if doc.DuePayable != nil {
				p := doc.DuePayable.Abs()
				doc.DuePayable = &p
			}
			if doc.Discount, err = x12Amount(s, 6, curr, false); err != nil {
				return nil, err
			}
		case "REF":
			cur.References = append(cur.References, s.at(1)+":"+cleanText(s.at(2)))
		case "DTM":
			if doc != nil && s.at(1) == "003" {
				d, err := x12Date(s, 2)
				if err != nil {
					return nil, err
				}
				doc.Date = d
			}
		case "ADX":
			amt, err := x12Amount(s, 1, curr, true)
			if err != nil {
				return nil, err
			}
			ded := amt.Neg() // ADX01 negative reduces the payment: a deduction
			if doc == nil {
				if cur.Adjustment.Currency().IsZero() {
					cur.Adjustment = o2c.Zero(curr)
				}
				if cur.Adjustment, err = cur.Adjustment.Add(ded); err != nil {
					return nil, fail(s, "%v", err)
				}
				continue
			}
			if doc.Adjustment != nil {
				if ded, err = doc.Adjustment.Add(ded); err != nil {
					return nil, fail(s, "%v", err)
				}
			}
			doc.Adjustment = &ded
			if doc.AdjustmentReason == "" {
				doc.AdjustmentReason = s.at(2)
			}
		}
	}
	if cur != nil {
		return nil, &ParseError{Format: FormatEDI820, Err: malformed("transaction %s has no SE segment", cur.Trace)}
	}
	if len(out) == 0 {
		return nil, &ParseError{Format: FormatEDI820, Err: ErrNoStatement}
	}
	return out, nil
}

// rebaseCurrency checks that d's amounts are in cur (a CUR segment read
// after the RMR is refused).
func rebaseCurrency(d *RemittanceDocument, cur o2c.Currency) error {
	for _, m := range []*o2c.Money{d.DuePayable, d.Discount, d.Adjustment, d.Remitted} {
		if m != nil && m.Currency() != cur {
			return fmt.Errorf("document %s: amount in %s, the payment in %s", d.Number, m.Currency().Code(), cur.Code())
		}
	}
	return nil
}

// AdviceCSVMapping names the columns of a portal's remittance CSV (by
// header). Number and Trace are required, and Remitted or DuePayable; the
// others are optional.
type AdviceCSVMapping struct {
	Delimiter rune // 0: ','
	// Trace groups the rows into advices: one advice per trace value.
	Trace  string
	Payer  string
	Number string
	// Kind holds the document type: "credit", "credit note", "CM", "CN",
	// "CREN" are credit notes, "DM", "DEBN" debit notes, anything else an
	// invoice. Without it a negative amount marks a credit note.
	Kind       string
	Date       string
	DateLayout string // Go layout of Date (default 2006-01-02)
	Remitted   string
	DuePayable string
	Discount   string
	Adjustment string
	Reason     string
	// PaymentAmount holds the payment's total on each row; without it the
	// advice's amount is what its documents add up to.
	PaymentAmount      string
	DecimalSeparator   rune // '.' or ','; 0 means '.'
	ThousandsSeparator rune // e.g. ',', '.', ' '; 0 means none
	Currency           o2c.Currency
}

// ParseAdviceCSV reads remittance advices from a CSV with a header row,
// mapped by m, in the order their trace numbers first appear. Bad input is
// a *ParseError naming the line; an advice whose documents do not add up
// to its payment amount a *RemittanceMismatchError.
func ParseAdviceCSV(r io.Reader, m AdviceCSVMapping) ([]Advice, error) {
	perr := func(line int, format string, args ...any) error {
		return &ParseError{Format: FormatAdviceCSV, Line: line, Err: malformed(format, args...)}
	}
	if m.Trace == "" || m.Number == "" || (m.Remitted == "" && m.DuePayable == "") {
		return nil, o2c.NewValidationError("mapping", "needs the trace, number and remitted (or due payable) columns")
	}
	if m.Currency.IsZero() {
		return nil, o2c.NewValidationError("mapping.currency", "is required")
	}
	cr := csv.NewReader(io.LimitReader(r, MaxStatementBytes))
	if m.Delimiter != 0 {
		cr.Comma = m.Delimiter
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &ParseError{Format: FormatAdviceCSV, Line: 1, Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	idx := func(name string) (int, error) {
		if name == "" {
			return -1, nil
		}
		i, ok := col[name]
		if !ok {
			return -1, perr(1, "no column %q in the header", truncateText(name))
		}
		return i, nil
	}
	names := []string{m.Trace, m.Payer, m.Number, m.Kind, m.Date, m.Remitted, m.DuePayable, m.Discount, m.Adjustment, m.Reason, m.PaymentAmount}
	cols := make([]int, len(names))
	for k, n := range names {
		if cols[k], err = idx(n); err != nil {
			return nil, err
		}
	}
	cTrace, cPayer, cNumber, cKind, cDate, cRemitted, cDue, cDisc, cAdj, cReason, cPay := cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], cols[9], cols[10]
	layout := m.DateLayout
	if layout == "" {
		layout = "2006-01-02"
	}
	field := func(rec []string, i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	amount := func(rec []string, i, line int) (*o2c.Money, error) {
		v := field(rec, i)
		if v == "" {
			return nil, nil
		}
		d, err := csvAmount(v, m.DecimalSeparator, m.ThousandsSeparator)
		if err != nil {
			return nil, &ParseError{Format: FormatAdviceCSV, Line: line, Err: err}
		}
		mo, err := o2c.MoneyOf(d, m.Currency)
		if err == nil && !mo.IsRounded() {
			err = malformed("amount %q has more decimals than %s allows", truncateText(v), m.Currency.Code())
		}
		if err != nil {
			return nil, &ParseError{Format: FormatAdviceCSV, Line: line, Err: err}
		}
		return &mo, nil
	}
	var order []string
	advs := map[string]*Advice{}
	payments := map[string]*o2c.Money{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &ParseError{Format: FormatAdviceCSV, Line: line, Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
		}
		if isBlankRecord(rec) {
			continue
		}
		trace := cleanText(field(rec, cTrace))
		if trace == "" {
			return nil, perr(line, "trace is empty")
		}
		a := advs[trace]
		if a == nil {
			a = &Advice{Format: FormatAdviceCSV, Trace: trace, PayerName: cleanText(field(rec, cPayer)), Adjustment: o2c.Zero(m.Currency)}
			advs[trace] = a
			order = append(order, trace)
		}
		d := RemittanceDocument{Kind: DocumentInvoice, Number: cleanText(field(rec, cNumber)), AdjustmentReason: cleanText(field(rec, cReason))}
		if d.Number == "" {
			return nil, perr(line, "document number is empty")
		}
		kindGiven := false
		switch strings.ToUpper(strings.ReplaceAll(field(rec, cKind), "_", " ")) {
		case "CREDIT", "CREDIT NOTE", "CREDIT MEMO", "CM", "CN", "CREN":
			d.Kind, kindGiven = DocumentCreditNote, true
		case "DEBIT", "DEBIT NOTE", "DM", "DEBN":
			d.Kind, kindGiven = DocumentDebitNote, true
		case "":
		default:
			kindGiven = true
		}
		if s := field(rec, cDate); s != "" {
			if d.Date, err = csvDate(s, layout); err != nil {
				return nil, &ParseError{Format: FormatAdviceCSV, Line: line, Err: err}
			}
		}
		for _, f := range []struct {
			col int
			dst **o2c.Money
		}{{cRemitted, &d.Remitted}, {cDue, &d.DuePayable}, {cDisc, &d.Discount}, {cAdj, &d.Adjustment}} {
			v, err := amount(rec, f.col, line)
			if err != nil {
				return nil, err
			}
			if v != nil && v.IsNegative() && (f.dst == &d.Remitted || f.dst == &d.DuePayable) {
				if !kindGiven {
					d.Kind = DocumentCreditNote
				}
				abs := v.Abs()
				v = &abs
			}
			*f.dst = v
		}
		if _, ok := DocumentAmount(d); !ok {
			return nil, perr(line, "document %s states no amount", truncateText(d.Number))
		}
		pay, err := amount(rec, cPay, line)
		if err != nil {
			return nil, err
		}
		if pay != nil {
			if prev := payments[trace]; prev != nil && !prev.Equal(*pay) {
				return nil, perr(line, "payment %s: amount %s differs from %s on an earlier row", truncateText(trace), pay, prev)
			}
			payments[trace] = pay
		}
		a.Documents = append(a.Documents, d)
	}
	out := make([]Advice, 0, len(order))
	for _, tr := range order {
		a := advs[tr]
		if p := payments[tr]; p != nil {
			a.Amount = *p
		} else {
			sum := o2c.Zero(m.Currency)
			for _, d := range a.Documents {
				v, _ := DocumentAmount(d)
				if d.Kind == DocumentCreditNote {
					sum, _ = sum.Sub(v)
				} else {
					sum, _ = sum.Add(v)
				}
			}
			a.Amount = sum
		}
		if err := a.Check(); err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	if len(out) == 0 {
		return nil, &ParseError{Format: FormatAdviceCSV, Err: ErrNoStatement}
	}
	return out, nil
}

// ErrNoPayment: no statement line (not yet applied) is the payment a
// remittance advice announces, or several are (see [AdviceLinkError]).
var ErrNoPayment = errors.New("matching: no payment for the remittance advice")

// AdviceLinkError reports an advice that could not be linked to one
// statement line: none matches (import the statement and link again) or
// several do (Candidates). It matches [ErrNoPayment].
type AdviceLinkError struct {
	Trace      string
	Amount     o2c.Money
	Candidates []LineID
}

// Error names the advice and what was found.
func (e *AdviceLinkError) Error() string {
	if len(e.Candidates) > 1 {
		return fmt.Sprintf("matching: remittance advice %s (%s): %d statement lines could be its payment", e.Trace, e.Amount, len(e.Candidates))
	}
	return fmt.Sprintf("matching: remittance advice %s (%s): no statement line waiting to be applied is its payment", e.Trace, e.Amount)
}

// Is matches ErrNoPayment.
func (e *AdviceLinkError) Is(target error) bool { return target == ErrNoPayment }

// linkScore says how well line l is adv's payment: 0 none; the amount
// must be equal, then the trace number found on the line or the payer's
// name resembling the counterparty's.
func linkScore(adv Advice, l Line) int {
	if l.Direction != Credit || l.Reversal || !l.Amount.Equal(adv.Amount) {
		return 0
	}
	score := 0
	if t := NormalizeNumber(adv.Trace); t != "" {
		for _, f := range []string{l.EndToEndID, l.BankReference, l.CustomerReference} {
			if NormalizeNumber(f) == t {
				score += 4
				break
			}
		}
		if score == 0 {
			for _, f := range []string{l.RemittanceText, l.AdditionalInfo} {
				if strings.Contains(NormalizeNumber(f), t) && len(t) >= 4 {
					score += 3
					break
				}
			}
		}
	}
	if adv.PayerName != "" && l.CounterpartyName != "" {
		if NameSimilarity(NormalizeName(adv.PayerName), NormalizeName(l.CounterpartyName)) >= 0.8 {
			score += 2
		}
	}
	if !adv.Date.IsZero() && (adv.Date == l.ValueDate || adv.Date == l.BookingDate) {
		score++
	}
	if score < 2 {
		return 0 // the amount alone links nothing
	}
	return score
}

// LinkAdvice links a remittance advice that arrived apart from its payment
// to the statement line that is that payment, among the lines not yet
// applied: the amount must be equal, and the trace number found on the
// line (end-to-end id, bank or customer reference, remittance text) or the
// payer's name resembling the line's counterparty. The advice's documents
// become the line's [Line.Documents] and the line's statement is proposed
// again, so that allocation follows the advice. An advice that does not
// add up is a *RemittanceMismatchError; none or several candidate lines an
// *AdviceLinkError (import the statement, then link again). Linking the
// same advice twice is harmless.
func (s *Service) LinkAdvice(ctx context.Context, adv Advice) (*LineRecord, []Result, error) {
	if err := adv.Check(); err != nil {
		return nil, nil, err
	}
	var linked *LineRecord
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		var best []*LineRecord
		bestScore := 0
		for off := 0; ; off += 1000 {
			recs, err := s.stores.Matching.ListLines(ctx, LineFilter{Statuses: []LineStatus{LineNew, LineAuto, LineSuggested, LineUnmatched},
				Limit: 1000, Offset: off})
			if err != nil {
				return err
			}
			for _, r := range recs {
				switch sc := linkScore(adv, r.Line); {
				case sc == 0:
				case sc > bestScore:
					best, bestScore = []*LineRecord{r}, sc
				case sc == bestScore:
					best = append(best, r)
				}
			}
			if len(recs) < 1000 {
				break
			}
		}
		if len(best) != 1 {
			e := &AdviceLinkError{Trace: adv.Trace, Amount: adv.Amount}
			for _, r := range best {
				e.Candidates = append(e.Candidates, r.ID)
			}
			return e
		}
		var err error
		linked, err = s.stores.Matching.UpdateLine(ctx, best[0].ID, func(l *LineRecord) error {
			if l.Status == LineApplied {
				return &LineError{Line: l.ID, Reason: "applied already", Err: ErrAlreadyApplied}
			}
			l.Line.Documents = append([]RemittanceDocument(nil), adv.Documents...)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	res, err := s.Propose(ctx, linked.Statement)
	if err != nil {
		return linked, nil, err
	}
	return linked, res, nil
}
