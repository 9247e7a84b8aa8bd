// Package cycle wires the order-to-cash domains together for users who want
// the whole cycle rather than one package at a time. Each domain stays
// usable on its own; cycle only plugs the implementation of one into the
// small interface another owns.
//
// [OrderBilling] lets invoicing bill what orders delivered: it implements
// invoice.BillingSource over an order.Service, so invoice.Service's
// BillDelivered reads the delivered, not yet invoiced quantities of an
// order and marks them invoiced in the transaction that creates the
// invoice. A quantity is never billed twice, even by concurrent billings.
package cycle
