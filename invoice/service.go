package invoice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
	"github.com/cashcycle/sdk/telemetry"
)

// Stores are the stores a [Service] works with, all bound to one tenant
// and from one adapter (so that one [o2c.Transactor] spans them).
type Stores struct {
	Invoices Store
	Payments PaymentStore
	Numbers  NumberStore
}

// Options configure a [Service]. The zero value works.
type Options struct {
	// Telemetry: logger, a span around Allocate and the
	// o2c.invoice.payments_allocated counter (zero: silent).
	Telemetry telemetry.Options
	// Clock stamps changes and gives "today" for dates left zero. Default:
	// the system clock, read once per operation.
	Clock o2c.Clock
	// Location is where "today" is (nil: UTC).
	Location *time.Location
	// Numbering of each kind of document (zero: INV-2026-000001, CN-...).
	Numbering Numbering
	// Tolerance for residual write-offs (zero: none).
	Tolerance Tolerance
	// Shift moves due dates off non-business days (zero: no shift).
	Shift BusinessDayShift
	// Billing is where [Service.BillDelivered] finds delivered quantities
	// (nil: BillDelivered is refused).
	Billing BillingSource
}

// Service runs invoicing for one tenant: it creates, issues and credits
// documents, records and allocates payments, handles disputes and
// write-offs. Each operation is one transaction of tx across the stores:
// it applies completely or not at all, with its events. Everything that
// moves money is idempotent (an idempotency key, or a state that refuses a
// second time) and safe under concurrency (the stores serialise updates of
// one record; numbers are drawn inside the transaction).
type Service struct {
	obs     *telemetry.T
	tx      o2c.Transactor
	stores  Stores
	tenant  o2c.TenantID
	clock   o2c.Clock
	loc     *time.Location
	numbers Numbering
	tol     Tolerance
	shift   BusinessDayShift
	billing BillingSource
}

