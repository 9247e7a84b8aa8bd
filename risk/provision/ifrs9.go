package provision

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// RateDigits is the number of decimals loss rates are rounded to (half up)
// before they are applied.
const RateDigits = 6

// ratioDigits is the precision of a division before the final rounding.
const ratioDigits = 16

var one = decimal.NewFromInt(1)

// MatrixOptions configure [RollRateMatrix]. The zero value observes 12
// months in [report.DefaultBuckets] with no adjustment and no floor.
type MatrixOptions struct {
	// Months is the number of month-to-month transitions observed (N): the
	// month-ends from N months before the last one up to the last month-end
	// on or before asOf. Zero: 12. At most 120.
	Months int
	// Buckets are due-date buckets (default report.DefaultBuckets()); at
	// least two.
	Buckets []report.Bucket
	// ForwardFactor multiplies every historical loss rate to reflect the
	// host's view of the future economy (1.10 = 10 % worse than history).
	// Zero means 1 (no adjustment); it must not be negative.
	ForwardFactor decimal.Decimal
	// Floor is the least loss rate of any bucket (0 to 1), applied after
	// the forward factor.
	Floor decimal.Decimal
}

func (o MatrixOptions) normalize() (MatrixOptions, error) {
	if o.Months == 0 {
		o.Months = 12
	}
	if o.Months < 1 || o.Months > 120 {
		return o, &o2c.ValidationError{Field: "months", Rule: "must be between 1 and 120", Value: fmt.Sprint(o.Months)}
	}
	if len(o.Buckets) == 0 {
		o.Buckets = report.DefaultBuckets()
	}
	if err := report.ValidateBuckets(o.Buckets); err != nil {
		return o, err
	}
	if len(o.Buckets) < 2 {
		return o, &o2c.ValidationError{Field: "buckets", Rule: "at least two buckets are needed for roll rates"}
	}
	o.Buckets = slices.Clone(o.Buckets)
	if o.ForwardFactor.IsZero() {
		o.ForwardFactor = one
	}
	if o.ForwardFactor.IsNegative() {
		return o, &o2c.ValidationError{Field: "forward_factor", Rule: "must not be negative", Value: o.ForwardFactor.String()}
	}
	if o.Floor.IsNegative() || o.Floor.GreaterThan(one) {
		return o, &o2c.ValidationError{Field: "floor", Rule: "must be between 0 and 1", Value: o.Floor.String()}
	}
	return o, nil
}

// MatrixRow is one bucket of a provision matrix.
type MatrixRow struct {
	Bucket report.Bucket
	// Observed is the sum over the observed month-ends of the bucket's
	// open balance; Rolled what of it was found in a later bucket (or
	// written off) at the next month-end; for the last bucket, what was
	// written off before the next month-end.
	Observed o2c.Money
	Rolled   o2c.Money
	// RollRate = Rolled / Observed (zero when nothing was observed).
	RollRate decimal.Decimal
	// HistoricalLoss is the product of the roll rates from this bucket to
	// the last (the last one's being its write-off rate).
	HistoricalLoss decimal.Decimal
	// Rate is the loss rate applied: HistoricalLoss x ForwardFactor, at
	// least Floor, at most 1, rounded to RateDigits.
	Rate decimal.Decimal
}

// Matrix is the IFRS 9 simplified-approach provision matrix of one
// currency, computed from the tenant's own history.
type Matrix struct {
	Currency o2c.Currency
	// MonthEnds are the observed month-ends, oldest first (Months+1).
	MonthEnds     []o2c.Date
	ForwardFactor decimal.Decimal
	Floor         decimal.Decimal
	Rows          []MatrixRow
}

// Buckets returns the matrix's buckets.
func (m Matrix) Buckets() []report.Bucket {
	out := make([]report.Bucket, len(m.Rows))
	for i, r := range m.Rows {
		out[i] = r.Bucket
	}
	return out
}

// lastMonthEnd is asOf when it ends a month, else the end of the month
// before.
func lastMonthEnd(asOf o2c.Date) o2c.Date {
	if asOf.IsEndOfMonth() {
		return asOf
	}
	return asOf.StartOfMonth().AddDays(-1)
}

