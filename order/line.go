package order

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// Limits on order data.
const (
	// MaxLines is the largest number of lines on an order (that of
	// [tax.MaxLines]).
	MaxLines = tax.MaxLines
	// MaxQuantityDecimals is the largest number of decimals of a quantity
	// (0.000001 of a unit).
	MaxQuantityDecimals = 6
	// MaxPriceDecimals is the largest number of decimals of a unit price
	// (0.00000001 of the currency).
	MaxPriceDecimals = 8
	maxSKU           = 64
	maxDescription   = 1000
	maxReference     = 100
	maxRef           = 64
	maxActor         = 100
	maxNote          = 2000
)

// LineSpec is an order line as the host gives it: what is ordered, how
// many, at what price, with which discount and tax.
type LineSpec struct {
	// SKU is the item's code, 1 to 64 characters.
	SKU string `json:"sku"`
	// Description is free text, at most 1000 characters.
	Description string `json:"description,omitempty"`
	// Quantity ordered: positive, at most [MaxQuantityDecimals] decimals
	// (2.5 hours, 0.75 kg), at most [tax.MaxQuantity].
	Quantity decimal.Decimal `json:"quantity"`
	// UnitPrice is the net price of one unit in the order's currency, not
	// negative, at most [MaxPriceDecimals] decimals (0.0125 EUR).
	UnitPrice o2c.Money `json:"unit_price"`
	// DiscountPercent is the line discount, 0 to 100.
	DiscountPercent decimal.Decimal `json:"discount_percent"`
	// TaxCategory is the EN 16931 VAT category of the line.
	TaxCategory tax.Category `json:"tax_category"`
	// TaxRate is the VAT rate in percent (20 for 20 %), as the category
	// allows (see [tax.Category.CheckRate]).
	TaxRate decimal.Decimal `json:"tax_rate"`
}

// taxLine returns the line as the totals engine sees it, for quantity q.
func (l LineSpec) taxLine(q decimal.Decimal) tax.Line {
	return tax.Line{Quantity: q, UnitPrice: l.UnitPrice, DiscountPercent: l.DiscountPercent, Category: l.TaxCategory, Rate: l.TaxRate}
}

// Line is an order line with its fulfilment quantities. Lines are numbered
// from 1 in the order given; shipments, deliveries and invoices name them
// by number. The quantities always satisfy
//
//	0 <= Invoiced <= Delivered <= Shipped <= Quantity - Cancelled <= Quantity
type Line struct {
	// No is the line number, from 1.
	No int `json:"no"`
	LineSpec
	// Cancelled is the quantity cancelled after a partial shipment.
	Cancelled decimal.Decimal `json:"cancelled"`
	// Shipped is the quantity shipped so far.
	Shipped decimal.Decimal `json:"shipped"`
	// Delivered is the quantity whose delivery the customer confirmed.
	Delivered decimal.Decimal `json:"delivered"`
	// Invoiced is the quantity billed so far.
	Invoiced decimal.Decimal `json:"invoiced"`
}

// Open returns the quantity the order still stands for: ordered less
// cancelled.
func (l Line) Open() decimal.Decimal { return l.Quantity.Sub(l.Cancelled) }

// Unshipped returns the backorder: open less shipped.
func (l Line) Unshipped() decimal.Decimal { return l.Open().Sub(l.Shipped) }

// InTransit returns what was shipped and is not yet confirmed delivered.
func (l Line) InTransit() decimal.Decimal { return l.Shipped.Sub(l.Delivered) }

// Undelivered returns open less delivered: what counts as open order value
// in credit exposure.
func (l Line) Undelivered() decimal.Decimal { return l.Open().Sub(l.Delivered) }

// Billable returns what was delivered and not yet invoiced: what invoicing
// bills next and what counts as uninvoiced deliveries in credit exposure.
func (l Line) Billable() decimal.Decimal { return l.Delivered.Sub(l.Invoiced) }

// LineQuantity is a quantity of one order line: shipped, delivered,
// invoiced or cancelled.
type LineQuantity struct {
	// Line is the line number, from 1.
	Line int `json:"line"`
	// Quantity is positive, with at most [MaxQuantityDecimals] decimals.
	Quantity decimal.Decimal `json:"quantity"`
}

// Movement records one shipment, delivery confirmation, invoice or
// cancellation of remaining quantities: its reference, when it was
// recorded and the quantities by line.
type Movement struct {
	// Ref is the shipment or delivery note number, the invoice number, or
	// for cancellations a generated "cancel-N".
	Ref   string         `json:"ref"`
	At    time.Time      `json:"at"`
	Lines []LineQuantity `json:"lines"`
}

func (m Movement) clone() Movement {
	m.Lines = append([]LineQuantity(nil), m.Lines...)
	return m
}

// Deposit is the advance payment the order requires before fulfilment
// (the French "acompte"): a percentage of the gross total, or a fixed
// amount, or neither (the zero Deposit). Setting both is refused.
type Deposit struct {
	// Percent of the order's gross total, greater than 0 and at most 100.
	Percent decimal.Decimal `json:"percent"`
	// Amount in the order's currency, positive and at most the gross total.
	Amount o2c.Money `json:"amount"`
}

// DepositPercent returns a deposit of p percent of the gross total.
func DepositPercent(p decimal.Decimal) Deposit { return Deposit{Percent: p} }

// DepositAmount returns a deposit of a fixed amount.
func DepositAmount(m o2c.Money) Deposit { return Deposit{Amount: m} }

// IsZero reports whether no deposit is required.
func (d Deposit) IsZero() bool { return d.Percent.IsZero() && d.Amount.Currency().IsZero() }

// cleanText trims s and collapses inner runs of white space.
func cleanText(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkText refuses text longer than max characters or holding control
// characters.
func checkText(field, s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return &o2c.ValidationError{Field: field, Rule: fmt.Sprintf("must be at most %d characters", max), Value: clip(s)}
	}
	if !utf8.ValidString(s) {
		return &o2c.ValidationError{Field: field, Rule: "must be valid UTF-8"}
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return &o2c.ValidationError{Field: field, Rule: "must not contain control characters", Value: clip(s)}
		}
	}
	return nil
}

func clip(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "..."
	}
	return s
}

// decimals returns the number of significant decimals of d (trailing
// zeros do not count).
func decimals(d decimal.Decimal) int32 {
	e := d.Exponent()
	for n := int32(0); n < -e; n++ {
		if d.Truncate(n).Equal(d) {
			return n
		}
	}
	if e < 0 {
		return -e
	}
	return 0
}
