// Package order is the order aggregate of the order-to-cash cycle: what a
// customer ordered (lines with decimal quantities, unit prices, discounts
// and EN 16931 tax categories and rates), its totals under a named
// [tax.RoundingPolicy], its deposit requirement, its credit decision, its
// shipments, delivery confirmations and invoiced quantities, and the
// state machine that governs all of it.
//
// # State machine
//
// One declarative table ([Transitions]) drives a looplab/fsm machine;
// docs/order-states.md shows it as a Mermaid diagram produced by
// [MermaidDiagram] (a test keeps the two equal). In short:
//
//	draft -> placed -> (on_credit_hold <-> released | rejected) -> approved
//	  -> partially_shipped / shipped -> partially_delivered / delivered
//	  -> partially_invoiced / invoiced -> closed
//
// plus cancel (the whole order, before anything ships) and
// cancel_remaining (the backorders, after a partial shipment: the order
// then completes on what was shipped). Lines may be amended in draft and
// placed only; the [Service] credit-checks an amended placed order again.
// A [CreditChecker] (owned here, implemented by the credit package) decides
// on place and amend: approve, or hold with reason codes; a named user
// releases or rejects a hold with a note kept on the audit trail. An event
// not allowed in the current state is a *o2c.TransitionError naming both.
//
// # Quantities
//
// Shipments, delivery confirmations and invoices are recorded by line
// number and quantity, partial and repeated as needed, and never beyond
// what the stage allows: shipped <= ordered - cancelled, delivered <=
// shipped, invoiced <= delivered (a *[QuantityError] otherwise, and nothing
// changes). [Order.Billable] says what is delivered and not yet invoiced,
// the input of invoicing; [Order.MarkInvoiced] records an invoice,
// idempotently per invoice reference. [Order.Exposure] gives the open order
// and uninvoiced delivery values that credit exposure counts.
//
// # Persistence
//
// Orders are built by [New] (validating, every problem at once) and changed
// only through their methods, which change nothing on error. Stores keep
// the [Snapshot] as JSON and rebuild orders with [FromSnapshot]. Every
// transition raises an o2c.Event ("order.placed", "order.shipped", ...,
// payload [EventPayload]) that the store writes to the outbox in the
// transaction that saves the order. [Store] is implemented by
// adapters/memory and adapters/sqlstore, which all pass ordertest.RunStoreTests.
package order
