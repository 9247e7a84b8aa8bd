package cycle

import (
	"context"
	"errors"
	"fmt"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// ErrUnknownTerms is matched (errors.Is) by a [*UnknownTermsError]: an
// order or a customer names a payment-terms code the cycle does not know.
var ErrUnknownTerms = errors.New("cycle: unknown payment terms")

// TermsSource says where the payment terms of a billed order came from.
type TermsSource string

// Sources of payment terms, in the order they are tried.
const (
	// TermsFromOrder: the order names a terms code.
	TermsFromOrder TermsSource = "order"
	// TermsFromCustomer: the order names none and the customer master's
	// default payment terms apply.
	TermsFromCustomer TermsSource = "customer"
	// TermsFromDefault: neither names one; Invoicing.DefaultTerms apply.
	TermsFromDefault TermsSource = "default"
)

// UnknownTermsError is a payment-terms code that is neither a key of
// Invoicing.Terms nor the code of Invoicing.DefaultTerms. Nothing is billed.
// It matches [ErrUnknownTerms] and o2c.ErrValidation.
type UnknownTermsError struct {
	Code   string
	Source TermsSource // TermsFromOrder or TermsFromCustomer
	Order  order.ID
}

func (e *UnknownTermsError) Error() string {
	return fmt.Sprintf("cycle: order %s: unknown payment terms %q (from the %s)", e.Order, e.Code, e.Source)
}

// Is matches ErrUnknownTerms and o2c.ErrValidation.
func (e *UnknownTermsError) Is(target error) bool {
	return target == ErrUnknownTerms || target == o2c.ErrValidation
}

// TermsChoice is the payment terms an order is billed with and how they were
// chosen.
type TermsChoice struct {
	Terms  invoice.Terms
	Source TermsSource
	// OrderCode and CustomerCode are the codes the order and the customer
	// master name ("" when none).
	OrderCode, CustomerCode string
	// Mismatch is set when both name terms and the codes differ: the order's
	// terms are billed and the difference is reported (see
	// [EventTermsMismatch]).
	Mismatch bool
}

// EventTermsMismatch is the type of the outbox event appended, in the
// transaction that bills it, for an invoice whose order names payment terms
// other than the customer master's default. Its aggregate is the invoice
// and its payload a [TermsMismatch].
const EventTermsMismatch = "cycle.terms_mismatch"

// TermsMismatch is the payload of [EventTermsMismatch].
type TermsMismatch struct {
	Invoice       string         `json:"invoice"` // invoice ID
	Number        string         `json:"number"`  // invoice number
	Order         string         `json:"order"`   // order ID
	Customer      o2c.CustomerID `json:"customer"`
	OrderTerms    string         `json:"order_terms"`    // billed
	CustomerTerms string         `json:"customer_terms"` // the master's default
}

// lookupTerms finds a code in Invoicing.Terms, then as DefaultTerms' code.
func (c *Cycle) lookupTerms(code string) (invoice.Terms, bool) {
	if t, ok := c.invoicing.Terms[code]; ok {
		return t, true
	}
	if c.invoicing.DefaultTerms.Code == code {
		return c.invoicing.DefaultTerms, true
	}
	return invoice.Terms{}, false
}

// Terms returns the payment terms o is billed with: the order's code, else
// the customer master's default payment terms, else Invoicing.DefaultTerms.
// A code found neither in Invoicing.Terms nor as Invoicing.DefaultTerms'
// code is a *UnknownTermsError. When the order and the customer both name
// terms and they differ, the order's terms win and Mismatch is set.
func (c *Cycle) Terms(ctx context.Context, o *order.Order) (TermsChoice, error) {
	ch := TermsChoice{OrderCode: o.PaymentTerms()}
	cu, err := c.stores.Customers().Get(ctx, o.Customer())
	switch {
	case err == nil:
		ch.CustomerCode = cu.DefaultPaymentTerms
	case errors.Is(err, o2c.ErrNotFound):
		// no master record: no default to apply or compare
	default:
		return TermsChoice{}, err
	}
	code, src := ch.OrderCode, TermsFromOrder
	if code == "" {
		code, src = ch.CustomerCode, TermsFromCustomer
	}
	if code == "" {
		ch.Terms, ch.Source = c.invoicing.DefaultTerms, TermsFromDefault
		return ch, nil
	}
	t, ok := c.lookupTerms(code)
	if !ok {
		return TermsChoice{}, &UnknownTermsError{Code: code, Source: src, Order: o.ID()}
	}
	ch.Terms, ch.Source = t, src
	ch.Mismatch = ch.OrderCode != "" && ch.CustomerCode != "" && ch.OrderCode != ch.CustomerCode
	return ch, nil
}
