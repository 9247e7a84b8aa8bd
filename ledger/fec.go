package ledger

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// FECColumns are the 18 columns of the Fichier des Écritures Comptables
// (article A47 A-1 of the Livre des procédures fiscales), in their order.
var FECColumns = []string{
	"JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
	"CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
	"EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
}

// FECOptions configure [Book.WriteFEC].
type FECOptions struct {
	// Pipe separates fields with "|" instead of a tab.
	Pipe bool
	// CustomerName returns the name of a customer for CompAuxLib (nil:
	// the customer's ID).
	CustomerName func(customer string) string
}

// fecOrder sorts entries as the FEC lists them: by validation date (the
// order in which they were posted), then journal, then number.
func fecOrder(entries []Entry) []Entry {
	out := slices.Clone(entries)
	slices.SortStableFunc(out, func(a, b Entry) int {
		if c := a.ValidDate.Compare(b.ValidDate); c != 0 {
			return c
		}
		if c := strings.Compare(a.Journal, b.Journal); c != 0 {
			return c
		}
		return int(a.Number - b.Number)
	})
	return out
}

// WriteFEC writes entries (stored ones: numbered and validated) as a FEC:
// a header line with the 18 column names, then one line per entry line,
// fields separated by a tab (or "|"), lines ended by CRLF, dates as
// YYYYMMDD, amounts with a comma as decimal separator and no thousands
// separator, Debit and Credit both written (0,00 on the other side),
// entries in the order they were validated (ValidDate, then journal and
// number, numbers continuous per journal as the store assigns them),
// receivable lines lettered by [Letters], Montantdevise and Idevise only
// on lines in a currency other than the functional one. Separators and
// line breaks inside text fields are replaced by spaces.
//
// Errors: an entry without a number or a valid date, an unbalanced entry
// or an account outside the chart (nothing useful is written then).
func (b *Book) WriteFEC(w io.Writer, entries []Entry, opts FECOptions) error {
	sep := "\t"
	if opts.Pipe {
		sep = "|"
	}
	clean := func(s string) string {
		return strings.NewReplacer("\t", " ", "|", " ", "\r", " ", "\n", " ").Replace(s)
	}
	ordered := fecOrder(entries)
	for _, e := range ordered {
		if e.Number <= 0 || e.ValidDate.IsZero() {
			return &o2c.ValidationError{Field: "entry " + e.Key, Rule: "must be posted (numbered and validated) before export"}
		}
		if err := e.Validate(b.cfg.Chart); err != nil {
			return err
		}
	}
	letters := Letters(ordered, b.cfg.Accounts[RoleReceivable])
	bw := bufio.NewWriter(w)
	bw.WriteString(strings.Join(FECColumns, sep) + "\r\n")
	rec := make([]string, len(FECColumns))
	for _, e := range ordered {
		for i, l := range e.Lines {
			acct, _ := b.cfg.Chart.Account(l.Account)
			aux, auxName := "", ""
			if l.Customer != "" {
				aux, auxName = l.Customer, l.Customer
				if opts.CustomerName != nil {
					if n := opts.CustomerName(l.Customer); n != "" {
						auxName = n
					}
				}
			}
			let := letters[LineRef{e.Key, e.Seq, i}]
			rec[0], rec[1], rec[2], rec[3] = e.Journal, b.JournalName(e.Journal), strconv.FormatInt(e.Number, 10), fecDate(e.Date)
			rec[4], rec[5], rec[6], rec[7] = l.Account, acct.Name, aux, auxName
			rec[8], rec[9], rec[10] = e.PieceRef, fecDate(e.PieceDate), e.Label
			rec[11], rec[12] = fecAmount(l.Debit.Amount(), l.Debit.Currency()), fecAmount(l.Credit.Amount(), l.Credit.Currency())
			rec[13], rec[14], rec[15] = let.Code, fecDate(let.Date), fecDate(e.ValidDate)
			rec[16], rec[17] = "", ""
			if !l.Amount.Currency().IsZero() && l.Amount.Currency() != b.cfg.Functional && l.Amount.IsPositive() {
				rec[16], rec[17] = fecAmount(l.Amount.Amount(), l.Amount.Currency()), l.Amount.Currency().Code()
			}
			for k := range rec {
				rec[k] = clean(rec[k])
			}
			bw.WriteString(strings.Join(rec, sep) + "\r\n")
		}
	}
	return bw.Flush()
}

func fecDate(d o2c.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d%02d%02d", d.Year(), int(d.Month()), d.Day())
}

func fecAmount(d decimal.Decimal, cur o2c.Currency) string {
	return strings.Replace(d.StringFixed(cur.Digits()), ".", ",", 1)
}

// FECError is a breach of the FEC format found by [CheckFEC]: the line
// (1 is the header), the column and the rule.
type FECError struct {
	Line   int
	Column string
	Rule   string
}

