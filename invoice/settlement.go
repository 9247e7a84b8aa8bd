package invoice

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// AllocationID identifies one allocation: a part of a payment or of a
// credit note applied to an invoice. The payment (or credit note) and the
// invoice record it under the same ID.
type AllocationID = o2c.ID[Allocation]

// SettlementKind says what reduced an open amount.
type SettlementKind string

// The kinds of settlements.
const (
	// SettledByPayment: a payment allocated to the invoice.
	SettledByPayment SettlementKind = "payment"
	// SettledByCreditNote: a credit note applied to the invoice.
	SettledByCreditNote SettlementKind = "credit_note"
	// SettledByResidualWriteOff: a small residual written off within the
	// tolerance.
	SettledByResidualWriteOff SettlementKind = "residual_write_off"
	// CreditApplied: on a credit note, credit used against an invoice.
	CreditApplied SettlementKind = "applied"
	// CreditRefunded: on a credit note, credit paid back to the customer.
	CreditRefunded SettlementKind = "refund"
)

// Settlement is one entry that reduced an open amount, split over the
// instalments it settled. A reversed settlement (a bounced payment) stays
// in the history, marked Reversed, and no longer counts.
type Settlement struct {
	ID     AllocationID   `json:"id"`
	Kind   SettlementKind `json:"kind"`
	Source string         `json:"source,omitempty"` // the payment or credit note (on a credit note: the invoice credited)
	// Reference is what people recognise the source by: a payer
	// reference, a document number, a refund reference.
	Reference string `json:"reference,omitempty"`
	Key       string `json:"key,omitempty"` // idempotency key, for credit-note applications and refunds
	// Fingerprint is the canonical hash of the request made under Key.
	Fingerprint string           `json:"fingerprint,omitempty"`
	Amount      o2c.Money        `json:"amount"`
	Parts       []InstalmentPart `json:"parts,omitempty"`
	Reason      string           `json:"reason,omitempty"`
	At          time.Time        `json:"at"`
	// ValueDate is the day the settlement took effect: a payment's value
	// date (the day the money arrived, not the day it was booked). Zero for
	// entries that take effect when booked (credit notes, write-offs):
	// [Settlement.Date] then returns the booking day.
	ValueDate      o2c.Date  `json:"value_date,omitzero"`
	Reversed       bool      `json:"reversed,omitempty"`
	ReversedAt     time.Time `json:"reversed_at,omitzero"`
	ReversalReason string    `json:"reversal_reason,omitempty"`
}

// InstalmentPart is the part of a settlement that went to one instalment.
type InstalmentPart struct {
	Seq    int       `json:"seq"`
	Amount o2c.Money `json:"amount"`
}

// Date returns the day the settlement took effect: ValueDate, or the UTC
// day of At when it has none. Reports and interest date it by this day.
func (s Settlement) Date() o2c.Date {
	if !s.ValueDate.IsZero() {
		return s.ValueDate
	}
	return o2c.DateOf(s.At)
}

// ReversedOn returns the UTC day the settlement was reversed (zero if it
// never was): from that day on it no longer counts.
func (s Settlement) ReversedOn() o2c.Date {
	if !s.Reversed {
		return o2c.Date{}
	}
	return o2c.DateOf(s.ReversedAt)
}

func (s Settlement) clone() Settlement {
	s.Parts = append([]InstalmentPart(nil), s.Parts...)
	return s
}

// Tolerance is how small a residual may be written off when an invoice is
// nearly paid (a customer who paid 999.98 of 1000.00): the lower of an
// absolute amount in the invoice's currency and a percentage of the
// invoice's gross, SAP style. The zero value tolerates nothing; a currency
// without an amount in Amounts tolerates nothing.
type Tolerance struct {
	// Amounts holds at most one absolute limit per currency.
	Amounts []o2c.Money `json:"amounts,omitempty"`
	// Percent of the gross (0.5 means 0.5 %), from 0 to 100.
	Percent decimal.Decimal `json:"percent"`
}

// Validate checks the amounts (positive, rounded, one per currency) and
// the percentage (0 to 100).
func (t Tolerance) Validate() error {
	seen := map[o2c.Currency]bool{}
	for i, a := range t.Amounts {
		field := fmt.Sprintf("tolerance.amounts[%d]", i)
		if err := checkPositive(field, a); err != nil {
			return err
		}
		if seen[a.Currency()] {
			return invalid(field, "one amount per currency", a.Currency().Code())
		}
		seen[a.Currency()] = true
	}
	if t.Percent.IsNegative() || t.Percent.GreaterThan(hundred) {
		return invalid("tolerance.percent", "must be from 0 to 100", t.Percent.String())
	}
	return nil
}

