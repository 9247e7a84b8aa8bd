package invoice

import (
	"fmt"
	"time"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// ID identifies an invoice, a credit note or a deposit invoice.
type ID = o2c.ID[Invoice]

// Draft is what a new document is made of. Build a document with
// [NewDraft]; while it is a draft, [Invoice.Revise] changes it.
type Draft struct {
	// Customer is invoiced (required).
	Customer o2c.CustomerID `json:"customer"`
	// Currency of every amount (required).
	Currency o2c.Currency `json:"currency"`
	// Lines, at least one, at most [tax.MaxLines].
	Lines []Line `json:"lines"`
	// Terms decide the due date (required for invoices and deposits;
	// credit notes are due immediately and ignore them).
	Terms Terms `json:"terms"`
	// Schedule optionally splits the gross into instalments by percent,
	// each due under its own terms; empty means one instalment under Terms.
	Schedule []PercentInstalment `json:"schedule,omitempty"`
	// Rounding is the totals engine's policy (zero value: per document,
	// half up). Bill an order with the order's policy.
	Rounding tax.RoundingPolicy `json:"rounding"`
	// OrderRef names the order billed (empty for standalone invoices).
	OrderRef string `json:"order_ref,omitempty"`
	// Reference is the customer's reference (purchase order number).
	Reference string `json:"reference,omitempty"`
	// Notes are printed on the document.
	Notes string `json:"notes,omitempty"`
}

func (d Draft) clone() Draft {
	d.Lines = cloneLines(d.Lines)
	if d.Schedule != nil {
		d.Schedule = append([]PercentInstalment(nil), d.Schedule...)
	}
	return d
}

// Invoice is the aggregate for all three kinds of documents: invoices,
// credit notes and deposit invoices. It is created as a draft by
// [NewDraft] (or [NewCreditNote]), changed only through its methods, each
// of which either applies completely or returns an error and leaves the
// invoice unchanged, and records the domain events a store writes with it
// ([Invoice.PendingEvents]). Stores persist it through [Invoice.Snapshot]
// and [FromSnapshot].
//
// Amounts: Gross is the document total from the totals engine. Open is
// what is still owed (for a credit note: credit not yet used); it is the
// sum of the instalments' open amounts and never negative. Disputed is the
// part of Open under open disputes; payments may settle only the
// undisputed part.
type Invoice struct {
	id        ID
	tenant    o2c.TenantID
	kind      Kind
	status    State
	draft     Draft
	totals    tax.Totals
	number    string
	issueDate o2c.Date

	instalments []InstalmentBalance
	open        o2c.Money
	settlements []Settlement
	disputes    []Dispute
	writeOff    *WriteOffRecord
	credits     []CreditRef
	creditOf    *CreditOf
	deductions  []DepositDeduction

	createdAt, updatedAt, issuedAt time.Time
	version                        int64

	events []o2c.Event
}

// InstalmentBalance is one instalment of an issued document and what is
// still open of it.
type InstalmentBalance struct {
	Seq     int       `json:"seq"`
	DueDate o2c.Date  `json:"due_date"`
	Amount  o2c.Money `json:"amount"`
	Open    o2c.Money `json:"open"`
}

// WriteOffRecord says who wrote an invoice off, why and for how much.
type WriteOffRecord struct {
	Amount   o2c.Money `json:"amount"`
	Reason   string    `json:"reason"`
	Approver string    `json:"approver"`
	At       time.Time `json:"at"`
	// Parts is what was written off of each instalment.
	Parts []InstalmentPart `json:"parts,omitempty"`
}

// CreditRef is a credit note issued against an invoice.
type CreditRef struct {
	CreditNote ID        `json:"credit_note"`
	Number     string    `json:"number"`
	Gross      o2c.Money `json:"gross"`
	Key        string    `json:"key,omitempty"`
	// Fingerprint is the canonical hash of the request made under Key.
	Fingerprint string    `json:"fingerprint,omitempty"`
	Dispute     DisputeID `json:"dispute,omitzero"`
}

// CreditOf is what a credit note corrects.
type CreditOf struct {
	Invoice ID     `json:"invoice"`
	Number  string `json:"number"`
	Reason  string `json:"reason"`
}

// DepositDeduction is a part of a deposit invoice's net deducted on a
// final invoice.
type DepositDeduction struct {
	Invoice ID        `json:"invoice"`
	Net     o2c.Money `json:"net"`
	At      time.Time `json:"at"`
}

// stamp is how instants are kept: UTC, microseconds (what PostgreSQL keeps).
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// NewDraft returns a new draft document of kind for tenant, created at now.
// It validates everything a draft can be checked for: the tenant, the
// kind, the customer, the currency, the lines (through the totals engine),
// the terms, the schedule's percentages, and free-text lengths. Errors are
// *o2c.ValidationError naming the field, or *o2c.CurrencyMismatchError
// for a line priced in another currency.
//
// Credit notes are made by [NewCreditNote], which ties them to the invoice
// they correct.
func NewDraft(tenant o2c.TenantID, kind Kind, d Draft, now time.Time) (*Invoice, error) {
	if err := tenant.Validate(); err != nil {
		return nil, err
	}
	if kind != KindInvoice && kind != KindDeposit {
		return nil, invalid("kind", "must be invoice or deposit (credit notes are made by NewCreditNote)", string(kind))
	}
	if now.IsZero() {
		return nil, invalid("created_at", "must be set (pass the current time)", "")
	}
	inv := &Invoice{id: o2c.NewID[Invoice](), tenant: tenant, kind: kind, status: StateDraft}
	if err := inv.setDraft(d); err != nil {
		return nil, err
	}
	inv.createdAt, inv.updatedAt = stamp(now), stamp(now)
	return inv, nil
}

// NewCreditNote returns a draft credit note correcting original, which
// must be an issued invoice or deposit invoice (not a draft, not a credit
// note). The credit note takes the original's tenant, customer, currency
// and rounding policy; lines say what is credited (positive quantities);
// reason is required. Whether the credit fits what is left to credit is
// checked when it is issued against the original ([Invoice.RegisterCredit]).
func NewCreditNote(original *Invoice, lines []Line, reason, notes string, now time.Time) (*Invoice, error) {
	if original == nil {
		return nil, invalid("invoice", "is required", "")
	}
	if original.kind == KindCreditNote {
		return nil, invalid("invoice", "must be an invoice or a deposit invoice, not a credit note", original.number)
	}
	if original.status == StateDraft {
		return nil, &o2c.TransitionError{Aggregate: "invoice", ID: original.id.String(), State: string(original.status), Event: "credit"}
	}
	if err := checkText("reason", reason, MaxNoteLength, true); err != nil {
		return nil, err
	}
	if now.IsZero() {
		return nil, invalid("created_at", "must be set (pass the current time)", "")
	}
	d := Draft{
		Customer: original.draft.Customer,
		Currency: original.draft.Currency,
		Lines:    lines,
		Terms:    ImmediateTerms(),
		Rounding: original.draft.Rounding,
		OrderRef: original.draft.OrderRef,
		Notes:    notes,
	}
	cn := &Invoice{id: o2c.NewID[Invoice](), tenant: original.tenant, kind: KindCreditNote, status: StateDraft,
		creditOf: &CreditOf{Invoice: original.id, Number: original.number, Reason: reason}}
	if err := cn.setDraft(d); err != nil {
		return nil, err
	}
	cn.createdAt, cn.updatedAt = stamp(now), stamp(now)
	return cn, nil
}

// setDraft validates d and, only if it is valid, stores it with its totals.
func (inv *Invoice) setDraft(d Draft) error {
	d = d.clone()
	switch {
	case d.Customer.IsZero():
		return invalid("customer", "is required", "")
	case d.Currency.IsZero():
		return &o2c.ValidationError{Field: "currency", Rule: "is required", Err: o2c.ErrUnknownCurrency}
	case len(d.Lines) == 0:
		return invalid("lines", "at least one line is required", "")
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"order_ref", d.OrderRef, MaxRefLength}, {"reference", d.Reference, MaxRefLength}, {"notes", d.Notes, MaxNoteLength}} {
		if err := checkText(f.name, f.value, f.max, false); err != nil {
			return err
		}
	}
	if inv.kind == KindCreditNote {
		d.Terms, d.Schedule = ImmediateTerms(), nil
	}
	if err := d.Terms.Validate(); err != nil {
		return prefixField("terms", err)
	}
	if err := d.Rounding.Validate(); err != nil {
		return err
	}
	hasDeduction := false
	for _, l := range d.Lines {
		if !l.DepositRef.IsZero() {
			hasDeduction = true
		}
	}
	if hasDeduction && inv.kind != KindInvoice {
		return invalid("lines", "only invoices may deduct deposits", string(inv.kind))
	}
	totals, err := computeTotals(d.Currency, d.Lines, d.Rounding)
	if err != nil {
		return err
	}
	if inv.kind == KindDeposit && len(totals.Breakdown) != 1 {
		return invalid("lines", "a deposit invoice has one tax category and rate, so that it can be deducted at that rate", fmt.Sprint(len(totals.Breakdown)))
	}
	switch {
	case totals.Gross.IsNegative():
		return invalid("lines", "the total must not be negative", totals.Gross.String())
	case totals.Gross.IsZero() && !hasDeduction:
		return invalid("lines", "the total must be positive", totals.Gross.String())
	}
	if len(d.Schedule) > 0 {
		// Check the schedule now against a positive stand-in total, so a
		// bad schedule is refused at draft time rather than at issue.
		probe := o2c.FromMinor(100, d.Currency)
		if _, err := InstalmentsByPercent(probe, o2c.MustDate(2000, time.January, 1), d.Schedule, BusinessDayShift{}); err != nil {
			return prefixField("schedule", err)
		}
	}
	inv.draft, inv.totals = d, totals
	inv.open = o2c.Zero(d.Currency)
	return nil
}

