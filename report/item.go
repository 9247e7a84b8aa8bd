package report

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// RatioDigits is the number of decimals ratios (DSO days, CEI percent,
// shares, averages) are rounded to, with o2c.RoundHalfUp.
const RatioDigits = 2

// ErrUndefined: a ratio's denominator is zero (no credit sales in the
// period, nothing collectable for the CEI). It is wrapped in a
// *o2c.ValidationError naming the currency.
var ErrUndefined = errors.New("report: ratio undefined (zero denominator)")

// MovementKind says what reduced an item's open amount.
type MovementKind string

// The kinds of movements.
const (
	// MovementPayment: a payment allocated to the invoice.
	MovementPayment MovementKind = "payment"
	// MovementCredit: a credit note applied to the invoice.
	MovementCredit MovementKind = "credit_note"
	// MovementWriteOff: a residual write-off or a write-off of the whole
	// open amount.
	MovementWriteOff MovementKind = "write_off"
)

// Movement is one dated reduction of an item's open amount. A reversed
// movement (a bounced payment) counts from Date up to the day before
// Reversed.
type Movement struct {
	Kind MovementKind
	// Date is the day the movement took effect.
	Date o2c.Date
	// Amount is positive and in the item's currency.
	Amount o2c.Money
	// Reversed is the day it was reversed; zero if it never was.
	Reversed o2c.Date
}

// activeOn reports whether m reduces the open amount at the end of day asOf.
func (m Movement) activeOn(asOf o2c.Date) bool {
	return !m.Date.After(asOf) && (m.Reversed.IsZero() || m.Reversed.After(asOf))
}

// DisputeRecord is a dispute as reports see it.
type DisputeRecord struct {
	Reason invoice.ReasonCode
	Amount o2c.Money
	Opened o2c.Date
	// Resolved is zero while the dispute is open.
	Resolved o2c.Date
	Outcome  invoice.DisputeOutcome
	// Credited is the part credited by a credit note (zero when rejected).
	Credited o2c.Money
}

// Item is one due line of an invoice or deposit invoice (an instalment,
// or the whole invoice when it has a single due date) with its history:
// what reports are computed from. Gross is the line's amount.
type Item struct {
	Invoice invoice.ID
	// Seq is the due line's number on the invoice (0 when the item stands
	// for a whole invoice).
	Seq       int
	Number    string
	Customer  o2c.CustomerID
	Currency  o2c.Currency
	IssueDate o2c.Date
	DueDate   o2c.Date
	Gross     o2c.Money
	Movements []Movement
	Disputes  []DisputeRecord
}

// OpenAt returns the open amount at the end of day asOf (gross less the
// movements active then) and whether the item existed (was issued on or
// before asOf).
func (it Item) OpenAt(asOf o2c.Date) (o2c.Money, bool) {
	if it.IssueDate.After(asOf) {
		return o2c.Zero(it.Currency), false
	}
	return money(it.openAt(asOf), it.Currency), true
}

func (it Item) openAt(asOf o2c.Date) decimal.Decimal {
	open := it.Gross.Amount()
	for _, m := range it.Movements {
		if m.activeOn(asOf) {
			open = open.Sub(m.Amount.Amount())
		}
	}
	return open
}

// Validate checks the item: customer, currency, issue and due dates set,
// amounts in the item's currency, gross not negative, movements positive
// and dated, reversals not before the movement, disputes with a valid
// reason. Errors are *o2c.ValidationError or *o2c.CurrencyMismatchError.
func (it Item) Validate() error {
	ref := it.Number
	if ref == "" {
		ref = it.Invoice.String()
	}
	bad := func(field, rule string) error {
		return &o2c.ValidationError{Field: field, Rule: rule, Value: ref}
	}
	switch {
	case it.Customer.IsZero():
		return bad("customer", "is required")
	case it.Currency.IsZero():
		return &o2c.ValidationError{Field: "currency", Rule: "is required", Value: ref, Err: o2c.ErrUnknownCurrency}
	case it.IssueDate.IsZero():
		return bad("issue_date", "is required")
	case it.DueDate.IsZero():
		return bad("due_date", "is required")
	}
	same := func(op string, m o2c.Money) error {
		if m.Currency() != it.Currency {
			return &o2c.CurrencyMismatchError{Op: op + " " + ref, Left: it.Currency, Right: m.Currency()}
		}
		return nil
	}
	if err := same("gross", it.Gross); err != nil {
		return err
	}
	if it.Gross.IsNegative() {
		return bad("gross", "must not be negative")
	}
	for i, m := range it.Movements {
		f := fmt.Sprintf("movements[%d]", i)
		if err := same(f, m.Amount); err != nil {
			return err
		}
		switch {
		case !m.Amount.IsPositive():
			return bad(f+".amount", "must be positive")
		case m.Date.IsZero():
			return bad(f+".date", "is required")
		case !m.Reversed.IsZero() && m.Reversed.Before(m.Date):
			return bad(f+".reversed", "must not be before the movement's date")
		}
	}
	for i, d := range it.Disputes {
		f := fmt.Sprintf("disputes[%d]", i)
		if err := same(f, d.Amount); err != nil {
			return err
		}
		if !d.Credited.Currency().IsZero() {
			if err := same(f+".credited", d.Credited); err != nil {
				return err
			}
		}
		switch {
		case !d.Reason.IsValid():
			return bad(f+".reason", "must be a known reason code")
		case d.Opened.IsZero():
			return bad(f+".opened", "is required")
		case !d.Resolved.IsZero() && d.Resolved.Before(d.Opened):
			return bad(f+".resolved", "must not be before the dispute was opened")
		}
	}
	return nil
}