// Error names the line, the column and the rule.
func (e *FECError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("ledger: FEC line %d: %s", e.Line, e.Rule)
	}
	return fmt.Sprintf("ledger: FEC line %d, %s: %s", e.Line, e.Column, e.Rule)
}

// FECSummary is what [CheckFEC] counted in a valid file.
type FECSummary struct {
	Separator rune
	Lines     int            // data lines
	Entries   int            // distinct (journal, number)
	Journals  map[string]int // entries per journal
	Debit     decimal.Decimal
	Credit    decimal.Decimal
}

var (
	fecAmountRe = regexp.MustCompile(`^-?[0-9]+(,[0-9]+)?$`)
)

// CheckFEC reads a FEC and checks it against the format rules of article
// A47 A-1 LPF that can be checked from the file alone: the header names
// the 18 columns in order, fields are separated by a tab or a pipe (the
// same throughout), every line has 18 fields, dates are YYYYMMDD calendar
// dates (EcritureDate, PieceDate, ValidDate required; DateLet when set),
// amounts have a comma decimal separator and no thousands separator,
// JournalCode, EcritureNum, CompteNum (starting with three digits),
// CompteLib, PieceRef and EcritureLib are set, each entry (journal and
// number) is balanced and its lines are contiguous, numbers are
// continuous per journal (each journal's numbers form a sequence without
// gaps, in increasing order through the file), and the file is in
// chronological order of validation (ValidDate never decreases).
// The first breach is returned as a *[FECError].
func CheckFEC(r io.Reader) (FECSummary, error) {
	br := bufio.NewReader(r)
	head, err := br.ReadString('\n')
	if err != nil && head == "" {
		return FECSummary{}, &FECError{Line: 1, Rule: "the file is empty"}
	}
	head = strings.TrimRight(head, "\r\n")
	sum := FECSummary{Journals: map[string]int{}}
	switch {
	case strings.Count(head, "\t") == len(FECColumns)-1:
		sum.Separator = '\t'
	case strings.Count(head, "|") == len(FECColumns)-1:
		sum.Separator = '|'
	default:
		return sum, &FECError{Line: 1, Rule: "the header must have 18 fields separated by a tab or a pipe"}
	}
	for i, name := range strings.Split(head, string(sum.Separator)) {
		if name != FECColumns[i] {
			return sum, &FECError{Line: 1, Column: FECColumns[i], Rule: fmt.Sprintf("column %d must be named %s, not %q", i+1, FECColumns[i], name)}
		}
	}
	cr := csv.NewReader(br)
	cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord, cr.ReuseRecord = sum.Separator, true, -1, true
	type cur struct {
		journal string
		num     int64
		bal     decimal.Decimal
		line    int
	}
	var open *cur
	lastNum := map[string]int64{}
	done := map[string]bool{}
	var lastValid string
	closeEntry := func() error {
		if open == nil {
			return nil
		}
		if !open.bal.IsZero() {
			return &FECError{Line: open.line, Column: "Debit", Rule: fmt.Sprintf("entry %s %d does not balance (debit − credit = %s)", open.journal, open.num, open.bal)}
		}
		return nil
	}
	line := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return sum, &FECError{Line: line, Rule: err.Error()}
		}
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		if len(rec) != len(FECColumns) {
			return sum, &FECError{Line: line, Rule: fmt.Sprintf("has %d fields, not 18", len(rec))}
		}
		f := func(col int) string { return rec[col] }
		for _, c := range []int{0, 2, 4, 5, 8, 10} {
			if strings.TrimSpace(f(c)) == "" {
				return sum, &FECError{Line: line, Column: FECColumns[c], Rule: "is required"}
			}
		}
		if len(f(4)) < 3 || strings.IndexFunc(f(4)[:3], func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			return sum, &FECError{Line: line, Column: "CompteNum", Rule: "must start with three digits"}
		}
		for _, c := range []int{3, 9, 15, 14} {
			if c == 14 && f(c) == "" {
				continue
			}
			if !validFECDate(f(c)) {
				return sum, &FECError{Line: line, Column: FECColumns[c], Rule: "must be a date written YYYYMMDD"}
			}
		}
		var amounts [2]decimal.Decimal
		for k, c := range []int{11, 12} {
			if !fecAmountRe.MatchString(f(c)) {
				return sum, &FECError{Line: line, Column: FECColumns[c], Rule: "must be an amount with a comma decimal separator and no thousands separator"}
			}
			amounts[k], _ = decimal.NewFromString(strings.Replace(f(c), ",", ".", 1))
		}
		if f(16) != "" && !fecAmountRe.MatchString(f(16)) {
			return sum, &FECError{Line: line, Column: "Montantdevise", Rule: "must be an amount with a comma decimal separator"}
		}
		if (f(16) == "") != (f(17) == "") {
			return sum, &FECError{Line: line, Column: "Idevise", Rule: "Montantdevise and Idevise are set together"}
		}
		if f(15) < lastValid {
			return sum, &FECError{Line: line, Column: "ValidDate", Rule: "lines must be in chronological order of validation"}
		}
		lastValid = f(15)
		num, err := strconv.ParseInt(f(2), 10, 64)
		if err != nil || num <= 0 {
			return sum, &FECError{Line: line, Column: "EcritureNum", Rule: "must be a positive sequence number"}
		}
		if open == nil || open.journal != f(0) || open.num != num {
			if err := closeEntry(); err != nil {
				return sum, err
			}
			key := f(0) + "\x00" + f(2)
			if done[key] {
				return sum, &FECError{Line: line, Column: "EcritureNum", Rule: fmt.Sprintf("lines of entry %s %d are not contiguous", f(0), num)}
			}
			done[key] = true
			if last, ok := lastNum[f(0)]; ok && num != last+1 {
				return sum, &FECError{Line: line, Column: "EcritureNum", Rule: fmt.Sprintf("journal %s jumps from %d to %d: numbering must be continuous", f(0), last, num)}
			}
			lastNum[f(0)] = num
			open = &cur{journal: f(0), num: num, line: line}
			sum.Entries++
			sum.Journals[f(0)]++
		}
		open.bal = open.bal.Add(amounts[0]).Sub(amounts[1])
		sum.Debit, sum.Credit = sum.Debit.Add(amounts[0]), sum.Credit.Add(amounts[1])
		sum.Lines++
	}
	if err := closeEntry(); err != nil {
		return sum, err
	}
	return sum, nil
}

