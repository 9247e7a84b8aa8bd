package matching

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cashcycle/sdk/o2c"
)

func addSeeds(f *testing.F, patterns ...string) {
	f.Helper()
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// checkParsed asserts what every accepted statement must satisfy, and that
// a refusal is a *ParseError matching o2c.ErrValidation.
func checkParsed(t *testing.T, sts []Statement, err error) {
	t.Helper()
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, o2c.ErrValidation) {
			t.Fatalf("error is not a *ParseError matching ErrValidation: %T %v", err, err)
		}
		if sts != nil {
			t.Fatalf("statements returned with an error")
		}
		return
	}
	if len(sts) == 0 {
		t.Fatalf("no statement and no error")
	}
	for _, s := range sts {
		for _, b := range s.Balances {
			if b.Amount.Currency().IsZero() {
				t.Fatalf("balance without currency")
			}
		}
		if s.OpeningBalance != nil && s.OpeningBalance.Amount.Currency().IsZero() {
			t.Fatalf("opening balance without currency")
		}
		for i, l := range s.Lines {
			if l.Amount.IsNegative() {
				t.Fatalf("line %d: negative amount %s", i, l.Amount)
			}
			if l.Amount.Currency().IsZero() {
				t.Fatalf("line %d: no currency", i)
			}
			if l.Direction != Credit && l.Direction != Debit {
				t.Fatalf("line %d: direction %q", i, l.Direction)
			}
			if l.BookingDate.IsZero() && l.ValueDate.IsZero() && s.Format != FormatCAMT053 && s.Format != FormatCAMT054 {
				t.Fatalf("line %d: no date", i)
			}
		}
	}
}

func FuzzCAMT(f *testing.F) {
	addSeeds(f, "testdata/camt/*.xml", "testdata/fuzz/camt/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		sts, err := ParseCAMT(bytes.NewReader(data))
		checkParsed(t, sts, err)
	})
}

func FuzzMT940(f *testing.F) {
	addSeeds(f, "testdata/mt940/*/*.sta", "testdata/mt940/*/*.txt", "testdata/fuzz/mt940/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		sts, err := ParseMT940(bytes.NewReader(data))
		checkParsed(t, sts, err)
		sts, err = ParseMT940(bytes.NewReader(data), WithDefaultCurrency(o2c.EUR))
		checkParsed(t, sts, err)
	})
}

func FuzzCFONB120(f *testing.F) {
	addSeeds(f, "testdata/cfonb/*.txt", "testdata/fuzz/cfonb/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		sts, err := ParseCFONB120(bytes.NewReader(data))
		checkParsed(t, sts, err)
		if err == nil {
			for _, s := range sts {
				if s.OpeningBalance == nil || s.ClosingBalance == nil {
					t.Fatalf("CFONB statement without both balances")
				}
			}
		}
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte(csvGerman))
	f.Add([]byte("date,amount\n2026-01-05,1\n2026-01-06,-2.5\n"))
	f.Add([]byte("Kontoauszug\ndate;amount;cur\n2026-01-05;1.234,50;EUR\n"))
	m := CSVMapping{
		Delimiter: ';', SkipRows: 1, HasHeader: true, DateLayout: "02.01.2006",
		BookingDate: ColumnAt(1), ValueDate: ColumnAt(2), Amount: ColumnAt(3), DecimalSeparator: ',', ThousandsSeparator: '.',
		Currency: ColumnAt(4), FixedCurrency: o2c.EUR, CounterpartyName: ColumnAt(5), CounterpartyIBAN: ColumnAt(6), RemittanceText: ColumnAt(7),
	}
	m2 := CSVMapping{BookingDate: ColumnAt(1), Debit: ColumnAt(2), Credit: ColumnAt(3), FixedCurrency: o2c.USD, ThousandsSeparator: ','}
	f.Fuzz(func(t *testing.T, data []byte) {
		sts, err := ParseCSV(bytes.NewReader(data), m)
		checkParsed(t, sts, err)
		sts, err = ParseCSV(bytes.NewReader(data), m2)
		checkParsed(t, sts, err)
	})
}
