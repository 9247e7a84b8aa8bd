package provision_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/risk/provision"
)

func eur(s string) o2c.Money                  { return o2c.MustMoney(s, "EUR") }
func dec(s string) decimal.Decimal            { return decimal.RequireFromString(s) }
func day(y int, m time.Month, d int) o2c.Date { return o2c.MustDate(y, m, d) }

func cust(n int) o2c.CustomerID {
	id, err := o2c.ParseCustomerID(fmt.Sprintf("00000000-0000-7000-8000-%012d", n))
	if err != nil {
		panic(err)
	}
	return id
}

func item(c o2c.CustomerID, number string, issue, due o2c.Date, gross string, ms ...report.Movement) report.Item {
	return report.Item{Invoice: o2c.NewID[invoice.Invoice](), Number: number, Customer: c, Currency: o2c.EUR,
		IssueDate: issue, DueDate: due, Gross: eur(gross), Movements: ms}
}

func paid(on o2c.Date, amount string) report.Movement {
	return report.Movement{Kind: report.MovementPayment, Date: on, Amount: eur(amount)}
}

func wrote(on o2c.Date, amount string) report.Movement {
	return report.Movement{Kind: report.MovementWriteOff, Date: on, Amount: eur(amount)}
}

var fourBuckets = []report.Bucket{
	{Label: "not due", Min: report.NoMin, Max: 0},
	{Label: "1-30", Min: 1, Max: 30},
	{Label: "31-60", Min: 31, Max: 60},
	{Label: "over 60", Min: 61, Max: report.NoMax},
}

// matrixHistory is a small history whose roll rates are counted by hand
// over the month-ends 31 Jan, 28 Feb and 31 Mar 2026 (two transitions).
//
//	A 1000 due 31 Jan, 600 paid 10 Feb: not due 1000 (Jan) -> 1-30 400 (Feb) -> 31-60 400 (Mar)
//	B 2000 due 14 Feb, paid 20 Feb:      not due 2000 (Jan) -> paid (Feb)
//	C  500 due 1 Dec, written off 15 Feb: over 60 500 (Jan) -> written off
//	D 1000 due 28 Feb, paid 10 Mar:      not due 1000 (Feb) -> paid (Mar)
//	E 1500 due 1 Nov, never paid:        over 60 1500 (Jan, Feb, Mar)
//	F  800 due 20 Dec, 300 paid 5 Feb:   31-60 800 (Jan) -> over 60 500 (Feb, Mar)
//	G 2000 due 19 Apr (issued 20 Mar), H 1000 due 15 Mar: open on 31 Mar only
//
// not due:  observed 3000 + 1000 = 4000, rolled 400          -> 0.1
// 1-30:     observed 400, rolled 400                          -> 1
// 31-60:    observed 800, rolled 500                          -> 0.625
// over 60:  observed (500+1500) + (1500+500) = 4000, written off 500 -> 0.125
// loss rates: 0.0078125, 0.078125, 0.078125, 0.125
func matrixHistory() []report.Item {
	c := cust(1)
	return []report.Item{
		item(c, "A", day(2026, 1, 1), day(2026, 1, 31), "1000", paid(day(2026, 2, 10), "600")),
		item(c, "B", day(2026, 1, 15), day(2026, 2, 14), "2000", paid(day(2026, 2, 20), "2000")),
		item(c, "C", day(2025, 12, 1), day(2025, 12, 1), "500", wrote(day(2026, 2, 15), "500")),
		item(c, "D", day(2026, 2, 1), day(2026, 2, 28), "1000", paid(day(2026, 3, 10), "1000")),
		item(c, "E", day(2025, 11, 1), day(2025, 11, 1), "1500"),
		item(c, "F", day(2025, 12, 1), day(2025, 12, 20), "800", paid(day(2026, 2, 5), "300")),
		item(c, "G", day(2026, 3, 20), day(2026, 4, 19), "2000"),
		item(c, "H", day(2026, 3, 1), day(2026, 3, 15), "1000"),
	}
}