func validFECDate(s string) bool {
	if len(s) != 8 {
		return false
	}
	_, err := o2c.ParseDate(s[:4] + "-" + s[4:6] + "-" + s[6:])
	return err == nil
}

// JournalRow is one line of the generic journal export.
type JournalRow struct {
	Journal     string    `json:"journal"`
	Number      int64     `json:"number"`
	Date        o2c.Date  `json:"date"`
	PieceRef    string    `json:"piece_ref"`
	PieceDate   o2c.Date  `json:"piece_date"`
	Label       string    `json:"label"`
	Account     string    `json:"account"`
	AccountName string    `json:"account_name"`
	Customer    string    `json:"customer,omitempty"`
	Document    string    `json:"document,omitempty"`
	Debit       o2c.Money `json:"debit"`
	Credit      o2c.Money `json:"credit"`
	Amount      o2c.Money `json:"amount"`
	Letter      string    `json:"letter,omitempty"`
	ValidDate   o2c.Date  `json:"valid_date,omitzero"`
	EventType   string    `json:"event_type"`
	Key         string    `json:"key"`
}

// Journal returns entries as rows, one per line, in the FEC's order,
// lettered: the generic export other ERPs import ([Book.WriteCSV],
// [Book.WriteJSON]).
func (b *Book) Journal(entries []Entry) []JournalRow {
	ordered := fecOrder(entries)
	letters := Letters(ordered, b.cfg.Accounts[RoleReceivable])
	var out []JournalRow
	for _, e := range ordered {
		for i, l := range e.Lines {
			acct, _ := b.cfg.Chart.Account(l.Account)
			out = append(out, JournalRow{Journal: e.Journal, Number: e.Number, Date: e.Date, PieceRef: e.PieceRef, PieceDate: e.PieceDate,
				Label: e.Label, Account: l.Account, AccountName: acct.Name, Customer: l.Customer, Document: l.Document,
				Debit: l.Debit, Credit: l.Credit, Amount: l.Amount, Letter: letters[LineRef{e.Key, e.Seq, i}].Code,
				ValidDate: e.ValidDate, EventType: e.EventType, Key: e.Key})
		}
	}
	return out
}

// WriteCSV writes the journal as RFC 4180 CSV with a header row: journal,
// number, date, piece_ref, piece_date, label, account, account_name,
// customer, document, debit, credit, amount, currency, letter, valid_date;
// dates YYYY-MM-DD, amounts with a dot, in the functional currency
// (amount and currency: the document's).
func (b *Book) WriteCSV(w io.Writer, entries []Entry) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"journal", "number", "date", "piece_ref", "piece_date", "label", "account", "account_name", "customer", "document", "debit", "credit", "amount", "currency", "letter", "valid_date"})
	ds := func(d o2c.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	for _, r := range b.Journal(entries) {
		cw.Write([]string{r.Journal, strconv.FormatInt(r.Number, 10), ds(r.Date), r.PieceRef, ds(r.PieceDate), r.Label, r.Account, r.AccountName,
			r.Customer, r.Document, r.Debit.AmountString(), r.Credit.AmountString(), r.Amount.AmountString(), r.Amount.Currency().Code(), r.Letter, ds(r.ValidDate)})
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the journal as a JSON array of [JournalRow].
func (b *Book) WriteJSON(w io.Writer, entries []Entry) error {
	rows := b.Journal(entries)
	if rows == nil {
		rows = []JournalRow{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(rows)
}
