package invoice

import (
	"fmt"
	"slices"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// PaymentID identifies a payment received.
type PaymentID = o2c.ID[Payment]

// Method is how a payment was made. It is a closed set.
type Method string

// Payment methods.
const (
	MethodTransfer    Method = "transfer"
	MethodDirectDebit Method = "direct_debit"
	MethodCard        Method = "card"
	MethodCheque      Method = "cheque"
	MethodCash        Method = "cash"
	MethodOther       Method = "other"
)

// IsValid reports whether m is one of the Method constants.
func (m Method) IsValid() bool {
	switch m {
	case MethodTransfer, MethodDirectDebit, MethodCard, MethodCheque, MethodCash, MethodOther:
		return true
	}
	return false
}

// UnmarshalText implements encoding.TextUnmarshaler, refusing unknown methods.
func (m *Method) UnmarshalText(b []byte) error {
	v := Method(b)
	if !v.IsValid() {
		return invalid("method", "must be one of transfer, direct_debit, card, cheque, cash, other", string(b))
	}
	*m = v
	return nil
}

// PaymentStatus summarises a payment: how much of it is used.
type PaymentStatus string

// Payment statuses.
const (
	// PaymentUnapplied: nothing allocated or refunded yet.
	PaymentUnapplied PaymentStatus = "unapplied"
	// PaymentPartiallyApplied: part allocated or refunded; the rest is
	// unapplied credit on the customer.
	PaymentPartiallyApplied PaymentStatus = "partially_applied"
	// PaymentApplied: fully allocated or refunded.
	PaymentApplied PaymentStatus = "applied"
	// PaymentReversed: the payment bounced; its allocations were reversed.
	PaymentReversed PaymentStatus = "reversed"
)

// PaymentInput records a payment.
type PaymentInput struct {
	// Customer who paid (required).
	Customer o2c.CustomerID
	// Amount received: positive, rounded to the currency's minor unit.
	Amount o2c.Money
	// ValueDate is the date the bank credited the amount (required).
	ValueDate o2c.Date
	// Method of payment (required).
	Method Method
	// PayerReference is what the payer wrote (remittance information).
	PayerReference string
	// IdempotencyKey identifies the payment at its source (a bank
	// transaction ID, a PSP event ID): recording the same key twice returns
	// the first payment instead of counting the money twice. Required.
	IdempotencyKey string
}

// Allocation is a part of a payment applied to an invoice (and an
// instalment of it, or the earliest open instalments when Instalment is 0).
type Allocation struct {
	ID            AllocationID `json:"id"`
	Invoice       ID           `json:"invoice"`
	InvoiceNumber string       `json:"invoice_number,omitempty"`
	Instalment    int          `json:"instalment,omitempty"`
	Amount        o2c.Money    `json:"amount"`
	Key           string       `json:"key"`
	// Fingerprint is the canonical hash of the request made under Key
	// (o2c.Fingerprint), compared when the key comes back.
	Fingerprint    string    `json:"fingerprint,omitempty"`
	At             time.Time `json:"at"`
	Reversed       bool      `json:"reversed,omitempty"`
	ReversedAt     time.Time `json:"reversed_at,omitzero"`
	ReversalReason string    `json:"reversal_reason,omitempty"`
}

// Refund is unapplied credit of a payment paid back to the customer.
type Refund struct {
	ID        AllocationID `json:"id"`
	Amount    o2c.Money    `json:"amount"`
	Reference string       `json:"reference,omitempty"`
	Key       string       `json:"key"`
	// Fingerprint is the canonical hash of the request made under Key.
	Fingerprint string    `json:"fingerprint,omitempty"`
	At          time.Time `json:"at"`
}

// AllocationLine asks for part of a payment (or credit note) to go to an
// invoice.
type AllocationLine struct {
	// Invoice to settle.
	Invoice ID
	// Instalment (from 1) to settle; 0 settles the earliest open ones first.
	Instalment int
	// Amount to allocate: positive, in the payment's currency.
	Amount o2c.Money
	// CloseResidual writes off what is left open on the invoice after this
	// allocation if it is within the service's tolerance (SAP's payment
	// difference). A residual above the tolerance stays open.
	CloseResidual bool
}

// Payment is money received from a customer, and what became of it:
// allocations to invoices, refunds, and a reversal if it bounced. What is
// neither allocated nor refunded is unapplied credit on the customer
// ([Payment.Unapplied]). Like [Invoice], each method applies completely or
// not at all and records its events.
type Payment struct {
	id        PaymentID
	tenant    o2c.TenantID
	customer  o2c.CustomerID
	amount    o2c.Money
	valueDate o2c.Date
	method    Method
	payerRef  string
	key       string

	allocations []Allocation
	refunds     []Refund
	reversed    bool
	reversedAt  time.Time
	reversal    string

	createdAt, updatedAt time.Time
	version              int64
	events               []o2c.Event
}

// Event types the payment aggregate records (aggregate type "payment").
// Each carries a [PaymentEventPayload].
const (
	EventPaymentRecorded           = "payment.recorded"
	EventPaymentAllocated          = "payment.allocated"
	EventPaymentAllocationReversed = "payment.allocation_reversed"
	EventPaymentRefunded           = "payment.refunded"
	EventPaymentReversed           = "payment.reversed"
)

// PaymentAggregateType is the aggregate type of payment events.
const PaymentAggregateType = "payment"

// PaymentEventPayload is the payload of every payment event.
type PaymentEventPayload struct {
	Customer    string       `json:"customer"`
	Amount      o2c.Money    `json:"amount"`
	Unapplied   o2c.Money    `json:"unapplied"`
	ValueDate   o2c.Date     `json:"value_date"`
	Key         string       `json:"key,omitempty"`
	Allocations []Allocation `json:"allocations,omitempty"`
	Refund      *Refund      `json:"refund,omitempty"`
	Reason      string       `json:"reason,omitempty"`
}

// NewPayment validates in and returns the payment of tenant, recorded at
// now, with all of its amount unapplied. It records payment.recorded.
// Errors are *o2c.ValidationError naming the field.
func NewPayment(tenant o2c.TenantID, in PaymentInput, now time.Time) (*Payment, error) {
	if err := tenant.Validate(); err != nil {
		return nil, err
	}
	switch {
	case in.Customer.IsZero():
		return nil, invalid("customer", "is required", "")
	case in.ValueDate.IsZero():
		return nil, invalid("value_date", "is required", "")
	case in.ValueDate.Validate() != nil:
		return nil, &o2c.ValidationError{Field: "value_date", Rule: "must be between years 1 and 9999", Value: in.ValueDate.String(), Err: o2c.ErrDateOutOfRange}
	case !in.Method.IsValid():
		return nil, invalid("method", "must be one of transfer, direct_debit, card, cheque, cash, other", string(in.Method))
	case now.IsZero():
		return nil, invalid("created_at", "must be set (pass the current time)", "")
	}
	if err := checkPositive("amount", in.Amount); err != nil {
		return nil, err
	}
	if err := checkText("payer_reference", in.PayerReference, MaxRefLength, false); err != nil {
		return nil, err
	}
	if err := checkText("idempotency_key", in.IdempotencyKey, MaxRefLength, true); err != nil {
		return nil, err
	}
	at := stamp(now)
	p := &Payment{
		id: o2c.NewID[Payment](), tenant: tenant, customer: in.Customer, amount: in.Amount, valueDate: in.ValueDate,
		method: in.Method, payerRef: in.PayerReference, key: in.IdempotencyKey, createdAt: at, updatedAt: at,
	}
	if err := p.record(EventPaymentRecorded, at, p.payload()); err != nil {
		return nil, err
	}
	return p, nil
}

// SameAs reports whether in describes this payment (the same customer,
// amount, value date, method and payer reference): a repeated recording
// with the same idempotency key must.
func (p *Payment) SameAs(in PaymentInput) bool {
	return p.customer == in.Customer && p.amount.Equal(in.Amount) && p.valueDate == in.ValueDate &&
		p.method == in.Method && p.payerRef == in.PayerReference && p.key == in.IdempotencyKey
}

func (p *Payment) clone() *Payment {
	c := *p
	c.allocations = append([]Allocation(nil), p.allocations...)
	c.refunds = append([]Refund(nil), p.refunds...)
	c.events = append([]o2c.Event(nil), p.events...)
	return &c
}

// ID returns the payment's identifier.
func (p *Payment) ID() PaymentID { return p.id }

// Tenant returns the owning tenant.
func (p *Payment) Tenant() o2c.TenantID { return p.tenant }

// Customer returns who paid.
func (p *Payment) Customer() o2c.CustomerID { return p.customer }

// Amount returns the amount received.
func (p *Payment) Amount() o2c.Money { return p.amount }

// Currency returns the payment's currency.
func (p *Payment) Currency() o2c.Currency { return p.amount.Currency() }

// ValueDate returns the bank's value date.
func (p *Payment) ValueDate() o2c.Date { return p.valueDate }

// Method returns how it was paid.
func (p *Payment) Method() Method { return p.method }

// PayerReference returns the payer's remittance text.
func (p *Payment) PayerReference() string { return p.payerRef }

// IdempotencyKey returns the key the payment was recorded under.
func (p *Payment) IdempotencyKey() string { return p.key }

// Allocations returns a copy of the allocations, reversed ones included.
func (p *Payment) Allocations() []Allocation { return append([]Allocation(nil), p.allocations...) }

// Refunds returns a copy of the refunds.
func (p *Payment) Refunds() []Refund { return append([]Refund(nil), p.refunds...) }

// IsReversed reports whether the payment bounced and was reversed.
func (p *Payment) IsReversed() bool { return p.reversed }

// CreatedAt returns when the payment was recorded.
func (p *Payment) CreatedAt() time.Time { return p.createdAt }

// UpdatedAt returns when the payment last changed.
func (p *Payment) UpdatedAt() time.Time { return p.updatedAt }

// Version is the stored version (0 until first stored).
func (p *Payment) Version() int64 { return p.version }

// Applied returns the sum of active allocations and refunds.
func (p *Payment) Applied() o2c.Money {
	total := o2c.Zero(p.Currency())
	for _, a := range p.allocations {
		if !a.Reversed {
			total, _ = total.Add(a.Amount)
		}
	}
	for _, r := range p.refunds {
		total, _ = total.Add(r.Amount)
	}
	return total
}

// Unapplied returns what is neither allocated nor refunded: credit on the
// customer. A reversed payment has none.
func (p *Payment) Unapplied() o2c.Money {
	if p.reversed {
		return o2c.Zero(p.Currency())
	}
	u, _ := p.amount.Sub(p.Applied())
	return u
}

// Status summarises the payment.
func (p *Payment) Status() PaymentStatus {
	u := p.Unapplied()
	switch {
	case p.reversed:
		return PaymentReversed
	case u.IsZero():
		return PaymentApplied
	case u.Equal(p.amount):
		return PaymentUnapplied
	default:
		return PaymentPartiallyApplied
	}
}

// AllocationsByKey returns the allocations made by the request with
// idempotency key (none if the key is new).
func (p *Payment) AllocationsByKey(key string) []Allocation {
	var out []Allocation
	for _, a := range p.allocations {
		if a.Key == key {
			out = append(out, a)
		}
	}
	return out
}

// AllocationRequest is one line of [Payment.Allocate], resolved to an invoice.
type AllocationRequest struct {
	Invoice       ID
	InvoiceNumber string
	Instalment    int
	Amount        o2c.Money
}

// Allocate records allocations of the payment to invoices under the
// request's idempotency key, one per request line with a fresh ID, and
// returns them. It records payment.allocated. The invoices record the same
// allocations ([Invoice.ApplyPayment]); [Service.Allocate] does both in one
// transaction.
//
// Errors, with nothing changed: [ErrPaymentReversed] (in a
// *o2c.ValidationError) for a reversed payment; a *o2c.ValidationError for
// an empty key, a key already used (replay it with
// [Payment.AllocationsByKey]), no lines, or a zero or negative amount; a
// *o2c.CurrencyMismatchError; an *[AmountError] matching
// [ErrInsufficientFunds] when the lines add up to more than is unapplied.
func (p *Payment) Allocate(key string, lines []AllocationRequest, now time.Time) ([]Allocation, error) {
	return p.allocate(key, allocationFingerprint(p.id, lines, nil), lines, now)
}

// allocationFingerprint is the canonical hash of an allocation request:
// the payment, and per line the invoice, instalment, amount and (closes)
// whether its residual is to be written off. The order of the lines does
// not matter: the same lines in another order are the same request.
func allocationFingerprint(payment PaymentID, lines []AllocationRequest, closes []bool) string {
	return o2c.Fingerprint("allocate", payment.String(), canonicalLines(len(lines), func(i int) (ID, int, o2c.Money) {
		return lines[i].Invoice, lines[i].Instalment, lines[i].Amount
	}, closes))
}

// canonicalLines returns n allocation lines as sorted canonical strings.
func canonicalLines(n int, line func(i int) (ID, int, o2c.Money), closes []bool) []string {
	out := make([]string, n)
	for i := range n {
		inv, inst, amount := line(i)
		out[i] = fmt.Sprintf("%s/%d/%s/%t", inv, inst, o2c.CanonicalAmount(amount), i < len(closes) && closes[i])
	}
	slices.Sort(out)
	return out
}

// refundFingerprint is the canonical hash of a refund request.
func refundFingerprint(source string, amount o2c.Money, reference string) string {
	return o2c.Fingerprint("refund", source, o2c.CanonicalAmount(amount), reference)
}

func (p *Payment) allocate(key, fingerprint string, lines []AllocationRequest, now time.Time) ([]Allocation, error) {
	if err := p.checkUsable(key); err != nil {
		return nil, err
	}
	if len(p.AllocationsByKey(key)) > 0 {
		return nil, &o2c.ValidationError{Field: "key", Rule: "was already used for an allocation of this payment", Value: key, Err: ErrIdempotencyKeyReused}
	}
	if len(lines) == 0 {
		return nil, invalid("lines", "at least one allocation line is required", "")
	}
	total := o2c.Zero(p.Currency())
	for i, l := range lines {
		field := fmt.Sprintf("lines[%d].amount", i)
		if err := checkPositive(field, l.Amount); err != nil {
			return nil, err
		}
		if err := sameCurrency("allocate payment "+p.id.String(), p.Currency(), l.Amount); err != nil {
			return nil, err
		}
		if l.Instalment < 0 {
			return nil, invalid(fmt.Sprintf("lines[%d].instalment", i), "must not be negative", fmt.Sprint(l.Instalment))
		}
		total, _ = total.Add(l.Amount)
	}
	if u := p.Unapplied(); total.Amount().GreaterThan(u.Amount()) {
		return nil, &AmountError{Kind: "payment", ID: p.id.String(), Requested: total, Available: u, Err: ErrInsufficientFunds}
	}
	at := stamp(now)
	c := p.clone()
	var out []Allocation
	for _, l := range lines {
		a := Allocation{ID: o2c.NewID[Allocation](), Invoice: l.Invoice, InvoiceNumber: l.InvoiceNumber, Instalment: l.Instalment, Amount: l.Amount, Key: key, Fingerprint: fingerprint, At: at}
		c.allocations = append(c.allocations, a)
		out = append(out, a)
	}
	c.updatedAt = at
	pl := c.payload()
	pl.Key, pl.Allocations = key, out
	if err := c.record(EventPaymentAllocated, at, pl); err != nil {
		return nil, err
	}
	*p = *c
	return append([]Allocation(nil), out...), nil
}

func (p *Payment) checkUsable(key string) error {
	if p.reversed {
		return &o2c.ValidationError{Field: "payment", Rule: "was reversed (bounced)", Value: p.id.String(), Err: ErrPaymentReversed}
	}
	return checkText("key", key, MaxRefLength, true)
}

// ReverseAllocation reverses allocation id (a wrong allocation): its
// amount is unapplied again. It returns the allocation and whether it was
// reversed now; an allocation already reversed changes nothing. An unknown
// ID is o2c.ErrNotFound. It records payment.allocation_reversed.
func (p *Payment) ReverseAllocation(id AllocationID, reason string, now time.Time) (Allocation, bool, error) {
	if err := checkText("reason", reason, MaxNoteLength, true); err != nil {
		return Allocation{}, false, err
	}
	for i, a := range p.allocations {
		if a.ID != id {
			continue
		}
		if a.Reversed {
			return a, false, nil
		}
		at := stamp(now)
		c := p.clone()
		c.allocations[i].Reversed, c.allocations[i].ReversedAt, c.allocations[i].ReversalReason = true, at, reason
		c.updatedAt = at
		pl := c.payload()
		pl.Allocations, pl.Reason = []Allocation{c.allocations[i]}, reason
		if err := c.record(EventPaymentAllocationReversed, at, pl); err != nil {
			return Allocation{}, false, err
		}
		*p = *c
		return p.allocations[i], true, nil
	}
	return Allocation{}, false, o2c.NotFound("allocation", id.String()+" of payment "+p.id.String())
}

// Reverse marks the payment bounced: every active allocation is reversed
// (the invoices reopen when [Service.ReversePayment] reverses their side)
// and nothing of it is unapplied any more. It returns the allocations
// reversed now. Reversing a reversed payment changes nothing and returns
// none. A payment with refunds cannot bounce (the refund was paid from
// money that did not arrive): a *o2c.ValidationError. It records
// payment.reversed.
func (p *Payment) Reverse(reason string, now time.Time) ([]Allocation, error) {
	if p.reversed {
		return nil, nil
	}
	if err := checkText("reason", reason, MaxNoteLength, true); err != nil {
		return nil, err
	}
	if len(p.refunds) > 0 {
		return nil, invalid("payment", "has refunds: a refunded payment cannot be reversed", p.id.String())
	}
	at := stamp(now)
	c := p.clone()
	var out []Allocation
	for i := range c.allocations {
		a := &c.allocations[i]
		if !a.Reversed {
			a.Reversed, a.ReversedAt, a.ReversalReason = true, at, reason
			out = append(out, *a)
		}
	}
	c.reversed, c.reversedAt, c.reversal, c.updatedAt = true, at, reason, at
	pl := c.payload()
	pl.Allocations, pl.Reason = out, reason
	if err := c.record(EventPaymentReversed, at, pl); err != nil {
		return nil, err
	}
	*p = *c
	return out, nil
}

// RefundByKey returns the refund made with idempotency key, if any.
func (p *Payment) RefundByKey(key string) (Refund, bool) {
	for _, r := range p.refunds {
		if r.Key == key {
			return r, true
		}
	}
	return Refund{}, false
}

// Refund pays amount of the unapplied credit back to the customer under
// idempotency key (reference: the outgoing transfer's). It records
// payment.refunded. Errors, with nothing changed: a *o2c.ValidationError
// for a reversed payment, an empty or used key, or a zero or negative
// amount; a *o2c.CurrencyMismatchError; an *[AmountError] matching
// [ErrInsufficientFunds] when amount is more than is unapplied.
func (p *Payment) Refund(key string, amount o2c.Money, reference string, now time.Time) (Refund, error) {
	if err := p.checkUsable(key); err != nil {
		return Refund{}, err
	}
	if _, ok := p.RefundByKey(key); ok {
		return Refund{}, &o2c.ValidationError{Field: "key", Rule: "was already used for a refund of this payment", Value: key, Err: ErrIdempotencyKeyReused}
	}
	if err := checkPositive("amount", amount); err != nil {
		return Refund{}, err
	}
	if err := sameCurrency("refund payment "+p.id.String(), p.Currency(), amount); err != nil {
		return Refund{}, err
	}
	if err := checkText("reference", reference, MaxRefLength, false); err != nil {
		return Refund{}, err
	}
	if u := p.Unapplied(); amount.Amount().GreaterThan(u.Amount()) {
		return Refund{}, &AmountError{Kind: "payment", ID: p.id.String(), Requested: amount, Available: u, Err: ErrInsufficientFunds}
	}
	at := stamp(now)
	r := Refund{ID: o2c.NewID[Allocation](), Amount: amount, Reference: reference, Key: key, Fingerprint: refundFingerprint(p.id.String(), amount, reference), At: at}
	c := p.clone()
	c.refunds = append(c.refunds, r)
	c.updatedAt = at
	pl := c.payload()
	pl.Refund, pl.Key = &r, key
	if err := c.record(EventPaymentRefunded, at, pl); err != nil {
		return Refund{}, err
	}
	*p = *c
	return r, nil
}

func (p *Payment) payload() PaymentEventPayload {
	return PaymentEventPayload{Customer: p.customer.String(), Amount: p.amount, Unapplied: p.Unapplied(), ValueDate: p.valueDate}
}

func (p *Payment) record(typ string, at time.Time, pl PaymentEventPayload) error {
	e, err := o2c.NewEvent(p.tenant, PaymentAggregateType, p.id.String(), typ, at, pl)
	if err != nil {
		return err
	}
	p.events = append(p.events, e)
	return nil
}

// PendingEvents returns the events recorded since the payment was loaded
// or created. Stores write them with the payment.
func (p *Payment) PendingEvents() []o2c.Event { return append([]o2c.Event(nil), p.events...) }