func TestRollRateMatrixHandComputed(t *testing.T) {
	ms, err := provision.RollRateMatrix(matrixHistory(), day(2026, 3, 31), provision.MatrixOptions{
		Months: 2, Buckets: fourBuckets, ForwardFactor: dec("1.2"), Floor: dec("0.01")})
	require.NoError(t, err)
	require.Len(t, ms, 1)
	m := ms[0]
	assert.Equal(t, []o2c.Date{day(2026, 1, 31), day(2026, 2, 28), day(2026, 3, 31)}, m.MonthEnds)
	want := []struct{ observed, rolled, roll, loss, rate string }{
		{"4000", "400", "0.1", "0.0078125", "0.01"}, // 0.009375 raised to the floor
		{"400", "400", "1", "0.078125", "0.09375"},
		{"800", "500", "0.625", "0.078125", "0.09375"},
		{"4000", "500", "0.125", "0.125", "0.15"},
	}
	for i, w := range want {
		r := m.Rows[i]
		assert.True(t, r.Observed.Equal(eur(w.observed)), "%s observed %s", r.Bucket.Label, r.Observed)
		assert.True(t, r.Rolled.Equal(eur(w.rolled)), "%s rolled %s", r.Bucket.Label, r.Rolled)
		assert.True(t, r.RollRate.Equal(dec(w.roll)), "%s roll rate %s", r.Bucket.Label, r.RollRate)
		assert.True(t, r.HistoricalLoss.Equal(dec(w.loss)), "%s loss %s", r.Bucket.Label, r.HistoricalLoss)
		assert.True(t, r.Rate.Equal(dec(w.rate)), "%s rate %s", r.Bucket.Label, r.Rate)
	}

	// applied on 31 March: G 2000 not due, H 1000 in 1-30, A 400 in
	// 31-60, E 1500 + F 500 over 60.
	p, err := m.Apply(matrixHistory(), day(2026, 3, 31))
	require.NoError(t, err)
	wantProv := []struct{ open, prov string }{{"2000", "20.00"}, {"1000", "93.75"}, {"400", "37.50"}, {"2000", "300.00"}}
	for i, w := range wantProv {
		assert.True(t, p.Rows[i].Open.Equal(eur(w.open)), "%s open %s", p.Rows[i].Bucket.Label, p.Rows[i].Open)
		assert.True(t, p.Rows[i].Provision.Equal(eur(w.prov)), "%s provision %s", p.Rows[i].Bucket.Label, p.Rows[i].Provision)
	}
	assert.True(t, p.Open.Equal(eur("5400")), p.Open.String())
	assert.True(t, p.Total.Equal(eur("451.25")), p.Total.String())
}

func TestRollRateMatrixWithoutAdjustmentAndCap(t *testing.T) {
	ms, err := provision.RollRateMatrix(matrixHistory(), day(2026, 4, 15), provision.MatrixOptions{Months: 2, Buckets: fourBuckets, ForwardFactor: dec("10")})
	require.NoError(t, err)
	// asOf mid-April observes up to 31 March; x10 caps the last bucket at 1
	assert.Equal(t, day(2026, 3, 31), ms[0].MonthEnds[2])
	assert.True(t, ms[0].Rows[3].Rate.Equal(dec("1")), ms[0].Rows[3].Rate.String())
	assert.True(t, ms[0].Rows[0].Rate.Equal(dec("0.078125")), ms[0].Rows[0].Rate.String())
}

func TestRollRateMatrixRefusesBadOptions(t *testing.T) {
	for name, o := range map[string]provision.MatrixOptions{
		"months":  {Months: -1},
		"factor":  {ForwardFactor: dec("-1")},
		"floor":   {Floor: dec("1.5")},
		"buckets": {Buckets: []report.Bucket{{Label: "all", Min: report.NoMin, Max: report.NoMax}}},
	} {
		_, err := provision.RollRateMatrix(matrixHistory(), day(2026, 3, 31), o)
		var ve *o2c.ValidationError
		assert.ErrorAs(t, err, &ve, name)
	}
}

