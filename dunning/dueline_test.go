package dunning_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// TestInstalmentLetterAsksOnlyWhatIsDue (issue #13): 1,000.00 issued 15
// January 2026 in instalments of 30 % net 30 (300.00 due 14 February),
// 30 % net 60 (300.00 due 16 March), 40 % net 90 (400.00 due 15 April).
// On 16 March (a Monday) the first instalment is 30 days late and the
// second falls due that day: the formal notice asks for 300.00, not
// 1,000.00, and charges interest on 300.00 only:
//
//	ECB MRO on 1 January 2026: 2.15 % + 10 points = 12.15 % (L441-10)
//	300.00 × 12.15 × 30 / 36,500 = 2.9959 -> 3.00 (1,000.00 would give 9.99)
//
// Once that instalment is paid, the level it earned does not carry over:
// the second instalment starts at its own first level.
func TestInstalmentLetterAsksOnlyWhatIsDue(t *testing.T) {
	c := o2c.NewCustomerID()
	m := o2c.MustMoney("1000.00", "EUR")
	at := func(d o2c.Date) time.Time { return d.Time().Add(10 * time.Hour) }
	issued := o2c.MustDate(2026, time.January, 15)
	inv, err := invoice.NewDraft("t", invoice.KindInvoice, invoice.Draft{Customer: c, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Machine", Quantity: decimal.NewFromInt(1), UnitPrice: m, TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}},
		Schedule: []invoice.PercentInstalment{{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(30)},
			{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(60)}, {Percent: decimal.NewFromInt(40), Terms: invoice.NetTerms(90)}},
	}, at(issued))
	require.NoError(t, err)
	require.NoError(t, inv.Issue("F-1", issued, invoice.BusinessDayShift{}, at(issued)))
	open := func() []invoice.OpenItem {
		var ls []invoice.DueLine
		for _, l := range inv.DueLines() {
			if l.Open.IsPositive() {
				ls = append(ls, l)
			}
		}
		return dunning.ItemsFromDueLines(ls)
	}
	// reminder-2 was sent on 5 March for the first instalment
	hist := []dunning.HistoryEntry{{Key: "k1", RunDate: o2c.MustDate(2026, time.March, 5), Customer: c, Currency: o2c.EUR, Plan: "FR",
		Level: 2, LevelName: "reminder-2", Status: dunning.LetterDelivered,
		Items: []dunning.HistoryItem{{Invoice: inv.ID(), Seq: 1, Number: "F-1", Amount: o2c.MustMoney("300.00", "EUR")}}}}
	day := o2c.MustDate(2026, time.March, 16)
	p := propose(t, dunning.Input{AsOf: day, Items: open(), History: hist, Rates: ecb})
	require.Len(t, p.Letters, 1)
	l := p.Letters[0]
	assert.Equal(t, "formal-notice", l.LevelName)
	require.Len(t, l.Items, 1, "only the instalment that is due")
	assert.Equal(t, 1, l.Items[0].Seq)
	assert.Equal(t, "2026-02-14", l.Items[0].DueDate.String())
	assert.Equal(t, "300.00 EUR", l.Amount.String())
	assert.Equal(t, "3.00 EUR", l.Interest.String())

	// the first instalment is paid; on 15 April the second is 30 days
	// late, and starts at its own first level (reminder-1), not after the
	// formal notice the first one earned
	require.NoError(t, inv.ApplyPaymentOn(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "ref", o2c.MustMoney("300.00", "EUR"), 1,
		o2c.MustDate(2026, time.March, 20), at(o2c.MustDate(2026, time.March, 20))))
	hist = append(hist, dunning.HistoryEntry{Key: "k2", RunDate: day, Customer: c, Currency: o2c.EUR, Plan: "FR", Level: 3, LevelName: "formal-notice",
		Status: dunning.LetterDelivered, Items: []dunning.HistoryItem{{Invoice: inv.ID(), Seq: 1, Number: "F-1", Amount: o2c.MustMoney("300.00", "EUR")}}})
	p = propose(t, dunning.Input{AsOf: o2c.MustDate(2026, time.April, 15), Items: open(), History: hist, Rates: ecb})
	require.Len(t, p.Letters, 1)
	assert.Equal(t, "reminder-1", p.Letters[0].LevelName)
	assert.Equal(t, -1, p.Letters[0].Previous)
	require.Len(t, p.Letters[0].Items, 1)
	assert.Equal(t, 2, p.Letters[0].Items[0].Seq)
	assert.Equal(t, "300.00 EUR", p.Letters[0].Amount.String())
}
