package invoice

import (
	"fmt"
	"time"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// Snapshot is an invoice's complete state as plain data: what stores
// persist (as JSON) and give back to [FromSnapshot]. It round-trips
// through encoding/json exactly. Domain code changes invoices through
// their methods, never through a snapshot.
type Snapshot struct {
	ID          ID                  `json:"id"`
	Tenant      o2c.TenantID        `json:"tenant"`
	Kind        Kind                `json:"kind"`
	Status      State               `json:"status"`
	Draft       Draft               `json:"draft"`
	Totals      tax.Totals          `json:"totals"`
	Number      string              `json:"number,omitempty"`
	IssueDate   o2c.Date            `json:"issue_date,omitzero"`
	Instalments []InstalmentBalance `json:"instalments,omitempty"`
	Open        o2c.Money           `json:"open"`
	Settlements []Settlement        `json:"settlements,omitempty"`
	Disputes    []Dispute           `json:"disputes,omitempty"`
	WriteOff    *WriteOffRecord     `json:"write_off,omitempty"`
	Credits     []CreditRef         `json:"credits,omitempty"`
	CreditOf    *CreditOf           `json:"credit_of,omitempty"`
	Deductions  []DepositDeduction  `json:"deductions,omitempty"`
	CreatedAt   time.Time           `json:"created_at"`
	UpdatedAt   time.Time           `json:"updated_at"`
	IssuedAt    time.Time           `json:"issued_at,omitzero"`
	// Version is the stores' optimistic-concurrency version.
	Version int64 `json:"version"`
}

// Snapshot returns the invoice's state as plain data (deep copies; the
// pending events are not part of it).
func (inv *Invoice) Snapshot() Snapshot {
	c := inv.clone()
	s := Snapshot{
		ID: c.id, Tenant: c.tenant, Kind: c.kind, Status: c.status, Draft: c.draft, Totals: c.totals,
		Number: c.number, IssueDate: c.issueDate, Instalments: nilIfEmpty(c.instalments), Open: c.open,
		Settlements: nilIfEmpty(c.settlements), Disputes: nilIfEmpty(c.disputes), WriteOff: c.writeOff,
		Credits: nilIfEmpty(c.credits), CreditOf: c.creditOf, Deductions: nilIfEmpty(c.deductions),
		CreatedAt: c.createdAt, UpdatedAt: c.updatedAt, IssuedAt: c.issuedAt, Version: c.version,
	}
	return s
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// FromSnapshot rebuilds an invoice from a snapshot, as a store loads it,
// after checking its invariants: identity, tenant, kind and status;
// amounts in the invoice's currency; the open amount equal to the sum of
// the instalments' open amounts and to the gross less the active
// settlements and any write-off; open disputes within the open amount and
// matching the disputed state. A snapshot breaking one is a
// *o2c.ValidationError naming the field: the data was not written by this
// package, or was tampered with. The totals are taken as stored, not
// recomputed, so an issued invoice reads back exactly as it was issued.
func FromSnapshot(s Snapshot) (*Invoice, error) {
	bad := func(field, rule string) error {
		return &o2c.ValidationError{Field: "snapshot." + field, Rule: rule, Value: s.ID.String()}
	}
	if err := s.Tenant.Validate(); err != nil {
		return nil, err
	}
	cur := s.Draft.Currency
	switch {
	case s.ID.IsZero():
		return nil, bad("id", "is required")
	case !s.Kind.IsValid():
		return nil, bad("kind", "is not a known kind")
	case !s.Status.IsValid():
		return nil, bad("status", "is not a known state")
	case cur.IsZero():
		return nil, bad("draft.currency", "is required")
	case s.Draft.Customer.IsZero():
		return nil, bad("draft.customer", "is required")
	case (s.Kind == KindCreditNote) != (s.CreditOf != nil):
		return nil, bad("credit_of", "is set for credit notes and only for them")
	case s.Totals.Gross.Currency() != cur || s.Open.Currency() != cur:
		return nil, bad("totals", "must be in the invoice's currency")
	}
	if sum, err := s.Totals.Net.Add(s.Totals.Tax); err != nil || !sum.Equal(s.Totals.Gross) {
		return nil, bad("totals", "gross must be net plus tax")
	}
	if s.Status == StateDraft {
		if s.Number != "" || len(s.Instalments) > 0 || !s.Open.IsZero() || len(s.Settlements) > 0 || len(s.Disputes) > 0 {
			return nil, bad("status", "a draft has no number, instalments, settlements or disputes")
		}
	} else {
		if s.Number == "" || s.IssueDate.IsZero() || len(s.Instalments) == 0 {
			return nil, bad("number", "an issued document has a number, an issue date and instalments")
		}
		if err := checkBalances(s); err != nil {
			return nil, err
		}
	}
	inv := &Invoice{
		id: s.ID, tenant: s.Tenant, kind: s.Kind, status: s.Status, draft: s.Draft, totals: s.Totals,
		number: s.Number, issueDate: s.IssueDate, instalments: s.Instalments, open: s.Open,
		settlements: s.Settlements, disputes: s.Disputes, writeOff: s.WriteOff, credits: s.Credits,
		creditOf: s.CreditOf, deductions: s.Deductions,
		createdAt: s.CreatedAt, updatedAt: s.UpdatedAt, issuedAt: s.IssuedAt, version: s.Version,
	}
	return inv.clone(), nil
}

func checkBalances(s Snapshot) error {
	bad := func(field, rule string) error {
		return &o2c.ValidationError{Field: "snapshot." + field, Rule: rule, Value: s.ID.String()}
	}
	cur := s.Draft.Currency
	open, amount := o2c.Zero(cur), o2c.Zero(cur)
	for i, in := range s.Instalments {
		if in.Seq != i+1 || in.Open.Currency() != cur || in.Amount.Currency() != cur || in.Open.IsNegative() || in.Open.Amount().GreaterThan(in.Amount.Amount()) {
			return bad(fmt.Sprintf("instalments[%d]", i), "must be numbered from 1, in the invoice's currency, with 0 <= open <= amount")
		}
		open, _ = open.Add(in.Open)
		amount, _ = amount.Add(in.Amount)
	}
	if !open.Equal(s.Open) {
		return bad("open", "must equal the sum of the instalments' open amounts")
	}
	if !amount.Equal(s.Totals.Gross) {
		return bad("instalments", "must add up to the gross")
	}
	rest := s.Totals.Gross
	for i, st := range s.Settlements {
		if st.Amount.Currency() != cur {
			return bad(fmt.Sprintf("settlements[%d]", i), "must be in the invoice's currency")
		}
		if !st.Reversed {
			rest, _ = rest.Sub(st.Amount)
		}
	}
	if s.WriteOff != nil {
		rest, _ = rest.Sub(s.WriteOff.Amount)
	}
	if !rest.Equal(s.Open) {
		return bad("open", "must equal the gross less active settlements and write-offs")
	}
	disputed := o2c.Zero(cur)
	for i, d := range s.Disputes {
		if d.Amount.Currency() != cur {
			return bad(fmt.Sprintf("disputes[%d]", i), "must be in the invoice's currency")
		}
		if d.Status == DisputeOpen {
			disputed, _ = disputed.Add(d.Amount)
		}
	}
	if disputed.Amount().GreaterThan(s.Open.Amount()) {
		return bad("disputes", "open disputes must be within the open amount")
	}
	if (s.Status == StateDisputed) != disputed.IsPositive() {
		return bad("status", "an invoice is disputed exactly when it has open disputes")
	}
	return nil
}

// PaymentSnapshot is a payment's complete state as plain data, for stores.
type PaymentSnapshot struct {
	ID             PaymentID      `json:"id"`
	Tenant         o2c.TenantID   `json:"tenant"`
	Customer       o2c.CustomerID `json:"customer"`
	Amount         o2c.Money      `json:"amount"`
	ValueDate      o2c.Date       `json:"value_date"`
	Method         Method         `json:"method"`
	PayerReference string         `json:"payer_reference,omitempty"`
	IdempotencyKey string         `json:"idempotency_key"`
	Allocations    []Allocation   `json:"allocations,omitempty"`
	Refunds        []Refund       `json:"refunds,omitempty"`
	Reversed       bool           `json:"reversed,omitempty"`
	ReversedAt     time.Time      `json:"reversed_at,omitzero"`
	ReversalReason string         `json:"reversal_reason,omitempty"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	Version        int64          `json:"version"`
}

// Snapshot returns the payment's state as plain data.
func (p *Payment) Snapshot() PaymentSnapshot {
	c := p.clone()
	return PaymentSnapshot{
		ID: c.id, Tenant: c.tenant, Customer: c.customer, Amount: c.amount, ValueDate: c.valueDate, Method: c.method,
		PayerReference: c.payerRef, IdempotencyKey: c.key, Allocations: nilIfEmpty(c.allocations), Refunds: nilIfEmpty(c.refunds),
		Reversed: c.reversed, ReversedAt: c.reversedAt, ReversalReason: c.reversal,
		CreatedAt: c.createdAt, UpdatedAt: c.updatedAt, Version: c.version,
	}
}

// PaymentFromSnapshot rebuilds a payment from a snapshot after checking
// its invariants (identity, a positive amount, allocations and refunds in
// its currency and within its amount); a broken one is a
// *o2c.ValidationError.
func PaymentFromSnapshot(s PaymentSnapshot) (*Payment, error) {
	bad := func(field, rule string) error {
		return &o2c.ValidationError{Field: "snapshot." + field, Rule: rule, Value: s.ID.String()}
	}
	if err := s.Tenant.Validate(); err != nil {
		return nil, err
	}
	switch {
	case s.ID.IsZero():
		return nil, bad("id", "is required")
	case s.Customer.IsZero():
		return nil, bad("customer", "is required")
	case !s.Amount.IsPositive():
		return nil, bad("amount", "must be positive")
	case !s.Method.IsValid():
		return nil, bad("method", "is not a known method")
	case s.IdempotencyKey == "":
		return nil, bad("idempotency_key", "is required")
	}
	p := &Payment{
		id: s.ID, tenant: s.Tenant, customer: s.Customer, amount: s.Amount, valueDate: s.ValueDate, method: s.Method,
		payerRef: s.PayerReference, key: s.IdempotencyKey, allocations: s.Allocations, refunds: s.Refunds,
		reversed: s.Reversed, reversedAt: s.ReversedAt, reversal: s.ReversalReason,
		createdAt: s.CreatedAt, updatedAt: s.UpdatedAt, version: s.Version,
	}
	for i, a := range s.Allocations {
		if a.Amount.Currency() != s.Amount.Currency() || !a.Amount.IsPositive() {
			return nil, bad(fmt.Sprintf("allocations[%d]", i), "must be positive and in the payment's currency")
		}
	}
	for i, r := range s.Refunds {
		if r.Amount.Currency() != s.Amount.Currency() || !r.Amount.IsPositive() {
			return nil, bad(fmt.Sprintf("refunds[%d]", i), "must be positive and in the payment's currency")
		}
	}
	if !s.Reversed && p.Unapplied().IsNegative() {
		return nil, bad("allocations", "must not exceed the payment's amount")
	}
	return p.clone(), nil
}

// view is the snapshot as an invoice, unchecked and sharing its slices:
// only for reading derived figures.
func (s Snapshot) view() *Invoice {
	return &Invoice{kind: s.Kind, status: s.Status, draft: s.Draft, totals: s.Totals, number: s.Number,
		issueDate: s.IssueDate, instalments: s.Instalments, open: s.Open, disputes: s.Disputes}
}

// DueDate returns the invoice's [Invoice.DueDate], for stores' query columns.
func (s Snapshot) DueDate() o2c.Date { return s.view().DueDate() }

// Disputed returns the invoice's [Invoice.Disputed], for stores' query columns.
func (s Snapshot) Disputed() o2c.Money { return s.view().Disputed() }

func (s PaymentSnapshot) view() *Payment {
	return &Payment{amount: s.Amount, allocations: s.Allocations, refunds: s.Refunds, reversed: s.Reversed}
}

// Unapplied returns the payment's [Payment.Unapplied], for stores' query columns.
func (s PaymentSnapshot) Unapplied() o2c.Money { return s.view().Unapplied() }

// Status returns the payment's [Payment.Status], for stores' query columns.
func (s PaymentSnapshot) Status() PaymentStatus { return s.view().Status() }
