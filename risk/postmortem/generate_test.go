package postmortem_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/risk/postmortem"
)

func eur(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

// planted says which causes a generated defaulted customer carries.
type planted struct {
	release, gap, masterData bool
}

// generator writes customer histories in the shape the SDK records them:
// order events with order.EventPayload, report items (invoice due lines
// with payments and write-offs), dunning history entries, readiness
// findings at issue. Its randomness (amounts, days of payment) comes from
// a fixed seed; the causes are planted on purpose.
type generator struct {
	rnd   *rand.Rand
	start o2c.Date
}

func newGenerator(seed uint64) *generator {
	return &generator{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), start: o2c.MustDate(2026, time.January, 5)}
}

func (g *generator) event(c o2c.CustomerID, orderID, typ string, at time.Time, p order.EventPayload) o2c.Event {
	p.OrderID, p.CustomerID, p.Currency = orderID, c.String(), "EUR"
	e, err := o2c.NewEvent("acme", "order", orderID, typ, at, p)
	if err != nil {
		panic(err)
	}
	return e
}

// customer generates six months of business: an order a month (each
// invoiced on delivery, net 30), all paid; a defaulted customer's last
// invoice is never paid and is written off after its dunning.
func (g *generator) customer(defaulted bool, causes planted) postmortem.History {
	c := o2c.NewCustomerID()
	h := postmortem.History{Customer: c, Limits: []postmortem.Limit{{From: g.start.AddDays(-100), Limit: eur("10000.00")}}}
	at := func(d o2c.Date, hour int) time.Time { return d.Time().Add(time.Duration(hour) * time.Hour) }
	months := 6
	for m := 0; m < months; m++ {
		placed := g.start.AddDays(30 * m)
		amount := eur(fmt.Sprintf("%d.00", 1000+g.rnd.IntN(2000)))
		oid := order.NewID().String()
		open := order.Exposure{OpenOrder: amount, UninvoicedDelivery: eur("0")}
		none := order.Exposure{OpenOrder: eur("0"), UninvoicedDelivery: eur("0")}
		h.Events = append(h.Events, g.event(c, oid, "order.placed", at(placed, 9), order.EventPayload{Status: "placed", Gross: amount, Exposure: open}))
		if causes.release && m == 3 {
			// an order far above the limit, held, then released by a person
			big := eur("14000.00")
			open = order.Exposure{OpenOrder: big, UninvoicedDelivery: eur("0")}
			amount = big
			h.Events[len(h.Events)-1] = g.event(c, oid, "order.placed", at(placed, 9), order.EventPayload{Status: "placed", Gross: big, Exposure: open})
			h.Events = append(h.Events,
				g.event(c, oid, "order.credit_held", at(placed, 9), order.EventPayload{Status: "on_credit_hold", Gross: big, Exposure: open,
					Reasons: []string{order.ReasonCreditLimit}, Note: "credit limit exceeded"}),
				g.event(c, oid, "order.credit_released", at(placed, 11), order.EventPayload{Status: "released", Gross: big, Exposure: open,
					By: "sales.director", Note: "key account, they always pay"}))
		} else {
			h.Events = append(h.Events, g.event(c, oid, "order.approved", at(placed, 9), order.EventPayload{Status: "approved", Gross: amount, Exposure: open}))
		}
		issued := placed.AddDays(3)
		h.Events = append(h.Events, g.event(c, oid, "order.invoiced", at(issued, 10), order.EventPayload{Status: "invoiced", Gross: amount, Exposure: none}))
		it := report.Item{Invoice: o2c.NewID[invoice.Invoice](), Number: fmt.Sprintf("INV-%s-%d", c.String()[:4], m+1), Customer: c,
			Currency: o2c.EUR, IssueDate: issued, DueDate: issued.AddDays(30), Gross: amount}
		r := postmortem.Readiness{Invoice: it.Invoice, Number: it.Number, Issued: issued}
		if causes.masterData && m == 4 {
			r.Missing = []customer.Missing{customer.MissingPostcode, customer.MissingInvoiceContact}
		}
		h.Readiness = append(h.Readiness, r)
		last := m == months-1
		letter := func(d o2c.Date, level int, name string) {
			h.Letters = append(h.Letters, dunning.HistoryEntry{Key: fmt.Sprintf("acme/%s/%s/EUR/%d", d, c, level), RunDate: d, Customer: c,
				Currency: o2c.EUR, Plan: "FR", Level: level, LevelName: name, Channel: dunning.ChannelEmail, Total: it.Gross,
				Items: []dunning.HistoryItem{{Invoice: it.Invoice, Number: it.Number, Amount: it.Gross}}, Status: dunning.LetterDelivered})
		}
		switch {
		case defaulted && last:
			// never paid: reminders every 13 days (or a 30-day silence
			// when the gap is planted), then written off
			if causes.gap {
				letter(it.DueDate.AddDays(30), 0, "reminder-1")
				letter(it.DueDate.AddDays(43), 1, "formal-notice")
			} else {
				letter(it.DueDate.AddDays(7), 0, "reminder-1")
				letter(it.DueDate.AddDays(20), 1, "reminder-2")
				letter(it.DueDate.AddDays(33), 2, "formal-notice")
			}
			h.Default = postmortem.Default{Kind: postmortem.WrittenOff, Date: it.DueDate.AddDays(45), Note: "liquidation"}
			it.Movements = append(it.Movements, report.Movement{Kind: report.MovementWriteOff, Date: h.Default.Date, Amount: it.Gross})
		default:
			late := g.rnd.IntN(20) - 5 // -5 .. 14 days after due
			if late > 3 {
				letter(it.DueDate.AddDays(3), 0, "reminder-1")
			}
			it.Movements = append(it.Movements, report.Movement{Kind: report.MovementPayment, Date: it.DueDate.AddDays(late), Amount: it.Gross})
		}
		h.Items = append(h.Items, it)
	}
	return h
}