// Limit returns the largest residual t lets go on an invoice of gross:
// min(amount in gross's currency, gross × Percent / 100 rounded down to the
// minor unit). It is zero when t has no amount in that currency.
func (t Tolerance) Limit(gross o2c.Money) o2c.Money {
	zero := o2c.Zero(gross.Currency())
	for _, a := range t.Amounts {
		if a.Currency() != gross.Currency() {
			continue
		}
		pct := gross.MulRound(t.Percent.Shift(-2), o2c.RoundDown)
		if lim, err := a.Min(pct); err == nil && lim.IsPositive() {
			return lim
		}
	}
	return zero
}

// Undisputed returns the open amount not under an open dispute: what
// payments may settle.
func (inv *Invoice) Undisputed() o2c.Money {
	u, _ := inv.open.Sub(inv.Disputed())
	return u
}

// checkSettleable refuses a settlement on a document that is not open
// (draft, paid, settled by credit, written off): a *o2c.TransitionError.
func (inv *Invoice) checkSettleable(event string) error {
	if !inv.status.IsOpen() {
		return &o2c.TransitionError{Aggregate: "invoice", ID: inv.ref(), State: string(inv.status), Event: event}
	}
	return nil
}

// take removes amount from the instalments' open amounts: from instalment
// seq only when seq > 0, else from the earliest instalments first (lifo
// false) or the latest first (lifo true). It returns the parts.
func (inv *Invoice) take(amount o2c.Money, seq int, lifo bool) ([]InstalmentPart, error) {
	if seq > 0 {
		i := seq - 1
		if i >= len(inv.instalments) {
			return nil, invalid("instalment", fmt.Sprintf("must be from 1 to %d", len(inv.instalments)), fmt.Sprint(seq))
		}
		in := &inv.instalments[i]
		if c, _ := amount.Cmp(in.Open); c > 0 {
			return nil, &AmountError{Kind: "instalment", ID: fmt.Sprintf("%s/%d", inv.ref(), seq), Requested: amount, Available: in.Open, Err: ErrOverAllocation}
		}
		in.Open, _ = in.Open.Sub(amount)
		return []InstalmentPart{{Seq: seq, Amount: amount}}, nil
	}
	left := amount
	var parts []InstalmentPart
	n := len(inv.instalments)
	for k := 0; k < n && left.IsPositive(); k++ {
		i := k
		if lifo {
			i = n - 1 - k
		}
		in := &inv.instalments[i]
		if !in.Open.IsPositive() {
			continue
		}
		part, _ := left.Min(in.Open)
		in.Open, _ = in.Open.Sub(part)
		left, _ = left.Sub(part)
		parts = append(parts, InstalmentPart{Seq: in.Seq, Amount: part})
	}
	if left.IsPositive() { // cannot happen when amount <= open; kept as a guard
		return nil, &AmountError{Kind: "invoice", ID: inv.ref(), Requested: amount, Available: inv.open, Err: ErrOverAllocation}
	}
	return parts, nil
}

// settled reports whether an active payment or residual write-off took
// part in settling the invoice (paid) rather than credit notes alone
// (settled by credit).
func (inv *Invoice) settledByPayment() bool {
	for _, s := range inv.settlements {
		if !s.Reversed && (s.Kind == SettledByPayment || s.Kind == SettledByResidualWriteOff) {
			return true
		}
	}
	return false
}

func (inv *Invoice) hasActiveSettlement() bool {
	for _, s := range inv.settlements {
		if !s.Reversed {
			return true
		}
	}
	return false
}

