package invoice

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// Kind says what a document is. It is a closed set.
type Kind string

// The kinds of documents.
const (
	// KindInvoice: an ordinary invoice, from an order's deliveries or standalone.
	KindInvoice Kind = "invoice"
	// KindCreditNote: a credit note correcting an issued invoice. Its open
	// amount is credit the customer may use against other invoices or get
	// refunded.
	KindCreditNote Kind = "credit_note"
	// KindDeposit: a deposit (advance payment) invoice for an order,
	// deducted on the order's final invoices.
	KindDeposit Kind = "deposit"
)

// IsValid reports whether k is one of the Kind constants.
func (k Kind) IsValid() bool { return k == KindInvoice || k == KindCreditNote || k == KindDeposit }

// UnmarshalText implements encoding.TextUnmarshaler, refusing unknown kinds.
func (k *Kind) UnmarshalText(b []byte) error {
	v := Kind(b)
	if !v.IsValid() {
		return invalid("kind", "must be one of invoice, credit_note, deposit", string(b))
	}
	*k = v
	return nil
}

// Limits on free text, in characters.
const (
	MaxSKULength         = 64
	MaxDescriptionLength = 500
	MaxRefLength         = 128
	MaxNoteLength        = 2000
)

// Line is one line of a document: Quantity × UnitPrice, less
// DiscountPercent, taxed at TaxRate % in TaxCategory. Amounts are computed
// by the shared totals engine ([tax.Compute]) under the document's
// rounding policy, so an invoice billing an order's lines shows the
// order's figures to the cent.
//
// Quantity is positive on invoices and credit notes (a credit note's lines
// say what is credited); the only negative lines are the deposit
// deductions [Service.BillDelivered] adds to a final invoice.
type Line struct {
	// SKU is the item's code (optional).
	SKU string `json:"sku,omitempty"`
	// Description is the text printed on the line (required).
	Description string `json:"description"`
	// Quantity may carry decimals (2.5 hours).
	Quantity decimal.Decimal `json:"quantity"`
	// UnitPrice is in the document's currency; it may carry more decimals
	// than the currency's minor unit.
	UnitPrice o2c.Money `json:"unit_price"`
	// DiscountPercent is a line discount from 0 to 100.
	DiscountPercent decimal.Decimal `json:"discount_percent"`
	// TaxCategory is the EN 16931 VAT category.
	TaxCategory tax.Category `json:"tax_category"`
	// TaxRate is a percentage (20 for 20 %) allowed by the category.
	TaxRate decimal.Decimal `json:"tax_rate"`
	// OrderLineRef names the order line billed (set by billing).
	OrderLineRef string `json:"order_line_ref,omitempty"`
	// DepositRef is the deposit invoice a deduction line deducts (set by billing).
	DepositRef ID `json:"deposit_ref,omitzero"`
}

func (l Line) taxLine() tax.Line {
	return tax.Line{Quantity: l.Quantity, UnitPrice: l.UnitPrice, DiscountPercent: l.DiscountPercent, Category: l.TaxCategory, Rate: l.TaxRate}
}

// validate checks the line's own rules; the totals engine checks the figures.
func (l Line) validate(i int) error {
	f := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
	if err := checkText(f("sku"), l.SKU, MaxSKULength, false); err != nil {
		return err
	}
	if err := checkText(f("description"), l.Description, MaxDescriptionLength, true); err != nil {
		return err
	}
	if err := checkText(f("order_line_ref"), l.OrderLineRef, MaxRefLength, false); err != nil {
		return err
	}
	if l.DepositRef.IsZero() && !l.Quantity.IsPositive() {
		return invalid(f("quantity"), "must be positive", l.Quantity.String())
	}
	if !l.DepositRef.IsZero() && !l.Quantity.IsNegative() {
		return invalid(f("quantity"), "must be negative on a deposit deduction line", l.Quantity.String())
	}
	if l.UnitPrice.IsNegative() {
		return invalid(f("unit_price"), "must not be negative", l.UnitPrice.String())
	}
	return nil
}

// checkText refuses text that is too long, not UTF-8, has control
// characters other than line breaks, or is blank when required.
func checkText(field, s string, max int, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return &o2c.ValidationError{Field: field, Rule: "is required"}
	case !utf8.ValidString(s):
		return &o2c.ValidationError{Field: field, Rule: "must be valid UTF-8"}
	case utf8.RuneCountInString(s) > max:
		return &o2c.ValidationError{Field: field, Rule: fmt.Sprintf("must be at most %d characters", max), Value: truncateValue(s)}
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		return &o2c.ValidationError{Field: field, Rule: "must not contain control characters", Value: truncateValue(s)}
	}
	return nil
}

func cloneLines(ls []Line) []Line {
	if len(ls) == 0 {
		return nil
	}
	return append([]Line(nil), ls...)
}

// computeTotals validates lines and returns their totals.
func computeTotals(cur o2c.Currency, lines []Line, p tax.RoundingPolicy) (tax.Totals, error) {
	tl := make([]tax.Line, len(lines))
	for i, l := range lines {
		if err := l.validate(i); err != nil {
			return tax.Totals{}, err
		}
		tl[i] = l.taxLine()
	}
	return tax.Compute(cur, tl, p)
}
