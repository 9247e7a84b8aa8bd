// Package report computes receivables reports as pure functions over open
// items and their history: aging as of any date, days sales outstanding
// (countback and simple), best possible DSO, average days delinquent, the
// collection effectiveness index, dispute statistics by reason code and a
// cash-in forecast. Nothing here reads a clock or a store: inputs and an
// asOf date in, values out.
//
// # Input
//
// Reports work on [Item]s: an invoice or deposit invoice with its gross,
// dates and the dated [Movement]s that reduced its open amount (payments,
// credit notes, write-offs), plus its disputes. [ItemsFromInvoices] builds
// them from invoice.Invoice documents. The open amount as of a date is
// the gross less the movements dated on or before that date that were not
// reversed on or before it; an item issued after the date does not exist
// yet and is left out. That is what makes every report reproducible for
// any past date. Credit notes are not items: their effect is the credit
// movement on the invoice they settle.
//
// # Currencies
//
// Amounts in different currencies are never added. Every report is given
// per currency, sorted by currency code; converting to one reporting
// currency is the caller's choice, at the caller's rate. An item whose
// movements are in another currency than its own is refused with a
// *o2c.CurrencyMismatchError.
//
// # Formulas and rounding
//
// Amounts are exact decimals (sums of the inputs, never rounded). Ratios
// are computed with 16 fractional digits and rounded once, at the end, to
// [RatioDigits] (2) decimals with o2c.RoundHalfUp.
//
//   - Simple DSO for a period = receivables at the period's end / credit
//     sales issued in the period × days in the period.
//   - Countback DSO as of a date: start from the receivables at that date
//     and walk back month by month (the month ending on asOf, then the one
//     before, ...); while the remainder is at least a month's credit sales,
//     add that month's days and subtract its sales; then add the
//     remainder / that month's sales × its days and stop.
//   - Best possible DSO = current (not yet due) receivables at the period's
//     end / credit sales × days in the period.
//   - Average days delinquent = DSO − best possible DSO, from the two
//     rounded figures, so that the three printed numbers add up.
//   - CEI for a period = (opening receivables + credit sales − closing
//     total receivables) / (opening receivables + credit sales − closing
//     current receivables) × 100. Opening receivables are those at the end
//     of the day before the period starts.
//
// A ratio with a zero denominator is an error matching [ErrUndefined].
//
// # Pushing work to a store
//
// [AgingSource] is the interface a store implements to age receivables
// where they live (the SQL adapter sums open amounts per bucket in the
// database); the pure [AgingOf] is the reference it must agree with.
package report
