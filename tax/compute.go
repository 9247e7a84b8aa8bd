package tax

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// Limits on line figures. They keep every sum [Compute] makes far below
// [o2c.MaxIntegerDigits], so totals always encode and store.
const (
	// MaxQuantity is the largest absolute quantity of a line (10^9).
	MaxQuantity = 1_000_000_000
	// MaxLineNet is the bound on a line's absolute exact net amount
	// (10^14): [MaxLines] such lines, with tax, still total below 10^18.
	MaxLineNet = 100_000_000_000_000
)

var (
	maxQuantity = decimal.NewFromInt(MaxQuantity)
	maxLineNet  = decimal.NewFromInt(MaxLineNet)
)

// MaxLines is the largest number of lines [Compute] accepts.
const MaxLines = 1000

// Line is what the engine needs of a document line. Quantity may carry
// decimals (2.5 hours, 0.75 kg) and may be negative (a return on a credit
// note); the unit price may carry more decimals than the currency's minor
// unit (0.0125 EUR); DiscountPercent is 0 to 100; Rate is a percentage (20
// for 20 %) allowed by the Category (see [Category.CheckRate]).
type Line struct {
	Quantity        decimal.Decimal
	UnitPrice       o2c.Money
	DiscountPercent decimal.Decimal
	Category        Category
	Rate            decimal.Decimal
}

// ExactNet returns quantity × unit price × (100 − discount) / 100, not
// rounded.
func (l Line) ExactNet() decimal.Decimal {
	return l.Quantity.Mul(l.UnitPrice.Amount()).Mul(hundred.Sub(l.DiscountPercent)).Shift(-2)
}

// Validate checks the line on its own: a currency on the unit price, a
// discount from 0 to 100, a rate the category allows, figures within
// [MaxQuantity] and [MaxLineNet]. It returns nil or a *[o2c.ValidationError]
// whose Field is relative to the line ("quantity", "tax_rate").
func (l Line) Validate() error {
	switch {
	case l.UnitPrice.Currency().IsZero():
		return &o2c.ValidationError{Field: "unit_price", Rule: "is required (an amount with a currency)"}
	case l.Quantity.Abs().GreaterThan(maxQuantity):
		return &o2c.ValidationError{Field: "quantity", Rule: "must be at most " + maxQuantity.String() + " in absolute value", Value: l.Quantity.String()}
	case l.DiscountPercent.IsNegative() || l.DiscountPercent.GreaterThan(hundred):
		return &o2c.ValidationError{Field: "discount_percent", Rule: "must be from 0 to 100", Value: l.DiscountPercent.String()}
	}
	if err := l.Category.CheckRate(l.Rate); err != nil {
		return err
	}
	if l.ExactNet().Abs().GreaterThanOrEqual(maxLineNet) {
		return &o2c.ValidationError{Field: "net", Rule: "quantity × unit price must stay below " + maxLineNet.String(), Value: l.ExactNet().String()}
	}
	return nil
}

// LineTotal is one line's figures, each rounded to the currency's minor
// unit. Gross = Net + Tax.
type LineTotal struct {
	Net   o2c.Money `json:"net"`
	Tax   o2c.Money `json:"tax"`
	Gross o2c.Money `json:"gross"`
}

// Subtotal is one row of the tax breakdown (EN 16931 BG-23): the lines of
// one category at one rate. Base is the sum of their nets, Tax the tax on
// them under the policy.
type Subtotal struct {
	Category Category        `json:"category"`
	Rate     decimal.Decimal `json:"rate"`
	Base     o2c.Money       `json:"base"`
	Tax      o2c.Money       `json:"tax"`
}

// Totals are a document's figures. Lines are in the order of the input;
// Breakdown is sorted by category code, then rate. Every amount is rounded
// to the currency's minor unit and the sums hold exactly:
//
//	Net   = Σ Lines[i].Net   = Σ Breakdown[j].Base
//	Tax   = Σ Lines[i].Tax   = Σ Breakdown[j].Tax
//	Gross = Net + Tax        = Σ Lines[i].Gross
type Totals struct {
	Policy    RoundingPolicy `json:"policy"`
	Lines     []LineTotal    `json:"lines"`
	Breakdown []Subtotal     `json:"breakdown"`
	Net       o2c.Money      `json:"net"`
	Tax       o2c.Money      `json:"tax"`
	Gross     o2c.Money      `json:"gross"`
}

