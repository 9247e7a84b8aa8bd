package cashimpact_test

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
	"github.com/cashcycle/sdk/risk/cashimpact"
)

func eur(s string) o2c.Money           { return o2c.MustMoney(s, "EUR") }
func day(m time.Month, d int) o2c.Date { return o2c.MustDate(2026, m, d) }

func cust(n int) o2c.CustomerID {
	id, _ := o2c.ParseCustomerID(fmt.Sprintf("00000000-0000-7000-8000-%012d", n))
	return id
}

func item(c o2c.CustomerID, issue, due o2c.Date, gross, paid string) report.Item {
	it := report.Item{Invoice: o2c.NewID[invoice.Invoice](), Customer: c, Currency: o2c.EUR, IssueDate: issue, DueDate: due, Gross: eur(gross)}
	if paid != "" {
		it.Movements = []report.Movement{{Kind: report.MovementPayment, Date: issue.AddDays(5), Amount: eur(paid)}}
	}
	return it
}

// fixture: Q1 2026 (90 days).
//
//	A: sales 9000 (daily 100); open at 31 Mar: 1000 overdue + 2000 current:
//	   DSO 30, best possible 20, 10 days beyond terms
//	B: sales 4500 (daily 50); open: 2000 overdue + 500 current:
//	   DSO 50, best possible 10, 40 days beyond terms
//
// A 15-day reduction frees 150 x 15 = 2250: A 1500 (1000 from its 10 days
// beyond terms, 500 from terms), B 750 (all beyond terms).
func fixture() []report.Item {
	A, B := cust(1), cust(2)
	return []report.Item{
		item(A, day(1, 5), day(2, 4), "6000", "5000"),
		item(A, day(3, 20), day(4, 19), "3000", "1000"),
		item(B, day(1, 10), day(2, 9), "2500", "500"),
		item(B, day(3, 25), day(4, 24), "2000", "1500"),
		// issued before the period: not a sale of it, but open at its end
		// (an old item of B paid since: nothing)
		item(B, o2c.MustDate(2025, 11, 1), o2c.MustDate(2025, 12, 1), "700", "700"),
	}
}

func TestCashImpactHandComputed(t *testing.T) {
	out, err := cashimpact.Compute(fixture(), report.Period{From: day(1, 1), To: day(3, 31)}, cashimpact.Options{DeltaDays: 15})
	require.NoError(t, err)
	require.Len(t, out, 1)
	im := out[0]
	require.Len(t, im.Customers, 2)
	a, b := im.Customers[0], im.Customers[1]
	d := decimal.RequireFromString
	assert.True(t, a.DailySales.Equal(d("100")), a.DailySales.String())
	assert.True(t, a.DSO.Equal(d("30")) && a.BestPossibleDSO.Equal(d("20")) && a.DaysBeyondTerms.Equal(d("10")), "%s %s %s", a.DSO, a.BestPossibleDSO, a.DaysBeyondTerms)
	assert.True(t, a.Freed.Equal(eur("1500")) && a.FreedBeyondTerms.Equal(eur("1000")) && a.FreedFromTerms.Equal(eur("500")), "%s %s %s", a.Freed, a.FreedBeyondTerms, a.FreedFromTerms)
	assert.True(t, b.DSO.Equal(d("50")) && b.BestPossibleDSO.Equal(d("10")) && b.DaysBeyondTerms.Equal(d("40")))
	assert.True(t, b.Freed.Equal(eur("750")) && b.FreedBeyondTerms.Equal(eur("750")) && b.FreedFromTerms.IsZero())
	assert.True(t, im.Total.Receivables.Equal(eur("5500")) && im.Total.Overdue.Equal(eur("3000")) && im.Total.Current.Equal(eur("2500")))
	assert.True(t, im.Total.Freed.Equal(eur("2250")) && im.Total.FreedBeyondTerms.Equal(eur("1750")) && im.Total.FreedFromTerms.Equal(eur("500")))
	assert.True(t, im.Total.DSO.Equal(d("36.67")), im.Total.DSO.String()) // 5500 / 150
}

func TestCashImpactLosesNoCent(t *testing.T) {
	// three customers with daily sales of 1/3 each: 10 days frees 10.00
	// exactly, shared 3.34 + 3.33 + 3.33
	var items []report.Item
	for i := 1; i <= 3; i++ {
		items = append(items, item(cust(i), day(1, 1), day(1, 2), "30", ""))
	}
	out, err := cashimpact.Compute(items, report.Period{From: day(1, 1), To: day(3, 31)}, cashimpact.Options{DeltaDays: 10})
	require.NoError(t, err)
	sum := o2c.Zero(o2c.EUR)
	for _, r := range out[0].Customers {
		sum, _ = sum.Add(r.Freed)
	}
	assert.True(t, out[0].Total.Freed.Equal(eur("10")), out[0].Total.Freed.String())
	assert.True(t, sum.Equal(out[0].Total.Freed), sum.String())
}

func TestCashImpactRefusesNegativeDelta(t *testing.T) {
	_, err := cashimpact.Compute(fixture(), report.Period{From: day(1, 1), To: day(3, 31)}, cashimpact.Options{DeltaDays: -1})
	assert.ErrorIs(t, err, o2c.ErrValidation)
}
