package matching

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cashcycle/sdk/o2c"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/mt940/cashcycle/" + name)
	require.NoError(t, err)
	return data
}

func TestMT940DotDecimalKeepsCents(t *testing.T) {
	sts, err := ParseMT940(bytes.NewReader(readFixture(t, "dot_decimal.sta")))
	require.NoError(t, err)
	require.Len(t, sts, 1)
	s := sts[0]
	require.Len(t, s.Lines, 3)
	assert.Equal(t, "43985.66 EUR", s.Lines[0].Amount.String())
	assert.Equal(t, "NONREF ACME TRADING BV", s.Lines[0].CustomerReference, "the cents must not leak into the reference")
	assert.Equal(t, "N122", s.Lines[0].TransactionCode)
	assert.Equal(t, "12.05 EUR", s.Lines[1].Amount.String())
	assert.Equal(t, Debit, s.Lines[1].Direction)
	assert.Equal(t, "100.00 EUR", s.Lines[2].Amount.String())
	assert.Equal(t, "12345.10 EUR", s.OpeningBalance.Amount.String())
	assert.Equal(t, "56418.71 EUR", s.ClosingBalance.Amount.String())
	assert.Nil(t, s.Incomplete)
}

func TestMT940AmbiguousAmountRefused(t *testing.T) {
	_, err := ParseMT940(bytes.NewReader(readFixture(t, "ambiguous_amount.sta")))
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, ErrMalformed)
	assert.Equal(t, 5, pe.Line)
	assert.Equal(t, ":61:", pe.Element)
	assert.Contains(t, err.Error(), "cannot be read exactly")
	for _, amt := range []string{"1,234.56", "1.234.56", "12,34,56"} {
		in := ":20:X\n:60F:C260302EUR0,00\n:61:2603020302CR" + amt + "NTRFNONREF\n:62F:C260302EUR0,00\n-"
		_, err := ParseMT940(strings.NewReader(in))
		assert.ErrorIs(t, err, ErrMalformed, amt)
	}
}

func TestMT940EndMarkerWithLeadingSpace(t *testing.T) {
	sts, err := ParseMT940(bytes.NewReader(readFixture(t, "leading_space_end.sta")))
	require.NoError(t, err)
	require.Len(t, sts, 2)
	assert.Equal(t, "STMT-A", sts[0].ID)
	assert.Equal(t, "STMT-B", sts[1].ID)
	require.Len(t, sts[0].Lines, 1)
	require.Len(t, sts[1].Lines, 1)
	assert.Equal(t, "INV 2026-0042", sts[0].Lines[0].RemittanceText)
	assert.Equal(t, "MAART", sts[1].Lines[0].RemittanceText)
	assert.Equal(t, "1200.00 EUR", sts[1].ClosingBalance.Amount.String())
}

func TestMT940DashInside86(t *testing.T) {
	sts, err := ParseMT940(bytes.NewReader(readFixture(t, "dash_in_86.sta")))
	require.NoError(t, err)
	require.Len(t, sts, 1, "a '-' inside a wrapped :86: must not end the statement")
	s := sts[0]
	require.Len(t, s.Lines, 2)
	assert.Contains(t, s.Lines[0].RemittanceText, "TEILZAHLUNG")
	assert.Equal(t, "MUELLER GMBH", s.Lines[0].CounterpartyName)
	require.NotNil(t, s.ClosingBalance)
	assert.Equal(t, "600.00 EUR", s.ClosingBalance.Amount.String())
}

func TestMT940DOSEndOfFile(t *testing.T) {
	data := readFixture(t, "dos_eof.sta")
	require.True(t, bytes.HasSuffix(data, []byte{0x1a}))
	variants := map[string][]byte{
		"after the end marker":       data,
		"after :62F:, no end marker": bytes.Replace(data, []byte("99,99\r\n-\r\n\x1a"), []byte("99,99\x1a"), 1),
		"on its own line":            bytes.Replace(data, []byte("\x1a"), []byte("\r\n\x1a\r\n"), 1),
	}
	for name, in := range variants {
		t.Run(name, func(t *testing.T) {
			sts, err := ParseMT940(bytes.NewReader(in))
			require.NoError(t, err)
			require.Len(t, sts, 1)
			assert.Equal(t, "99.99 EUR", sts[0].ClosingBalance.Amount.String())
			assert.Equal(t, "VIR SEPA ACME SARL FACT 2026-0099", sts[0].Lines[0].RemittanceText)
		})
	}
}