// Revise changes a draft: change gets a copy of its current Draft, and the
// result is validated like [NewDraft] before it replaces the draft. An
// issued document is immutable: Revise returns a *o2c.ValidationError
// wrapping [ErrImmutable] (correct it with a credit note). A draft billed
// from an order keeps its billed and deduction lines: Revise refuses to
// change them, since the order counts those quantities as invoiced.
func (inv *Invoice) Revise(now time.Time, change func(d *Draft) error) error {
	if inv.status != StateDraft {
		return &o2c.ValidationError{Field: "status", Rule: "only drafts can be changed; correct an issued document with a credit note", Value: string(inv.status), Err: ErrImmutable}
	}
	d := inv.draft.clone()
	if change != nil {
		if err := change(&d); err != nil {
			return err
		}
	}
	if d.OrderRef != inv.draft.OrderRef || d.Customer != inv.draft.Customer || d.Currency != inv.draft.Currency {
		if inv.billed() {
			return &o2c.ValidationError{Field: "order_ref", Rule: "the order, customer and currency of a draft billed from an order cannot change", Err: ErrImmutable}
		}
	}
	if inv.billed() && !sameBilledLines(inv.draft.Lines, d.Lines) {
		return &o2c.ValidationError{Field: "lines", Rule: "lines billed from an order or deducting a deposit cannot change", Err: ErrImmutable}
	}
	if err := inv.setDraft(d); err != nil {
		return err
	}
	inv.updatedAt = stamp(now)
	return nil
}

