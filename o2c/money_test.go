package o2c_test

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
)

// Compile-time checks that Money plugs into database/sql and encoding/json.
var (
	_ driver.Valuer    = o2c.Money{}
	_ sql.Scanner      = (*o2c.Money)(nil)
	_ json.Marshaler   = o2c.Money{}
	_ json.Unmarshaler = (*o2c.Money)(nil)
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// requireValidation asserts err is a *ValidationError for field that matches
// ErrValidation and the given sentinel (nil: no more specific cause checked).
func requireValidation(t require.TestingT, err error, field string, sentinel error) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	require.Error(t, err)
	require.ErrorIs(t, err, o2c.ErrValidation)
	if sentinel != nil {
		require.ErrorIs(t, err, sentinel)
	}
	var ve *o2c.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, field, ve.Field)
	require.NotEmpty(t, ve.Rule)
}

func TestNewMoneyRejectsBadAmounts(t *testing.T) {
	bad := []string{
		"", "  ", "\t\n", "NaN", "nan", "Inf", "-Inf", "+Inf", "Infinity",
		"1e400", "1e-400", "1e999999999", "-1e999999999", "1e-999999999",
		"abc", "1.2.3", "--1", "1,50", "0x10", "1_000", "12 EUR", "e5", "1e", ".",
		"1000000000000000000",                 // 19 integer digits
		"-1000000000000000000",                // same, negative
		"1e18",                                // 10^18 via an exponent
		"0.00000000000000000000000000001",     // 29 fraction digits
		"1e-29",                               // the same via an exponent
		strings.Repeat("1", 201),              // absurdly long
		"0." + strings.Repeat("0", 250) + "1", // long and too precise
	}
	for _, s := range bad {
		t.Run(s, func(t *testing.T) {
			require.NotPanics(t, func() {
				_, err := o2c.NewMoney(s, "EUR")
				requireValidation(t, err, "amount", o2c.ErrInvalidAmount)
				assert.NotErrorIs(t, err, o2c.ErrUnknownCurrency)

				_, err = o2c.ParseAmount(s)
				requireValidation(t, err, "amount", o2c.ErrInvalidAmount)
			})
		})
	}
}

func TestNewMoneyAcceptsLimitsAndNotations(t *testing.T) {
	cases := []struct{ in, want string }{
		{"12.50", "12.5"},
		{" 12.50 ", "12.5"},
		{"-12.50", "-12.5"},
		{"+7", "7"},
		{".5", "0.5"},
		{"1.5e3", "1500"},
		{"1.5E3", "1500"},
		{"125e-4", "0.0125"},
		{"-0", "0"},
		{"999999999999999999", "999999999999999999"},                         // 18 integer digits
		{"-999999999999999999", "-999999999999999999"},                       // same, negative
		{"0.0000000000000000000000000001", "0.0000000000000000000000000001"}, // 28 fraction digits
		{"1.00000000000000000000000000000000", "1"},                          // trailing zeros do not count
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			d, err := o2c.ParseAmount(c.in)
			require.NoError(t, err)
			assert.True(t, dec(c.want).Equal(d), "got %s", d)

			m, err := o2c.NewMoney(c.in, "EUR")
			require.NoError(t, err)
			assert.True(t, dec(c.want).Equal(m.Amount()))
			assert.Equal(t, o2c.EUR, m.Currency())
		})
	}
}

func TestNewMoneyRejectsBadCurrencies(t *testing.T) {
	for _, code := range []string{"XYZ", "eur", "Eur", "", " EUR", "EURO", "EU", "123", "€"} {
		t.Run(code, func(t *testing.T) {
			m, err := o2c.NewMoney("1.00", code)
			requireValidation(t, err, "currency", o2c.ErrUnknownCurrency)
			assert.NotErrorIs(t, err, o2c.ErrInvalidAmount)
			assert.Equal(t, o2c.Money{}, m)

			_, err = o2c.ParseCurrency(code)
			requireValidation(t, err, "currency", o2c.ErrUnknownCurrency)
		})
	}
}