func validateItems(items []Item) error {
	for i := range items {
		if err := items[i].Validate(); err != nil {
			return fmt.Errorf("report: item %d: %w", i, err)
		}
	}
	return nil
}

// ItemsFromInvoices builds report items from documents: one item per due
// line (instalment) of the invoices and deposit invoices that were issued
// (drafts and credit notes are left out), so that an invoice paid in
// instalments ages, is forecast and counts as late line by line. Each
// item's movements are the line's dated settlement facts
// ([invoice.SettlementFacts]): payments dated by their value date (the
// day the money arrived, whenever the allocation was booked), credit
// notes and residual write-offs by the day they were applied, a write-off
// by its day, reversals from the day they were reversed. The invoice's
// disputes go with its first line.
func ItemsFromInvoices(invs []*invoice.Invoice) []Item {
	out := make([]Item, 0, len(invs))
	for _, inv := range invs {
		if inv == nil || inv.Kind() == invoice.KindCreditNote || inv.Status() == invoice.StateDraft {
			continue
		}
		facts := invoice.SettlementFacts(inv)
		for _, l := range invoice.DueLinesOf(inv) {
			it := Item{
				Invoice: inv.ID(), Number: inv.Number(), Customer: inv.Customer(), Currency: inv.Currency(),
				IssueDate: inv.IssueDate(), DueDate: l.DueDate, Gross: l.Amount, Seq: l.Seq,
			}
			for _, f := range facts {
				if f.Seq != l.Seq {
					continue
				}
				m := Movement{Date: f.Date, Amount: f.Amount, Reversed: f.ReversedOn}
				switch f.Kind {
				case invoice.SettledByPayment:
					m.Kind = MovementPayment
				case invoice.SettledByCreditNote:
					m.Kind = MovementCredit
				default:
					m.Kind = MovementWriteOff
				}
				it.Movements = append(it.Movements, m)
			}
			if l.Seq == 1 {
				for _, d := range inv.Disputes() {
					r := DisputeRecord{Reason: d.Reason, Amount: d.Amount, Opened: o2c.DateOf(d.OpenedAt), Outcome: d.Outcome, Credited: d.Credited}
					if d.Status == invoice.DisputeResolved {
						r.Resolved = o2c.DateOf(d.ResolvedAt)
					}
					it.Disputes = append(it.Disputes, r)
				}
			}
			out = append(out, it)
		}
	}
	return out
}

// Period is a range of calendar days, both ends included.
type Period struct {
	From, To o2c.Date
}

// Days returns the number of days in the period, both ends included.
func (p Period) Days() int { return p.From.DaysUntil(p.To) + 1 }

// Validate checks that both ends are set and From is not after To.
func (p Period) Validate() error {
	switch {
	case p.From.IsZero():
		return o2c.NewValidationError("period.from", "is required")
	case p.To.IsZero():
		return o2c.NewValidationError("period.to", "is required")
	case p.To.Before(p.From):
		return &o2c.ValidationError{Field: "period.to", Rule: "must not be before period.from", Value: p.To.String()}
	}
	return nil
}

func (p Period) contains(d o2c.Date) bool { return !d.Before(p.From) && !d.After(p.To) }

// byCurrency returns the item indexes grouped by currency, in code order.
func byCurrency(items []Item) ([]o2c.Currency, map[o2c.Currency][]int) {
	groups := map[o2c.Currency][]int{}
	var curs []o2c.Currency
	for i, it := range items {
		if _, ok := groups[it.Currency]; !ok {
			curs = append(curs, it.Currency)
		}
		groups[it.Currency] = append(groups[it.Currency], i)
	}
	sortCurrencies(curs)
	return curs, groups
}

func sortCurrencies(curs []o2c.Currency) {
	for i := 1; i < len(curs); i++ {
		for j := i; j > 0 && curs[j].Code() < curs[j-1].Code(); j-- {
			curs[j], curs[j-1] = curs[j-1], curs[j]
		}
	}
}

// money returns d in cur exactly (one minor unit × d in minor units), without
// o2c.MoneyOf's bound on input sizes: sums of valid amounts are exact.
func money(d decimal.Decimal, cur o2c.Currency) o2c.Money {
	return o2c.FromMinor(1, cur).Mul(d.Shift(cur.Digits()))
}

func ratio(num, den decimal.Decimal, scale decimal.Decimal) decimal.Decimal {
	return o2c.RoundHalfUp.Round(num.Mul(scale).DivRound(den, 16), RatioDigits)
}

func undefined(cur o2c.Currency, rule string) error {
	return &o2c.ValidationError{Field: "currency " + cur.Code(), Rule: rule, Err: ErrUndefined}
}
