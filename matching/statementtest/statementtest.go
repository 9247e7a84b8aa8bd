// Package statementtest writes bank statements (ISO 20022 camt.053 v02 and
// v08, camt.054 v08, SWIFT MT940) from the [matching.Statement] model, so
// that tests and users build statement files without hand-written XML or
// MT940 templates. What it writes, [matching.Parse] reads back to the same
// statement (for the fields each format carries, see [WriteCAMT] and
// [WriteMT940]).
//
// A typical test builds a statement, lets [Balance] compute its closing
// balance, writes it and feeds the file to the code under test:
//
//	st := matching.Statement{ID: "S1", AccountIBAN: "FR76...", Currency: o2c.EUR, Lines: lines}
//	if err := statementtest.Balance(&st, o2c.Zero(o2c.EUR), day); err != nil { ... }
//	var buf bytes.Buffer
//	err := statementtest.WriteCAMT(&buf, statementtest.CAMT053v08, "MSG-1", st)
//
// The writers check what would make a file unreadable or ambiguous (a line
// in another currency than its statement, a negative line amount, a '?' in
// an MT940 :86: text) and return an error rather than write it.
package statementtest

import (
	"errors"
	"fmt"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// ErrUnwritable is wrapped by every error the writers return for a
// statement the format cannot carry as given.
var ErrUnwritable = errors.New("statementtest: statement cannot be written")

func unwritable(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnwritable, fmt.Sprintf(format, args...))
}

// Balance gives st an opening balance of opening on date and a closing
// balance of opening + credits - debits on the date of the last line (or
// date when it has none), replacing st.Balances, and sets st.Currency, From
// and To when they are zero. Every line must be in opening's currency.
func Balance(st *matching.Statement, opening o2c.Money, date o2c.Date) error {
	closing := opening
	to := date
	for i, l := range st.Lines {
		if l.Amount.Currency() != opening.Currency() {
			return unwritable("line %d is in %s, the opening balance in %s", i+1, l.Amount.Currency(), opening.Currency())
		}
		if l.Amount.IsNegative() {
			return unwritable("line %d has a negative amount (the direction gives the sign)", i+1)
		}
		a := l.Amount
		if l.Direction == matching.Debit {
			a = a.Neg()
		}
		var err error
		if closing, err = closing.Add(a); err != nil {
			return err
		}
		if d := l.BookingDate; !d.IsZero() && d.After(to) {
			to = d
		}
	}
	st.Balances = []matching.Balance{
		{Type: "OPBD", Amount: opening, Date: date},
		{Type: "CLBD", Amount: closing, Date: to},
	}
	st.OpeningBalance, st.ClosingBalance = &st.Balances[0], &st.Balances[1]
	if st.Currency.IsZero() {
		st.Currency = opening.Currency()
	}
	if st.From.IsZero() {
		st.From = date
	}
	if st.To.IsZero() {
		st.To = to
	}
	return nil
}

// balances returns what to write: st.Balances, or the opening and closing
// balance when Balances is empty.
func balances(st matching.Statement) []matching.Balance {
	if len(st.Balances) > 0 {
		return st.Balances
	}
	var out []matching.Balance
	if st.OpeningBalance != nil {
		out = append(out, *st.OpeningBalance)
	}
	if st.ClosingBalance != nil {
		out = append(out, *st.ClosingBalance)
	}
	return out
}

// currency returns the statement's currency, or that of its first balance
// or line.
func currency(st matching.Statement) o2c.Currency {
	switch {
	case !st.Currency.IsZero():
		return st.Currency
	case len(balances(st)) > 0:
		return balances(st)[0].Amount.Currency()
	case len(st.Lines) > 0:
		return st.Lines[0].Amount.Currency()
	}
	return o2c.Currency{}
}

func checkLines(st matching.Statement, cur o2c.Currency) error {
	for i, l := range st.Lines {
		if l.Amount.Currency() != cur {
			return unwritable("statement %q line %d is in %s, the statement in %s", st.ID, i+1, l.Amount.Currency(), cur)
		}
		if l.Amount.IsNegative() {
			return unwritable("statement %q line %d has a negative amount (the direction gives the sign)", st.ID, i+1)
		}
		if l.Direction != matching.Credit && l.Direction != matching.Debit {
			return unwritable("statement %q line %d has no direction", st.ID, i+1)
		}
	}
	return nil
}