// NewService returns a service over stores, running each operation in a
// transaction of tx. The stores must all be set and bound to the same
// tenant; options must be valid. Errors are *o2c.ValidationError.
func NewService(tx o2c.Transactor, stores Stores, opts Options) (*Service, error) {
	switch {
	case tx == nil:
		return nil, invalid("tx", "is required", "")
	case stores.Invoices == nil || stores.Payments == nil || stores.Numbers == nil:
		return nil, invalid("stores", "invoices, payments and numbers are required", "")
	}
	t := stores.Invoices.TenantID()
	if stores.Payments.TenantID() != t || stores.Numbers.TenantID() != t {
		return nil, invalid("stores", "must be bound to the same tenant", string(t))
	}
	if err := opts.Numbering.Validate(); err != nil {
		return nil, err
	}
	if err := opts.Tolerance.Validate(); err != nil {
		return nil, err
	}
	if _, err := opts.Shift.Apply(o2c.MustDate(2026, time.January, 1)); err != nil {
		return nil, prefixField("shift", err)
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	return &Service{
		obs: telemetry.New(opts.Telemetry),
		tx:  tx, stores: stores, tenant: t, clock: o2c.ClockOrSystem(opts.Clock), loc: loc,
		numbers: opts.Numbering, tol: opts.Tolerance, shift: opts.Shift, billing: opts.Billing,
	}, nil
}

// errReplay aborts a store update without writing when a request turns out
// to be a repeat; it never leaves the service.
var errReplay = errors.New("invoice: replay")

func (s *Service) today(now time.Time, d o2c.Date) o2c.Date {
	if !d.IsZero() {
		return d
	}
	return o2c.DateIn(now, s.loc)
}

// draw takes the next number for a document of kind issued on date.
func (s *Service) draw(ctx context.Context, k Kind, date o2c.Date) (string, error) {
	f := s.numbers.For(k)
	n, err := s.stores.Numbers.Next(ctx, f.Series(date.Year()))
	if err != nil {
		return "", err
	}
	return f.Format(date.Year(), n), nil
}

// CreateInvoice stores a new standalone draft invoice. Errors as for
// [NewDraft] and [Store.Create].
func (s *Service) CreateInvoice(ctx context.Context, d Draft) (*Invoice, error) {
	inv, err := NewDraft(s.tenant, KindInvoice, d, s.clock.Now())
	if err != nil {
		return nil, err
	}
	if err := s.stores.Invoices.Create(ctx, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// Revise changes a draft (see [Invoice.Revise]); an issued document
// refuses with an error wrapping [ErrImmutable].
func (s *Service) Revise(ctx context.Context, id ID, change func(d *Draft) error) (*Invoice, error) {
	now := s.clock.Now()
	return s.stores.Invoices.Update(ctx, id, func(inv *Invoice) error { return inv.Revise(now, change) })
}

// Issue numbers and issues a draft invoice or deposit invoice on date
// (zero: today), in one transaction: the number is drawn from the kind's
// series inside it, so an issue that fails leaves no gap. Issuing a
// document twice is a *o2c.TransitionError and changes nothing (no number
// is drawn). A draft credit note is refused (*o2c.ValidationError on
// "kind"): [Service.IssueCreditNote] issues credit notes, checking them
// against what is left to credit.
func (s *Service) Issue(ctx context.Context, id ID, date o2c.Date) (*Invoice, error) {
	now := s.clock.Now()
	date = s.today(now, date)
	var out *Invoice
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.stores.Invoices.Update(ctx, id, func(inv *Invoice) error {
			if err := inv.CanIssue(); err != nil {
				return err
			}
			if inv.kind == KindCreditNote {
				return invalid("kind", "credit notes are issued by IssueCreditNote, which checks them against the invoice they credit", inv.ref())
			}
			number, err := s.draw(ctx, inv.kind, date)
			if err != nil {
				return err
			}
			return inv.Issue(number, date, s.shift, now)
		})
		return err
	})
	return out, err
}

// IssueCreditNote issues a credit note correcting an issued invoice, in
// one transaction: the invoice is locked, the credit checked against what
// is left to credit (all credit notes together never credit more than the
// invoice's gross: an *[AmountError] matching [ErrOverCredit]), a number
// drawn from the credit-note series, and the credit applied to the
// invoice's undisputed open amount; what cannot be applied stays open on
// the credit note as customer credit (allocate it with
// [Service.AllocateCredit] or refund it with [Service.RefundCredit]). A
// credit note that settles the invoice with no payment settles it by credit (StateSettledByCredit).
//
// With a Key, a repeat of the same request returns the credit note issued
// the first time; the key reused with different lines, reason, notes or
// date is refused with o2c.ErrIdempotencyConflict (in a
// *o2c.ValidationError) and issues nothing.
func (s *Service) IssueCreditNote(ctx context.Context, in CreditNoteInput) (*Invoice, error) {
	if err := checkText("key", in.Key, MaxRefLength, false); err != nil {
		return nil, err
	}
	fp := creditNoteFingerprint(in)
	now := s.clock.Now()
	date := s.today(now, in.Date)
	var cn *Invoice
	var replay ID
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		_, err := s.stores.Invoices.Update(ctx, in.Invoice, func(inv *Invoice) error {
			if ref, ok := inv.CreditByKey(in.Key); ok {
				if ref.Fingerprint != "" && ref.Fingerprint != fp {
					return o2c.IdempotencyConflict("key", in.Key, "credit note request on this invoice")
				}
				replay = ref.CreditNote
				return errReplay
			}
			var err error
			cn, err = NewCreditNote(inv, in.Lines, in.Reason, in.Notes, now)
			if err != nil {
				return err
			}
			if err := s.credit(ctx, inv, cn, in.Key, DisputeID{}, date, now); err != nil {
				return err
			}
			if in.Key != "" {
				for i := range inv.credits {
					if inv.credits[i].Key == in.Key {
						inv.credits[i].Fingerprint = fp
					}
				}
			}
			return nil
		})
		if errors.Is(err, errReplay) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.stores.Invoices.Create(ctx, cn)
	})
	if err != nil {
		return nil, err
	}
	if !replay.IsZero() {
		return s.stores.Invoices.Get(ctx, replay)
	}
	return cn, nil
}

// creditNoteFingerprint is the canonical hash of a credit note request.
func creditNoteFingerprint(in CreditNoteInput) string {
	lines, err := json.Marshal(in.Lines)
	if err != nil {
		lines = []byte(fmt.Sprintf("%#v", in.Lines))
	}
	return o2c.Fingerprint("credit_note", in.Invoice.String(), json.RawMessage(lines), in.Reason, in.Notes, in.Date.String())
}

// credit issues draft credit note cn against inv (locked by the caller),
// registers it and applies what it can; the caller stores cn.
func (s *Service) credit(ctx context.Context, inv, cn *Invoice, key string, dispute DisputeID, date o2c.Date, now time.Time) error {
	// Refuse an excessive credit before drawing a number.
	probe := inv.clone()
	if err := probe.RegisterCredit(CreditRef{CreditNote: cn.id, Number: "-", Gross: cn.Gross(), Key: key, Dispute: dispute}, now); err != nil {
		return err
	}
	number, err := s.draw(ctx, KindCreditNote, date)
	if err != nil {
		return err
	}
	if err := cn.Issue(number, date, BusinessDayShift{}, now); err != nil {
		return err
	}
	if err := inv.RegisterCredit(CreditRef{CreditNote: cn.id, Number: number, Gross: cn.Gross(), Key: key, Dispute: dispute}, now); err != nil {
		return err
	}
	if !inv.status.IsOpen() {
		return nil // paid or settled already: the credit stays on the credit note
	}
	apply, _ := cn.Gross().Min(inv.Undisputed())
	if !apply.IsPositive() {
		return nil
	}
	id := o2c.NewID[Allocation]()
	if err := inv.ApplyCredit(id, cn.id, number, apply, now); err != nil {
		return err
	}
	return cn.UseCredit(id, inv.id, inv.number, "", apply, now)
}

