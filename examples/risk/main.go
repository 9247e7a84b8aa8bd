// Command risk prints, for a demo tenant's year of receivables, the IFRS 9
// provision matrix computed from its own roll rates, the post-mortem of
// the customer it wrote off, and a factoring schedule of what a factor
// would finance at the year end.
//
// The demo tenant is generated (fixed seed): eight customers invoiced
// twice a month on 30-day terms through 2026, each paying with its own
// habits; "Drift SAS" stops paying in August after a sales director
// released an order above its limit, is reminded late and is written off
// on 1 December.
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/risk/factoring"
	"github.com/cashcycle/sdk/risk/postmortem"
	"github.com/cashcycle/sdk/risk/provision"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type habit struct {
	name      string
	lateDays  int // typical days after due
	spread    int // random extra days
	stopsFrom o2c.Date
}

var (
	yearEnd = o2c.MustDate(2026, time.December, 31)
	habits  = []habit{
		{name: "Prompt SARL", lateDays: -3, spread: 4},
		{name: "Steady SA", lateDays: 2, spread: 6},
		{name: "Slow GmbH", lateDays: 20, spread: 25},
		{name: "Later Ltd", lateDays: 40, spread: 30},
		{name: "Nordic AB", lateDays: 5, spread: 10},
		{name: "Tardy BV", lateDays: 70, spread: 40},
		{name: "Fine SpA", lateDays: 0, spread: 8},
		{name: "Drift SAS", lateDays: 15, spread: 10, stopsFrom: o2c.MustDate(2026, time.August, 1)},
	}
)

type tenant struct {
	ids     map[string]o2c.CustomerID
	names   map[o2c.CustomerID]string
	items   []report.Item
	drift   postmortem.History
	written o2c.Date
}

func eur(minor int64) o2c.Money { return o2c.FromMinor(minor, o2c.EUR) }

// demo generates the tenant.
func demo() *tenant {
	rnd := rand.New(rand.NewPCG(2026, 17))
	t := &tenant{ids: map[string]o2c.CustomerID{}, names: map[o2c.CustomerID]string{}, written: o2c.MustDate(2026, time.December, 1)}
	n := 0
	for i, h := range habits {
		id, _ := o2c.ParseCustomerID(fmt.Sprintf("00000000-0000-7000-8000-%012d", i+1))
		t.ids[h.name], t.names[id] = id, h.name
		for m := 1; m <= 12; m++ {
			for _, d := range []int{1, 15} {
				issue := o2c.MustDate(2026, time.Month(m), d)
				if !h.stopsFrom.IsZero() && issue.After(o2c.MustDate(2026, time.October, 31)) {
					continue // in liquidation: no more deliveries
				}
				n++
				it := report.Item{Invoice: o2c.IDFromUUID[invoice.Invoice](uuidN(n)), Number: fmt.Sprintf("F-%04d", n), Customer: id, Currency: o2c.EUR,
					IssueDate: issue, DueDate: issue.AddDays(30), Gross: eur(int64(50000 + rnd.IntN(450000)))}
				pay := it.DueDate.AddDays(h.lateDays + rnd.IntN(h.spread+1))
				switch {
				case !h.stopsFrom.IsZero() && !it.DueDate.Before(h.stopsFrom):
					if it.IssueDate.Before(t.written) {
						it.Movements = append(it.Movements, report.Movement{Kind: report.MovementWriteOff, Date: t.written, Amount: it.Gross})
					}
				case h.name == "Tardy BV" && m%4 == 0:
					// one invoice in four is never paid and written off 120 days late
					if wo := it.DueDate.AddDays(120); !wo.After(yearEnd) {
						it.Movements = append(it.Movements, report.Movement{Kind: report.MovementWriteOff, Date: wo, Amount: it.Gross})
					}
				case !pay.After(yearEnd):
					it.Movements = append(it.Movements, report.Movement{Kind: report.MovementPayment, Date: pay, Amount: it.Gross})
				}
				t.items = append(t.items, it)
			}
		}
	}
	t.drift = driftHistory(t)
	return t
}