func (inv *Invoice) billed() bool {
	for _, l := range inv.draft.Lines {
		if l.OrderLineRef != "" || !l.DepositRef.IsZero() {
			return true
		}
	}
	return false
}

func sameBilledLines(a, b []Line) bool {
	pick := func(ls []Line) []Line {
		var out []Line
		for _, l := range ls {
			if l.OrderLineRef != "" || !l.DepositRef.IsZero() {
				out = append(out, l)
			}
		}
		return out
	}
	pa, pb := pick(a), pick(b)
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		x, y := pa[i], pb[i]
		if x.SKU != y.SKU || x.Description != y.Description || !x.Quantity.Equal(y.Quantity) || !x.UnitPrice.Equal(y.UnitPrice) ||
			!x.DiscountPercent.Equal(y.DiscountPercent) || x.TaxCategory != y.TaxCategory || !x.TaxRate.Equal(y.TaxRate) ||
			x.OrderLineRef != y.OrderLineRef || x.DepositRef != y.DepositRef {
			return false
		}
	}
	return true
}

// MaxNumberLength bounds a document number, in characters.
const MaxNumberLength = 64

// CanIssue reports, without changing anything, the error [Invoice.Issue]
// would return for the state: a *o2c.TransitionError unless the document
// is a draft. Services check it before drawing a number.
func (inv *Invoice) CanIssue() error {
	_, err := next("invoice", inv.ref(), inv.status, TriggerIssue)
	return err
}

