package matching

import (
	"fmt"
	"strings"

	"github.com/cashcycle/sdk/o2c"
)

// camtDocumentKinds maps the ISO 20022 document type codes
// (DocumentType6Code, RfrdDocInf/Tp/CdOrPrtry/Cd) to a [DocumentKind].
var camtDocumentKinds = map[string]DocumentKind{
	"CINV": DocumentInvoice,    // commercial invoice
	"MSIN": DocumentInvoice,    // metered service invoice
	"SBIN": DocumentInvoice,    // self-billed invoice
	"HIRI": DocumentInvoice,    // hire invoice
	"CMCN": DocumentOther,      // commercial contract
	"SOAC": DocumentOther,      // statement of account
	"DISP": DocumentOther,      // dispatch advice
	"PUOR": DocumentOther,      // purchase order
	"CREN": DocumentCreditNote, // credit note
	"CNFA": DocumentCreditNote, // credit note related to financial adjustment
	"DEBN": DocumentDebitNote,  // debit note
	"DNFA": DocumentDebitNote,  // debit note related to financial adjustment
}

// camtDocuments reads the documents one RmtInf/Strd names (el is its
// element path, for errors).
//
// Each RfrdDocInf is a document: its Nb, its type (no type means an
// invoice, which is what payers mean when they leave it out; an unknown or
// proprietary type is [DocumentOther]) and its RltdDt. The Strd's
// RfrdDocAmt belongs to the document when the Strd names exactly one;
// when it names several, each document takes the amounts of its own
// LineDtls/Amt when given, and none otherwise (an amount is never
// guessed). A Strd that states amounts but names no document and carries a
// creditor reference (CdtrRefInf/Ref) becomes one [DocumentOther] numbered
// with that reference, so the amounts are not lost. An amount or date that
// cannot be read exactly is a *[ParseError] naming the element.
func camtDocuments(strd *xnode, el string, f Format) ([]RemittanceDocument, error) {
	infos := strd.all("RfrdDocInf")
	amt := strd.child("RfrdDocAmt")
	var out []RemittanceDocument
	for i, inf := range infos {
		iel := fmt.Sprintf("%s/RfrdDocInf[%d]", el, i+1)
		d := RemittanceDocument{Kind: DocumentInvoice, Number: cleanText(inf.textAt("Nb"))}
		code := firstNonEmpty(inf.textAt("Tp", "CdOrPrtry", "Cd"), inf.textAt("Tp", "CdOrPrtry", "Prtry"))
		if code != "" {
			if k, ok := camtDocumentKinds[strings.ToUpper(code)]; ok {
				d.Kind = k
			} else {
				d.Kind = DocumentOther
			}
		}
		if rd := inf.child("RltdDt"); rd != nil {
			// v02-v09: an ISODate; v10+: DateAndType with a Dt child.
			date, err := camtDate(rd, iel+"/RltdDt", f)
			if err != nil {
				return nil, err
			}
			d.Date = date
		}
		var err error
		if len(infos) == 1 {
			err = camtDocumentAmounts(amt, &d, el+"/RfrdDocAmt", f)
		} else {
			err = camtDocumentAmounts(inf.child("LineDtls", "Amt"), &d, iel+"/LineDtls/Amt", f)
		}
		if err != nil {
			return nil, err
		}
		if d.Number == "" && !d.hasAmount() {
			continue
		}
		out = append(out, d)
	}
	if len(infos) == 0 && amt != nil {
		ref := ""
		for _, c := range strd.all("CdtrRefInf") {
			if ref = cleanText(c.textAt("Ref")); ref != "" {
				break
			}
		}
		if ref != "" {
			d := RemittanceDocument{Kind: DocumentOther, Number: ref}
			if err := camtDocumentAmounts(amt, &d, el+"/RfrdDocAmt", f); err != nil {
				return nil, err
			}
			if d.hasAmount() {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

func (d *RemittanceDocument) hasAmount() bool {
	return d.DuePayable != nil || d.Remitted != nil || d.Discount != nil || d.Adjustment != nil
}

// camtDocumentAmounts reads a RemittanceAmount (RfrdDocAmt or
// LineDtls/Amt, at element el) into d.
func camtDocumentAmounts(n *xnode, d *RemittanceDocument, el string, f Format) error {
	if n == nil {
		return nil
	}
	read := func(a *xnode, ael string) (*o2c.Money, error) {
		if a == nil {
			return nil, nil
		}
		m, err := camtAmount(a, ael, f)
		if err != nil {
			return nil, err
		}
		return &m, nil
	}
	var err error
	if d.DuePayable, err = read(n.child("DuePyblAmt"), el+"/DuePyblAmt"); err != nil {
		return err
	}
	if d.Remitted, err = read(n.child("RmtdAmt"), el+"/RmtdAmt"); err != nil {
		return err
	}
	// Discount: v02-v04 an amount; v05+ a list of {Tp, Amt}, summed.
	for i, x := range n.all("DscntApldAmt") {
		a, ael := x, fmt.Sprintf("%s/DscntApldAmt[%d]", el, i+1)
		if c := x.child("Amt"); c != nil {
			a, ael = c, ael+"/Amt"
		}
		m, err := read(a, ael)
		if err != nil {
			return err
		}
		if d.Discount, err = addMoney(d.Discount, *m, ael, f); err != nil {
			return err
		}
	}
	// Adjustments: DBIT (or no indicator) decreases the amount due, i.e.
	// a deduction (positive in the model); CRDT increases it (negative).
	var reasons []string
	for i, x := range n.all("AdjstmntAmtAndRsn") {
		ael := fmt.Sprintf("%s/AdjstmntAmtAndRsn[%d]", el, i+1)
		m, err := camtAmount(x.child("Amt"), ael+"/Amt", f)
		if err != nil {
			return err
		}
		switch ind := x.textAt("CdtDbtInd"); ind {
		case "", "DBIT":
		case "CRDT":
			m = m.Neg()
		default:
			return &ParseError{Format: f, Element: ael + "/CdtDbtInd", Err: malformed("CdtDbtInd %q must be CRDT or DBIT", truncateText(ind))}
		}
		if d.Adjustment, err = addMoney(d.Adjustment, m, ael, f); err != nil {
			return err
		}
		if r := cleanText(x.textAt("Rsn")); r != "" {
			reasons = append(reasons, r)
		}
	}
	d.AdjustmentReason = strings.Join(reasons, ",")
	return nil
}

// addMoney returns a+b (a nil a starts from zero); amounts in different
// currencies cannot be summed and are refused.
func addMoney(a *o2c.Money, b o2c.Money, el string, f Format) (*o2c.Money, error) {
	if a == nil {
		return &b, nil
	}
	s, err := a.Add(b)
	if err != nil {
		return nil, &ParseError{Format: f, Element: el, Err: malformed("amounts in different currencies: %v", err)}
	}
	return &s, nil
}
