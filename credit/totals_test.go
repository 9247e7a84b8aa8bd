package credit

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// sum gives exactly what adding with decimal.Decimal.Add gives, exponent
// included, whatever the amounts (rounded or not, huge, overflowing).
func TestSumEqualsDecimalAdd(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom([]o2c.Currency{o2c.EUR, o2c.JPY}).Draw(t, "cur")
		s := sum{digits: cur.Digits()}
		var want decimal.Decimal
		n := rapid.IntRange(1, 30).Draw(t, "n")
		for i := range n {
			var coef int64
			if rapid.Bool().Draw(t, fmt.Sprintf("huge%d", i)) {
				coef = rapid.Int64().Draw(t, fmt.Sprintf("c%d", i))
			} else {
				coef = rapid.Int64Range(-1_000_000, 1_000_000).Draw(t, fmt.Sprintf("c%d", i))
			}
			a := decimal.New(coef, int32(rapid.IntRange(-6, 4).Draw(t, fmt.Sprintf("e%d", i))))
			s.add(a)
			if i == 0 {
				want = a
			} else {
				want = want.Add(a)
			}
		}
		got := s.value()
		require.True(t, want.Equal(got), "want %s, got %s", want, got)
		require.Equal(t, want.Exponent(), got.Exponent(), "want %s, got %s", want, got)
	})
}

// Totals kept as items come, change and go give the figures Compute and
// the overdue count give over the items left.
func TestItemTotalsEqualCompute(t *testing.T) {
	rates, err := NewRateTable(Rate{From: o2c.USD, To: o2c.EUR, Rate: decimal.RequireFromString("0.9137")})
	require.NoError(t, err)
	asOf := o2c.MustDate(2026, 3, 2)
	ids := []invoice.ID{o2c.NewID[invoice.Invoice](), o2c.NewID[invoice.Invoice](), o2c.NewID[invoice.Invoice](), o2c.NewID[invoice.Invoice]()}
	rapid.Check(t, func(t *rapid.T) {
		tc := &tracked{items: map[invoice.ID]stamped[ItemEntry]{}}
		for i := range rapid.IntRange(0, 40).Draw(t, "steps") {
			id := rapid.SampledFrom(ids).Draw(t, fmt.Sprintf("id%d", i))
			cur := rapid.SampledFrom([]o2c.Currency{o2c.EUR, o2c.USD}).Draw(t, fmt.Sprintf("cur%d", i))
			amount := func(l string) o2c.Money {
				m, _ := o2c.MoneyOf(decimal.New(rapid.Int64Range(-5, 100_000).Draw(t, l), int32(rapid.IntRange(-3, 0).Draw(t, l+"e"))), cur)
				return m
			}
			it := ItemEntry{Invoice: id, Kind: rapid.SampledFrom([]invoice.Kind{invoice.KindInvoice, invoice.KindDeposit, invoice.KindCreditNote}).Draw(t, fmt.Sprintf("k%d", i)),
				Status:   rapid.SampledFrom([]invoice.State{invoice.StateIssued, invoice.StatePartiallyPaid, invoice.StatePaid}).Draw(t, fmt.Sprintf("s%d", i)),
				Currency: cur, Open: amount(fmt.Sprintf("open%d", i)), Disputed: amount(fmt.Sprintf("disp%d", i))}
			if rapid.Bool().Draw(t, fmt.Sprintf("dated%d", i)) {
				it.DueDate = asOf.AddDays(rapid.IntRange(-60, 30).Draw(t, fmt.Sprintf("due%d", i)))
			}
			for j := range rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("lines%d", i)) {
				// an invoice paid in instalments: its open lines
				l := ItemLine{Seq: j + 1, Open: amount(fmt.Sprintf("lopen%d.%d", i, j)), Disputed: amount(fmt.Sprintf("ldisp%d.%d", i, j))}
				if rapid.Bool().Draw(t, fmt.Sprintf("ldated%d.%d", i, j)) {
					l.DueDate = asOf.AddDays(rapid.IntRange(-60, 30).Draw(t, fmt.Sprintf("ldue%d.%d", i, j)))
				}
				it.Lines = append(it.Lines, l)
			}
			tc.setItem(id, stamped[ItemEntry]{v: it})
		}
		pos := Position{}
		for _, it := range tc.items {
			if receivable(it.v.Kind, it.v.Status) {
				pos.Items = append(pos.Items, it.v)
			}
		}
		sum := summary{items: tc.totals.clone()}
		for _, rules := range []Rules{{}, {KeepDisputed: true}, {ExcludeReceivables: true}} {
			want, werr := Compute(pos, o2c.EUR, asOf, rules, rates, order.ID{})
			got, gerr := computeSummary(sum, o2c.EUR, asOf, rules, rates, order.ID{})
			require.Equal(t, werr, gerr)
			require.Equal(t, want.String(), got.String())
		}
		for _, days := range []int{0, 10, 45} {
			cutoff := asOf.AddDays(-days)
			wn, wo, wa := overdueItems(pos.Items, cutoff, asOf)
			gn, gol, ga := sum.items.overdue(cutoff, asOf)
			require.Equal(t, [2]int{wn, wo}, [2]int{gn, gol})
			wm, err := convertSums(wa, o2c.EUR, Rules{}, rates)
			require.NoError(t, err)
			gm, err := convertSums(ga, o2c.EUR, Rules{}, rates)
			require.NoError(t, err)
			require.Equal(t, wm.String(), gm.String())
		}
	})
}