// Issue numbers the draft and makes it immutable: the due dates are
// computed from issueDate under the terms (or the schedule), shifted by
// shift (the zero BusinessDayShift shifts nothing), and the whole gross
// becomes open. It records invoice.issued (for a credit note,
// invoice.credit_note_issued). Issuing a document that is not a draft is a
// *o2c.TransitionError; the number must be set (numbers come from a
// [NumberStore] inside the issuing transaction, see [Service.Issue]).
//
// A final invoice whose deposit deductions bring it to zero is paid as it
// is issued.
func (inv *Invoice) Issue(number string, issueDate o2c.Date, shift BusinessDayShift, now time.Time) error {
	to, err := next("invoice", inv.ref(), inv.status, TriggerIssue)
	if err != nil {
		return err
	}
	if err := checkText("number", number, MaxNumberLength, true); err != nil {
		return err
	}
	if issueDate.IsZero() {
		return invalid("issue_date", "is required", "")
	}
	if issueDate.Validate() != nil {
		return &o2c.ValidationError{Field: "issue_date", Rule: "must be between years 1 and 9999", Value: issueDate.String(), Err: o2c.ErrDateOutOfRange}
	}
	gross := inv.totals.Gross
	var insts []InstalmentBalance
	if len(inv.draft.Schedule) > 0 && gross.IsPositive() {
		sched, err := InstalmentsByPercent(gross, issueDate, inv.draft.Schedule, shift)
		if err != nil {
			return prefixField("schedule", err)
		}
		for _, s := range sched {
			insts = append(insts, InstalmentBalance{Seq: s.Seq, DueDate: s.DueDate, Amount: s.Amount, Open: s.Amount})
		}
	} else {
		due, err := ShiftedDueDate(issueDate, inv.draft.Terms, shift)
		if err != nil {
			return prefixField("terms", err)
		}
		insts = []InstalmentBalance{{Seq: 1, DueDate: due, Amount: gross, Open: gross}}
	}
	at := stamp(now)
	typ := EventIssued
	if inv.kind == KindCreditNote {
		typ = EventCreditNoteIssued
	}
	c := inv.clone()
	c.status, c.number, c.issueDate, c.instalments, c.open = to, number, issueDate, insts, gross
	c.issuedAt, c.updatedAt = at, at
	if err := c.record(typ, at, c.payload()); err != nil {
		return err
	}
	if gross.IsZero() {
		if c.status, err = next("invoice", c.id.String(), c.status, TriggerSettle); err != nil {
			return err
		}
		if err := c.record(EventPaid, at, c.payload()); err != nil {
			return err
		}
	}
	*inv = *c
	return nil
}

// clone returns a deep copy, so that methods can work on a copy and
// replace the invoice only when everything succeeded.
func (inv *Invoice) clone() *Invoice {
	c := *inv
	c.draft = inv.draft.clone()
	c.totals = cloneTotals(inv.totals)
	c.instalments = append([]InstalmentBalance(nil), inv.instalments...)
	c.settlements = make([]Settlement, len(inv.settlements))
	for i, s := range inv.settlements {
		c.settlements[i] = s.clone()
	}
	c.disputes = make([]Dispute, len(inv.disputes))
	for i, d := range inv.disputes {
		c.disputes[i] = d.clone()
	}
	if inv.writeOff != nil {
		w := *inv.writeOff
		w.Parts = append([]InstalmentPart(nil), w.Parts...)
		c.writeOff = &w
	}
	c.credits = append([]CreditRef(nil), inv.credits...)
	if inv.creditOf != nil {
		co := *inv.creditOf
		c.creditOf = &co
	}
	c.deductions = append([]DepositDeduction(nil), inv.deductions...)
	c.events = append([]o2c.Event(nil), inv.events...)
	return &c
}

func cloneTotals(t tax.Totals) tax.Totals {
	t.Lines = append([]tax.LineTotal(nil), t.Lines...)
	t.Breakdown = append([]tax.Subtotal(nil), t.Breakdown...)
	return t
}

// ID returns the document's identifier.
func (inv *Invoice) ID() ID { return inv.id }

// Tenant returns the tenant that owns the document.
func (inv *Invoice) Tenant() o2c.TenantID { return inv.tenant }

// Kind returns what the document is.
func (inv *Invoice) Kind() Kind { return inv.kind }

// Status returns the state.
func (inv *Invoice) Status() State { return inv.status }

// Customer returns the invoiced customer.
func (inv *Invoice) Customer() o2c.CustomerID { return inv.draft.Customer }

