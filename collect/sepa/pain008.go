package sepa

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"time"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Scheme is the SEPA direct-debit scheme of a file: the local instrument.
type Scheme string

// The two SEPA direct-debit schemes.
const (
	// Core: consumers and businesses; the debtor may ask for a refund
	// within 8 weeks without giving a reason (MD06).
	Core Scheme = "CORE"
	// B2B: businesses only; no refund right, the debtor's bank checks the
	// mandate before the first collection.
	B2B Scheme = "B2B"
)

// IsValid reports whether s is Core or B2B.
func (s Scheme) IsValid() bool { return s == Core || s == B2B }

// SequenceType says where a collection stands in its mandate's life.
type SequenceType string

// The sequence types.
const (
	// First collection of a recurrent mandate.
	FRST SequenceType = "FRST"
	// Recurrent: a later collection of a recurrent mandate.
	RCUR SequenceType = "RCUR"
	// Final collection of a recurrent mandate; none may follow.
	FNAL SequenceType = "FNAL"
	// One-off: the only collection of a one-off mandate.
	OOFF SequenceType = "OOFF"
)

// IsValid reports whether t is one of the four sequence types.
func (t SequenceType) IsValid() bool {
	switch t {
	case FRST, RCUR, FNAL, OOFF:
		return true
	}
	return false
}

// Version names a message version this package writes.
type Version string

// The message versions.
const (
	Pain008V08 Version = "pain.008.001.08"
	Pain008V02 Version = "pain.008.001.02"
	Pain001V09 Version = "pain.001.001.09"
	Pain001V03 Version = "pain.001.001.03"
)

// Namespace returns the version's XML namespace.
func (v Version) Namespace() string { return "urn:iso:std:iso:20022:tech:xsd:" + string(v) }

// Party is a creditor, a debtor or an initiating party: a name and an
// account. BIC is optional within SEPA (IBAN only): the writer then puts
// "NOTPROVIDED".
type Party struct {
	Name string
	IBAN string
	BIC  string
}

// DirectDebitFile is one pain.008 message: the creditor's collections of
// one scheme, grouped in batches (one per sequence type and collection
// date).
type DirectDebitFile struct {
	// MessageID identifies the file at the bank (unique per creditor).
	MessageID string
	// Created is when the file was made (written as UTC).
	Created time.Time
	// InitiatingParty is the name of who sends the file (empty: the
	// creditor's name).
	InitiatingParty string
	Creditor        Party
	CreditorID      CreditorID
	Scheme          Scheme
	Batches         []DebitBatch
}

// DebitBatch is one payment information block: collections of one
// sequence type due on one date.
type DebitBatch struct {
	ID             string
	Sequence       SequenceType
	CollectionDate o2c.Date
	Debits         []Debit
}

// Debit is one collection.
type Debit struct {
	// EndToEndID comes back in every R-transaction: the key to the
	// collection.
	EndToEndID string
	Amount     o2c.Money
	Mandate    MandateRef
	Debtor     Party
	// Remittance is the unstructured remittance text (invoice numbers).
	Remittance string
}

// MandateRef is what a collection says about its mandate.
type MandateRef struct {
	// ID is the unique mandate reference (UMR).
	ID     string
	Signed o2c.Date
	// Amendment is set when the mandate changed since the last collection.
	Amendment *Amendment
}

// Amendment carries what a mandate was before it changed; at least one
// field is set.
type Amendment struct {
	OriginalMandateID  string
	OriginalCreditorID CreditorID
	// OriginalCreditorName is the creditor's former name, when it changed.
	OriginalCreditorName string
	// OriginalDebtorIBAN is the debtor's former account at the same bank.
	OriginalDebtorIBAN string
	// DebtorAgentChanged: the debtor moved to another bank ("SMNDA").
	DebtorAgentChanged bool
}

func (a *Amendment) empty() bool {
	return a.OriginalMandateID == "" && a.OriginalCreditorID == "" && a.OriginalCreditorName == "" &&
		a.OriginalDebtorIBAN == "" && !a.DebtorAgentChanged
}

// target is the TARGET2 calendar collection and execution dates must fall on.
var target = invoice.TARGETBusinessCalendar()

// IsTARGETDay reports whether d is a TARGET2 settlement day.
func IsTARGETDay(d o2c.Date) bool { return target.IsBusinessDay(d) }

func checkParty(field string, p Party, needIBAN bool) error {
	if err := CheckText(field+".name", Latin(p.Name), MaxNameLength, true); err != nil {
		return err
	}
	if needIBAN || p.IBAN != "" {
		if _, err := customer.NormalizeIBAN(p.IBAN); err != nil {
			return ruleErr(field+".iban", "must be a valid IBAN", p.IBAN)
		}
	}
	if p.BIC != "" {
		if _, err := customer.NormalizeBIC(p.BIC); err != nil {
			return ruleErr(field+".bic", "must be a valid BIC", p.BIC)
		}
	}
	return nil
}

