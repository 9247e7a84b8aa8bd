package main

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

var (
	hundred = decimal.NewFromInt(100)
	one     = decimal.NewFromInt(1)
)

type exposurePart struct {
	Label  string
	Amount o2c.Money
}

type customerData struct {
	Customer  *customer.Customer
	Findings  []customer.Missing
	Profile   *credit.Profile
	Exposure  credit.Exposure
	Parts     []exposurePart
	Headroom  o2c.Money
	Over      bool
	Chart     template.HTML
	Open      []invoice.OpenItem
	OpenTotal o2c.Money
	Timeline  []event
}

// event is one line of a customer's timeline.
type event struct {
	At     time.Time
	Kind   string
	What   string
	Amount string
	Link   string
}

type customerRow struct {
	Customer *customer.Customer
	Open     o2c.Money
	Findings int
}

func (a *App) customersPage(w http.ResponseWriter, r *http.Request, v *view) {
	_, custs, err := customerNames(r.Context(), v.T)
	if err != nil {
		a.fail(w, v, err)
		return
	}
	var rows []customerRow
	for _, c := range custs {
		items, err := v.T.Cycle.Invoices().OpenItems(r.Context(), invoice.OpenItemFilter{Customer: c.ID})
		if err != nil {
			a.fail(w, v, err)
			return
		}
		open := o2c.Zero(currency)
		for _, it := range items {
			if open, err = open.Add(it.Open); err != nil {
				a.fail(w, v, err)
				return
			}
		}
		rows = append(rows, customerRow{Customer: c, Open: open, Findings: len(customer.ReadyToInvoice(c, readiness))})
	}
	v.Title, v.Page, v.Data = "Customers", "customers", rows
	a.render(w, http.StatusOK, "customers", v)
}

// customerPage shows one customer of the tenant. A customer of another
// tenant is not found: every store is bound to its tenant.
func (a *App) customerPage(w http.ResponseWriter, r *http.Request, v *view) {
	ctx := r.Context()
	id, err := o2c.ParseCustomerID(r.PathValue("customer"))
	if err != nil {
		a.fail(w, v, fmt.Errorf("customer %q: %w", r.PathValue("customer"), o2c.ErrNotFound))
		return
	}
	env := v.T
	c, err := env.Store.Customers().Get(ctx, id)
	if err != nil {
		a.fail(w, v, err)
		return
	}
	d := &customerData{Customer: c, Findings: customer.ReadyToInvoice(c, readiness), OpenTotal: o2c.Zero(currency)}
	if d.Profile, err = env.Cycle.CreditChecker().Profile(ctx, id); err != nil && !isNotFound(err) {
		a.fail(w, v, err)
		return
	}
	if d.Exposure, err = env.Cycle.Exposure(ctx, id, currency); err != nil {
		a.fail(w, v, err)
		return
	}
	e := d.Exposure
	d.Parts = []exposurePart{{"open orders", e.OpenOrders}, {"deliveries not invoiced", e.Deliveries}, {"receivables less disputed", mustSub(e.Receivables, e.Disputed)}}
	limit := o2c.Zero(currency)
	if d.Profile != nil && !d.Profile.Limit.Currency().IsZero() {
		limit = d.Profile.Limit
	}
	d.Headroom = mustSub(limit, e.Total)
	d.Over = d.Headroom.IsNegative()
	d.Chart = limitChart(limit, d.Parts)
	if d.Open, err = env.Cycle.Invoices().OpenItems(ctx, invoice.OpenItemFilter{Customer: id}); err != nil {
		a.fail(w, v, err)
		return
	}
	for _, it := range d.Open {
		d.OpenTotal, _ = d.OpenTotal.Add(it.Open)
	}
	if d.Timeline, err = a.timeline(ctx, v, id); err != nil {
		a.fail(w, v, err)
		return
	}
	v.Title, v.Page, v.Data = c.LegalName, "customer", d
	a.render(w, http.StatusOK, "customer", v)
}

