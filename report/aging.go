package report

import (
	"fmt"
	"math"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// Basis is the date an item's age is counted from.
type Basis uint8

const (
	// ByDueDate ages items by days past their due date (age 0 or less:
	// not yet due).
	ByDueDate Basis = iota
	// ByIssueDate ages items by days since they were issued.
	ByIssueDate
)

// String returns "due_date" or "issue_date".
func (b Basis) String() string {
	if b == ByIssueDate {
		return "issue_date"
	}
	return "due_date"
}

// Open-ended bucket bounds.
const (
	NoMin = math.MinInt32
	NoMax = math.MaxInt32
)

// Bucket holds the items whose age in days is within [Min, Max].
type Bucket struct {
	Label    string
	Min, Max int
}

// DefaultBuckets are the due-date buckets: not due (age ≤ 0), 1-30,
// 31-60, 61-90 and over 90 days past due.
func DefaultBuckets() []Bucket {
	return []Bucket{{Label: "not due", Min: NoMin, Max: 0}, {Label: "1-30", Min: 1, Max: 30}, {Label: "31-60", Min: 31, Max: 60}, {Label: "61-90", Min: 61, Max: 90}, {Label: "over 90", Min: 91, Max: NoMax}}
}

// IssueDateBuckets are the default buckets by invoice date: 0-30, 31-60,
// 61-90 and over 90 days since issue.
func IssueDateBuckets() []Bucket {
	return []Bucket{{Label: "0-30", Min: NoMin, Max: 30}, {Label: "31-60", Min: 31, Max: 60}, {Label: "61-90", Min: 61, Max: 90}, {Label: "over 90", Min: 91, Max: NoMax}}
}

// ValidateBuckets checks that buckets cover every age exactly once: the
// first starts at NoMin, each starts the day after the previous ends, the
// last ends at NoMax, none is empty. That is what makes the total of an
// aging equal the open balance.
func ValidateBuckets(bs []Bucket) error {
	bad := func(i int, rule string) error {
		return &o2c.ValidationError{Field: fmt.Sprintf("buckets[%d]", i), Rule: rule}
	}
	if len(bs) == 0 {
		return o2c.NewValidationError("buckets", "at least one bucket is required")
	}
	for i, b := range bs {
		switch {
		case b.Max < b.Min:
			return bad(i, "max must not be below min")
		case i == 0 && b.Min != NoMin:
			return bad(i, "the first bucket must start at NoMin")
		case i > 0 && b.Min != bs[i-1].Max+1:
			return bad(i, "must start the day after the previous bucket ends")
		case i == len(bs)-1 && b.Max != NoMax:
			return bad(i, "the last bucket must end at NoMax")
		}
	}
	return nil
}

// AgingOptions configure an aging. The zero value ages by due date in
// [DefaultBuckets].
type AgingOptions struct {
	Basis Basis
	// Buckets default to DefaultBuckets (by due date) or IssueDateBuckets
	// (by issue date).
	Buckets []Bucket
}

// Normalize returns o with defaults filled in, or a *o2c.ValidationError.
func (o AgingOptions) Normalize() (AgingOptions, error) {
	if o.Basis > ByIssueDate {
		return o, &o2c.ValidationError{Field: "basis", Rule: "must be ByDueDate or ByIssueDate", Value: fmt.Sprint(uint8(o.Basis))}
	}
	if len(o.Buckets) == 0 {
		if o.Basis == ByIssueDate {
			o.Buckets = IssueDateBuckets()
		} else {
			o.Buckets = DefaultBuckets()
		}
	}
	if err := ValidateBuckets(o.Buckets); err != nil {
		return o, err
	}
	o.Buckets = append([]Bucket(nil), o.Buckets...)
	return o, nil
}

// BucketOf returns the index of the bucket holding age (buckets valid).
func BucketOf(bs []Bucket, age int) int {
	for i, b := range bs {
		if age <= b.Max {
			return i
		}
	}
	return len(bs) - 1
}

// Age returns the item's age in days as of asOf on basis: asOf minus the
// due date (or issue date).
func Age(basis Basis, issue, due, asOf o2c.Date) int {
	if basis == ByIssueDate {
		return issue.DaysUntil(asOf)
	}
	return due.DaysUntil(asOf)
}

// AgingRow is one line of an aging: the open amount in each bucket (in
// the order of the buckets), their total and the number of open items.
type AgingRow struct {
	Amounts []o2c.Money
	Total   o2c.Money
	Items   int
}

// CustomerAging is a customer's row.
type CustomerAging struct {
	Customer o2c.CustomerID
	AgingRow
}

// CurrencyAging is the aging of one currency: a row per customer with
// open items (in customer ID order) and the total row.
type CurrencyAging struct {
	Currency  o2c.Currency
	Customers []CustomerAging
	Total     AgingRow
}

// Aging is an aged balance as of a date, per currency (in code order).
type Aging struct {
	AsOf       o2c.Date
	Basis      Basis
	Buckets    []Bucket
	Currencies []CurrencyAging
}

// Currency returns the aging of cur (a zero CurrencyAging when nothing is
// open in it).
func (a Aging) Currency(cur o2c.Currency) (CurrencyAging, bool) {
	for _, c := range a.Currencies {
		if c.Currency == cur {
			return c, true
		}
	}
	return CurrencyAging{}, false
}

// AgingBuilder accumulates open amounts into an Aging. Stores that compute
// bucket sums themselves (see [AgingSource]) feed them through Add, so
// that every source builds the same shape.
type AgingBuilder struct {
	opts AgingOptions
	asOf o2c.Date
	curs map[o2c.Currency]map[o2c.CustomerID]*acc
}

type acc struct {
	amounts []decimal.Decimal
	items   int
}

// NewAgingBuilder returns a builder for an aging as of asOf.
func NewAgingBuilder(asOf o2c.Date, opts AgingOptions) (*AgingBuilder, error) {
	if asOf.IsZero() {
		return nil, o2c.NewValidationError("as_of", "is required")
	}
	opts, err := opts.Normalize()
	if err != nil {
		return nil, err
	}
	return &AgingBuilder{opts: opts, asOf: asOf, curs: map[o2c.Currency]map[o2c.CustomerID]*acc{}}, nil
}

// Options returns the normalised options.
func (b *AgingBuilder) Options() AgingOptions { return b.opts }

// Add adds amount, held in items open items of customer, to bucket.
// Zero amounts with zero items are ignored.
func (b *AgingBuilder) Add(cur o2c.Currency, customer o2c.CustomerID, bucket int, amount decimal.Decimal, items int) error {
	if bucket < 0 || bucket >= len(b.opts.Buckets) {
		return &o2c.ValidationError{Field: "bucket", Rule: "is out of range", Value: fmt.Sprint(bucket)}
	}
	if cur.IsZero() {
		return &o2c.ValidationError{Field: "currency", Rule: "is required", Err: o2c.ErrUnknownCurrency}
	}
	if amount.IsZero() && items == 0 {
		return nil
	}
	custs := b.curs[cur]
	if custs == nil {
		custs = map[o2c.CustomerID]*acc{}
		b.curs[cur] = custs
	}
	a := custs[customer]
	if a == nil {
		a = &acc{amounts: make([]decimal.Decimal, len(b.opts.Buckets))}
		custs[customer] = a
	}
	a.amounts[bucket] = a.amounts[bucket].Add(amount)
	a.items += items
	return nil
}

// Aging returns the accumulated aging.
func (b *AgingBuilder) Aging() Aging {
	out := Aging{AsOf: b.asOf, Basis: b.opts.Basis, Buckets: append([]Bucket(nil), b.opts.Buckets...)}
	curs := make([]o2c.Currency, 0, len(b.curs))
	for c := range b.curs {
		curs = append(curs, c)
	}
	sortCurrencies(curs)
	n := len(b.opts.Buckets)
	for _, cur := range curs {
		custs := b.curs[cur]
		ca := CurrencyAging{Currency: cur}
		total := &acc{amounts: make([]decimal.Decimal, n)}
		ids := make([]o2c.CustomerID, 0, len(custs))
		for id := range custs {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i].String() < ids[j].String() })
		for _, id := range ids {
			a := custs[id]
			ca.Customers = append(ca.Customers, CustomerAging{Customer: id, AgingRow: row(a, cur)})
			for i, v := range a.amounts {
				total.amounts[i] = total.amounts[i].Add(v)
			}
			total.items += a.items
		}
		ca.Total = row(total, cur)
		out.Currencies = append(out.Currencies, ca)
	}
	return out
}