func TestCurrencyDigits(t *testing.T) {
	cases := map[string]int32{"EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "JPY": 0, "KRW": 0, "KWD": 3, "BHD": 3, "CLF": 4}
	for code, digits := range cases {
		c, err := o2c.ParseCurrency(code)
		require.NoError(t, err, code)
		assert.Equal(t, code, c.Code())
		assert.Equal(t, code, c.String())
		assert.Equal(t, digits, c.Digits(), code)
		assert.False(t, c.IsZero())
	}
	assert.True(t, o2c.Currency{}.IsZero())
	assert.Equal(t, o2c.EUR, o2c.MustMoney("1", "EUR").Currency())
}

func TestCurrencyCodecs(t *testing.T) {
	b, err := json.Marshal(o2c.KWD)
	require.NoError(t, err)
	assert.JSONEq(t, `"KWD"`, string(b))
	var c o2c.Currency
	require.NoError(t, json.Unmarshal(b, &c))
	assert.Equal(t, o2c.KWD, c)

	err = json.Unmarshal([]byte(`"kwd"`), &c)
	requireValidation(t, err, "currency", o2c.ErrUnknownCurrency)
	err = json.Unmarshal([]byte(`12`), &c)
	requireValidation(t, err, "currency", o2c.ErrUnknownCurrency)

	v, err := o2c.JPY.Value()
	require.NoError(t, err)
	assert.Equal(t, "JPY", v)
	v, err = o2c.Currency{}.Value()
	require.NoError(t, err)
	assert.Nil(t, v)

	require.NoError(t, c.Scan([]byte("CHF ")), "CHAR(4) padding is tolerated")
	assert.Equal(t, o2c.CHF, c)
	require.NoError(t, c.Scan(nil))
	assert.True(t, c.IsZero())
	require.Error(t, c.Scan(42))
}

func TestMoneyOfAndFromMinor(t *testing.T) {
	m, err := o2c.MoneyOf(dec("12.5"), o2c.EUR)
	require.NoError(t, err)
	assert.Equal(t, "12.50 EUR", m.String())

	_, err = o2c.MoneyOf(dec("1"), o2c.Currency{})
	requireValidation(t, err, "currency", o2c.ErrUnknownCurrency)
	_, err = o2c.MoneyOf(dec("1e18"), o2c.EUR)
	requireValidation(t, err, "amount", o2c.ErrInvalidAmount)

	assert.Equal(t, "12.50 EUR", o2c.FromMinor(1250, o2c.EUR).String())
	assert.Equal(t, "-1250 JPY", o2c.FromMinor(-1250, o2c.JPY).String())
	assert.Equal(t, "1.250 KWD", o2c.FromMinor(1250, o2c.KWD).String())
	assert.True(t, o2c.Zero(o2c.USD).IsZero())
	assert.Equal(t, "0.00 USD", o2c.Zero(o2c.USD).String())

	assert.Panics(t, func() { o2c.MustMoney("abc", "EUR") })
	assert.Panics(t, func() { o2c.MustMoney("1", "XYZ") })
}

func TestMoneySignPredicates(t *testing.T) {
	pos, neg, zero := o2c.MustMoney("0.01", "EUR"), o2c.MustMoney("-0.01", "EUR"), o2c.MustMoney("0.00", "EUR")
	assert.True(t, pos.IsPositive())
	assert.False(t, pos.IsNegative())
	assert.Equal(t, 1, pos.Sign())
	assert.True(t, neg.IsNegative())
	assert.False(t, neg.IsPositive())
	assert.Equal(t, -1, neg.Sign())
	assert.True(t, zero.IsZero())
	assert.Equal(t, 0, zero.Sign())
	assert.False(t, pos.IsZero())
}

func TestMoneyArithmetic(t *testing.T) {
	a := o2c.MustMoney("12.50", "EUR")
	b := o2c.MustMoney("0.75", "EUR")

	sum, err := a.Add(b)
	require.NoError(t, err)
	assert.Equal(t, "13.25 EUR", sum.String())

	diff, err := b.Sub(a)
	require.NoError(t, err)
	assert.Equal(t, "-11.75 EUR", diff.String())

	assert.Equal(t, "-12.50 EUR", a.Neg().String())
	assert.Equal(t, "12.50 EUR", a.Neg().Neg().String())
	assert.Equal(t, "11.75 EUR", diff.Abs().String())
	assert.Equal(t, "12.50 EUR", a.Abs().String())

	// Mul keeps every decimal; MulRound rounds to the minor unit.
	price := o2c.MustMoney("0.0125", "EUR")
	assert.Equal(t, "0.4375 EUR", price.Mul(dec("35")).String())
	assert.Equal(t, "0.44 EUR", price.MulRound(dec("35"), o2c.RoundHalfUp).String())
	assert.Equal(t, "0.43 EUR", price.MulRound(dec("35"), o2c.RoundDown).String())
	assert.Equal(t, "-0.44 EUR", price.MulRound(dec("-35"), o2c.RoundHalfUp).String())
	yen := o2c.MustMoney("1000", "JPY") // x 0.0025 = 2.5 JPY
	assert.Equal(t, "3 JPY", yen.MulRound(dec("0.0025"), o2c.RoundHalfUp).String())
	assert.Equal(t, "2 JPY", yen.MulRound(dec("0.0025"), o2c.RoundHalfEven).String())
	assert.Equal(t, "2 JPY", yen.MulRound(dec("0.0025"), o2c.RoundDown).String())

	// Operations never modify their operands.
	assert.Equal(t, "12.50 EUR", a.String())
	assert.Equal(t, "0.75 EUR", b.String())
}

func TestMoneyComparisons(t *testing.T) {
	small, big := o2c.MustMoney("-3.10", "USD"), o2c.MustMoney("2", "USD")

	c, err := small.Cmp(big)
	require.NoError(t, err)
	assert.Equal(t, -1, c)
	c, err = big.Cmp(small)
	require.NoError(t, err)
	assert.Equal(t, 1, c)
	c, err = big.Cmp(o2c.MustMoney("2.000", "USD"))
	require.NoError(t, err)
	assert.Equal(t, 0, c)

	lt, err := small.LessThan(big)
	require.NoError(t, err)
	assert.True(t, lt)
	lt, err = big.LessThan(small)
	require.NoError(t, err)
	assert.False(t, lt)
	lt, err = big.LessThan(big)
	require.NoError(t, err)
	assert.False(t, lt)

	gt, err := big.GreaterThan(small)
	require.NoError(t, err)
	assert.True(t, gt)
	gt, err = small.GreaterThan(big)
	require.NoError(t, err)
	assert.False(t, gt)

	mn, err := big.Min(small)
	require.NoError(t, err)
	assert.Equal(t, small, mn)
	mx, err := small.Max(big)
	require.NoError(t, err)
	assert.Equal(t, big, mx)
	mn, err = small.Min(big)
	require.NoError(t, err)
	assert.Equal(t, small, mn)
	mx, err = big.Max(small)
	require.NoError(t, err)
	assert.Equal(t, big, mx)

	assert.True(t, o2c.MustMoney("12.5", "EUR").Equal(o2c.MustMoney("12.500", "EUR")))
	assert.False(t, o2c.MustMoney("12.5", "EUR").Equal(o2c.MustMoney("12.5", "USD")))
	assert.False(t, o2c.MustMoney("12.5", "EUR").Equal(o2c.MustMoney("12.51", "EUR")))
}

func TestSum(t *testing.T) {
	total, err := o2c.Sum(o2c.EUR)
	require.NoError(t, err)
	assert.True(t, total.Equal(o2c.Zero(o2c.EUR)))

	total, err = o2c.Sum(o2c.EUR, o2c.MustMoney("1.10", "EUR"), o2c.MustMoney("2.20", "EUR"), o2c.MustMoney("-0.30", "EUR"))
	require.NoError(t, err)
	assert.Equal(t, "3.00 EUR", total.String())

	_, err = o2c.Sum(o2c.EUR, o2c.MustMoney("1", "EUR"), o2c.MustMoney("1", "USD"))
	requireMismatch(t, err, o2c.EUR, o2c.USD)
	_, err = o2c.Sum(o2c.USD, o2c.MustMoney("1", "EUR"))
	requireMismatch(t, err, o2c.USD, o2c.EUR)
}

func requireMismatch(t *testing.T, err error, left, right o2c.Currency) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, o2c.ErrCurrencyMismatch)
	assert.NotErrorIs(t, err, o2c.ErrValidation)
	var me *o2c.CurrencyMismatchError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, left, me.Left)
	assert.Equal(t, right, me.Right)
	assert.NotEmpty(t, me.Op)
	assert.Contains(t, err.Error(), left.Code())
	assert.Contains(t, err.Error(), right.Code())
}

