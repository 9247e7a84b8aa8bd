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
		checkBalances(t, s)
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

// checkBalances asserts the balance check's promise on an accepted
// statement: unless it was accepted as incomplete, an MT940 or CFONB
// statement states both balances and its lines add up from one to the
// other; a statement marked incomplete says why.
func checkBalances(t *testing.T, s Statement) {
	t.Helper()
	if s.Incomplete != nil {
		if !errors.Is(s.Incomplete, ErrUnbalanced) && !errors.Is(s.Incomplete, ErrNoClosingBalance) && !errors.Is(s.Incomplete, ErrNoOpeningBalance) {
			t.Fatalf("Incomplete is %v", s.Incomplete)
		}
		return
	}
	switch s.Format {
	case FormatMT940, FormatCFONB120:
	case FormatCSV:
		if s.OpeningBalance == nil && s.ClosingBalance == nil {
			return // no Balance column, or no balance stated
		}
	default:
		return // camt sums booked entries (not lines); MT942 and CSV may state no balance
	}
	if s.OpeningBalance == nil || s.ClosingBalance == nil {
		t.Fatalf("%s statement accepted without both balances", s.Format)
	}
	sum := s.OpeningBalance.Amount
	for _, l := range s.Lines {
		a := l.Amount
		if l.Direction == Debit {
			a = a.Neg()
		}
		var err error
		if sum, err = sum.Add(a); err != nil {
			t.Fatalf("line in another currency than the opening balance: %v", err)
		}
	}
	if !sum.Equal(s.ClosingBalance.Amount) {
		t.Fatalf("accepted statement does not balance: opening %s + lines = %s, closing %s", s.OpeningBalance.Amount, sum, s.ClosingBalance.Amount)
	}
}

func FuzzCAMT(f *testing.F) {
	addSeeds(f, "testdata/camt/*.xml", "testdata/fuzz/camt/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		sts, err := ParseCAMT(bytes.NewReader(data))
		checkParsed(t, sts, err)
		sts, err = ParseCAMT(bytes.NewReader(data), AcceptPartial())
		checkParsed(t, sts, err)
		// The stream hands over the same statements.
		n := 0
		serr := ParseEach(bytes.NewReader(data), FormatCAMT053, func(Statement) error { n++; return nil }, AcceptPartial())
		if (serr == nil) != (err == nil) || err == nil && n != len(sts) {
			t.Fatalf("ParseEach: %d statements, %v; Parse: %d, %v", n, serr, len(sts), err)
		}
	})
}

func FuzzMT940(f *testing.F) {
	addSeeds(f, "testdata/mt940/*/*.sta", "testdata/mt940/*/*.txt", "testdata/fuzz/mt940/*")
	f.Add([]byte(":20:X\n:25:DE44500105175407324931\n:60F:C260302EUR100,00\n:61:2603020302C1.5NTRF\n:86:A\n-\nB\n:62F:C260302EUR101,50\n -\n\x1a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sts, err := ParseMT940(bytes.NewReader(data))
		checkParsed(t, sts, err)
		sts, err = ParseMT940(bytes.NewReader(data), WithDefaultCurrency(o2c.EUR))
		checkParsed(t, sts, err)
		sts, err = ParseMT940(bytes.NewReader(data), WithDefaultCurrency(o2c.EUR), AcceptPartial())
		checkParsed(t, sts, err)
		n := 0
		serr := ParseEach(bytes.NewReader(data), FormatMT940, func(Statement) error { n++; return nil }, WithDefaultCurrency(o2c.EUR), AcceptPartial())
		if (serr == nil) != (err == nil) || err == nil && n != len(sts) {
			t.Fatalf("ParseEach: %d statements, %v; Parse: %d, %v", n, serr, len(sts), err)
		}
	})
}

func FuzzCFONB120(f *testing.F) {
	addSeeds(f, "testdata/cfonb/*.txt", "testdata/fuzz/cfonb/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		sts, err := ParseCFONB120(bytes.NewReader(data))
		checkParsed(t, sts, err)
		psts, perr := ParseCFONB120(bytes.NewReader(data), AcceptPartial())
		checkParsed(t, psts, perr)
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
	m3 := CSVMapping{BookingDate: ColumnAt(1), Amount: ColumnAt(2), Balance: ColumnAt(3), FixedCurrency: o2c.EUR}
	f.Add([]byte("2026-01-05,10,110\n2026-01-06,-2.5,107.5\n2026-01-07,1,\n2026-01-08,1,109.5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sts, err := ParseCSV(bytes.NewReader(data), m3)
		checkParsed(t, sts, err)
		sts, err = ParseCSV(bytes.NewReader(data), m3, AcceptPartial())
		checkParsed(t, sts, err)
		sts, err = ParseCSV(bytes.NewReader(data), m)
		checkParsed(t, sts, err)
		sts, err = ParseCSV(bytes.NewReader(data), m2)
		checkParsed(t, sts, err)
	})
}
