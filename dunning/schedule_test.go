package dunning_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

var asOf = o2c.MustDate(2026, time.March, 10) // a Tuesday

func book(t *testing.T, plans ...dunning.Plan) *dunning.PlanBook {
	t.Helper()
	if len(plans) == 0 {
		plans = []dunning.Plan{dunning.PlanFrance()}
	}
	b, err := dunning.NewPlanBook(plans, plans[0].Code, nil)
	require.NoError(t, err)
	return b
}

func propose(t *testing.T, in dunning.Input) dunning.Proposal {
	t.Helper()
	if in.AsOf.IsZero() {
		in.AsOf = asOf
	}
	if in.Plans == nil {
		in.Plans = book(t)
	}
	p, err := dunning.Propose(in)
	require.NoError(t, err)
	return p
}

func TestDisputedAmountsAreLeftOut(t *testing.T) {
	c := o2c.NewCustomerID()
	a := openItem(c, "F-1", "300.00", asOf.AddDays(-40), asOf.AddDays(-10))
	a.Disputed = o2c.MustMoney("100.00", "EUR")
	b := openItem(c, "F-2", "50.00", asOf.AddDays(-40), asOf.AddDays(-8))
	b.Disputed = b.Open
	p := propose(t, dunning.Input{Items: []invoice.OpenItem{a, b}})
	require.Len(t, p.Letters, 1)
	l := p.Letters[0]
	assert.Equal(t, "reminder-1", l.LevelName, "a courtesy level is passed over once overdue")
	require.Len(t, l.Items, 1, "the fully disputed invoice is not dunned")
	assert.Equal(t, "200.00 EUR", l.Items[0].Amount.String())

	// everything disputed: skipped with the reason
	p = propose(t, dunning.Input{Items: []invoice.OpenItem{b}})
	assert.Empty(t, p.Letters)
	require.Len(t, p.Skipped, 1)
	assert.Contains(t, p.Skipped[0].Reason, "disputed")
}

func TestCreditNetsOldestFirst(t *testing.T) {
	c := o2c.NewCustomerID()
	old := openItem(c, "F-1", "100.00", asOf.AddDays(-60), asOf.AddDays(-30))
	young := openItem(c, "F-2", "100.00", asOf.AddDays(-40), asOf.AddDays(-10))
	cn := openItem(c, "AV-1", "30.00", asOf.AddDays(-5), asOf.AddDays(-5))
	cn.Kind = invoice.KindCreditNote
	p := propose(t, dunning.Input{Items: []invoice.OpenItem{old, young, cn},
		Credits: []dunning.Credit{{Customer: c, Amount: o2c.MustMoney("90.00", "EUR")}}})
	require.Len(t, p.Letters, 1)
	l := p.Letters[0]
	require.Len(t, l.Items, 1, "the oldest invoice is covered by 120 of credit")
	assert.Equal(t, "F-2", l.Items[0].Number)
	assert.Equal(t, "80.00 EUR", l.Items[0].Amount.String())
	assert.Equal(t, "120.00 EUR", l.Credit.String())
	assert.Equal(t, 10, l.Items[0].DaysOverdue)

	// credit covering everything: no letter, and why
	p = propose(t, dunning.Input{Items: []invoice.OpenItem{old, young},
		Credits: []dunning.Credit{{Customer: c, Amount: o2c.MustMoney("500.00", "EUR")}}})
	assert.Empty(t, p.Letters)
	require.Len(t, p.Skipped, 1)
	assert.Contains(t, p.Skipped[0].Reason, "credit of 200.00 EUR covers")
}

