package backtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/risk/backtest"
)

// Recorded: the first reminder went 30 days after due, the invoice was paid
// 10 days later. Replayed under a plan reminding at 10 days: the letter
// goes on the 10th day (a business day), and with the observed 10-day lag
// the payment is estimated 20 days earlier.
func TestReplayDunningLetterTimingAndPaymentEstimate(t *testing.T) {
	c := o2c.NewCustomerID()
	due := o2c.MustDate(2026, time.March, 2) // Monday
	it := report.Item{Invoice: o2c.NewID[invoice.Invoice](), Number: "F-1", Customer: c, Currency: o2c.EUR,
		IssueDate: due.AddDays(-30), DueDate: due, Gross: eur("1000.00"),
		Movements: []report.Movement{{Kind: report.MovementPayment, Date: due.AddDays(40), Amount: eur("1000.00")}}}
	recorded := []dunning.HistoryEntry{{RunDate: due.AddDays(30), Customer: c, Currency: o2c.EUR, Level: 0, LevelName: "reminder-1",
		Status: dunning.LetterDelivered, Items: []dunning.HistoryItem{{Invoice: it.Invoice, Number: "F-1", Amount: eur("1000.00")}}}}
	plan := dunning.Plan{Code: "EARLY", Name: "early", Levels: []dunning.Level{
		{Name: "reminder-1", OffsetDays: 10, Channel: dunning.ChannelEmail, Template: "reminder"},
		{Name: "reminder-2", OffsetDays: 25, Channel: dunning.ChannelEmail, Template: "reminder", MinDaysSincePrevious: 10},
	}}
	book, err := dunning.NewPlanBook([]dunning.Plan{plan}, "EARLY", nil)
	require.NoError(t, err)
	rep, err := backtest.ReplayDunning(backtest.DunningInput{From: due, To: due.AddDays(60), Items: []report.Item{it}, Plans: book, Recorded: recorded})
	require.NoError(t, err)
	require.Len(t, rep.Letters, 2, "reminder-1 at +10, reminder-2 at +25, nothing after the payment at +40")
	assert.Equal(t, due.AddDays(10), rep.Letters[0].Date)
	assert.Equal(t, due.AddDays(25), rep.Letters[1].Date)
	require.Len(t, rep.Timing, 1)
	tm := rep.Timing[0]
	assert.Equal(t, -20, tm.ShiftDays)
	assert.Equal(t, due.AddDays(20), tm.EstimatedPaid)
	assert.Equal(t, []int{10}, rep.Lag)
	assert.Equal(t, 10, rep.MedianLag)
	assert.Equal(t, -20.0, rep.AverageShiftDays)
	assert.NotEmpty(t, rep.Assumptions)
}
