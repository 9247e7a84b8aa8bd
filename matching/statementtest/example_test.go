package statementtest_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/matching/statementtest"
	"github.com/cashcycle/sdk/o2c"
)

// A statement built in Go, balanced, written as camt.053 v08 and read back.
func ExampleWriteCAMT() {
	day := o2c.MustDate(2026, 3, 2)
	st := matching.Statement{
		ID:          "STMT-2026-03-02",
		AccountIBAN: "FR7630006000011234567890189",
		Lines: []matching.Line{{
			BookingDate: day, ValueDate: day, Amount: o2c.MustMoney("1200.00", "EUR"), Direction: matching.Credit,
			CounterpartyName: "ACME SARL", EndToEndID: "E2E-42", RemittanceText: "FACT 2026-0042",
			Documents: []matching.RemittanceDocument{{Kind: matching.DocumentInvoice, Number: "FACT-2026-0042"}},
		}},
	}
	if err := statementtest.Balance(&st, o2c.MustMoney("300.00", "EUR"), day); err != nil {
		fmt.Println(err)
		return
	}
	var buf bytes.Buffer
	if err := statementtest.WriteCAMT(&buf, statementtest.CAMT053v08, "MSG-1", st); err != nil {
		fmt.Println(err)
		return
	}
	sts, err := matching.Parse(&buf, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	s := sts[0]
	fmt.Println(s.Format, s.ID, s.OpeningBalance.Amount, "->", s.ClosingBalance.Amount)
	l := s.Lines[0]
	fmt.Println(l.Direction, l.Amount, l.CounterpartyName, l.EndToEndID, l.Documents[0].Number)
	// Output:
	// camt.053 STMT-2026-03-02 300.00 EUR -> 1500.00 EUR
	// credit 1200.00 EUR ACME SARL E2E-42 FACT-2026-0042
}

// The same statement as MT940, with the German SEPA :86: subfields.
func ExampleWriteMT940() {
	day := o2c.MustDate(2026, 3, 2)
	st := matching.Statement{
		ID:          "STMT0302",
		AccountIBAN: "DE44500105175407324931",
		Lines: []matching.Line{{
			BookingDate: day, ValueDate: day, Amount: o2c.MustMoney("1200.00", "EUR"), Direction: matching.Credit,
			CounterpartyName: "ACME SARL", EndToEndID: "E2E-42", RemittanceText: "RE-2026-0042", TransactionCode: "NTRF/166",
		}},
	}
	if err := statementtest.Balance(&st, o2c.MustMoney("1000.00", "EUR"), day.AddDays(-1)); err != nil {
		fmt.Println(err)
		return
	}
	var buf bytes.Buffer
	if err := statementtest.WriteMT940(&buf, st); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(strings.ReplaceAll(buf.String(), "\r\n", "\n")) // the file has CRLF line ends
	// Output:
	// :20:STMT0302
	// :25:DE44500105175407324931
	// :28C:1
	// :60F:C260301EUR1000,00
	// :61:2603020302C1200,00NTRFNONREF
	// :86:166?00?20EREF+E2E-42 SVWZ+RE-2026-00?2142?32ACME SARL
	// :62F:C260302EUR2200,00
	// -
}
