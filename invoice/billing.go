package invoice

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// BillingSource is what invoicing needs from orders to "bill what was
// delivered". The order package does not know this one (siblings never
// import each other): the composition package plugs orders in behind it.
//
// Implementations must be transactional with the invoice stores: both
// methods join the transaction carried by ctx, and [Service.BillDelivered]
// calls MarkInvoiced in the transaction that creates the invoice, so the
// invoice and the "invoiced" marks commit or roll back together.
// MarkInvoiced must refuse, with an error wrapping [ErrOverBilled], to
// mark more than is delivered and not yet invoiced (re-checked under the
// order's lock), so that two concurrent billings never bill a quantity
// twice: the loser's transaction rolls back, invoice included.
type BillingSource interface {
	// Billable returns the order's customer, currency, rounding policy and
	// its delivered, not yet invoiced quantities. An unknown order is
	// o2c.ErrNotFound.
	Billable(ctx context.Context, orderRef string) (BillableOrder, error)
	// MarkInvoiced records that invoice invoiceRef bills lines of the order.
	MarkInvoiced(ctx context.Context, orderRef, invoiceRef string, lines []BilledLine) error
}

// BillableOrder is an order as billing sees it.
type BillableOrder struct {
	OrderRef string
	Customer o2c.CustomerID
	Currency o2c.Currency
	// Rounding is the order's totals policy; the invoice uses it so that
	// its totals agree with the order's.
	Rounding tax.RoundingPolicy
	Lines    []BillableLine
}

// BillableLine is an order line's delivered, not yet invoiced quantity and
// its pricing.
type BillableLine struct {
	OrderLineRef    string
	SKU             string
	Description     string
	Quantity        decimal.Decimal // delivered, not yet invoiced; lines with zero are skipped
	UnitPrice       o2c.Money
	DiscountPercent decimal.Decimal
	TaxCategory     tax.Category
	TaxRate         decimal.Decimal
}

// BilledLine is a quantity of an order line billed by an invoice.
type BilledLine struct {
	OrderLineRef string
	Quantity     decimal.Decimal
}

// BillInput asks [Service.BillDelivered] to invoice an order's deliveries.
type BillInput struct {
	// OrderRef is the order to bill (required).
	OrderRef string
	// Terms and Schedule as in [Draft] (Terms required).
	Terms    Terms
	Schedule []PercentInstalment
	// Reference and Notes as in [Draft].
	Reference, Notes string
	// Issue issues the invoice in the same transaction; otherwise it stays
	// a draft whose billed lines cannot change.
	Issue bool
	// IssueDate when Issue is set (zero: today on the service's clock).
	IssueDate o2c.Date
}

// DepositInput asks [Service.CreateDeposit] for a deposit invoice: an
// advance on an order ("acompte"), deducted from the order's final
// invoices at the same tax rate. Like the order's deposit requirement, it
// is a gross amount (tax included): Amount, or Percent of Base (the
// order's gross total). The deposit invoice has one line whose net is the
// gross less the tax at TaxRate.
type DepositInput struct {
	OrderRef string // required
	Customer o2c.CustomerID
	// Percent of Base (30 for 30 %), or zero when Amount is set.
	Percent decimal.Decimal
	// Base is the order's gross total, with Percent.
	Base o2c.Money
	// Amount is the deposit's gross, instead of Percent and Base.
	Amount      o2c.Money
	TaxCategory tax.Category
	TaxRate     decimal.Decimal
	// Rounding rounds Base × Percent and the deposit's totals (use the
	// order's policy).
	Rounding tax.RoundingPolicy
	// Description of the deposit line (default "Deposit on order <ref>").
	Description string
	Terms       Terms
	Issue       bool
	IssueDate   o2c.Date
}

// CreditNoteInput asks [Service.IssueCreditNote] for a credit note
// correcting an issued invoice.
type CreditNoteInput struct {
	// Invoice corrected (required).
	Invoice ID
	// Lines credited (positive quantities, in the invoice's currency).
	Lines []Line
	// Reason is required (printed, and kept for reports).
	Reason string
	Notes  string
	// Date of issue (zero: today on the service's clock).
	Date o2c.Date
	// Key makes the request idempotent: the same key returns the credit
	// note issued the first time.
	Key string
}

// AllocateInput asks [Service.Allocate] to apply a payment to invoices.
type AllocateInput struct {
	Payment PaymentID
	// Key makes the request idempotent (required): a repeat returns the
	// allocations made the first time and changes nothing.
	Key   string
	Lines []AllocationLine
}

// AllocateCreditInput asks [Service.AllocateCredit] to apply a credit
// note's open credit to invoices of the same customer.
type AllocateCreditInput struct {
	CreditNote ID
	Key        string // required, as for AllocateInput
	Lines      []AllocationLine
}

// RefundInput asks [Service.Refund] to pay unapplied payment credit back.
type RefundInput struct {
	Payment   PaymentID
	Key       string // required; a repeat returns the first refund
	Amount    o2c.Money
	Reference string
}

// RefundCreditInput asks [Service.RefundCredit] to pay a credit note's
// open credit back.
type RefundCreditInput struct {
	CreditNote ID
	Key        string // required; a repeat returns the first refund
	Amount     o2c.Money
	Reference  string
}

// Resolution closes a dispute: CreditLines (may be empty) are credited by
// a credit note, up to the disputed amount; the rest of the disputed
// amount is rejected.
type Resolution struct {
	CreditLines []Line
	// Actor resolves the dispute (required).
	Actor string
	// Note explains the resolution; it is also the credit note's reason.
	Note string
	// Date of the credit note (zero: today).
	Date o2c.Date
}