func TestMoneyCurrencyMismatch(t *testing.T) {
	eur, usd := o2c.MustMoney("1", "EUR"), o2c.MustMoney("1", "USD")
	ops := map[string]func() error{
		"add":     func() error { _, err := eur.Add(usd); return err },
		"sub":     func() error { _, err := eur.Sub(usd); return err },
		"cmp":     func() error { _, err := eur.Cmp(usd); return err },
		"less":    func() error { _, err := eur.LessThan(usd); return err },
		"greater": func() error { _, err := eur.GreaterThan(usd); return err },
		"min":     func() error { _, err := eur.Min(usd); return err },
		"max":     func() error { _, err := eur.Max(usd); return err },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) { requireMismatch(t, op(), o2c.EUR, o2c.USD) })
	}

	// The zero Money has no currency and is refused too.
	_, err := o2c.Money{}.Add(eur)
	requireMismatch(t, err, o2c.Currency{}, o2c.EUR)

	// Results on error are the zero Money, not a half-computed value.
	m, err := eur.Add(usd)
	require.Error(t, err)
	assert.Equal(t, o2c.Money{}, m)
}

func TestRoundingModes(t *testing.T) {
	type row struct {
		amount, code string
		want         [6]string // half-up, half-even, down, up, floor, ceiling
	}
	rows := []row{
		// EUR, 2 digits
		{"2.345", "EUR", [6]string{"2.35", "2.34", "2.34", "2.35", "2.34", "2.35"}},
		{"-2.345", "EUR", [6]string{"-2.35", "-2.34", "-2.34", "-2.35", "-2.35", "-2.34"}},
		{"2.355", "EUR", [6]string{"2.36", "2.36", "2.35", "2.36", "2.35", "2.36"}},
		{"-2.355", "EUR", [6]string{"-2.36", "-2.36", "-2.35", "-2.36", "-2.36", "-2.35"}},
		{"2.341", "EUR", [6]string{"2.34", "2.34", "2.34", "2.35", "2.34", "2.35"}},
		{"-2.349", "EUR", [6]string{"-2.35", "-2.35", "-2.34", "-2.35", "-2.35", "-2.34"}},
		{"2.3450000001", "EUR", [6]string{"2.35", "2.35", "2.34", "2.35", "2.34", "2.35"}}, // just above a tie
		{"0.005", "EUR", [6]string{"0.01", "0.00", "0.00", "0.01", "0.00", "0.01"}},
		{"-0.005", "EUR", [6]string{"-0.01", "0.00", "0.00", "-0.01", "-0.01", "0.00"}},
		{"7.10", "EUR", [6]string{"7.10", "7.10", "7.10", "7.10", "7.10", "7.10"}}, // already rounded
		// JPY, 0 digits
		{"2.5", "JPY", [6]string{"3", "2", "2", "3", "2", "3"}},
		{"3.5", "JPY", [6]string{"4", "4", "3", "4", "3", "4"}},
		{"-2.5", "JPY", [6]string{"-3", "-2", "-2", "-3", "-3", "-2"}},
		{"-3.5", "JPY", [6]string{"-4", "-4", "-3", "-4", "-4", "-3"}},
		{"1234.4999", "JPY", [6]string{"1234", "1234", "1234", "1235", "1234", "1235"}},
		{"-0.4", "JPY", [6]string{"0", "0", "0", "-1", "-1", "0"}},
		// KWD, 3 digits
		{"1.2345", "KWD", [6]string{"1.235", "1.234", "1.234", "1.235", "1.234", "1.235"}},
		{"1.2355", "KWD", [6]string{"1.236", "1.236", "1.235", "1.236", "1.235", "1.236"}},
		{"-1.2345", "KWD", [6]string{"-1.235", "-1.234", "-1.234", "-1.235", "-1.235", "-1.234"}},
		{"0.0001", "KWD", [6]string{"0.000", "0.000", "0.000", "0.001", "0.000", "0.001"}},
	}
	modes := []o2c.RoundingMode{o2c.RoundHalfUp, o2c.RoundHalfEven, o2c.RoundDown, o2c.RoundUp, o2c.RoundFloor, o2c.RoundCeiling}
	for _, r := range rows {
		m := o2c.MustMoney(r.amount, r.code)
		for i, mode := range modes {
			got := m.Round(mode)
			assert.Equal(t, r.want[i]+" "+r.code, got.String(), "%s %s %s", r.amount, r.code, mode)
			assert.True(t, got.IsRounded(), "%s rounded with %s", r.amount, mode)
			assert.Equal(t, m.Currency(), got.Currency())
			// RoundingMode.Round on a bare decimal agrees with Money.Round.
			assert.True(t, mode.Round(m.Amount(), m.Currency().Digits()).Equal(got.Amount()))
		}
	}
}