func uuidN(n int) [16]byte {
	var u [16]byte
	u[6], u[8] = 0x70, 0x80
	u[14], u[15] = byte(n>>8), byte(n)
	return u
}

// driftHistory is what the SDK recorded about Drift SAS besides its
// invoices: order events, letters, a promise, readiness at issue.
func driftHistory(t *tenant) postmortem.History {
	c := t.ids["Drift SAS"]
	h := postmortem.History{Customer: c, Default: postmortem.Default{Kind: postmortem.WrittenOff, Date: t.written, Note: "liquidation judiciaire"},
		Limits: []postmortem.Limit{{From: o2c.MustDate(2026, 1, 1), Limit: eur(1500000)}}}
	for _, it := range t.items {
		if it.Customer == c {
			h.Items = append(h.Items, it)
		}
	}
	ev := func(typ string, at time.Time, p order.EventPayload) {
		p.OrderID, p.CustomerID, p.Currency = "0190a000-0000-7000-8000-000000000777", c.String(), "EUR"
		e, err := o2c.NewEvent("demo", "order", p.OrderID, typ, at, p)
		if err != nil {
			panic(err)
		}
		h.Events = append(h.Events, e)
	}
	big := eur(2400000)
	open := order.Exposure{OpenOrder: big, UninvoicedDelivery: eur(0)}
	at := time.Date(2026, 6, 22, 9, 0, 0, 0, time.UTC)
	ev("order.placed", at, order.EventPayload{Status: "placed", Gross: big, Exposure: open})
	ev("order.credit_held", at, order.EventPayload{Status: "on_credit_hold", Gross: big, Exposure: open, Reasons: []string{order.ReasonCreditLimit}})
	ev("order.credit_released", at.Add(3*time.Hour), order.EventPayload{Status: "released", Gross: big, Exposure: open, By: "sales.director", Note: "strategic account"})
	ev("order.invoiced", at.Add(72*time.Hour), order.EventPayload{Status: "invoiced", Gross: big, Exposure: order.Exposure{OpenOrder: eur(0), UninvoicedDelivery: eur(0)}})
	for _, it := range h.Items {
		r := postmortem.Readiness{Invoice: it.Invoice, Number: it.Number, Issued: it.IssueDate}
		if it.IssueDate.Month() == time.July {
			r.Missing = []customer.Missing{customer.MissingPostcode}
		}
		h.Readiness = append(h.Readiness, r)
		if it.DueDate.Before(o2c.MustDate(2026, 8, 1)) || it.IssueDate.After(o2c.MustDate(2026, 8, 1)) {
			continue
		}
		// the first unpaid invoices: reminded only 35 days after due, then a notice
		for k, off := range []int{35, 48} {
			h.Letters = append(h.Letters, dunning.HistoryEntry{RunDate: it.DueDate.AddDays(off), Customer: c, Currency: o2c.EUR, Level: k,
				LevelName: []string{"reminder-1", "formal-notice"}[k], Channel: dunning.ChannelEmail, Total: it.Gross, Status: dunning.LetterDelivered,
				Items: []dunning.HistoryItem{{Invoice: it.Invoice, Number: it.Number, Amount: it.Gross}}})
		}
	}
	h.Promises = []postmortem.Promise{{Made: o2c.MustDate(2026, 9, 20), Promise: dunning.Promise{Customer: c, Amount: eur(1000000), Date: o2c.MustDate(2026, 10, 5)}}}
	return h
}