// settle applies s (amount, instalment seq or 0, order) on a copy and
// moves the state; the caller replaces inv with the copy.
func (inv *Invoice) settle(s Settlement, seq int, lifo bool, limit o2c.Money, limitErr error, at time.Time) (*Invoice, error) {
	if err := checkPositive("amount", s.Amount); err != nil {
		return nil, err
	}
	if err := sameCurrency("settle "+inv.ref(), inv.Currency(), s.Amount); err != nil {
		return nil, err
	}
	if c, _ := s.Amount.Cmp(limit); c > 0 {
		kind := "invoice"
		if inv.kind == KindCreditNote {
			kind = "credit note"
		}
		return nil, &AmountError{Kind: kind, ID: inv.ref(), Requested: s.Amount, Available: limit, Err: limitErr}
	}
	c := inv.clone()
	parts, err := c.take(s.Amount, seq, lifo)
	if err != nil {
		return nil, err
	}
	s.Parts, s.At = parts, at
	c.settlements = append(c.settlements, s)
	c.open, _ = c.open.Sub(s.Amount)
	t := TriggerSettlePart
	if c.open.IsZero() {
		t = TriggerSettleByCredit
		if c.kind == KindCreditNote || c.settledByPayment() {
			t = TriggerSettle
		}
	}
	if c.status, err = next("invoice", c.ref(), c.status, t); err != nil {
		return nil, err
	}
	c.updatedAt = at
	return c, nil
}

func (inv *Invoice) hasSettlement(id AllocationID) bool {
	for _, s := range inv.settlements {
		if s.ID == id {
			return true
		}
	}
	return false
}

// ApplyPayment settles amount of the invoice with payment allocation id:
// on instalment seq, or, with seq 0, on the earliest open instalments
// first. It records invoice.payment_applied, and invoice.paid when nothing
// is left open.
//
// Errors, with the invoice unchanged: a *o2c.TransitionError when the
// invoice is not open (draft, paid, settled by credit, written off); a
// *o2c.ValidationError for a credit note, a zero or negative amount, an
// unknown instalment or an allocation ID already applied; a
// *o2c.CurrencyMismatchError; an *[AmountError] matching
// [ErrOverAllocation] when amount is more than the undisputed open amount
// (or the instalment's open amount).
func (inv *Invoice) ApplyPayment(id AllocationID, payment PaymentID, payerRef string, amount o2c.Money, seq int, now time.Time) error {
	return inv.ApplyPaymentOn(id, payment, payerRef, amount, seq, o2c.Date{}, now)
}

// ApplyPaymentOn is [Invoice.ApplyPayment] for a payment whose value date
// (the day the money arrived) is valueDate: the settlement is dated by it,
// so that aging, DSO and late interest count the sum as paid from that day
// whenever the allocation is booked. A zero valueDate dates it by now's
// UTC day. Errors as for ApplyPayment.
func (inv *Invoice) ApplyPaymentOn(id AllocationID, payment PaymentID, payerRef string, amount o2c.Money, seq int, valueDate o2c.Date, now time.Time) error {
	if inv.kind == KindCreditNote {
		return invalid("invoice", "payments settle invoices and deposit invoices; a credit note's credit is refunded instead", inv.ref())
	}
	if err := inv.checkSettleable(string(TriggerSettlePart)); err != nil {
		return err
	}
	if inv.hasSettlement(id) {
		return invalid("allocation", "is already applied to the invoice", id.String())
	}
	at := stamp(now)
	c, err := inv.settle(Settlement{ID: id, Kind: SettledByPayment, Source: payment.String(), Reference: payerRef, Amount: amount, ValueDate: valueDate},
		seq, false, inv.Undisputed(), ErrOverAllocation, at)
	if err != nil {
		return err
	}
	if err := c.recordSettlement(EventPaymentApplied, id, SettledByPayment, payment.String(), amount, valueDate, at); err != nil {
		return err
	}
	*inv = *c
	return nil
}

// ApplyCredit settles amount of the invoice with credit note cn under
// allocation id, on the latest instalments first (a credit reduces what is
// due last). It records invoice.credit_applied, then invoice.paid or
// invoice.settled_by_credit when nothing is left open (settled by credit when credit notes
// alone settled the invoice). The limit is the undisputed open amount; a
// credit resolving a dispute is applied after [Invoice.ResolveDispute] has
// released the disputed amount. Errors as for [Invoice.ApplyPayment].
func (inv *Invoice) ApplyCredit(id AllocationID, cn ID, cnNumber string, amount o2c.Money, now time.Time) error {
	if inv.kind == KindCreditNote {
		return invalid("invoice", "credit notes apply to invoices and deposit invoices, not to credit notes", inv.ref())
	}
	if err := inv.checkSettleable(string(TriggerSettlePart)); err != nil {
		return err
	}
	if inv.hasSettlement(id) {
		return invalid("allocation", "is already applied to the invoice", id.String())
	}
	at := stamp(now)
	c, err := inv.settle(Settlement{ID: id, Kind: SettledByCreditNote, Source: cn.String(), Reference: cnNumber, Amount: amount},
		0, true, inv.Undisputed(), ErrOverAllocation, at)
	if err != nil {
		return err
	}
	if err := c.recordSettlement(EventCreditApplied, id, SettledByCreditNote, cn.String(), amount, o2c.Date{}, at); err != nil {
		return err
	}
	*inv = *c
	return nil
}

