// Package provision computes provisions on receivables as pure functions
// over their history (report.Item): the IFRS 9 simplified approach's
// provision matrix, with loss rates per aging bucket estimated from the
// tenant's own roll rates ([RollRateMatrix], [Matrix.Apply]), and the
// French specific provision on doubtful debts on the amount excluding VAT
// per customer ([Doubtful]) with its movement from one closing to the next
// ([Move]: allowance, reversal, used on write-off) and the journal lines
// it calls for ([Movement.Entry]: 6817/491, 491/7817).
//
// Nothing here reads a clock or a store. Rates are decimals between 0 and
// 1; amounts are o2c.Money, rounded half up to the currency's minor unit
// once per bucket (matrix) or per customer (specific provision).
package provision
