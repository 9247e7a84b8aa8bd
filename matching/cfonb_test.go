package matching

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cashcycle/sdk/o2c"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readCFONB(t *testing.T, name string) []Statement {
	t.Helper()
	data, err := os.ReadFile("testdata/cfonb/" + name)
	require.NoError(t, err)
	sts, err := ParseCFONB120(bytes.NewReader(data))
	require.NoError(t, err)
	return sts
}

// checkBalanced asserts opening + credits - debits = closing.
func checkBalanced(t *testing.T, s Statement) {
	t.Helper()
	require.NotNil(t, s.OpeningBalance)
	require.NotNil(t, s.ClosingBalance)
	sum := s.OpeningBalance.Amount
	for _, l := range s.Lines {
		a := l.Amount
		if l.Direction == Debit {
			a = a.Neg()
		}
		var err error
		sum, err = sum.Add(a)
		require.NoError(t, err)
	}
	assert.True(t, sum.Equal(s.ClosingBalance.Amount), "opening + lines = %s, closing %s", sum, s.ClosingBalance.Amount)
}

func TestCFONB120Statement(t *testing.T) {
	sts := readCFONB(t, "statement.txt")
	require.Len(t, sts, 2)

	s := sts[0]
	assert.Equal(t, FormatCFONB120, s.Format)
	assert.Equal(t, "300040082300010234567", s.AccountOther)
	assert.Equal(t, o2c.EUR, s.Currency)
	assert.Equal(t, "1234.56 EUR", s.OpeningBalance.Amount.String())
	assert.Equal(t, o2c.MustDate(2026, 3, 1), s.OpeningBalance.Date)
	assert.Equal(t, "2789.25 EUR", s.ClosingBalance.Amount.String())
	assert.Equal(t, o2c.MustDate(2026, 3, 5), s.ClosingBalance.Date)
	assert.Equal(t, o2c.MustDate(2026, 3, 1), s.From)
	assert.Equal(t, o2c.MustDate(2026, 3, 5), s.To)
	require.Len(t, s.Lines, 3)
	checkBalanced(t, s)

	l := s.Lines[0]
	assert.Equal(t, "1500.00 EUR", l.Amount.String())
	assert.Equal(t, Credit, l.Direction)
	assert.Equal(t, o2c.MustDate(2026, 3, 2), l.BookingDate)
	assert.Equal(t, o2c.MustDate(2026, 3, 3), l.ValueDate)
	assert.Equal(t, "05", l.TransactionCode)
	assert.Equal(t, "VIR SEPA RECU ACME SARL FACTURE FAC-2026-0042 ET FAC-2026-0043", l.RemittanceText)
	assert.Equal(t, "ACME SARL", l.CounterpartyName)
	assert.Equal(t, "E2E-ACME-0042", l.EndToEndID)
	assert.Equal(t, []string{"RF18539007547034"}, l.StructuredRefs)
	assert.Equal(t, "0000123", l.BankReference)
	assert.Equal(t, "FAC2026-0042", l.CustomerReference)

	d := s.Lines[1]
	assert.Equal(t, "45.30 EUR", d.Amount.String())
	assert.Equal(t, Debit, d.Direction)
	assert.Equal(t, "EDF", d.CounterpartyName)
	assert.Equal(t, "MANDAT123", d.MandateID)
	assert.Equal(t, "99.99 EUR", s.Lines[2].Amount.String())

	j := sts[1]
	assert.Equal(t, "JPY", j.Currency.Code())
	assert.Equal(t, "-500 JPY", j.OpeningBalance.Amount.String())
	assert.Equal(t, "500 JPY", j.ClosingBalance.Amount.String())
	require.Len(t, j.Lines, 1)
	assert.Equal(t, "1000 JPY", j.Lines[0].Amount.String())
	checkBalanced(t, j)
}

func TestCFONB120Variants(t *testing.T) {
	want := readCFONB(t, "statement.txt")[0]
	for _, name := range []string{"one_line.txt", "trimmed.txt"} {
		t.Run(name, func(t *testing.T) {
			got := readCFONB(t, name)
			require.Len(t, got, 1)
			require.Len(t, got[0].Lines, len(want.Lines))
			for i := range want.Lines {
				assert.Equal(t, want.Lines[i], got[0].Lines[i])
			}
			assert.True(t, want.ClosingBalance.Amount.Equal(got[0].ClosingBalance.Amount))
		})
	}
}

