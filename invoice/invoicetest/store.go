package invoicetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

func snapshotJSON(t *testing.T, inv *invoice.Invoice) string {
	t.Helper()
	b, err := json.Marshal(inv.Snapshot())
	require.NoError(t, err)
	return string(b)
}

func storeTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("CreateGetRoundTrip", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		d := draftOf(cust, vatLine("Widget", "3", eur("19.99")), vatLine("Bolt", "2.5", eur("0.0125")))
		d.Schedule = []invoice.PercentInstalment{
			{Percent: dec("30"), Terms: invoice.NetTerms(30)},
			{Percent: dec("70"), Terms: invoice.EndOfMonthThenDaysTerms(45)},
		}
		d.Reference, d.Notes = "PO-77", "Thank you"
		draft, err := invoice.NewDraft(tenantA, invoice.KindInvoice, d, Epoch)
		require.NoError(t, err)
		require.NoError(t, e.inv.Create(ctx, draft))
		assert.EqualValues(t, 1, draft.Version())
		got := e.get(t, draft.ID())
		assert.Equal(t, snapshotJSON(t, draft), snapshotJSON(t, got))
		// 3 × 19.99 = 59.97; 2.5 × 0.0125 = 0.03125, rounded half up to 0.03;
		// net 60.00, VAT 20 % 12.00, gross 72.00
		assert.Equal(t, "72.00 EUR", got.Gross().String())

		// an issued document with events: stored with them, read back equal
		issued, err := e.svc.Issue(ctx, draft.ID(), o2c.MustDate(2026, time.January, 31))
		require.NoError(t, err)
		assert.Equal(t, "INV-2026-000001", issued.Number())
		assert.EqualValues(t, 2, issued.Version())
		byNumber, err := e.inv.GetByNumber(ctx, "INV-2026-000001")
		require.NoError(t, err)
		assert.Equal(t, snapshotJSON(t, issued), snapshotJSON(t, byNumber))
		insts := byNumber.Instalments()
		require.Len(t, insts, 2)
		assert.Equal(t, "2026-03-02", insts[0].DueDate.String()) // 31 Jan + 30 days
		assert.Equal(t, "2026-03-17", insts[1].DueDate.String()) // end of January + 45 days
		sum, err := insts[0].Amount.Add(insts[1].Amount)
		require.NoError(t, err)
		assert.True(t, sum.Equal(byNumber.Gross()), "instalments sum to the gross")
		assert.Equal(t, []string{invoice.EventIssued}, e.events(t, draft.ID().String()))

		_, err = e.inv.GetByNumber(ctx, "INV-2026-000002")
		require.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = e.inv.Get(ctx, o2c.NewID[invoice.Invoice]())
		require.ErrorIs(t, err, o2c.ErrNotFound)
	})

	t.Run("CreateConflicts", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv, err := invoice.NewDraft(tenantA, invoice.KindInvoice, draftOf(cust, zeroRatedLine("x", eur("10.00"))), Epoch)
		require.NoError(t, err)
		require.NoError(t, e.inv.Create(ctx, inv))
		again, err := invoice.FromSnapshot(inv.Snapshot())
		require.NoError(t, err)
		require.ErrorIs(t, e.inv.Create(ctx, again), o2c.ErrConflict, "same ID")

		// two documents may not share a number
		a, err := invoice.NewDraft(tenantA, invoice.KindInvoice, draftOf(cust, zeroRatedLine("a", eur("10.00"))), Epoch)
		require.NoError(t, err)
		require.NoError(t, a.Issue("X-1", o2c.DateOf(Epoch), invoice.BusinessDayShift{}, Epoch))
		require.NoError(t, e.inv.Create(ctx, a))
		b, err := invoice.NewDraft(tenantA, invoice.KindInvoice, draftOf(cust, zeroRatedLine("b", eur("10.00"))), Epoch)
		require.NoError(t, err)
		require.NoError(t, b.Issue("X-1", o2c.DateOf(Epoch), invoice.BusinessDayShift{}, Epoch))
		before := e.fingerprint(t)
		require.ErrorIs(t, e.inv.Create(ctx, b), o2c.ErrConflict, "same number")
		assert.Equal(t, before, e.fingerprint(t), "the refused document and its events are not written")
		_, err = e.inv.Get(ctx, b.ID())
		require.ErrorIs(t, err, o2c.ErrNotFound)

		// a draft saved with a number taken by another document
		c, err := invoice.NewDraft(tenantA, invoice.KindInvoice, draftOf(cust, zeroRatedLine("c", eur("10.00"))), Epoch)
		require.NoError(t, err)
		require.NoError(t, e.inv.Create(ctx, c))
		_, err = e.inv.Update(ctx, c.ID(), func(inv *invoice.Invoice) error {
			return inv.Issue("X-1", o2c.DateOf(Epoch), invoice.BusinessDayShift{}, Epoch)
		})
		require.ErrorIs(t, err, o2c.ErrConflict)
		assert.Equal(t, invoice.StateDraft, e.get(t, c.ID()).Status())
	})

	t.Run("TenantsNeverSeeEachOther", func(t *testing.T) {
		h := newHarness(t)
		a := newEnv(t, h, tenantA, invoice.Options{})
		b := newEnv(t, h, tenantB, invoice.Options{})
		cust := o2c.NewCustomerID()
		ia := a.issue(t, cust, eur("100.00"))
		ib := b.issue(t, cust, eur("50.00"))
		assert.Equal(t, "INV-2026-000001", ia.Number())
		assert.Equal(t, "INV-2026-000001", ib.Number(), "each tenant has its own sequence")

		_, err := b.inv.Get(ctx, ia.ID())
		require.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = b.inv.Update(ctx, ia.ID(), func(*invoice.Invoice) error { return nil })
		require.ErrorIs(t, err, o2c.ErrNotFound)
		got, err := b.inv.GetByNumber(ctx, "INV-2026-000001")
		require.NoError(t, err)
		assert.Equal(t, ib.ID(), got.ID())
		list, err := b.inv.List(ctx, invoice.Filter{Customer: cust})
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, ib.ID(), list[0].ID())
		items, err := b.inv.OpenItems(ctx, invoice.OpenItemFilter{Customer: cust})
		require.NoError(t, err)
		require.Len(t, items, 1)
		assert.Equal(t, "50.00 EUR", items[0].Open.String())
		bals, err := b.inv.Balances(ctx, cust)
		require.NoError(t, err)
		require.Len(t, bals, 1)
		assert.Equal(t, "50.00 EUR", bals[0].Receivable.String())

		// a store refuses another tenant's document
		foreign, err := invoice.NewDraft(tenantA, invoice.KindInvoice, draftOf(cust, zeroRatedLine("x", eur("1.00"))), Epoch)
		require.NoError(t, err)
		require.ErrorIs(t, b.inv.Create(ctx, foreign), o2c.ErrValidation)
		require.ErrorIs(t, b.inv.Save(ctx, ia), o2c.ErrValidation)

		// payments and numbers are tenant-bound too
		pa := a.pay(t, cust, eur("10.00"))
		_, err = b.pays.Get(ctx, pa.ID())
		require.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = b.pays.GetByKey(ctx, pa.IdempotencyKey())
		require.ErrorIs(t, err, o2c.ErrNotFound)
		u, err := b.pays.Unapplied(ctx, cust)
		require.NoError(t, err)
		assert.Empty(t, u)
		// b may record a payment with a's idempotency key: keys are per tenant
		_, err = b.svc.RecordPayment(ctx, invoice.PaymentInput{Customer: cust, Amount: eur("3.00"), ValueDate: o2c.DateOf(Epoch),
			Method: invoice.MethodCard, IdempotencyKey: pa.IdempotencyKey()})
		require.NoError(t, err)
		// b cannot allocate a's payment or pay a's invoice
		_, err = b.svc.Allocate(ctx, invoice.AllocateInput{Payment: pa.ID(), Key: "k", Lines: []invoice.AllocationLine{{Invoice: ib.ID(), Amount: eur("1.00")}}})
		require.ErrorIs(t, err, o2c.ErrNotFound)
		pb := b.pay(t, cust, eur("10.00"))
		_, err = b.svc.Allocate(ctx, invoice.AllocateInput{Payment: pb.ID(), Key: "k", Lines: []invoice.AllocationLine{{Invoice: ia.ID(), Amount: eur("1.00")}}})
		require.ErrorIs(t, err, o2c.ErrNotFound)
		assert.Equal(t, "100.00 EUR", a.get(t, ia.ID()).Open().String())
		// outboxes are separate
		assert.Equal(t, []string{invoice.EventIssued}, a.events(t, ia.ID().String()))
		assert.Empty(t, b.events(t, ia.ID().String()))
		nb, err := b.numbers.Last(ctx, "INV-2026")
		require.NoError(t, err)
		assert.EqualValues(t, 1, nb)
	})

	t.Run("OptimisticConcurrency", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv := e.issue(t, cust, eur("100.00"))
		a, b := e.get(t, inv.ID()), e.get(t, inv.ID())
		_, err := a.OpenDispute(invoice.DisputeInput{Amount: eur("10.00"), Reason: invoice.ReasonQuality, Actor: "ann"}, Epoch)
		require.NoError(t, err)
		_, err = b.OpenDispute(invoice.DisputeInput{Amount: eur("95.00"), Reason: invoice.ReasonPriceError, Actor: "bob"}, Epoch)
		require.NoError(t, err)
		require.NoError(t, e.inv.Save(ctx, a))
		assert.EqualValues(t, 3, a.Version())
		err = e.inv.Save(ctx, b)
		require.ErrorIs(t, err, o2c.ErrConflict, "b was read before a was saved")
		got := e.get(t, inv.ID())
		assert.Equal(t, "10.00 EUR", got.Disputed().String())
		disputed := 0
		for _, typ := range e.events(t, inv.ID().String()) {
			if typ == invoice.EventDisputed {
				disputed++
			}
		}
		assert.Equal(t, 1, disputed, "the loser's event is not written")

		missing, err := invoice.NewDraft(tenantA, invoice.KindInvoice, draftOf(cust, zeroRatedLine("x", eur("1.00"))), Epoch)
		require.NoError(t, err)
		require.ErrorIs(t, e.inv.Save(ctx, missing), o2c.ErrNotFound)

		// payments too
		p1 := e.pay(t, cust, eur("10.00"))
		x, y := e.getPayment(t, p1.ID()), e.getPayment(t, p1.ID())
		_, err = x.Refund("r1", eur("1.00"), "", Epoch)
		require.NoError(t, err)
		_, err = y.Refund("r2", eur("2.00"), "", Epoch)
		require.NoError(t, err)
		require.NoError(t, e.pays.Save(ctx, x))
		require.ErrorIs(t, e.pays.Save(ctx, y), o2c.ErrConflict)
		assert.Equal(t, "9.00 EUR", e.getPayment(t, p1.ID()).Unapplied().String())
	})

	t.Run("EventsWrittenWithTheChangeAndNotOnFailure", func(t *testing.T) {
		h := newHarness(t)
		e := newEnv(t, h, tenantA, invoice.Options{})
		cust := o2c.NewCustomerID()
		inv := e.issue(t, cust, eur("100.00"))
		base := len(e.events(t, inv.ID().String()))
		boom := errors.New("boom")

		// fn records an event, then fails: neither the change nor the event
		_, err := e.inv.Update(ctx, inv.ID(), func(inv *invoice.Invoice) error {
			if _, err := inv.OpenDispute(invoice.DisputeInput{Amount: eur("1.00"), Reason: invoice.ReasonOther, Actor: "x"}, Epoch); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		assert.Len(t, e.events(t, inv.ID().String()), base)
		assert.True(t, e.get(t, inv.ID()).Disputed().IsZero())

		// inside a caller's transaction that rolls back: nothing either
		err = h.Tx.InTx(ctx, func(ctx context.Context) error {
			if _, err := e.inv.Update(ctx, inv.ID(), func(inv *invoice.Invoice) error {
				_, err := inv.OpenDispute(invoice.DisputeInput{Amount: eur("2.00"), Reason: invoice.ReasonOther, Actor: "x"}, Epoch)
				return err
			}); err != nil {
				return err
			}
			// visible inside the transaction, with its event
			got, err := e.inv.Get(ctx, inv.ID())
			if err != nil {
				return err
			}
			if !got.Disputed().Equal(eur("2.00")) {
				return fmt.Errorf("inside the transaction: disputed %s", got.Disputed())
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		assert.Len(t, e.events(t, inv.ID().String()), base)
		assert.True(t, e.get(t, inv.ID()).Disputed().IsZero())

		// a failing store call inside a transaction that carries on leaves nothing
		require.NoError(t, h.Tx.InTx(ctx, func(ctx context.Context) error {
			dup, err := invoice.NewDraft(tenantA, invoice.KindInvoice, draftOf(cust, zeroRatedLine("dup", eur("5.00"))), Epoch)
			require.NoError(t, err)
			require.NoError(t, dup.Issue(inv.Number(), o2c.DateOf(Epoch), invoice.BusinessDayShift{}, Epoch)) // number taken
			require.ErrorIs(t, e.inv.Create(ctx, dup), o2c.ErrConflict)
			_, err = e.inv.Get(ctx, dup.ID())
			require.ErrorIs(t, err, o2c.ErrNotFound)
			return nil
		}))
		assert.Len(t, e.events(t, inv.ID().String()), base)

		// success: the change and its event together
		_, err = e.inv.Update(ctx, inv.ID(), func(inv *invoice.Invoice) error {
			_, err := inv.OpenDispute(invoice.DisputeInput{Amount: eur("3.00"), Reason: invoice.ReasonOther, Actor: "x"}, Epoch)
			return err
		})
		require.NoError(t, err)
		evs := e.events(t, inv.ID().String())
		require.Len(t, evs, base+1)
		assert.Equal(t, invoice.EventDisputed, evs[base])
		assert.Equal(t, "3.00 EUR", e.get(t, inv.ID()).Disputed().String())
		recs, err := e.ob.Pending(ctx, 1000)
		require.NoError(t, err)
		last := recs[len(recs)-1].Event
		var p invoice.EventPayload
		require.NoError(t, last.Decode(&p))
		assert.Equal(t, "3.00 EUR", p.Amount.String())
		assert.Equal(t, invoice.StateDisputed, p.Status)
		assert.Equal(t, tenantA, last.Tenant)
	})

	t.Run("ListByCustomerStatusDueDateWithPaging", func(t *testing.T) {
		e := newEnv(t, newHarness(t), tenantA, invoice.Options{})
		c1, c2 := o2c.NewCustomerID(), o2c.NewCustomerID()
		mk := func(cust o2c.CustomerID, days int, issue bool) *invoice.Invoice {
			d := draftOf(cust, zeroRatedLine("x", eur("10.00")))
			d.Terms = invoice.NetTerms(days)
			inv, err := e.svc.CreateInvoice(ctx, d)
			require.NoError(t, err)
			if issue {
				inv, err = e.svc.Issue(ctx, inv.ID(), o2c.Date{})
				require.NoError(t, err)
			}
			return inv
		}
		i60 := mk(c1, 60, true) // due 2026-03-16
		i10 := mk(c1, 10, true) // due 2026-01-25
		i30 := mk(c1, 30, true) // due 2026-02-14
		d1 := mk(c1, 30, false) // draft: no due date
		o20 := mk(c2, 20, true) // other customer, due 2026-02-04
		i45 := mk(c1, 45, true) // due 2026-03-01
		p := e.pay(t, c1, eur("10.00"))
		_, err := e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "k", Lines: []invoice.AllocationLine{{Invoice: i45.ID(), Amount: eur("10.00")}}})
		require.NoError(t, err)

		ids := func(l []*invoice.Invoice) []invoice.ID {
			out := make([]invoice.ID, len(l))
			for i, x := range l {
				out[i] = x.ID()
			}
			return out
		}
		all, err := e.inv.List(ctx, invoice.Filter{Customer: c1})
		require.NoError(t, err)
		assert.Equal(t, []invoice.ID{i60.ID(), i10.ID(), i30.ID(), d1.ID(), i45.ID()}, ids(all), "creation order")

		byDue, err := e.inv.List(ctx, invoice.Filter{Customer: c1, OrderBy: invoice.OrderByDueDate})
		require.NoError(t, err)
		assert.Equal(t, []invoice.ID{i10.ID(), i30.ID(), i45.ID(), i60.ID(), d1.ID()}, ids(byDue), "due date, drafts last")

		open, err := e.inv.List(ctx, invoice.Filter{Customer: c1, Statuses: []invoice.State{invoice.StateIssued}, OrderBy: invoice.OrderByDueDate})
		require.NoError(t, err)
		assert.Equal(t, []invoice.ID{i10.ID(), i30.ID(), i60.ID()}, ids(open))

		window, err := e.inv.List(ctx, invoice.Filter{DueFrom: o2c.MustDate(2026, 2, 1), DueTo: o2c.MustDate(2026, 3, 1), OrderBy: invoice.OrderByDueDate})
		require.NoError(t, err)
		assert.Equal(t, []invoice.ID{o20.ID(), i30.ID(), i45.ID()}, ids(window), "both bounds inclusive, all customers")

		page1, err := e.inv.List(ctx, invoice.Filter{Customer: c1, OrderBy: invoice.OrderByDueDate, Limit: 2})
		require.NoError(t, err)
		page2, err := e.inv.List(ctx, invoice.Filter{Customer: c1, OrderBy: invoice.OrderByDueDate, Limit: 2, Offset: 2})
		require.NoError(t, err)
		page3, err := e.inv.List(ctx, invoice.Filter{Customer: c1, OrderBy: invoice.OrderByDueDate, Limit: 2, Offset: 4})
		require.NoError(t, err)
		assert.Equal(t, []invoice.ID{i10.ID(), i30.ID()}, ids(page1))
		assert.Equal(t, []invoice.ID{i45.ID(), i60.ID()}, ids(page2))
		assert.Equal(t, []invoice.ID{d1.ID()}, ids(page3))
		empty, err := e.inv.List(ctx, invoice.Filter{Customer: c1, Limit: 2, Offset: 10})
		require.NoError(t, err)
		assert.Empty(t, empty)

		_, err = e.inv.List(ctx, invoice.Filter{Offset: 1})
		require.ErrorIs(t, err, o2c.ErrValidation)
		_, err = e.inv.List(ctx, invoice.Filter{Statuses: []invoice.State{"lost"}})
		require.ErrorIs(t, err, o2c.ErrValidation)

		// open items: query columns only, by due date; paid and drafts excluded
		items, err := e.inv.OpenItems(ctx, invoice.OpenItemFilter{Customer: c1})
		require.NoError(t, err)
		require.Len(t, items, 3)
		assert.Equal(t, i10.ID(), items[0].Invoice)
		assert.Equal(t, i10.Number(), items[0].Number)
		assert.Equal(t, "2026-01-25", items[0].DueDate.String())
		assert.Equal(t, "10.00 EUR", items[0].Open.String())
		assert.Equal(t, "10.00 EUR", items[0].Gross.String())
		assert.Equal(t, "0.00 EUR", items[0].Disputed.String())
		overdue, err := e.inv.OpenItems(ctx, invoice.OpenItemFilter{DueTo: o2c.MustDate(2026, 2, 14)})
		require.NoError(t, err)
		require.Len(t, overdue, 3)
		assert.Equal(t, []invoice.ID{i10.ID(), o20.ID(), i30.ID()}, []invoice.ID{overdue[0].Invoice, overdue[1].Invoice, overdue[2].Invoice})
		paged, err := e.inv.OpenItems(ctx, invoice.OpenItemFilter{Limit: 1, Offset: 1})
		require.NoError(t, err)
		require.Len(t, paged, 1)
		assert.Equal(t, o20.ID(), paged[0].Invoice)
		usd, err := e.inv.OpenItems(ctx, invoice.OpenItemFilter{Currency: o2c.USD})
		require.NoError(t, err)
		assert.Empty(t, usd)
	})
}