func TestMT940IntermediateStatementBalances(t *testing.T) {
	sts, err := ParseMT940(bytes.NewReader(readFixture(t, "intermediate.sta")))
	require.NoError(t, err)
	require.Len(t, sts, 2)
	assert.Equal(t, "ITBD", sts[0].ClosingBalance.Type)
	assert.Equal(t, "ITBD", sts[1].OpeningBalance.Type)
	assert.Equal(t, "80.00 EUR", sts[1].ClosingBalance.Amount.String())
}

func TestMT940UnbalancedRefused(t *testing.T) {
	data := readFixture(t, "unbalanced.sta")
	_, err := ParseMT940(bytes.NewReader(data))
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	var be *BalanceError
	require.ErrorAs(t, err, &be)
	assert.ErrorIs(t, err, ErrUnbalanced)
	assert.ErrorIs(t, err, o2c.ErrValidation)
	assert.Equal(t, 7, pe.Line)
	assert.Equal(t, ":62F:", pe.Element)
	assert.Equal(t, "STMT-OFF 00010/001", be.Statement)
	assert.Equal(t, 1, be.Index)
	assert.Equal(t, "110.00 EUR", mustAdd(t, *be.Opening, *be.Movements).String())
	assert.Equal(t, "110.01 EUR", be.Closing.String())
	assert.Contains(t, err.Error(), "STMT-OFF")

	// Accepted explicitly: kept, and marked.
	sts, err := ParseMT940(bytes.NewReader(data), AcceptPartial())
	require.NoError(t, err)
	require.NotNil(t, sts[0].Incomplete)
	assert.ErrorIs(t, sts[0].Incomplete, ErrUnbalanced)
}

func mustAdd(t *testing.T, a, b o2c.Money) o2c.Money {
	t.Helper()
	s, err := a.Add(b)
	require.NoError(t, err)
	return s
}

func TestMT940NoClosingBalanceRefused(t *testing.T) {
	data := readFixture(t, "no_closing.sta")
	_, err := ParseMT940(bytes.NewReader(data))
	assert.ErrorIs(t, err, ErrNoClosingBalance)
	var be *BalanceError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, "STMT-HALF 00012/001", be.Statement)

	sts, err := ParseMT940(bytes.NewReader(data), AcceptPartial())
	require.NoError(t, err)
	require.Len(t, sts[0].Lines, 1)
	assert.ErrorIs(t, sts[0].Incomplete, ErrNoClosingBalance)
}

// TestMT940TruncatedNeverSilent cuts the repository's fixtures at every
// byte: a cut file is either refused or yields only whole statements equal
// to those of the full file (a cut between two statements cannot be seen:
// MT940 has no file trailer).
func TestMT940TruncatedNeverSilent(t *testing.T) {
	for _, name := range []string{"leading_space_end.sta", "dot_decimal.sta", "dash_in_86.sta", "intermediate.sta", "dos_eof.sta"} {
		data := readFixture(t, name)
		full, err := ParseMT940(bytes.NewReader(data))
		require.NoError(t, err, name)
		refused := 0
		for cut := 1; cut < len(data); cut++ {
			sts, err := ParseMT940(bytes.NewReader(data[:cut]))
			if err != nil {
				refused++
				var pe *ParseError
				require.ErrorAs(t, err, &pe, "%s cut at %d", name, cut)
				continue
			}
			require.LessOrEqual(t, len(sts), len(full), "%s cut at %d", name, cut)
			for i, s := range sts {
				assert.Equal(t, full[i].Lines, s.Lines, "%s cut at %d: statement %d", name, cut, i)
				assert.True(t, full[i].ClosingBalance.Amount.Equal(s.ClosingBalance.Amount), "%s cut at %d: statement %d", name, cut, i)
			}
		}
		assert.Greater(t, refused, len(data)/2, name)
	}
}

