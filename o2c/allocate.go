package o2c

import (
	"math/big"
	"sort"

	"github.com/shopspring/decimal"
)

// Allocate splits m into len(weights) shares proportional to the weights,
// in whole minor units, by the largest-remainder method: each share first
// gets the floor of its exact proportion, then the minor units left over go
// one each to the shares with the largest remainders (ties to the earlier
// share). The shares always sum exactly to m and no share is a full minor
// unit or more away from its exact proportion.
//
// m must be rounded to the currency's minor unit (round it first, with the
// mode your policy names). Weights must be non-negative and not all zero;
// they may be decimals (percentages such as 33.33) and need not sum to 100.
// A negative m is split like its absolute value, then negated.
func (m Money) Allocate(weights ...decimal.Decimal) ([]Money, error) {
	if len(weights) == 0 {
		return nil, &ValidationError{Field: "weights", Rule: "at least one weight is required"}
	}
	if m.currency.IsZero() {
		return nil, &ValidationError{Field: "currency", Rule: "is required", Err: ErrUnknownCurrency}
	}
	if !m.IsRounded() {
		return nil, &ValidationError{Field: "amount", Rule: "must be rounded to the currency's minor unit before allocating", Value: m.amount.String(), Err: ErrInvalidAmount}
	}
	// Scale every weight to an integer so the arithmetic is exact.
	scale := int32(0)
	for i, w := range weights {
		if w.IsNegative() {
			return nil, &ValidationError{Field: "weights", Rule: "must not be negative", Value: w.String() + " at index " + itoa(i)}
		}
		if e := -w.Exponent(); e > scale {
			scale = e
		}
	}
	ws := make([]*big.Int, len(weights))
	total := new(big.Int)
	for i, w := range weights {
		ws[i] = w.Shift(scale).BigInt()
		total.Add(total, ws[i])
	}
	if total.Sign() == 0 {
		return nil, &ValidationError{Field: "weights", Rule: "must not all be zero"}
	}
	digits := m.currency.Digits()
	units := m.amount.Abs().Shift(digits).BigInt()

	shares := make([]*big.Int, len(ws))
	rems := make([]*big.Int, len(ws))
	given := new(big.Int)
	for i, w := range ws {
		num := new(big.Int).Mul(units, w)
		q, r := new(big.Int).QuoRem(num, total, new(big.Int))
		shares[i], rems[i] = q, r
		given.Add(given, q)
	}
	left := new(big.Int).Sub(units, given).Int64() // < len(weights)
	order := make([]int, len(ws))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rems[order[a]].Cmp(rems[order[b]]) > 0 })
	for k := int64(0); k < left; k++ {
		shares[order[k]].Add(shares[order[k]], big.NewInt(1))
	}
	out := make([]Money, len(shares))
	for i, s := range shares {
		d := decimal.NewFromBigInt(s, -digits)
		if m.amount.IsNegative() {
			d = d.Neg()
		}
		out[i] = Money{amount: d, currency: m.currency}
	}
	return out, nil
}

// Split divides m into n shares as equal as possible; the first shares get
// the extra minor units (Split of 100.00 EUR in 3 is 33.34, 33.33, 33.33).
func (m Money) Split(n int) ([]Money, error) {
	if n <= 0 {
		return nil, &ValidationError{Field: "n", Rule: "must be at least 1", Value: itoa(n)}
	}
	ws := make([]decimal.Decimal, n)
	for i := range ws {
		ws[i] = decimal.NewFromInt(1)
	}
	return m.Allocate(ws...)
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }
