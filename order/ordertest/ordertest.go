// Package ordertest is the conformance suite every [order.Store]
// implementation runs, and helpers shared by the stores' tests and
// benchmarks. An adapter's test is one call:
//
//	func TestOrderStore(t *testing.T) {
//		ordertest.RunStoreTests(t, func(t *testing.T) ordertest.Harness { ... })
//	}
package ordertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/tax"
)

// Harness gives the suite one fresh, empty database.
type Harness struct {
	// Tx runs a transaction that the stores below join.
	Tx o2c.Transactor
	// Store returns the order store bound to tenant.
	Store func(tenant o2c.TenantID) order.Store
	// Outbox returns the outbox bound to tenant, where the order store
	// writes its events.
	Outbox func(tenant o2c.TenantID) outbox.Store
}

// Dec parses a decimal constant; it panics on bad input.
func Dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// SampleDetails returns the details of a three-line EUR order for
// customer c: a unit price with four decimals and a discount, a decimal
// quantity, three tax rates, a deposit, a delivery date and a PO number.
func SampleDetails(c o2c.CustomerID) order.Details {
	return order.Details{
		Customer: c,
		Currency: o2c.EUR,
		Lines: []order.LineSpec{
			{SKU: "BOLT-M8", Description: "Bolt M8 x 40, zinc plated", Quantity: Dec("1000"), UnitPrice: o2c.MustMoney("0.0125", "EUR"), DiscountPercent: Dec("5"), TaxCategory: tax.Standard, TaxRate: Dec("20")},
			{SKU: "SVC-INST", Description: "Installation (hours)", Quantity: Dec("2.5"), UnitPrice: o2c.MustMoney("80.00", "EUR"), TaxCategory: tax.Standard, TaxRate: Dec("10")},
			{SKU: "BOOK-01", Quantity: Dec("3"), UnitPrice: o2c.MustMoney("19.99", "EUR"), TaxCategory: tax.Standard, TaxRate: Dec("5.5")},
		},
		RequestedDelivery: o2c.MustDate(2026, 12, 1),
		PaymentTerms:      "NET30",
		Deposit:           order.DepositPercent(Dec("30")),
		CustomerReference: "PO-2026-0042",
	}
}

// Now is the instant the suite's orders change at.
var Now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// NewOrder returns a new draft order of tenant for customer c.
func NewOrder(t testing.TB, tenant o2c.TenantID, c o2c.CustomerID) *order.Order {
	t.Helper()
	o, err := order.New(tenant, SampleDetails(c), Now)
	require.NoError(t, err)
	return o
}

// SnapshotJSON returns the order's snapshot as JSON, to compare orders
// field by field whatever the internal form of their decimals.
func SnapshotJSON(t testing.TB, o *order.Order) string {
	t.Helper()
	b, err := json.Marshal(o.Snapshot())
	require.NoError(t, err)
	return string(b)
}

// AllLines returns a quantity for every line of o, taken by qty.
func AllLines(o *order.Order, qty func(order.Line) decimal.Decimal) []order.LineQuantity {
	var out []order.LineQuantity
	for _, l := range o.Lines() {
		if q := qty(l); q.IsPositive() {
			out = append(out, order.LineQuantity{Line: l.No, Quantity: q})
		}
	}
	return out
}

// eventTypes lists the types of the pending outbox events of order id.
func eventTypes(t *testing.T, h Harness, tenant o2c.TenantID, id order.ID) []string {
	t.Helper()
	recs, err := h.Outbox(tenant).Pending(context.Background(), 10000)
	require.NoError(t, err)
	var out []string
	for _, r := range recs {
		if r.Event.AggregateID == id.String() {
			require.Equal(t, "order", r.Event.AggregateType)
			out = append(out, r.Event.Type)
		}
	}
	return out
}

