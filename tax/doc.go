// Package tax is the totals engine shared by orders and invoices: line net
// amounts, the tax breakdown by category and rate, and the document totals,
// under a named [RoundingPolicy]. Orders and invoices both compute their
// figures with [Compute], so an invoice that bills an order's lines at the
// order's policy shows the same totals, to the cent.
//
// The computation, for a document in currency C with minor unit u:
//
//  1. Each line's net amount is quantity × unit price × (100 − discount %)
//     / 100, computed exactly, then rounded to u with the policy's
//     [o2c.RoundingMode]. Line nets are always rounded (EN 16931 rule
//     BR-DEC-23: a line net amount has at most two decimals), so the
//     document net is the plain sum of the line nets, with nothing lost.
//  2. Lines are grouped by (tax category, rate). A group's taxable base is
//     the sum of its line nets.
//  3. The tax of a group depends on [RoundingPolicy.Method]. Under
//     [PerDocument] (the default, and EN 16931's rule BR-CO-17) the
//     group's tax is base × rate / 100 rounded once; each line's share of
//     it is spread by cumulative rounding (line i gets round(sum of the
//     exact taxes of lines 1..i) − round(sum of lines 1..i−1)), so the
//     line taxes add up to the group's tax exactly and each is within one
//     minor unit of its exact value under the nearest modes (two under the
//     directed ones). Under [PerLine] each line's tax is its net × rate /
//     100 rounded, and the group's tax is the sum of its lines' taxes.
//  4. The document net is the sum of the bases, its tax the sum of the
//     groups' taxes, its gross net + tax. Each line's gross is its net plus
//     its tax, so line grosses add up to the document gross.
//
// Every amount in [Totals] is rounded to the currency's minor unit, and
// every sum holds exactly: line nets to the net, line taxes and group
// taxes to the tax, line grosses to the gross. Nothing is ever divided, so
// no precision is lost before the named rounding points.
//
// Tax categories are the EN 16931 VAT category codes (UNTDID 5305 subset):
// [Standard] "S", [ZeroRated] "Z", [Exempt] "E", [ReverseCharge] "AE",
// [IntraCommunity] "K", [Export] "G", [OutOfScope] "O", and the Canary
// Islands "L" and Ceuta and Melilla "M" regimes.
package tax