// BillDelivered invoices an order's delivered, not yet invoiced quantities
// ("bill what was delivered"), in one transaction: it reads them from the
// billing source, marks them invoiced there (MarkInvoiced joins the
// transaction, so a failure anywhere unmarks them), deducts the order's
// deposit invoices at their tax rates (up to the billed net at that rate),
// and stores the invoice, issued if in.Issue. Nothing billable is
// [ErrNothingToBill]; a billing source that refuses because the quantities
// were billed meanwhile returns [ErrOverBilled], and nothing is written.
func (s *Service) BillDelivered(ctx context.Context, in BillInput) (*Invoice, error) {
	if s.billing == nil {
		return nil, invalid("billing", "the service has no BillingSource (Options.Billing)", "")
	}
	if err := checkText("order_ref", in.OrderRef, MaxRefLength, true); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var out *Invoice
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		bo, err := s.billing.Billable(ctx, in.OrderRef)
		if err != nil {
			return err
		}
		d := Draft{Customer: bo.Customer, Currency: bo.Currency, Terms: in.Terms, Schedule: in.Schedule,
			Rounding: bo.Rounding, OrderRef: in.OrderRef, Reference: in.Reference, Notes: in.Notes}
		var billed []BilledLine
		for _, l := range bo.Lines {
			if l.Quantity.IsZero() {
				continue
			}
			d.Lines = append(d.Lines, Line{SKU: l.SKU, Description: l.Description, Quantity: l.Quantity, UnitPrice: l.UnitPrice,
				DiscountPercent: l.DiscountPercent, TaxCategory: l.TaxCategory, TaxRate: l.TaxRate, OrderLineRef: l.OrderLineRef})
			billed = append(billed, BilledLine{OrderLineRef: l.OrderLineRef, Quantity: l.Quantity})
		}
		if len(billed) == 0 {
			return fmt.Errorf("order %s: %w", in.OrderRef, ErrNothingToBill)
		}
		deductions, err := s.planDeductions(ctx, d)
		if err != nil {
			return err
		}
		for _, dd := range deductions {
			d.Lines = append(d.Lines, dd.line)
		}
		inv, err := NewDraft(s.tenant, KindInvoice, d, now)
		if err != nil {
			return err
		}
		if err := s.billing.MarkInvoiced(ctx, in.OrderRef, inv.id.String(), billed); err != nil {
			return err
		}
		for _, dd := range deductions {
			if _, err := s.stores.Invoices.Update(ctx, dd.deposit, func(dep *Invoice) error {
				return dep.Deduct(inv.id, dd.line.UnitPrice, now)
			}); err != nil {
				return err
			}
		}
		if in.Issue {
			date := s.today(now, in.IssueDate)
			number, err := s.draw(ctx, KindInvoice, date)
			if err != nil {
				return err
			}
			if err := inv.Issue(number, date, s.shift, now); err != nil {
				return err
			}
		}
		if err := s.stores.Invoices.Create(ctx, inv); err != nil {
			return err
		}
		out = inv
		return nil
	})
	return out, err
}

type plannedDeduction struct {
	deposit ID
	line    Line
}

// planDeductions returns a deduction line for each of the order's deposit
// invoices with net left to deduct, at the deposit's tax rate, up to the
// net the draft bills at that rate.
func (s *Service) planDeductions(ctx context.Context, d Draft) ([]plannedDeduction, error) {
	deps, err := s.stores.Invoices.List(ctx, Filter{OrderRef: d.OrderRef, Kinds: []Kind{KindDeposit}})
	if err != nil {
		return nil, err
	}
	if len(deps) == 0 {
		return nil, nil
	}
	totals, err := computeTotals(d.Currency, d.Lines, d.Rounding)
	if err != nil {
		return nil, err
	}
	var out []plannedDeduction
	for _, dep := range deps {
		left := dep.DepositRemaining()
		if !left.IsPositive() || dep.Currency() != d.Currency || dep.Customer() != d.Customer {
			continue
		}
		g := dep.totals.Breakdown[0]
		for i := range totals.Breakdown {
			b := &totals.Breakdown[i]
			if b.Category != g.Category || !b.Rate.Equal(g.Rate) || !b.Base.IsPositive() {
				continue
			}
			net, _ := left.Min(b.Base)
			b.Base, _ = b.Base.Sub(net)
			out = append(out, plannedDeduction{deposit: dep.id, line: Line{
				Description: "Deposit " + dep.number + " deducted",
				Quantity:    decimal.NewFromInt(-1), UnitPrice: net,
				TaxCategory: g.Category, TaxRate: g.Rate, DepositRef: dep.id,
			}})
		}
	}
	return out, nil
}

