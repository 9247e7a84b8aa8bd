// Package cycle wires the order-to-cash domains together for users who want
// the whole cycle rather than one package at a time. Each domain stays
// usable on its own; cycle only plugs the implementation of one into the
// small interface another owns, and adds the few operations that span two
// domains in one transaction.
//
// [New] builds a [Cycle] from a tenant's [Stores] (an adapters/memory or
// adapters/sqlstore tenant handle satisfies the interface as it is), the
// adapter's o2c.Transactor, a dunning.Notifier, an o2c.Clock, an optional
// *slog.Logger and policies. It starts no goroutine. The wiring:
//
//   - Placing an order runs the credit check: a credit.Checker, reading
//     exposure from the stores (credit.StoreSource), is the order service's
//     CreditChecker; [Cycle.ReleaseOrder] releases a held order.
//   - Confirmed deliveries become invoices by the [InvoicingPolicy]:
//     [Cycle.ConfirmDelivery] confirms and bills in one transaction per
//     delivery ([BillPerDelivery]) or once the order is fully delivered
//     ([BillPerOrder]); under [BillPeriodic] the host calls [Cycle.BillDue].
//     Billing goes through [OrderBilling], so a quantity is never billed
//     twice. Payment terms come from the order's terms code.
//   - Payments arrive as bank statements: [Cycle.ReceiveStatement] imports,
//     matches and applies them through invoicing. A paid invoice is no
//     longer an open item, so exposure falls and the next dunning proposal
//     leaves it out.
//   - Disputes (invoice.Service.OpenDispute) take the disputed amount out
//     of exposure (unless credit.Rules.KeepDisputed) and out of what dunning
//     claims; an invoice disputed in full is not dunned.
//
// The sub-services (Orders, Invoices, Credit, Dunning, Matching) are
// exposed for everything else. The outbox that the services write to is
// delivered by the host (see package outbox); dunning letters go through
// the notifier when [Cycle.RunDunning] or dunning.Service.Deliver runs.
package cycle
