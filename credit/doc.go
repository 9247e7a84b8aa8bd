// Package credit is credit management for the order-to-cash cycle: a
// credit profile per customer (limit, risk class, review date, block,
// credit insurance, group limits), exposure by category (open orders,
// delivered but not invoiced, open receivables, less disputed amounts)
// converted into the limit's currency, credit checks at configurable
// points with approve-or-hold decisions that carry their figures, and an
// explainable scorecard (pure functions) that recommends a risk class and
// a limit.
//
// Exposure comes from either of two [Source]s that give the same figures:
// [StoreSource] recomputes a customer from the order and invoice stores;
// a [Tracker] is kept up to date from the events orders and invoices
// raise (feed it the outbox). [Checker] implements order.CreditChecker, so
// order.Service checks orders as they are placed or amended; [Checker.Recheck]
// checks again at release for shipment or delivery and releases a hold
// that no longer applies.
//
// Package credit sits in tier 3: it reads order and invoice but they never
// import it. Stores (profiles, group limits, releases) are behind [Store];
// adapters/memory and adapters/sqlstore implement it and pass
// [github.com/cashcycle/sdk/credit/credittest.RunStoreTests].
// docs/credit.md describes the categories, check points and scorecard
// defaults.
package credit
