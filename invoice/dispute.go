package invoice

import (
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// DisputeID identifies a dispute.
type DisputeID = o2c.ID[Dispute]

// ReasonCode says why a customer disputes an invoice. Internal causes
// (wrong data, missing proof of delivery) are a large share of late
// payments, so reports group disputes by this code. It is a closed set.
type ReasonCode string

// The dispute reason codes.
const (
	ReasonPriceError                ReasonCode = "price_error"
	ReasonQuantityOrDeliveryMissing ReasonCode = "quantity_or_delivery_missing"
	ReasonQuality                   ReasonCode = "quality"
	ReasonDuplicateBilling          ReasonCode = "duplicate_billing"
	ReasonWrongCustomerData         ReasonCode = "wrong_customer_data"
	ReasonOther                     ReasonCode = "other"
)

// ReasonCodes lists every reason code.
func ReasonCodes() []ReasonCode {
	return []ReasonCode{ReasonPriceError, ReasonQuantityOrDeliveryMissing, ReasonQuality, ReasonDuplicateBilling, ReasonWrongCustomerData, ReasonOther}
}

// IsValid reports whether r is one of the ReasonCode constants.
func (r ReasonCode) IsValid() bool {
	for _, v := range ReasonCodes() {
		if r == v {
			return true
		}
	}
	return false
}

// UnmarshalText implements encoding.TextUnmarshaler, refusing unknown codes.
func (r *ReasonCode) UnmarshalText(b []byte) error {
	v := ReasonCode(b)
	if !v.IsValid() {
		return invalid("reason", "must be one of price_error, quantity_or_delivery_missing, quality, duplicate_billing, wrong_customer_data, other", string(b))
	}
	*r = v
	return nil
}

// DisputeStatus is open or resolved.
type DisputeStatus string

// Dispute statuses.
const (
	DisputeOpen     DisputeStatus = "open"
	DisputeResolved DisputeStatus = "resolved"
)

// DisputeOutcome says how a resolved dispute ended.
type DisputeOutcome string

// Dispute outcomes.
const (
	// OutcomeCredited: a credit note credited the whole disputed amount.
	OutcomeCredited DisputeOutcome = "credited"
	// OutcomeRejected: the claim was rejected; the amount is owed.
	OutcomeRejected DisputeOutcome = "rejected"
	// OutcomePartlyCredited: part credited, the rest rejected.
	OutcomePartlyCredited DisputeOutcome = "partly_credited"
	// OutcomeWrittenOff: the invoice was written off while the dispute was open.
	OutcomeWrittenOff DisputeOutcome = "written_off"
)

// Dispute actions in the timeline.
const (
	ActionOpened     = "opened"
	ActionNote       = "note"
	ActionCredited   = "credited"
	ActionRejected   = "rejected"
	ActionWrittenOff = "written_off"
)

// Dispute is a customer's claim against part or all of an invoice's open
// amount. While it is open its Amount is excluded from what payments may
// settle, from dunning and from credit exposure ([Invoice.Disputed]). Its
// Timeline keeps who did what and when.
type Dispute struct {
	ID         DisputeID      `json:"id"`
	Reason     ReasonCode     `json:"reason"`
	Notes      string         `json:"notes,omitempty"`
	Amount     o2c.Money      `json:"amount"`
	Status     DisputeStatus  `json:"status"`
	Outcome    DisputeOutcome `json:"outcome,omitempty"`
	Credited   o2c.Money      `json:"credited"`
	Rejected   o2c.Money      `json:"rejected"`
	CreditNote ID             `json:"credit_note,omitzero"`
	OpenedBy   string         `json:"opened_by"`
	OpenedAt   time.Time      `json:"opened_at"`
	ResolvedAt time.Time      `json:"resolved_at,omitzero"`
	Timeline   []DisputeEntry `json:"timeline"`
}

// DisputeEntry is one step of a dispute's timeline.
type DisputeEntry struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Amount o2c.Money `json:"amount"` // the zero Money for notes
	Note   string    `json:"note,omitempty"`
}

func (d Dispute) clone() Dispute {
	d.Timeline = append([]DisputeEntry(nil), d.Timeline...)
	return d
}

// DisputeInput opens a dispute.
type DisputeInput struct {
	// Amount disputed: positive, at most the undisputed open amount.
	Amount o2c.Money
	// Reason is one of the reason codes.
	Reason ReasonCode
	// Notes describe the claim.
	Notes string
	// Actor is who records it (a user name, "customer portal").
	Actor string
}

