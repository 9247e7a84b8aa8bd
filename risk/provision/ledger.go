package provision

import (
	"context"

	"github.com/cashcycle/sdk/ledger"
)

// LedgerStore is the part of ledger.Store posting a movement needs.
type LedgerStore interface {
	Post(ctx context.Context, key string, build func(locked []ledger.Period) ([]ledger.Entry, error)) (bool, error)
}

// LedgerKey is the idempotency key a movement is posted under: one
// posting per currency and closing date.
func (m Movement) LedgerKey() string {
	return "risk.provision:" + m.Currency.Code() + ":" + m.To.String()
}

// LedgerEntry returns the movement's entry for the ledger, in journal
// (the miscellaneous journal, "OD" in the French presets), dated To:
// [Movement.Entry]'s lines. ok is false when nothing moved.
func (m Movement) LedgerEntry(journal string) (ledger.Entry, bool) {
	lines := m.Entry()
	if len(lines) == 0 {
		return ledger.Entry{}, false
	}
	e := ledger.Entry{Key: m.LedgerKey(), EventType: "risk.provision_moved", Journal: journal, Date: m.To,
		PieceRef: "PROV-" + m.To.String(), PieceDate: m.To, Label: "Dépréciation des créances douteuses au " + m.To.String()}
	for _, l := range lines {
		amt := l.Debit
		if amt.IsZero() {
			amt = l.Credit
		}
		e.Lines = append(e.Lines, ledger.Line{Account: l.Account, Debit: l.Debit, Credit: l.Credit, Amount: amt})
	}
	return e, true
}

// PostMovement posts the movement's entry (6817/491 for the allowance,
// 491/7817 for reversals and use) through a ledger store, once: posting
// the same movement again returns false and writes nothing. A closing
// date in a locked period is refused with a *ledger.PeriodLockedError
// (a provision belongs to its closing). The chart must have the accounts
// 6817, 491 and 7817 (add them to ledger.PCG() if the host's chart lacks
// them). Nothing to post returns false.
func PostMovement(ctx context.Context, st LedgerStore, chart *ledger.Chart, m Movement, journal string) (bool, error) {
	e, ok := m.LedgerEntry(journal)
	if !ok {
		return false, nil
	}
	if chart != nil {
		if err := e.Validate(chart); err != nil {
			return false, err
		}
	}
	return st.Post(ctx, e.Key, func(locked []ledger.Period) ([]ledger.Entry, error) {
		for _, p := range locked {
			if p.Contains(e.Date) {
				return nil, &ledger.PeriodLockedError{Key: e.Key, Date: e.Date, Period: p}
			}
		}
		return []ledger.Entry{e}, nil
	})
}
