package credit

import (
	"context"
	"maps"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// pow10 holds 10^0 .. 10^18, every power of ten an int64 holds.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// sum is an exact sum of amounts in one currency that does not allocate
// per amount: an amount rounded to the currency's minor unit (nearly all
// of them) is added to an int64 of minor units, any other (more decimals,
// too large, or one that would overflow the int64) to a decimal. value
// returns the decimal that adding the amounts one by one with
// decimal.Decimal.Add gives, exponent included. Never a float.
type sum struct {
	cur    o2c.Currency
	digits int32 // the currency's minor digits
	minor  int64 // the amounts taken in minor units
	exp    int32 // the smallest exponent among them
	fast   bool  // minor holds at least one amount
	rest   decimal.Decimal
	slow   bool // rest holds at least one amount
}

// minorUnits returns a in minor units of a currency with digits decimals
// and a's exponent, when a is rounded to the minor unit and fits.
func minorUnits(a decimal.Decimal, digits int32) (int64, int32, bool) {
	e := a.Exponent()
	shift := e + digits
	if shift < 0 || shift >= int32(len(pow10)) || a.NumDigits()+int(shift) >= len(pow10) {
		return 0, 0, false
	}
	return a.CoefficientInt64() * pow10[shift], e, true
}

func (s *sum) add(a decimal.Decimal) {
	if u, e, ok := minorUnits(a, s.digits); ok {
		if t := s.minor + u; (u >= 0) == (t >= s.minor) { // no overflow
			s.minor = t
			if !s.fast || e < s.exp {
				s.exp = e
			}
			s.fast = true
			return
		}
	}
	if s.slow {
		s.rest = s.rest.Add(a)
	} else {
		s.rest, s.slow = a, true
	}
}

func (s *sum) value() decimal.Decimal {
	if !s.fast {
		return s.rest
	}
	// every amount in minor is a multiple of 10^exp, so the division is exact
	v := decimal.New(s.minor/pow10[s.exp+s.digits], s.exp)
	if s.slow {
		v = v.Add(s.rest)
	}
	return v
}

// sums are exact sums per currency, in the order the currencies came (a
// customer has few: a slice beats a map). A currency is present once an
// amount in it was added, even if its sum is zero (it still needs a rate).
type sums []sum

func (m *sums) add(a o2c.Money) {
	if !a.IsZero() {
		m.include(a.Currency(), a.Amount())
	}
}

func (m *sums) include(cur o2c.Currency, d decimal.Decimal) {
	for i := range *m {
		if (*m)[i].cur == cur {
			(*m)[i].add(d)
			return
		}
	}
	*m = append(*m, sum{cur: cur, digits: cur.Digits()})
	(*m)[len(*m)-1].add(d)
}

// moneyOf returns d in cur exactly as given (1 × d). Unlike o2c.MoneyOf it
// puts no bound on the amount: a sum has none, as Money.Add has none.
func moneyOf(d decimal.Decimal, cur o2c.Currency) o2c.Money {
	one, _ := o2c.MoneyOf(decimal.New(1, 0), cur)
	return one.Mul(d)
}

// itemTotals are open receivables folded into what exposure and the
// overdue check need, so that a check costs O(currencies + due dates)
// rather than O(open items). A [Tracker] keeps them per customer as
// invoice events come in; Compute over the same items gives the same
// figures (equal amounts; after items left, an amount may carry more
// trailing zeros than a fresh sum).
type itemTotals struct {
	open, disputed map[o2c.Currency]running // nonzero amounts only
	due            []dueCount               // overdue candidates by due date, sorted
}

// running is a sum of n nonzero amounts.
type running struct {
	v decimal.Decimal
	n int
}

// dueCount is how many overdue candidates (due lines) fall due on date,
// and their undisputed open amounts per currency.
type dueCount struct {
	date o2c.Date
	n    int
	amts []curAmount
}

type curAmount struct {
	cur o2c.Currency
	v   decimal.Decimal
}

// overdueAmount returns what of line counts as overdue once its due date
// is far enough past, and whether it counts at all: a due date and a
// positive undisputed amount (a disputed amount in another currency
// leaves the line out).
func overdueAmount(l ItemLine) (o2c.Money, bool) {
	if l.DueDate.IsZero() {
		return o2c.Money{}, false
	}
	undisputed, err := l.Open.Sub(l.Disputed)
	if err != nil {
		if !l.Disputed.IsZero() {
			return o2c.Money{}, false
		}
		undisputed = l.Open
	}
	return undisputed, undisputed.IsPositive()
}

// apply adds (sign 1) or takes out (sign -1) it, if it is a receivable.
// What is taken out must have been added.
func (t *itemTotals) apply(it ItemEntry, sign int) {
	if !receivable(it.Kind, it.Status) {
		return
	}
	t.open = addRunning(t.open, it.Open, sign)
	t.disputed = addRunning(t.disputed, it.Disputed, sign)
	for _, l := range it.dueParts() {
		amt, ok := overdueAmount(l)
		if !ok {
			continue
		}
		d := amt.Amount()
		if sign < 0 {
			d = d.Neg()
		}
		i, found := slices.BinarySearchFunc(t.due, l.DueDate, func(d dueCount, x o2c.Date) int { return d.date.Compare(x) })
		switch {
		case !found:
			t.due = slices.Insert(t.due, i, dueCount{date: l.DueDate, n: sign, amts: []curAmount{{amt.Currency(), d}}})
		case t.due[i].n+sign == 0:
			t.due = slices.Delete(t.due, i, i+1)
		default:
			t.due[i].n += sign
			t.due[i].amts = addCurAmount(t.due[i].amts, amt.Currency(), d)
		}
	}
}

// addCurAmount adds d in cur to amts, which it may change in place (the
// slices are owned by one itemTotals: clone copies them).
func addCurAmount(amts []curAmount, cur o2c.Currency, d decimal.Decimal) []curAmount {
	for i := range amts {
		if amts[i].cur == cur {
			amts[i].v = amts[i].v.Add(d)
			return amts
		}
	}
	return append(amts, curAmount{cur, d})
}

func addRunning(m map[o2c.Currency]running, a o2c.Money, sign int) map[o2c.Currency]running {
	if a.IsZero() {
		return m
	}
	if m == nil {
		m = map[o2c.Currency]running{}
	}
	d := a.Amount()
	if sign < 0 {
		d = d.Neg()
	}
	r, ok := m[a.Currency()]
	if !ok {
		m[a.Currency()] = running{v: d, n: sign}
		return m
	}
	r.v, r.n = r.v.Add(d), r.n+sign
	if r.n == 0 {
		delete(m, a.Currency())
	} else {
		m[a.Currency()] = r
	}
	return m
}

// clone returns a copy that shares nothing mutable with t.
func (t itemTotals) clone() itemTotals {
	due := slices.Clone(t.due)
	for i := range due {
		due[i].amts = slices.Clone(due[i].amts)
	}
	return itemTotals{open: maps.Clone(t.open), disputed: maps.Clone(t.disputed), due: due}
}

// overdue returns how many candidates fell due before cutoff, how many
// days before asOf the oldest did (0 when none) and their undisputed open
// amounts.
func (t itemTotals) overdue(cutoff, asOf o2c.Date) (n, oldest int, amount sums) {
	for _, d := range t.due {
		if !d.date.Before(cutoff) {
			break
		}
		n += d.n
		for _, a := range d.amts {
			amount.include(a.cur, a.v)
		}
	}
	if n > 0 {
		oldest = max(0, t.due[0].date.DaysUntil(asOf))
	}
	return n, oldest, amount
}

// overdueItems is the same count over a list of receivables.
func overdueItems(items []ItemEntry, cutoff, asOf o2c.Date) (n, oldest int, amount sums) {
	for _, it := range items {
		for _, l := range it.dueParts() {
			amt, ok := overdueAmount(l)
			if !ok || !l.DueDate.Before(cutoff) {
				continue
			}
			n++
			oldest = max(oldest, l.DueDate.DaysUntil(asOf))
			amount.add(amt)
		}
	}
	return n, oldest, amount
}

// summary is a customer's exposure with its open receivables folded: the
// orders that expose something (in no particular order) and the item
// totals.
type summary struct {
	orders []OrderEntry
	items  itemTotals
}

// summarizer is a [Source] that keeps each customer's receivables folded
// (a [*Tracker]); a [Checker] then checks without walking the items.
type summarizer interface {
	summary(ctx context.Context, customer o2c.CustomerID) (summary, error)
}

// computeSummary is [Compute] over a summary: the same figures as Compute
// over the position the summary folds.
func computeSummary(s summary, cur o2c.Currency, asOf o2c.Date, rules Rules, rates RateSource, skip order.ID) (Exposure, error) {
	if cur.IsZero() {
		return Exposure{}, invalid("currency", "is required", "")
	}
	var b bucket
	b.addOrders(s.orders, asOf, rules, skip)
	if !rules.ExcludeReceivables {
		for c, r := range s.items.open {
			b.recv.include(c, r.v)
		}
		if !rules.KeepDisputed {
			for c, r := range s.items.disputed {
				b.disp.include(c, r.v)
			}
		}
	}
	return b.total(cur, rules, rates)
}
