package cycle

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// OrderBilling implements invoice.BillingSource over an order service.
// Order references are order IDs in their text form; order line
// references are line numbers ("1", "2", ...).
//
// Both methods join the transaction carried by ctx, so the order store and
// the invoice stores must come from the same adapter (the same memory.DB or
// sql.DB) for the invoice and the "invoiced" marks to commit together.
type OrderBilling struct {
	Orders *order.Service
}

var _ invoice.BillingSource = OrderBilling{}

func (b OrderBilling) orderID(ref string) (order.ID, error) {
	if b.Orders == nil {
		return order.ID{}, o2c.NewValidationError("orders", "is required")
	}
	id, err := o2c.ParseID[order.Order](ref)
	if err != nil {
		return order.ID{}, &o2c.ValidationError{Field: "order_ref", Rule: "must be an order ID", Value: ref}
	}
	return id, nil
}

// Billable implements invoice.BillingSource.
func (b OrderBilling) Billable(ctx context.Context, orderRef string) (invoice.BillableOrder, error) {
	id, err := b.orderID(orderRef)
	if err != nil {
		return invoice.BillableOrder{}, err
	}
	lines, o, err := b.Orders.Billable(ctx, id)
	if err != nil {
		return invoice.BillableOrder{}, err
	}
	out := invoice.BillableOrder{
		OrderRef: orderRef,
		Customer: o.Customer(),
		Currency: o.Currency(),
		Rounding: o.Rounding(),
		Lines:    make([]invoice.BillableLine, 0, len(lines)),
	}
	for _, l := range lines {
		// An order line's description is optional, an invoice line's is
		// not (it is what the customer reads): the SKU stands in.
		desc := l.Description
		if desc == "" {
			desc = l.SKU
		}
		out.Lines = append(out.Lines, invoice.BillableLine{
			OrderLineRef:    strconv.Itoa(l.Line),
			SKU:             l.SKU,
			Description:     desc,
			Quantity:        l.Quantity,
			UnitPrice:       l.UnitPrice,
			DiscountPercent: l.DiscountPercent,
			TaxCategory:     l.TaxCategory,
			TaxRate:         l.TaxRate,
		})
	}
	return out, nil
}

// MarkInvoiced implements invoice.BillingSource. The order refuses to mark
// more than it delivered and has not yet invoiced, or to invoice at all in
// a state that allows no more invoicing; either refusal is returned
// wrapping invoice.ErrOverBilled (the order's error stays in the chain).
func (b OrderBilling) MarkInvoiced(ctx context.Context, orderRef, invoiceRef string, lines []invoice.BilledLine) error {
	id, err := b.orderID(orderRef)
	if err != nil {
		return err
	}
	qs := make([]order.LineQuantity, 0, len(lines))
	for _, l := range lines {
		n, err := strconv.Atoi(l.OrderLineRef)
		if err != nil {
			return &o2c.ValidationError{Field: "order_line_ref", Rule: "must be an order line number", Value: l.OrderLineRef}
		}
		qs = append(qs, order.LineQuantity{Line: n, Quantity: l.Quantity})
	}
	if _, err := b.Orders.MarkInvoiced(ctx, id, invoiceRef, qs...); err != nil {
		// More than is left to bill, or an order that can no longer be
		// invoiced because a concurrent billing completed it: either way
		// these quantities are not billable, and the billing must roll back.
		if errors.Is(err, order.ErrQuantityExceeded) || errors.Is(err, o2c.ErrInvalidTransition) {
			return fmt.Errorf("%w: %w", invoice.ErrOverBilled, err)
		}
		return err
	}
	return nil
}
