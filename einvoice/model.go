package einvoice

import (
	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// TypeCode is the document type (EN 16931 BT-3, UNTDID 1001).
type TypeCode string

// The document types the SDK writes.
const (
	// TypeInvoice is a commercial invoice (380), also a final invoice
	// deducting deposits.
	TypeInvoice TypeCode = "380"
	// TypeCreditNote is a credit note (381).
	TypeCreditNote TypeCode = "381"
	// TypeCorrected is a corrected invoice (384).
	TypeCorrected TypeCode = "384"
	// TypePrepayment is a prepayment (deposit) invoice (386).
	TypePrepayment TypeCode = "386"
)

// IsCreditNote reports whether the type is written as a UBL CreditNote.
func (t TypeCode) IsCreditNote() bool {
	return t == TypeCreditNote || t == "261" || t == "262" || t == "296" || t == "308" || t == "396" || t == "420" || t == "458" || t == "532"
}

// Document is an invoice as EN 16931 sees it: the semantic model both
// syntaxes (CII and UBL) are written from and read into. Amounts are
// decimals in Currency; dates are civil dates. Build one from an
// [invoice.Invoice] with [FromInvoice], or read one with [ReadCII] or
// [ReadUBL]; [Document.Check] verifies its sums before anything is written.
type Document struct {
	Number    string   // BT-1
	IssueDate o2c.Date // BT-2
	Type      TypeCode // BT-3
	Currency  string   // BT-5 (ISO 4217)
	// DueDate is BT-9: the first due date when there are instalments.
	DueDate o2c.Date
	// BuyerReference is BT-10 (the buyer's routing reference, Leitweg-ID).
	BuyerReference string
	// PurchaseOrder is BT-13, SalesOrder BT-14.
	PurchaseOrder, SalesOrder string
	// Notes are BG-1, each with an optional UNTDID 4451 subject code.
	Notes []Note
	// Preceding are BG-3: the invoices a credit note or corrected invoice
	// refers to (BT-25, BT-26).
	Preceding []Reference
	// DeliveryDate is BT-72 (actual delivery date), optional.
	DeliveryDate o2c.Date
	// PeriodStart and PeriodEnd are the invoicing period (BG-14: BT-73,
	// BT-74), optional.
	PeriodStart, PeriodEnd o2c.Date
	// DeliverTo is the deliver-to address (BG-15), optional; its country
	// (BT-80) is required for intra-community supplies.
	DeliverTo Address
	// TaxCurrency is BT-6 and TaxInTaxCurrency BT-111, when the VAT is
	// accounted in another currency.
	TaxCurrency      string
	TaxInTaxCurrency decimal.Decimal
	// Seller is BG-4, Buyer BG-7.
	Seller, Buyer Party
	// Payment is BG-16: means (BT-81), account (BT-84), remittance
	// reference (BT-83).
	Payment PaymentMeans
	// PaymentTerms is BT-20.
	PaymentTerms string
	// Lines are BG-25.
	Lines []Line
	// Allowances and charges on the document level (BG-20, BG-21).
	AllowanceCharges []AllowanceCharge
	// VAT is the VAT breakdown (BG-23), one per category and rate.
	VAT []VATBreakdown
	// Totals are BG-22.
	Totals Totals
}

// Note is a document note (BG-1): text and an optional subject code (BT-21,
// UNTDID 4451: "PMT", "PMD", "AAB", "REG", ...).
type Note struct {
	Subject string
	Text    string
}

// Reference is a preceding invoice (BG-3): its number and issue date.
type Reference struct {
	Number string
	Date   o2c.Date
}

// Party is a seller or buyer (BG-4, BG-7) with its address (BG-5, BG-8).
type Party struct {
	Name        string // BT-27 / BT-44
	TradingName string // BT-28 / BT-45
	// ID is BT-29 / BT-46 with its scheme (ISO 6523 ICD: "0009" SIRET).
	ID, IDScheme string
	// LegalID is BT-30 / BT-47 with its scheme ("0002" SIREN).
	LegalID, LegalIDScheme string
	// VATNumber is BT-31 / BT-48.
	VATNumber string
	// LegalInfo is BT-33, additional legal information (share capital,
	// trade register); seller only.
	LegalInfo string
	// Endpoint is the electronic address (BT-34 / BT-49) with its scheme
	// (EAS code list: "EM" for an email address, "0225" for a French
	// SIREN-based routing address).
	Endpoint, EndpointScheme string
	Address                  Address
}

// Address is a postal address (BG-5, BG-8).
type Address struct {
	Lines    []string // BT-35..BT-162 (at most three)
	City     string   // BT-37
	Postcode string   // BT-38
	Region   string   // BT-39
	Country  string   // BT-40 (ISO 3166-1 alpha-2)
}

// PaymentMeans is BG-16 with the credit transfer account (BG-17).
type PaymentMeans struct {
	// Code is BT-81 (UNTDID 4461): "30" credit transfer, "58" SEPA credit
	// transfer, "49" direct debit, "48" card, "10" cash.
	Code string
	// Text is BT-82.
	Text string
	// Reference is BT-83, the remittance information the payer quotes
	// (an ISO 11649 RF reference when the seller uses one).
	Reference string
	// IBAN is BT-84, AccountName BT-85, BIC BT-86.
	IBAN, AccountName, BIC string
	// Mandate is BT-89, CreditorID BT-90 and DebitedAccount BT-91, for
	// direct debits.
	Mandate, CreditorID, DebitedAccount string
}

// Line is an invoice line (BG-25).
type Line struct {
	ID          string // BT-126
	Note        string // BT-127
	Name        string // BT-153
	Description string // BT-154
	SellerID    string // BT-155
	// OrderLineRef is BT-132.
	OrderLineRef string
	Quantity     decimal.Decimal // BT-129
	UnitCode     string          // BT-130 (UN/ECE Rec 20, "C62" one)
	// NetPrice is BT-146; GrossPrice BT-148 (zero when not given) less
	// PriceDiscount BT-147 gives it.
	NetPrice, GrossPrice, PriceDiscount decimal.Decimal
	// BaseQuantity is BT-149, the quantity the prices are for (zero means
	// one unit).
	BaseQuantity decimal.Decimal
	// PeriodStart and PeriodEnd are the line's invoicing period (BG-26).
	PeriodStart, PeriodEnd o2c.Date
	// Allowances and charges on the line (BG-27, BG-28).
	AllowanceCharges []AllowanceCharge
	// NetAmount is BT-131.
	NetAmount decimal.Decimal
	// Category and Rate are BT-151 and BT-152.
	Category tax.Category
	Rate     decimal.Decimal
}

// AllowanceCharge is a document (BG-20/BG-21) or line (BG-27/BG-28)
// allowance or charge. Category and Rate apply to document level ones.
type AllowanceCharge struct {
	Charge     bool
	Amount     decimal.Decimal // BT-92/BT-99/BT-136/BT-141
	Base       decimal.Decimal // optional, with Percent
	Percent    decimal.Decimal // optional
	Reason     string
	ReasonCode string
	Category   tax.Category
	Rate       decimal.Decimal
}

// VATBreakdown is one BG-23 row.
type VATBreakdown struct {
	Category tax.Category
	Rate     decimal.Decimal
	Base     decimal.Decimal // BT-116
	Tax      decimal.Decimal // BT-117
	// ExemptionReason (BT-120) and ExemptionCode (BT-121, VATEX) are
	// required for the exempt and reverse-charge categories.
	ExemptionReason, ExemptionCode string
}

// Totals are the document totals (BG-22).
type Totals struct {
	LineNet      decimal.Decimal // BT-106
	Allowances   decimal.Decimal // BT-107
	Charges      decimal.Decimal // BT-108
	TaxExclusive decimal.Decimal // BT-109
	Tax          decimal.Decimal // BT-110
	TaxInclusive decimal.Decimal // BT-112
	Prepaid      decimal.Decimal // BT-113
	Rounding     decimal.Decimal // BT-114
	Payable      decimal.Decimal // BT-115
}
