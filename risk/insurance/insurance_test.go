package insurance_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/risk/insurance"
	"github.com/cashcycle/sdk/tax"
)

func eur(s string) o2c.Money           { return o2c.MustMoney(s, "EUR") }
func day(m time.Month, d int) o2c.Date { return o2c.MustDate(2026, m, d) }

func cust(n int) o2c.CustomerID {
	id, _ := o2c.ParseCustomerID(fmt.Sprintf("00000000-0000-7000-8000-%012d", n))
	return id
}

func terms(cal invoice.BusinessCalendar) insurance.Terms {
	return insurance.Terms{Insurer: "Allianz Trade", DeclareDays: 60, NoticeDays: 30, ClaimBusinessDays: 10, Calendar: cal}
}

// On the French calendar of 2026: 1 May (Friday), 8 May (Friday) and
// Ascension (Thursday 14 May) are holidays.
func TestDeadlinesOnBusinessDayCalendars(t *testing.T) {
	fr := terms(invoice.FrenchBusinessCalendar())
	weekdays := terms(nil)
	// due 2 March + 60 days = Friday 1 May
	assert.Equal(t, day(4, 30), fr.DeclareDeadline(day(3, 2)), "1 May is a holiday in France: declare by Thursday 30 April")
	assert.Equal(t, day(5, 1), weekdays.DeclareDeadline(day(3, 2)))
	// due 7 March + 60 = Wednesday 6 May: a business day everywhere
	assert.Equal(t, day(5, 6), fr.DeclareDeadline(day(3, 7)))
	// due 4 March + 60 = Sunday 3 May: back to Thursday 30 April in France (1 May off), Friday 1 May on weekdays
	assert.Equal(t, day(4, 30), fr.DeclareDeadline(day(3, 4)))
	assert.Equal(t, day(5, 1), weekdays.DeclareDeadline(day(3, 4)))
	// declared Thursday 30 April, claim within 10 business days:
	// France skips 1 May, 8 May and 14 May -> Tuesday 19 May
	assert.Equal(t, day(5, 19), fr.ClaimDeadline(day(4, 30)))
	assert.Equal(t, day(5, 14), weekdays.ClaimDeadline(day(4, 30)))
}

func TestTasksRaisedOnTheirDatesAndTrackedToCompletion(t *testing.T) {
	A := cust(1)
	covers := []insurance.Cover{{Buyer: A, Insurer: "Allianz Trade", Reference: "DEC-778", Amount: eur("20000.00"), From: day(1, 1), Until: day(12, 31)}}
	unpaid := report.Item{Invoice: o2c.NewID[invoice.Invoice](), Number: "F-100", Customer: A, Currency: o2c.EUR, IssueDate: day(1, 31), DueDate: day(3, 2), Gross: eur("8000.00")}
	paidLate := report.Item{Invoice: o2c.NewID[invoice.Invoice](), Number: "F-101", Customer: A, Currency: o2c.EUR, IssueDate: day(2, 1), DueDate: day(3, 3), Gross: eur("500.00"),
		Movements: []report.Movement{{Kind: report.MovementPayment, Date: day(4, 10), Amount: eur("500.00")}}}
	items := []report.Item{unpaid, paidLate}
	tm := terms(invoice.FrenchBusinessCalendar())

	none, err := insurance.PlanTasks(tm, covers, items, nil, day(3, 31))
	require.NoError(t, err)
	assert.Empty(t, none, "30 days of notice not over yet")

	var tasks []insurance.Task
	apply := func(on o2c.Date) []insurance.Task {
		t.Helper()
		changed, err := insurance.PlanTasks(tm, covers, items, tasks, on)
		require.NoError(t, err)
		for _, c := range changed {
			replaced := false
			for i := range tasks {
				if tasks[i].Key == c.Key {
					tasks[i], replaced = c, true
				}
			}
			if !replaced {
				tasks = append(tasks, c)
			}
		}
		return changed
	}
	got := apply(day(4, 2))
	require.Len(t, got, 2)
	assert.Equal(t, insurance.DeclareOverdue, got[0].Kind)
	assert.Equal(t, "F-100", got[0].Number)
	assert.Equal(t, day(4, 1), got[0].Raised)
	assert.Equal(t, day(4, 30), got[0].Due, "due 2 March + 60 days is 1 May, a holiday")
	assert.Equal(t, "F-101", got[1].Number)
	assert.Equal(t, day(4, 30), got[1].Due, "3 March + 60 = Saturday 2 May, and Friday 1 May is a holiday: Thursday 30 April")
	assert.Empty(t, apply(day(4, 3)), "raising is idempotent")

	// F-101 paid on 10 April: its declaration is cancelled
	got = apply(day(4, 11))
	require.Len(t, got, 1)
	assert.Equal(t, insurance.TaskCancelled, got[0].Status)

	// F-100 declared on its last day, then the claim is due 10 French
	// business days later
	for i := range tasks {
		if tasks[i].Number == "F-100" {
			require.NoError(t, tasks[i].Complete(day(4, 30), "MS-2026-0412"))
			assert.False(t, tasks[i].Late(day(5, 30)))
			assert.ErrorIs(t, tasks[i].Complete(day(4, 30), "again"), insurance.ErrTaskClosed)
		}
	}
	got = apply(day(4, 30))
	require.Len(t, got, 1)
	assert.Equal(t, insurance.FileClaim, got[0].Kind)
	assert.Equal(t, day(5, 19), got[0].Due)
	assert.True(t, got[0].Late(day(5, 20)), "an open claim past its deadline is late")
	assert.False(t, got[0].Late(day(5, 19)))
	assert.Empty(t, apply(day(5, 2)))
}

