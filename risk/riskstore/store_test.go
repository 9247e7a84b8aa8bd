package riskstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/risk/factoring"
	"github.com/cashcycle/sdk/risk/insurance"
	"github.com/cashcycle/sdk/risk/provision"
	"github.com/cashcycle/sdk/risk/riskstore"
)

func eur(s string) o2c.Money           { return o2c.MustMoney(s, "EUR") }
func day(m time.Month, d int) o2c.Date { return o2c.MustDate(2026, m, d) }

// scopes returns two tenants of one database.
type scopes func(t *testing.T) (kernel.Scope, kernel.Scope)

func TestRiskStoreMemory(t *testing.T) {
	run(t, func(t *testing.T) (kernel.Scope, kernel.Scope) {
		db := memory.New()
		return db.MustTenant("acme").Kernel(), db.MustTenant("other").Kernel()
	})
}

func TestRiskStoreSQLite(t *testing.T) {
	run(t, func(t *testing.T) (kernel.Scope, kernel.Scope) {
		db := sqltest.SQLite(t, sqlstore.Options{})
		return db.MustTenant("acme").Kernel(), db.MustTenant("other").Kernel()
	})
}

func TestRiskStorePostgres(t *testing.T) {
	sqltest.PostgresDSN(t)
	run(t, func(t *testing.T) (kernel.Scope, kernel.Scope) {
		db := sqltest.Postgres(t, sqlstore.Options{})
		return db.MustTenant("acme").Kernel(), db.MustTenant("other").Kernel()
	})
}

func run(t *testing.T, open scopes) {
	t.Run("covers", func(t *testing.T) { testCovers(t, open) })
	t.Run("tasks to completion", func(t *testing.T) { testTasks(t, open) })
	t.Run("assignments once", func(t *testing.T) { testAssignments(t, open) })
	t.Run("closings", func(t *testing.T) { testClosings(t, open) })
}

func testCovers(t *testing.T, open scopes) {
	ctx := context.Background()
	a, b := open(t)
	s, other := riskstore.New(a), riskstore.New(b)
	buyer := o2c.NewCustomerID()
	c := insurance.Cover{Buyer: buyer, Insurer: "Coface", Reference: "AG-1", Amount: eur("6000.00"), From: day(1, 1), Until: day(6, 30)}
	require.NoError(t, s.PutCover(ctx, c))
	c.Until = day(12, 31) // renewed under the same reference
	require.NoError(t, s.PutCover(ctx, c))
	require.NoError(t, s.PutCover(ctx, insurance.Cover{Buyer: o2c.NewCustomerID(), Insurer: "Coface", Reference: "AG-2", Amount: eur("1000.00"), From: day(1, 1), Until: day(3, 31)}))
	got, err := s.Covers(ctx, buyer)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, day(12, 31), got[0].Until)
	assert.True(t, got[0].Amount.Equal(eur("6000.00")))
	all, err := s.Covers(ctx, o2c.CustomerID{})
	require.NoError(t, err)
	assert.Len(t, all, 2)
	none, err := other.Covers(ctx, o2c.CustomerID{})
	require.NoError(t, err)
	assert.Empty(t, none, "another tenant sees nothing")
	bad := c
	bad.Amount = eur("-1.00")
	assert.ErrorIs(t, s.PutCover(ctx, bad), o2c.ErrValidation)
}

func testTasks(t *testing.T, open scopes) {
	ctx := context.Background()
	a, b := open(t)
	s := riskstore.New(a)
	buyer := o2c.NewCustomerID()
	covers := []insurance.Cover{{Buyer: buyer, Insurer: "Allianz Trade", Reference: "DEC-1", Amount: eur("20000.00"), From: day(1, 1), Until: day(12, 31)}}
	items := []report.Item{{Invoice: o2c.NewID[invoice.Invoice](), Number: "F-1", Customer: buyer, Currency: o2c.EUR, IssueDate: day(1, 31), DueDate: day(3, 2), Gross: eur("8000.00")}}
	terms := insurance.Terms{Insurer: "Allianz Trade", DeclareDays: 60, NoticeDays: 30, ClaimBusinessDays: 10, Calendar: invoice.FrenchBusinessCalendar()}
	plan := func(on o2c.Date) {
		known, err := s.Tasks(ctx, "")
		require.NoError(t, err)
		changed, err := insurance.PlanTasks(terms, covers, items, known, on)
		require.NoError(t, err)
		require.NoError(t, s.AddTasks(ctx, changed))
	}
	plan(day(4, 1))
	plan(day(4, 2)) // nothing new
	open1, err := s.Tasks(ctx, insurance.TaskOpen)
	require.NoError(t, err)
	require.Len(t, open1, 1)
	assert.Equal(t, day(4, 30), open1[0].Due)
	done, err := s.CompleteTask(ctx, open1[0].Key, day(4, 30), "MS-1")
	require.NoError(t, err)
	assert.Equal(t, insurance.TaskDone, done.Status)
	_, err = s.CompleteTask(ctx, open1[0].Key, day(5, 1), "MS-2")
	assert.ErrorIs(t, err, insurance.ErrTaskClosed)
	plan(day(4, 30))
	claims, err := s.Tasks(ctx, insurance.TaskOpen)
	require.NoError(t, err)
	require.Len(t, claims, 1)
	assert.Equal(t, insurance.FileClaim, claims[0].Kind)
	assert.Equal(t, day(5, 19), claims[0].Due)
	_, err = riskstore.New(b).CompleteTask(ctx, claims[0].Key, day(5, 2), "X")
	assert.ErrorIs(t, err, o2c.ErrNotFound, "another tenant cannot touch it")
}

