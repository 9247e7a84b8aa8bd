package invoice

import (
	"time"

	"github.com/cashcycle/sdk/o2c"
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
}

func (inv *Invoice) payload() EventPayload {
	p := EventPayload{
		Number: inv.number, Kind: inv.kind, Status: inv.status, Customer: inv.Customer().String(),
		Gross: inv.totals.Gross, Open: inv.open, Disputed: inv.Disputed(), DueDate: inv.DueDate(), OrderRef: inv.OrderRef(),
	}
	if inv.creditOf != nil {
		p.Invoice = inv.creditOf.Invoice.String()
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
func (inv *Invoice) recordSettlement(typ string, id AllocationID, source string, amount o2c.Money, valueDate o2c.Date, at time.Time) error {
	p := inv.payload()
	p.Allocation, p.Source, p.Amount, p.ValueDate = id.String(), source, amount, valueDate
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