func zeroRated(price o2c.Money) []order.LineSpec {
	return []order.LineSpec{{SKU: "X", Quantity: decimal.NewFromInt(1), UnitPrice: price, TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}}
}

func TestExpiredCoverLowersTheEnforcedLimit(t *testing.T) {
	A := cust(1)
	covers := []insurance.Cover{{Buyer: A, Insurer: "Coface", Reference: "AG-1", Amount: eur("6000.00"), From: day(1, 1), Until: day(3, 31)}}
	own := insurance.LimitPolicy{OwnRisk: eur("2000.00")}

	lim, st, err := insurance.EnforcedLimit(eur("10000.00"), covers, A, day(3, 31), own)
	require.NoError(t, err)
	assert.Equal(t, insurance.Covered, st)
	assert.True(t, lim.Equal(eur("6000.00")), lim.String())
	lim, st, err = insurance.EnforcedLimit(eur("10000.00"), covers, A, day(4, 1), own)
	require.NoError(t, err)
	assert.Equal(t, insurance.Expired, st)
	assert.True(t, lim.Equal(eur("2000.00")), "expired: the own-risk allowance, %s", lim)
	lim, _, _ = insurance.EnforcedLimit(eur("10000.00"), covers, A, day(4, 1), insurance.LimitPolicy{})
	assert.True(t, lim.IsZero(), "expired without own risk: nothing")
	lim, st, _ = insurance.EnforcedLimit(eur("10000.00"), covers, cust(2), day(4, 1), own)
	assert.Equal(t, insurance.Uninsured, st)
	assert.True(t, lim.Equal(eur("10000.00")), "never insured: the granted limit")
}