// RunStoreTests runs the suite. newHarness is called once per subtest and
// must return an empty database.
func RunStoreTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Helper()
	ctx := context.Background()
	const acme = o2c.TenantID("acme")

	t.Run("CreateGetRoundTrip", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store(acme)
		assert.Equal(t, acme, s.TenantID())
		o := NewOrder(t, acme, o2c.NewCustomerID())
		require.NoError(t, s.Create(ctx, o))
		assert.EqualValues(t, 1, o.Version())
		assert.Empty(t, o.PendingEvents(), "Create clears the events it wrote")

		got, err := s.Get(ctx, o.ID())
		require.NoError(t, err)
		assert.JSONEq(t, SnapshotJSON(t, o), SnapshotJSON(t, got))

		// take it through most of its life: every kind of data is stored
		steps := []func(w *order.Order) error{
			func(w *order.Order) error { return w.Place(Now, "jane") },
			func(w *order.Order) error {
				return w.ApplyCredit(Now, order.HoldCredit("over limit", order.ReasonCreditLimit))
			},
			func(w *order.Order) error { return w.Release(Now, "controller@acme", "paid the overdue invoice") },
			func(w *order.Order) error { return w.Approve(Now, "desk") },
			func(w *order.Order) error {
				return w.Ship(Now, "SHP-1", []order.LineQuantity{{Line: 1, Quantity: Dec("600")}, {Line: 2, Quantity: Dec("2.5")}})
			},
			func(w *order.Order) error {
				return w.ConfirmDelivery(Now, "POD-1", []order.LineQuantity{{Line: 1, Quantity: Dec("600")}})
			},
			func(w *order.Order) error {
				return w.MarkInvoiced(Now, "INV-1", []order.LineQuantity{{Line: 1, Quantity: Dec("400")}})
			},
			func(w *order.Order) error {
				return w.CancelRemaining(Now, "desk", "customer declined the backorder", []order.LineQuantity{{Line: 3, Quantity: Dec("1")}})
			},
		}
		var last *order.Order
		for i, step := range steps {
			last, err = s.Update(ctx, o.ID(), step)
			require.NoError(t, err, "step %d", i)
			assert.EqualValues(t, i+2, last.Version())
			assert.Empty(t, last.PendingEvents())
		}
		got, err = s.Get(ctx, o.ID())
		require.NoError(t, err)
		assert.JSONEq(t, SnapshotJSON(t, last), SnapshotJSON(t, got))
		assert.Equal(t, order.StatePartiallyInvoiced, got.State())
		l1, _ := got.Line(1)
		assert.True(t, l1.Billable().Equal(Dec("200")))
		assert.Len(t, got.Audit(), 8)
		assert.Equal(t, []string{"order.created", "order.placed", "order.credit_held", "order.credit_released", "order.approved",
			"order.shipped", "order.delivered", "order.invoiced", "order.remaining_cancelled"}, eventTypes(t, h, acme, o.ID()))
	})

	t.Run("CreateRefusals", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store(acme)
		o := NewOrder(t, acme, o2c.NewCustomerID())
		require.NoError(t, s.Create(ctx, o))

		// same ID again: conflict, and nothing of the attempt is written
		dup, err := order.FromSnapshot(func() order.Snapshot { sn := o.Snapshot(); sn.Version = 0; return sn }())
		require.NoError(t, err)
		require.NoError(t, dup.Place(Now, ""))
		err = s.Create(ctx, dup)
		require.ErrorIs(t, err, o2c.ErrConflict)
		assert.Equal(t, []string{"order.created"}, eventTypes(t, h, acme, o.ID()))
		got, err := s.Get(ctx, o.ID())
		require.NoError(t, err)
		assert.Equal(t, order.StateDraft, got.State())

		// an order already saved
		err = s.Create(ctx, got)
		require.ErrorIs(t, err, o2c.ErrValidation)

		// an order of another tenant
		other := NewOrder(t, "globex", o2c.NewCustomerID())
		err = s.Create(ctx, other)
		require.ErrorIs(t, err, o2c.ErrValidation)
		_, err = s.Get(ctx, other.ID())
		require.ErrorIs(t, err, o2c.ErrNotFound)
		assert.Empty(t, eventTypes(t, h, acme, other.ID()))
		assert.Empty(t, eventTypes(t, h, "globex", other.ID()))

		_, err = s.Get(ctx, order.NewID())
		require.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = s.Update(ctx, order.NewID(), func(*order.Order) error { return nil })
		require.ErrorIs(t, err, o2c.ErrNotFound)
	})

	t.Run("ListByCustomerAndStatusWithPaging", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store(acme)
		c1, c2 := o2c.NewCustomerID(), o2c.NewCustomerID()
		var c1IDs, c1Placed, all []order.ID
		for i := range 7 {
			o := NewOrder(t, acme, c1)
			if i%2 == 0 {
				require.NoError(t, o.Place(Now, ""))
				c1Placed = append(c1Placed, o.ID())
			}
			require.NoError(t, s.Create(ctx, o))
			c1IDs = append(c1IDs, o.ID())
			all = append(all, o.ID())
		}
		for range 3 {
			o := NewOrder(t, acme, c2)
			require.NoError(t, s.Create(ctx, o))
			all = append(all, o.ID())
		}
		ids := func(os []*order.Order) []order.ID {
			out := []order.ID{}
			for _, o := range os {
				out = append(out, o.ID())
			}
			return out
		}
		list := func(q order.Query) []order.ID {
			os, err := s.List(ctx, q)
			require.NoError(t, err)
			return ids(os)
		}
		assert.Equal(t, all, list(order.Query{}), "the zero query lists everything in ID order")
		assert.Equal(t, c1IDs, list(order.Query{Customer: c1}))
		assert.Equal(t, c1IDs[:3], list(order.Query{Customer: c1, Limit: 3}))
		assert.Equal(t, c1IDs[3:6], list(order.Query{Customer: c1, Limit: 3, Offset: 3}))
		assert.Equal(t, c1IDs[6:], list(order.Query{Customer: c1, Limit: 3, Offset: 6}))
		assert.Empty(t, list(order.Query{Customer: c1, Limit: 3, Offset: 9}))
		assert.Equal(t, c1Placed, list(order.Query{Statuses: []order.State{order.StatePlaced}}))
		assert.Equal(t, c1Placed[1:3], list(order.Query{Customer: c1, Statuses: []order.State{order.StatePlaced}, Limit: 2, Offset: 1}))
		assert.Len(t, list(order.Query{Customer: c2, Statuses: []order.State{order.StateDraft, order.StatePlaced}}), 3)
		assert.Empty(t, list(order.Query{Customer: c2, Statuses: []order.State{order.StateApproved}}))
		assert.Empty(t, list(order.Query{Customer: o2c.NewCustomerID()}))

		for _, bad := range []order.Query{{Limit: -1}, {Limit: order.MaxLimit + 1}, {Offset: -1}, {Statuses: []order.State{{}}}} {
			_, err := s.List(ctx, bad)
			require.ErrorIs(t, err, o2c.ErrValidation, "%+v", bad)
		}
	})

	t.Run("UpdateWritesEventsWithTheChange", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store(acme)
		o := NewOrder(t, acme, o2c.NewCustomerID())
		require.NoError(t, s.Create(ctx, o))
		got, err := s.Update(ctx, o.ID(), func(w *order.Order) error {
			if err := w.Place(Now, "jane"); err != nil {
				return err
			}
			return w.Approve(Now, "desk")
		})
		require.NoError(t, err)
		assert.Equal(t, order.StateApproved, got.State())
		assert.Equal(t, []string{"order.created", "order.placed", "order.approved"}, eventTypes(t, h, acme, o.ID()))

		recs, err := h.Outbox(acme).Pending(ctx, 100)
		require.NoError(t, err)
		var p order.EventPayload
		require.NoError(t, recs[len(recs)-1].Event.Decode(&p))
		assert.Equal(t, "approved", p.Status)
		assert.Equal(t, "placed", p.From)
		assert.True(t, p.Gross.Equal(got.Totals().Gross), "the payload carries the totals")
	})

	t.Run("FailedUpdateWritesNothing", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store(acme)
		o := NewOrder(t, acme, o2c.NewCustomerID())
		require.NoError(t, s.Create(ctx, o))
		before := SnapshotJSON(t, o)

		boom := errors.New("boom")
		_, err := s.Update(ctx, o.ID(), func(w *order.Order) error {
			require.NoError(t, w.Place(Now, ""))
			return boom
		})
		require.ErrorIs(t, err, boom)

		// an illegal transition inside the closure
		_, err = s.Update(ctx, o.ID(), func(w *order.Order) error { return w.Ship(Now, "S1", AllLines(w, order.Line.Unshipped)) })
		var te *o2c.TransitionError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, "draft", te.State)
		assert.Equal(t, "ship", te.Event)

		// a transaction rolled back after a successful update
		err = h.Tx.InTx(ctx, func(ctx context.Context) error {
			if _, err := s.Update(ctx, o.ID(), func(w *order.Order) error { return w.Place(Now, "") }); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)

		// a create rolled back with its transaction
		rolled := NewOrder(t, acme, o2c.NewCustomerID())
		err = h.Tx.InTx(ctx, func(ctx context.Context) error {
			if err := s.Create(ctx, rolled); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		_, err = s.Get(ctx, rolled.ID())
		require.ErrorIs(t, err, o2c.ErrNotFound)
		assert.Empty(t, eventTypes(t, h, acme, rolled.ID()))

		got, err := s.Get(ctx, o.ID())
		require.NoError(t, err)
		assert.JSONEq(t, before, SnapshotJSON(t, got))
		assert.EqualValues(t, 1, got.Version())
		assert.Equal(t, []string{"order.created"}, eventTypes(t, h, acme, o.ID()))
	})

	t.Run("StaleSaveConflictsAndLosesNothing", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store(acme)
		o := NewOrder(t, acme, o2c.NewCustomerID())
		require.NoError(t, s.Create(ctx, o))
		_, err := s.Update(ctx, o.ID(), func(w *order.Order) error {
			return errors.Join(w.Place(Now, ""), w.Approve(Now, ""))
		})
		require.NoError(t, err)

		// two clerks load the same order and each ship a different line
		c1, err := s.Get(ctx, o.ID())
		require.NoError(t, err)
		c2, err := s.Get(ctx, o.ID())
		require.NoError(t, err)
		require.NoError(t, c1.Ship(Now, "SHP-A", []order.LineQuantity{{Line: 1, Quantity: Dec("100")}}))
		require.NoError(t, c2.Ship(Now, "SHP-B", []order.LineQuantity{{Line: 2, Quantity: Dec("1")}}))

		errs := []error{s.Save(ctx, c1), s.Save(ctx, c2)}
		require.NoError(t, errs[0])
		require.ErrorIs(t, errs[1], o2c.ErrConflict, "exactly one of the two saves conflicts")
		assert.EqualValues(t, 3, c1.Version())
		assert.EqualValues(t, 2, c2.Version(), "the refused copy is left as it was")
		assert.Len(t, c2.PendingEvents(), 1, "the refused copy keeps its events for a retry")

		stored, err := s.Get(ctx, o.ID())
		require.NoError(t, err)
		l1, _ := stored.Line(1)
		l2, _ := stored.Line(2)
		assert.True(t, l1.Shipped.Equal(Dec("100")))
		assert.True(t, l2.Shipped.IsZero(), "nothing of the refused save is written")
		assert.Equal(t, []string{"order.created", "order.placed", "order.approved", "order.shipped"}, eventTypes(t, h, acme, o.ID()))

		// the loser reloads and re-applies: both changes are kept
		retry, err := s.Get(ctx, o.ID())
		require.NoError(t, err)
		require.NoError(t, retry.Ship(Now, "SHP-B", []order.LineQuantity{{Line: 2, Quantity: Dec("1")}}))
		require.NoError(t, s.Save(ctx, retry))
		stored, err = s.Get(ctx, o.ID())
		require.NoError(t, err)
		l1, _ = stored.Line(1)
		l2, _ = stored.Line(2)
		assert.True(t, l1.Shipped.Equal(Dec("100")))
		assert.True(t, l2.Shipped.Equal(Dec("1")))
		assert.EqualValues(t, 4, stored.Version())
		assert.Equal(t, []string{"order.created", "order.placed", "order.approved", "order.shipped", "order.shipped"}, eventTypes(t, h, acme, o.ID()))

		// a save of an unknown order
		ghost := NewOrder(t, acme, o2c.NewCustomerID())
		require.ErrorIs(t, s.Save(ctx, ghost), o2c.ErrNotFound)
	})

	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		h := newHarness(t)
		s := h.Store(acme)
		o := NewOrder(t, acme, o2c.NewCustomerID())
		require.NoError(t, s.Create(ctx, o))
		_, err := s.Update(ctx, o.ID(), func(w *order.Order) error {
			return errors.Join(w.Place(Now, ""), w.Approve(Now, ""))
		})
		require.NoError(t, err)

		const workers = 4
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for {
					_, err := s.Update(ctx, o.ID(), func(w *order.Order) error {
						return w.Ship(Now, fmt.Sprintf("SHP-%d", i), []order.LineQuantity{{Line: 1, Quantity: Dec("10")}})
					})
					if errors.Is(err, o2c.ErrConflict) {
						continue // a backend that refuses rather than queues: retry
					}
					errs <- err
					return
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		got, err := s.Get(ctx, o.ID())
		require.NoError(t, err)
		l1, _ := got.Line(1)
		assert.True(t, l1.Shipped.Equal(Dec("40")), "every update is kept: shipped %s", l1.Shipped)
		assert.Len(t, got.Shipments(), workers)
		assert.EqualValues(t, 2+workers, got.Version())
		shipped := 0
		for _, typ := range eventTypes(t, h, acme, o.ID()) {
			if typ == "order.shipped" {
				shipped++
			}
		}
		assert.Equal(t, workers, shipped)
	})

	t.Run("TenantIsolation", func(t *testing.T) {
		h := newHarness(t)
		a, b := h.Store("tenant-a"), h.Store("tenant-b")
		o := NewOrder(t, "tenant-a", o2c.NewCustomerID())
		require.NoError(t, a.Create(ctx, o))
		before := SnapshotJSON(t, o)

		// B cannot read it
		_, err := b.Get(ctx, o.ID())
		require.ErrorIs(t, err, o2c.ErrNotFound)
		listed, err := b.List(ctx, order.Query{})
		require.NoError(t, err)
		assert.Empty(t, listed)
		listed, err = b.List(ctx, order.Query{Customer: o.Customer()})
		require.NoError(t, err)
		assert.Empty(t, listed)

		// B cannot change it, by update or by save
		_, err = b.Update(ctx, o.ID(), func(w *order.Order) error { return w.Place(Now, "") })
		require.ErrorIs(t, err, o2c.ErrNotFound)
		loaded, err := a.Get(ctx, o.ID())
		require.NoError(t, err)
		require.NoError(t, loaded.Place(Now, ""))
		require.ErrorIs(t, b.Save(ctx, loaded), o2c.ErrValidation)

		// nor create over it: a copy claiming B's tenant lands in B's space
		sn := o.Snapshot()
		sn.Tenant, sn.Version = "tenant-b", 0
		copyB, err := order.FromSnapshot(sn)
		require.NoError(t, err)
		require.NoError(t, copyB.Place(Now, "mallory"))
		_ = b.Create(ctx, copyB)
		// an order of A's through B's store is refused
		require.ErrorIs(t, b.Create(ctx, NewOrder(t, "tenant-a", o2c.NewCustomerID())), o2c.ErrValidation)

		got, err := a.Get(ctx, o.ID())
		require.NoError(t, err)
		assert.JSONEq(t, before, SnapshotJSON(t, got), "A's order is untouched")
		assert.Equal(t, []string{"order.created"}, eventTypes(t, h, "tenant-a", o.ID()))
		listed, err = a.List(ctx, order.Query{})
		require.NoError(t, err)
		require.Len(t, listed, 1)
		listed, err = b.List(ctx, order.Query{})
		require.NoError(t, err)
		for _, l := range listed {
			assert.Equal(t, o2c.TenantID("tenant-b"), l.Tenant())
		}
	})
}

