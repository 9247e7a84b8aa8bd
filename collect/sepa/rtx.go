package sepa

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cashcycle/sdk/o2c"
)

// RKind is what kind of R-transaction came back.
type RKind string

// The R-transaction kinds a creditor receives.
const (
	// Reject: refused before settlement (pain.002 RJCT); no money moved.
	Reject RKind = "reject"
	// Return: the debtor's bank sent the money back after settlement.
	Return RKind = "return"
	// Refund: the debtor asked its bank for the money back (Core: within
	// 8 weeks, MD06; unauthorised: 13 months, MD01).
	Refund RKind = "refund"
)

// Reason describes an ISO 20022 reason code as the SEPA direct-debit
// R-transactions use it, and what a creditor does about it.
type Reason struct {
	Code string
	// Name is the ISO external code list's name.
	Name string
	// BlockMandate: the mandate cannot be collected on again (closed or
	// unknown account, no mandate, debtor deceased, debit forbidden); a
	// new mandate is needed.
	BlockMandate bool
	// DebtorSide: the debtor caused it (no funds, refusal, closed
	// account), so a return fee may be charged where the contract allows.
	// Codes on the creditor's or banks' side (a wrong file, a duplicate, a
	// technical problem) never are.
	DebtorSide bool
}

// reasons is the table of the codes the EPC guidance on SDD R-transaction
// reason codes lists; the blocking and fee flags are this package's policy.
var reasons = map[string]Reason{
	"AC01": {"AC01", "Incorrect account number", true, true},
	"AC04": {"AC04", "Closed account number", true, true},
	"AC06": {"AC06", "Blocked account", false, true},
	"AC13": {"AC13", "Invalid debtor account type", true, true},
	"AG01": {"AG01", "Transaction forbidden", true, true},
	"AG02": {"AG02", "Invalid bank operation code", false, false},
	"AM04": {"AM04", "Insufficient funds", false, true},
	"AM05": {"AM05", "Duplication", false, false},
	"BE05": {"BE05", "Unrecognised initiating party", false, false},
	"CNOR": {"CNOR", "Creditor bank is not registered", false, false},
	"DNOR": {"DNOR", "Debtor bank is not registered", false, false},
	"FF01": {"FF01", "Invalid file format", false, false},
	"MD01": {"MD01", "No mandate", true, true},
	"MD02": {"MD02", "Missing mandatory information in mandate", false, false},
	"MD06": {"MD06", "Refund request by end customer", false, true},
	"MD07": {"MD07", "End customer deceased", true, true},
	"MS02": {"MS02", "Not specified reason customer generated", false, true},
	"MS03": {"MS03", "Not specified reason agent generated", false, false},
	"RC01": {"RC01", "Bank identifier incorrect", false, false},
	"RR01": {"RR01", "Missing debtor account or identification", false, false},
	"RR02": {"RR02", "Missing debtor name or address", false, false},
	"RR03": {"RR03", "Missing creditor name or address", false, false},
	"RR04": {"RR04", "Regulatory reason", false, false},
	"SL01": {"SL01", "Specific service offered by debtor agent", false, true},
	"FOCR": {"FOCR", "Following cancellation request", false, false},
}

// ReasonOf returns the reason of a code. An unknown code is returned with
// Name "unknown reason code" and no flags, so nothing is blocked or
// charged on a guess.
func ReasonOf(code string) (Reason, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	r, ok := reasons[code]
	if !ok {
		return Reason{Code: code, Name: "unknown reason code"}, false
	}
	return r, true
}