func TestBlocksPromisesAndCalendar(t *testing.T) {
	c := o2c.NewCustomerID()
	it := openItem(c, "F-1", "100.00", asOf.AddDays(-40), asOf.AddDays(-10))
	other := openItem(c, "F-2", "100.00", asOf.AddDays(-40), asOf.AddDays(-9))

	blocked := dunning.Block{ID: o2c.NewID[dunning.Block](), Customer: c, Reason: "lawyer involved", Until: asOf}
	p := propose(t, dunning.Input{Items: []invoice.OpenItem{it}, Blocks: []dunning.Block{blocked}})
	assert.Empty(t, p.Letters)
	assert.Equal(t, "dunning blocked: lawyer involved", p.Skipped[0].Reason)
	// expired the day before: dunned
	blocked.Until = asOf.AddDays(-1)
	p = propose(t, dunning.Input{Items: []invoice.OpenItem{it}, Blocks: []dunning.Block{blocked}})
	assert.Len(t, p.Letters, 1)
	// one invoice blocked
	p = propose(t, dunning.Input{Items: []invoice.OpenItem{it, other},
		Blocks: []dunning.Block{{ID: o2c.NewID[dunning.Block](), Customer: c, Invoice: it.Invoice, Reason: "x"}}})
	require.Len(t, p.Letters, 1)
	require.Len(t, p.Letters[0].Items, 1)
	assert.Equal(t, "F-2", p.Letters[0].Items[0].Number)

	promise := dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: c, Date: asOf}
	p = propose(t, dunning.Input{Items: []invoice.OpenItem{it}, Promises: []dunning.Promise{promise}})
	assert.Empty(t, p.Letters)
	assert.Equal(t, "promise to pay by 2026-03-10", p.Skipped[0].Reason)
	promise.Currency = o2c.GBP
	p = propose(t, dunning.Input{Items: []invoice.OpenItem{it}, Promises: []dunning.Promise{promise}})
	assert.Len(t, p.Letters, 1, "a promise in another currency does not pause EUR dunning")
	promise.Currency, promise.Date = o2c.Currency{}, asOf.AddDays(-1)
	p = propose(t, dunning.Input{Items: []invoice.OpenItem{it}, Promises: []dunning.Promise{promise}})
	require.Len(t, p.Letters, 1)
	assert.Contains(t, p.Letters[0].Reasons, "promise to pay by 2026-03-09 broken")

	saturday := o2c.MustDate(2026, time.March, 14)
	p = propose(t, dunning.Input{AsOf: saturday, Items: []invoice.OpenItem{it}})
	assert.False(t, p.BusinessDay)
	assert.Empty(t, p.Letters)
	holiday := o2c.MustDate(2026, time.May, 1)
	p = propose(t, dunning.Input{AsOf: holiday, Items: []invoice.OpenItem{it}, Calendar: invoice.FrenchBusinessCalendar()})
	assert.False(t, p.BusinessDay)
	p = propose(t, dunning.Input{AsOf: holiday, Items: []invoice.OpenItem{it}})
	assert.True(t, p.BusinessDay, "1 May is a weekday without the French calendar")
}

func history(c o2c.CustomerID, it invoice.OpenItem, level int, name string, on o2c.Date, status dunning.LetterStatus) dunning.HistoryEntry {
	return dunning.HistoryEntry{Key: name, RunDate: on, Customer: c, Currency: o2c.EUR, Plan: "FR", Level: level, LevelName: name,
		Items: []dunning.HistoryItem{{Invoice: it.Invoice, Amount: it.Open}}, Event: o2c.NewEventID(), Status: status}
}

func TestLevelsStepOneAtATime(t *testing.T) {
	c := o2c.NewCustomerID()
	it := openItem(c, "F-1", "1000.00", asOf.AddDays(-100), asOf.AddDays(-70))
	in := dunning.Input{Items: []invoice.OpenItem{it}, Rates: ecb}
	p := propose(t, in)
	require.Len(t, p.Letters, 1)
	assert.Equal(t, "reminder-1", p.Letters[0].LevelName, "70 days overdue, yet one step per run")
	assert.Equal(t, -1, p.Letters[0].Previous)

	in.History = []dunning.HistoryEntry{history(c, it, 1, "reminder-1", asOf.AddDays(-3), dunning.LetterDelivered)}
	p = propose(t, in)
	assert.Empty(t, p.Letters, "reminder-2 needs 7 days after reminder-1")
	in.History[0].RunDate = asOf.AddDays(-7)
	p = propose(t, in)
	require.Len(t, p.Letters, 1)
	assert.Equal(t, "reminder-2", p.Letters[0].LevelName)
	assert.Contains(t, p.Letters[0].Reasons, "previous level reminder-1 sent on 2026-03-03")

	// a failed letter does not count
	in.History[0].Status = dunning.LetterFailed
	p = propose(t, in)
	assert.Equal(t, "reminder-1", p.Letters[0].LevelName)

	// a plan allowing three steps per run climbs to the formal notice
	fr := dunning.PlanFrance()
	fr.MaxStepsPerRun = 3
	in.History, in.Plans = nil, book(t, fr)
	p = propose(t, in)
	require.Len(t, p.Letters, 1)
	assert.Equal(t, "formal-notice", p.Letters[0].LevelName)
	assert.True(t, p.Letters[0].Interest.IsPositive())
	assert.Equal(t, "40.00 EUR", p.Letters[0].RecoveryFees.String())
	assert.Equal(t, asOf.AddDays(8), p.Letters[0].PaymentDeadline)

	// at the last level, nothing more
	in.History = []dunning.HistoryEntry{history(c, it, 4, "handoff", asOf.AddDays(-30), dunning.LetterDelivered)}
	p = propose(t, in)
	assert.Empty(t, p.Letters)
}

