package dunning_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// TestInterestRunsOverTheDueLineHistory (issue #13): a due line of
// 1,000.00 due on D = 14 February 2026, 400.00 paid with value date D+9
// (23 February), formal notice on D+30 (16 March 2026) under the French
// preset (ECB MRO 2.15 % on 1 January 2026 + 10 points = 12.15 %, basis
// 365). Interest runs on each sum for as long as it stayed unpaid:
//
//	15 Feb - 23 Feb:  9 days on 1,000.00: 1000 × 12.15 ×  9 / 36,500 = 2.995890…
//	24 Feb - 16 Mar: 21 days on   600.00:  600 × 12.15 × 21 / 36,500 = 4.194246…
//	total 262,440 / 36,500 = 7.190136… -> 7.19 (rounded once, half up)
//
// whereas charging today's 600.00 for the 30 days gives
// 600 × 12.15 × 30 / 36,500 = 5.991780… -> 5.99.
func TestInterestRunsOverTheDueLineHistory(t *testing.T) {
	c := o2c.NewCustomerID()
	at := func(d o2c.Date) time.Time { return d.Time().Add(10 * time.Hour) }
	issued := o2c.MustDate(2026, time.January, 15)
	inv, err := invoice.NewDraft("t", invoice.KindInvoice, invoice.Draft{Customer: c, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Machine", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney("1000.00", "EUR"), TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}},
	}, at(issued))
	require.NoError(t, err)
	require.NoError(t, inv.Issue("F-1", issued, invoice.BusinessDayShift{}, at(issued)))
	due := o2c.MustDate(2026, time.February, 14)
	require.Equal(t, due, inv.DueDate())
	paidOn := due.AddDays(9)
	// booked later than its value date: the value date counts
	require.NoError(t, inv.ApplyPaymentOn(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "ref", o2c.MustMoney("400.00", "EUR"), 0,
		paidOn, at(paidOn.AddDays(3))))
	lines := inv.DueLines()
	require.Len(t, lines, 1)
	require.Len(t, lines[0].Paid, 1)

	day := due.AddDays(30)
	hist := []dunning.HistoryEntry{{Key: "k1", RunDate: o2c.MustDate(2026, time.March, 5), Customer: c, Currency: o2c.EUR, Plan: "FR",
		Level: 2, LevelName: "reminder-2", Status: dunning.LetterDelivered,
		Items: []dunning.HistoryItem{{Invoice: inv.ID(), Seq: 1, Number: "F-1", Amount: o2c.MustMoney("600.00", "EUR")}}}}
	p := propose(t, dunning.Input{AsOf: day, Items: dunning.ItemsFromDueLines(lines), Paid: dunning.PaidFromDueLines(lines), History: hist, Rates: ecb})
	require.Len(t, p.Letters, 1)
	l := p.Letters[0]
	require.Equal(t, "formal-notice", l.LevelName)
	require.Len(t, l.Items, 1)
	it := l.Items[0]
	assert.Equal(t, "600.00 EUR", it.Amount.String(), "the letter asks for what is still open")
	assert.Equal(t, "7.19 EUR", it.Interest.String())
	assert.Equal(t, "7.19 EUR", l.Interest.String())

	// the invoice package's history computation on the same inputs
	claim, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), invoice.LatePaymentRequest{
		Principal: o2c.MustMoney("1000.00", "EUR"), DueDate: due, Until: day, Rates: ecb,
		Payments: []invoice.LatePaymentPart{{Date: paidOn, Amount: o2c.MustMoney("400.00", "EUR")}},
	}, o2c.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, claim.Interest, it.Interest)
	// and not today's open amount over the whole late period
	flat, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), invoice.LatePaymentRequest{
		Principal: o2c.MustMoney("600.00", "EUR"), DueDate: due, Until: day, Rates: ecb}, o2c.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, "5.99 EUR", flat.Interest.String())
	assert.NotEqual(t, flat.Interest, it.Interest)

	// the periods the letter shows
	require.Len(t, it.InterestPeriods, 2)
	assert.Equal(t, it.InterestPeriods, it.Periods())
	p1, p2 := it.InterestPeriods[0], it.InterestPeriods[1]
	assert.Equal(t, [4]string{"2026-02-15", "2026-02-23", "1000.00 EUR", "12.15"}, [4]string{p1.From.String(), p1.To.String(), p1.Principal.String(), p1.RatePercent.String()})
	assert.Equal(t, [4]string{"2026-02-24", "2026-03-16", "600.00 EUR", "12.15"}, [4]string{p2.From.String(), p2.To.String(), p2.Principal.String(), p2.RatePercent.String()})
	assert.Equal(t, []int{9, 21}, []int{p1.Days, p2.Days})

	// without the history, the old figure: today's amount for 30 days
	p = propose(t, dunning.Input{AsOf: day, Items: dunning.ItemsFromDueLines(lines), History: hist, Rates: ecb})
	require.Len(t, p.Letters, 1)
	assert.Equal(t, "5.99 EUR", p.Letters[0].Interest.String())
	flatPeriods := p.Letters[0].Items[0].Periods()
	require.Len(t, flatPeriods, 1)
	assert.Equal(t, "600.00 EUR", flatPeriods[0].Principal.String())
	assert.Equal(t, 30, flatPeriods[0].Days)
	assert.Equal(t, flat.Segments[0].Numerator.String(), flatPeriods[0].Numerator.String())
	assert.Equal(t, flat.Segments[0].Interest, flatPeriods[0].Interest)
}

