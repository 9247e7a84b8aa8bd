// Package risk is receivables risk and finance for the order-to-cash
// cycle, computed over the SDK's recorded history: it sits above credit,
// dunning, matching and report (tier 4) and reads their types, never the
// other way round. Its parts are subpackages:
//
//   - [github.com/cashcycle/sdk/risk/provision]: the IFRS 9 simplified
//     provision matrix from roll rates, and the French specific provision
//     on doubtful debts with its movement between closings.
//   - [github.com/cashcycle/sdk/risk/cashimpact]: the cash tied up by
//     receivables and what a DSO change frees, by customer and cause.
//   - [github.com/cashcycle/sdk/risk/postmortem]: the reconstructed timeline
//     of a default and the internal causes found in it, ranked, and which
//     causes recur over a period's defaults.
//   - [github.com/cashcycle/sdk/risk/factoring]: factoring contracts, the
//     eligible portfolio, assignment schedules (bordereaux) as CSV and
//     JSON, advance, reserve and commission.
//   - [github.com/cashcycle/sdk/risk/insurance]: credit-insurance covers,
//     the limit they allow (wired into credit's limit check), the
//     insurer's deadlines as dated tasks on business-day calendars, insured
//     vs uninsured exposure.
//   - [github.com/cashcycle/sdk/risk/backtest]: replaying recorded credit
//     decisions under another credit policy (orders held, revenue delayed,
//     loss avoided), with the replay's assumptions.
//   - [github.com/cashcycle/sdk/risk/riskstore]: covers, insurer tasks,
//     factoring contracts and assignments, provision closings, written
//     once on the storage kernel (memory, SQLite, PostgreSQL).
//
// Computations are pure functions (inputs and a date in, values out);
// state that must be kept (covers, contracts, assignments, closings,
// tasks) lives in small stores.
package risk