// UseCredit takes amount from a credit note's open credit, applied to
// invoice target under allocation id (the target records the same ID with
// [Invoice.ApplyCredit]). key is the idempotency key of the request, kept
// with the entry. Errors: a *o2c.ValidationError when inv is not a credit
// note or the amount is not positive; a *o2c.TransitionError when the
// credit note is not open; an *[AmountError] matching
// [ErrInsufficientFunds] when amount is more than its open credit.
func (inv *Invoice) UseCredit(id AllocationID, target ID, targetNumber, key string, amount o2c.Money, now time.Time) error {
	return inv.useCredit(Settlement{ID: id, Kind: CreditApplied, Source: target.String(), Reference: targetNumber, Key: key, Amount: amount}, EventCreditUsed, now)
}

// RefundCredit pays amount of a credit note's open credit back to the
// customer (reference: the bank transfer's), under allocation id and
// idempotency key. It records invoice.credit_refunded. Errors as for
// [Invoice.UseCredit].
func (inv *Invoice) RefundCredit(id AllocationID, reference, key string, amount o2c.Money, now time.Time) error {
	if err := checkText("reference", reference, MaxRefLength, false); err != nil {
		return err
	}
	return inv.useCredit(Settlement{ID: id, Kind: CreditRefunded, Reference: reference, Key: key, Amount: amount}, EventCreditRefunded, now)
}

func (inv *Invoice) useCredit(s Settlement, event string, now time.Time) error {
	if inv.kind != KindCreditNote {
		return invalid("credit_note", "must be a credit note", inv.ref())
	}
	if err := inv.checkSettleable(string(TriggerSettlePart)); err != nil {
		return err
	}
	if inv.hasSettlement(s.ID) {
		return invalid("allocation", "is already recorded on the credit note", s.ID.String())
	}
	at := stamp(now)
	c, err := inv.settle(s, 0, false, inv.open, ErrInsufficientFunds, at)
	if err != nil {
		return err
	}
	if err := c.recordSettlement(event, s.ID, s.Kind, s.Source, s.Amount, o2c.Date{}, at); err != nil {
		return err
	}
	*inv = *c
	return nil
}

// SettlementByKey returns the active credit-note entry recorded with
// idempotency key, if any.
func (inv *Invoice) SettlementByKey(key string) (Settlement, bool) {
	if key == "" {
		return Settlement{}, false
	}
	for _, s := range inv.settlements {
		if s.Key == key {
			return s.clone(), true
		}
	}
	return Settlement{}, false
}

// ReverseSettlement undoes the payment allocation id (a bounced payment, a
// wrong allocation): its amount is open again on the instalments it
// settled and the invoice reopens (issued when nothing else is settled,
// partially paid otherwise; a disputed invoice stays disputed). It records
// invoice.reopened. Reversing an allocation already reversed changes
// nothing and returns false; an unknown ID is o2c.ErrNotFound; a written
// off or settled-by-credit invoice refuses with a *o2c.TransitionError.
func (inv *Invoice) ReverseSettlement(id AllocationID, reason string, now time.Time) (bool, error) {
	idx := -1
	for i, s := range inv.settlements {
		if s.ID == id {
			idx = i
		}
	}
	if idx < 0 {
		return false, o2c.NotFound("allocation", id.String()+" on invoice "+inv.ref())
	}
	if inv.settlements[idx].Reversed {
		return false, nil
	}
	if k := inv.settlements[idx].Kind; k != SettledByPayment {
		return false, invalid("allocation", "only payment allocations can be reversed", string(k))
	}
	if err := checkText("reason", reason, MaxNoteLength, true); err != nil {
		return false, err
	}
	at := stamp(now)
	c := inv.clone()
	s := &c.settlements[idx]
	for _, p := range s.Parts {
		in := &c.instalments[p.Seq-1]
		in.Open, _ = in.Open.Add(p.Amount)
	}
	c.open, _ = c.open.Add(s.Amount)
	s.Reversed, s.ReversedAt, s.ReversalReason = true, at, reason
	t := TriggerReopenPart
	if !c.hasActiveSettlement() {
		t = TriggerReopen
	}
	var err error
	if c.status, err = next("invoice", c.ref(), c.status, t); err != nil {
		return false, err
	}
	c.updatedAt = at
	if err := c.recordSettlement(EventReopened, id, s.Kind, s.Source, s.Amount, s.ValueDate, at); err != nil {
		return false, err
	}
	*inv = *c
	return true, nil
}