// CreateDeposit stores a deposit invoice for an order (issued if
// in.Issue). Its gross is in.Amount, or in.Percent of in.Base rounded to
// the minor unit with in.Rounding's mode; its one line's net is that gross
// less the tax at in.TaxRate, so that the deposit invoice's gross is the
// requested one. At some rates a gross is not reachable to the cent (at 20
// %, no net gives a gross of 0.03): the deposit then asks the nearest gross
// below, one minor unit less. [Service.BillDelivered] deducts the deposit's
// net from the order's final invoices.
func (s *Service) CreateDeposit(ctx context.Context, in DepositInput) (*Invoice, error) {
	if err := checkText("order_ref", in.OrderRef, MaxRefLength, true); err != nil {
		return nil, err
	}
	if err := in.Rounding.Validate(); err != nil {
		return nil, err
	}
	var gross o2c.Money
	switch {
	case !in.Amount.Currency().IsZero() && !in.Percent.IsZero():
		return nil, invalid("amount", "give either an amount or a percent of a base, not both", in.Amount.String())
	case !in.Amount.Currency().IsZero():
		if err := checkPositive("amount", in.Amount); err != nil {
			return nil, err
		}
		gross = in.Amount
	default:
		if !in.Percent.IsPositive() || in.Percent.GreaterThan(hundred) {
			return nil, invalid("percent", "must be more than 0 and at most 100", in.Percent.String())
		}
		if err := checkPositive("base", in.Base); err != nil {
			return nil, err
		}
		gross = in.Base.MulRound(in.Percent.Shift(-2), in.Rounding.Mode)
		if !gross.IsPositive() {
			return nil, invalid("percent", "gives a zero deposit", in.Percent.String())
		}
	}
	desc := in.Description
	if desc == "" {
		desc = "Deposit on order " + in.OrderRef
	}
	line := Line{Description: desc, Quantity: decimal.NewFromInt(1), TaxCategory: in.TaxCategory, TaxRate: in.TaxRate}
	net, err := netForGross(line, gross, in.Rounding)
	if err != nil {
		return nil, err
	}
	line.UnitPrice = net
	now := s.clock.Now()
	d := Draft{Customer: in.Customer, Currency: gross.Currency(), Terms: in.Terms, Rounding: in.Rounding, OrderRef: in.OrderRef, Lines: []Line{line}}
	dep, err := NewDraft(s.tenant, KindDeposit, d, now)
	if err != nil {
		return nil, err
	}
	err = s.tx.InTx(ctx, func(ctx context.Context) error {
		if in.Issue {
			date := s.today(now, in.IssueDate)
			number, err := s.draw(ctx, KindDeposit, date)
			if err != nil {
				return err
			}
			if err := dep.Issue(number, date, s.shift, now); err != nil {
				return err
			}
		}
		return s.stores.Invoices.Create(ctx, dep)
	})
	if err != nil {
		return nil, err
	}
	return dep, nil
}

// netForGross returns the unit price of line (quantity 1) whose gross
// under p is gross, or, when none is, the largest whose gross is below it:
// it tries the minor units around gross / (1 + rate).
func netForGross(line Line, gross o2c.Money, p tax.RoundingPolicy) (o2c.Money, error) {
	cur := gross.Currency()
	estimate := gross.Amount().Mul(hundred).DivRound(hundred.Add(line.TaxRate), cur.Digits()+4)
	centre, err := o2c.MoneyOf(estimate, cur)
	if err != nil {
		return o2c.Money{}, err
	}
	centre = centre.Round(o2c.RoundHalfUp)
	unit := o2c.FromMinor(1, cur)
	var best o2c.Money
	for _, k := range []int64{-2, -1, 0, 1, 2} {
		cand, _ := centre.Add(unit.Mul(decimal.NewFromInt(k)))
		if !cand.IsPositive() {
			continue
		}
		l := line
		l.UnitPrice = cand
		t, err := computeTotals(cur, []Line{l}, p)
		if err != nil {
			return o2c.Money{}, err
		}
		c, _ := t.Gross.Cmp(gross)
		if c == 0 {
			return cand, nil
		}
		if c < 0 {
			best = cand
		}
	}
	if best.Currency().IsZero() {
		return o2c.Money{}, invalid("amount", "is too small for a deposit at this tax rate", gross.String())
	}
	return best, nil
}

