package collect

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Invoicing is what collect needs from invoicing; *invoice.Service
// satisfies it. Every payment, reversal, refund and dispute goes through
// it, so collected money is booked like any other payment.
type Invoicing interface {
	Get(ctx context.Context, id invoice.ID) (*invoice.Invoice, error)
	GetPayment(ctx context.Context, id invoice.PaymentID) (*invoice.Payment, error)
	RecordPayment(ctx context.Context, in invoice.PaymentInput) (*invoice.Payment, error)
	Allocate(ctx context.Context, in invoice.AllocateInput) ([]invoice.Allocation, error)
	ReverseAllocation(ctx context.Context, payment invoice.PaymentID, allocation invoice.AllocationID, reason string) error
	ReversePayment(ctx context.Context, payment invoice.PaymentID, reason string) error
	Refund(ctx context.Context, in invoice.RefundInput) (invoice.Refund, error)
	OpenDispute(ctx context.Context, id invoice.ID, in invoice.DisputeInput) (invoice.Dispute, error)
	CreateInvoice(ctx context.Context, d invoice.Draft) (*invoice.Invoice, error)
	Issue(ctx context.Context, id invoice.ID, date o2c.Date) (*invoice.Invoice, error)
}

var _ Invoicing = (*invoice.Service)(nil)

// IntakeOptions configure [Intake].
type IntakeOptions struct {
	Store     Store
	Tx        o2c.Transactor
	Invoicing Invoicing
	// Links verify the pay-link token a payment carries.
	Links *PayLinks
	Clock o2c.Clock
}

// Intake applies payment-provider events through invoicing, once each.
type Intake struct {
	opts IntakeOptions
}

// NewIntake checks opts and returns the intake.
func NewIntake(opts IntakeOptions) (*Intake, error) {
	switch {
	case opts.Store == nil:
		return nil, o2c.NewValidationError("store", "is required")
	case opts.Tx == nil:
		return nil, o2c.NewValidationError("tx", "is required")
	case opts.Invoicing == nil:
		return nil, o2c.NewValidationError("invoicing", "is required")
	case opts.Links == nil:
		return nil, o2c.NewValidationError("links", "is required")
	case opts.Links.Tenant() != opts.Store.TenantID():
		return nil, o2c.NewValidationError("links", "must be for the store's tenant")
	}
	opts.Clock = o2c.ClockOrSystem(opts.Clock)
	return &Intake{opts: opts}, nil
}

// ErrUnknownPayment: a refund or dispute names a payment this tenant did
// not book through a pay link.
var ErrUnknownPayment = errors.New("collect: refund or dispute of an unknown payment")

// Receive applies e in one transaction, at most once per e.Key():
//
//   - PaymentSucceeded: the token is verified as of e.Occurred (a payment
//     made while the link was valid counts even if notified later), the
//     payment recorded (key "psp:<provider>:<payment>", method e.Method or
//     card) and allocated to the link's due lines, oldest first, up to what
//     each still has open and undisputed; any excess stays unapplied
//     credit on the customer. The use of the link is recorded.
//   - PaymentFailed: recorded, nothing booked.
//   - PaymentRefunded: allocations of the payment are reversed, latest
//     first, until its unapplied credit covers the refund, the refund is
//     booked with invoice.Service.Refund under the refund's reference, and
//     what was reversed beyond it is allocated back to the same invoices:
//     a refund of 40.00 on a 240.00 invoice leaves it open for 40.00.
//   - PaymentDisputed: the same as a refund of the disputed amount (the
//     money left with the chargeback), and a dispute opened on the
//     reopened invoices for what the chargeback left open.
//
// A replayed event returns nil and changes nothing. Errors leave nothing
// written: a *TokenError, ErrUnknownPayment, *o2c.ValidationError, or
// invoicing's errors.
func (in *Intake) Receive(ctx context.Context, e ProviderEvent) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return in.opts.Tx.InTx(ctx, func(ctx context.Context) error {
		if _, err := in.opts.Store.GetEvent(ctx, e.Key()); err == nil {
			return nil
		} else if !errors.Is(err, o2c.ErrNotFound) {
			return err
		}
		var result string
		var err error
		switch e.Kind {
		case PaymentSucceeded:
			result, err = in.succeeded(ctx, e)
		case PaymentFailed:
			result = "failed: " + e.Reason
		case PaymentRefunded:
			result, err = in.takeBack(ctx, e, false)
		case PaymentDisputed:
			result, err = in.takeBack(ctx, e, true)
		}
		if err != nil {
			return err
		}
		return in.opts.Store.RecordEvent(ctx, &ProcessedEvent{Key: e.Key(), Tenant: in.opts.Store.TenantID(), Kind: e.Kind,
			Payment: e.Payment, Applied: in.opts.Clock.Now(), Result: result})
	})
}