// dueLedger lists one invoice's open due lines (a DueLineSource, as
// invoice.Store is).
type dueLedger struct{ inv *invoice.Invoice }

func (d dueLedger) OpenItems(context.Context, invoice.OpenItemFilter) ([]invoice.OpenItem, error) {
	return []invoice.OpenItem{invoice.OpenItemOf(d.inv)}, nil
}

func (d dueLedger) DueLines(context.Context, invoice.OpenItemFilter) ([]invoice.DueLine, error) {
	var out []invoice.DueLine
	for _, l := range d.inv.DueLines() {
		if l.Open.IsPositive() {
			out = append(out, l)
		}
	}
	return out, nil
}

// TestServiceLetterCarriesTheHistoryAndItsPeriods: the service reads the
// due lines' dated payments, so the letter it sends charges 7.19 (not
// 5.99) and lists both periods.
func TestServiceLetterCarriesTheHistoryAndItsPeriods(t *testing.T) {
	ctx := context.Background()
	c := o2c.NewCustomerID()
	at := func(d o2c.Date) time.Time { return d.Time().Add(10 * time.Hour) }
	issued := o2c.MustDate(2026, time.January, 15)
	inv, err := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{Customer: c, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Machine", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney("1000.00", "EUR"), TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}},
	}, at(issued))
	require.NoError(t, err)
	require.NoError(t, inv.Issue("F-1", issued, invoice.BusinessDayShift{}, at(issued)))
	due := o2c.MustDate(2026, time.February, 14)
	require.NoError(t, inv.ApplyPaymentOn(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "ref", o2c.MustMoney("400.00", "EUR"), 0,
		due.AddDays(9), at(due.AddDays(12))))

	day := due.AddDays(30)
	clock := o2c.NewManualClock(at(day))
	acme := memory.New(memory.WithClock(clock)).MustTenant("acme")
	plan := dunning.Plan{Code: "FRI", LatePayment: invoice.LatePaymentPolicyFrance(), Levels: []dunning.Level{
		{Name: "notice", OffsetDays: 10, Channel: dunning.ChannelRegisteredLetter, Template: dunning.TemplateFormalNotice, ClaimInterest: true}}}
	notifier := dunning.NewMemoryNotifier()
	svc, err := dunning.NewService(dunning.Config{Store: acme.Dunning(), Tx: acme, Items: dueLedger{inv}, Notifier: notifier,
		Plans: []dunning.Plan{plan}, DefaultPlan: "FRI", Clock: clock, DefaultLanguage: "fr", Rates: ecb, Creditor: dunning.Party{Name: "Acme SAS"}})
	require.NoError(t, err)
	res, err := svc.Run(ctx, day)
	require.NoError(t, err)
	require.Len(t, res.Written, 1)
	h, err := svc.History(ctx, c)
	require.NoError(t, err)
	require.Len(t, h, 1)
	d, ok := notifier.Delivered(h[0].Key)
	require.True(t, ok)
	require.Len(t, d.Letter.Items, 1)
	assert.Equal(t, "600.00 EUR", d.Letter.Amount.String())
	assert.Equal(t, "7.19 EUR", d.Letter.Interest.String())
	require.Len(t, d.Letter.Items[0].InterestPeriods, 2)
	assert.Equal(t, "1000.00 EUR", d.Letter.Items[0].InterestPeriods[0].Principal.String())
	assert.Equal(t, "600.00 EUR", d.Letter.Items[0].InterestPeriods[1].Principal.String())
	r, err := dunning.DefaultTemplates().Render(d.Letter)
	require.NoError(t, err)
	assert.Contains(t, r.Text, "du 24 février 2026 au 16 mars 2026 (21 j) : 600,00\u00a0€ restant dû au taux de 12,15 % = 4,19\u00a0€")
}