// WriteOffResidual settles what is left open, when it is no more than the
// tolerance's limit for this invoice, as a residual write-off under
// allocation id; the invoice is then paid. It records
// invoice.residual_written_off and invoice.paid.
//
// Errors, with nothing changed: a *o2c.TransitionError when the invoice is
// not open; a *o2c.ValidationError for a credit note or while a dispute is
// open; an *[AmountError] matching [ErrOutsideTolerance] when the open
// amount is above the limit.
func (inv *Invoice) WriteOffResidual(id AllocationID, tol Tolerance, reason string, now time.Time) error {
	if inv.kind == KindCreditNote {
		return invalid("invoice", "residual write-offs apply to invoices and deposit invoices", inv.ref())
	}
	if err := inv.checkSettleable(string(TriggerSettle)); err != nil {
		return err
	}
	if err := tol.Validate(); err != nil {
		return err
	}
	if err := checkText("reason", reason, MaxNoteLength, true); err != nil {
		return err
	}
	if inv.Disputed().IsPositive() {
		return invalid("invoice", "has open disputes: resolve them before writing off a residual", inv.ref())
	}
	limit := tol.Limit(inv.Gross())
	if c, _ := inv.open.Cmp(limit); c > 0 {
		return &AmountError{Kind: "invoice", ID: inv.ref(), Requested: inv.open, Available: limit, Err: ErrOutsideTolerance}
	}
	at := stamp(now)
	c, err := inv.settle(Settlement{ID: id, Kind: SettledByResidualWriteOff, Amount: inv.open, Reason: reason}, 0, false, inv.open, ErrOutsideTolerance, at)
	if err != nil {
		return err
	}
	if err := c.recordSettlement(EventResidualWrittenOff, id, SettledByResidualWriteOff, "", inv.open, o2c.Date{}, at); err != nil {
		return err
	}
	*inv = *c
	return nil
}

// WriteOff writes the whole open amount off as a loss, with a reason and
// the approver's name (both required). Open disputes close with outcome
// written off. The invoice becomes written off, which is final; it records
// invoice.written_off. A credit note cannot be written off (refund it), and
// an invoice that is not open refuses with a *o2c.TransitionError.
func (inv *Invoice) WriteOff(reason, approver string, now time.Time) error {
	if inv.kind == KindCreditNote {
		return invalid("invoice", "credit notes are refunded or applied, not written off", inv.ref())
	}
	to, err := next("invoice", inv.ref(), inv.status, TriggerWriteOff)
	if err != nil {
		return err
	}
	if err := checkText("reason", reason, MaxNoteLength, true); err != nil {
		return err
	}
	if err := checkText("approver", approver, MaxRefLength, true); err != nil {
		return err
	}
	at := stamp(now)
	c := inv.clone()
	amount := c.open
	var parts []InstalmentPart
	for i := range c.instalments {
		if c.instalments[i].Open.IsPositive() {
			parts = append(parts, InstalmentPart{Seq: c.instalments[i].Seq, Amount: c.instalments[i].Open})
		}
		c.instalments[i].Open = o2c.Zero(c.Currency())
	}
	for i := range c.disputes {
		d := &c.disputes[i]
		if d.Status == DisputeOpen {
			d.Status, d.Outcome, d.ResolvedAt = DisputeResolved, OutcomeWrittenOff, at
			d.Timeline = append(d.Timeline, DisputeEntry{At: at, Actor: approver, Action: ActionWrittenOff, Amount: d.Amount, Note: reason})
		}
	}
	c.open = o2c.Zero(c.Currency())
	c.writeOff = &WriteOffRecord{Amount: amount, Reason: reason, Approver: approver, At: at, Parts: parts}
	c.status, c.updatedAt = to, at
	p := c.payload()
	p.Amount, p.Reason, p.Approver, p.Parts = amount, reason, approver, append([]InstalmentPart(nil), parts...)
	if err := c.record(EventWrittenOff, at, p); err != nil {
		return err
	}
	*inv = *c
	return nil
}

