package cycle_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/tax"
)

// world is one tenant's order and invoice services on one adapter.
type world struct {
	orders   *order.Service
	invoices *invoice.Service
	store    invoice.Store
}

func newWorld(t *testing.T, tx o2c.Transactor, orders order.Store, stores invoice.Stores, clock o2c.Clock) world {
	t.Helper()
	os, err := order.NewService(orders, order.Options{Clock: clock, AutoApprove: true})
	require.NoError(t, err)
	is, err := invoice.NewService(tx, stores, invoice.Options{Clock: clock, Billing: cycle.OrderBilling{Orders: os}})
	require.NoError(t, err)
	return world{orders: os, invoices: is, store: stores.Invoices}
}

func adapters(t *testing.T, fn func(t *testing.T, w world)) {
	clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	t.Run("memory", func(t *testing.T) {
		db := memory.New(memory.WithClock(clock))
		s := db.MustTenant("acme")
		fn(t, newWorld(t, db, s.Orders(), invoice.Stores{Invoices: s.Invoices(), Payments: s.Payments(), Numbers: s.InvoiceNumbers()}, clock))
	})
	sqlWorld := func(db *sqlstore.DB) world {
		s := db.MustTenant("acme")
		return newWorld(t, db, s.Orders(), invoice.Stores{Invoices: s.Invoices(), Payments: s.Payments(), Numbers: s.InvoiceNumbers()}, clock)
	}
	t.Run("sqlite", func(t *testing.T) { fn(t, sqlWorld(sqltest.SQLite(t, sqlstore.Options{Clock: clock}))) })
	t.Run("postgres", func(t *testing.T) { fn(t, sqlWorld(sqltest.Postgres(t, sqlstore.Options{Clock: clock}))) })
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func lq(line int, q string) order.LineQuantity {
	return order.LineQuantity{Line: line, Quantity: dec(q)}
}

// approvedOrder creates and places a two-line order (auto-approved).
func approvedOrder(t *testing.T, w world) *order.Order {
	ctx := context.Background()
	o, err := w.orders.Create(ctx, order.Details{
		Customer: o2c.NewCustomerID(),
		Currency: o2c.EUR,
		Lines: []order.LineSpec{
			{SKU: "BOLT", Quantity: dec("10"), UnitPrice: o2c.MustMoney("12.50", "EUR"), TaxCategory: tax.Standard, TaxRate: dec("20")},
			{SKU: "BOOK", Quantity: dec("3"), UnitPrice: o2c.MustMoney("100.00", "EUR"), DiscountPercent: dec("10"), TaxCategory: tax.Standard, TaxRate: dec("5.5")},
		},
		PaymentTerms: "NET30",
	})
	require.NoError(t, err)
	o, err = w.orders.Place(ctx, o.ID(), "alice")
	require.NoError(t, err)
	require.Equal(t, order.StateApproved, o.State())
	return o
}

func billedQuantities(inv *invoice.Invoice) map[string]string {
	out := map[string]string{}
	for _, l := range inv.Lines() {
		out[l.OrderLineRef] = l.Quantity.String()
	}
	return out
}

func TestBillWhatWasDelivered(t *testing.T) {
	adapters(t, func(t *testing.T, w world) {
		ctx := context.Background()
		o := approvedOrder(t, w)
		ref := o.ID().String()

		_, err := w.invoices.BillDelivered(ctx, invoice.BillInput{OrderRef: ref, Terms: invoice.NetTerms(30), Issue: true})
		require.ErrorIs(t, err, invoice.ErrNothingToBill, "nothing delivered yet")

		_, err = w.orders.Ship(ctx, o.ID(), "SHIP-1", lq(1, "6"), lq(2, "3"))
		require.NoError(t, err)
		_, err = w.orders.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "4"), lq(2, "3"))
		require.NoError(t, err)

		inv1, err := w.invoices.BillDelivered(ctx, invoice.BillInput{OrderRef: ref, Terms: invoice.NetTerms(30), Issue: true})
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"1": "4", "2": "3"}, billedQuantities(inv1))
		assert.Equal(t, ref, inv1.OrderRef())
		// 4 x 12.50 = 50.00 + 20 % = 10.00; 3 x 100 x 0.9 = 270.00 + 5.5 % = 14.85
		assert.Equal(t, "344.85 EUR", inv1.Gross().String())

		o, err = w.orders.Get(ctx, o.ID())
		require.NoError(t, err)
		assert.Equal(t, order.StatePartiallyInvoiced, o.State())

		// billing again finds nothing: no quantity is billed twice
		_, err = w.invoices.BillDelivered(ctx, invoice.BillInput{OrderRef: ref, Terms: invoice.NetTerms(30), Issue: true})
		require.ErrorIs(t, err, invoice.ErrNothingToBill)

		// the rest is shipped and delivered, then billed
		_, err = w.orders.Ship(ctx, o.ID(), "SHIP-2", lq(1, "4"))
		require.NoError(t, err)
		_, err = w.orders.ConfirmDelivery(ctx, o.ID(), "POD-2", lq(1, "6"))
		require.NoError(t, err)
		inv2, err := w.invoices.BillDelivered(ctx, invoice.BillInput{OrderRef: ref, Terms: invoice.NetTerms(30), Issue: true})
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"1": "6"}, billedQuantities(inv2))
		assert.Equal(t, "90.00 EUR", inv2.Gross().String()) // 6 x 12.50 = 75.00 + 15.00
		o, err = w.orders.Get(ctx, o.ID())
		require.NoError(t, err)
		assert.Equal(t, order.StateInvoiced, o.State())
		for _, l := range o.Lines() {
			assert.True(t, l.Invoiced.Equal(l.Quantity), "line %d fully invoiced", l.No)
		}
		// the two invoices together bill the whole order, to the cent
		total, err := inv1.Gross().Add(inv2.Gross())
		require.NoError(t, err)
		assert.True(t, total.Equal(o.Totals().Gross), "invoices %s, order %s", total, o.Totals().Gross)
	})
}

func TestConcurrentBillingNeverBillsTwice(t *testing.T) {
	adapters(t, func(t *testing.T, w world) {
		ctx := context.Background()
		o := approvedOrder(t, w)
		_, err := w.orders.Ship(ctx, o.ID(), "SHIP-1", lq(1, "10"), lq(2, "3"))
		require.NoError(t, err)
		_, err = w.orders.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "10"), lq(2, "3"))
		require.NoError(t, err)

		const n = 6
		var wg sync.WaitGroup
		start := make(chan struct{})
		results := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, results[i] = w.invoices.BillDelivered(ctx, invoice.BillInput{OrderRef: o.ID().String(), Terms: invoice.NetTerms(30), Issue: true})
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range results {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, invoice.ErrNothingToBill), errors.Is(err, invoice.ErrOverBilled), errors.Is(err, o2c.ErrConflict):
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		assert.Equal(t, 1, ok, "exactly one billing wins")
		all, err := w.store.List(ctx, invoice.Filter{})
		require.NoError(t, err)
		assert.Len(t, all, 1, "one invoice, whatever the race")
		o, err = w.orders.Get(ctx, o.ID())
		require.NoError(t, err)
		assert.Equal(t, order.StateInvoiced, o.State())
	})
}
