package main

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// currency is the workspace's reporting currency: reports are per
// currency and the demo tenants invoice in euros.
var currency = o2c.EUR

// overviewData is what the overview shows; every figure comes from
// package report over the tenant's invoices as of today.
type overviewData struct {
	AsOf       o2c.Date
	Currency   o2c.Currency
	Open       o2c.Money
	Overdue    o2c.Money
	OverduePct string
	OpenItems  int
	DSO        string
	CEI        string
	ADD        string
	BPDSO      string
	Period     report.Period
	Buckets    []report.Bucket
	Total      []o2c.Money
	Customers  []agingLine
	Trend      []trendPoint
	Weeks      []weekCash
	Disputes   []report.DisputeStat

	AgingChart, CustomerChart, TrendChart, ForecastChart, DisputeChart template.HTML
}

type agingLine struct {
	ID      o2c.CustomerID
	Name    string
	Amounts []o2c.Money
	Total   o2c.Money
	Items   int
}

type trendPoint struct {
	Month string
	AsOf  o2c.Date
	Days  decimal.Decimal
	OK    bool
}

type weekCash struct {
	From   o2c.Date
	Label  string
	Amount o2c.Money
	Items  int
}

// reportItems are the tenant's invoices as report items.
func reportItems(ctx context.Context, env *tenantEnv) ([]report.Item, error) {
	invs, err := env.Cycle.Invoices().List(ctx, invoice.Filter{})
	if err != nil {
		return nil, err
	}
	return report.ItemsFromInvoices(invs), nil
}

// customerNames maps the tenant's customers to their names.
func customerNames(ctx context.Context, env *tenantEnv) (map[o2c.CustomerID]string, []*customer.Customer, error) {
	var all []*customer.Customer
	for opts := (customer.ListOptions{Limit: 500}); ; opts.Offset += opts.Limit {
		page, err := env.Store.Customers().List(ctx, opts)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, page...)
		if len(page) < opts.Limit {
			break
		}
	}
	names := make(map[o2c.CustomerID]string, len(all))
	for _, c := range all {
		names[c.ID] = c.LegalName
		if c.LegalName == "" {
			names[c.ID] = c.Number
		}
	}
	return names, all, nil
}

func ratio(d decimal.Decimal) string { return d.StringFixed(report.RatioDigits) }

// figureOf formats a ratio from a report, or says why there is none.
func figureOf(err error, value func() string) string {
	switch {
	case errors.Is(err, report.ErrUndefined):
		return "n/a"
	case err != nil:
		return "error: " + err.Error()
	}
	return value()
}

