// Package dunningtest is the conformance suite every dunning.Store must
// pass: call RunStoreTests from the adapter's tests with a harness that
// opens a fresh database.
package dunningtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// Harness gives the suite the stores of one fresh database.
type Harness struct {
	// Tx is the database's transactor.
	Tx o2c.Transactor
	// Store and Outbox return the tenant-bound stores of tenant t.
	Store  func(t o2c.TenantID) dunning.Store
	Outbox func(t o2c.TenantID) outbox.Store
}

var day = o2c.MustDate(2026, time.March, 10)

// letters builds n letters of tenant for date, with their events.
func letters(t *testing.T, tenant o2c.TenantID, date o2c.Date, n int, customer o2c.CustomerID) ([]dunning.HistoryEntry, []o2c.Event) {
	t.Helper()
	var es []dunning.HistoryEntry
	var evs []o2c.Event
	for i := range n {
		c := customer
		if c.IsZero() {
			c = o2c.NewCustomerID()
		}
		key := dunning.LetterKey(tenant, date, c, o2c.EUR, fmt.Sprintf("level-%d", i))
		ev, err := o2c.NewEvent(tenant, "dunning_letter", key, dunning.EventLetterIssued, date.Time(), map[string]string{"key": key})
		require.NoError(t, err)
		es = append(es, dunning.HistoryEntry{Key: key, RunDate: date, Customer: c, Currency: o2c.EUR, Plan: "FR", Level: i,
			LevelName: fmt.Sprintf("level-%d", i), Channel: dunning.ChannelEmail, Total: o2c.MustMoney("100.00", "EUR"),
			Items: []dunning.HistoryItem{{Invoice: o2c.NewID[invoice.Invoice](), Number: "F-1", Amount: o2c.MustMoney("100.00", "EUR"), RecoveryFeeClaimed: i%2 == 1}},
			Event: ev.ID, Status: dunning.LetterPending, CreatedAt: date.Time()})
		evs = append(evs, ev)
	}
	return es, evs
}

func pendingOutbox(t *testing.T, ob outbox.Store) int {
	t.Helper()
	rs, err := ob.Pending(context.Background(), 10000)
	require.NoError(t, err)
	return len(rs)
}

