package ledger

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// Entry is a journal entry: balanced lines in the functional currency,
// dated, in a journal, with the document it comes from.
type Entry struct {
	// Key is the entry's idempotency key: the ID of the event it was
	// derived from (or, for events of this package, their own key). The
	// store holds each key at most once.
	Key string `json:"key"`
	// Seq orders entries of the same key (0, 1, ...).
	Seq int `json:"seq"`
	// EventType is the type of the source event ("invoice.issued").
	EventType string `json:"event_type"`
	// Journal is the journal code (FEC JournalCode).
	Journal string `json:"journal"`
	// Number is the entry's number in its journal, from 1 without gaps in
	// posting order (FEC EcritureNum). Zero until stored.
	Number int64 `json:"number"`
	// Date is the accounting date (FEC EcritureDate).
	Date o2c.Date `json:"date"`
	// OriginalDate is the date the event asked for when a period lock moved
	// the entry to Date (zero otherwise).
	OriginalDate o2c.Date `json:"original_date,omitzero"`
	// PieceRef and PieceDate identify the supporting document (an invoice
	// number, a bank reference) and its date.
	PieceRef  string   `json:"piece_ref"`
	PieceDate o2c.Date `json:"piece_date"`
	// Label says what happened ("Facture F-2026-0001").
	Label string `json:"label"`
	// Lines: at least two, debits equal credits.
	Lines []Line `json:"lines"`
	// ValidDate is the day the entry was posted (FEC ValidDate). Zero until
	// stored.
	ValidDate o2c.Date `json:"valid_date,omitzero"`
}

// Line is one line of an entry: an account debited or credited (exactly
// one of Debit and Credit is positive, the other zero) in the functional
// currency. Customer is the auxiliary account (FEC CompAuxNum) on
// receivable and unapplied-cash lines.
type Line struct {
	Account  string `json:"account"`
	Customer string `json:"customer,omitempty"`
	// Document is what the line belongs to: the invoice, credit note or
	// payment (its ID); receivable lines always name one.
	Document string `json:"document,omitempty"`
	// DueDate is set on receivable lines: the due date of the document's
	// instalment the line puts on the customer's account or settles.
	DueDate o2c.Date  `json:"due_date,omitzero"`
	Debit   o2c.Money `json:"debit"`
	Credit  o2c.Money `json:"credit"`
	// Amount is the line's amount in the document's currency (positive;
	// the side is Debit's or Credit's). It differs from Debit/Credit only
	// for a document in a foreign currency (FEC Montantdevise, Idevise).
	Amount o2c.Money `json:"amount"`
}

// Signed returns Debit − Credit.
func (l Line) Signed() decimal.Decimal { return l.Debit.Amount().Sub(l.Credit.Amount()) }

// ErrUnbalanced is wrapped by the *o2c.ValidationError of an entry whose
// debits and credits differ.
var ErrUnbalanced = errors.New("ledger: entry does not balance")

// Validate checks the entry: key, journal, date, at least two lines, each
// with an account of chart (an *[UnknownAccountError] otherwise), one
// side positive and the other zero, in one currency, and debits equal to
// credits (a *o2c.ValidationError wrapping [ErrUnbalanced] otherwise).
func (e Entry) Validate(chart *Chart) error {
	switch {
	case e.Key == "":
		return o2c.NewValidationError("entry.key", "is required")
	case e.Journal == "":
		return o2c.NewValidationError("entry.journal", "is required")
	case e.Date.IsZero():
		return o2c.NewValidationError("entry.date", "is required")
	case len(e.Lines) < 2:
		return &o2c.ValidationError{Field: "entry.lines", Rule: "an entry has at least two lines", Value: fmt.Sprint(len(e.Lines))}
	}
	cur := e.Lines[0].Debit.Currency()
	var sum decimal.Decimal
	for i, l := range e.Lines {
		f := fmt.Sprintf("entry %s line %d", e.Key, i)
		if chart != nil {
			if err := chart.check(f, l.Account); err != nil {
				return err
			}
		}
		if l.Debit.Currency() != cur || l.Credit.Currency() != cur {
			return &o2c.CurrencyMismatchError{Op: f, Left: cur, Right: l.Credit.Currency()}
		}
		if l.Debit.IsNegative() || l.Credit.IsNegative() || l.Debit.IsPositive() == l.Credit.IsPositive() {
			return &o2c.ValidationError{Field: f, Rule: "one of debit and credit is positive, the other zero", Value: l.Debit.String() + "/" + l.Credit.String()}
		}
		sum = sum.Add(l.Signed())
	}
	if !sum.IsZero() {
		return &o2c.ValidationError{Field: "entry " + e.Key, Rule: "debits must equal credits", Value: sum.String(), Err: ErrUnbalanced}
	}
	return nil
}

// Totals returns the entry's debits and credits.
func (e Entry) Totals() (debit, credit decimal.Decimal) {
	for _, l := range e.Lines {
		debit = debit.Add(l.Debit.Amount())
		credit = credit.Add(l.Credit.Amount())
	}
	return debit, credit
}
