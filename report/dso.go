package report

import (
	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

var hundred = decimal.NewFromInt(100)

// DSO is days sales outstanding in one currency, with what it was
// computed from.
type DSO struct {
	Currency o2c.Currency
	// Days, rounded to RatioDigits decimals (half up).
	Days decimal.Decimal
	// Receivables at the end of the period (for best possible DSO: the
	// current, not yet due, part).
	Receivables o2c.Money
	// Sales are the credit sales (gross of the items issued) the
	// receivables were compared with: those of the period for the simple
	// and best possible DSO, those of the MaxMonths months walked back for
	// the countback DSO.
	Sales o2c.Money
}

// sums per currency over a period.
type periodSums struct {
	opening, sales, closing, current decimal.Decimal
}

func sumsFor(items []Item, idx []int, p Period) periodSums {
	var s periodSums
	before := p.From.AddDays(-1)
	for _, i := range idx {
		it := &items[i]
		if p.contains(it.IssueDate) {
			s.sales = s.sales.Add(it.Gross.Amount())
		}
		if !it.IssueDate.After(before) {
			s.opening = s.opening.Add(it.openAt(before))
		}
		if !it.IssueDate.After(p.To) {
			o := it.openAt(p.To)
			s.closing = s.closing.Add(o)
			if !it.DueDate.Before(p.To) { // due on or after the day: not yet overdue
				s.current = s.current.Add(o)
			}
		}
	}
	return s
}

func perCurrency[T any](items []Item, p Period, fn func(cur o2c.Currency, s periodSums) (T, error)) ([]T, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := validateItems(items); err != nil {
		return nil, err
	}
	curs, groups := byCurrency(items)
	out := make([]T, 0, len(curs))
	for _, cur := range curs {
		v, err := fn(cur, sumsFor(items, groups[cur], p))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// SimpleDSO returns, per currency, receivables at p.To / credit sales
// issued in p × p.Days(), rounded to RatioDigits (half up). A currency
// with no credit sales in the period is an error matching [ErrUndefined].
func SimpleDSO(items []Item, p Period) ([]DSO, error) {
	days := decimal.NewFromInt(int64(p.Days()))
	return perCurrency(items, p, func(cur o2c.Currency, s periodSums) (DSO, error) {
		if !s.sales.IsPositive() {
			return DSO{}, undefined(cur, "has no credit sales in the period")
		}
		return DSO{Currency: cur, Days: ratio(s.closing, s.sales, days), Receivables: money(s.closing, cur), Sales: money(s.sales, cur)}, nil
	})
}

// BestPossibleDSO returns, per currency, the current (not yet due at
// p.To) receivables / credit sales issued in p × p.Days(), rounded to
// RatioDigits (half up): the DSO if every customer paid on time.
func BestPossibleDSO(items []Item, p Period) ([]DSO, error) {
	days := decimal.NewFromInt(int64(p.Days()))
	return perCurrency(items, p, func(cur o2c.Currency, s periodSums) (DSO, error) {
		if !s.sales.IsPositive() {
			return DSO{}, undefined(cur, "has no credit sales in the period")
		}
		return DSO{Currency: cur, Days: ratio(s.current, s.sales, days), Receivables: money(s.current, cur), Sales: money(s.sales, cur)}, nil
	})
}

// Delinquency is the simple DSO split into what terms explain (best
// possible DSO) and what late payment adds (average days delinquent).
type Delinquency struct {
	Currency o2c.Currency
	DSO      decimal.Decimal
	BPDSO    decimal.Decimal
	// ADD = DSO − BPDSO, of the rounded figures.
	ADD decimal.Decimal
}

// AverageDaysDelinquent returns, per currency, the simple DSO, the best
// possible DSO and their difference, average days delinquent, for p.
func AverageDaysDelinquent(items []Item, p Period) ([]Delinquency, error) {
	dso, err := SimpleDSO(items, p)
	if err != nil {
		return nil, err
	}
	best, err := BestPossibleDSO(items, p)
	if err != nil {
		return nil, err
	}
	out := make([]Delinquency, len(dso))
	for i := range dso {
		out[i] = Delinquency{Currency: dso[i].Currency, DSO: dso[i].Days, BPDSO: best[i].Days, ADD: dso[i].Days.Sub(best[i].Days)}
	}
	return out, nil
}

// CEI is the collection effectiveness index of a period in one currency.
type CEI struct {
	Currency o2c.Currency
	// Percent, rounded to RatioDigits (half up).
	Percent        decimal.Decimal
	Opening        o2c.Money // receivables at the end of the day before the period
	Sales          o2c.Money // credit sales issued in the period
	Closing        o2c.Money // receivables at the period's end
	ClosingCurrent o2c.Money // the part of Closing not yet due
}

// CollectionEffectiveness returns, per currency, (opening + sales −
// closing) / (opening + sales − closing current) × 100 for p. A zero
// denominator (nothing collectable) is an error matching [ErrUndefined].
func CollectionEffectiveness(items []Item, p Period) ([]CEI, error) {
	return perCurrency(items, p, func(cur o2c.Currency, s periodSums) (CEI, error) {
		base := s.opening.Add(s.sales)
		den := base.Sub(s.current)
		if den.IsZero() {
			return CEI{}, undefined(cur, "has nothing collectable in the period (opening + sales − current receivables is zero)")
		}
		return CEI{Currency: cur, Percent: ratio(base.Sub(s.closing), den, hundred),
			Opening: money(s.opening, cur), Sales: money(s.sales, cur), Closing: money(s.closing, cur), ClosingCurrent: money(s.current, cur)}, nil
	})
}

// CountbackOptions configure the countback DSO. The zero value works.
type CountbackOptions struct {
	// MaxMonths bounds how many months are walked back (default 24). When
	// receivables exceed all sales of that many months, the DSO is the
	// days of those months.
	MaxMonths int
}

// monthEnd returns the end of the k-th month walked back from asOf:
// asOf moved back k months (month ends stay month ends).
func monthEnd(asOf o2c.Date, k int) o2c.Date {
	d := asOf.AddMonths(-k)
	if asOf.IsEndOfMonth() {
		d = d.EndOfMonth()
	}
	return d
}

// CountbackDSO returns, per currency, the countback DSO as of asOf: the
// receivables at asOf are matched against credit sales month by month,
// backwards. Month k runs from the day after monthEnd(k+1) to monthEnd(k),
// monthEnd(k) being asOf moved back k months (calendar months when asOf is
// a month end). Full months add their days; the last, partly covered month
// adds remainder / its sales × its days (16 digits); the result is rounded
// to RatioDigits (half up). A month without sales is counted in full.
// Zero receivables give zero days.
func CountbackDSO(items []Item, asOf o2c.Date, opts CountbackOptions) ([]DSO, error) {
	if asOf.IsZero() {
		return nil, o2c.NewValidationError("as_of", "is required")
	}
	if opts.MaxMonths < 0 {
		return nil, o2c.NewValidationError("max_months", "must not be negative")
	}
	if opts.MaxMonths == 0 {
		opts.MaxMonths = 24
	}
	if err := validateItems(items); err != nil {
		return nil, err
	}
	curs, groups := byCurrency(items)
	out := make([]DSO, 0, len(curs))
	for _, cur := range curs {
		idx := groups[cur]
		receivables := decimal.Zero
		for _, i := range idx {
			if !items[i].IssueDate.After(asOf) {
				receivables = receivables.Add(items[i].openAt(asOf))
			}
		}
		// sales per month walked back
		sales := make([]decimal.Decimal, opts.MaxMonths)
		ends := make([]o2c.Date, opts.MaxMonths+1)
		for k := range ends {
			ends[k] = monthEnd(asOf, k)
		}
		for _, i := range idx {
			d := items[i].IssueDate
			if d.After(asOf) || !d.After(ends[opts.MaxMonths]) {
				continue
			}
			for k := 0; k < opts.MaxMonths; k++ {
				if d.After(ends[k+1]) {
					sales[k] = sales[k].Add(items[i].Gross.Amount())
					break
				}
			}
		}
		rem, days := receivables, decimal.Zero
		for k := 0; k < opts.MaxMonths && rem.IsPositive(); k++ {
			n := decimal.NewFromInt(int64(ends[k+1].DaysUntil(ends[k])))
			if rem.GreaterThanOrEqual(sales[k]) {
				days = days.Add(n)
				rem = rem.Sub(sales[k])
				continue
			}
			days = days.Add(rem.Mul(n).DivRound(sales[k], 16))
			rem = decimal.Zero
		}
		total := decimal.Zero
		for k := 0; k < opts.MaxMonths; k++ {
			total = total.Add(sales[k])
		}
		out = append(out, DSO{Currency: cur, Days: o2c.RoundHalfUp.Round(days, RatioDigits), Receivables: money(receivables, cur), Sales: money(total, cur)})
	}
	return out, nil
}
