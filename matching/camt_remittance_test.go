package matching

import (
	"strings"
	"testing"

	"github.com/cashcycle/sdk/o2c"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// camtDoc wraps one entry's TxDtls in a balanced camt.053 of the given version.
func camtDoc(version, amount, txDtls string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.` + version + `"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-02T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><CreDtTm>2026-03-02T10:00:00</CreDtTm>
<Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">` + amount + `</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">` + amount + `</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls>` + txDtls + `</TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`
}

func money(t *testing.T, s string) *o2c.Money {
	t.Helper()
	m, err := o2c.ParseMoney(s)
	require.NoError(t, err)
	return &m
}

func TestCAMTStructuredRemittanceDocuments(t *testing.T) {
	// v08: discount as a list of {Tp, Amt}; two Strd, one per document;
	// several Ustrd; a credit note netted by the payer.
	v08 := camtDoc("08", "1166.00", `<Refs><EndToEndId>E2E-7</EndToEndId></Refs>
<RmtInf>
 <Ustrd>Payment for March</Ustrd><Ustrd>see advice</Ustrd>
 <Strd>
  <RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>INV-2026-0042</Nb><RltdDt>2026-02-01</RltdDt></RfrdDocInf>
  <RfrdDocAmt>
   <DuePyblAmt Ccy="EUR">1200.00</DuePyblAmt>
   <DscntApldAmt><Tp><Cd>SUBS</Cd></Tp><Amt Ccy="EUR">24.00</Amt></DscntApldAmt>
   <AdjstmntAmtAndRsn><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Rsn>DMG</Rsn></AdjstmntAmtAndRsn>
   <RmtdAmt Ccy="EUR">1166.00</RmtdAmt>
  </RfrdDocAmt>
  <CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF18539007547034</Ref></CdtrRefInf>
 </Strd>
 <Strd>
  <RfrdDocInf><Tp><CdOrPrtry><Cd>CREN</Cd></CdOrPrtry></Tp><Nb>CN-2026-0003</Nb></RfrdDocInf>
  <RfrdDocAmt><CdtNoteAmt Ccy="EUR">50.00</CdtNoteAmt><RmtdAmt Ccy="EUR">-0.00</RmtdAmt></RfrdDocAmt>
 </Strd>
 <Strd>
  <RfrdDocInf><Nb>INV-2026-0050</Nb></RfrdDocInf>
  <RfrdDocInf><Tp><CdOrPrtry><Prtry>ZZZ</Prtry></CdOrPrtry></Tp><Nb>PO-77</Nb></RfrdDocInf>
  <RfrdDocAmt><RmtdAmt Ccy="EUR">99.00</RmtdAmt></RfrdDocAmt>
 </Strd>
</RmtInf>`)
	// RmtdAmt -0.00 is not a plain decimal: refused, naming the element.
	_, err := ParseCAMT(strings.NewReader(v08))
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]/RmtInf/Strd[2]/RfrdDocAmt/RmtdAmt", pe.Element)

	sts, err := ParseCAMT(strings.NewReader(strings.Replace(v08, `<RmtdAmt Ccy="EUR">-0.00</RmtdAmt>`, "", 1)))
	require.NoError(t, err)
	l := sts[0].Lines[0]
	assert.Equal(t, "Payment for March see advice", l.RemittanceText)
	assert.Equal(t, []string{"RF18539007547034"}, l.StructuredRefs)
	require.Len(t, l.Documents, 4)

	d := l.Documents[0]
	assert.Equal(t, DocumentInvoice, d.Kind)
	assert.Equal(t, "INV-2026-0042", d.Number)
	assert.Equal(t, o2c.MustDate(2026, 2, 1), d.Date)
	assert.Equal(t, money(t, "1200.00 EUR"), d.DuePayable)
	assert.Equal(t, money(t, "24.00 EUR"), d.Discount)
	assert.Equal(t, money(t, "10.00 EUR"), d.Adjustment)
	assert.Equal(t, "DMG", d.AdjustmentReason)
	assert.Equal(t, money(t, "1166.00 EUR"), d.Remitted)

	cn := l.Documents[1]
	assert.Equal(t, DocumentCreditNote, cn.Kind)
	assert.Equal(t, "CN-2026-0003", cn.Number)
	assert.Nil(t, cn.Remitted)

	// Two documents under one RfrdDocAmt: the amount is not guessed.
	assert.Equal(t, "INV-2026-0050", l.Documents[2].Number)
	assert.Equal(t, DocumentInvoice, l.Documents[2].Kind, "no type: an invoice")
	assert.Nil(t, l.Documents[2].Remitted)
	assert.Equal(t, DocumentOther, l.Documents[3].Kind, "proprietary type")
	assert.Nil(t, l.Documents[3].Remitted)
}

func TestCAMTStructuredRemittanceV02(t *testing.T) {
	// v02: DscntApldAmt is an amount; a CRDT adjustment increases the amount due.
	doc := camtDoc("02", "505.00", `<RmtInf><Strd>
  <RfrdDocInf><Tp><CdOrPrtry><Cd>DEBN</Cd></CdOrPrtry></Tp><Nb>DN-9</Nb></RfrdDocInf>
  <RfrdDocAmt><DuePyblAmt Ccy="EUR">500.00</DuePyblAmt><DscntApldAmt Ccy="EUR">5.00</DscntApldAmt>
   <AdjstmntAmtAndRsn><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Rsn>FEE</Rsn></AdjstmntAmtAndRsn>
   <RmtdAmt Ccy="EUR">505.00</RmtdAmt></RfrdDocAmt>
 </Strd>
 <Strd><RfrdDocAmt><RmtdAmt Ccy="EUR">12.00</RmtdAmt></RfrdDocAmt><CdtrRefInf><Ref>+++090/9337/55493+++</Ref></CdtrRefInf></Strd>
</RmtInf>`)
	sts, err := ParseCAMT(strings.NewReader(doc))
	require.NoError(t, err)
	docs := sts[0].Lines[0].Documents
	require.Len(t, docs, 2)
	assert.Equal(t, DocumentDebitNote, docs[0].Kind)
	assert.Equal(t, money(t, "5.00 EUR"), docs[0].Discount)
	assert.Equal(t, money(t, "-10.00 EUR"), docs[0].Adjustment)
	assert.Equal(t, "FEE", docs[0].AdjustmentReason)
	// Amounts without a document but with a creditor reference.
	assert.Equal(t, DocumentOther, docs[1].Kind)
	assert.Equal(t, "+++090/9337/55493+++", docs[1].Number)
	assert.Equal(t, money(t, "12.00 EUR"), docs[1].Remitted)
}

func TestCAMTNoStructuredRemittanceNoDocuments(t *testing.T) {
	sts, err := ParseCAMT(strings.NewReader(camtDoc("08", "1.00", `<RmtInf><Ustrd>hello</Ustrd></RmtInf>`)))
	require.NoError(t, err)
	assert.Empty(t, sts[0].Lines[0].Documents)
}

// TestParsedTextHasNoControlCharacters: a C1 control (U+0085 NEL, U+009C)
// in any text is cleaned, so that what matches can be applied (the
// services refuse control characters in stored text).
func TestParsedTextHasNoControlCharacters(t *testing.T) {
	doc := camtDoc("08", "10.00", "<Refs><EndToEndId>E2E\u0085X</EndToEndId></Refs>"+
		"<RltdPties><Dbtr><Pty><Nm>ACME\u0085SARL</Nm></Pty></Dbtr></RltdPties>"+
		"<RmtInf><Ustrd>FACT\u0085 2026-0042\u009c</Ustrd><Strd><RfrdDocInf><Nb>INV\u00851</Nb></RfrdDocInf></Strd></RmtInf>")
	sts, err := ParseCAMT(strings.NewReader(doc))
	require.NoError(t, err)
	l := sts[0].Lines[0]
	assert.Equal(t, "FACT 2026-0042", l.RemittanceText)
	assert.Equal(t, "ACME SARL", l.CounterpartyName)
	assert.Equal(t, "E2E X", l.EndToEndID)
	assert.Equal(t, "INV 1", l.Documents[0].Number)

	mt := ":20:X\u0085\n:25:DE44500105175407324931\n:60F:C260302EUR0,00\n:61:2603020302CR5,00NTRFNONREF\n:86:RE\u0085 2026-0042\n:62F:C260302EUR5,00\n-"
	msts, err := ParseMT940(strings.NewReader(mt))
	require.NoError(t, err)
	assert.Equal(t, "RE 2026-0042", msts[0].Lines[0].RemittanceText)
	assert.Equal(t, "X", msts[0].ID)
	for _, s := range append(sts, msts...) {
		assertNoControl(t, s)
	}
}

func assertNoControl(t *testing.T, s Statement) {
	t.Helper()
	texts := []string{s.ID, s.Sequence, s.AccountIBAN, s.AccountOther, s.AccountBIC, s.CreatedAt}
	for _, l := range s.Lines {
		texts = append(texts, l.CounterpartyName, l.CounterpartyIBAN, l.CounterpartyBIC, l.CounterpartyAccount, l.UltimateParty,
			l.RemittanceText, l.EndToEndID, l.MandateID, l.BankReference, l.CustomerReference, l.TransactionCode, l.AdditionalInfo)
		texts = append(texts, l.StructuredRefs...)
		for _, d := range l.Documents {
			texts = append(texts, d.Number, d.AdjustmentReason)
		}
	}
	for _, x := range texts {
		assert.False(t, hasControl(x), "%q", x)
	}
}