// Disputes returns a copy of the disputes, open and resolved.
func (inv *Invoice) Disputes() []Dispute {
	out := make([]Dispute, len(inv.disputes))
	for i, d := range inv.disputes {
		out[i] = d.clone()
	}
	return out
}

// Dispute returns the dispute id, or o2c.ErrNotFound.
func (inv *Invoice) Dispute(id DisputeID) (Dispute, error) {
	for _, d := range inv.disputes {
		if d.ID == id {
			return d.clone(), nil
		}
	}
	return Dispute{}, o2c.NotFound("dispute", id.String()+" on invoice "+inv.ref())
}

// Disputed returns the sum of the open disputes' amounts.
func (inv *Invoice) Disputed() o2c.Money {
	total := o2c.Zero(inv.Currency())
	for _, d := range inv.disputes {
		if d.Status == DisputeOpen {
			total, _ = total.Add(d.Amount)
		}
	}
	return total
}

// OpenDispute opens a dispute on the invoice and makes it disputed. It
// records invoice.disputed.
//
// Errors, with nothing changed: a *o2c.TransitionError when the invoice is
// not open (a draft, paid, settled by credit or written off); a
// *o2c.ValidationError for a credit note, an unknown reason code, a
// missing actor, over-long notes or a zero or negative amount; a
// *o2c.CurrencyMismatchError; an *[AmountError] matching [ErrOverDispute]
// when the amount is more than the undisputed open amount.
func (inv *Invoice) OpenDispute(in DisputeInput, now time.Time) (Dispute, error) {
	if inv.kind == KindCreditNote {
		return Dispute{}, invalid("invoice", "credit notes cannot be disputed", inv.ref())
	}
	to, err := next("invoice", inv.ref(), inv.status, TriggerDispute)
	if err != nil {
		return Dispute{}, err
	}
	if !in.Reason.IsValid() {
		return Dispute{}, invalid("reason", "must be one of price_error, quantity_or_delivery_missing, quality, duplicate_billing, wrong_customer_data, other", string(in.Reason))
	}
	if err := checkText("notes", in.Notes, MaxNoteLength, false); err != nil {
		return Dispute{}, err
	}
	if err := checkText("actor", in.Actor, MaxRefLength, true); err != nil {
		return Dispute{}, err
	}
	if err := checkPositive("amount", in.Amount); err != nil {
		return Dispute{}, err
	}
	if err := sameCurrency("dispute "+inv.ref(), inv.Currency(), in.Amount); err != nil {
		return Dispute{}, err
	}
	if u := inv.Undisputed(); in.Amount.Amount().GreaterThan(u.Amount()) {
		return Dispute{}, &AmountError{Kind: "invoice", ID: inv.ref(), Requested: in.Amount, Available: u, Err: ErrOverDispute}
	}
	at := stamp(now)
	zero := o2c.Zero(inv.Currency())
	d := Dispute{
		ID: o2c.NewID[Dispute](), Reason: in.Reason, Notes: in.Notes, Amount: in.Amount, Status: DisputeOpen,
		Credited: zero, Rejected: zero, OpenedBy: in.Actor, OpenedAt: at,
		Timeline: []DisputeEntry{{At: at, Actor: in.Actor, Action: ActionOpened, Amount: in.Amount, Note: in.Notes}},
	}
	c := inv.clone()
	c.disputes = append(c.disputes, d)
	c.status, c.updatedAt = to, at
	p := c.payload()
	p.Dispute, p.Amount, p.Reason = d.ID.String(), d.Amount, string(d.Reason)
	if err := c.record(EventDisputed, at, p); err != nil {
		return Dispute{}, err
	}
	*inv = *c
	return d.clone(), nil
}

// AddDisputeNote adds a note to an open dispute's timeline. A resolved
// dispute is [ErrDisputeClosed]; an unknown one o2c.ErrNotFound.
func (inv *Invoice) AddDisputeNote(id DisputeID, actor, note string, now time.Time) error {
	i, err := inv.openDispute(id)
	if err != nil {
		return err
	}
	if err := checkText("actor", actor, MaxRefLength, true); err != nil {
		return err
	}
	if err := checkText("note", note, MaxNoteLength, true); err != nil {
		return err
	}
	at := stamp(now)
	inv.disputes[i].Timeline = append(inv.disputes[i].Timeline, DisputeEntry{At: at, Actor: actor, Action: ActionNote, Note: note})
	inv.updatedAt = at
	return nil
}

