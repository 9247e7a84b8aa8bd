package credit

import (
	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// RateSource gives exchange rates: how many units of to one unit of from
// is worth. The caller supplies it (a [RateTable], or its own).
type RateSource interface {
	Rate(from, to o2c.Currency) (decimal.Decimal, bool)
}

// Rate is one entry of a [RateTable].
type Rate struct {
	From, To o2c.Currency
	// Rate is how many units of To one unit of From is worth (positive).
	Rate decimal.Decimal
}

// RateTable is a fixed set of exchange rates. Only the pairs given are
// known: the inverse of a pair is not derived (give it explicitly), so a
// conversion never depends on a division's rounding.
type RateTable struct {
	rates map[[2]o2c.Currency]decimal.Decimal
}

var _ RateSource = (*RateTable)(nil)

// NewRateTable validates the rates: currencies set and different, rates
// positive, each pair given once. Errors are *o2c.ValidationError.
func NewRateTable(rates ...Rate) (*RateTable, error) {
	t := &RateTable{rates: make(map[[2]o2c.Currency]decimal.Decimal, len(rates))}
	for _, r := range rates {
		key := [2]o2c.Currency{r.From, r.To}
		switch {
		case r.From.IsZero() || r.To.IsZero():
			return nil, invalid("rates", "every rate needs both currencies", r.From.Code()+"/"+r.To.Code())
		case r.From == r.To:
			return nil, invalid("rates", "a rate converts between two different currencies", r.From.Code())
		case !r.Rate.IsPositive():
			return nil, invalid("rates", "must be positive", r.From.Code()+"/"+r.To.Code()+" "+r.Rate.String())
		}
		if _, dup := t.rates[key]; dup {
			return nil, invalid("rates", "each pair is given once", r.From.Code()+"/"+r.To.Code())
		}
		t.rates[key] = r.Rate
	}
	return t, nil
}

// Rate implements [RateSource].
func (t *RateTable) Rate(from, to o2c.Currency) (decimal.Decimal, bool) {
	if t == nil {
		return decimal.Decimal{}, false
	}
	r, ok := t.rates[[2]o2c.Currency{from, to}]
	return r, ok
}

// Convert converts m into currency to with rates, rounding the result to
// to's minor unit with mode. An amount already in to is returned as is. A
// pair rates does not know is a *[MissingRateError] (nil rates know none).
func Convert(rates RateSource, m o2c.Money, to o2c.Currency, mode o2c.RoundingMode) (o2c.Money, error) {
	if m.Currency() == to {
		return m, nil
	}
	if rates == nil {
		return o2c.Money{}, &MissingRateError{From: m.Currency(), To: to}
	}
	r, ok := rates.Rate(m.Currency(), to)
	if !ok {
		return o2c.Money{}, &MissingRateError{From: m.Currency(), To: to}
	}
	out, err := o2c.MoneyOf(m.Amount().Mul(r), to)
	if err != nil {
		return o2c.Money{}, err
	}
	return out.Round(mode), nil
}