// Reasons lists the known reason codes in code order.
func Reasons() []Reason {
	out := make([]Reason, 0, len(reasons))
	for _, r := range reasons {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// RTransaction is one collection that came back.
type RTransaction struct {
	Kind RKind
	// ID identifies the R-transaction at the bank (status ID, entry
	// reference); with the end-to-end ID it makes the idempotency key.
	ID string
	// OriginalMessageID and OriginalEndToEndID name the collection.
	OriginalMessageID  string
	OriginalEndToEndID string
	MandateID          string
	// Amount is the collection's amount (zero when the report omits it).
	Amount o2c.Money
	// Reason is the ISO reason code ("AM04").
	Reason string
	// Date is when it happened (booking date, or the report's date).
	Date o2c.Date
}

// Key returns the idempotency key of the R-transaction: one collection
// comes back at most once, so its end-to-end ID with the kind.
func (r RTransaction) Key() string {
	return "sepa-r:" + string(r.Kind) + ":" + r.OriginalEndToEndID
}

// ParseRTransactions reads the R-transactions of a pain.002 status report
// (every transaction or group with status RJCT) or of a camt.054
// notification (debit entries with return information: returns, and
// refunds for MD06 and MD01 refunds). Other documents are a *SyntaxError.
func ParseRTransactions(data []byte) ([]RTransaction, error) {
	root, space, err := parse(data)
	if err != nil {
		return nil, err
	}
	if root.Name != "Document" {
		return nil, &SyntaxError{Path: root.Name, Msg: "root element must be Document"}
	}
	switch {
	case strings.Contains(space, "pain.002."):
		return parsePain002(root)
	case strings.Contains(space, "camt.054."):
		return parseCamt054(root)
	}
	return nil, &SyntaxError{Msg: "not a pain.002 or camt.054 document (namespace " + space + ")"}
}

func parseMoney(path, amount, ccy string) (o2c.Money, error) {
	m, err := o2c.NewMoney(strings.TrimSpace(amount), strings.TrimSpace(ccy))
	if err != nil {
		return o2c.Money{}, &SyntaxError{Path: path, Msg: "amount " + amount + " " + ccy + ": " + err.Error()}
	}
	return m, nil
}

func parseDate(path, s string) (o2c.Date, error) {
	if len(s) > 10 {
		s = s[:10]
	}
	d, err := o2c.ParseDate(s)
	if err != nil {
		return o2c.Date{}, &SyntaxError{Path: path, Msg: "date " + s + ": " + err.Error()}
	}
	return d, nil
}

func parsePain002(root *node) ([]RTransaction, error) {
	rpt := root.One("CstmrPmtStsRpt")
	if rpt == nil {
		return nil, &SyntaxError{Path: "Document", Msg: "CstmrPmtStsRpt is missing"}
	}
	date, err := parseDate("GrpHdr/CreDtTm", rpt.Str("GrpHdr/CreDtTm"))
	if err != nil {
		return nil, err
	}
	orig := rpt.One("OrgnlGrpInfAndSts")
	msgID := orig.Str("OrgnlMsgId")
	groupReason := orig.Str("StsRsnInf/Rsn/Cd")
	var out []RTransaction
	for i, pi := range rpt.All("OrgnlPmtInfAndSts") {
		piReason := pi.Str("StsRsnInf/Rsn/Cd")
		piRejected := pi.Str("PmtInfSts") == "RJCT"
		for j, tx := range pi.All("TxInfAndSts") {
			path := fmt.Sprintf("OrgnlPmtInfAndSts[%d]/TxInfAndSts[%d]", i, j)
			status := tx.Str("TxSts")
			if status != "RJCT" && !(status == "" && piRejected) {
				continue
			}
			r := RTransaction{Kind: Reject, ID: tx.Str("StsId"), OriginalMessageID: msgID,
				OriginalEndToEndID: tx.Str("OrgnlEndToEndId"), Date: date,
				MandateID: tx.Str("OrgnlTxRef/MndtRltdInf/MndtId")}
			r.Reason = tx.Str("StsRsnInf/Rsn/Cd")
			if r.Reason == "" {
				r.Reason = piReason
			}
			if r.Reason == "" {
				r.Reason = groupReason
			}
			if r.OriginalEndToEndID == "" {
				return nil, &SyntaxError{Path: path + "/OrgnlEndToEndId", Msg: "is required to find the collection"}
			}
			if r.Reason == "" {
				return nil, &SyntaxError{Path: path + "/StsRsnInf/Rsn/Cd", Msg: "a rejected transaction needs a reason code"}
			}
			if amt := tx.One("OrgnlTxRef/Amt/InstdAmt"); amt != nil {
				if r.Amount, err = parseMoney(path+"/OrgnlTxRef/Amt/InstdAmt", amt.Text, amt.Attr("Ccy")); err != nil {
					return nil, err
				}
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func parseCamt054(root *node) ([]RTransaction, error) {
	msg := root.One("BkToCstmrDbtCdtNtfctn")
	if msg == nil {
		return nil, &SyntaxError{Path: "Document", Msg: "BkToCstmrDbtCdtNtfctn is missing"}
	}
	msgDate := msg.Str("GrpHdr/CreDtTm")
	var out []RTransaction
	for n, ntf := range msg.All("Ntfctn") {
		for e, ntry := range ntf.All("Ntry") {
			if ntry.Str("CdtDbtInd") != "DBIT" {
				continue
			}
			path := fmt.Sprintf("Ntfctn[%d]/Ntry[%d]", n, e)
			ds := ntry.Str("BookgDt/Dt")
			if ds == "" {
				ds = ntry.Str("BookgDt/DtTm")
			}
			if ds == "" {
				ds = msgDate
			}
			date, err := parseDate(path+"/BookgDt", ds)
			if err != nil {
				return nil, err
			}
			for t, tx := range ntry.One("NtryDtls").All("TxDtls") {
				code := tx.Str("RtrInf/Rsn/Cd")
				if code == "" {
					continue // an ordinary debit, not a returned collection
				}
				tp := fmt.Sprintf("%s/NtryDtls/TxDtls[%d]", path, t)
				r := RTransaction{Kind: Return, Reason: code, Date: date,
					ID:                 firstOf(tx.Str("Refs/AcctSvcrRef"), ntry.Str("AcctSvcrRef"), ntry.Str("NtryRef")),
					OriginalMessageID:  tx.Str("Refs/MsgId"),
					OriginalEndToEndID: tx.Str("Refs/EndToEndId"), MandateID: tx.Str("Refs/MndtId")}
				if code == "MD06" || ntry.Str("BkTxCd/Domn/Fmly/SubFmlyCd") == "RRTN" && code == "MD01" {
					r.Kind = Refund
				}
				if r.OriginalEndToEndID == "" {
					return nil, &SyntaxError{Path: tp + "/Refs/EndToEndId", Msg: "is required to find the collection"}
				}
				amt := tx.One("Amt")
				if amt == nil {
					amt = tx.One("AmtDtls/TxAmt/Amt")
				}
				if amt == nil && len(ntry.One("NtryDtls").All("TxDtls")) == 1 {
					amt = ntry.One("Amt")
				}
				if amt == nil {
					return nil, &SyntaxError{Path: tp + "/Amt", Msg: "the returned amount is missing"}
				}
				if r.Amount, err = parseMoney(tp+"/Amt", amt.Text, amt.Attr("Ccy")); err != nil {
					return nil, err
				}
				out = append(out, r)
			}
		}
	}
	return out, nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