// Two closings of the French specific provision, counted by hand.
//
// 31 Dec 2025: X (collective proceedings, 100 %) 1200 incl. VAT = 1000 net -> 1000
//
//	Y (formal notice unanswered, 50 %) 2400 = 2000 net -> 1000
//	Z 600 = 500 net due 30 Nov: 31 days late, under the 90-day rule -> 0
//
// 30 Jun 2026: X written off on 1 Mar (used 1000), nothing open -> 0
//
//	Y paid 1200 on 1 Feb: 1000 net x 50 % -> 500 (reversal 500)
//	Z 212 days late: 500 x 25 % -> 125 (allowance)
//	V handed to litigation on 1 Apr at 80 %: 1800 = 1500 net -> 1200 (allowance)
//	W pays on time: nothing
func TestDoubtfulProvisionAcrossTwoClosings(t *testing.T) {
	X, Y, Z, V, W := cust(1), cust(2), cust(3), cust(4), cust(5)
	rec := func(it report.Item, net, gross string) provision.Receivable {
		return provision.Receivable{Item: it, Net: eur(net), Gross: eur(gross)}
	}
	recs := []provision.Receivable{
		rec(item(X, "X1", day(2025, 9, 1), day(2025, 10, 1), "1200", wrote(day(2026, 3, 1), "1200")), "1000", "1200"),
		rec(item(Y, "Y1", day(2025, 9, 15), day(2025, 10, 15), "2400", paid(day(2026, 2, 1), "1200")), "2000", "2400"),
		rec(item(Z, "Z1", day(2025, 10, 31), day(2025, 11, 30), "600"), "500", "600"),
		rec(item(V, "V1", day(2026, 1, 10), day(2026, 2, 10), "1800"), "1500", "1800"),
		rec(item(W, "W1", day(2026, 6, 1), day(2026, 7, 1), "3000"), "2500", "3000"),
	}
	marks := []provision.Mark{
		{Customer: X, Reason: provision.ReasonCollectiveProceedings, Since: day(2025, 11, 15), Rate: dec("1")},
		{Customer: Y, Reason: provision.ReasonFormalNoticeUnanswered, Since: day(2025, 12, 10), Rate: dec("0.5")},
		{Customer: V, Reason: provision.ReasonLitigation, Since: day(2026, 4, 1), Rate: dec("0.8")},
	}
	opts := provision.DoubtfulOptions{Currency: o2c.EUR, OverdueDays: 90, OverdueRate: dec("0.25")}
	first, err := provision.Doubtful(recs, marks, day(2025, 12, 31), opts)
	require.NoError(t, err)
	second, err := provision.Doubtful(recs, marks, day(2026, 6, 30), opts)
	require.NoError(t, err)

	assert.True(t, first.Total.Equal(eur("2000")), first.Total.String())
	assert.True(t, first.Customer(X).Provision.Equal(eur("1000")))
	assert.True(t, first.Customer(Y).Base.Equal(eur("2000")))
	assert.True(t, first.Customer(Z).Provision.IsZero())
	assert.True(t, second.Total.Equal(eur("1825")), second.Total.String())
	assert.True(t, second.Customer(Z).Provision.Equal(eur("125")))
	assert.Equal(t, []provision.Reason{provision.ReasonOverdue}, second.Customer(Z).Reasons)
	assert.True(t, second.Customer(V).Provision.Equal(eur("1200")))
	assert.True(t, second.Customer(W).Provision.IsZero())

	mv, err := provision.Move(first, second, recs)
	require.NoError(t, err)
	check := func(c o2c.CustomerID, opening, allowance, reversal, used, closing string) {
		t.Helper()
		for _, m := range mv.Customers {
			if m.Customer == c {
				assert.True(t, m.Opening.Equal(eur(opening)), "opening %s", m.Opening)
				assert.True(t, m.Allowance.Equal(eur(allowance)), "allowance %s", m.Allowance)
				assert.True(t, m.Reversal.Equal(eur(reversal)), "reversal %s", m.Reversal)
				assert.True(t, m.Used.Equal(eur(used)), "used %s", m.Used)
				assert.True(t, m.Closing.Equal(eur(closing)), "closing %s", m.Closing)
				return
			}
		}
		t.Errorf("customer %s missing from the movement", c)
	}
	check(X, "1000", "0", "0", "1000", "0")
	check(Y, "1000", "0", "500", "0", "500")
	check(Z, "0", "125", "0", "0", "125")
	check(V, "0", "1200", "0", "0", "1200")
	assert.Len(t, mv.Customers, 4, "W never had a provision")
	assert.True(t, mv.Opening.Equal(eur("2000")))
	assert.True(t, mv.Allowance.Equal(eur("1325")))
	assert.True(t, mv.Reversal.Equal(eur("500")))
	assert.True(t, mv.Used.Equal(eur("1000")))
	assert.True(t, mv.Closing.Equal(eur("1825")))

	entry := mv.Entry()
	require.Len(t, entry, 4)
	assert.Equal(t, "6817", entry[0].Account)
	assert.True(t, entry[0].Debit.Equal(eur("1325")))
	assert.Equal(t, "491", entry[1].Account)
	assert.True(t, entry[1].Credit.Equal(eur("1325")))
	assert.Equal(t, "491", entry[2].Account)
	assert.True(t, entry[2].Debit.Equal(eur("1500")))
	assert.Equal(t, "7817", entry[3].Account)
	assert.True(t, entry[3].Credit.Equal(eur("1500")))
}