// RollRateMatrix computes the provision matrix of every currency of items
// (sorted by currency code) from their history up to asOf.
//
// Method (roll rates, also called migration analysis): take the month-ends
// m0 < m1 < ... < mN, mN being the last month-end on or before asOf and N
// = opts.Months. At each mt (t < N) every item issued by then with an open
// amount is in the due-date bucket of its age. For a bucket i other than
// the last, the amount that rolled is, for each such item, the lower of its
// open amounts at mt and mt+1 when at mt+1 it is still open in a later
// bucket, plus what of it was written off in (mt, mt+1] (a loss has
// rolled for good). For the last bucket the amount that rolled is what
// was written off in (mt, mt+1] of its items (the move into loss). The
// roll rate of a bucket is the amount rolled over all N transitions divided
// by the bucket's balances summed over m0..mN-1. The historical loss rate
// of bucket i is the product of the roll rates of buckets i to the last:
// the share of a bucket's balance that ends written off if it keeps
// rolling as it did. The rate applied is that times ForwardFactor, raised
// to Floor, capped at 1, rounded half up to [RateDigits] decimals.
//
// Errors: a *o2c.ValidationError for bad options, a zero asOf or an
// invalid item; a *o2c.CurrencyMismatchError for an item mixing currencies.
func RollRateMatrix(items []report.Item, asOf o2c.Date, opts MatrixOptions) ([]Matrix, error) {
	o, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	if asOf.IsZero() {
		return nil, o2c.NewValidationError("as_of", "is required")
	}
	for i := range items {
		if err := items[i].Validate(); err != nil {
			return nil, fmt.Errorf("provision: item %d: %w", i, err)
		}
	}
	last := lastMonthEnd(asOf)
	ends := make([]o2c.Date, o.Months+1)
	for k := range ends {
		ends[k] = last.StartOfMonth().AddMonths(k - o.Months).EndOfMonth()
	}
	curs, groups := byCurrency(items)
	out := make([]Matrix, 0, len(curs))
	K := len(o.Buckets) - 1
	for _, cur := range curs {
		observed := make([]decimal.Decimal, K+1)
		rolled := make([]decimal.Decimal, K+1)
		for _, idx := range groups[cur] {
			it := items[idx]
			for t := 0; t < o.Months; t++ {
				open, ok := it.OpenAt(ends[t])
				if !ok || !open.IsPositive() {
					continue
				}
				b := report.BucketOf(o.Buckets, report.Age(report.ByDueDate, it.IssueDate, it.DueDate, ends[t]))
				observed[b] = observed[b].Add(open.Amount())
				lost := writtenOff(it, ends[t], ends[t+1])
				r := lost
				if b < K {
					next, _ := it.OpenAt(ends[t+1])
					nb := report.BucketOf(o.Buckets, report.Age(report.ByDueDate, it.IssueDate, it.DueDate, ends[t+1]))
					if next.IsPositive() && nb > b {
						r = r.Add(decimal.Min(next.Amount(), open.Amount()))
					}
				}
				rolled[b] = rolled[b].Add(decimal.Min(r, open.Amount()))
			}
		}
		m := Matrix{Currency: cur, MonthEnds: ends, ForwardFactor: o.ForwardFactor, Floor: o.Floor, Rows: make([]MatrixRow, K+1)}
		loss := one
		for i := K; i >= 0; i-- {
			rate := decimal.Zero
			if observed[i].IsPositive() {
				rate = rolled[i].DivRound(observed[i], ratioDigits)
			}
			loss = loss.Mul(rate)
			applied := decimal.Min(one, decimal.Max(o.Floor, loss.Mul(o.ForwardFactor)))
			m.Rows[i] = MatrixRow{Bucket: o.Buckets[i], Observed: money(observed[i], cur), Rolled: money(rolled[i], cur),
				RollRate: rate, HistoricalLoss: loss.Round(ratioDigits), Rate: o2c.RoundHalfUp.Round(applied, RateDigits)}
		}
		out = append(out, m)
	}
	return out, nil
}

// writtenOff is what was written off of it in (from, to] and not reversed
// by to.
func writtenOff(it report.Item, from, to o2c.Date) decimal.Decimal {
	sum := decimal.Zero
	for _, mv := range it.Movements {
		if mv.Kind != report.MovementWriteOff || !mv.Date.After(from) || mv.Date.After(to) {
			continue
		}
		if !mv.Reversed.IsZero() && !mv.Reversed.After(to) {
			continue
		}
		sum = sum.Add(mv.Amount.Amount())
	}
	return sum
}

// ProvisionRow is one bucket of a provision: the open balance as of the
// date, the rate and the provision (balance x rate, rounded half up to the
// currency's minor unit).
type ProvisionRow struct {
	Bucket    report.Bucket
	Open      o2c.Money
	Rate      decimal.Decimal
	Provision o2c.Money
}

// Provision is a matrix applied to the open receivables of its currency
// as of a date.
type Provision struct {
	AsOf     o2c.Date
	Currency o2c.Currency
	Rows     []ProvisionRow
	// Open is the open balance; Total the sum of the rows' provisions.
	Open  o2c.Money
	Total o2c.Money
}

// Apply ages items of the matrix's currency as of asOf in the matrix's
// buckets (by due date) and applies each bucket's rate. Items in other
// currencies are ignored. Errors as for [report.AgingOf].
func (m Matrix) Apply(items []report.Item, asOf o2c.Date) (Provision, error) {
	var mine []report.Item
	for _, it := range items {
		if it.Currency == m.Currency {
			mine = append(mine, it)
		}
	}
	aging, err := report.AgingOf(mine, asOf, report.AgingOptions{Buckets: m.Buckets()})
	if err != nil {
		return Provision{}, err
	}
	p := Provision{AsOf: asOf, Currency: m.Currency, Open: o2c.Zero(m.Currency), Total: o2c.Zero(m.Currency)}
	ca, _ := aging.Currency(m.Currency)
	for i, row := range m.Rows {
		open := o2c.Zero(m.Currency)
		if len(ca.Total.Amounts) > i {
			open = ca.Total.Amounts[i]
		}
		prov := open.MulRound(row.Rate, o2c.RoundHalfUp)
		p.Rows = append(p.Rows, ProvisionRow{Bucket: row.Bucket, Open: open, Rate: row.Rate, Provision: prov})
		p.Open, _ = p.Open.Add(open)
		p.Total, _ = p.Total.Add(prov)
	}
	return p, nil
}

func byCurrency(items []report.Item) ([]o2c.Currency, map[o2c.Currency][]int) {
	groups := map[o2c.Currency][]int{}
	var curs []o2c.Currency
	for i, it := range items {
		if _, ok := groups[it.Currency]; !ok {
			curs = append(curs, it.Currency)
		}
		groups[it.Currency] = append(groups[it.Currency], i)
	}
	slices.SortFunc(curs, func(a, b o2c.Currency) int {
		switch {
		case a.Code() < b.Code():
			return -1
		case a.Code() > b.Code():
			return 1
		}
		return 0
	})
	return curs, groups
}

func money(d decimal.Decimal, cur o2c.Currency) o2c.Money {
	m, err := o2c.MoneyOf(d, cur)
	if err != nil {
		return o2c.Zero(cur)
	}
	return m
}
