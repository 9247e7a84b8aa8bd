package einvoice

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// ErrSyntax is matched by every *SyntaxError.
var ErrSyntax = errors.New("einvoice: malformed document")

// SyntaxError says why a document could not be read: malformed XML, an
// unknown root, or a value that is not what its element requires (an
// amount that is not a decimal, a date not in format 102). Path names the
// element when known.
type SyntaxError struct {
	Path string
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.Path != "" {
		return "einvoice: " + e.Path + ": " + e.Msg
	}
	return "einvoice: " + e.Msg
}

// Is reports whether target is ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

func rule(field, r string, v ...any) error {
	e := &o2c.ValidationError{Field: field, Rule: r}
	if len(v) > 0 {
		e.Value = fmt.Sprint(v...)
	}
	return e
}

// Check verifies what EN 16931 requires of a document before it is
// written: the mandatory terms (BR-01 to BR-16), the seller's VAT or legal
// identifier, and the sums (BR-CO-10 to BR-CO-16: lines, allowances,
// charges, VAT breakdown and amount due). It returns nil or every problem
// found, each a *o2c.ValidationError whose Field names the business term.
func (d *Document) Check() error {
	var errs []error
	req := func(field, v string) {
		if v == "" {
			errs = append(errs, rule(field, "is required"))
		}
	}
	req("BT-1 invoice number", d.Number)
	if d.IssueDate.IsZero() {
		errs = append(errs, rule("BT-2 issue date", "is required"))
	}
	req("BT-3 type code", string(d.Type))
	req("BT-5 currency", d.Currency)
	req("BT-27 seller name", d.Seller.Name)
	req("BT-40 seller country", d.Seller.Address.Country)
	req("BT-44 buyer name", d.Buyer.Name)
	req("BT-55 buyer country", d.Buyer.Address.Country)
	if d.Seller.VATNumber == "" && d.Seller.LegalID == "" && d.Seller.ID == "" {
		errs = append(errs, rule("BT-31 seller VAT identifier", "a VAT identifier, a legal registration identifier or a seller identifier is required (BR-CO-26)"))
	}
	if len(d.Lines) == 0 {
		errs = append(errs, rule("BG-25 invoice line", "at least one line is required"))
	}
	if (d.Payment.Code == "30" || d.Payment.Code == "58") && d.Payment.IBAN == "" {
		errs = append(errs, rule("BT-84 payment account", "is required for a credit transfer (BR-61)"))
	}
	if d.Totals.Payable.IsPositive() && d.DueDate.IsZero() && d.PaymentTerms == "" && !d.Type.IsCreditNote() {
		errs = append(errs, rule("BT-9 due date", "a due date or payment terms are required when an amount is due (BR-CO-25)"))
	}
	var lineNet, allow, charge, tax decimal.Decimal
	for i, l := range d.Lines {
		f := func(bt string) string { return fmt.Sprintf("lines[%d] %s", i, bt) }
		if l.ID == "" {
			errs = append(errs, rule(f("BT-126 line id"), "is required"))
		}
		if l.Name == "" {
			errs = append(errs, rule(f("BT-153 item name"), "is required"))
		}
		if l.Category.IsZero() {
			errs = append(errs, rule(f("BT-151 VAT category"), "is required"))
		}
		if l.NetPrice.IsNegative() {
			errs = append(errs, rule(f("BT-146 net price"), "must not be negative (BR-27)", l.NetPrice))
		}
		lineNet = lineNet.Add(l.NetAmount)
	}
	for _, ac := range d.AllowanceCharges {
		if ac.Charge {
			charge = charge.Add(ac.Amount)
		} else {
			allow = allow.Add(ac.Amount)
		}
	}
	for _, v := range d.VAT {
		tax = tax.Add(v.Tax)
		if (v.Category.Code() == "E" || v.Category.Code() == "AE" || v.Category.Code() == "K" || v.Category.Code() == "G" || v.Category.Code() == "O") && v.ExemptionReason == "" && v.ExemptionCode == "" {
			errs = append(errs, rule("BT-120 VAT exemption reason", "is required for category "+v.Category.Code()))
		}
	}
	t := d.Totals
	eq := func(field string, got, want decimal.Decimal, br string) {
		if !got.Equal(want) {
			errs = append(errs, rule(field, fmt.Sprintf("must be %s (%s)", want, br), got))
		}
	}
	eq("BT-106 sum of line net amounts", t.LineNet, lineNet, "BR-CO-10")
	eq("BT-107 sum of allowances", t.Allowances, allow, "BR-CO-11")
	eq("BT-108 sum of charges", t.Charges, charge, "BR-CO-12")
	eq("BT-109 total without VAT", t.TaxExclusive, t.LineNet.Sub(t.Allowances).Add(t.Charges), "BR-CO-13")
	eq("BT-110 total VAT", t.Tax, tax, "BR-CO-14")
	eq("BT-112 total with VAT", t.TaxInclusive, t.TaxExclusive.Add(t.Tax), "BR-CO-15")
	eq("BT-115 amount due", t.Payable, t.TaxInclusive.Sub(t.Prepaid).Add(t.Rounding), "BR-CO-16")
	return errors.Join(errs...)
}