// RegisterCredit records on an issued invoice (or deposit invoice) the
// credit note ref issued against it, refusing it when all credit notes
// together would credit more than the invoice's gross: an *[AmountError]
// matching [ErrOverCredit], with the invoice unchanged. A draft or a
// written-off invoice refuses with a *o2c.TransitionError; a credit note
// in another currency is a *o2c.CurrencyMismatchError.
func (inv *Invoice) RegisterCredit(ref CreditRef, now time.Time) error {
	if inv.kind == KindCreditNote {
		return invalid("invoice", "a credit note cannot be credited", inv.ref())
	}
	if inv.status == StateDraft || inv.status == StateWrittenOff {
		return &o2c.TransitionError{Aggregate: "invoice", ID: inv.ref(), State: string(inv.status), Event: "credit"}
	}
	if err := checkPositive("credit_note.gross", ref.Gross); err != nil {
		return err
	}
	if err := sameCurrency("credit "+inv.ref(), inv.Currency(), ref.Gross); err != nil {
		return err
	}
	for _, c := range inv.credits {
		if c.CreditNote == ref.CreditNote {
			return invalid("credit_note", "is already registered on the invoice", ref.Number)
		}
	}
	left, _ := inv.Gross().Sub(inv.Credited())
	if c, _ := ref.Gross.Cmp(left); c > 0 {
		return &AmountError{Kind: "invoice", ID: inv.ref(), Requested: ref.Gross, Available: left, Err: ErrOverCredit}
	}
	inv.credits = append(inv.credits, ref)
	inv.updatedAt = stamp(now)
	return nil
}

// CreditByKey returns the credit note registered with idempotency key.
func (inv *Invoice) CreditByKey(key string) (CreditRef, bool) {
	if key == "" {
		return CreditRef{}, false
	}
	for _, c := range inv.credits {
		if c.Key == key {
			return c, true
		}
	}
	return CreditRef{}, false
}

// DepositRemaining returns the part of a deposit invoice's net not yet
// deducted on final invoices (zero for other kinds and for drafts,
// settled-by-credit and written-off deposits).
func (inv *Invoice) DepositRemaining() o2c.Money {
	zero := o2c.Zero(inv.Currency())
	if inv.kind != KindDeposit || inv.status == StateDraft || inv.status == StateSettledByCredit || inv.status == StateWrittenOff {
		return zero
	}
	left := inv.totals.Net
	for _, d := range inv.deductions {
		left, _ = left.Sub(d.Net)
	}
	left, _ = left.Sub(inv.creditedNet())
	if left.IsNegative() {
		return zero
	}
	return left
}

// creditedNet is the net of the credit notes against a deposit, taken as
// their gross at the deposit's single rate: gross × net / gross of the
// deposit, rounded down so that nothing is deducted twice.
func (inv *Invoice) creditedNet() o2c.Money {
	credited := inv.Credited()
	if credited.IsZero() || !inv.totals.Gross.IsPositive() {
		return o2c.Zero(inv.Currency())
	}
	ratio := inv.totals.Net.Amount().DivRound(inv.totals.Gross.Amount(), 16)
	return credited.MulRound(ratio, o2c.RoundUp)
}

// Deduct records that net of the deposit invoice is deducted on final
// invoice final. It records invoice.deposit_deducted. net must be
// positive and at most [Invoice.DepositRemaining] (an *[AmountError]
// matching [ErrOverAllocation] otherwise).
func (inv *Invoice) Deduct(final ID, net o2c.Money, now time.Time) error {
	if inv.kind != KindDeposit {
		return invalid("deposit", "must be a deposit invoice", inv.ref())
	}
	if err := checkPositive("net", net); err != nil {
		return err
	}
	if err := sameCurrency("deduct "+inv.ref(), inv.Currency(), net); err != nil {
		return err
	}
	left := inv.DepositRemaining()
	if c, _ := net.Cmp(left); c > 0 {
		return &AmountError{Kind: "deposit", ID: inv.ref(), Requested: net, Available: left, Err: ErrOverAllocation}
	}
	at := stamp(now)
	c := inv.clone()
	c.deductions = append(c.deductions, DepositDeduction{Invoice: final, Net: net, At: at})
	c.updatedAt = at
	p := c.payload()
	p.Amount, p.Invoice = net, final.String()
	if err := c.record(EventDepositDeducted, at, p); err != nil {
		return err
	}
	*inv = *c
	return nil
}
