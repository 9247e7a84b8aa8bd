// Package sepatest writes what a bank sends back about a creditor's
// collections, for tests and demos: a pain.002.001.10 status report
// rejecting some of them and a camt.054.001.08 debit notification
// returning others. Both validate against the ISO 20022 schemas (see the
// tests of package sepa).
package sepatest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// Item is one collection the bank answers about.
type Item struct {
	// ID is the bank's reference of the R-transaction.
	ID         string
	EndToEndID string
	MandateID  string
	Amount     o2c.Money
	// Reason is the ISO reason code ("AM04").
	Reason string
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func amt(m o2c.Money) string {
	return fmt.Sprintf(`Ccy="%s">%s`, m.Currency().Code(), m.Amount().StringFixed(2))
}

// Pain002 returns a status report of the bank with message ID msgID,
// created at, rejecting the items of the original pain.008 message
// origMsgID (status RJCT with each item's reason).
func Pain002(msgID string, at time.Time, origMsgID, origBatchID string, items []Item) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>`)
	fmt.Fprintf(&b, `<GrpHdr><MsgId>%s</MsgId><CreDtTm>%s</CreDtTm></GrpHdr>`, esc(msgID), at.UTC().Format("2006-01-02T15:04:05"))
	fmt.Fprintf(&b, `<OrgnlGrpInfAndSts><OrgnlMsgId>%s</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>`, esc(origMsgID))
	fmt.Fprintf(&b, `<OrgnlPmtInfAndSts><OrgnlPmtInfId>%s</OrgnlPmtInfId><PmtInfSts>PART</PmtInfSts>`, esc(origBatchID))
	for _, it := range items {
		fmt.Fprintf(&b, `<TxInfAndSts><StsId>%s</StsId><OrgnlEndToEndId>%s</OrgnlEndToEndId><TxSts>RJCT</TxSts>`, esc(it.ID), esc(it.EndToEndID))
		fmt.Fprintf(&b, `<StsRsnInf><Rsn><Cd>%s</Cd></Rsn></StsRsnInf>`, esc(it.Reason))
		fmt.Fprintf(&b, `<OrgnlTxRef><Amt><InstdAmt %s</InstdAmt></Amt>`, amt(it.Amount))
		if it.MandateID != "" {
			fmt.Fprintf(&b, `<MndtRltdInf><MndtId>%s</MndtId></MndtRltdInf>`, esc(it.MandateID))
		}
		b.WriteString(`</OrgnlTxRef></TxInfAndSts>`)
	}
	b.WriteString(`</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>` + "\n")
	return b.Bytes()
}

// Camt054 returns a debit notification of the creditor's account iban
// (message msgID, created at) booking on date one returned collection per
// item (bank transaction code PMNT/IDDT/UPDD, return reason in RtrInf).
func Camt054(msgID string, at time.Time, iban string, date o2c.Date, items []Item) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>`)
	fmt.Fprintf(&b, `<GrpHdr><MsgId>%s</MsgId><CreDtTm>%s</CreDtTm></GrpHdr>`, esc(msgID), at.UTC().Format("2006-01-02T15:04:05"))
	fmt.Fprintf(&b, `<Ntfctn><Id>%s-1</Id><Acct><Id><IBAN>%s</IBAN></Id></Acct>`, esc(msgID), esc(iban))
	for _, it := range items {
		fmt.Fprintf(&b, `<Ntry><NtryRef>%s</NtryRef><Amt %s</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>`, esc(it.ID), amt(it.Amount))
		fmt.Fprintf(&b, `<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>%s</Dt></BookgDt><ValDt><Dt>%s</Dt></ValDt><AcctSvcrRef>%s</AcctSvcrRef>`, date, date, esc(it.ID))
		b.WriteString(`<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn></BkTxCd>`)
		fmt.Fprintf(&b, `<NtryDtls><TxDtls><Refs><EndToEndId>%s</EndToEndId>`, esc(it.EndToEndID))
		if it.MandateID != "" {
			fmt.Fprintf(&b, `<MndtId>%s</MndtId>`, esc(it.MandateID))
		}
		fmt.Fprintf(&b, `</Refs><Amt %s</Amt><CdtDbtInd>DBIT</CdtDbtInd>`, amt(it.Amount))
		fmt.Fprintf(&b, `<RtrInf><Rsn><Cd>%s</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>`, esc(it.Reason))
	}
	b.WriteString(`</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>` + "\n")
	return b.Bytes()
}