func testAssignments(t *testing.T, open scopes) {
	ctx := context.Background()
	a, _ := open(t)
	s := riskstore.New(a)
	c := factoring.Contract{Code: "FACT-1", Factor: "F", Currency: o2c.EUR, Mode: factoring.Notified, AdvanceRate: decimal.RequireFromString("0.9"), MaxDaysOverdue: 30}
	require.NoError(t, s.CreateContract(ctx, c))
	assert.ErrorIs(t, s.CreateContract(ctx, c), o2c.ErrConflict)
	back, err := s.Contract(ctx, "FACT-1")
	require.NoError(t, err)
	assert.True(t, back.AdvanceRate.Equal(c.AdvanceRate))
	debtor := o2c.NewCustomerID()
	items := []report.Item{
		{Invoice: o2c.NewID[invoice.Invoice](), Number: "F-1", Customer: debtor, Currency: o2c.EUR, IssueDate: day(3, 1), DueDate: day(4, 1), Gross: eur("1000.00")},
		{Invoice: o2c.NewID[invoice.Invoice](), Number: "F-2", Customer: debtor, Currency: o2c.EUR, IssueDate: day(3, 2), DueDate: day(4, 2), Gross: eur("2000.00")},
	}
	assigned, err := s.Assigned(ctx)
	require.NoError(t, err)
	p, err := factoring.Eligible(factoring.Input{Contract: c, AsOf: day(3, 31), Items: items, Assigned: assigned})
	require.NoError(t, err)
	sc, err := factoring.NewSchedule(c, p, "B-1")
	require.NoError(t, err)
	require.NoError(t, s.Assign(ctx, sc))
	assert.ErrorIs(t, s.Assign(ctx, sc), o2c.ErrConflict, "a due line is assigned once")
	assigned, err = s.Assigned(ctx)
	require.NoError(t, err)
	assert.Len(t, assigned, 2)
	p2, err := factoring.Eligible(factoring.Input{Contract: c, AsOf: day(3, 31), Items: items, Assigned: assigned})
	require.NoError(t, err)
	assert.Empty(t, p2.Eligible)

	// all or nothing: a schedule with one new and one assigned line writes nothing
	items = append(items, report.Item{Invoice: o2c.NewID[invoice.Invoice](), Number: "F-3", Customer: debtor, Currency: o2c.EUR, IssueDate: day(3, 3), DueDate: day(4, 3), Gross: eur("500.00")})
	p3, err := factoring.Eligible(factoring.Input{Contract: c, AsOf: day(3, 31), Items: items})
	require.NoError(t, err)
	sc3, err := factoring.NewSchedule(c, p3, "B-2")
	require.NoError(t, err)
	err = s.Assign(ctx, sc3)
	require.True(t, errors.Is(err, o2c.ErrConflict), "%v", err)
	assigned, err = s.Assigned(ctx)
	require.NoError(t, err)
	assert.Len(t, assigned, 2, "F-3 was not left assigned by the refused schedule")
}

func testClosings(t *testing.T, open scopes) {
	ctx := context.Background()
	a, _ := open(t)
	s := riskstore.New(a)
	_, err := s.LastClosing(ctx, o2c.EUR, day(6, 30))
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	c := provision.Closing{Date: o2c.MustDate(2025, 12, 31), Currency: o2c.EUR, Total: eur("2000.00"),
		Customers: []provision.CustomerProvision{{Customer: o2c.NewCustomerID(), Base: eur("2000.00"), Provision: eur("2000.00"), Reasons: []provision.Reason{provision.ReasonLitigation}}}}
	require.NoError(t, s.SaveClosing(ctx, c))
	assert.ErrorIs(t, s.SaveClosing(ctx, c), o2c.ErrConflict, "a closing is not rewritten")
	got, err := s.LastClosing(ctx, o2c.EUR, day(6, 30))
	require.NoError(t, err)
	assert.True(t, got.Total.Equal(eur("2000.00")))
	require.Len(t, got.Customers, 1)
	assert.Equal(t, c.Customers[0].Customer, got.Customers[0].Customer)
}
