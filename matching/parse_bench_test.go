package matching

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func benchParse(b *testing.B, data []byte, parse func([]byte) ([]Statement, error)) {
	b.Helper()
	sts, err := parse(data)
	if err != nil {
		b.Fatal(err)
	}
	lines := 0
	for _, s := range sts {
		lines += len(s.Lines)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := parse(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*lines), "ns/line")
}

func mustRead(b *testing.B, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkParseCAMT054: a camt.054 notification of 3 batch transactions, repeated 100 times.
func BenchmarkParseCAMT054(b *testing.B) {
	data := mustRead(b, "testdata/camt/camt054.v8.xml")
	s := string(data)
	i, j := strings.Index(s, "<Ntry>"), strings.LastIndex(s, "</Ntry>")+len("</Ntry>")
	big := s[:i] + strings.Repeat(s[i:j], 100) + s[j:]
	benchParse(b, []byte(big), func(d []byte) ([]Statement, error) { return ParseCAMT(bytes.NewReader(d)) })
}

// BenchmarkParseMT940: the 97-line SEPA sample (German ?NN :86: subfields).
func BenchmarkParseMT940(b *testing.B) {
	data := mustRead(b, "testdata/mt940/betterplace/sepa_mt9401.sta")
	benchParse(b, data, func(d []byte) ([]Statement, error) { return ParseMT940(bytes.NewReader(d)) })
}

// BenchmarkParseCFONB120: the hand-built statement, repeated 100 times.
func BenchmarkParseCFONB120(b *testing.B) {
	data := bytes.Repeat(mustRead(b, "testdata/cfonb/statement.txt"), 100)
	benchParse(b, data, func(d []byte) ([]Statement, error) { return ParseCFONB120(bytes.NewReader(d)) })
}

// BenchmarkParseCSV: 1000 rows with a German mapping.
func BenchmarkParseCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("Kontoauszug\nBuchungstag;Valuta;Betrag;Währung;Name;IBAN;Verwendungszweck;Referenz\n")
	for range 1000 {
		sb.WriteString("02.03.2026;03.03.2026;1.234,56;EUR;ACME SARL;DE44500105175407324931;RE-2026-0042 Danke;E2E-1\n")
	}
	m := CSVMapping{
		Delimiter: ';', SkipRows: 1, HasHeader: true, DateLayout: "02.01.2006",
		BookingDate: ColumnNamed("Buchungstag"), ValueDate: ColumnNamed("Valuta"), Amount: ColumnNamed("Betrag"),
		DecimalSeparator: ',', ThousandsSeparator: '.', Currency: ColumnNamed("Währung"),
		CounterpartyName: ColumnNamed("Name"), CounterpartyIBAN: ColumnNamed("IBAN"), RemittanceText: ColumnNamed("Verwendungszweck"),
	}
	benchParse(b, []byte(sb.String()), func(d []byte) ([]Statement, error) { return ParseCSV(bytes.NewReader(d), m) })
}
