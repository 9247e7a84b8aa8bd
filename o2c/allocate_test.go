package o2c_test

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/o2c"
)

func moneyStrings(ms []o2c.Money) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.String()
	}
	return out
}

func decs(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = decimal.RequireFromString(s)
	}
	return out
}

func TestSplitExamples(t *testing.T) {
	cases := []struct {
		amount, code string
		n            int
		want         []string
	}{
		{"100.00", "EUR", 3, []string{"33.34 EUR", "33.33 EUR", "33.33 EUR"}},
		{"-100.00", "EUR", 3, []string{"-33.34 EUR", "-33.33 EUR", "-33.33 EUR"}},
		{"100.00", "EUR", 1, []string{"100.00 EUR"}},
		{"0.05", "EUR", 3, []string{"0.02 EUR", "0.02 EUR", "0.01 EUR"}},
		{"0.02", "EUR", 5, []string{"0.01 EUR", "0.01 EUR", "0.00 EUR", "0.00 EUR", "0.00 EUR"}},
		{"0.00", "EUR", 2, []string{"0.00 EUR", "0.00 EUR"}},
		{"1000", "JPY", 3, []string{"334 JPY", "333 JPY", "333 JPY"}},
		{"-1001", "JPY", 4, []string{"-251 JPY", "-250 JPY", "-250 JPY", "-250 JPY"}},
		{"1.000", "KWD", 3, []string{"0.334 KWD", "0.333 KWD", "0.333 KWD"}},
		{"10.001", "KWD", 2, []string{"5.001 KWD", "5.000 KWD"}},
		{"12.5", "EUR", 2, []string{"6.25 EUR", "6.25 EUR"}}, // 12.5 is rounded for EUR
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %s / %d", c.amount, c.code, c.n), func(t *testing.T) {
			shares, err := o2c.MustMoney(c.amount, c.code).Split(c.n)
			require.NoError(t, err)
			assert.Equal(t, c.want, moneyStrings(shares))
		})
	}
}

func TestAllocateExamples(t *testing.T) {
	cases := []struct {
		name         string
		amount, code string
		weights      []string
		want         []string
	}{
		{"percentages", "100.00", "EUR", []string{"33.33", "33.33", "33.34"}, []string{"33.33 EUR", "33.33 EUR", "33.34 EUR"}},
		{"percentages not summing to 100", "100.00", "EUR", []string{"50", "25"}, []string{"66.67 EUR", "33.33 EUR"}},
		{"mixed scales", "100.00", "EUR", []string{"1.5", "1"}, []string{"60.00 EUR", "40.00 EUR"}},
		{"largest remainder wins", "10.00", "EUR", []string{"1", "2"}, []string{"3.33 EUR", "6.67 EUR"}},
		{"ties go to the earlier share", "0.05", "EUR", []string{"1", "1"}, []string{"0.03 EUR", "0.02 EUR"}},
		{"zero weights get nothing", "1.01", "EUR", []string{"0", "1", "0", "1"}, []string{"0.00 EUR", "0.51 EUR", "0.00 EUR", "0.50 EUR"}},
		{"zero weight with a remainder to give", "0.10", "EUR", []string{"0", "3", "0"}, []string{"0.00 EUR", "0.10 EUR", "0.00 EUR"}},
		{"negative amount", "-10.00", "EUR", []string{"1", "2"}, []string{"-3.33 EUR", "-6.67 EUR"}},
		{"JPY", "1000", "JPY", []string{"1", "1", "1"}, []string{"334 JPY", "333 JPY", "333 JPY"}},
		{"JPY decimal weights", "100", "JPY", []string{"0.5", "0.25", "0.25"}, []string{"50 JPY", "25 JPY", "25 JPY"}},
		{"KWD", "1.000", "KWD", []string{"2", "1"}, []string{"0.667 KWD", "0.333 KWD"}},
		{"KWD negative", "-0.001", "KWD", []string{"1", "1"}, []string{"-0.001 KWD", "0.000 KWD"}},
		{"tiny weights", "1.00", "EUR", []string{"0.0000001", "0.0000003"}, []string{"0.25 EUR", "0.75 EUR"}},
		{"huge amount", "999999999999999.99", "EUR", []string{"1", "1"}, []string{"500000000000000.00 EUR", "499999999999999.99 EUR"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := o2c.MustMoney(c.amount, c.code)
			shares, err := m.Allocate(decs(c.weights...)...)
			require.NoError(t, err)
			assert.Equal(t, c.want, moneyStrings(shares))
			total, err := o2c.Sum(m.Currency(), shares...)
			require.NoError(t, err)
			assert.True(t, total.Equal(m), "shares sum to %s, want %s", total, m)
		})
	}
}

