// Package dunning collects overdue receivables: plans of reminder levels as
// data, a pure scheduler that proposes which letter each customer is due,
// runs that write those letters idempotently into the outbox, letters
// rendered from templates in French and English (up to the French formal
// notice, the "mise en demeure"), delivery through a consumer-owned
// [Notifier], and the dunning history of each customer.
//
// The parts, from the inside out:
//
//   - [Plan] and [Level] describe a dunning procedure; [PlanFrance] and
//     [PlanEnglish] are presets. A [PlanBook] assigns plans per customer,
//     risk class or segment (that precedence), with a default.
//   - [Propose] is the scheduler: open items, unapplied credit, promises to
//     pay, blocks, history, the tenant's calendar and an as-of date in, a
//     [Proposal] out. It reads no clock and no store.
//   - [Service] loads the inputs from the stores, proposes (a dry run),
//     executes a proposal (one transaction per batch of letters: the run,
//     the history entries and the outbox events together, each letter
//     keyed tenant/date/customer/currency/level so that executing the same
//     day twice writes nothing new), and delivers pending letters through
//     the [Notifier] at least once with that key.
//   - [Templates] render a [LetterData] into a [Letter] (text/template for
//     text, html/template for HTML); the host overrides any of them.
//   - [Store] keeps runs, history, promises, blocks and plan assignments;
//     the adapters implement it and prove it with
//     [github.com/cashcycle/sdk/dunning/dunningtest].
package dunning