// Through credit's own check: the cover synced into the credit profile
// caps the limit while in force; once expired, the limit drops to the
// own-risk allowance (credit alone would go back to the granted 10,000).
// Held orders do not count in exposure here (credit.Rules.ExcludeHeld).
func TestSyncEnforcesTheCoverInCreditChecks(t *testing.T) {
	ctx := context.Background()
	run := func(t *testing.T, sync bool, hold bool, own insurance.LimitPolicy) []order.State {
		s := memory.New().MustTenant("acme")
		clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		checker, err := credit.NewChecker(credit.Options{Store: s.CreditProfiles(), Source: credit.StoreSource{Orders: s.Orders(), Invoices: s.Invoices()},
			Clock: clock, Rules: credit.Rules{ExcludeHeld: true}, Policy: credit.Policy{HoldExpiredCover: hold}})
		require.NoError(t, err)
		orders, err := order.NewService(s.Orders(), order.Options{Clock: clock, Credit: checker})
		require.NoError(t, err)
		A := o2c.NewCustomerID()
		require.NoError(t, s.CreditProfiles().CreateProfile(ctx, &credit.Profile{Customer: A, Limit: eur("10000.00")}))
		covers := []insurance.Cover{{Buyer: A, Insurer: "Coface", Reference: "AG-1", Amount: eur("6000.00"), From: day(1, 1), Until: day(3, 31)}}
		place := func(amount string) order.State {
			o, err := orders.Create(ctx, order.Details{Customer: A, Currency: o2c.EUR, Lines: zeroRated(eur(amount))})
			require.NoError(t, err)
			o, err = orders.Place(ctx, o.ID(), "")
			require.NoError(t, err)
			return o.State()
		}
		var states []order.State
		if sync {
			_, err := insurance.Sync(ctx, checker, covers, A, day(3, 2), own)
			require.NoError(t, err)
		}
		states = append(states, place("7000.00"), place("5000.00"))
		clock.Set(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
		if sync {
			p, err := insurance.Sync(ctx, checker, covers, A, day(4, 1), own)
			require.NoError(t, err)
			require.NotNil(t, p.Insurance)
		}
		states = append(states, place("100.00"))
		return states
	}
	held, ok := order.StateOnCreditHold, order.StatePlaced
	assert.Equal(t, []order.State{held, ok, held}, run(t, true, false, insurance.LimitPolicy{OwnRisk: eur("2000.00")}),
		"7,000 over the 6,000 cover; 5,000 fits; after expiry 5,000 + 100 is over the 2,000 own risk")
	assert.Equal(t, []order.State{held, ok, held}, run(t, true, true, insurance.LimitPolicy{}),
		"without own risk the expired cover holds every order (credit_insurance_expired)")
	assert.Equal(t, []order.State{ok, held, ok}, run(t, false, false, insurance.LimitPolicy{}),
		"unsynced, credit knows no cover and enforces the granted 10,000: 7,000 fits, 7,000 + 5,000 does not, 7,000 + 100 does")
}

func TestInsuredVersusUninsuredExposure(t *testing.T) {
	A, B, C := cust(1), cust(2), cust(3)
	covers := []insurance.Cover{
		{Buyer: A, Insurer: "Atradius", Reference: "X1", Amount: eur("6000.00"), From: day(1, 1), Until: day(12, 31), Quota: decimal.RequireFromString("0.9")},
		{Buyer: C, Insurer: "Atradius", Reference: "X2", Amount: eur("5000.00"), From: day(1, 1), Until: day(2, 28)},
	}
	r, err := insurance.Exposure(map[o2c.CustomerID]o2c.Money{A: eur("8000.00"), B: eur("3000.00"), C: eur("1000.00")}, covers, day(3, 31), o2c.EUR)
	require.NoError(t, err)
	require.Len(t, r.Buyers, 3)
	a, b, c := r.Buyers[0], r.Buyers[1], r.Buyers[2]
	assert.True(t, a.Insured.Equal(eur("6000")) && a.Uninsured.Equal(eur("2000")) && a.Indemnity.Equal(eur("5400")))
	assert.Equal(t, insurance.Uninsured, b.State)
	assert.True(t, b.Uninsured.Equal(eur("3000")))
	assert.Equal(t, insurance.Expired, c.State)
	assert.True(t, c.Uninsured.Equal(eur("1000")))
	assert.True(t, r.Insured.Equal(eur("6000")) && r.Uninsured.Equal(eur("6000")) && r.Exposure.Equal(eur("12000")))
}
