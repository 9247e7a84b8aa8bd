package ledger_test

import (
	"context"
	"errors"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/tax"
)

// world is invoicing on the in-memory adapter, whose outbox holds the
// events the ledger posts from.
type world struct {
	t     require.TestingT
	ctx   context.Context
	clock *o2c.ManualClock
	svc   *invoice.Service
	box   outbox.Store
	inv   invoice.Store
	pay   invoice.PaymentStore
}

func newWorld(t require.TestingT, start time.Time) *world {
	clock := o2c.NewManualClock(start)
	db := memory.New(memory.WithClock(clock))
	s := db.MustTenant("acme")
	svc, err := invoice.NewService(db, invoice.Stores{Invoices: s.Invoices(), Payments: s.Payments(), Numbers: s.InvoiceNumbers()},
		invoice.Options{Clock: clock, Tolerance: invoice.Tolerance{Amounts: []o2c.Money{o2c.MustMoney("5.00", "EUR"), o2c.MustMoney("5.00", "USD")}, Percent: decimal.NewFromInt(5)}})
	require.NoError(t, err)
	return &world{t: t, ctx: context.Background(), clock: clock, svc: svc, box: s.Outbox(), inv: s.Invoices(), pay: s.Payments()}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func eur(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

func line(sku string, qty, price string, cur o2c.Currency, rate string) invoice.Line {
	cat := tax.Standard
	if rate == "0" {
		cat = tax.OutOfScope
	}
	return invoice.Line{SKU: sku, Description: "item " + sku, Quantity: dec(qty), UnitPrice: o2c.MustMoney(price, cur.Code()), TaxCategory: cat, TaxRate: dec(rate)}
}

func (w *world) issue(customer o2c.CustomerID, cur o2c.Currency, sched []invoice.PercentInstalment, lines ...invoice.Line) *invoice.Invoice {
	d, err := w.svc.CreateInvoice(w.ctx, invoice.Draft{Customer: customer, Currency: cur, Terms: invoice.NetTerms(30), Schedule: sched, Lines: lines})
	require.NoError(w.t, err)
	inv, err := w.svc.Issue(w.ctx, d.ID(), o2c.DateOf(w.clock.Now()))
	require.NoError(w.t, err)
	return inv
}

func (w *world) pay1(customer o2c.CustomerID, amount o2c.Money, key string) *invoice.Payment {
	p, err := w.svc.RecordPayment(w.ctx, invoice.PaymentInput{Customer: customer, Amount: amount, ValueDate: o2c.DateOf(w.clock.Now()),
		Method: invoice.MethodTransfer, IdempotencyKey: key})
	require.NoError(w.t, err)
	return p
}

func (w *world) allocate(p *invoice.Payment, inv *invoice.Invoice, amount o2c.Money, key string) {
	_, err := w.svc.Allocate(w.ctx, invoice.AllocateInput{Payment: p.ID(), Key: key, Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: amount}}})
	require.NoError(w.t, err)
}

// events returns every event appended so far, in append order.
func (w *world) events() []o2c.Event {
	recs, err := w.box.Pending(w.ctx, 1_000_000)
	require.NoError(w.t, err)
	out := make([]o2c.Event, len(recs))
	for i, r := range recs {
		out[i] = r.Event
	}
	return out
}

// books posts events as a store would: numbers per journal in posting
// order, validated on the day of the event.
func books(t require.TestingT, b *ledger.Book, events []o2c.Event) []ledger.Entry {
	num := map[string]int64{}
	var out []ledger.Entry
	for _, e := range events {
		es, err := b.Entries(e)
		require.NoError(t, err, e.Type)
		for i := range es {
			num[es[i].Journal]++
			es[i].Seq, es[i].Number, es[i].ValidDate = i, num[es[i].Journal], o2c.DateOf(e.OccurredAt)
		}
		out = append(out, es...)
	}
	return out
}

// balance returns the balance (debit − credit) of account in entries.
func balance(entries []ledger.Entry, account string) decimal.Decimal {
	var s decimal.Decimal
	for _, e := range entries {
		for _, l := range e.Lines {
			if l.Account == account {
				s = s.Add(l.Signed())
			}
		}
	}
	return s
}

type decimalT = decimal.Decimal

func decFromInt(n int) decimal.Decimal { return decimal.NewFromInt(int64(n)) }

func mustCategory(t require.TestingT, code string) tax.Category {
	c, err := tax.ParseCategory(code)
	require.NoError(t, err)
	return c
}

// isRetryable: a transient failure (SQLITE_BUSY, a serialisation
// failure) the caller runs again.
func isRetryable(err error) bool {
	return errors.Is(err, o2c.ErrRetryable) || errors.Is(err, o2c.ErrConflict)
}
