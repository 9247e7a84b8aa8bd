package cycle

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// BucketAmount is one named row of an aging: the bucket (its label and the
// ages in days it holds) and the open amount in it.
type BucketAmount struct {
	Label    string
	Min, Max int
	Amount   o2c.Money
}

// CustomerAging is one customer's row of an [AgingReport].
type CustomerAging struct {
	Customer o2c.CustomerID
	Buckets  []BucketAmount
	Total    o2c.Money
	Items    int
}

// AgingReport is the aged balance of one currency as of a date, as named
// per-bucket rows: the tenant's total by bucket and one row per customer
// with open items (in customer ID order). Total equals the open balance.
type AgingReport struct {
	AsOf      o2c.Date
	Currency  o2c.Currency
	Basis     report.Basis
	Buckets   []BucketAmount
	Total     o2c.Money
	Items     int
	Customers []CustomerAging
}

// Bucket returns the row labelled label, and whether there is one.
func (a AgingReport) Bucket(label string) (BucketAmount, bool) {
	for _, b := range a.Buckets {
		if b.Label == label {
			return b, true
		}
	}
	return BucketAmount{}, false
}

// items reads every issued invoice and deposit invoice of the tenant, page
// by page, as report items.
func (c *Cycle) items(ctx context.Context) ([]report.Item, error) {
	const page = 500
	var invs []*invoice.Invoice
	for offset := 0; ; offset += page {
		got, err := c.invoices.List(ctx, invoice.Filter{Kinds: []invoice.Kind{invoice.KindInvoice, invoice.KindDeposit}, Limit: page, Offset: offset})
		if err != nil {
			return nil, err
		}
		invs = append(invs, got...)
		if len(got) < page {
			break
		}
	}
	return report.ItemsFromInvoices(invs), nil
}

// Aging returns the aged balance in cur as of asOf (zero: today on the
// cycle's clock), by due date in [report.DefaultBuckets] unless opts say
// otherwise. It reads the tenant's invoices through the invoicing service;
// a tenant with very many invoices ages faster through its adapter's
// report.AgingSource. Errors: a *o2c.ValidationError for bad options.
func (c *Cycle) Aging(ctx context.Context, asOf o2c.Date, cur o2c.Currency, opts report.AgingOptions) (AgingReport, error) {
	if cur.IsZero() {
		return AgingReport{}, o2c.NewValidationError("currency", "is required")
	}
	if asOf.IsZero() {
		asOf = o2c.Today(c.clock, c.loc)
	}
	ctx, end := c.obs.Start(ctx, "cycle.Aging")
	items, err := c.items(ctx)
	if err != nil {
		return AgingReport{}, end(err)
	}
	a, err := report.AgingOf(items, asOf, opts)
	if err != nil {
		return AgingReport{}, end(err)
	}
	out := AgingReport{AsOf: asOf, Currency: cur, Basis: a.Basis, Total: o2c.Zero(cur)}
	named := func(amounts []o2c.Money) []BucketAmount {
		rows := make([]BucketAmount, len(a.Buckets))
		for i, b := range a.Buckets {
			rows[i] = BucketAmount{Label: b.Label, Min: b.Min, Max: b.Max, Amount: o2c.Zero(cur)}
			if i < len(amounts) {
				rows[i].Amount = amounts[i]
			}
		}
		return rows
	}
	ca, ok := a.Currency(cur)
	out.Buckets = named(nil)
	if ok {
		out.Buckets, out.Total, out.Items = named(ca.Total.Amounts), ca.Total.Total, ca.Total.Items
		for _, r := range ca.Customers {
			out.Customers = append(out.Customers, CustomerAging{Customer: r.Customer, Buckets: named(r.Amounts), Total: r.Total, Items: r.Items})
		}
	}
	return out, end(nil)
}

// DSOReport is days sales outstanding in one currency as of a date, by the
// countback method and by the simple method over the period given.
type DSOReport struct {
	AsOf        o2c.Date
	Currency    o2c.Currency
	Countback   decimal.Decimal
	Simple      decimal.Decimal
	Period      report.Period
	Receivables o2c.Money
	Sales       o2c.Money
}

// DSO returns the days sales outstanding in cur as of asOf (zero: today):
// the countback DSO (report.CountbackDSO, 24 months at most) and the simple
// DSO over the days from `from` to asOf (zero from: 90 days back), with the
// receivables and the sales of that period. A currency without sales gives
// zero days.
func (c *Cycle) DSO(ctx context.Context, asOf, from o2c.Date, cur o2c.Currency) (DSOReport, error) {
	if cur.IsZero() {
		return DSOReport{}, o2c.NewValidationError("currency", "is required")
	}
	if asOf.IsZero() {
		asOf = o2c.Today(c.clock, c.loc)
	}
	if from.IsZero() {
		from = asOf.AddDays(-89)
	}
	ctx, end := c.obs.Start(ctx, "cycle.DSO")
	items, err := c.items(ctx)
	if err != nil {
		return DSOReport{}, end(err)
	}
	out := DSOReport{AsOf: asOf, Currency: cur, Period: report.Period{From: from, To: asOf}, Receivables: o2c.Zero(cur), Sales: o2c.Zero(cur)}
	cb, err := report.CountbackDSO(items, asOf, report.CountbackOptions{})
	if err != nil {
		return DSOReport{}, end(err)
	}
	for _, d := range cb {
		if d.Currency == cur {
			out.Countback = d.Days
		}
	}
	simple, err := report.SimpleDSO(items, out.Period)
	if err != nil {
		return DSOReport{}, end(err)
	}
	for _, d := range simple {
		if d.Currency == cur {
			out.Simple, out.Receivables, out.Sales = d.Days, d.Receivables, d.Sales
		}
	}
	return out, end(nil)
}