func computeOverview(ctx context.Context, env *tenantEnv, asOf o2c.Date) (*overviewData, error) {
	items, err := reportItems(ctx, env)
	if err != nil {
		return nil, err
	}
	names, _, err := customerNames(ctx, env)
	if err != nil {
		return nil, err
	}
	o := &overviewData{AsOf: asOf, Currency: currency, Open: o2c.Zero(currency), Overdue: o2c.Zero(currency)}
	aging, err := report.AgingOf(items, asOf, report.AgingOptions{})
	if err != nil {
		return nil, err
	}
	o.Buckets = aging.Buckets
	ca, ok := aging.Currency(currency)
	if ok {
		o.Open, o.Total, o.OpenItems = ca.Total.Total, ca.Total.Amounts, ca.Total.Items
		for i, b := range aging.Buckets {
			if b.Min > 0 { // past due
				if o.Overdue, err = o.Overdue.Add(ca.Total.Amounts[i]); err != nil {
					return nil, err
				}
			}
		}
		for _, c := range ca.Customers {
			o.Customers = append(o.Customers, agingLine{ID: c.Customer, Name: names[c.Customer], Amounts: c.Amounts, Total: c.Total, Items: c.Items})
		}
		sort.SliceStable(o.Customers, func(i, j int) bool {
			c, _ := o.Customers[i].Total.Cmp(o.Customers[j].Total)
			return c > 0
		})
	} else {
		for range aging.Buckets {
			o.Total = append(o.Total, o2c.Zero(currency))
		}
	}
	o.OverduePct = "0.00"
	if o.Open.IsPositive() {
		o.OverduePct = ratio(o.Overdue.Amount().Mul(decimal.NewFromInt(100)).DivRound(o.Open.Amount(), 16).Round(report.RatioDigits))
	}

	dso, err := report.CountbackDSO(items, asOf, report.CountbackOptions{})
	o.DSO = figureOf(err, func() string { return ratioIn(dsoOf(dso)) })
	// CEI and average days delinquent over the last three months
	o.Period = report.Period{From: asOf.AddMonths(-3).AddDays(1), To: asOf}
	cei, err := report.CollectionEffectiveness(items, o.Period)
	o.CEI = figureOf(err, func() string {
		for _, c := range cei {
			if c.Currency == currency {
				return ratio(c.Percent)
			}
		}
		return "n/a"
	})
	add, err := report.AverageDaysDelinquent(items, o.Period)
	o.ADD = figureOf(err, func() string {
		for _, d := range add {
			if d.Currency == currency {
				o.BPDSO = ratio(d.BPDSO)
				return ratio(d.ADD)
			}
		}
		return "n/a"
	})

	// countback DSO at the end of each of the last 12 months (today's
	// month: as of today)
	for i := 11; i >= 0; i-- {
		d := asOf.AddMonths(-i).EndOfMonth()
		if i == 0 {
			d = asOf
		}
		p := trendPoint{Month: d.Time().Format("Jan 06"), AsOf: d}
		if !issuedBy(items, d) {
			// no invoice yet: no DSO to show
		} else if ds, err := report.CountbackDSO(items, d, report.CountbackOptions{}); err == nil {
			if v, ok := dsoOf(ds); ok {
				p.Days, p.OK = v, true
			}
		}
		o.Trend = append(o.Trend, p)
	}

	// cash-in forecast by week (weeks from Monday), 8 weeks and later
	fc, err := report.CashForecast(items, asOf, report.ForecastOptions{})
	if err != nil {
		return nil, err
	}
	start := asOf.AddDays(1)
	for start.Weekday() != time.Monday {
		start = start.AddDays(-1)
	}
	for i := range 9 {
		w := weekCash{From: start.AddDays(7 * i), Amount: o2c.Zero(currency)}
		w.Label = "wk " + w.From.Time().Format("02 Jan")
		if i == 8 {
			w.Label = "later"
		}
		o.Weeks = append(o.Weeks, w)
	}
	for _, c := range fc.ByDate {
		i := min(start.DaysUntil(c.Date)/7, 8)
		if c.Amount.Currency() != currency || i < 0 {
			continue
		}
		if o.Weeks[i].Amount, err = o.Weeks[i].Amount.Add(c.Amount); err != nil {
			return nil, err
		}
		o.Weeks[i].Items += c.Items
	}

	// dispute root causes over the last 12 months
	stats, err := report.DisputeStats(items, report.Period{From: asOf.AddMonths(-12).AddDays(1), To: asOf})
	if err != nil {
		return nil, err
	}
	for _, s := range stats {
		if s.Currency == currency {
			o.Disputes = append(o.Disputes, s)
		}
	}
	sort.SliceStable(o.Disputes, func(i, j int) bool { return o.Disputes[i].Count > o.Disputes[j].Count })

	o.AgingChart = agingBar(o)
	o.CustomerChart = customerAgingChart(o)
	o.TrendChart = trendChart(o.Trend)
	o.ForecastChart = forecastChart(o.Weeks)
	o.DisputeChart = disputeChart(o.Disputes)
	return o, nil
}

func dsoOf(ds []report.DSO) (decimal.Decimal, bool) {
	for _, d := range ds {
		if d.Currency == currency {
			return d.Days, true
		}
	}
	return decimal.Zero, false
}

func ratioIn(d decimal.Decimal, ok bool) string {
	if !ok {
		return "n/a"
	}
	return ratio(d)
}

func (a *App) overviewPage(w http.ResponseWriter, r *http.Request, v *view) {
	o, err := computeOverview(r.Context(), v.T, v.Today)
	if err != nil {
		a.fail(w, v, err)
		return
	}
	v.Title, v.Page, v.Data = "Overview", "overview", o
	a.render(w, http.StatusOK, "overview", v)
}

// issuedBy reports whether any item was issued on or before d.
func issuedBy(items []report.Item, d o2c.Date) bool {
	for _, it := range items {
		if !it.IssueDate.After(d) {
			return true
		}
	}
	return false
}