// Compute returns the totals of lines in currency cur under policy p (see
// the package documentation for the method). No lines give zero totals.
//
// Errors, with nothing computed: more than [MaxLines] lines; a *[o2c.CurrencyMismatchError] when a
// line's unit price is not in cur; a *[o2c.ValidationError] naming the line
// ("lines[2].tax_rate") when a line breaks a rule of [Line.Validate], and
// when cur is the zero Currency or p is not a known policy.
func Compute(cur o2c.Currency, lines []Line, p RoundingPolicy) (Totals, error) {
	if cur.IsZero() {
		return Totals{}, &o2c.ValidationError{Field: "currency", Rule: "is required", Err: o2c.ErrUnknownCurrency}
	}
	if err := p.Validate(); err != nil {
		return Totals{}, err
	}
	if len(lines) > MaxLines {
		return Totals{}, &o2c.ValidationError{Field: "lines", Rule: fmt.Sprintf("must be at most %d", MaxLines), Value: fmt.Sprint(len(lines))}
	}
	for i, l := range lines {
		if c := l.UnitPrice.Currency(); !c.IsZero() && c != cur {
			return Totals{}, &o2c.CurrencyMismatchError{Op: fmt.Sprintf("totals of lines[%d]", i), Left: cur, Right: c}
		}
		if err := l.Validate(); err != nil {
			return Totals{}, lineError(i, err)
		}
	}
	digits := cur.Digits()
	mode := p.Mode
	t := Totals{Policy: p, Lines: make([]LineTotal, len(lines))}

	type group struct {
		sub   Subtotal
		base  decimal.Decimal
		lines []int
	}
	groups := map[string]*group{}
	var keys []string
	nets := make([]decimal.Decimal, len(lines))
	for i, l := range lines {
		nets[i] = mode.Round(l.ExactNet(), digits)
		key := l.Category.code + "|" + l.Rate.String()
		g := groups[key]
		if g == nil {
			g = &group{sub: Subtotal{Category: l.Category, Rate: l.Rate}}
			groups[key] = g
			keys = append(keys, key)
		}
		g.base = g.base.Add(nets[i])
		g.lines = append(g.lines, i)
	}
	taxes := make([]decimal.Decimal, len(lines))
	var net, tax decimal.Decimal
	for _, key := range keys {
		g := groups[key]
		rate := g.sub.Rate
		var groupTax decimal.Decimal
		switch p.Method {
		case PerLine:
			for _, i := range g.lines {
				taxes[i] = mode.Round(nets[i].Mul(rate).Shift(-2), digits)
				groupTax = groupTax.Add(taxes[i])
			}
		default: // PerDocument
			groupTax = mode.Round(g.base.Mul(rate).Shift(-2), digits)
			// cumulative rounding: shares add up to groupTax exactly
			var cum, given decimal.Decimal
			for _, i := range g.lines {
				cum = cum.Add(nets[i].Mul(rate).Shift(-2))
				upTo := mode.Round(cum, digits)
				taxes[i] = upTo.Sub(given)
				given = upTo
			}
		}
		g.sub.Base = money(g.base, cur)
		g.sub.Tax = money(groupTax, cur)
		net = net.Add(g.base)
		tax = tax.Add(groupTax)
	}
	for i := range lines {
		t.Lines[i] = LineTotal{Net: money(nets[i], cur), Tax: money(taxes[i], cur), Gross: money(nets[i].Add(taxes[i]), cur)}
	}
	sort.Slice(keys, func(a, b int) bool {
		ga, gb := groups[keys[a]].sub, groups[keys[b]].sub
		if ga.Category != gb.Category {
			return ga.Category.code < gb.Category.code
		}
		return ga.Rate.LessThan(gb.Rate)
	})
	t.Breakdown = make([]Subtotal, len(keys))
	for j, key := range keys {
		t.Breakdown[j] = groups[key].sub
	}
	t.Net, t.Tax, t.Gross = money(net, cur), money(tax, cur), money(net.Add(tax), cur)
	return t, nil
}

// money builds an amount that is known to be within limits (the line
// limits keep every sum far below them).
func money(d decimal.Decimal, cur o2c.Currency) o2c.Money {
	m, err := o2c.MoneyOf(d, cur)
	if err != nil {
		panic(fmt.Sprintf("tax: amount out of range despite line limits: %v", err))
	}
	return m
}

func lineError(i int, err error) error {
	if ve, ok := err.(*o2c.ValidationError); ok {
		c := *ve
		c.Field = fmt.Sprintf("lines[%d].%s", i, ve.Field)
		return &c
	}
	return fmt.Errorf("lines[%d]: %w", i, err)
}
