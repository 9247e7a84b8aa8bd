package invoice_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// TestAcceptanceDueDatesOfAnInvoiceDated31January2026 is issue 4's
// acceptance line on due dates: an invoice dated 2026-01-31 under both
// French readings of "45 jours fin de mois". 2026 is not a leap year:
// February has 28 days.
func TestAcceptanceDueDatesOfAnInvoiceDated31January2026(t *testing.T) {
	invoiced := date("2026-01-31")

	// "end of month + 45 days" (fin de mois + 45 jours): the end of the
	// invoice month is 31 January itself; 45 days after it are the 28 days
	// of February (to 28 February) and 17 days of March: 17 March 2026.
	due, err := invoice.DueDate(invoiced, invoice.EndOfMonthThenDaysTerms(45))
	require.NoError(t, err)
	assert.Equal(t, "2026-03-17", due.String())

	// "45 days + end of month" (45 jours, puis fin de mois): 31 January +
	// 45 days is 17 March (as above, the invoice date being the end of its
	// month); the end of that month is 31 March 2026.
	due, err = invoice.DueDate(invoiced, invoice.DaysThenEndOfMonthTerms(45))
	require.NoError(t, err)
	assert.Equal(t, "2026-03-31", due.String())

	// Both are within the French maximum (L441-10: 60 days from the invoice
	// date, 1 April, or 45 days end of month under either reading, 31 March).
	require.NoError(t, invoice.CheckFrenchLegalMaximum(invoiced, date("2026-03-31")))
	require.ErrorIs(t, invoice.CheckFrenchLegalMaximum(invoiced, date("2026-04-02")), invoice.ErrTermsExceedLimit)
}

// TestAcceptanceInstalments303040Of100Point01 is issue 4's acceptance line
// on instalments: 30/30/40 of 100.01 EUR sum to 100.01 EUR.
func TestAcceptanceInstalments303040Of100Point01(t *testing.T) {
	total := eur("100.01")
	parts := []invoice.PercentInstalment{
		{Percent: pct("30"), Terms: invoice.NetTerms(30)},
		{Percent: pct("30"), Terms: invoice.NetTerms(60)},
		{Percent: pct("40"), Terms: invoice.NetTerms(90)},
	}
	got, err := invoice.InstalmentsByPercent(total, date("2026-01-31"), parts, invoice.BusinessDayShift{})
	require.NoError(t, err)
	require.Len(t, got, 3)
	// Exact shares: 30.003, 30.003 and 40.004. In cents the floors are 3000,
	// 3000 and 4000, one cent short of 10001; it goes to the largest
	// remainder, 0.4 cent on the 40 % part: 30.00 + 30.00 + 40.01.
	assert.Equal(t, "30.00 EUR", got[0].Amount.String())
	assert.Equal(t, "30.00 EUR", got[1].Amount.String())
	assert.Equal(t, "40.01 EUR", got[2].Amount.String())
	sum, err := o2c.Sum(o2c.EUR, got[0].Amount, got[1].Amount, got[2].Amount)
	require.NoError(t, err)
	assert.Equal(t, "100.01 EUR", sum.String(), "no cent lost or invented")
	// Net 30, 60 and 90 days from 31 January: 2 March (28 days of February
	// bring 28 February, 2 more), 1 April (2 March + 30) and 1 May.
	assert.Equal(t, "2026-03-02", got[0].DueDate.String())
	assert.Equal(t, "2026-04-01", got[1].DueDate.String())
	assert.Equal(t, "2026-05-01", got[2].DueDate.String())

	// The same schedule on an issued invoice: the instalments it keeps
	// sum to its gross too, and settle separately.
	inv, err := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{
		Customer: o2c.NewCustomerID(), Currency: o2c.EUR, Lines: []invoice.Line{zeroLine("100.01")},
		Terms: invoice.NetTerms(30), Schedule: parts,
	}, now)
	require.NoError(t, err)
	require.NoError(t, inv.Issue("INV-2026-000001", date("2026-01-31"), invoice.BusinessDayShift{}, now))
	var amounts []string
	for _, in := range inv.Instalments() {
		amounts = append(amounts, in.Amount.String())
	}
	assert.Equal(t, []string{"30.00 EUR", "30.00 EUR", "40.01 EUR"}, amounts)
	assert.Equal(t, "2026-03-02", inv.DueDate().String())
}