func (in *Intake) succeeded(ctx context.Context, e ProviderEvent) (string, error) {
	c, err := in.opts.Links.opts.Keys.Verify(e.Token, in.opts.Store.TenantID(), e.Occurred)
	if err != nil {
		return "", err
	}
	if e.Amount.Currency() != c.Amount.Currency() {
		return "", &o2c.CurrencyMismatchError{Op: "pay link " + c.Nonce, Left: c.Amount.Currency(), Right: e.Amount.Currency()}
	}
	method := e.Method
	if method == "" {
		method = invoice.MethodCard
	}
	p, err := in.opts.Invoicing.RecordPayment(ctx, invoice.PaymentInput{Customer: c.Customer, Amount: e.Amount,
		ValueDate: o2c.DateOf(e.Occurred), Method: method, PayerReference: e.Provider + " " + e.Payment, IdempotencyKey: e.PaymentKey()})
	if err != nil {
		return "", err
	}
	owed, err := in.opts.Links.owed(ctx, c)
	if err != nil {
		return "", err
	}
	left := e.Amount
	var lines []invoice.AllocationLine
	sort.SliceStable(owed.Lines, func(i, j int) bool { return owed.Lines[i].DueDate.Before(owed.Lines[j].DueDate) })
	for _, l := range owed.Lines {
		u, err := l.Open.Sub(l.Disputed)
		if err != nil || !u.IsPositive() || !left.IsPositive() {
			continue
		}
		take, _ := u.Min(left)
		lines = append(lines, invoice.AllocationLine{Invoice: l.Invoice, Instalment: l.Seq, Amount: take})
		left, _ = left.Sub(take)
	}
	if len(lines) > 0 {
		if _, err := in.opts.Invoicing.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: e.PaymentKey(), Lines: lines}); err != nil {
			return "", err
		}
	}
	if err := in.opts.Store.RecordLinkUse(ctx, &LinkUse{Key: e.PaymentKey(), Tenant: in.opts.Store.TenantID(), Nonce: c.Nonce,
		Customer: c.Customer, Payment: p.ID(), Amount: e.Amount, At: in.opts.Clock.Now()}); err != nil && !errors.Is(err, o2c.ErrConflict) {
		return "", err
	}
	return fmt.Sprintf("payment %s, %d allocation(s), unapplied %s", p.ID(), len(lines), left), nil
}

// takeBack books money that left with a refund or a chargeback.
func (in *Intake) takeBack(ctx context.Context, e ProviderEvent, dispute bool) (string, error) {
	use, err := in.opts.Store.GetLinkUse(ctx, e.PaymentKey())
	if errors.Is(err, o2c.ErrNotFound) {
		return "", fmt.Errorf("%w: %s", ErrUnknownPayment, e.PaymentKey())
	}
	if err != nil {
		return "", err
	}
	p, err := in.opts.Invoicing.GetPayment(ctx, use.Payment)
	if err != nil {
		return "", err
	}
	what := "refund " + e.Reference
	if dispute {
		what = "chargeback " + e.Reference
		if e.Reason != "" {
			what += " (" + e.Reason + ")"
		}
	}
	reopened := map[invoice.ID]o2c.Money{}
	var order []invoice.ID
	allocs := p.Allocations()
	for i := len(allocs) - 1; i >= 0; i-- {
		if short, _ := p.Unapplied().LessThan(e.Amount); !short {
			break
		}
		a := allocs[i]
		if a.Reversed {
			continue
		}
		if err := in.opts.Invoicing.ReverseAllocation(ctx, p.ID(), a.ID, what); err != nil {
			return "", err
		}
		if _, seen := reopened[a.Invoice]; !seen {
			order = append(order, a.Invoice)
			reopened[a.Invoice] = o2c.Zero(a.Amount.Currency())
		}
		reopened[a.Invoice], _ = reopened[a.Invoice].Add(a.Amount)
		if p, err = in.opts.Invoicing.GetPayment(ctx, p.ID()); err != nil {
			return "", err
		}
	}
	r, err := in.opts.Invoicing.Refund(ctx, invoice.RefundInput{Payment: p.ID(), Key: "psp:" + e.Provider + ":" + e.Reference, Amount: e.Amount, Reference: what})
	if err != nil {
		return "", err
	}
	// what was reversed beyond the refund goes back to the same invoices
	if p, err = in.opts.Invoicing.GetPayment(ctx, p.ID()); err != nil {
		return "", err
	}
	left := p.Unapplied()
	var lines []invoice.AllocationLine
	for _, id := range order {
		if !left.IsPositive() {
			break
		}
		inv, err := in.opts.Invoicing.Get(ctx, id)
		if err != nil {
			return "", err
		}
		u, _ := inv.Open().Sub(inv.Disputed())
		amt, _ := u.Min(left)
		amt, _ = amt.Min(reopened[id])
		if amt.IsPositive() {
			lines = append(lines, invoice.AllocationLine{Invoice: id, Amount: amt})
			left, _ = left.Sub(amt)
		}
	}
	if len(lines) > 0 {
		if _, err := in.opts.Invoicing.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "psp:" + e.Provider + ":" + e.Reference + ":reapply", Lines: lines}); err != nil {
			return "", err
		}
	}
	if dispute {
		left := e.Amount
		for _, id := range order {
			inv, err := in.opts.Invoicing.Get(ctx, id)
			if err != nil {
				return "", err
			}
			u, _ := inv.Open().Sub(inv.Disputed())
			amt, _ := u.Min(left)
			if !amt.IsPositive() {
				continue
			}
			if _, err := in.opts.Invoicing.OpenDispute(ctx, id, invoice.DisputeInput{Amount: amt, Reason: invoice.ReasonOther,
				Notes: what, Actor: "payment provider " + e.Provider}); err != nil {
				return "", err
			}
			left, _ = left.Sub(amt)
		}
	}
	return fmt.Sprintf("%s: refund %s, %d invoice(s) reopened", what, r.ID, len(order)), nil
}