func TestRoundTo(t *testing.T) {
	m := o2c.MustMoney("0.012549", "EUR")
	assert.Equal(t, "0.0125 EUR", m.RoundTo(4, o2c.RoundHalfUp).String())
	assert.Equal(t, "0.0126 EUR", m.RoundTo(4, o2c.RoundUp).String())
	assert.Equal(t, "0.01 EUR", m.RoundTo(2, o2c.RoundHalfUp).String())
	assert.False(t, m.RoundTo(4, o2c.RoundHalfUp).IsRounded())
}

func TestRoundingModeText(t *testing.T) {
	for _, mode := range []o2c.RoundingMode{o2c.RoundHalfUp, o2c.RoundHalfEven, o2c.RoundDown, o2c.RoundUp, o2c.RoundFloor, o2c.RoundCeiling} {
		b, err := mode.MarshalText()
		require.NoError(t, err)
		var back o2c.RoundingMode
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, mode, back)
	}
	assert.Equal(t, "half-even", o2c.RoundHalfEven.String())
	assert.Equal(t, "RoundingMode(42)", o2c.RoundingMode(42).String())

	_, err := o2c.ParseRoundingMode("HALF_UP")
	requireValidation(t, err, "rounding mode", nil)
	var mode o2c.RoundingMode = o2c.RoundCeiling
	require.Error(t, mode.UnmarshalText([]byte("bankers")))
	assert.Equal(t, o2c.RoundCeiling, mode, "a failed UnmarshalText leaves the value alone")
}

