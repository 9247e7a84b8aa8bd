// Package invoice holds invoices and credit notes and everything that
// decides when and how much a customer owes and what they paid: payment
// terms and due dates, instalment schedules, early-payment discounts,
// business-day calendars and statutory limits on payment periods; the
// invoice aggregate and its state machine; gapless numbering; payments and
// their allocation; disputes; late-payment interest and recovery fees.
//
// # Pure parts
//
// The payment-terms engine (terms.go, calendar.go) and late-payment
// charges (latefees.go) are pure functions: an invoice date and some
// [Terms] in, a due date or a schedule out. They read no clock, touch no
// store and need no context, so they can be called anywhere, including
// inside a store transaction.
//
// # Documents
//
// [Invoice] is the aggregate for invoices, credit notes and deposit
// invoices ([Kind]). A draft ([NewDraft]) is priced by the shared totals
// engine ([github.com/cashcycle/sdk/tax]), so an invoice that bills an
// order's lines under the order's rounding policy shows the order's
// figures to the cent. [Invoice.Issue] numbers it and makes it immutable;
// corrections are credit notes ([NewCreditNote]) referencing it, and all
// credit notes together never credit more than it invoiced
// ([ErrOverCredit]). Its state follows one declarative table,
// [Transitions], driven through looplab/fsm (see docs/invoice-states.md):
// draft, issued, partially paid, paid, disputed (all or part of the open
// amount), written off (with a reason and an approver), and settled by
// credit, which only credit notes reach (the invoice is not annulled: the
// credit notes are its settlement). Every method either applies completely
// or returns a typed error and leaves the invoice unchanged; each records
// the domain events ([EventIssued], [EventPaymentApplied], [EventPaid],
// [EventDisputed], [EventWrittenOff], [EventCreditNoteIssued], ...) that the
// store writes in the same transaction. Stores persist it through
// [Invoice.Snapshot] and [FromSnapshot].
//
// # Money received
//
// A [Payment] is recorded once per idempotency key, allocated to one or
// many invoices and instalments, refunded, or reversed when it bounces;
// what is neither allocated nor refunded is unapplied credit on the
// customer. Disputes ([Dispute]) hold part of an invoice out of what
// payments, dunning and credit exposure count ([Invoice.Disputed],
// [OpenItem.Disputed], [Balance.Disputed]) until resolved by credit note,
// rejected, or partly both; each keeps its timeline.
//
// # Service and stores
//
// [Service] runs every operation that spans records (issue with a number,
// credit, bill an order's deliveries, allocate, reverse, resolve a
// dispute) in one transaction of an [o2c.Transactor] across the stores it
// is given ([Store], [PaymentStore], [NumberStore]). The stores are
// interfaces this package owns; adapters/memory and adapters/sqlstore implement
// them and pass the conformance suite in
// [github.com/cashcycle/sdk/invoice/invoicetest]. Orders reach invoicing
// only through [BillingSource], which the composition package implements.
//
// Errors: bad input is a *[o2c.ValidationError]; amounts in two currencies
// a *[o2c.CurrencyMismatchError]; a move the state table forbids
// (allocating to a draft, paid or settled-by-credit invoice, issuing twice) a
// *[o2c.TransitionError]; an amount beyond a limit an *[AmountError]
// matching [ErrOverAllocation], [ErrInsufficientFunds], [ErrOverCredit],
// [ErrOverDispute] or [ErrOutsideTolerance].
package invoice