func run(_ context.Context, w io.Writer) error {
	t := demo()
	fmt.Fprintf(w, "Demo tenant: %d customers, %d invoices in 2026\n\n", len(habits), len(t.items))

	// 1. IFRS 9 provision matrix
	ms, err := provision.RollRateMatrix(t.items, yearEnd, provision.MatrixOptions{Months: 12,
		ForwardFactor: decimal.RequireFromString("1.10"), Floor: decimal.RequireFromString("0.002")})
	if err != nil {
		return err
	}
	p, err := ms[0].Apply(t.items, yearEnd)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "IFRS 9 provision matrix as of %s (roll rates over %s..%s, forward factor %s, floor %s)\n",
		yearEnd, ms[0].MonthEnds[0], ms[0].MonthEnds[len(ms[0].MonthEnds)-1], ms[0].ForwardFactor, ms[0].Floor)
	fmt.Fprintf(w, "  %-8s %9s %11s %10s %14s %12s\n", "bucket", "roll", "hist. loss", "rate", "open", "provision")
	for i, r := range p.Rows {
		mr := ms[0].Rows[i]
		fmt.Fprintf(w, "  %-8s %8s%% %10s%% %9s%% %14s %12s\n", r.Bucket.Label, pct(mr.RollRate), pct(mr.HistoricalLoss), pct(r.Rate), r.Open.AmountString(), r.Provision.AmountString())
	}
	fmt.Fprintf(w, "  %-8s %43s %12s\n\n", "total", p.Open.AmountString(), p.Total.AmountString())

	// 2. post-mortem of the default
	rep, err := postmortem.Analyze(t.drift, postmortem.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Post-mortem: %s, %s on %s\n", t.names[rep.Customer], rep.Default.Kind, rep.Default.Date)
	for _, e := range rep.Timeline {
		if e.Kind == postmortem.KindInvoiceIssued || e.Kind == postmortem.KindFellDue || e.Kind == postmortem.KindPayment || e.Kind == postmortem.KindWriteOff {
			continue
		}
		fmt.Fprintf(w, "  %s %-18s %s\n", e.Date, e.Kind, strings.TrimSpace(e.Detail))
	}
	fmt.Fprintln(w, "  findings, most severe first:")
	for i, f := range rep.Findings {
		fmt.Fprintf(w, "  %d. [%s] %s\n", i+1, f.Rule, f.Detail)
	}
	fmt.Fprintln(w)

	// 3. factoring schedule
	c := factoring.Contract{Code: "FACT-2027", Factor: "Demo Factor", Currency: o2c.EUR, Mode: factoring.Notified,
		AdvanceRate: decimal.RequireFromString("0.90"), CommissionRate: decimal.RequireFromString("0.004"), MaxDaysOverdue: 30,
		CapShare: decimal.RequireFromString("0.25"), Excluded: []o2c.CustomerID{t.ids["Tardy BV"]}}
	pf, err := factoring.Eligible(factoring.Input{Contract: c, AsOf: yearEnd, Items: t.items})
	if err != nil {
		return err
	}
	s, err := factoring.NewSchedule(c, pf, "B-2026-12-31")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Factoring schedule %s to %s (%s), %d receivables, %d left out\n", s.Number, s.Factor, s.Mode, len(s.Lines), len(pf.Left))
	for _, l := range s.Lines {
		fmt.Fprintf(w, "  %-8s %-12s due %s %12s\n", l.Number, t.names[l.Debtor], l.DueDate, l.Open.AmountString())
	}
	for _, d := range pf.Debtors {
		if d.Capped {
			fmt.Fprintf(w, "  cap: %s %s eligible, %s funded (25 %% of the portfolio)\n", t.names[d.Debtor], d.Eligible.AmountString(), d.Cap.AmountString())
		}
	}
	fmt.Fprintf(w, "  assigned %s  excess %s  commission %s  advance %s  reserve %s\n",
		s.Assigned.AmountString(), s.Excess.AmountString(), s.Commission.AmountString(), s.Advance.AmountString(), s.Reserve.AmountString())
	return nil
}

func pct(d decimal.Decimal) string { return d.Mul(decimal.NewFromInt(100)).StringFixed(2) }
