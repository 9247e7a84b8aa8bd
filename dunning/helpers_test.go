package dunning_test

import (
	"context"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// ledger is a test double for the invoice stores: open items the test
// pays, disputes and credits by hand.
type ledger struct {
	mu      sync.Mutex
	items   []invoice.OpenItem
	credits map[o2c.CustomerID]o2c.Money
}

func (l *ledger) add(it invoice.OpenItem) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, it)
}

// pay reduces the open amount of number by amount (a full payment closes it).
func (l *ledger) pay(number, amount string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.items {
		if l.items[i].Number == number {
			it := &l.items[i]
			it.Open, _ = it.Open.Sub(o2c.MustMoney(amount, it.Open.Currency().Code()))
			if it.Open.IsZero() {
				it.Status = invoice.StatePaid
			} else {
				it.Status = invoice.StatePartiallyPaid
			}
		}
	}
}

func (l *ledger) dispute(number string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.items {
		if l.items[i].Number == number {
			l.items[i].Disputed = l.items[i].Open
			l.items[i].Status = invoice.StateDisputed
		}
	}
}

func (l *ledger) OpenItems(_ context.Context, f invoice.OpenItemFilter) ([]invoice.OpenItem, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []invoice.OpenItem
	for _, it := range l.items {
		if f.Match(it) {
			out = append(out, it)
		}
	}
	invoice.SortOpenItems(out)
	return out, nil
}

func (l *ledger) Unapplied(_ context.Context, c o2c.CustomerID) ([]o2c.Money, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if m, ok := l.credits[c]; ok {
		return []o2c.Money{m}, nil
	}
	return nil, nil
}

func openItem(c o2c.CustomerID, number, amount string, issue, due o2c.Date) invoice.OpenItem {
	m := o2c.MustMoney(amount, "EUR")
	return invoice.OpenItem{Invoice: o2c.NewID[invoice.Invoice](), Number: number, Kind: invoice.KindInvoice, Status: invoice.StateIssued,
		Customer: c, IssueDate: issue, DueDate: due, Gross: m, Open: m, Disputed: o2c.Zero(o2c.EUR)}
}

// ecb is an ECB main refinancing rate history for the tests.
var ecb = invoice.ReferenceRateTable{Name: "ECB MRO", Rates: []invoice.ReferenceRate{
	{Effective: o2c.MustDate(2024, 9, 18), Percent: decimal.RequireFromString("3.65")},
	{Effective: o2c.MustDate(2025, 6, 11), Percent: decimal.RequireFromString("2.15")},
}}

var _ dunning.OpenItemSource = (*ledger)(nil)