// RunStoreTests runs the suite; newHarness must return a harness on a
// fresh, empty database for each call.
func RunStoreTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	ctx := context.Background()

	t.Run("RecordLettersIsIdempotentByKey", func(t *testing.T) {
		h := newHarness(t)
		st := h.Store("acme")
		es, evs := letters(t, "acme", day, 5, o2c.CustomerID{})
		keys, err := st.RecordLetters(ctx, dunning.Run{Date: day, StartedAt: day.Time()}, es[:3], evs[:3])
		require.NoError(t, err)
		assert.Len(t, keys, 3)
		run, err := st.Run(ctx, day)
		require.NoError(t, err)
		assert.Equal(t, dunning.RunExecuting, run.Status)
		assert.Equal(t, 3, run.Letters)
		// the whole batch again: only the two new letters are written
		keys, err = st.RecordLetters(ctx, dunning.Run{Date: day}, es, evs)
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{es[3].Key, es[4].Key}, keys)
		run, err = st.Run(ctx, day)
		require.NoError(t, err)
		assert.Equal(t, 5, run.Letters)
		assert.Equal(t, 5, pendingOutbox(t, h.Outbox("acme")), "one event per letter, never two")
		hist, err := st.History(ctx, dunning.HistoryFilter{})
		require.NoError(t, err)
		require.Len(t, hist, 5)
		for i, e := range hist {
			assert.Equal(t, es[i].Key, e.Key, "write order")
			assert.Equal(t, es[i].Items, e.Items)
			assert.True(t, es[i].Total.Equal(e.Total))
		}
	})

	t.Run("CompletedRunRefusesLetters", func(t *testing.T) {
		h := newHarness(t)
		st := h.Store("acme")
		es, evs := letters(t, "acme", day, 2, o2c.CustomerID{})
		_, err := st.RecordLetters(ctx, dunning.Run{Date: day}, es[:1], evs[:1])
		require.NoError(t, err)
		at := day.Time().Add(time.Hour)
		require.NoError(t, st.CompleteRun(ctx, day, at))
		require.NoError(t, st.CompleteRun(ctx, day, at.Add(time.Hour)), "completing twice is a no-op")
		run, err := st.Run(ctx, day)
		require.NoError(t, err)
		assert.Equal(t, dunning.RunCompleted, run.Status)
		assert.True(t, run.CompletedAt.Equal(at))
		_, err = st.RecordLetters(ctx, dunning.Run{Date: day}, es[1:], evs[1:])
		assert.ErrorIs(t, err, o2c.ErrConflict)
		assert.ErrorIs(t, st.CompleteRun(ctx, day.AddDays(1), at), o2c.ErrNotFound)
		_, err = st.Run(ctx, day.AddDays(1))
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		assert.Equal(t, 1, pendingOutbox(t, h.Outbox("acme")))
		// an empty run is a run
		_, err = st.RecordLetters(ctx, dunning.Run{Date: day.AddDays(1)}, nil, nil)
		require.NoError(t, err)
		runs, err := st.Runs(ctx, 0)
		require.NoError(t, err)
		require.Len(t, runs, 2)
		assert.Equal(t, day.AddDays(1), runs[0].Date, "newest first")
	})

	t.Run("NothingHalfWritten", func(t *testing.T) {
		h := newHarness(t)
		st := h.Store("acme")
		es, evs := letters(t, "acme", day, 3, o2c.CustomerID{})
		// an entry without its event
		_, err := st.RecordLetters(ctx, dunning.Run{Date: day}, es, evs[:2])
		assert.ErrorIs(t, err, o2c.ErrValidation)
		// an event of another tenant
		_, other := letters(t, "other", day, 1, o2c.CustomerID{})
		_, err = st.RecordLetters(ctx, dunning.Run{Date: day}, es[:1], append(evs[:1:1], other...))
		assert.ErrorIs(t, err, o2c.ErrValidation)
		// an invalid entry
		bad := es[0]
		bad.Status = "sent"
		_, err = st.RecordLetters(ctx, dunning.Run{Date: day}, []dunning.HistoryEntry{bad}, evs[:1])
		assert.ErrorIs(t, err, o2c.ErrValidation)
		// a caller's transaction that rolls back
		boom := errors.New("boom")
		err = h.Tx.InTx(ctx, func(ctx context.Context) error {
			if _, err := st.RecordLetters(ctx, dunning.Run{Date: day}, es, evs); err != nil {
				return err
			}
			return boom
		})
		assert.ErrorIs(t, err, boom)
		hist, err := st.History(ctx, dunning.HistoryFilter{})
		require.NoError(t, err)
		assert.Empty(t, hist)
		_, err = st.Run(ctx, day)
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		assert.Equal(t, 0, pendingOutbox(t, h.Outbox("acme")))
		// inside a transaction that commits, it joins it
		require.NoError(t, h.Tx.InTx(ctx, func(ctx context.Context) error {
			_, err := st.RecordLetters(ctx, dunning.Run{Date: day}, es, evs)
			return err
		}))
		assert.Equal(t, 3, pendingOutbox(t, h.Outbox("acme")))
	})

	t.Run("TenantsAreIsolated", func(t *testing.T) {
		h := newHarness(t)
		acme, other := h.Store("acme"), h.Store("other")
		es, evs := letters(t, "acme", day, 2, o2c.CustomerID{})
		_, err := acme.RecordLetters(ctx, dunning.Run{Date: day}, es, evs)
		require.NoError(t, err)
		hist, err := other.History(ctx, dunning.HistoryFilter{})
		require.NoError(t, err)
		assert.Empty(t, hist)
		pend, err := other.PendingLetters(ctx, 10)
		require.NoError(t, err)
		assert.Empty(t, pend)
		_, err = other.Run(ctx, day)
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		assert.ErrorIs(t, other.UpdateDelivery(ctx, dunning.DeliveryUpdate{Key: es[0].Key, Delivered: true, At: day.Time()}), o2c.ErrNotFound)
		p := dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: o2c.NewCustomerID(), Date: day}
		require.NoError(t, acme.SavePromise(ctx, &p))
		ps, err := other.Promises(ctx, o2c.CustomerID{})
		require.NoError(t, err)
		assert.Empty(t, ps)
		assert.ErrorIs(t, other.DeletePromise(ctx, p.ID), o2c.ErrNotFound)
		a := dunning.Assignment{Kind: dunning.AssignSegment, Key: "retail", Plan: "FR"}
		require.NoError(t, acme.SaveAssignment(ctx, &a))
		as, err := other.Assignments(ctx)
		require.NoError(t, err)
		assert.Empty(t, as)
		// the same key may exist in two tenants
		es2, evs2 := letters(t, "other", day, 1, o2c.CustomerID{})
		es2[0].Key = es[0].Key
		keys, err := other.RecordLetters(ctx, dunning.Run{Date: day}, es2, evs2)
		require.NoError(t, err)
		assert.Len(t, keys, 1)
	})

	t.Run("FormalNoticeDeadlineAndReceipt", func(t *testing.T) {
		h := newHarness(t)
		st := h.Store("acme")
		es, evs := letters(t, "acme", day, 2, o2c.NewCustomerID())
		es[0].Channel, es[0].DeadlineDays, es[0].PaymentDeadline = dunning.ChannelRegisteredLetter, 8, day.AddDays(8)
		es[1].Channel, es[1].DeadlineDays, es[1].DeadlineFromReceipt = dunning.ChannelRegisteredLetter, 15, true
		_, err := st.RecordLetters(ctx, dunning.Run{Date: day}, es, evs)
		require.NoError(t, err)
		hist, err := st.History(ctx, dunning.HistoryFilter{})
		require.NoError(t, err)
		require.Len(t, hist, 2)
		assert.Equal(t, 8, hist[0].DeadlineDays)
		assert.Equal(t, day.AddDays(8), hist[0].PaymentDeadline, "the deadline is stored in the history")
		d, ok := hist[0].Deadline()
		assert.True(t, ok)
		assert.Equal(t, day.AddDays(8), d)
		_, ok = hist[1].Deadline()
		assert.False(t, ok, "runs from a receipt not recorded yet")

		at := day.Time().Add(72 * time.Hour)
		rc := dunning.Receipt{Reference: "1A 123 456 7890 1", ReceivedOn: day.AddDays(3), RecordedAt: at}
		got, err := st.RecordReceipt(ctx, es[1].Key, rc)
		require.NoError(t, err)
		require.NotNil(t, got.Receipt)
		assert.Equal(t, day.AddDays(18), got.PaymentDeadline, "15 days from receipt")
		hist, err = st.History(ctx, dunning.HistoryFilter{})
		require.NoError(t, err)
		require.NotNil(t, hist[1].Receipt)
		assert.Equal(t, "1A 123 456 7890 1", hist[1].Receipt.Reference)
		assert.Equal(t, day.AddDays(3), hist[1].Receipt.ReceivedOn)
		assert.True(t, hist[1].Receipt.RecordedAt.Equal(at))
		assert.Equal(t, day.AddDays(18), hist[1].PaymentDeadline)
		assert.Equal(t, dunning.LetterPending, hist[1].Status, "delivery bookkeeping untouched")

		_, err = st.RecordReceipt(ctx, es[1].Key, rc)
		require.NoError(t, err, "the same receipt again is a no-op")
		other := rc
		other.ReceivedOn = day.AddDays(4)
		_, err = st.RecordReceipt(ctx, es[1].Key, other)
		assert.ErrorIs(t, err, o2c.ErrConflict)
		_, err = st.RecordReceipt(ctx, es[0].Key, dunning.Receipt{Reference: "X", ReceivedOn: day.AddDays(-1)})
		assert.ErrorIs(t, err, o2c.ErrValidation, "received before it was sent")
		_, err = st.RecordReceipt(ctx, es[0].Key, dunning.Receipt{ReceivedOn: day})
		assert.ErrorIs(t, err, o2c.ErrValidation, "no number")
		_, err = st.RecordReceipt(ctx, "acme/nope", rc)
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		_, err = h.Store("globex").RecordReceipt(ctx, es[0].Key, rc)
		assert.ErrorIs(t, err, o2c.ErrNotFound, "another tenant's letter")
		hist, err = st.History(ctx, dunning.HistoryFilter{})
		require.NoError(t, err)
		assert.Nil(t, hist[0].Receipt, "failed recordings write nothing")
	})

	t.Run("DeliveryBookkeeping", func(t *testing.T) {
		h := newHarness(t)
		st := h.Store("acme")
		c := o2c.NewCustomerID()
		es, evs := letters(t, "acme", day, 3, c)
		_, err := st.RecordLetters(ctx, dunning.Run{Date: day}, es, evs)
		require.NoError(t, err)
		pend, err := st.PendingLetters(ctx, 10)
		require.NoError(t, err)
		require.Len(t, pend, 3)
		for i, p := range pend {
			assert.Equal(t, es[i].Key, p.Entry.Key)
			assert.Equal(t, evs[i].ID, p.Event.ID)
			assert.JSONEq(t, string(evs[i].Payload), string(p.Event.Payload))
			assert.Equal(t, dunning.EventLetterIssued, p.Event.Type)
		}
		pend, err = st.PendingLetters(ctx, 2)
		require.NoError(t, err)
		assert.Len(t, pend, 2)
		_, err = st.PendingLetters(ctx, 0)
		assert.ErrorIs(t, err, o2c.ErrValidation)

		at := day.Time().Add(2 * time.Hour)
		require.NoError(t, st.UpdateDelivery(ctx, dunning.DeliveryUpdate{Key: es[0].Key, Delivered: true, At: at}))
		require.NoError(t, st.UpdateDelivery(ctx, dunning.DeliveryUpdate{Key: es[1].Key, Error: "smtp 451", At: at}))
		require.NoError(t, st.UpdateDelivery(ctx, dunning.DeliveryUpdate{Key: es[2].Key, Error: "bounced", At: at, GiveUp: true}))
		// unknown key: nothing updated, not even the known one
		err = st.UpdateDelivery(ctx, dunning.DeliveryUpdate{Key: es[1].Key, Delivered: true, At: at}, dunning.DeliveryUpdate{Key: "nope", Delivered: true, At: at})
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		// a delivered letter stays delivered
		require.NoError(t, st.UpdateDelivery(ctx, dunning.DeliveryUpdate{Key: es[0].Key, Error: "late failure", At: at, GiveUp: true}))

		hist, err := st.History(ctx, dunning.HistoryFilter{Customer: c})
		require.NoError(t, err)
		require.Len(t, hist, 3)
		assert.Equal(t, dunning.LetterDelivered, hist[0].Status)
		assert.True(t, hist[0].DeliveredAt.Equal(at))
		assert.Equal(t, 1, hist[0].Attempts)
		assert.Equal(t, dunning.LetterPending, hist[1].Status)
		assert.Equal(t, 1, hist[1].Attempts)
		assert.Equal(t, "smtp 451", hist[1].LastError)
		assert.Equal(t, dunning.LetterFailed, hist[2].Status)
		pend, err = st.PendingLetters(ctx, 10)
		require.NoError(t, err)
		require.Len(t, pend, 1)
		assert.Equal(t, es[1].Key, pend[0].Entry.Key)
		recs, err := h.Outbox("acme").Pending(ctx, 10)
		require.NoError(t, err)
		assert.Len(t, recs, 2, "the delivered letter's event is delivered")
		for _, r := range recs {
			assert.NotEqual(t, evs[0].ID, r.Event.ID)
		}
		onlyFailed, err := st.History(ctx, dunning.HistoryFilter{Status: dunning.LetterFailed})
		require.NoError(t, err)
		require.Len(t, onlyFailed, 1)
	})

	t.Run("HistoryFilters", func(t *testing.T) {
		h := newHarness(t)
		st := h.Store("acme")
		c1, c2 := o2c.NewCustomerID(), o2c.NewCustomerID()
		for i, d := range []o2c.Date{day.AddDays(10), day, day.AddDays(5)} {
			c := c1
			if i == 1 {
				c = c2
			}
			es, evs := letters(t, "acme", d, 1, c)
			_, err := st.RecordLetters(ctx, dunning.Run{Date: d}, es, evs)
			require.NoError(t, err)
		}
		all, err := st.History(ctx, dunning.HistoryFilter{})
		require.NoError(t, err)
		require.Len(t, all, 3)
		assert.Equal(t, []o2c.Date{day, day.AddDays(5), day.AddDays(10)}, []o2c.Date{all[0].RunDate, all[1].RunDate, all[2].RunDate})
		mine, err := st.History(ctx, dunning.HistoryFilter{Customer: c1})
		require.NoError(t, err)
		assert.Len(t, mine, 2)
		recent, err := st.History(ctx, dunning.HistoryFilter{Since: day.AddDays(5)})
		require.NoError(t, err)
		assert.Len(t, recent, 2)
		one, err := st.History(ctx, dunning.HistoryFilter{Limit: 1})
		require.NoError(t, err)
		require.Len(t, one, 1)
		assert.Equal(t, day, one[0].RunDate)
	})

	runDeliveryTests(t, newHarness)

	t.Run("DatesOutOfRangeAreNeverStored", func(t *testing.T) {
		// a date after 9999-12-31 could be written but not read back: one
		// would make every later read of the tenant fail
		h := newHarness(t)
		st := h.Store("acme")
		far := o2c.MustDate(9999, time.December, 31).AddDays(1)
		p := dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: o2c.NewCustomerID(), Date: far}
		assert.ErrorIs(t, st.SavePromise(ctx, &p), o2c.ErrDateOutOfRange)
		b := dunning.Block{ID: o2c.NewID[dunning.Block](), Customer: o2c.NewCustomerID(), Reason: "litigation", Until: far}
		assert.ErrorIs(t, st.SaveBlock(ctx, &b), o2c.ErrDateOutOfRange)
		es, evs := letters(t, "acme", day, 2, o2c.CustomerID{})
		es[1].RunDate = far
		_, err := st.RecordLetters(ctx, dunning.Run{Date: day, StartedAt: day.Time()}, es, evs)
		assert.ErrorIs(t, err, o2c.ErrValidation)
		_, err = st.RecordLetters(ctx, dunning.Run{Date: far, StartedAt: day.Time()}, es[:1], evs[:1])
		assert.ErrorIs(t, err, o2c.ErrValidation, "a run of an unreadable date")

		ps, err := st.Promises(ctx, o2c.CustomerID{})
		require.NoError(t, err)
		assert.Empty(t, ps)
		bs, err := st.Blocks(ctx, o2c.CustomerID{})
		require.NoError(t, err)
		assert.Empty(t, bs)
		hs, err := st.History(ctx, dunning.HistoryFilter{})
		require.NoError(t, err, "the history stays readable")
		assert.Empty(t, hs, "nothing half-written")
		runs, err := st.Runs(ctx, 0)
		require.NoError(t, err)
		assert.Empty(t, runs)
	})

	t.Run("PromisesBlocksAssignments", func(t *testing.T) {
		h := newHarness(t)
		st := h.Store("acme")
		c := o2c.NewCustomerID()
		p := dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: c, Date: day, Amount: o2c.MustMoney("10", "EUR")}
		require.NoError(t, st.SavePromise(ctx, &p))
		assert.Equal(t, int64(1), p.Version)
		stale := p
		p.Date = day.AddDays(3)
		require.NoError(t, st.SavePromise(ctx, &p))
		assert.Equal(t, int64(2), p.Version)
		assert.ErrorIs(t, st.SavePromise(ctx, &stale), o2c.ErrConflict)
		assert.ErrorIs(t, st.SavePromise(ctx, &dunning.Promise{ID: o2c.NewID[dunning.Promise]()}), o2c.ErrValidation)
		other := dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: o2c.NewCustomerID(), Date: day}
		require.NoError(t, st.SavePromise(ctx, &other))
		ps, err := st.Promises(ctx, c)
		require.NoError(t, err)
		require.Len(t, ps, 1)
		assert.Equal(t, day.AddDays(3), ps[0].Date)
		ps, err = st.Promises(ctx, o2c.CustomerID{})
		require.NoError(t, err)
		assert.Len(t, ps, 2)
		require.NoError(t, st.DeletePromise(ctx, p.ID))
		assert.ErrorIs(t, st.DeletePromise(ctx, p.ID), o2c.ErrNotFound)

		b := dunning.Block{ID: o2c.NewID[dunning.Block](), Customer: c, Reason: "litigation", Until: day.AddDays(30)}
		require.NoError(t, st.SaveBlock(ctx, &b))
		assert.ErrorIs(t, st.SaveBlock(ctx, &dunning.Block{ID: o2c.NewID[dunning.Block](), Customer: c}), o2c.ErrValidation)
		bs, err := st.Blocks(ctx, c)
		require.NoError(t, err)
		require.Len(t, bs, 1)
		assert.True(t, bs[0].ActiveOn(day))
		assert.False(t, bs[0].ActiveOn(day.AddDays(31)))
		require.NoError(t, st.DeleteBlock(ctx, b.ID))
		bs, err = st.Blocks(ctx, o2c.CustomerID{})
		require.NoError(t, err)
		assert.Empty(t, bs)

		a1 := dunning.Assignment{Kind: dunning.AssignSegment, Key: "retail", Plan: "FR"}
		a2 := dunning.Assignment{Kind: dunning.AssignCustomer, Key: c.String(), Plan: "EN"}
		require.NoError(t, st.SaveAssignment(ctx, &a1))
		require.NoError(t, st.SaveAssignment(ctx, &a2))
		dup := dunning.Assignment{Kind: dunning.AssignSegment, Key: "retail", Plan: "EN"}
		assert.ErrorIs(t, st.SaveAssignment(ctx, &dup), o2c.ErrConflict, "one assignment per kind and key")
		a1.Plan = "EN"
		require.NoError(t, st.SaveAssignment(ctx, &a1))
		assert.ErrorIs(t, st.SaveAssignment(ctx, &dunning.Assignment{Kind: "region", Key: "x", Plan: "FR"}), o2c.ErrValidation)
		as, err := st.Assignments(ctx)
		require.NoError(t, err)
		require.Len(t, as, 2)
		assert.Equal(t, dunning.AssignCustomer, as[0].Kind)
		assert.Equal(t, "EN", as[1].Plan)
		require.NoError(t, st.DeleteAssignment(ctx, dunning.AssignSegment, "retail"))
		assert.ErrorIs(t, st.DeleteAssignment(ctx, dunning.AssignSegment, "retail"), o2c.ErrNotFound)
	})
}