func TestIsRoundedAndMinorUnits(t *testing.T) {
	cases := []struct {
		amount, code string
		units        int64
	}{
		{"12.50", "EUR", 1250},
		{"12.5", "EUR", 1250},
		{"-0.01", "EUR", -1},
		{"0", "EUR", 0},
		{"1000", "JPY", 1000},
		{"-7", "JPY", -7},
		{"1.000", "KWD", 1000},
		{"-1.234", "KWD", -1234},
		{"92233720368547758.07", "EUR", 9223372036854775807}, // max int64
		{"-92233720368547758.08", "EUR", -9223372036854775808},
		{"12.5000", "EUR", 1250}, // extra zeros are still rounded
	}
	for _, c := range cases {
		m := o2c.MustMoney(c.amount, c.code)
		assert.True(t, m.IsRounded(), c.amount)
		u, err := m.MinorUnits()
		require.NoError(t, err, c.amount)
		assert.Equal(t, c.units, u, c.amount)
		back := o2c.FromMinor(u, m.Currency())
		assert.True(t, back.Equal(m))
	}

	notRounded := []struct{ amount, code string }{{"0.125", "EUR"}, {"0.5", "JPY"}, {"1.0001", "KWD"}}
	for _, c := range notRounded {
		m := o2c.MustMoney(c.amount, c.code)
		assert.False(t, m.IsRounded(), c.amount)
		_, err := m.MinorUnits()
		requireValidation(t, err, "amount", o2c.ErrInvalidAmount)
	}

	_, err := o2c.MustMoney("92233720368547758.08", "EUR").MinorUnits()
	requireValidation(t, err, "amount", o2c.ErrInvalidAmount)
	_, err = o2c.MustMoney("999999999999999999", "KWD").MinorUnits()
	requireValidation(t, err, "amount", o2c.ErrInvalidAmount)
}

