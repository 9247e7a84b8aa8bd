package matching

import (
	"errors"
	"strings"
	"testing"

	"github.com/cashcycle/sdk/o2c"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const csvGerman = `Kontoauszug;Firma GmbH
Buchungstag;Valuta;Betrag;Währung;Name;IBAN;Verwendungszweck;Referenz
02.03.2026;03.03.2026;1.234,56;EUR;ACME SARL;DE44 5001 0517 5407 3249 31;RE-2026-0042 Danke;E2E-1
04.03.2026;;-45,30;EUR;Stadtwerke;;Abschlag März;

05.03.2026;05.03.2026;0,01;EUR;"Muster; Max";DE89370400440532013000;"Zahlung ""Test""";
`

func TestCSVSignedAmount(t *testing.T) {
	m := CSVMapping{
		Delimiter: ';', SkipRows: 1, HasHeader: true, DateLayout: "02.01.2006",
		BookingDate: ColumnNamed("Buchungstag"), ValueDate: ColumnNamed("Valuta"),
		Amount: ColumnNamed("Betrag"), DecimalSeparator: ',', ThousandsSeparator: '.',
		Currency: ColumnNamed("Währung"), CounterpartyName: ColumnNamed("Name"),
		CounterpartyIBAN: ColumnNamed("iban"), RemittanceText: ColumnNamed("Verwendungszweck"),
		Reference: ColumnNamed("Referenz"), AccountIBAN: "DE02 1203 0000 0000 2020 51",
	}
	sts, err := ParseCSV(strings.NewReader(csvGerman), m)
	require.NoError(t, err)
	require.Len(t, sts, 1)
	s := sts[0]
	assert.Equal(t, "DE02120300000000202051", s.AccountIBAN)
	require.Len(t, s.Lines, 3)
	l := s.Lines[0]
	assert.Equal(t, "1234.56 EUR", l.Amount.String())
	assert.Equal(t, Credit, l.Direction)
	assert.Equal(t, o2c.MustDate(2026, 3, 2), l.BookingDate)
	assert.Equal(t, o2c.MustDate(2026, 3, 3), l.ValueDate)
	assert.Equal(t, "DE44500105175407324931", l.CounterpartyIBAN)
	assert.Equal(t, "RE-2026-0042 Danke", l.RemittanceText)
	assert.Equal(t, "E2E-1", l.EndToEndID)
	assert.Equal(t, Debit, s.Lines[1].Direction)
	assert.Equal(t, "45.30 EUR", s.Lines[1].Amount.String())
	assert.Equal(t, s.Lines[1].BookingDate, s.Lines[1].ValueDate)
	assert.Equal(t, "Muster; Max", s.Lines[2].CounterpartyName)
	assert.Equal(t, `Zahlung "Test"`, s.Lines[2].RemittanceText)
	assert.Equal(t, o2c.MustDate(2026, 3, 2), s.From)
	assert.Equal(t, o2c.MustDate(2026, 3, 5), s.To)
}

func TestCSVDebitCreditColumns(t *testing.T) {
	in := "2026-03-02,,\"1,500.00\",Client A,INV-1\n2026-03-03,12.5,,Bank,fees\n2026-03-04,(3.00),,Bank,fee refund?\n"
	m := CSVMapping{
		BookingDate: ColumnAt(1), Debit: ColumnAt(2), Credit: ColumnAt(3), ThousandsSeparator: ',',
		FixedCurrency: o2c.USD, CounterpartyName: ColumnAt(4), RemittanceText: ColumnAt(5),
	}
	sts, err := ParseCSV(strings.NewReader(in), m)
	require.NoError(t, err)
	ls := sts[0].Lines
	require.Len(t, ls, 3)
	assert.Equal(t, "1500.00 USD", ls[0].Amount.String())
	assert.Equal(t, Credit, ls[0].Direction)
	assert.Equal(t, "12.50 USD", ls[1].Amount.String())
	assert.Equal(t, Debit, ls[1].Direction)
	assert.Equal(t, Debit, ls[2].Direction, "a debit column amount is a debit whatever its sign")
}

func TestCSVDirectionColumn(t *testing.T) {
	in := "date|amount|dc\n2026-01-05|10.00|C\n2026-01-06|11.00|D\n"
	m := CSVMapping{Delimiter: '|', HasHeader: true, BookingDate: ColumnNamed("date"), Amount: ColumnNamed("amount"), Direction: ColumnNamed("dc"), FixedCurrency: o2c.EUR}
	sts, err := Parse(strings.NewReader(in), FormatCSV, WithCSVMapping(m))
	require.NoError(t, err)
	assert.Equal(t, Credit, sts[0].Lines[0].Direction)
	assert.Equal(t, Debit, sts[0].Lines[1].Direction)
}

func TestCSVRefused(t *testing.T) {
	base := CSVMapping{HasHeader: true, BookingDate: ColumnNamed("date"), Amount: ColumnNamed("amount"), FixedCurrency: o2c.EUR}
	cases := map[string]struct {
		in   string
		m    CSVMapping
		line int
	}{
		"bad date":       {"date,amount\n2026-01-05,1\n05/01/2026,2\n", base, 3},
		"bad amount":     {"date,amount\n2026-01-05,1x\n", base, 2},
		"missing column": {"date,amount\n2026-01-05\n", base, 2},
		"unknown header": {"day,amount\n2026-01-05,1\n", base, 1},
		"no amount":      {"date\n", CSVMapping{HasHeader: true, BookingDate: ColumnNamed("date"), FixedCurrency: o2c.EUR}, 0},
		"no currency":    {"date,amount\n", CSVMapping{HasHeader: true, BookingDate: ColumnNamed("date"), Amount: ColumnNamed("amount")}, 0},
		"bad currency":   {"date,amount,cur\n2026-01-05,1,EURO\n", CSVMapping{HasHeader: true, BookingDate: ColumnNamed("date"), Amount: ColumnNamed("amount"), Currency: ColumnNamed("cur")}, 2},
		"bare quote":     {"date,amount\n2026-01-05,\"1\"x\"\n", CSVMapping{HasHeader: true, BookingDate: ColumnNamed("date"), Amount: ColumnNamed("amount"), FixedCurrency: o2c.EUR}, 2},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(c.in), c.m)
			require.Error(t, err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%T", err)
			assert.Equal(t, c.line, pe.Line, err.Error())
			assert.ErrorIs(t, err, o2c.ErrValidation)
		})
	}
	_, err := Parse(strings.NewReader("a,b"), FormatCSV)
	assert.ErrorIs(t, err, ErrUnknownFormat, "CSV without a mapping")
}