// RecordPayment records money received. The idempotency key makes it safe
// to repeat: recording a key already recorded returns the first payment
// (and records nothing) when the input describes the same payment, and a
// *o2c.ValidationError wrapping [ErrIdempotencyKeyReused] otherwise, also
// when two recordings race. The whole amount starts unapplied.
func (s *Service) RecordPayment(ctx context.Context, in PaymentInput) (*Payment, error) {
	p, err := NewPayment(s.tenant, in, s.clock.Now())
	if err != nil {
		return nil, err
	}
	var out *Payment
	err = s.tx.InTx(ctx, func(ctx context.Context) error {
		existing, err := s.stores.Payments.GetByKey(ctx, in.IdempotencyKey)
		if err == nil {
			out, err = s.sameOrRefuse(existing, in)
			return err
		}
		if !errors.Is(err, o2c.ErrNotFound) {
			return err
		}
		err = s.stores.Payments.Create(ctx, p)
		if errors.Is(err, o2c.ErrConflict) { // a concurrent recording of the same key won
			existing, gerr := s.stores.Payments.GetByKey(ctx, in.IdempotencyKey)
			if gerr != nil {
				return err
			}
			out, err = s.sameOrRefuse(existing, in)
			return err
		}
		out = p
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RecordAndAllocate records a payment and allocates it to invoices in one
// transaction, so the common case (money received for known invoices) costs
// one commit instead of two. It is [Service.RecordPayment] followed by
// [Service.Allocate] with the payment's idempotency key as the allocation
// key, with their errors: any error leaves nothing recorded. A repeat of
// the same request returns the payment and the allocations made the first
// time and changes nothing; the key reused with other lines is refused
// ([ErrIdempotencyKeyReused]). No lines records the payment only. The
// payment returned is read after the allocation (its unapplied amount
// reflects it).
func (s *Service) RecordAndAllocate(ctx context.Context, in PaymentInput, lines []AllocationLine) (*Payment, []Allocation, error) {
	var (
		p      *Payment
		allocs []Allocation
	)
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		var err error
		if p, err = s.RecordPayment(ctx, in); err != nil {
			return err
		}
		if len(lines) == 0 {
			return nil
		}
		if allocs, err = s.Allocate(ctx, AllocateInput{Payment: p.ID(), Key: in.IdempotencyKey, Lines: lines}); err != nil {
			return err
		}
		p, err = s.stores.Payments.Get(ctx, p.ID())
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return p, allocs, nil
}

func (s *Service) sameOrRefuse(existing *Payment, in PaymentInput) (*Payment, error) {
	if !existing.SameAs(in) {
		return nil, &o2c.ValidationError{Field: "idempotency_key", Rule: "was recorded for a different payment", Value: in.IdempotencyKey, Err: ErrIdempotencyKeyReused}
	}
	return existing, nil
}

// Allocate applies a payment to one or many invoices (and instalments) in
// one transaction and returns the allocations. The payment is locked
// first, then the invoices in ID order, so concurrent allocations queue
// and never deadlock; every limit is checked under those locks: the lines
// together never exceed the payment's unapplied amount (an *[AmountError]
// matching [ErrInsufficientFunds]) and no line exceeds its invoice's
// undisputed open amount (matching [ErrOverAllocation]). An invoice that
// is not open is a *o2c.TransitionError; another currency a
// *o2c.CurrencyMismatchError; an invoice of another customer a
// *o2c.ValidationError. Any error leaves everything unchanged. A line with
// CloseResidual writes off what it leaves open if within the tolerance.
//
// The key makes the call idempotent: a repeat of the same request returns
// the allocations made the first time and changes nothing; the key reused
// with a different request (other lines, amounts, invoices) is a
// *o2c.ValidationError wrapping o2c.ErrIdempotencyConflict
// ([ErrIdempotencyKeyReused]), and changes nothing either. What is not
// allocated stays unapplied credit on the customer.
func (s *Service) Allocate(ctx context.Context, in AllocateInput) (out []Allocation, err error) {
	ctx, end := s.obs.Start(ctx, "invoice.Allocate")
	defer func() {
		s.obs.Add(ctx, telemetry.PaymentsAllocated, int64(len(out)))
		err = end(err)
	}()
	return s.allocate(ctx, in)
}

func (s *Service) allocate(ctx context.Context, in AllocateInput) ([]Allocation, error) {
	now := s.clock.Now()
	var out []Allocation
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		invs := map[ID]*Invoice{}
		reqs := make([]AllocationRequest, len(in.Lines))
		for i, l := range in.Lines {
			inv, err := s.stores.Invoices.Get(ctx, l.Invoice)
			if err != nil {
				return err
			}
			invs[l.Invoice] = inv
			reqs[i] = AllocationRequest{Invoice: l.Invoice, InvoiceNumber: inv.number, Instalment: l.Instalment, Amount: l.Amount}
		}
		closes := make([]bool, len(in.Lines))
		for i, l := range in.Lines {
			closes[i] = l.CloseResidual
		}
		fp := allocationFingerprint(in.Payment, reqs, closes)
		var payment *Payment
		_, err := s.stores.Payments.Update(ctx, in.Payment, func(p *Payment) error {
			if prev := p.AllocationsByKey(in.Key); len(prev) > 0 && in.Key != "" {
				if f := prev[0].Fingerprint; f != "" && f != fp {
					return o2c.IdempotencyConflict("key", in.Key, "allocation request of this payment")
				}
				out = prev
				return errReplay
			}
			for i, l := range in.Lines {
				if invs[l.Invoice].Customer() != p.customer {
					return invalid(fmt.Sprintf("lines[%d].invoice", i), "belongs to another customer than the payment's", invs[l.Invoice].ref())
				}
			}
			var err error
			out, err = p.allocate(in.Key, fp, reqs, now)
			payment = p
			return err
		})
		if errors.Is(err, errReplay) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, i := range byInvoice(len(in.Lines), func(i int) ID { return in.Lines[i].Invoice }) {
			l, a := in.Lines[i], out[i]
			if _, err := s.stores.Invoices.Update(ctx, l.Invoice, func(inv *Invoice) error {
				if err := inv.ApplyPaymentOn(a.ID, payment.id, payment.payerRef, l.Amount, l.Instalment, payment.valueDate, now); err != nil {
					return err
				}
				return s.closeResidual(inv, l.CloseResidual, now)
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// closeResidual writes off inv's residual when asked and within tolerance.
func (s *Service) closeResidual(inv *Invoice, asked bool, now time.Time) error {
	if !asked || !inv.status.IsOpen() || inv.Disputed().IsPositive() {
		return nil
	}
	if c, _ := inv.open.Cmp(s.tol.Limit(inv.Gross())); c > 0 {
		return nil
	}
	return inv.WriteOffResidual(o2c.NewID[Allocation](), s.tol, "payment difference within tolerance", now)
}

// byInvoice returns the indexes 0..n-1 ordered by invoice ID (stable), the
// order in which a transaction locks invoices.
func byInvoice(n int, id func(i int) ID) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return id(idx[a]).String() < id(idx[b]).String() })
	return idx
}

// AllocateCredit applies a credit note's open credit to invoices of the
// same customer, in one transaction (the credit note locked first, then
// the invoices in ID order), and returns the credit note's entries. Limits
// and errors as for [Service.Allocate], the credit note's open credit
// taking the place of the payment's unapplied amount. The key makes it
// idempotent.
func (s *Service) AllocateCredit(ctx context.Context, in AllocateCreditInput) ([]Settlement, error) {
	if err := checkText("key", in.Key, MaxRefLength, true); err != nil {
		return nil, err
	}
	if len(in.Lines) == 0 {
		return nil, invalid("lines", "at least one allocation line is required", "")
	}
	now := s.clock.Now()
	closes := make([]bool, len(in.Lines))
	for i, l := range in.Lines {
		closes[i] = l.CloseResidual
	}
	fp := o2c.Fingerprint("allocate_credit", in.CreditNote.String(), canonicalLines(len(in.Lines), func(i int) (ID, int, o2c.Money) {
		return in.Lines[i].Invoice, in.Lines[i].Instalment, in.Lines[i].Amount
	}, closes))
	var out []Settlement
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		targets := map[ID]*Invoice{}
		for _, l := range in.Lines {
			inv, err := s.stores.Invoices.Get(ctx, l.Invoice)
			if err != nil {
				return err
			}
			targets[l.Invoice] = inv
		}
		var cnNumber string
		_, err := s.stores.Invoices.Update(ctx, in.CreditNote, func(cn *Invoice) error {
			if prev, ok := cn.SettlementByKey(in.Key); ok {
				if prev.Fingerprint != "" && prev.Fingerprint != fp {
					return o2c.IdempotencyConflict("key", in.Key, "request on this credit note")
				}
				for _, st := range cn.settlements {
					if st.Key == in.Key {
						out = append(out, st.clone())
					}
				}
				return errReplay
			}
			for i, l := range in.Lines {
				t := targets[l.Invoice]
				if t.Customer() != cn.Customer() {
					return invalid(fmt.Sprintf("lines[%d].invoice", i), "belongs to another customer than the credit note's", t.ref())
				}
				if l.Instalment != 0 {
					return invalid(fmt.Sprintf("lines[%d].instalment", i), "credit applies to the latest instalments first; leave it 0", fmt.Sprint(l.Instalment))
				}
				if err := cn.UseCredit(o2c.NewID[Allocation](), t.id, t.number, in.Key, l.Amount, now); err != nil {
					return prefixField(fmt.Sprintf("lines[%d]", i), err)
				}
				cn.settlements[len(cn.settlements)-1].Fingerprint = fp
				out = append(out, cn.settlements[len(cn.settlements)-1].clone())
			}
			cnNumber = cn.number
			return nil
		})
		if errors.Is(err, errReplay) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, i := range byInvoice(len(in.Lines), func(i int) ID { return in.Lines[i].Invoice }) {
			l, st := in.Lines[i], out[i]
			if _, err := s.stores.Invoices.Update(ctx, l.Invoice, func(inv *Invoice) error {
				if err := inv.ApplyCredit(st.ID, in.CreditNote, cnNumber, l.Amount, now); err != nil {
					return err
				}
				return s.closeResidual(inv, l.CloseResidual, now)
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Refund pays part or all of a payment's unapplied credit back to the
// customer. The key makes it idempotent: a repeat of the same request
// returns the first refund; the key reused with another amount or
// reference is refused with o2c.ErrIdempotencyConflict. Errors as for
// [Payment.Refund].
func (s *Service) Refund(ctx context.Context, in RefundInput) (Refund, error) {
	now := s.clock.Now()
	var out Refund
	_, err := s.stores.Payments.Update(ctx, in.Payment, func(p *Payment) error {
		if r, ok := p.RefundByKey(in.Key); ok && in.Key != "" {
			if r.Fingerprint != "" && r.Fingerprint != refundFingerprint(p.id.String(), in.Amount, in.Reference) {
				return o2c.IdempotencyConflict("key", in.Key, "refund of this payment")
			}
			out = r
			return errReplay
		}
		var err error
		out, err = p.Refund(in.Key, in.Amount, in.Reference, now)
		return err
	})
	if err != nil && !errors.Is(err, errReplay) {
		return Refund{}, err
	}
	return out, nil
}

// RefundCredit pays part or all of a credit note's open credit back to
// the customer. The key (required) makes it idempotent. Errors as for
// [Invoice.RefundCredit].
func (s *Service) RefundCredit(ctx context.Context, in RefundCreditInput) (Settlement, error) {
	if err := checkText("key", in.Key, MaxRefLength, true); err != nil {
		return Settlement{}, err
	}
	now := s.clock.Now()
	var out Settlement
	_, err := s.stores.Invoices.Update(ctx, in.CreditNote, func(cn *Invoice) error {
		fp := refundFingerprint(cn.id.String(), in.Amount, in.Reference)
		if st, ok := cn.SettlementByKey(in.Key); ok {
			if st.Fingerprint != "" && st.Fingerprint != fp {
				return o2c.IdempotencyConflict("key", in.Key, "request on this credit note")
			}
			out = st
			return errReplay
		}
		if err := cn.RefundCredit(o2c.NewID[Allocation](), in.Reference, in.Key, in.Amount, now); err != nil {
			return err
		}
		cn.settlements[len(cn.settlements)-1].Fingerprint = fp
		out = cn.settlements[len(cn.settlements)-1].clone()
		return nil
	})
	if err != nil && !errors.Is(err, errReplay) {
		return Settlement{}, err
	}
	return out, nil
}

// ReverseAllocation reverses one allocation of a payment (a wrong
// allocation): its amount is unapplied on the payment again and open on
// the invoice, which reopens. Reversing it again changes nothing.
func (s *Service) ReverseAllocation(ctx context.Context, payment PaymentID, allocation AllocationID, reason string) error {
	now := s.clock.Now()
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		var a Allocation
		_, err := s.stores.Payments.Update(ctx, payment, func(p *Payment) error {
			var changed bool
			var err error
			a, changed, err = p.ReverseAllocation(allocation, reason, now)
			if err == nil && !changed {
				return errReplay
			}
			return err
		})
		if errors.Is(err, errReplay) {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = s.stores.Invoices.Update(ctx, a.Invoice, func(inv *Invoice) error {
			_, err := inv.ReverseSettlement(a.ID, reason, now)
			return err
		})
		return err
	})
}

// ReversePayment reverses a bounced payment: every active allocation is
// reversed and the invoices reopen, in one transaction (the payment, then
// the invoices in ID order). The payment keeps no unapplied credit.
// Reversing it again changes nothing. A written-off invoice among the
// allocations refuses the reversal with a *o2c.TransitionError.
func (s *Service) ReversePayment(ctx context.Context, payment PaymentID, reason string) error {
	now := s.clock.Now()
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		var reversed []Allocation
		_, err := s.stores.Payments.Update(ctx, payment, func(p *Payment) error {
			if p.reversed {
				return errReplay
			}
			var err error
			reversed, err = p.Reverse(reason, now)
			return err
		})
		if errors.Is(err, errReplay) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, i := range byInvoice(len(reversed), func(i int) ID { return reversed[i].Invoice }) {
			a := reversed[i]
			if _, err := s.stores.Invoices.Update(ctx, a.Invoice, func(inv *Invoice) error {
				_, err := inv.ReverseSettlement(a.ID, reason, now)
				return err
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteOffResidual writes off what is left open on an invoice when it is
// within the service's tolerance (see [Invoice.WriteOffResidual]).
func (s *Service) WriteOffResidual(ctx context.Context, id ID, reason string) (*Invoice, error) {
	now := s.clock.Now()
	return s.stores.Invoices.Update(ctx, id, func(inv *Invoice) error {
		return inv.WriteOffResidual(o2c.NewID[Allocation](), s.tol, reason, now)
	})
}

// WriteOff writes an invoice's open amount off as a loss, with a reason
// and an approver (see [Invoice.WriteOff]).
func (s *Service) WriteOff(ctx context.Context, id ID, reason, approver string) (*Invoice, error) {
	now := s.clock.Now()
	return s.stores.Invoices.Update(ctx, id, func(inv *Invoice) error { return inv.WriteOff(reason, approver, now) })
}

// OpenDispute opens a dispute on an invoice (see [Invoice.OpenDispute]).
func (s *Service) OpenDispute(ctx context.Context, id ID, in DisputeInput) (Dispute, error) {
	now := s.clock.Now()
	var d Dispute
	_, err := s.stores.Invoices.Update(ctx, id, func(inv *Invoice) error {
		var err error
		d, err = inv.OpenDispute(in, now)
		return err
	})
	return d, err
}

// AddDisputeNote adds a note to an open dispute's timeline.
func (s *Service) AddDisputeNote(ctx context.Context, id ID, dispute DisputeID, actor, note string) error {
	now := s.clock.Now()
	_, err := s.stores.Invoices.Update(ctx, id, func(inv *Invoice) error { return inv.AddDisputeNote(dispute, actor, note, now) })
	return err
}

// ResolveDispute closes a dispute in one transaction: with credit lines, a
// credit note is issued for them (numbered, registered against the
// invoice's credit limit) and the dispute is credited up to its amount;
// the rest of the disputed amount is rejected. The credit is applied to
// the invoice; what exceeds its open amount stays on the credit note. It
// returns the credit note, or nil when the whole dispute was rejected.
func (s *Service) ResolveDispute(ctx context.Context, id ID, dispute DisputeID, r Resolution) (*Invoice, error) {
	now := s.clock.Now()
	date := s.today(now, r.Date)
	var cn *Invoice
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		cn = nil
		_, err := s.stores.Invoices.Update(ctx, id, func(inv *Invoice) error {
			d, err := inv.Dispute(dispute)
			if err != nil {
				return err
			}
			credited := o2c.Zero(inv.Currency())
			if len(r.CreditLines) > 0 {
				reason := r.Note
				if reason == "" {
					reason = "Dispute resolved: " + string(d.Reason)
				}
				if cn, err = NewCreditNote(inv, r.CreditLines, reason, "", now); err != nil {
					return err
				}
				credited, _ = cn.Gross().Min(d.Amount)
			}
			var cnID ID
			if cn != nil {
				cnID = cn.id
			}
			if err := inv.ResolveDispute(dispute, credited, cnID, r.Actor, r.Note, now); err != nil {
				return err
			}
			if cn == nil {
				return nil
			}
			return s.credit(ctx, inv, cn, "", dispute, date, now)
		})
		if err != nil || cn == nil {
			return err
		}
		return s.stores.Invoices.Create(ctx, cn)
	})
	if err != nil {
		return nil, err
	}
	return cn, nil
}

// Position is a customer's position in one currency, as credit control
// and dunning read it.
type Position struct {
	Currency o2c.Currency
	// Receivable is open on invoices and deposit invoices, disputed part included.
	Receivable o2c.Money
	// Disputed is the part of Receivable under open disputes.
	Disputed o2c.Money
	// Credit is open credit on credit notes.
	Credit o2c.Money
	// Unapplied is payment credit not yet allocated or refunded.
	Unapplied o2c.Money
}

// Net returns Receivable less Credit and Unapplied: what the customer owes
// on balance (negative when the customer is in credit).
func (p Position) Net() o2c.Money {
	n, _ := p.Receivable.Sub(p.Credit)
	n, _ = n.Sub(p.Unapplied)
	return n
}

// Collectible returns Net less Disputed: what dunning may chase and credit
// exposure counts.
func (p Position) Collectible() o2c.Money {
	c, _ := p.Net().Sub(p.Disputed)
	return c
}

// Position returns the customer's positions, one per currency in code order.
func (s *Service) Position(ctx context.Context, customer o2c.CustomerID) ([]Position, error) {
	var out []Position
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		bals, err := s.stores.Invoices.Balances(ctx, customer)
		if err != nil {
			return err
		}
		unapplied, err := s.stores.Payments.Unapplied(ctx, customer)
		if err != nil {
			return err
		}
		by := map[o2c.Currency]*Position{}
		get := func(c o2c.Currency) *Position {
			if by[c] == nil {
				z := o2c.Zero(c)
				by[c] = &Position{Currency: c, Receivable: z, Disputed: z, Credit: z, Unapplied: z}
			}
			return by[c]
		}
		for _, b := range bals {
			p := get(b.Currency)
			p.Receivable, p.Disputed, p.Credit = b.Receivable, b.Disputed, b.Credit
		}
		for _, u := range unapplied {
			get(u.Currency()).Unapplied = u
		}
		out = out[:0]
		for _, p := range by {
			out = append(out, *p)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Currency.Code() < out[j].Currency.Code() })
		return nil
	})
	return out, err
}
