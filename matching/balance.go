package matching

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cashcycle/sdk/o2c"
	"github.com/shopspring/decimal"
)

// Errors a balance check reports, each inside a *[BalanceError] (itself
// inside a *[ParseError]).
var (
	// ErrUnbalanced: opening balance + movements differs from the closing
	// balance: lines are missing, doubled or misread (a truncated file, a
	// wrong amount).
	ErrUnbalanced = errors.New("matching: statement does not balance")
	// ErrNoClosingBalance: a statement that must state its closing
	// balance (MT940 :62F:/:62M:, camt.053 CLBD) does not: the file is
	// truncated or the statement is partial.
	ErrNoClosingBalance = errors.New("matching: statement has no closing balance")
	// ErrNoOpeningBalance: a statement that must state its opening balance
	// (MT940 :60F:/:60M:, camt.053 OPBD) does not.
	ErrNoOpeningBalance = errors.New("matching: statement has no opening balance")
)

// BalanceError reports a statement whose balances do not prove it
// complete: Opening + Movements != Closing in Currency, or a balance is
// missing. It wraps [ErrUnbalanced], [ErrNoClosingBalance] or
// [ErrNoOpeningBalance]. Parsers return it inside a *[ParseError]; with
// [AcceptPartial] they keep the statement and put the BalanceError in
// [Statement].Incomplete instead.
type BalanceError struct {
	Statement string       // the statement's ID (and sequence), as the file names it
	Index     int          // 1-based position of the statement in the file
	Currency  o2c.Currency // the currency that does not balance (zero when unknown)
	Opening   *o2c.Money   // nil when missing
	Movements *o2c.Money   // credits minus debits of the booked movements in Currency
	Closing   *o2c.Money   // nil when missing
	Err       error
}

func (e *BalanceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "statement %d", e.Index)
	if e.Statement != "" {
		fmt.Fprintf(&b, " (%s)", e.Statement)
	}
	b.WriteString(": ")
	switch {
	case errors.Is(e.Err, ErrUnbalanced) && e.Opening != nil && e.Movements != nil && e.Closing != nil:
		want, _ := e.Opening.Add(*e.Movements)
		fmt.Fprintf(&b, "opening %s + movements %s = %s, but the closing balance is %s", e.Opening, e.Movements, want, e.Closing)
	case e.Err != nil:
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "matching: "))
		if !e.Currency.IsZero() {
			fmt.Fprintf(&b, " in %s", e.Currency)
		}
	}
	if e.Err != nil && errors.Is(e.Err, ErrUnbalanced) && (e.Opening == nil || e.Closing == nil) {
		b.WriteString(" (movements without a balance in that currency)")
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *BalanceError) Unwrap() error { return e.Err }

// Is makes a BalanceError match o2c.ErrValidation.
func (e *BalanceError) Is(target error) bool { return target == o2c.ErrValidation }

// AcceptPartial accepts statements whose balances do not prove them
// complete: an intermediate or partial statement (no closing balance, an
// MT940 fragment without balances) or one that does not balance. Such a
// statement is returned with [Statement].Incomplete saying why, instead of
// a *[ParseError]. Use it only for a file known to be partial: by default
// every statement that states balances must balance.
func AcceptPartial() ParseOption {
	return func(o *parseOptions) { o.acceptPartial = true }
}

// balanceCheck is what a parser knows about one statement's figures.
type balanceCheck struct {
	opening, closing map[o2c.Currency]o2c.Money // first opening / last closing per currency
	moves            map[o2c.Currency]decimal.Decimal
	order            []o2c.Currency // first-seen order, for a stable report
	// needOpening and needClosing: the format requires these balances
	// (MT940, camt.053, CFONB); otherwise a statement is checked only
	// when it states both.
	needOpening, needClosing bool
}

func (c *balanceCheck) see(cur o2c.Currency) {
	for _, x := range c.order {
		if x == cur {
			return
		}
	}
	c.order = append(c.order, cur)
}

func (c *balanceCheck) setOpening(m o2c.Money) {
	if c.opening == nil {
		c.opening = map[o2c.Currency]o2c.Money{}
	}
	if _, ok := c.opening[m.Currency()]; !ok {
		c.opening[m.Currency()] = m
	}
	c.see(m.Currency())
}

func (c *balanceCheck) setClosing(m o2c.Money) {
	if c.closing == nil {
		c.closing = map[o2c.Currency]o2c.Money{}
	}
	c.closing[m.Currency()] = m
	c.see(m.Currency())
}

// move adds a booked movement: a credit adds, a debit subtracts.
func (c *balanceCheck) move(amount o2c.Money, dir Direction) {
	if c.moves == nil {
		c.moves = map[o2c.Currency]decimal.Decimal{}
	}
	d := amount.Amount()
	if dir == Debit {
		d = d.Neg()
	}
	cur := amount.Currency()
	c.moves[cur] = c.moves[cur].Add(d)
	c.see(cur)
}

// lines adds every line of s as a booked movement.
func (c *balanceCheck) lines(ls []Line) {
	for _, l := range ls {
		c.move(l.Amount, l.Direction)
	}
}

// check returns nil when the statement balances in every currency, or the
// first problem.
func (c *balanceCheck) check(st *Statement, index int) *BalanceError {
	name := st.ID
	if st.Sequence != "" && st.Sequence != st.ID {
		name = strings.TrimSpace(name + " " + st.Sequence)
	}
	if acct := firstNonEmpty(st.AccountIBAN, st.AccountOther); name == "" && acct != "" {
		name = "account " + acct
		if !st.To.IsZero() {
			name += " to " + st.To.String()
		}
	}
	fail := func(cur o2c.Currency, err error) *BalanceError {
		e := &BalanceError{Statement: name, Index: index, Currency: cur, Err: err}
		if m, ok := c.opening[cur]; ok {
			e.Opening = &m
		}
		if m, ok := c.closing[cur]; ok {
			e.Closing = &m
		}
		if d, ok := c.moves[cur]; ok {
			if m, err := o2c.MoneyOf(d, cur); err == nil {
				e.Movements = &m
			}
		}
		return e
	}
	if len(c.opening) == 0 && len(c.closing) == 0 {
		switch {
		case c.needOpening:
			return fail(st.Currency, ErrNoOpeningBalance)
		case c.needClosing:
			return fail(st.Currency, ErrNoClosingBalance)
		}
		return nil // a report or notification without balances: nothing to check
	}
	for _, cur := range c.order {
		op, hasOp := c.opening[cur]
		cl, hasCl := c.closing[cur]
		switch {
		case !hasOp && !hasCl:
			// Movements in a currency no balance is stated in.
			return fail(cur, ErrUnbalanced)
		case !hasOp:
			if c.needOpening {
				return fail(cur, ErrNoOpeningBalance)
			}
			continue
		case !hasCl:
			if c.needClosing {
				return fail(cur, ErrNoClosingBalance)
			}
			continue
		}
		if !op.Amount().Add(c.moves[cur]).Equal(cl.Amount()) {
			return fail(cur, ErrUnbalanced)
		}
	}
	return nil
}

// settle applies a balance check's outcome to st: nil when it balances or
// the caller accepts partial statements (then st.Incomplete records the
// problem), the *BalanceError otherwise.
func settle(st *Statement, be *BalanceError, o parseOptions) *BalanceError {
	if be == nil {
		return nil
	}
	if o.acceptPartial {
		st.Incomplete = be
		return nil
	}
	return be
}