func mustSub(a, b o2c.Money) o2c.Money {
	if a.Currency().IsZero() {
		a = o2c.Zero(b.Currency())
	}
	r, err := a.Sub(b)
	if err != nil {
		return a
	}
	return r
}

// timeline gathers the customer's orders, credit decisions, invoices,
// payments, disputes and letters, newest first.
func (a *App) timeline(ctx context.Context, v *view, id o2c.CustomerID) ([]event, error) {
	env := v.T
	var evs []event
	orders, err := env.Cycle.Orders().List(ctx, order.Query{Customer: id, Limit: order.MaxLimit})
	if err != nil {
		return nil, err
	}
	for _, o := range orders {
		for _, au := range o.Audit() {
			kind, what := "order", fmt.Sprintf("order …%s %s → %s", shortID(o.ID().String()), au.From, au.To)
			switch au.To {
			case order.StateOnCreditHold, order.StateReleased, order.StateRejected:
				kind = "credit"
				what = fmt.Sprintf("credit: order …%s %s", shortID(o.ID().String()), strings.ReplaceAll(au.To.String(), "_", " "))
				if au.By != "" {
					what += " by " + au.By
				}
				if au.Note != "" {
					what += ": " + au.Note
				}
				if len(au.Reasons) > 0 {
					what += " (" + strings.Join(au.Reasons, ", ") + ")"
				}
			case order.StateDraft:
				continue
			default:
				if au.From == order.StateDraft {
					what = fmt.Sprintf("order …%s placed", shortID(o.ID().String()))
				} else if au.To != order.StatePlaced && au.To != order.StateApproved && au.To != order.StateInvoiced {
					continue // shipments and deliveries: the invoice says enough
				}
			}
			evs = append(evs, event{At: au.At, Kind: kind, What: what, Amount: o.Totals().Gross.String()})
		}
	}
	invs, err := env.Cycle.Invoices().List(ctx, invoice.Filter{Customer: id})
	if err != nil {
		return nil, err
	}
	for _, inv := range invs {
		if inv.Number() == "" {
			continue
		}
		kind := "invoice"
		if inv.Kind() == invoice.KindCreditNote {
			kind = "credit note"
		}
		evs = append(evs, event{At: inv.IssuedAt(), Kind: kind, What: fmt.Sprintf("%s %s issued, due %s", kind, inv.Number(), inv.DueDate()), Amount: inv.Gross().String()})
		for _, s := range inv.Settlements() {
			if s.Kind != invoice.SettledByPayment {
				continue
			}
			what := fmt.Sprintf("payment on %s (value %s)", inv.Number(), s.Date())
			if s.Reversed {
				what += ", reversed"
			}
			evs = append(evs, event{At: s.At, Kind: "payment", What: what, Amount: s.Amount.String()})
		}
		for _, dp := range inv.Disputes() {
			evs = append(evs, event{At: dp.OpenedAt, Kind: "dispute", What: fmt.Sprintf("dispute on %s opened: %s", inv.Number(), strings.ReplaceAll(string(dp.Reason), "_", " ")), Amount: dp.Amount.String()})
			if dp.Status == invoice.DisputeResolved {
				evs = append(evs, event{At: dp.ResolvedAt, Kind: "dispute", What: fmt.Sprintf("dispute on %s resolved: %s", inv.Number(), strings.ReplaceAll(string(dp.Outcome), "_", " ")), Amount: dp.Credited.String()})
			}
		}
	}
	hist, err := env.Store.Dunning().History(ctx, dunning.HistoryFilter{Customer: id})
	if err != nil {
		return nil, err
	}
	for _, h := range hist {
		evs = append(evs, event{At: h.CreatedAt, Kind: "letter", What: fmt.Sprintf("letter: %s (%s)", h.LevelName, h.Status), Amount: h.Total.String(),
			Link: env.base() + "/letters?key=" + urlQuery(h.Key)})
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].At.After(evs[j].At) })
	return evs, nil
}
