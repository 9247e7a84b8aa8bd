// Package cashimpact states what days sales outstanding cost in cash: the
// receivables a customer ties up, split by cause (the payment terms
// themselves vs the days customers pay beyond them), and the cash a DSO
// change of N days frees (daily credit sales x N), per customer and in
// total. Pure functions over report.Item; the method is given in [Method].
package cashimpact

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// Method states how the figures are computed; reports print it next to
// them.
const Method = `Per customer and currency over the period: daily credit sales = gross of the invoices issued in the period / days in the period. ` +
	`Receivables are the open amounts at the period's end, split into current (not yet due: tied up by the terms) and overdue (tied up beyond terms). ` +
	`DSO = receivables / daily sales; best possible DSO = current / daily sales; days beyond terms = DSO - best possible DSO. ` +
	`A DSO reduction of N days frees daily sales x N: first from days beyond terms (at most the customer's days beyond terms, i.e. collecting what is late), the rest from shorter terms. ` +
	`The total freed is daily sales of all customers x N rounded half up once, then shared between customers in proportion to their daily sales without losing a cent.`

// Row is one customer's figures (or the total's, with a zero Customer).
type Row struct {
	Customer o2c.CustomerID
	Currency o2c.Currency
	// Sales are the credit sales of the period; DailySales = Sales / days
	// (unrounded).
	Sales      o2c.Money
	DailySales decimal.Decimal
	// Receivables = Current + Overdue at the period's end.
	Receivables, Current, Overdue o2c.Money
	// DSO, BestPossibleDSO and DaysBeyondTerms in days, rounded to two
	// decimals half up (zero when there were no sales).
	DSO, BestPossibleDSO, DaysBeyondTerms decimal.Decimal
	// Freed is what a reduction of Options.DeltaDays frees, split into the
	// part from days beyond terms and the part from the terms.
	Freed, FreedBeyondTerms, FreedFromTerms o2c.Money
}

// Impact is the cash impact of one currency.
type Impact struct {
	Period    report.Period
	Currency  o2c.Currency
	DeltaDays int
	Customers []Row
	Total     Row
}

// Options configure [Compute].
type Options struct {
	// DeltaDays is the DSO reduction to price (0: only the tie-up).
	DeltaDays int
}

// Compute returns the cash impact per currency (in code order) of items
// over period p. Errors: *o2c.ValidationError for a bad period, a
// negative delta or an invalid item.
func Compute(items []report.Item, p report.Period, opts Options) ([]Impact, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if opts.DeltaDays < 0 {
		return nil, &o2c.ValidationError{Field: "delta_days", Rule: "must not be negative (a reduction of N days)", Value: fmt.Sprint(opts.DeltaDays)}
	}
	days := decimal.NewFromInt(int64(p.Days()))
	type acc struct{ sales, current, overdue decimal.Decimal }
	accs := map[o2c.Currency]map[o2c.CustomerID]*acc{}
	for i, it := range items {
		if err := it.Validate(); err != nil {
			return nil, fmt.Errorf("cashimpact: item %d: %w", i, err)
		}
		m := accs[it.Currency]
		if m == nil {
			m = map[o2c.CustomerID]*acc{}
			accs[it.Currency] = m
		}
		a := m[it.Customer]
		if a == nil {
			a = &acc{}
			m[it.Customer] = a
		}
		if !it.IssueDate.Before(p.From) && !it.IssueDate.After(p.To) {
			a.sales = a.sales.Add(it.Gross.Amount())
		}
		if open, ok := it.OpenAt(p.To); ok && open.IsPositive() {
			if it.DueDate.After(p.To) || it.DueDate == p.To {
				a.current = a.current.Add(open.Amount())
			} else {
				a.overdue = a.overdue.Add(open.Amount())
			}
		}
	}
	curs := make([]o2c.Currency, 0, len(accs))
	for c := range accs {
		curs = append(curs, c)
	}
	slices.SortFunc(curs, func(a, b o2c.Currency) int { return strings.Compare(a.Code(), b.Code()) })
	delta := decimal.NewFromInt(int64(opts.DeltaDays))
	var out []Impact
	for _, cur := range curs {
		im := Impact{Period: p, Currency: cur, DeltaDays: opts.DeltaDays}
		var tot acc
		for c, a := range accs[cur] {
			im.Customers = append(im.Customers, row(c, cur, a.sales, a.current, a.overdue, days, delta))
			tot.sales, tot.current, tot.overdue = tot.sales.Add(a.sales), tot.current.Add(a.current), tot.overdue.Add(a.overdue)
		}
		slices.SortFunc(im.Customers, func(a, b Row) int { return strings.Compare(a.Customer.String(), b.Customer.String()) })
		im.Total = row(o2c.CustomerID{}, cur, tot.sales, tot.current, tot.overdue, days, delta)
		if err := share(&im); err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	return out, nil
}

func row(c o2c.CustomerID, cur o2c.Currency, sales, current, overdue, days, delta decimal.Decimal) Row {
	m := func(d decimal.Decimal) o2c.Money { v, _ := o2c.MoneyOf(d, cur); return v }
	r := Row{Customer: c, Currency: cur, Sales: m(sales), Current: m(current), Overdue: m(overdue), Receivables: m(current.Add(overdue))}
	r.DailySales = sales.DivRound(days, 16)
	z := o2c.Zero(cur)
	r.Freed, r.FreedBeyondTerms, r.FreedFromTerms = z, z, z
	if !sales.IsPositive() {
		return r
	}
	r.DSO = o2c.RoundHalfUp.Round(current.Add(overdue).Mul(days).DivRound(sales, 16), 2)
	r.BestPossibleDSO = o2c.RoundHalfUp.Round(current.Mul(days).DivRound(sales, 16), 2)
	dbt := overdue.Mul(days).DivRound(sales, 16)
	r.DaysBeyondTerms = o2c.RoundHalfUp.Round(dbt, 2)
	beyond := decimal.Min(delta, dbt)
	r.Freed = m(r.DailySales.Mul(delta)).Round(o2c.RoundHalfUp)
	r.FreedBeyondTerms = m(r.DailySales.Mul(beyond)).Round(o2c.RoundHalfUp)
	r.FreedFromTerms, _ = r.Freed.Sub(r.FreedBeyondTerms)
	return r
}

// share makes the customers' Freed add up to the total's: the total,
// rounded once, is allocated in proportion to daily sales.
func share(im *Impact) error {
	if !im.Total.Freed.IsPositive() || len(im.Customers) == 0 {
		return nil
	}
	weights := make([]decimal.Decimal, len(im.Customers))
	for i, r := range im.Customers {
		weights[i] = r.DailySales
	}
	parts, err := im.Total.Freed.Allocate(weights...)
	if err != nil {
		return err
	}
	beyond := o2c.Zero(im.Currency)
	for i := range im.Customers {
		r := &im.Customers[i]
		r.Freed = parts[i]
		if c, _ := r.FreedBeyondTerms.Cmp(r.Freed); c > 0 {
			r.FreedBeyondTerms = r.Freed
		}
		r.FreedFromTerms, _ = r.Freed.Sub(r.FreedBeyondTerms)
		beyond, _ = beyond.Add(r.FreedBeyondTerms)
	}
	im.Total.FreedBeyondTerms = beyond
	im.Total.FreedFromTerms, _ = im.Total.Freed.Sub(beyond)
	return nil
}