func TestMoneyStrings(t *testing.T) {
	cases := []struct{ amount, code, amountString, str string }{
		{"12.5", "EUR", "12.50", "12.50 EUR"},
		{"12.50", "EUR", "12.50", "12.50 EUR"},
		{"12.5000", "EUR", "12.50", "12.50 EUR"},
		{"0.0125", "EUR", "0.0125", "0.0125 EUR"},
		{"-0.0125", "EUR", "-0.0125", "-0.0125 EUR"},
		{"1000", "JPY", "1000", "1000 JPY"},
		{"1000.00", "JPY", "1000", "1000 JPY"},
		{"1000.5", "JPY", "1000.5", "1000.5 JPY"},
		{"1", "KWD", "1.000", "1.000 KWD"},
		{"-1.5", "KWD", "-1.500", "-1.500 KWD"},
		{"1.5e3", "EUR", "1500.00", "1500.00 EUR"},
		{"0", "EUR", "0.00", "0.00 EUR"},
		{"-0.5", "EUR", "-0.50", "-0.50 EUR"},
	}
	for _, c := range cases {
		m := o2c.MustMoney(c.amount, c.code)
		assert.Equal(t, c.amountString, m.AmountString(), c.amount)
		assert.Equal(t, c.str, m.String(), c.amount)

		back, err := o2c.ParseMoney(m.String())
		require.NoError(t, err)
		assert.True(t, back.Equal(m))
		assert.Equal(t, c.str, back.String())
	}
}

func TestParseMoney(t *testing.T) {
	m, err := o2c.ParseMoney("  -12.50 EUR ")
	require.NoError(t, err)
	assert.Equal(t, "-12.50 EUR", m.String())

	m, err = o2c.ParseMoney("1000 JPY")
	require.NoError(t, err)
	assert.Equal(t, o2c.JPY, m.Currency())

	for _, s := range []string{"", "12.50", "12.50EUR", "EUR"} {
		_, err := o2c.ParseMoney(s)
		requireValidation(t, err, "money", o2c.ErrInvalidAmount)
	}
	_, err = o2c.ParseMoney("12.50 eur")
	requireValidation(t, err, "currency", o2c.ErrUnknownCurrency)
	_, err = o2c.ParseMoney("abc EUR")
	requireValidation(t, err, "amount", o2c.ErrInvalidAmount)
	_, err = o2c.ParseMoney("NaN EUR")
	requireValidation(t, err, "amount", o2c.ErrInvalidAmount)
}

