package einvoice

import (
	"fmt"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// Draft returns the document as an invoice draft of the SDK for customer
// (a credit note or invoice a customer's platform returns, a document to
// re-issue), with terms. Each line becomes a line at its net price per
// unit (BT-146 / BT-149); a line allowance given as a percentage becomes
// the line's discount. The draft's totals, computed by the SDK's totals
// engine under policy, must equal the document's to the cent (BT-109,
// BT-110, BT-112): a document the SDK's model cannot express exactly
// (document-level allowances or charges, a line allowance without a
// percentage, a VAT category or rounding the engine would compute
// differently) is a *o2c.ValidationError naming what differs, never a
// draft with other amounts.
func (d *Document) Draft(customer o2c.CustomerID, terms invoice.Terms, policy tax.RoundingPolicy) (invoice.Draft, error) {
	cur, err := o2c.ParseCurrency(d.Currency)
	if err != nil {
		return invoice.Draft{}, &o2c.ValidationError{Field: "BT-5 currency", Rule: "must be an ISO 4217 code", Value: d.Currency, Err: err}
	}
	if len(d.AllowanceCharges) > 0 {
		return invoice.Draft{}, rule("BG-20 document allowances and charges", "cannot be expressed as invoice lines")
	}
	dr := invoice.Draft{Customer: customer, Currency: cur, Terms: terms, Rounding: policy, Reference: d.PurchaseOrder, OrderRef: d.SalesOrder}
	var notes []string
	for _, n := range d.Notes {
		if n.Subject == "" {
			notes = append(notes, n.Text)
		}
	}
	if len(notes) > 0 {
		dr.Notes = notes[0]
	}
	tl := make([]tax.Line, len(d.Lines))
	for i, l := range d.Lines {
		price := l.NetPrice
		if !l.BaseQuantity.IsZero() {
			price = price.DivRound(l.BaseQuantity, 10)
		}
		unit, err := o2c.MoneyOf(price, cur)
		if err != nil {
			return invoice.Draft{}, &o2c.ValidationError{Field: fmt.Sprintf("lines[%d] BT-146 net price", i), Rule: "must be an amount", Value: price.String(), Err: err}
		}
		line := invoice.Line{SKU: l.SellerID, Description: l.Name, Quantity: l.Quantity, UnitPrice: unit, TaxCategory: l.Category, TaxRate: l.Rate}
		for _, ac := range l.AllowanceCharges {
			if ac.Charge || ac.Percent.IsZero() || !line.DiscountPercent.IsZero() {
				return invoice.Draft{}, rule(fmt.Sprintf("lines[%d] BG-27 line allowance", i), "only one allowance given as a percentage can become the line's discount")
			}
			line.DiscountPercent = ac.Percent
		}
		if line.Description == "" {
			line.Description = l.Description
		}
		dr.Lines = append(dr.Lines, line)
		tl[i] = tax.Line{Quantity: line.Quantity, UnitPrice: line.UnitPrice, DiscountPercent: line.DiscountPercent, Category: line.TaxCategory, Rate: line.TaxRate}
	}
	totals, err := tax.Compute(cur, tl, policy)
	if err != nil {
		return invoice.Draft{}, err
	}
	for _, c := range []struct {
		field string
		got   o2c.Money
		want  string
	}{
		{"BT-109 total without VAT", totals.Net, d.Totals.TaxExclusive.StringFixed(cur.Digits())},
		{"BT-110 total VAT", totals.Tax, d.Totals.Tax.StringFixed(cur.Digits())},
		{"BT-112 total with VAT", totals.Gross, d.Totals.TaxInclusive.StringFixed(cur.Digits())},
	} {
		if c.got.AmountString() != c.want {
			return invoice.Draft{}, rule(c.field, fmt.Sprintf("the SDK's totals engine gives %s for these lines; the document says %s", c.got.AmountString(), c.want))
		}
	}
	return dr, nil
}