func (inv *Invoice) openDispute(id DisputeID) (int, error) {
	for i, d := range inv.disputes {
		if d.ID == id {
			if d.Status != DisputeOpen {
				return 0, &o2c.ValidationError{Field: "dispute", Rule: "is already resolved (" + string(d.Outcome) + ")", Value: id.String(), Err: ErrDisputeClosed}
			}
			return i, nil
		}
	}
	return 0, o2c.NotFound("dispute", id.String()+" on invoice "+inv.ref())
}

// ResolveDispute closes an open dispute: credited (zero, or positive and
// at most the disputed amount) is credited by credit note creditNote (the
// zero ID when nothing is credited); the rest is rejected and owed again.
// The outcome is credited, rejected or partly credited. When no dispute
// remains open the invoice leaves the disputed state (issued, or partially
// paid if something was settled). It records invoice.dispute_resolved.
//
// The credit itself is applied afterwards with [Invoice.ApplyCredit];
// [Service.ResolveDispute] does both in one transaction.
//
// Errors, with nothing changed: o2c.ErrNotFound for an unknown dispute;
// [ErrDisputeClosed] for a resolved one; a *o2c.ValidationError for a
// negative credit, a missing actor or a positive credit without a credit
// note; an *[AmountError] matching [ErrOverDispute] when credited is more
// than the disputed amount; a *o2c.CurrencyMismatchError.
func (inv *Invoice) ResolveDispute(id DisputeID, credited o2c.Money, creditNote ID, actor, note string, now time.Time) error {
	i, err := inv.openDispute(id)
	if err != nil {
		return err
	}
	if err := checkText("actor", actor, MaxRefLength, true); err != nil {
		return err
	}
	if err := checkText("note", note, MaxNoteLength, false); err != nil {
		return err
	}
	if credited.Currency().IsZero() {
		credited = o2c.Zero(inv.Currency())
	}
	if err := sameCurrency("resolve dispute on "+inv.ref(), inv.Currency(), credited); err != nil {
		return err
	}
	switch {
	case credited.IsNegative():
		return invalid("credited", "must not be negative", credited.String())
	case !credited.IsRounded():
		return invalid("credited", "must be rounded to the currency's minor unit", credited.String())
	case credited.IsPositive() && creditNote.IsZero():
		return invalid("credit_note", "is required when something is credited", "")
	}
	d := inv.disputes[i]
	if credited.Amount().GreaterThan(d.Amount.Amount()) {
		return &AmountError{Kind: "dispute", ID: id.String(), Requested: credited, Available: d.Amount, Err: ErrOverDispute}
	}
	at := stamp(now)
	c := inv.clone()
	dd := &c.disputes[i]
	rejected, _ := d.Amount.Sub(credited)
	dd.Status, dd.Credited, dd.Rejected, dd.ResolvedAt, dd.CreditNote = DisputeResolved, credited, rejected, at, creditNote
	switch {
	case rejected.IsZero():
		dd.Outcome = OutcomeCredited
	case credited.IsZero():
		dd.Outcome = OutcomeRejected
	default:
		dd.Outcome = OutcomePartlyCredited
	}
	if credited.IsPositive() {
		dd.Timeline = append(dd.Timeline, DisputeEntry{At: at, Actor: actor, Action: ActionCredited, Amount: credited, Note: note})
	}
	if rejected.IsPositive() {
		dd.Timeline = append(dd.Timeline, DisputeEntry{At: at, Actor: actor, Action: ActionRejected, Amount: rejected, Note: note})
	}
	if !c.Disputed().IsPositive() {
		t := TriggerClearDispute
		if c.hasActiveSettlement() {
			t = TriggerClearDisputePart
		}
		if c.status, err = next("invoice", c.ref(), c.status, t); err != nil {
			return err
		}
	}
	c.updatedAt = at
	p := c.payload()
	p.Dispute, p.Amount, p.Reason, p.Outcome = id.String(), credited, string(d.Reason), string(dd.Outcome)
	if err := c.record(EventDisputeResolved, at, p); err != nil {
		return err
	}
	*inv = *c
	return nil
}