func TestMoneyJSON(t *testing.T) {
	m := o2c.MustMoney("12.5", "EUR")
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"amount":"12.50","currency":"EUR"}`, string(b))

	var back o2c.Money
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.Equal(m))

	// Inside a struct, including the zero Money (null both ways).
	type doc struct {
		Total o2c.Money  `json:"total"`
		Fee   o2c.Money  `json:"fee"`
		Tip   *o2c.Money `json:"tip"`
	}
	in := doc{Total: o2c.MustMoney("0.0125", "KWD")}
	b, err = json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"total":{"amount":"0.0125","currency":"KWD"},"fee":null,"tip":null}`, string(b))
	var out doc
	require.NoError(t, json.Unmarshal(b, &out))
	assert.True(t, out.Total.Equal(in.Total))
	assert.Equal(t, o2c.Money{}, out.Fee)
	assert.Nil(t, out.Tip)
}

func TestMoneyUnmarshalJSONForms(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"amount":"12.50","currency":"EUR"}`, "12.50 EUR"},
		{`{"currency":"EUR","amount":"12.50"}`, "12.50 EUR"},
		{`{"amount":12.5,"currency":"EUR"}`, "12.50 EUR"},      // a JSON number
		{`{"amount":-0.0125,"currency":"EUR"}`, "-0.0125 EUR"}, // never through a float
		{`{"amount":0.1,"currency":"EUR"}`, "0.10 EUR"},        // 0.1 stays exactly 0.1
		{`{"amount":1e3,"currency":"JPY"}`, "1000 JPY"},
		{`{"amount":123456789012345678,"currency":"JPY"}`, "123456789012345678 JPY"}, // beyond float64 precision
		{`{"amount":"1.000","currency":"KWD"}`, "1.000 KWD"},
		{` { "amount" : " 7 " , "currency" : "USD" } `, "7.00 USD"},
		{`{"amount":"\u0031\u0032","currency":"EUR"}`, "12.00 EUR"}, // JSON escapes in the string
	}
	for _, c := range cases {
		var m o2c.Money
		require.NoError(t, json.Unmarshal([]byte(c.in), &m), c.in)
		assert.Equal(t, c.want, m.String(), c.in)
	}

	m := o2c.MustMoney("1", "EUR")
	require.NoError(t, json.Unmarshal([]byte(`null`), &m))
	assert.Equal(t, o2c.Money{}, m, "null resets to the zero Money")
}

func TestMoneyUnmarshalJSONErrors(t *testing.T) {
	cases := []struct {
		in       string
		field    string
		sentinel error
	}{
		{`"12.50 EUR"`, "money", o2c.ErrInvalidAmount},
		{`12.5`, "money", o2c.ErrInvalidAmount},
		{`[]`, "money", o2c.ErrInvalidAmount},
		{`{"amount":"12.50","currency":3}`, "money", o2c.ErrInvalidAmount},
		{`{"currency":"EUR"}`, "amount", o2c.ErrInvalidAmount},
		{`{"amount":null,"currency":"EUR"}`, "amount", o2c.ErrInvalidAmount},
		{`{"amount":true,"currency":"EUR"}`, "amount", o2c.ErrInvalidAmount},
		{`{"amount":{},"currency":"EUR"}`, "amount", o2c.ErrInvalidAmount},
		{`{"amount":"NaN","currency":"EUR"}`, "amount", o2c.ErrInvalidAmount},
		{`{"amount":"1e999999999","currency":"EUR"}`, "amount", o2c.ErrInvalidAmount},
		{`{"amount":1e400,"currency":"EUR"}`, "amount", o2c.ErrInvalidAmount},
		{`{"amount":1e-400,"currency":"EUR"}`, "amount", o2c.ErrInvalidAmount},
		{`{"amount":"","currency":"EUR"}`, "amount", o2c.ErrInvalidAmount},
		{`{"amount":"12.50","currency":"eur"}`, "currency", o2c.ErrUnknownCurrency},
		{`{"amount":"12.50","currency":"XYZ"}`, "currency", o2c.ErrUnknownCurrency},
		{`{"amount":"12.50"}`, "currency", o2c.ErrUnknownCurrency},
		{`{"amount":"12.50","currency":""}`, "currency", o2c.ErrUnknownCurrency},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			m := o2c.MustMoney("5", "EUR")
			err := json.Unmarshal([]byte(c.in), &m)
			requireValidation(t, err, c.field, c.sentinel)
			assert.Equal(t, "5.00 EUR", m.String(), "a failed decode leaves the value alone")
		})
	}

	// Malformed JSON is refused by encoding/json itself with a syntax error.
	var m o2c.Money
	var syntax *json.SyntaxError
	require.ErrorAs(t, json.Unmarshal([]byte(`{"amount":`), &m), &syntax)
	// Calling UnmarshalJSON directly with garbage still gives a typed error.
	requireValidation(t, m.UnmarshalJSON([]byte(`{"amount":`)), "money", o2c.ErrInvalidAmount)
}

func TestMoneySQL(t *testing.T) {
	for _, s := range []string{"12.50 EUR", "-0.0125 EUR", "1000 JPY", "1.000 KWD", "0.0001 CLF"} {
		m, err := o2c.ParseMoney(s)
		require.NoError(t, err)
		v, err := m.Value()
		require.NoError(t, err)
		assert.Equal(t, s, v)

		var back o2c.Money
		require.NoError(t, back.Scan(v))
		assert.True(t, back.Equal(m))
		var fromBytes o2c.Money
		require.NoError(t, fromBytes.Scan([]byte(v.(string))))
		assert.True(t, fromBytes.Equal(m))
	}

	v, err := o2c.Money{}.Value()
	require.NoError(t, err)
	assert.Nil(t, v, "the zero Money is NULL")
	m := o2c.MustMoney("1", "EUR")
	require.NoError(t, m.Scan(nil))
	assert.Equal(t, o2c.Money{}, m)

	requireValidation(t, m.Scan("12.50"), "money", o2c.ErrInvalidAmount)
	requireValidation(t, m.Scan("12.50 XYZ"), "currency", o2c.ErrUnknownCurrency)
	require.Error(t, m.Scan(12.5), "floats are never scanned into Money")
	require.Error(t, m.Scan(int64(12)))
}

// Arithmetic can leave the limits NewMoney enforces on text. Such a value is
// refused when encoded, instead of being written in a form that cannot be
// read back.
func TestMoneyCodecsRefuseWhatCannotBeReadBack(t *testing.T) {
	tiny := o2c.MustMoney("0.0000000000000000000000000001", "EUR") // 28 fraction digits
	tooPrecise := tiny.Mul(dec("0.5"))                             // 29
	huge := o2c.MustMoney("999999999999999999", "EUR")
	tooBig, err := huge.Add(huge)
	require.NoError(t, err)

	for _, m := range []o2c.Money{tooPrecise, tooBig} {
		_, err := json.Marshal(m)
		require.ErrorIs(t, err, o2c.ErrInvalidAmount, m.String())
		require.ErrorIs(t, err, o2c.ErrValidation)
		_, err = m.Value()
		requireValidation(t, err, "amount", o2c.ErrInvalidAmount)
	}

	// At the limits, both codecs round-trip.
	for _, m := range []o2c.Money{tiny, huge, huge.Neg()} {
		b, err := json.Marshal(m)
		require.NoError(t, err)
		var back o2c.Money
		require.NoError(t, json.Unmarshal(b, &back))
		assert.True(t, back.Equal(m))
	}
}

func TestValidationErrorMessagesNameTheInput(t *testing.T) {
	_, err := o2c.NewMoney("12,50", "EUR")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "amount")
	assert.Contains(t, err.Error(), "12,50")

	_, err = o2c.ParseAmount(strings.Repeat("9", 5000))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 200, "a huge input is not echoed back whole")
	var ve *o2c.ValidationError
	require.True(t, errors.As(err, &ve))
}

func TestParseAmountExponentWithLeadingZeros(t *testing.T) {
	d, err := o2c.ParseAmount("1e0005")
	require.NoError(t, err)
	require.Equal(t, "100000", d.String())
	_, err = o2c.ParseAmount("1e0000400")
	require.ErrorIs(t, err, o2c.ErrInvalidAmount)
}