// Validate checks the file against the EPC rules (see the package
// documentation). It returns the first broken rule as a
// *o2c.ValidationError wrapping [ErrRule].
func (f DirectDebitFile) Validate() error {
	if err := CheckID("message_id", f.MessageID); err != nil {
		return err
	}
	if f.Created.IsZero() {
		return ruleErr("created", "is required", "")
	}
	if err := CheckText("initiating_party", Latin(f.InitiatingParty), MaxNameLength, false); err != nil {
		return err
	}
	if err := checkParty("creditor", f.Creditor, true); err != nil {
		return err
	}
	if _, err := ParseCreditorID(string(f.CreditorID)); err != nil {
		return err
	}
	if !f.Scheme.IsValid() {
		return ruleErr("scheme", "must be CORE or B2B (one scheme per file)", string(f.Scheme))
	}
	if len(f.Batches) == 0 {
		return ruleErr("batches", "at least one batch is required", "")
	}
	ids := map[string]string{f.MessageID: "message_id"}
	for i, b := range f.Batches {
		p := fmt.Sprintf("batches[%d]", i)
		if err := CheckID(p+".id", b.ID); err != nil {
			return err
		}
		if prev, dup := ids[b.ID]; dup {
			return ruleErr(p+".id", "must be unique in the file (also used by "+prev+")", b.ID)
		}
		ids[b.ID] = p + ".id"
		if !b.Sequence.IsValid() {
			return ruleErr(p+".sequence", "must be FRST, RCUR, FNAL or OOFF", string(b.Sequence))
		}
		if b.CollectionDate.IsZero() || !IsTARGETDay(b.CollectionDate) {
			return ruleErr(p+".collection_date", "must be a TARGET2 business day", b.CollectionDate.String())
		}
		if len(b.Debits) == 0 {
			return ruleErr(p+".debits", "at least one collection is required", "")
		}
		e2e := map[string]bool{}
		for j, d := range b.Debits {
			q := fmt.Sprintf("%s.debits[%d]", p, j)
			if err := CheckID(q+".end_to_end_id", d.EndToEndID); err != nil {
				return err
			}
			if e2e[d.EndToEndID] {
				return ruleErr(q+".end_to_end_id", "must be unique in its batch", d.EndToEndID)
			}
			e2e[d.EndToEndID] = true
			if err := CheckAmount(q+".amount", d.Amount); err != nil {
				return err
			}
			if err := CheckID(q+".mandate.id", d.Mandate.ID); err != nil {
				return err
			}
			if d.Mandate.Signed.IsZero() {
				return ruleErr(q+".mandate.signed", "is required", "")
			}
			if d.Mandate.Signed.After(b.CollectionDate) {
				return ruleErr(q+".mandate.signed", "must not be after the collection date", d.Mandate.Signed.String())
			}
			if a := d.Mandate.Amendment; a != nil {
				if a.empty() {
					return ruleErr(q+".mandate.amendment", "the amendment indicator needs at least one original value", "")
				}
				if a.OriginalMandateID != "" {
					if err := CheckID(q+".mandate.amendment.original_mandate_id", a.OriginalMandateID); err != nil {
						return err
					}
				}
				if a.OriginalCreditorID != "" {
					if _, err := ParseCreditorID(string(a.OriginalCreditorID)); err != nil {
						return ruleErr(q+".mandate.amendment.original_creditor_id", "must be a valid creditor identifier", string(a.OriginalCreditorID))
					}
				}
				if err := CheckText(q+".mandate.amendment.original_creditor_name", Latin(a.OriginalCreditorName), MaxNameLength, false); err != nil {
					return err
				}
				if a.OriginalDebtorIBAN != "" {
					if a.DebtorAgentChanged {
						return ruleErr(q+".mandate.amendment", "a change of bank (SMNDA) carries no original IBAN", a.OriginalDebtorIBAN)
					}
					if _, err := customer.NormalizeIBAN(a.OriginalDebtorIBAN); err != nil {
						return ruleErr(q+".mandate.amendment.original_debtor_iban", "must be a valid IBAN", a.OriginalDebtorIBAN)
					}
				}
			}
			if err := checkParty(q+".debtor", d.Debtor, true); err != nil {
				return err
			}
			if err := CheckText(q+".remittance", Latin(d.Remittance), MaxRemittanceLength, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// NumberOfTransactions returns the number of debits in the file.
func (f DirectDebitFile) NumberOfTransactions() int {
	n := 0
	for _, b := range f.Batches {
		n += len(b.Debits)
	}
	return n
}

// ControlSum returns the sum of the debits' amounts.
func (f DirectDebitFile) ControlSum() o2c.Money {
	total := o2c.MustMoney("0", "EUR")
	for _, b := range f.Batches {
		total, _ = total.Add(batchSum(b.Debits))
	}
	return total
}

func batchSum(ds []Debit) o2c.Money {
	total := o2c.MustMoney("0", "EUR")
	for _, d := range ds {
		total, _ = total.Add(d.Amount)
	}
	return total
}

func amountText(m o2c.Money) string { return m.Amount().StringFixed(2) }

// bicNode writes a financial institution: its BIC, or NOTPROVIDED.
func bicNode(name string, v Version, bic string) *node {
	tag := "BICFI"
	if v == Pain008V02 || v == Pain001V03 {
		tag = "BIC"
	}
	if bic == "" {
		return el(name, el("FinInstnId", el("Othr", txt("Id", "NOTPROVIDED"))))
	}
	b, _ := customer.NormalizeBIC(bic)
	return el(name, el("FinInstnId", txt(tag, b)))
}

func ibanNode(name, iban string) *node {
	i, _ := customer.NormalizeIBAN(iban)
	return el(name, el("Id", txt("IBAN", i)))
}

func schemeID(id CreditorID) *node {
	return el("CdtrSchmeId", el("Id", el("PrvtId", el("Othr", txt("Id", string(id)), el("SchmeNm", txt("Prtry", "SEPA"))))))
}

// Marshal validates the file ([DirectDebitFile.Validate]) and writes it as
// pain.008 of version v (Pain008V08 or Pain008V02).
func (f DirectDebitFile) Marshal(v Version) ([]byte, error) {
	if v != Pain008V08 && v != Pain008V02 {
		return nil, ruleErr("version", "must be pain.008.001.08 or pain.008.001.02", string(v))
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	initiator := f.InitiatingParty
	if initiator == "" {
		initiator = f.Creditor.Name
	}
	msg := el("CstmrDrctDbtInitn",
		el("GrpHdr",
			txt("MsgId", f.MessageID),
			txt("CreDtTm", f.Created.UTC().Format("2006-01-02T15:04:05")),
			txt("NbOfTxs", strconv.Itoa(f.NumberOfTransactions())),
			txt("CtrlSum", amountText(f.ControlSum())),
			el("InitgPty", txt("Nm", Latin(initiator))),
		))
	for _, b := range f.Batches {
		pi := el("PmtInf",
			txt("PmtInfId", b.ID),
			txt("PmtMtd", "DD"),
			txt("BtchBookg", "true"),
			txt("NbOfTxs", strconv.Itoa(len(b.Debits))),
			txt("CtrlSum", amountText(batchSum(b.Debits))),
			el("PmtTpInf",
				el("SvcLvl", txt("Cd", "SEPA")),
				el("LclInstrm", txt("Cd", string(f.Scheme))),
				txt("SeqTp", string(b.Sequence))),
			txt("ReqdColltnDt", b.CollectionDate.String()),
			el("Cdtr", txt("Nm", Latin(f.Creditor.Name))),
			ibanNode("CdtrAcct", f.Creditor.IBAN),
			bicNode("CdtrAgt", v, f.Creditor.BIC),
			txt("ChrgBr", "SLEV"),
			schemeID(f.CreditorID),
		)
		for _, d := range b.Debits {
			mr := el("MndtRltdInf",
				txt("MndtId", d.Mandate.ID),
				txt("DtOfSgntr", d.Mandate.Signed.String()),
				txt("AmdmntInd", strconv.FormatBool(d.Mandate.Amendment != nil)),
				amendment(d.Mandate.Amendment, v))
			pi.Children = append(pi.Children, el("DrctDbtTxInf",
				el("PmtId", txt("EndToEndId", d.EndToEndID)),
				txt("InstdAmt", amountText(d.Amount), "Ccy", "EUR"),
				el("DrctDbtTx", mr),
				bicNode("DbtrAgt", v, d.Debtor.BIC),
				el("Dbtr", txt("Nm", Latin(d.Debtor.Name))),
				ibanNode("DbtrAcct", d.Debtor.IBAN),
				el("RmtInf", txt("Ustrd", Latin(d.Remittance))),
			))
		}
		msg.Children = append(msg.Children, pi)
	}
	doc := el("Document", msg)
	doc.Attrs = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: v.Namespace()}, {Name: xml.Name{Local: "xmlns:xsi"}, Value: "http://www.w3.org/2001/XMLSchema-instance"}}
	return render(doc), nil
}

func amendment(a *Amendment, v Version) *node {
	if a == nil {
		return nil
	}
	var cdtr *node
	if a.OriginalCreditorID != "" || a.OriginalCreditorName != "" {
		cdtr = el("OrgnlCdtrSchmeId", txt("Nm", Latin(a.OriginalCreditorName)))
		if a.OriginalCreditorID != "" {
			cdtr = el("OrgnlCdtrSchmeId", txt("Nm", Latin(a.OriginalCreditorName)),
				el("Id", el("PrvtId", el("Othr", txt("Id", string(a.OriginalCreditorID)), el("SchmeNm", txt("Prtry", "SEPA"))))))
		}
	}
	var agent *node
	if a.DebtorAgentChanged {
		agent = el("OrgnlDbtrAgt", el("FinInstnId", el("Othr", txt("Id", "SMNDA"))))
	}
	var acct *node
	if a.OriginalDebtorIBAN != "" {
		acct = ibanNode("OrgnlDbtrAcct", a.OriginalDebtorIBAN)
	}
	_ = v
	return el("AmdmntInfDtls", txt("OrgnlMndtId", a.OriginalMandateID), cdtr, acct, agent)
}