func TestPaymentsAndMinimumAmount(t *testing.T) {
	c := o2c.NewCustomerID()
	it := openItem(c, "F-1", "1000.00", asOf.AddDays(-60), asOf.AddDays(-31))
	hist := []dunning.HistoryEntry{history(c, it, 2, "reminder-2", asOf.AddDays(-16), dunning.LetterDelivered)}
	// a partial payment keeps the level: the next one is the formal notice
	part := it
	part.Open = o2c.MustMoney("400.00", "EUR")
	p := propose(t, dunning.Input{Items: []invoice.OpenItem{part}, History: hist, Rates: ecb})
	require.Len(t, p.Letters, 1)
	assert.Equal(t, "formal-notice", p.Letters[0].LevelName)
	assert.Equal(t, 2, p.Letters[0].Previous)
	// below the notice's 50 EUR minimum: no letter, and why
	part.Open = o2c.MustMoney("40.00", "EUR")
	p = propose(t, dunning.Input{Items: []invoice.OpenItem{part}, History: hist, Rates: ecb})
	assert.Empty(t, p.Letters)
	assert.Contains(t, p.Skipped[0].Reason, "below the minimum 50.00 of level formal-notice")
	// a full payment takes the customer out; a new invoice starts over
	fresh := openItem(c, "F-9", "500.00", asOf.AddDays(-35), asOf.AddDays(-6))
	p = propose(t, dunning.Input{Items: []invoice.OpenItem{fresh}, History: hist})
	require.Len(t, p.Letters, 1)
	assert.Equal(t, "reminder-1", p.Letters[0].LevelName)
	assert.Equal(t, -1, p.Letters[0].Previous)
	// interest without rates is an error naming the customer
	_, err := dunning.Propose(dunning.Input{AsOf: asOf, Plans: book(t), Items: []invoice.OpenItem{it}, History: hist})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	assert.Contains(t, err.Error(), c.String())
}

func TestPlanAssignmentPrecedence(t *testing.T) {
	c := o2c.NewCustomerID()
	b, err := dunning.NewPlanBook([]dunning.Plan{dunning.PlanFrance(), dunning.PlanEnglish()}, "FR", []dunning.Assignment{
		{Kind: dunning.AssignSegment, Key: "export", Plan: "EN"},
		{Kind: dunning.AssignRiskClass, Key: "C", Plan: "FR"},
		{Kind: dunning.AssignCustomer, Key: c.String(), Plan: "EN"},
	})
	require.NoError(t, err)
	pl, why, ok := b.Resolve(c, dunning.Profile{RiskClass: "C"})
	assert.True(t, ok)
	assert.Equal(t, "EN", pl.Code)
	assert.Equal(t, "customer assignment", why)
	other := o2c.NewCustomerID()
	pl, why, _ = b.Resolve(other, dunning.Profile{Segment: "export", RiskClass: "C"})
	assert.Equal(t, "FR", pl.Code)
	assert.Equal(t, "risk class C", why)
	pl, why, _ = b.Resolve(other, dunning.Profile{Segment: "export"})
	assert.Equal(t, "EN", pl.Code)
	assert.Equal(t, "segment export", why)
	_, why, _ = b.Resolve(other, dunning.Profile{})
	assert.Equal(t, "default plan", why)

	noDefault, err := dunning.NewPlanBook([]dunning.Plan{dunning.PlanFrance()}, "", nil)
	require.NoError(t, err)
	_, _, ok = noDefault.Resolve(other, dunning.Profile{})
	assert.False(t, ok)
	p := propose(t, dunning.Input{Plans: noDefault, Items: []invoice.OpenItem{openItem(other, "F", "10", asOf.AddDays(-40), asOf.AddDays(-10))}})
	assert.Empty(t, p.Letters, "no plan, no dunning")

	_, err = dunning.NewPlanBook([]dunning.Plan{dunning.PlanFrance()}, "FR", []dunning.Assignment{{Kind: dunning.AssignSegment, Key: "x", Plan: "EN"}})
	assert.ErrorIs(t, err, dunning.ErrUnknownPlan)
}

