package report

import (
	"sort"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// DisputeStat is what disputes of one reason code in one currency amount
// to: the root causes of late payment.
type DisputeStat struct {
	Currency o2c.Currency
	Reason   invoice.ReasonCode
	// Count disputes opened in the period; Open of them still open at its end.
	Count, Open, Resolved int
	// Amount disputed in total; Credited: what credit notes credited on
	// the disputes resolved in the period.
	Amount, Credited o2c.Money
	// AvgDaysToResolve over the resolved disputes (opened to resolved, in
	// calendar days), rounded to RatioDigits (half up); zero when none.
	AvgDaysToResolve decimal.Decimal
	// CreditedShare is the percentage of resolved disputes closed with a
	// credit note (credited or partly credited), rounded to RatioDigits
	// (half up); zero when none is resolved.
	CreditedShare decimal.Decimal
}

// DisputeStats groups the disputes opened in p by currency and reason
// code, ordered by currency code, then disputed amount (largest first),
// then reason. A dispute resolved after p.To counts as open.
func DisputeStats(items []Item, p Period) ([]DisputeStat, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := validateItems(items); err != nil {
		return nil, err
	}
	type key struct {
		cur    o2c.Currency
		reason invoice.ReasonCode
	}
	type accum struct {
		count, open, resolved, credited int
		amount, creditedAmt             decimal.Decimal
		days                            int64
	}
	accs := map[key]*accum{}
	for i := range items {
		it := &items[i]
		for _, d := range it.Disputes {
			if !p.contains(d.Opened) {
				continue
			}
			k := key{it.Currency, d.Reason}
			a := accs[k]
			if a == nil {
				a = &accum{}
				accs[k] = a
			}
			a.count++
			a.amount = a.amount.Add(d.Amount.Amount())
			if d.Resolved.IsZero() || d.Resolved.After(p.To) {
				a.open++
				continue
			}
			a.resolved++
			a.days += int64(d.Opened.DaysUntil(d.Resolved))
			if d.Credited.IsPositive() {
				a.credited++
				a.creditedAmt = a.creditedAmt.Add(d.Credited.Amount())
			}
		}
	}
	out := make([]DisputeStat, 0, len(accs))
	for k, a := range accs {
		s := DisputeStat{Currency: k.cur, Reason: k.reason, Count: a.count, Open: a.open, Resolved: a.resolved,
			Amount: money(a.amount, k.cur), Credited: money(a.creditedAmt, k.cur)}
		if a.resolved > 0 {
			n := decimal.NewFromInt(int64(a.resolved))
			s.AvgDaysToResolve = ratio(decimal.NewFromInt(a.days), n, decimal.NewFromInt(1))
			s.CreditedShare = ratio(decimal.NewFromInt(int64(a.credited)), n, hundred)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Currency != b.Currency {
			return a.Currency.Code() < b.Currency.Code()
		}
		if c := a.Amount.Amount().Cmp(b.Amount.Amount()); c != 0 {
			return c > 0
		}
		return a.Reason < b.Reason
	})
	return out, nil
}