func TestCFONB120Overpunch(t *testing.T) {
	cases := map[string]string{
		"0000000000000{": "0", "0000000000000A": "0.01", "0000000000012I": "1.29",
		"0000000000000}": "0", "0000000000000J": "-0.01", "0000000000012R": "-1.29",
	}
	for field, want := range cases {
		rec := "01" + strings.Repeat("0", 5) + "    " + "00000" + "EUR2 " + "00000000001" + "  " + "010126" + strings.Repeat(" ", 50) + field + strings.Repeat(" ", 16)
		require.Len(t, rec, 120)
		m, err := cfonbMoney(rec)
		require.NoError(t, err, field)
		assert.Equal(t, want, m.Amount().String(), field)
	}
}

func TestCFONB120Refused(t *testing.T) {
	data, err := os.ReadFile("testdata/cfonb/statement.txt")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimRight(string(data), "\r\n"), "\r\n")
	mutate := func(i int, f func(string) string) string {
		c := append([]string(nil), lines...)
		c[i] = f(c[i])
		return strings.Join(c, "\n")
	}
	cases := map[string]struct {
		in   string
		line int
	}{
		"bad sign char":      {mutate(1, func(s string) string { return s[:103] + "X" + s[104:] }), 2},
		"bad date":           {mutate(1, func(s string) string { return s[:34] + "320326" + s[40:] }), 2},
		"bad record code":    {mutate(2, func(s string) string { return "09" + s[2:] }), 3},
		"bad currency":       {mutate(0, func(s string) string { return s[:16] + "ZZZ" + s[19:] }), 1},
		"record too long":    {mutate(0, func(s string) string { return s + "XYZ" }), 1},
		"complement first":   {strings.Join(lines[2:], "\n"), 1},
		"07 of another acct": {mutate(10, func(s string) string { return s[:21] + "99999999999" + s[32:] }), 11},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseCFONB120(strings.NewReader(c.in))
			require.Error(t, err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%T", err)
			assert.Equal(t, c.line, pe.Line, err.Error())
			assert.ErrorIs(t, err, o2c.ErrValidation)
		})
	}
	_, err = ParseCFONB120(strings.NewReader(lines[0] + "\n"))
	assert.ErrorIs(t, err, ErrMalformed, "no new balance")
}

func TestCFONB120ClosingBankCodeDiffers(t *testing.T) {
	data, err := os.ReadFile("testdata/cfonb/statement.txt")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimRight(string(data), "\r\n"), "\r\n")
	require.Equal(t, "07", lines[10][:2])
	lines[10] = lines[10][:2] + "30003" + lines[10][7:] // the closing record names another bank
	sts, err := ParseCFONB120(strings.NewReader(strings.Join(lines, "\n")))
	require.NoError(t, err, "a differing bank code is reported, not refused")
	require.Len(t, sts, 2)
	s := sts[0]
	assert.Equal(t, "300040082300010234567", s.AccountOther, "kept under the opening record's account")
	require.Len(t, s.Inconsistencies, 1)
	assert.Contains(t, s.Inconsistencies[0], "30003")
	assert.Contains(t, s.Inconsistencies[0], "30004")
	assert.Contains(t, s.Inconsistencies[0], "line 11")
	assert.Empty(t, sts[1].Inconsistencies)
	checkBalanced(t, s)
}

func TestCFONB120Unbalanced(t *testing.T) {
	data, err := os.ReadFile("testdata/cfonb/statement.txt")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimRight(string(data), "\r\n"), "\r\n")
	// Drop the last movement of the first statement (a 04 without complement).
	var kept []string
	dropped := false
	for i, l := range lines {
		if !dropped && l[:2] == "04" && i+1 < len(lines) && lines[i+1][:2] == "07" {
			dropped = true
			continue
		}
		kept = append(kept, l)
	}
	require.True(t, dropped)
	_, err = ParseCFONB120(strings.NewReader(strings.Join(kept, "\n")))
	assert.ErrorIs(t, err, ErrUnbalanced)
	var be *BalanceError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 1, be.Index)
	assert.Contains(t, be.Statement, "300040082300010234567")
	sts, err := ParseCFONB120(strings.NewReader(strings.Join(kept, "\n")), AcceptPartial())
	require.NoError(t, err)
	assert.ErrorIs(t, sts[0].Incomplete, ErrUnbalanced)
	assert.Nil(t, sts[1].Incomplete)
}