func TestPlanValidate(t *testing.T) {
	require.NoError(t, dunning.PlanFrance().Validate())
	require.NoError(t, dunning.PlanEnglish().Validate())
	for name, change := range map[string]func(p *dunning.Plan){
		"code":                              func(p *dunning.Plan) { p.Code = "" },
		"levels":                            func(p *dunning.Plan) { p.Levels = nil },
		"levels[1].channel":                 func(p *dunning.Plan) { p.Levels[1].Channel = "fax" },
		"levels[2].offset_days":             func(p *dunning.Plan) { p.Levels[2].OffsetDays = 0 },
		"levels[1].name":                    func(p *dunning.Plan) { p.Levels[1].Name = "courtesy" },
		"levels[0].template":                func(p *dunning.Plan) { p.Levels[0].Template = "" },
		"levels[0].fees[0]":                 func(p *dunning.Plan) { p.Levels[0].Fees = []o2c.Money{o2c.MustMoney("-1", "EUR")} },
		"levels[3].min_days_since_previous": func(p *dunning.Plan) { p.Levels[3].MinDaysSincePrevious = -1 },
		"late_payment":                      func(p *dunning.Plan) { p.LatePayment = invoice.LatePaymentPolicy{} },
	} {
		p := dunning.PlanFrance()
		change(&p)
		var ve *o2c.ValidationError
		require.ErrorAs(t, p.Validate(), &ve, name)
		assert.Equal(t, name, ve.Field)
	}
}

// TestInterestMatchesLatePaymentCharges: the scheduler computes interest
// once per due date on a unit principal; for any principal and due date
// the result equals invoice.LatePaymentCharges on that principal.
func TestInterestMatchesLatePaymentCharges(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cents := rapid.Int64Range(1, 10_000_000_00).Draw(rt, "cents")
		late := rapid.IntRange(1, 400).Draw(rt, "late")
		mode := o2c.RoundingMode(rapid.IntRange(0, int(o2c.RoundCeiling)).Draw(rt, "mode"))
		c := o2c.NewCustomerID()
		it := openItem(c, "F-1", "1", asOf.AddDays(-late-30), asOf.AddDays(-late))
		it.Open, it.Gross = o2c.FromMinor(cents, o2c.EUR), o2c.FromMinor(cents, o2c.EUR)
		fr := dunning.Plan{Code: "T", LatePayment: invoice.LatePaymentPolicyFrance(), Levels: []dunning.Level{
			{Name: "r", OffsetDays: 1, Channel: dunning.ChannelEmail, Template: dunning.TemplateReminder, ClaimInterest: true}}}
		b, err := dunning.NewPlanBook([]dunning.Plan{fr}, "T", nil)
		require.NoError(rt, err)
		p, err := dunning.Propose(dunning.Input{AsOf: asOf, Plans: b, Items: []invoice.OpenItem{it}, Rates: ecb, Rounding: mode})
		require.NoError(rt, err)
		require.Len(rt, p.Letters, 1)
		pol := fr.LatePayment
		pol.RecoveryFees = nil
		claim, err := invoice.LatePaymentCharges(pol, invoice.LatePaymentRequest{Principal: it.Open, DueDate: it.DueDate, Until: asOf, Rates: ecb}, mode)
		require.NoError(rt, err)
		assert.Equal(rt, claim.Interest.String(), p.Letters[0].Items[0].Interest.String())
	})
}

func TestProposeValidates(t *testing.T) {
	_, err := dunning.Propose(dunning.Input{})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = dunning.Propose(dunning.Input{AsOf: asOf})
	assert.ErrorIs(t, err, o2c.ErrValidation)
}