func TestCSVRunningBalance(t *testing.T) {
	m := CSVMapping{
		Delimiter: ';', HasHeader: true, DateLayout: "02.01.2006", DecimalSeparator: ',', ThousandsSeparator: '.',
		BookingDate: ColumnNamed("Datum"), Amount: ColumnNamed("Betrag"), Balance: ColumnNamed("Saldo"), FixedCurrency: o2c.EUR,
	}
	oldestFirst := "Datum;Betrag;Saldo\n02.03.2026;1.200,00;2.200,00\n02.03.2026;-45,30;\n03.03.2026;99,99;2.254,69\n"
	newestFirst := "Datum;Betrag;Saldo\n03.03.2026;99,99;2.254,69\n02.03.2026;-45,30;2.154,70\n02.03.2026;1.200,00;2.200,00\n"
	for name, in := range map[string]string{"oldest first": oldestFirst, "newest first": newestFirst} {
		t.Run(name, func(t *testing.T) {
			sts, err := ParseCSV(strings.NewReader(in), m)
			require.NoError(t, err)
			s := sts[0]
			require.NotNil(t, s.OpeningBalance)
			assert.Equal(t, "1000.00 EUR", s.OpeningBalance.Amount.String())
			assert.Equal(t, "2254.69 EUR", s.ClosingBalance.Amount.String())
			assert.Equal(t, o2c.MustDate(2026, 3, 2), s.OpeningBalance.Date)
			assert.Equal(t, o2c.MustDate(2026, 3, 3), s.ClosingBalance.Date)
			checkBalanced(t, s)
		})
	}
	t.Run("a missing row breaks the chain", func(t *testing.T) {
		in := "Datum;Betrag;Saldo\n02.03.2026;1.200,00;2.200,00\n03.03.2026;99,99;2.254,69\n"
		_, err := ParseCSV(strings.NewReader(in), m)
		var pe *ParseError
		require.ErrorAs(t, err, &pe)
		assert.ErrorIs(t, err, ErrUnbalanced)
		assert.Equal(t, 3, pe.Line)
		var be *BalanceError
		require.ErrorAs(t, err, &be)
		assert.Equal(t, "row at line 3", be.Statement)
		sts, err := ParseCSV(strings.NewReader(in), m, AcceptPartial())
		require.NoError(t, err)
		assert.ErrorIs(t, sts[0].Incomplete, ErrUnbalanced)
		// Through Parse as well.
		_, err = Parse(strings.NewReader(in), FormatCSV, WithCSVMapping(m))
		assert.ErrorIs(t, err, ErrUnbalanced)
	})
	t.Run("no balance column: nothing to check", func(t *testing.T) {
		m2 := m
		m2.Balance = Column{}
		sts, err := ParseCSV(strings.NewReader("Datum;Betrag;Saldo\n02.03.2026;1,00;5,00\n03.03.2026;1,00;99,00\n"), m2)
		require.NoError(t, err)
		assert.Nil(t, sts[0].OpeningBalance)
	})
}
