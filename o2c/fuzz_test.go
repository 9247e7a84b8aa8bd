package o2c_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
)

var amountSeeds = []string{
	"", "  ", "NaN", "nan", "Inf", "-Inf", "1e400", "1e-400", "1e999999999", "1e-999999999",
	"abc", "1.2.3", "--1", "0x10", "1_000", "e5", "1e", ".", "1e0005", "0e999", "0e-999",
	"12.50", "-12.50", "0.0125", "1000", "+7", ".5", "5.", "1.5e3", "125E-4", "-0",
	"999999999999999999", "-999999999999999999", "1000000000000000000",
	"0.0000000000000000000000000001", "0.00000000000000000000000000001",
	"1.00000000000000000000000000000000", strings.Repeat("9", 201),
}

// checkAcceptedMoney asserts that an accepted Money survives every codec.
func checkAcceptedMoney(t *testing.T, m o2c.Money) {
	t.Helper()
	require.True(t, m.Amount().Abs().LessThan(decimal.New(1, o2c.MaxIntegerDigits)), "accepted %s", m)
	require.True(t, m.Amount().Truncate(o2c.MaxFractionDigits).Equal(m.Amount()), "accepted %s", m)

	back, err := o2c.ParseMoney(m.String())
	require.NoError(t, err, m.String())
	requireSameMoney(t, m, back)

	b, err := json.Marshal(m)
	require.NoError(t, err)
	var fromJSON o2c.Money
	require.NoError(t, json.Unmarshal(b, &fromJSON), string(b))
	requireSameMoney(t, m, fromJSON)

	v, err := m.Value()
	require.NoError(t, err)
	var fromSQL o2c.Money
	require.NoError(t, fromSQL.Scan(v))
	requireSameMoney(t, m, fromSQL)

	r := m.Round(o2c.RoundHalfEven)
	require.True(t, r.IsRounded())
	if units, err := r.MinorUnits(); err == nil {
		require.True(t, o2c.FromMinor(units, m.Currency()).Equal(r))
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range amountSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := o2c.ParseAmount(s)
		if err != nil {
			require.ErrorIs(t, err, o2c.ErrValidation)
			require.ErrorIs(t, err, o2c.ErrInvalidAmount)
			var ve *o2c.ValidationError
			require.True(t, errors.As(err, &ve))
			require.Equal(t, "amount", ve.Field)
			require.True(t, d.Equal(decimal.Zero))
			return
		}
		again, err := o2c.ParseAmount(d.String())
		require.NoError(t, err, "%q parsed as %s", s, d)
		require.True(t, again.Equal(d))

		for _, code := range []string{"JPY", "EUR", "KWD"} {
			m, err := o2c.NewMoney(s, code)
			require.NoError(t, err)
			require.True(t, m.Amount().Equal(d))
			checkAcceptedMoney(t, m)
		}
	})
}

func FuzzMoneyUnmarshalJSON(f *testing.F) {
	for _, s := range amountSeeds {
		q, _ := json.Marshal(s)
		f.Add([]byte(`{"amount":` + string(q) + `,"currency":"EUR"}`))
		f.Add([]byte(`{"amount":` + s + `,"currency":"JPY"}`))
	}
	for _, s := range []string{
		`null`, ` null `, `{}`, `[]`, `""`, `12.5`, `{"amount":"12.50"}`, `{"currency":"EUR"}`,
		`{"amount":"12.50","currency":"eur"}`, `{"amount":"12.50","currency":"XYZ"}`,
		`{"amount":"12.50","currency":""}`, `{"amount":null,"currency":"EUR"}`,
		`{"amount":true,"currency":"EUR"}`, `{"amount":{},"currency":"KWD"}`,
		`{"amount":"12.50","currency":3}`, `{"amount":`, `{"amount":"1","currency":"EUR"}x`,
		`{"amount":"\u0031","currency":"EUR"}`, `{"AMOUNT":"1","CURRENCY":"EUR"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m o2c.Money
		err := m.UnmarshalJSON(b)
		if err != nil {
			require.ErrorIs(t, err, o2c.ErrValidation, "%q", b)
			var ve *o2c.ValidationError
			require.True(t, errors.As(err, &ve))
			require.True(t, errors.Is(err, o2c.ErrInvalidAmount) || errors.Is(err, o2c.ErrUnknownCurrency), "%v", err)
			require.Equal(t, o2c.Money{}, m, "a failed decode leaves the value alone")
			return
		}
		if m.Currency().IsZero() {
			require.Equal(t, o2c.Money{}, m)
			out, err := json.Marshal(m)
			require.NoError(t, err)
			require.Equal(t, "null", string(out))
			return
		}
		checkAcceptedMoney(t, m)

		// encoding/json agrees, apart from refusing malformed JSON itself.
		var viaJSON o2c.Money
		if err := json.Unmarshal(b, &viaJSON); err == nil {
			requireSameMoney(t, m, viaJSON)
		} else {
			var syntax *json.SyntaxError
			require.ErrorAs(t, err, &syntax)
		}
	})
}
