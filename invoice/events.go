package invoice

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// Event types the invoice aggregate records (aggregate type "invoice").
// Each carries an [EventPayload].
const (
	EventIssued             = "invoice.issued"
	EventCreditNoteIssued   = "invoice.credit_note_issued"
	EventPaymentApplied     = "invoice.payment_applied"
	EventCreditApplied      = "invoice.credit_applied"
	EventPaid               = "invoice.paid"
	EventSettledByCredit    = "invoice.settled_by_credit"
	EventReopened           = "invoice.reopened"
	EventDisputed           = "invoice.disputed"
	EventDisputeResolved    = "invoice.dispute_resolved"
	EventWrittenOff         = "invoice.written_off"
	EventResidualWrittenOff = "invoice.residual_written_off"
	EventCreditUsed         = "invoice.credit_used"
	EventCreditRefunded     = "invoice.credit_refunded"
	EventDepositDeducted    = "invoice.deposit_deducted"
)

// AggregateType is the aggregate type of the invoice's events.
const AggregateType = "invoice"

// EventPayload is the payload of every invoice event: the document's
// figures after the change, and what the change was about. Fields that do
// not apply to an event type are empty.
type EventPayload struct {
	Number   string    `json:"number,omitempty"`
	Kind     Kind      `json:"kind"`
	Status   State     `json:"status"`
	Customer string    `json:"customer"`
	Gross    o2c.Money `json:"gross"`
	Open     o2c.Money `json:"open"`
	Disputed o2c.Money `json:"disputed"`
	DueDate  o2c.Date  `json:"due_date,omitzero"`
	OrderRef string    `json:"order_ref,omitempty"`
	Amount   o2c.Money `json:"amount,omitzero"`
	// ValueDate is the day the money of an applied payment arrived (the
	// payment's value date), zero when not known or not a payment.
	ValueDate  o2c.Date `json:"value_date,omitzero"`
	Allocation string   `json:"allocation,omitempty"`
	Source     string   `json:"source,omitempty"`  // payment or credit note
	Invoice    string   `json:"invoice,omitempty"` // the invoice a credit note or deduction concerns
	Dispute    string   `json:"dispute,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	Outcome    string   `json:"outcome,omitempty"`
	Approver   string   `json:"approver,omitempty"`
	// IssueDate is the document's issue date (zero for a draft): the date
	// its journal entries take.
	IssueDate o2c.Date `json:"issue_date,omitzero"`
	// SourceKind says what Source is on a settlement event (payment,
	// credit_note, residual_write_off; applied or refund on a credit note).
	SourceKind SettlementKind `json:"source_kind,omitempty"`
	// Lines are the issued document's lines as the books need them (item,
	// net, tax, category and rate), on every event of an issued document,
	// so that a listener can split any amount of the document by line
	// without reading the invoice.
	Lines []EventLine `json:"lines,omitempty"`
	// Instalments are the issued document's due lines (amount, due date,
	// open after the change), on every event of an issued document.
	Instalments []InstalmentBalance `json:"instalments,omitempty"`
	// Parts is how a settlement, its reversal or a write-off split over
	// the instalments (Seq refers to Instalments).
	Parts []InstalmentPart `json:"parts,omitempty"`
}

// EventLine is one line of an issued document in an [EventPayload]: its
// figures from the totals engine (Σ Net = document net, Σ Tax = document
// tax) and what a chart of accounts maps from.
type EventLine struct {
	SKU      string          `json:"sku,omitempty"`
	Net      o2c.Money       `json:"net"`
	Tax      o2c.Money       `json:"tax"`
	Category tax.Category    `json:"category"`
	Rate     decimal.Decimal `json:"rate"`
	// Deposit is set on a final invoice's line deducting a deposit.
	Deposit bool `json:"deposit,omitempty"`
}

func (inv *Invoice) payload() EventPayload {
	p := EventPayload{
		Number: inv.number, Kind: inv.kind, Status: inv.status, Customer: inv.Customer().String(),
		Gross: inv.totals.Gross, Open: inv.open, Disputed: inv.Disputed(), DueDate: inv.DueDate(), OrderRef: inv.OrderRef(),
	}
	if inv.creditOf != nil {
		p.Invoice = inv.creditOf.Invoice.String()
	}
	if inv.status != StateDraft {
		p.IssueDate = inv.issueDate
		p.Instalments = append([]InstalmentBalance(nil), inv.instalments...)
		p.Lines = make([]EventLine, len(inv.draft.Lines))
		for i, l := range inv.draft.Lines {
			lt := inv.totals.Lines[i]
			p.Lines[i] = EventLine{SKU: l.SKU, Net: lt.Net, Tax: lt.Tax, Category: l.TaxCategory, Rate: l.TaxRate, Deposit: !l.DepositRef.IsZero()}
		}
	}
	return p
}

// record appends an event of type typ.
func (inv *Invoice) record(typ string, at time.Time, p EventPayload) error {
	e, err := o2c.NewEvent(inv.tenant, AggregateType, inv.id.String(), typ, at, p)
	if err != nil {
		return err
	}
	inv.events = append(inv.events, e)
	return nil
}

// recordSettlement records typ for a settlement or its reversal, then
// invoice.paid or invoice.settled_by_credit if the state became one of them.
func (inv *Invoice) recordSettlement(typ string, id AllocationID, kind SettlementKind, source string, amount o2c.Money, valueDate o2c.Date, at time.Time) error {
	p := inv.payload()
	p.Allocation, p.Source, p.Amount, p.ValueDate, p.SourceKind = id.String(), source, amount, valueDate, kind
	for _, s := range inv.settlements {
		if s.ID == id {
			p.Parts = append([]InstalmentPart(nil), s.Parts...)
		}
	}
	if err := inv.record(typ, at, p); err != nil {
		return err
	}
	switch inv.status {
	case StatePaid:
		// a credit note whose credit is used up is not "paid" for the
		// listeners of invoice.paid (dunning, credit exposure)
		if typ != EventReopened && inv.kind != KindCreditNote {
			return inv.record(EventPaid, at, inv.payload())
		}
	case StateSettledByCredit:
		return inv.record(EventSettledByCredit, at, inv.payload())
	}
	return nil
}

// PendingEvents returns the events recorded since the invoice was loaded
// or created, in order. Stores write them in the transaction that saves
// the invoice; an invoice returned by a store has none.
func (inv *Invoice) PendingEvents() []o2c.Event { return append([]o2c.Event(nil), inv.events...) }
