package statementtest

import (
	"bufio"
	"encoding/xml"
	"io"
	"strings"
	"time"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// CAMTVersion names the ISO 20022 message a [CAMTWriter] writes.
type CAMTVersion string

// Versions written.
const (
	CAMT053v02 CAMTVersion = "camt.053.001.02" // bank to customer statement, 2009 (still the most common)
	CAMT053v08 CAMTVersion = "camt.053.001.08" // bank to customer statement, 2019
	CAMT054v08 CAMTVersion = "camt.054.001.08" // debit/credit notification, 2019
)

func (v CAMTVersion) v08() bool { return v != CAMT053v02 }

// CAMTWriter writes one camt document, statement by statement, so that a
// large file never has to be held in memory: NewCAMTWriter writes the
// header, Write each statement (a Stmt, or an Ntfctn for camt.054), Close
// the end of the document.
type CAMTWriter struct {
	w       *bufio.Writer
	v       CAMTVersion
	created string
	err     error
	n       int
}

// NewCAMTWriter starts a document of version v with message id msgID,
// created at created (UTC when zero time: 2000-01-01T00:00:00).
func NewCAMTWriter(w io.Writer, v CAMTVersion, msgID string, created time.Time) (*CAMTWriter, error) {
	switch v {
	case CAMT053v02, CAMT053v08, CAMT054v08:
	default:
		return nil, unwritable("unknown camt version %q", v)
	}
	if msgID == "" {
		return nil, unwritable("the message id is required")
	}
	if created.IsZero() {
		created = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	cw := &CAMTWriter{w: bufio.NewWriterSize(w, 64<<10), v: v, created: created.Format("2006-01-02T15:04:05")}
	msg := "BkToCstmrStmt"
	if v == CAMT054v08 {
		msg = "BkToCstmrDbtCdtNtfctn"
	}
	cw.str(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	cw.str(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:` + string(v) + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` + "\n")
	cw.str("<" + msg + ">\n<GrpHdr>")
	cw.el("MsgId", msgID)
	cw.el("CreDtTm", cw.created)
	cw.str("</GrpHdr>\n")
	return cw, cw.err
}

// WriteCAMT writes sts as one document of version v (see [CAMTWriter]).
//
// Written per statement: Id, ElctrncSeqNb (when Sequence is a number),
// CreDtTm (CreatedAt, or the message's), FrToDt (From/To), the account
// (IBAN or other id, currency, servicer BIC) and every balance (Type as the
// balance code, ITBD for intermediate ones). Per line, one Ntry with one
// TxDtls: amount, CdtDbtInd, RvslInd, status BOOK, booking and value date,
// AcctSvcrRef (BankReference), the bank transaction code (a
// "DOMN/FMLY/SUBF" code as Domn, anything else as Prtry), EndToEndId,
// MndtId, the counterparty (name, IBAN or other account, agent BIC,
// ultimate party) on the debtor side of a credit and the creditor side of a
// debit, the remittance (RemittanceText as Ustrd of at most 140 characters
// cut at spaces, each StructuredRef as a Strd/CdtrRefInf, each Document as
// a Strd with RfrdDocInf and RfrdDocAmt) and AddtlNtryInf
// (AdditionalInfo). CustomerReference has no camt element and is not
// written.
func WriteCAMT(w io.Writer, v CAMTVersion, msgID string, sts ...matching.Statement) error {
	cw, err := NewCAMTWriter(w, v, msgID, time.Time{})
	if err != nil {
		return err
	}
	for _, st := range sts {
		if err := cw.Write(st); err != nil {
			return err
		}
	}
	return cw.Close()
}

func (cw *CAMTWriter) str(s string) {
	if cw.err == nil {
		_, cw.err = cw.w.WriteString(s)
	}
}

// el writes <name>escaped text</name>.
func (cw *CAMTWriter) el(name, text string) {
	cw.str("<" + name + ">")
	if cw.err == nil {
		cw.err = xml.EscapeText(cw.w, []byte(text))
	}
	cw.str("</" + name + ">")
}

func (cw *CAMTWriter) amt(name string, m o2c.Money) {
	cw.str("<" + name + ` Ccy="` + m.Currency().Code() + `">` + m.Abs().AmountString() + "</" + name + ">")
}

func (cw *CAMTWriter) date(name string, d o2c.Date) {
	if d.IsZero() {
		return
	}
	cw.str("<" + name + "><Dt>" + d.String() + "</Dt></" + name + ">")
}

// Write writes one statement.
func (cw *CAMTWriter) Write(st matching.Statement) error {
	if cw.err != nil {
		return cw.err
	}
	cur := currency(st)
	if cur.IsZero() {
		return unwritable("statement %q has no currency, balance or line", st.ID)
	}
	if err := checkLines(st, cur); err != nil {
		return err
	}
	if st.ID == "" {
		return unwritable("statement without an ID")
	}
	cw.n++
	tag := "Stmt"
	if cw.v == CAMT054v08 {
		tag = "Ntfctn"
	}
	cw.str("<" + tag + ">")
	cw.el("Id", st.ID)
	if isNumber(st.Sequence) {
		cw.el("ElctrncSeqNb", st.Sequence)
	}
	created := st.CreatedAt
	if created == "" {
		created = cw.created
	}
	cw.el("CreDtTm", created)
	if !st.From.IsZero() && !st.To.IsZero() {
		cw.str("<FrToDt><FrDtTm>" + st.From.String() + "T00:00:00</FrDtTm><ToDtTm>" + st.To.String() + "T23:59:59</ToDtTm></FrToDt>")
	}
	cw.str("<Acct><Id>")
	switch {
	case st.AccountIBAN != "":
		cw.el("IBAN", st.AccountIBAN)
	case st.AccountOther != "":
		cw.str("<Othr>")
		cw.el("Id", st.AccountOther)
		cw.str("</Othr>")
	default:
		return unwritable("statement %q has no account", st.ID)
	}
	cw.str("</Id>")
	cw.el("Ccy", cur.Code())
	if st.AccountBIC != "" {
		cw.str("<Svcr><FinInstnId>")
		cw.el(cw.bicTag(), st.AccountBIC)
		cw.str("</FinInstnId></Svcr>")
	}
	cw.str("</Acct>\n")
	for _, b := range balances(st) {
		if cw.v == CAMT054v08 {
			break // a notification states no balance
		}
		cw.str("<Bal><Tp><CdOrPrtry>")
		cw.el("Cd", b.Type)
		cw.str("</CdOrPrtry></Tp>")
		cw.amt("Amt", b.Amount)
		cw.el("CdtDbtInd", cdtDbt(b.Amount.IsNegative()))
		cw.date("Dt", b.Date)
		cw.str("</Bal>\n")
	}
	for i := range st.Lines {
		if err := cw.entry(&st.Lines[i]); err != nil {
			return err
		}
	}
	cw.str("</" + tag + ">\n")
	return cw.err
}

func (cw *CAMTWriter) bicTag() string {
	if cw.v.v08() {
		return "BICFI"
	}
	return "BIC"
}

func cdtDbt(debit bool) string {
	if debit {
		return "DBIT"
	}
	return "CRDT"
}

func isNumber(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (cw *CAMTWriter) entry(l *matching.Line) error {
	cw.str("<Ntry>")
	cw.amt("Amt", l.Amount)
	cw.el("CdtDbtInd", cdtDbt(l.Direction == matching.Debit))
	if l.Reversal {
		cw.el("RvslInd", "true")
	}
	if cw.v.v08() {
		cw.str("<Sts><Cd>BOOK</Cd></Sts>")
	} else {
		cw.el("Sts", "BOOK")
	}
	cw.date("BookgDt", l.BookingDate)
	cw.date("ValDt", l.ValueDate)
	if l.BankReference != "" {
		cw.el("AcctSvcrRef", l.BankReference)
	}
	cw.bankCode(l.TransactionCode)
	cw.str("<NtryDtls><TxDtls>")
	if l.EndToEndID != "" || l.MandateID != "" {
		cw.str("<Refs>")
		if l.EndToEndID != "" {
			cw.el("EndToEndId", l.EndToEndID)
		}
		if l.MandateID != "" {
			cw.el("MndtId", l.MandateID)
		}
		cw.str("</Refs>")
	}
	cw.parties(l)
	if err := cw.remittance(l); err != nil {
		return err
	}
	cw.str("</TxDtls></NtryDtls>")
	if l.AdditionalInfo != "" {
		cw.el("AddtlNtryInf", l.AdditionalInfo)
	}
	cw.str("</Ntry>\n")
	return cw.err
}

// bankCode writes BkTxCd (mandatory in both versions; empty when unknown).
func (cw *CAMTWriter) bankCode(code string) {
	if code == "" {
		cw.str("<BkTxCd></BkTxCd>")
		return
	}
	if p := strings.Split(code, "/"); len(p) == 3 && isISOCode(p[0]) && isISOCode(p[1]) && isISOCode(p[2]) {
		cw.str("<BkTxCd><Domn><Cd>" + p[0] + "</Cd><Fmly><Cd>" + p[1] + "</Cd><SubFmlyCd>" + p[2] + "</SubFmlyCd></Fmly></Domn></BkTxCd>")
		return
	}
	cw.str("<BkTxCd><Prtry>")
	cw.el("Cd", code)
	cw.str("</Prtry></BkTxCd>")
}

func isISOCode(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func (cw *CAMTWriter) parties(l *matching.Line) {
	party, acct, ult, agent := "Dbtr", "DbtrAcct", "UltmtDbtr", "DbtrAgt"
	if l.Direction == matching.Debit {
		party, acct, ult, agent = "Cdtr", "CdtrAcct", "UltmtCdtr", "CdtrAgt"
	}
	if l.CounterpartyName != "" || l.CounterpartyIBAN != "" || l.CounterpartyAccount != "" || l.UltimateParty != "" {
		cw.str("<RltdPties>")
		if l.CounterpartyName != "" {
			cw.str("<" + party + ">")
			if cw.v.v08() {
				cw.str("<Pty>")
			}
			cw.el("Nm", l.CounterpartyName)
			if cw.v.v08() {
				cw.str("</Pty>")
			}
			cw.str("</" + party + ">")
		}
		if l.CounterpartyIBAN != "" || l.CounterpartyAccount != "" {
			cw.str("<" + acct + "><Id>")
			if l.CounterpartyIBAN != "" {
				cw.el("IBAN", l.CounterpartyIBAN)
			} else {
				cw.str("<Othr>")
				cw.el("Id", l.CounterpartyAccount)
				cw.str("</Othr>")
			}
			cw.str("</Id></" + acct + ">")
		}
		if l.UltimateParty != "" {
			cw.str("<" + ult + ">")
			if cw.v.v08() {
				cw.str("<Pty>")
			}
			cw.el("Nm", l.UltimateParty)
			if cw.v.v08() {
				cw.str("</Pty>")
			}
			cw.str("</" + ult + ">")
		}
		cw.str("</RltdPties>")
	}
	if l.CounterpartyBIC != "" {
		cw.str("<RltdAgts><" + agent + "><FinInstnId>")
		cw.el(cw.bicTag(), l.CounterpartyBIC)
		cw.str("</FinInstnId></" + agent + "></RltdAgts>")
	}
}

var docCodes = map[matching.DocumentKind]string{
	matching.DocumentInvoice:    "CINV",
	matching.DocumentCreditNote: "CREN",
	matching.DocumentDebitNote:  "DEBN",
}

func (cw *CAMTWriter) remittance(l *matching.Line) error {
	if l.RemittanceText == "" && len(l.StructuredRefs) == 0 && len(l.Documents) == 0 {
		return nil
	}
	cw.str("<RmtInf>")
	for _, u := range chunks(l.RemittanceText, 140) {
		cw.el("Ustrd", u)
	}
	for i := range l.Documents {
		if err := cw.document(&l.Documents[i]); err != nil {
			return err
		}
	}
	for _, ref := range l.StructuredRefs {
		cw.str("<Strd><CdtrRefInf>")
		cw.el("Ref", ref)
		cw.str("</CdtrRefInf></Strd>")
	}
	cw.str("</RmtInf>")
	return nil
}

func (cw *CAMTWriter) document(d *matching.RemittanceDocument) error {
	cw.str("<Strd><RfrdDocInf><Tp><CdOrPrtry>")
	if c, ok := docCodes[d.Kind]; ok {
		cw.el("Cd", c)
	} else {
		cw.el("Prtry", "OTHR")
	}
	cw.str("</CdOrPrtry></Tp>")
	if d.Number != "" {
		cw.el("Nb", d.Number)
	}
	if !d.Date.IsZero() {
		cw.el("RltdDt", d.Date.String())
	}
	cw.str("</RfrdDocInf>")
	if d.DuePayable != nil || d.Discount != nil || d.Adjustment != nil || d.Remitted != nil {
		cw.str("<RfrdDocAmt>")
		if d.DuePayable != nil {
			if d.DuePayable.IsNegative() {
				return unwritable("document %q: negative amount due", d.Number)
			}
			cw.amt("DuePyblAmt", *d.DuePayable)
		}
		if d.Discount != nil {
			if d.Discount.IsNegative() {
				return unwritable("document %q: negative discount", d.Number)
			}
			if cw.v.v08() {
				cw.str("<DscntApldAmt>")
				cw.amt("Amt", *d.Discount)
				cw.str("</DscntApldAmt>")
			} else {
				cw.amt("DscntApldAmt", *d.Discount)
			}
		}
		if d.Adjustment != nil {
			if strings.Contains(d.AdjustmentReason, ",") || len(d.AdjustmentReason) > 4 {
				return unwritable("document %q: adjustment reason %q is not one code of at most 4 characters", d.Number, d.AdjustmentReason)
			}
			cw.str("<AdjstmntAmtAndRsn>")
			cw.amt("Amt", *d.Adjustment)
			cw.el("CdtDbtInd", map[bool]string{true: "CRDT", false: "DBIT"}[d.Adjustment.IsNegative()])
			if d.AdjustmentReason != "" {
				cw.el("Rsn", d.AdjustmentReason)
			}
			cw.str("</AdjstmntAmtAndRsn>")
		}
		if d.Remitted != nil {
			if d.Remitted.IsNegative() {
				return unwritable("document %q: negative remitted amount", d.Number)
			}
			cw.amt("RmtdAmt", *d.Remitted)
		}
		cw.str("</RfrdDocAmt>")
	}
	cw.str("</Strd>")
	return nil
}

// chunks cuts s into pieces of at most n bytes at spaces (a word longer
// than n is cut inside), so that joining them with a space gives s back
// when s has single spaces.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		cut := strings.LastIndexByte(s[:n+1], ' ')
		if cut <= 0 {
			cut = n
			for cut > 0 && s[cut]&0xC0 == 0x80 {
				cut--
			}
			out = append(out, s[:cut])
			s = s[cut:]
			continue
		}
		out = append(out, s[:cut])
		s = s[cut+1:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// Flush writes what is buffered to the underlying writer.
func (cw *CAMTWriter) Flush() error {
	if cw.err != nil {
		return cw.err
	}
	return cw.w.Flush()
}

// Close ends the document and flushes it. It writes nothing when no
// statement was written (the document would be invalid) and returns an error.
func (cw *CAMTWriter) Close() error {
	if cw.err != nil {
		return cw.err
	}
	if cw.n == 0 {
		return unwritable("a camt document needs at least one statement")
	}
	msg := "BkToCstmrStmt"
	if cw.v == CAMT054v08 {
		msg = "BkToCstmrDbtCdtNtfctn"
	}
	cw.str("</" + msg + ">\n</Document>\n")
	if cw.err != nil {
		return cw.err
	}
	return cw.w.Flush()
}