// Currency returns the currency of every amount.
func (inv *Invoice) Currency() o2c.Currency { return inv.draft.Currency }

// Number returns the number ("" for a draft).
func (inv *Invoice) Number() string { return inv.number }

// IssueDate returns the issue date (zero for a draft).
func (inv *Invoice) IssueDate() o2c.Date { return inv.issueDate }

// Draft returns a copy of what the document is made of.
func (inv *Invoice) Draft() Draft { return inv.draft.clone() }

// Lines returns a copy of the lines.
func (inv *Invoice) Lines() []Line { return cloneLines(inv.draft.Lines) }

// Totals returns the totals engine's figures (lines, tax breakdown, net,
// tax, gross).
func (inv *Invoice) Totals() tax.Totals { return cloneTotals(inv.totals) }

// Gross returns the document total.
func (inv *Invoice) Gross() o2c.Money { return inv.totals.Gross }

// Open returns what is still owed (for a credit note: credit not yet
// used); zero for a draft.
func (inv *Invoice) Open() o2c.Money { return inv.open }

// OrderRef returns the order billed ("" for standalone invoices).
func (inv *Invoice) OrderRef() string { return inv.draft.OrderRef }

// Instalments returns a copy of the instalments with their open amounts
// (none for a draft).
func (inv *Invoice) Instalments() []InstalmentBalance {
	return append([]InstalmentBalance(nil), inv.instalments...)
}

// DueDate returns the due date of the earliest instalment still open, or
// of the last instalment when nothing is open; zero for a draft. Dunning
// ages an invoice from this date.
func (inv *Invoice) DueDate() o2c.Date {
	for _, in := range inv.instalments {
		if in.Open.IsPositive() {
			return in.DueDate
		}
	}
	if n := len(inv.instalments); n > 0 {
		return inv.instalments[n-1].DueDate
	}
	return o2c.Date{}
}

// Settlements returns a copy of everything that reduced the open amount
// (payments, credit notes, residual write-offs; for a credit note, its
// applications and refunds), reversed ones included.
func (inv *Invoice) Settlements() []Settlement {
	out := make([]Settlement, len(inv.settlements))
	for i, s := range inv.settlements {
		out[i] = s.clone()
	}
	return out
}

// WrittenOff returns who wrote the invoice off as a loss, or nil.
func (inv *Invoice) WrittenOff() *WriteOffRecord {
	if inv.writeOff == nil {
		return nil
	}
	w := *inv.writeOff
	w.Parts = append([]InstalmentPart(nil), w.Parts...)
	return &w
}

// Credits returns the credit notes issued against this invoice.
func (inv *Invoice) Credits() []CreditRef { return append([]CreditRef(nil), inv.credits...) }

// Credited returns the gross of every credit note issued against this
// invoice.
func (inv *Invoice) Credited() o2c.Money {
	total := o2c.Zero(inv.draft.Currency)
	for _, c := range inv.credits {
		total, _ = total.Add(c.Gross)
	}
	return total
}

// CreditOf returns what a credit note corrects, or nil for other kinds.
func (inv *Invoice) CreditOf() *CreditOf {
	if inv.creditOf == nil {
		return nil
	}
	c := *inv.creditOf
	return &c
}

// Deductions returns where a deposit invoice's net was deducted.
func (inv *Invoice) Deductions() []DepositDeduction {
	return append([]DepositDeduction(nil), inv.deductions...)
}

// CreatedAt, UpdatedAt and IssuedAt return the document's timestamps (UTC).
func (inv *Invoice) CreatedAt() time.Time { return inv.createdAt }

// UpdatedAt returns when the document last changed.
func (inv *Invoice) UpdatedAt() time.Time { return inv.updatedAt }

// IssuedAt returns when the document was issued (zero for a draft).
func (inv *Invoice) IssuedAt() time.Time { return inv.issuedAt }

// Version is the stored version, for the stores' optimistic concurrency
// (0 until first stored).
func (inv *Invoice) Version() int64 { return inv.version }

// String returns "invoice INV-2026-000123 (issued, open 120.00 EUR)".
func (inv *Invoice) String() string {
	n := inv.number
	if n == "" {
		n = inv.id.String()
	}
	return fmt.Sprintf("%s %s (%s, open %s)", inv.kind, n, inv.status, inv.open)
}

func (inv *Invoice) ref() string {
	if inv.number != "" {
		return inv.number
	}
	return inv.id.String()
}