func row(a *acc, cur o2c.Currency) AgingRow {
	r := AgingRow{Amounts: make([]o2c.Money, len(a.amounts)), Items: a.items}
	sum := decimal.Zero
	for i, v := range a.amounts {
		r.Amounts[i] = money(v, cur)
		sum = sum.Add(v)
	}
	r.Total = money(sum, cur)
	return r
}

// AgingOf ages items as of asOf: each item issued on or before asOf with
// a non-zero open amount as of asOf (see [Item.OpenAt]) goes, for its
// whole open amount, into the bucket of its age on opts.Basis. Rows are
// per customer and in total, per currency. The total of each currency is
// the open balance as of asOf, whatever the buckets. Errors: a
// *o2c.ValidationError for bad options or items, a
// *o2c.CurrencyMismatchError for an item mixing currencies.
func AgingOf(items []Item, asOf o2c.Date, opts AgingOptions) (Aging, error) {
	b, err := NewAgingBuilder(asOf, opts)
	if err != nil {
		return Aging{}, err
	}
	if err := validateItems(items); err != nil {
		return Aging{}, err
	}
	o := b.opts
	for i := range items {
		it := &items[i]
		if it.IssueDate.After(asOf) {
			continue
		}
		open := it.openAt(asOf)
		if open.IsZero() {
			continue
		}
		k := BucketOf(o.Buckets, Age(o.Basis, it.IssueDate, it.DueDate, asOf))
		if err := b.Add(it.Currency, it.Customer, k, open, 1); err != nil {
			return Aging{}, err
		}
	}
	return b.Aging(), nil
}

// OpenBalance returns the open balance as of asOf per currency (in code
// order): the sum of [Item.OpenAt] over the items.
func OpenBalance(items []Item, asOf o2c.Date) ([]o2c.Money, error) {
	if err := validateItems(items); err != nil {
		return nil, err
	}
	curs, groups := byCurrency(items)
	var out []o2c.Money
	for _, cur := range curs {
		sum, seen := decimal.Zero, false
		for _, i := range groups[cur] {
			if items[i].IssueDate.After(asOf) {
				continue
			}
			if v := items[i].openAt(asOf); !v.IsZero() {
				sum, seen = sum.Add(v), true
			}
		}
		if seen {
			out = append(out, money(sum, cur))
		}
	}
	return out, nil
}
