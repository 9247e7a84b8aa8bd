package matching_test

import (
	"fmt"
	"strings"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

func ExampleParseCAMT() {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
 <BkToCstmrStmt><Stmt>
  <Id>STMT-2026-03-02</Id>
  <Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>
  <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>
  <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1500.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>
  <Ntry>
   <Amt Ccy="EUR">1200.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
   <BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>
   <NtryDtls><TxDtls>
    <Refs><EndToEndId>E2E-42</EndToEndId></Refs>
    <RltdPties><Dbtr><Pty><Nm>ACME SARL</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE44 5001 0517 5407 3249 31</IBAN></Id></DbtrAcct></RltdPties>
    <RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
   </TxDtls></NtryDtls>
  </Ntry>
 </Stmt></BkToCstmrStmt>
</Document>`
	sts, err := matching.ParseCAMT(strings.NewReader(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := sts[0]
	fmt.Println(s.Format, s.ID, s.AccountIBAN, s.ClosingBalance.Amount)
	for _, l := range s.Lines {
		fmt.Println(l.BookingDate, l.Direction, l.Amount, l.CounterpartyName, l.CounterpartyIBAN, l.EndToEndID, l.StructuredRefs)
	}
	// Output:
	// camt.053 STMT-2026-03-02 FR7630006000011234567890189 1500.00 EUR
	// 2026-03-02 credit 1200.00 EUR ACME SARL DE44500105175407324931 E2E-42 [RF18539007547034]
}

func ExampleParseMT940() {
	mt := `:20:STMT0302
:25:DE44500105175407324931
:28C:00061/001
:60F:C260301EUR1000,00
:61:2603020302CR1200,00NTRFNONREF//0724710333343453
:86:166?00GUTSCHRIFT?20EREF+E2E-42?21SVWZ+RE-2026-0042 Danke?30DRESDEFF508?31DE14508800500194785000?32ACME SARL
:62F:C260302EUR2200,00
-`
	sts, err := matching.ParseMT940(strings.NewReader(mt))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := sts[0]
	fmt.Println(s.ID, s.AccountIBAN, s.OpeningBalance.Amount, "->", s.ClosingBalance.Amount)
	l := s.Lines[0]
	fmt.Println(l.BookingDate, l.Direction, l.Amount, l.TransactionCode)
	fmt.Println(l.CounterpartyName, l.CounterpartyIBAN, l.CounterpartyBIC)
	fmt.Println(l.EndToEndID, "|", l.RemittanceText)
	// Output:
	// STMT0302 DE44500105175407324931 1000.00 EUR -> 2200.00 EUR
	// 2026-03-02 credit 1200.00 EUR NTRF/166
	// ACME SARL DE14508800500194785000 DRESDEFF508
	// E2E-42 | RE-2026-0042 Danke
}

func ExampleParseCFONB120() {
	recs := []string{
		"0130004    00823EUR2 00010234567  010326                                                  0000000012345F                ",
		"0430004015800823EUR2 0001023456705020326  030326VIR SEPA RECU ACME SARL          0000123  0000000015000{FAC2026-0042    ",
		"0530004015800823EUR2 0001023456705020326     NPYACME SARL                                                               ",
		"0730004    00823EUR2 00010234567  050326                                                  0000000027345F                ",
	}
	sts, err := matching.ParseCFONB120(strings.NewReader(strings.Join(recs, "\n")))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := sts[0]
	fmt.Println(s.AccountOther, s.OpeningBalance.Amount, "->", s.ClosingBalance.Amount)
	l := s.Lines[0]
	fmt.Println(l.BookingDate, l.ValueDate, l.Direction, l.Amount, l.CounterpartyName, "|", l.RemittanceText)
	// Output:
	// 300040082300010234567 1234.56 EUR -> 2734.56 EUR
	// 2026-03-02 2026-03-03 credit 1500.00 EUR ACME SARL | VIR SEPA RECU ACME SARL
}

func ExampleParseCSV() {
	export := `Date;Amount;Payer;Text
02/03/2026;1.234,56;ACME SARL;Facture FA-2026-0042
03/03/2026;-12,00;Banque;Frais
`
	m := matching.CSVMapping{
		Delimiter: ';', HasHeader: true, DateLayout: "02/01/2006",
		BookingDate: matching.ColumnNamed("Date"), Amount: matching.ColumnNamed("Amount"),
		DecimalSeparator: ',', ThousandsSeparator: '.', FixedCurrency: o2c.EUR,
		CounterpartyName: matching.ColumnNamed("Payer"), RemittanceText: matching.ColumnNamed("Text"),
	}
	sts, err := matching.ParseCSV(strings.NewReader(export), m)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range sts[0].Lines {
		fmt.Println(l.BookingDate, l.Direction, l.Amount, l.CounterpartyName, "|", l.RemittanceText)
	}
	// Output:
	// 2026-03-02 credit 1234.56 EUR ACME SARL | Facture FA-2026-0042
	// 2026-03-03 debit 12.00 EUR Banque | Frais
}

// Statements reads a file statement by statement (memory bounded by the
// largest statement, not the file); each statement is checked: opening
// balance + movements = closing balance.
func ExampleStatements() {
	mt := `:20:S1
:25:DE44500105175407324931
:60F:C260301EUR100,00
:61:2603020302CR20,00NTRFNONREF
:86:166?20SVWZ+RE-2026-0042
:62F:C260302EUR120,00
-
:20:S2
:25:DE44500105175407324931
:60F:C260302EUR120,00
:61:2603030303DR5,00NMSCNONREF
:62F:C260303EUR115,01
-`
	for st, err := range matching.Statements(strings.NewReader(mt), matching.FormatMT940) {
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Println(st.ID, len(st.Lines), st.ClosingBalance.Amount)
	}
	// Output:
	// S1 1 120.00 EUR
	// matching: mt940: line 12: element :62F:: statement 2 (S2): opening 120.00 EUR + movements -5.00 EUR = 115.00 EUR, but the closing balance is 115.01 EUR
}