func TestDoubtfulPartialWriteOffUsesItsShare(t *testing.T) {
	Y := cust(2)
	recs := []provision.Receivable{{Item: item(Y, "Y1", day(2025, 9, 15), day(2025, 10, 15), "2400", wrote(day(2026, 2, 1), "1200")), Net: eur("2000"), Gross: eur("2400")}}
	marks := []provision.Mark{{Customer: Y, Reason: provision.ReasonFormalNoticeUnanswered, Since: day(2025, 12, 10), Rate: dec("0.5")}}
	opts := provision.DoubtfulOptions{Currency: o2c.EUR}
	a, err := provision.Doubtful(recs, marks, day(2025, 12, 31), opts)
	require.NoError(t, err)
	b, err := provision.Doubtful(recs, marks, day(2026, 6, 30), opts)
	require.NoError(t, err)
	mv, err := provision.Move(a, b, recs)
	require.NoError(t, err)
	// 1200 written off = 1000 net, at 50 %: 500 used; 1000 net left at 50 %: 500 kept
	assert.True(t, mv.Used.Equal(eur("500")), mv.Used.String())
	assert.True(t, mv.Allowance.IsZero() && mv.Reversal.IsZero())
	assert.True(t, mv.Closing.Equal(eur("500")))
}

func TestDoubtfulRefusesBadMarks(t *testing.T) {
	_, err := provision.Doubtful(nil, []provision.Mark{{Customer: cust(1), Reason: "bankrupt", Since: day(2026, 1, 1), Rate: dec("1")}}, day(2026, 1, 31), provision.DoubtfulOptions{Currency: o2c.EUR})
	var ve *o2c.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "marks[0].reason", ve.Field)
	_, err = provision.Doubtful(nil, []provision.Mark{{Customer: cust(1), Reason: provision.ReasonLitigation, Since: day(2026, 1, 1), Rate: dec("1.2")}}, day(2026, 1, 31), provision.DoubtfulOptions{Currency: o2c.EUR})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "marks[0].rate", ve.Field)
}
