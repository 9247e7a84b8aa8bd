package sepa

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// CreditTransferFile is one pain.001 message: SEPA credit transfers from
// the creditor's account (refunds of overpayments and credit balances).
type CreditTransferFile struct {
	MessageID string
	Created   time.Time
	// InitiatingParty is who sends the file (empty: the debtor's name).
	InitiatingParty string
	// Debtor is the account paying (the SDK's tenant).
	Debtor Party
	// BatchID identifies the one payment information block.
	BatchID string
	// ExecutionDate is when the bank is to pay (a TARGET2 business day).
	ExecutionDate o2c.Date
	Transfers     []Transfer
}

// Transfer is one credit transfer.
type Transfer struct {
	EndToEndID string
	Amount     o2c.Money
	Creditor   Party
	Remittance string
}

// Validate checks the file against the EPC rules (see the package
// documentation).
func (f CreditTransferFile) Validate() error {
	if err := CheckID("message_id", f.MessageID); err != nil {
		return err
	}
	if f.Created.IsZero() {
		return ruleErr("created", "is required", "")
	}
	if err := CheckText("initiating_party", Latin(f.InitiatingParty), MaxNameLength, false); err != nil {
		return err
	}
	if err := checkParty("debtor", f.Debtor, true); err != nil {
		return err
	}
	if err := CheckID("batch_id", f.BatchID); err != nil {
		return err
	}
	if f.BatchID == f.MessageID {
		return ruleErr("batch_id", "must differ from the message ID", f.BatchID)
	}
	if f.ExecutionDate.IsZero() || !IsTARGETDay(f.ExecutionDate) {
		return ruleErr("execution_date", "must be a TARGET2 business day", f.ExecutionDate.String())
	}
	if len(f.Transfers) == 0 {
		return ruleErr("transfers", "at least one transfer is required", "")
	}
	seen := map[string]bool{}
	for i, t := range f.Transfers {
		p := fmt.Sprintf("transfers[%d]", i)
		if err := CheckID(p+".end_to_end_id", t.EndToEndID); err != nil {
			return err
		}
		if seen[t.EndToEndID] {
			return ruleErr(p+".end_to_end_id", "must be unique in the file", t.EndToEndID)
		}
		seen[t.EndToEndID] = true
		if err := CheckAmount(p+".amount", t.Amount); err != nil {
			return err
		}
		if err := checkParty(p+".creditor", t.Creditor, true); err != nil {
			return err
		}
		if err := CheckText(p+".remittance", Latin(t.Remittance), MaxRemittanceLength, false); err != nil {
			return err
		}
	}
	return nil
}

// ControlSum returns the sum of the transfers.
func (f CreditTransferFile) ControlSum() o2c.Money {
	total := o2c.MustMoney("0", "EUR")
	for _, t := range f.Transfers {
		total, _ = total.Add(t.Amount)
	}
	return total
}

// Marshal validates the file and writes it as pain.001 of version v
// (Pain001V09 or Pain001V03).
func (f CreditTransferFile) Marshal(v Version) ([]byte, error) {
	if v != Pain001V09 && v != Pain001V03 {
		return nil, ruleErr("version", "must be pain.001.001.09 or pain.001.001.03", string(v))
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	initiator := f.InitiatingParty
	if initiator == "" {
		initiator = f.Debtor.Name
	}
	n, sum := strconv.Itoa(len(f.Transfers)), amountText(f.ControlSum())
	exec := txt("ReqdExctnDt", f.ExecutionDate.String())
	if v == Pain001V09 {
		exec = el("ReqdExctnDt", txt("Dt", f.ExecutionDate.String()))
	}
	pi := el("PmtInf",
		txt("PmtInfId", f.BatchID),
		txt("PmtMtd", "TRF"),
		txt("BtchBookg", "true"),
		txt("NbOfTxs", n),
		txt("CtrlSum", sum),
		el("PmtTpInf", el("SvcLvl", txt("Cd", "SEPA"))),
		exec,
		el("Dbtr", txt("Nm", Latin(f.Debtor.Name))),
		ibanNode("DbtrAcct", f.Debtor.IBAN),
		bicNode("DbtrAgt", v, f.Debtor.BIC),
		txt("ChrgBr", "SLEV"),
	)
	for _, t := range f.Transfers {
		var agent *node
		if t.Creditor.BIC != "" {
			agent = bicNode("CdtrAgt", v, t.Creditor.BIC)
		}
		pi.Children = append(pi.Children, el("CdtTrfTxInf",
			el("PmtId", txt("EndToEndId", t.EndToEndID)),
			el("Amt", txt("InstdAmt", amountText(t.Amount), "Ccy", "EUR")),
			agent,
			el("Cdtr", txt("Nm", Latin(t.Creditor.Name))),
			ibanNode("CdtrAcct", t.Creditor.IBAN),
			el("RmtInf", txt("Ustrd", Latin(t.Remittance))),
		))
	}
	doc := el("Document", el("CstmrCdtTrfInitn",
		el("GrpHdr",
			txt("MsgId", f.MessageID),
			txt("CreDtTm", f.Created.UTC().Format("2006-01-02T15:04:05")),
			txt("NbOfTxs", n),
			txt("CtrlSum", sum),
			el("InitgPty", txt("Nm", Latin(initiator)))),
		pi))
	doc.Attrs = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: v.Namespace()}, {Name: xml.Name{Local: "xmlns:xsi"}, Value: "http://www.w3.org/2001/XMLSchema-instance"}}
	return render(doc), nil
}