// Catalog returns n distinct line specs in EUR, for benchmarks.
func Catalog(n int) []order.LineSpec {
	out := make([]order.LineSpec, n)
	for i := range out {
		out[i] = order.LineSpec{SKU: fmt.Sprintf("SKU-%03d", i), Description: "Item", Quantity: decimal.NewFromInt(int64(i%5 + 1)),
			UnitPrice: o2c.MustMoney(fmt.Sprintf("%d.%04d", 10+i, i*37%10000), "EUR"), DiscountPercent: decimal.NewFromInt(int64(i % 3 * 5)),
			TaxCategory: tax.Standard, TaxRate: Dec("20")}
	}
	return out
}

// BenchPlaceApproveDeliver measures the life of an order up to delivery
// through the service: create a 5-line draft, place it (credit approves),
// approve it, ship everything and confirm delivery of everything, each
// step a store write with its events.
func BenchPlaceApproveDeliver(b *testing.B, store order.Store) {
	ctx := context.Background()
	svc, err := order.NewService(store, order.Options{})
	require.NoError(b, err)
	d := order.Details{Customer: o2c.NewCustomerID(), Currency: o2c.EUR, Lines: Catalog(5)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		o, err := svc.Create(ctx, d)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Place(ctx, o.ID(), "bench"); err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Approve(ctx, o.ID(), "bench"); err != nil {
			b.Fatal(err)
		}
		all := AllLines(o, order.Line.Open)
		if _, err := svc.Ship(ctx, o.ID(), fmt.Sprintf("S-%d", i), all...); err != nil {
			b.Fatal(err)
		}
		got, err := svc.ConfirmDelivery(ctx, o.ID(), fmt.Sprintf("D-%d", i), all...)
		if err != nil {
			b.Fatal(err)
		}
		if got.State() != order.StateDelivered {
			b.Fatalf("state %s, want delivered", got.State())
		}
	}
}
