package invoicetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

func numberTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("SequencesPerSeries", func(t *testing.T) {
		h := newHarness(t)
		n := h.Numbers(tenantA)
		last, err := n.Last(ctx, "INV-2026")
		require.NoError(t, err)
		assert.Zero(t, last)
		for want := int64(1); want <= 3; want++ {
			got, err := n.Next(ctx, "INV-2026")
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
		got, err := n.Next(ctx, "CN-2026")
		require.NoError(t, err)
		assert.EqualValues(t, 1, got, "each series starts at 1")
		last, err = n.Last(ctx, "INV-2026")
		require.NoError(t, err)
		assert.EqualValues(t, 3, last)
		other, err := h.Numbers(tenantB).Next(ctx, "INV-2026")
		require.NoError(t, err)
		assert.EqualValues(t, 1, other, "each tenant starts at 1")

		_, err = n.Next(ctx, "")
		require.ErrorIs(t, err, o2c.ErrValidation)
		_, err = n.Next(ctx, "bad series")
		require.ErrorIs(t, err, o2c.ErrValidation)
	})

	t.Run("RolledBackDrawLeavesNoGap", func(t *testing.T) {
		h := newHarness(t)
		n := h.Numbers(tenantA)
		_, err := n.Next(ctx, "S")
		require.NoError(t, err)
		boom := errors.New("boom")
		err = h.Tx.InTx(ctx, func(ctx context.Context) error {
			got, err := n.Next(ctx, "S")
			require.NoError(t, err)
			assert.EqualValues(t, 2, got)
			got, err = n.Next(ctx, "NEW")
			require.NoError(t, err)
			assert.EqualValues(t, 1, got)
			return boom
		})
		require.ErrorIs(t, err, boom)
		got, err := n.Next(ctx, "S")
		require.NoError(t, err)
		assert.EqualValues(t, 2, got, "the rolled-back 2 is drawn again")
		last, err := n.Last(ctx, "NEW")
		require.NoError(t, err)
		assert.Zero(t, last, "a series created by a rolled-back draw does not exist")
	})

	t.Run("RolledBackIssueLeavesNoGap", func(t *testing.T) {
		h := newHarness(t)
		e := newEnv(t, h, tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		first := e.issue(t, cust, eur("10.00"))
		assert.Equal(t, "INV-2026-000001", first.Number())
		d, err := e.svc.CreateInvoice(ctx, draftOf(cust, zeroRatedLine("x", eur("20.00"))))
		require.NoError(t, err)
		boom := errors.New("boom")
		err = h.Tx.InTx(ctx, func(ctx context.Context) error {
			inv, err := e.svc.Issue(ctx, d.ID(), o2c.Date{})
			require.NoError(t, err)
			assert.Equal(t, "INV-2026-000002", inv.Number())
			return boom // e.g. sending it failed
		})
		require.ErrorIs(t, err, boom)
		assert.Equal(t, invoice.StateDraft, e.get(t, d.ID()).Status())
		again, err := e.svc.Issue(ctx, d.ID(), o2c.Date{})
		require.NoError(t, err)
		assert.Equal(t, "INV-2026-000002", again.Number(), "no gap")

		// a new year starts a new series
		e.clock.Set(time.Date(2027, time.January, 2, 8, 0, 0, 0, time.UTC))
		ny := e.issue(t, cust, eur("5.00"))
		assert.Equal(t, "INV-2027-000001", ny.Number())
	})
}

func paymentStoreTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("CreateGetByKeyAndConflicts", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		in := invoice.PaymentInput{Customer: cust, Amount: eur("250.00"), ValueDate: o2c.MustDate(2026, 1, 14), Method: invoice.MethodDirectDebit,
			PayerReference: "INV 2026 1", IdempotencyKey: "bank-tx-1"}
		p, err := invoice.NewPayment(tenantA, in, Epoch)
		require.NoError(t, err)
		require.NoError(t, e.pays.Create(ctx, p))
		assert.EqualValues(t, 1, p.Version())
		got, err := e.pays.Get(ctx, p.ID())
		require.NoError(t, err)
		assert.Equal(t, p.Snapshot(), got.Snapshot())
		byKey, err := e.pays.GetByKey(ctx, "bank-tx-1")
		require.NoError(t, err)
		assert.Equal(t, p.ID(), byKey.ID())
		assert.Equal(t, []string{invoice.EventPaymentRecorded}, e.events(t, p.ID().String()))

		// same key: conflict, nothing written
		dup, err := invoice.NewPayment(tenantA, in, Epoch)
		require.NoError(t, err)
		before := e.fingerprint(t)
		require.ErrorIs(t, e.pays.Create(ctx, dup), o2c.ErrConflict)
		assert.Equal(t, before, e.fingerprint(t))
		_, err = e.pays.Get(ctx, dup.ID())
		require.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = e.pays.GetByKey(ctx, "nope")
		require.ErrorIs(t, err, o2c.ErrNotFound)
	})

	t.Run("ListAndUnapplied", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		c1, c2 := o2c.NewCustomerID(), o2c.NewCustomerID()
		inv := e.issue(t, c1, eur("100.00"))
		p1 := e.pay(t, c1, eur("60.00"))
		p2 := e.pay(t, c1, eur("70.00"))
		p3, err := e.svc.RecordPayment(ctx, invoice.PaymentInput{Customer: c1, Amount: o2c.MustMoney("5.00", "USD"), ValueDate: o2c.MustDate(2026, 1, 10),
			Method: invoice.MethodCard, IdempotencyKey: "usd"})
		require.NoError(t, err)
		p4 := e.pay(t, c2, eur("1.00"))
		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p1.ID(), Key: "a1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("60.00")}}})
		require.NoError(t, err)
		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p2.ID(), Key: "a2", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("40.00")}}})
		require.NoError(t, err)

		u, err := e.pays.Unapplied(ctx, c1)
		require.NoError(t, err)
		require.Len(t, u, 2)
		assert.Equal(t, "30.00 EUR", u[0].String(), "overpayment stays as unapplied credit")
		assert.Equal(t, "5.00 USD", u[1].String())

		list, err := e.pays.List(ctx, invoice.PaymentFilter{Customer: c1})
		require.NoError(t, err)
		require.Len(t, list, 3)
		assert.Equal(t, p3.ID(), list[0].ID(), "earliest value date first")
		open, err := e.pays.List(ctx, invoice.PaymentFilter{Statuses: []invoice.PaymentStatus{invoice.PaymentUnapplied, invoice.PaymentPartiallyApplied}})
		require.NoError(t, err)
		var ids []invoice.PaymentID
		for _, p := range open {
			ids = append(ids, p.ID())
		}
		assert.ElementsMatch(t, []invoice.PaymentID{p2.ID(), p3.ID(), p4.ID()}, ids)
		pg, err := e.pays.List(ctx, invoice.PaymentFilter{Customer: c1, Limit: 1, Offset: 2})
		require.NoError(t, err)
		require.Len(t, pg, 1)
		assert.Equal(t, list[2].ID(), pg[0].ID())
		_, err = e.pays.List(ctx, invoice.PaymentFilter{Statuses: []invoice.PaymentStatus{"lost"}})
		require.ErrorIs(t, err, o2c.ErrValidation)
	})
}