// TestSampleBalances records which shared samples balance. The files that
// do not were cut or edited by the projects they come from (fragments of a
// field, anonymised amounts); by default they are refused with a
// BalanceError, with AcceptPartial they parse as before, marked.
func TestSampleBalances(t *testing.T) {
	unbalanced := map[string]error{
		"mt940/betterplace/amount_formats.sta":         ErrNoClosingBalance,
		"mt940/betterplace/currency_in_25.sta":         ErrNoOpeningBalance,
		"mt940/betterplace/empty_86.sta":               ErrNoOpeningBalance,
		"mt940/betterplace/empty_line.sta":             ErrNoOpeningBalance,
		"mt940/betterplace/missing_crlf_at_end.sta":    ErrNoOpeningBalance,
		"mt940/betterplace/sepa_snippet.sta":           ErrUnbalanced,
		"mt940/betterplace/sepa_snippet_broken.sta":    ErrUnbalanced,
		"mt940/cmxl/account_balance_credit.sta":        ErrNoClosingBalance,
		"mt940/cmxl/account_balance_debit.sta":         ErrNoClosingBalance,
		"mt940/cmxl/account_identification_iban.sta":   ErrNoOpeningBalance,
		"mt940/cmxl/account_identification_legacy.sta": ErrNoOpeningBalance,
		"mt940/cmxl/available_balance.sta":             ErrNoOpeningBalance,
		"mt940/cmxl/closing_balance.sta":               ErrNoOpeningBalance,
		"mt940/cmxl/reference.sta":                     ErrNoOpeningBalance,
		"mt940/cmxl/statement_number.sta":              ErrNoOpeningBalance,
		"mt940/jejik/abnamro.sta":                      ErrUnbalanced,
		"mt940/jejik/ing.sta":                          ErrUnbalanced,
		"mt940/jejik/knab.sta":                         ErrUnbalanced,
		"mt940/jejik/postfinance.sta":                  ErrUnbalanced,
		"mt940/jejik/rabobank.sta":                     ErrUnbalanced,
		"mt940/jejik/triodos.sta":                      ErrUnbalanced,
		"mt940/mBank/with_newline_in_tnr.sta":          ErrUnbalanced,
		"camt/camt053.v2.all-balance-types.xml":        ErrUnbalanced,
		"camt/camt053.v2.five.decimals.xml":            ErrUnbalanced,
		"camt/camt053.v2.minimal.ultimate.xml":         ErrNoClosingBalance,
		"camt/camt053.v2.minimal.xml":                  ErrNoClosingBalance,
		"camt/camt053.v2.with-account-name.xml":        ErrNoOpeningBalance,
		"camt/camt053.v2.with-party-ids.xml":           ErrNoClosingBalance,
		"camt/camt053.v3.xml":                          ErrNoClosingBalance,
		"camt/camt053.v4.xml":                          ErrNoClosingBalance,
		"camt/camt053.v8.xml":                          ErrNoClosingBalance,
	}
	// Refused for other reasons, tested elsewhere.
	other := map[string]bool{
		"mt940/betterplace/empty_entry_date.sta": true, // no currency: needs WithDefaultCurrency
		"mt940/cmxl/statement_details.sta":       true, // idem
		"mt940/cmxl/statement_line.sta":          true, // idem
		"mt940/cmxl/mt940.sta":                   true, // DEM
		"camt/camt053.v2.wrong.xml":              true,
	}
	var files []string
	for _, p := range []string{"testdata/mt940/*/*.sta", "testdata/mt940/*/*.txt", "testdata/camt/*.xml", "testdata/cfonb/statement.txt", "testdata/cfonb/one_line.txt"} {
		m, err := filepathGlob(p)
		require.NoError(t, err)
		files = append(files, m...)
	}
	balanced := 0
	for _, f := range files {
		rel := strings.TrimPrefix(f, "testdata/")
		if other[rel] {
			continue
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		_, err = Parse(bytes.NewReader(data), "")
		want, isUnbalanced := unbalanced[rel]
		if !isUnbalanced {
			if strings.HasPrefix(rel, "mt940/cashcycle/") && err != nil {
				continue // the repository's own refused fixtures, tested above
			}
			require.NoError(t, err, rel)
			balanced++
			continue
		}
		require.Error(t, err, rel)
		assert.True(t, errors.Is(err, want), "%s: want %v, got %v", rel, want, err)
		var be *BalanceError
		require.ErrorAs(t, err, &be, rel)
		sts, err := Parse(bytes.NewReader(data), "", AcceptPartial())
		require.NoError(t, err, rel)
		marked := false
		for _, s := range sts {
			marked = marked || s.Incomplete != nil
		}
		assert.True(t, marked, rel)
	}
	assert.GreaterOrEqual(t, balanced, 20)
}

func filepathGlob(p string) ([]string, error) { return filepath.Glob(p) }