func TestAllocateErrors(t *testing.T) {
	eur := o2c.MustMoney("100.00", "EUR")

	_, err := eur.Allocate()
	requireValidation(t, err, "weights", nil)

	_, err = eur.Allocate(decs("1", "-1", "2")...)
	requireValidation(t, err, "weights", nil)
	assert.Contains(t, err.Error(), "index 1")

	_, err = eur.Allocate(decs("0", "0.00")...)
	requireValidation(t, err, "weights", nil)

	shares, err := o2c.MustMoney("100.005", "EUR").Allocate(decs("1", "1")...)
	requireValidation(t, err, "amount", o2c.ErrInvalidAmount)
	assert.Nil(t, shares)
	_, err = o2c.MustMoney("0.5", "JPY").Split(2)
	requireValidation(t, err, "amount", o2c.ErrInvalidAmount)

	for _, n := range []int{0, -1} {
		shares, err := eur.Split(n)
		requireValidation(t, err, "n", nil)
		assert.Nil(t, shares)
	}
}

// Generators for the property tests.

var allocCurrencies = []o2c.Currency{o2c.EUR, o2c.JPY, o2c.KWD, o2c.USD}

// roundedMoney draws an amount rounded to cur's minor unit with up to 15
// integer digits, of either sign.
func roundedMoney(t *rapid.T, cur o2c.Currency) o2c.Money {
	intPart := rapid.StringMatching(`0|[1-9][0-9]{0,14}`).Draw(t, "int")
	s := intPart
	if d := cur.Digits(); d > 0 {
		s += "." + rapid.StringMatching(fmt.Sprintf(`[0-9]{%d}`, d)).Draw(t, "frac")
	}
	if rapid.Bool().Draw(t, "negative") {
		s = "-" + s
	}
	m, err := o2c.NewMoney(s, cur.Code())
	require.NoError(t, err)
	require.True(t, m.IsRounded())
	return m
}

// weightsGen draws 1 to 12 non-negative weights, integers or decimals, some
// zero but never all.
func drawWeights(t *rapid.T) []decimal.Decimal {
	one := rapid.OneOf(
		rapid.Just("0"),
		rapid.StringMatching(`[1-9][0-9]{0,3}`),
		rapid.StringMatching(`[0-9]{1,3}\.[0-9]{1,6}`),
	)
	ss := rapid.SliceOfN(one, 1, 12).Draw(t, "weights")
	ws := decs(ss...)
	allZero := true
	for _, w := range ws {
		allZero = allZero && w.IsZero()
	}
	if allZero {
		i := rapid.IntRange(0, len(ws)-1).Draw(t, "nonzero")
		ws[i] = decimal.RequireFromString(rapid.StringMatching(`[1-9][0-9]{0,2}(\.[0-9]{1,3})?`).Draw(t, "positive"))
	}
	return ws
}

func minorUnit(cur o2c.Currency) *big.Rat {
	return new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(cur.Digits())), nil))
}

func TestAllocateProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom(allocCurrencies).Draw(t, "currency")
		m := roundedMoney(t, cur)
		ws := drawWeights(t)

		shares, err := m.Allocate(ws...)
		require.NoError(t, err)
		require.Len(t, shares, len(ws))

		// The shares sum exactly to the amount.
		total, err := o2c.Sum(cur, shares...)
		require.NoError(t, err)
		require.True(t, total.Equal(m), "sum %s != %s", total, m)

		// Each share is rounded, and less than one minor unit away from its
		// exact proportion amount*w/sum(w).
		sumW := new(big.Rat)
		for _, w := range ws {
			sumW.Add(sumW, w.Rat())
		}
		unit := minorUnit(cur)
		for i, s := range shares {
			require.Equal(t, cur, s.Currency())
			require.True(t, s.IsRounded(), "share %d = %s", i, s)
			exact := new(big.Rat).Mul(m.Amount().Rat(), ws[i].Rat())
			exact.Quo(exact, sumW)
			dist := new(big.Rat).Sub(s.Amount().Rat(), exact)
			dist.Abs(dist)
			require.Equal(t, -1, dist.Cmp(unit), "share %d = %s, exact %s", i, s, exact.FloatString(int(cur.Digits())+6))
			if ws[i].IsZero() {
				require.True(t, s.IsZero(), "a zero weight gets nothing, got %s", s)
			}
			// No share has the opposite sign of the amount.
			require.True(t, s.Sign() == 0 || s.Sign() == m.Sign(), "share %d = %s", i, s)
		}

		// Allocation is deterministic.
		again, err := m.Allocate(ws...)
		require.NoError(t, err)
		require.Equal(t, moneyStrings(shares), moneyStrings(again))
	})
}

func TestSplitProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom(allocCurrencies).Draw(t, "currency")
		m := roundedMoney(t, cur)
		n := rapid.IntRange(1, 50).Draw(t, "n")

		shares, err := m.Split(n)
		require.NoError(t, err)
		require.Len(t, shares, n)

		total, err := o2c.Sum(cur, shares...)
		require.NoError(t, err)
		require.True(t, total.Equal(m), "sum %s != %s", total, m)

		unit := decimal.New(1, -cur.Digits())
		for i, s := range shares {
			require.True(t, s.IsRounded())
			for _, o := range shares[i+1:] {
				require.True(t, s.Amount().Sub(o.Amount()).Abs().LessThanOrEqual(unit), "%s and %s", s, o)
			}
			// The first shares get the extra minor units.
			if i > 0 {
				require.True(t, shares[i-1].Amount().Abs().GreaterThanOrEqual(s.Amount().Abs()))
			}
		}
	})
}
