package cycle_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/tax"
)

type einvHarness struct {
	t        *testing.T
	c        *cycle.Cycle
	st       tenantStores
	clock    *o2c.ManualClock
	platform *einvoice.MemoryPlatform
	cust     *customer.Customer
	handler  outbox.Handler
}

func newEInvHarness(t *testing.T) *einvHarness {
	t.Helper()
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	platform := &einvoice.MemoryPlatform{}
	cfg := cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier())
	cfg.EInvoicing = &cycle.EInvoicing{Platform: platform, Options: einvoice.Options{
		Seller: einvoice.Party{Name: "Acme SAS", VATNumber: "FR44732829320", LegalID: "732829320", LegalIDScheme: einvoice.SchemeSIREN,
			Address: einvoice.Address{Lines: []string{"1 rue de la Paix"}, City: "Paris", Postcode: "75002", Country: "FR"}},
		Payment: einvoice.PaymentMeans{IBAN: "FR7630006000011234567890189"},
	}}
	c, err := cycle.New(cfg)
	require.NoError(t, err)
	cu, err := customer.New("acme", customer.Details{
		Number: "C-1", LegalName: "Boulangerie Martin SARL", SIRET: "40483304800022", VATNumber: "FR83404833048", Country: "FR",
		BillingAddress:  customer.Address{Lines: []string{"3 place du Marché"}, City: "Grenoble", Postcode: "38000"},
		BillingContacts: []customer.Contact{{Email: "compta@martin.example", Invoices: true, Reminders: true}},
	}, march2)
	require.NoError(t, err)
	require.NoError(t, c.Customers().Create(context.Background(), cu))
	return &einvHarness{t: t, c: c, st: st, clock: clock, platform: platform, cust: cu, handler: c.EInvoiceHandler(nil)}
}

func (h *einvHarness) issue(amount string) *invoice.Invoice {
	h.t.Helper()
	ctx := context.Background()
	inv, err := h.c.Invoices().CreateInvoice(ctx, invoice.Draft{Customer: h.cust.ID, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Prestation", Quantity: dec("1"), UnitPrice: eur(amount), TaxCategory: tax.Standard, TaxRate: dec("20")}}})
	require.NoError(h.t, err)
	inv, err = h.c.Invoices().Issue(ctx, inv.ID(), o2c.MustDate(2026, time.March, 2))
	require.NoError(h.t, err)
	return inv
}

// dispatch runs the handler over every pending outbox record, as a
// dispatcher would (twice when again is set, as after a crash before the
// records were marked delivered), then marks them delivered.
func (h *einvHarness) dispatch(again bool) {
	h.t.Helper()
	ctx := context.Background()
	recs, err := h.st.Outbox().Pending(ctx, 1000)
	require.NoError(h.t, err)
	runs := 1
	if again {
		runs = 2
	}
	for range runs {
		for _, r := range recs {
			require.NoError(h.t, h.handler(ctx, r))
		}
	}
	var ids []o2c.EventID
	for _, r := range recs {
		ids = append(ids, r.Event.ID)
	}
	if len(ids) > 0 {
		require.NoError(h.t, h.st.Outbox().MarkDelivered(ctx, ids...))
	}
}

func (h *einvHarness) push(inv *invoice.Invoice, id string, s einvoice.Status, at time.Time, mod ...func(*einvoice.StatusUpdate)) {
	h.t.Helper()
	u := einvoice.StatusUpdate{ID: id, Invoice: inv.Number(), Status: s, At: at}
	for _, m := range mod {
		m(&u)
	}
	h.platform.Push(u)
	_, err := h.c.Lifecycle().Poll(context.Background())
	require.NoError(h.t, err)
}

func (h *einvHarness) get(inv *invoice.Invoice) *invoice.Invoice {
	h.t.Helper()
	got, err := h.st.Invoices().Get(context.Background(), inv.ID())
	require.NoError(h.t, err)
	return got
}

func (h *einvHarness) blocks(inv *invoice.Invoice) []dunning.Block {
	h.t.Helper()
	bs, err := h.st.Dunning().Blocks(context.Background(), h.cust.ID)
	require.NoError(h.t, err)
	var out []dunning.Block
	for _, b := range bs {
		if b.Invoice == inv.ID() {
			out = append(out, b)
		}
	}
	return out
}

// dunned reports whether a dunning proposal 40 days after the due date
// has a letter with the invoice.
func (h *einvHarness) dunned(inv *invoice.Invoice) bool {
	h.t.Helper()
	p, err := h.c.Dunning().DryRun(context.Background(), o2c.MustDate(2026, time.May, 12))
	require.NoError(h.t, err)
	for _, l := range p.Letters {
		for _, it := range l.Items {
			if it.Invoice == inv.ID() {
				return true
			}
		}
	}
	return false
}

// TestEInvoiceEmittedOnceThroughTheOutbox: issuing an invoice puts it in
// the outbox; the handler hands its CII to the platform; running the
// records again (a crashed dispatcher) sends nothing new.
func TestEInvoiceEmittedOnceThroughTheOutbox(t *testing.T) {
	h := newEInvHarness(t)
	a, b := h.issue("100.00"), h.issue("250.00")
	h.dispatch(true)
	subs := h.platform.Submissions()
	require.Len(t, subs, 2)
	assert.Equal(t, 4, h.platform.SendCalls())
	for i, inv := range []*invoice.Invoice{a, b} {
		assert.Equal(t, inv.ID().String(), subs[i].ID)
		assert.Equal(t, einvoice.SyntaxCII, subs[i].Syntax)
		doc, err := einvoice.ReadCII(subs[i].Data)
		require.NoError(t, err)
		assert.Equal(t, inv.Number(), doc.Number)
		assert.True(t, doc.Totals.Payable.Equal(inv.Gross().Amount()))
		assert.Equal(t, "Boulangerie Martin SARL", doc.Buyer.Name)
		assert.Equal(t, "40483304800022", doc.Buyer.ID)
	}
	h.dispatch(false)
	assert.Len(t, h.platform.Submissions(), 2)
}

func TestEInvoiceAsFacturX(t *testing.T) {
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	platform := &einvoice.MemoryPlatform{}
	cfg := cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier())
	cfg.EInvoicing = &cycle.EInvoicing{Platform: platform, Syntax: einvoice.SyntaxFacturX, Options: einvoice.Options{
		Seller: einvoice.Party{Name: "Acme SAS", VATNumber: "FR44732829320", Address: einvoice.Address{City: "Paris", Postcode: "75002", Country: "FR"}},
	}}
	c, err := cycle.New(cfg)
	require.NoError(t, err)
	h := &einvHarness{t: t, c: c, st: st, clock: clock, platform: platform, handler: c.EInvoiceHandler(nil)}
	cu, err := customer.New("acme", customer.Details{Number: "C-1", LegalName: "Martin SARL", Country: "FR", VATNumber: "FR83404833048"}, march2)
	require.NoError(t, err)
	require.NoError(t, c.Customers().Create(context.Background(), cu))
	h.cust = cu
	inv := h.issue("100.00")
	h.dispatch(false)
	subs := platform.Submissions()
	require.Len(t, subs, 1)
	assert.Equal(t, einvoice.SyntaxFacturX, subs[0].Syntax)
	assert.Equal(t, inv.Number()+".pdf", subs[0].Filename)
	assert.True(t, strings.HasPrefix(string(subs[0].Data), "%PDF-"))

	cfg.EInvoicing.Syntax = "PDF"
	_, err = cycle.New(cfg)
	assert.ErrorIs(t, err, o2c.ErrValidation)
}

// TestLifecycleStatusesThroughThePlatform drives every XP Z12-012 status
// through the fake platform and checks its effect on the invoice's
// dispute, on dunning, and the 212 the SDK emits when a payment is
// applied.
func TestLifecycleStatusesThroughThePlatform(t *testing.T) {
	ctx := context.Background()
	h := newEInvHarness(t)
	t0 := march2.Add(time.Hour)
	at := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

	inv := h.issue("1000.00") // gross 1200.00
	h.dispatch(false)
	require.True(t, h.dunned(inv), "an overdue invoice is dunned")

	// 200-204: recorded, no effect.
	for i, s := range []einvoice.Status{einvoice.StatusDeposited, einvoice.StatusIssued, einvoice.StatusReceived, einvoice.StatusMadeAvailable, einvoice.StatusInHand} {
		h.push(inv, fmt.Sprint("s", s), s, at(i))
	}
	assert.True(t, h.get(inv).Disputed().IsZero())
	assert.Empty(t, h.blocks(inv))

	// 207 opens a dispute on the whole open amount: nothing left to dun.
	h.push(inv, "s207", einvoice.StatusDisputed, at(10), func(u *einvoice.StatusUpdate) { u.Reason = "prix erroné" })
	assert.Equal(t, "1200.00", h.get(inv).Disputed().AmountString())
	assert.False(t, h.dunned(inv))
	// the same message again changes nothing
	h.push(inv, "s207", einvoice.StatusDisputed, at(10), func(u *einvoice.StatusUpdate) { u.Reason = "prix erroné" })
	assert.Len(t, h.get(inv).Disputes(), 1)

	// 205 closes it.
	h.push(inv, "s205", einvoice.StatusApproved, at(20))
	assert.True(t, h.get(inv).Disputed().IsZero())
	assert.True(t, h.dunned(inv))

	// 206 leaves what was not approved in dispute.
	h.push(inv, "s206", einvoice.StatusPartiallyApproved, at(30), func(u *einvoice.StatusUpdate) { u.Amount = eur("900.00") })
	assert.Equal(t, "300.00", h.get(inv).Disputed().AmountString())

	// A 207 older than the current 206 arrives late: recorded, no effect.
	h.push(inv, "s207-late", einvoice.StatusDisputed, at(25))
	assert.Equal(t, "300.00", h.get(inv).Disputed().AmountString())
	tl, err := h.c.Lifecycle().Timeline(ctx, inv.Number())
	require.NoError(t, err)
	cur, _ := tl.Current()
	assert.Equal(t, einvoice.StatusPartiallyApproved, cur.Status)
	assert.Len(t, tl.Updates, 9)

	// 205 again closes the rest; 208 suspends dunning, 209 resumes it.
	h.push(inv, "s205b", einvoice.StatusApproved, at(40))
	assert.True(t, h.get(inv).Disputed().IsZero())
	h.push(inv, "s208", einvoice.StatusSuspended, at(50), func(u *einvoice.StatusUpdate) { u.Reason = "bon de commande manquant" })
	assert.Len(t, h.blocks(inv), 1)
	assert.False(t, h.dunned(inv))
	h.push(inv, "s209", einvoice.StatusCompleted, at(60))
	assert.Empty(t, h.blocks(inv))
	assert.True(t, h.dunned(inv))

	// 211 records a promise to pay.
	h.push(inv, "s211", einvoice.StatusPaymentTransmitted, at(70), func(u *einvoice.StatusUpdate) {
		u.Amount, u.Date = eur("1200.00"), o2c.MustDate(2026, time.May, 20)
	})
	ps, err := h.st.Dunning().Promises(ctx, h.cust.ID)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, o2c.MustDate(2026, time.May, 20), ps[0].Date)
	assert.False(t, h.dunned(inv), "a promise pauses dunning until its date")

	// 212 is emitted when a payment is applied, with its amount and the
	// day the money arrived (the value date, not the day it was booked).
	h.clock.Set(time.Date(2026, 5, 19, 10, 0, 0, 0, time.UTC))
	pay, err := h.c.Invoices().RecordPayment(ctx, invoice.PaymentInput{Customer: h.cust.ID, Amount: eur("500.00"), ValueDate: o2c.MustDate(2026, time.May, 15), Method: invoice.MethodTransfer, IdempotencyKey: "bank-1"})
	require.NoError(t, err)
	_, err = h.c.Invoices().Allocate(ctx, invoice.AllocateInput{Payment: pay.ID(), Key: "alloc-1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("500.00")}}})
	require.NoError(t, err)
	h.dispatch(true)
	sent := h.platform.SentStatuses()
	require.Len(t, sent, 1)
	assert.Equal(t, einvoice.StatusCollected, sent[0].Status)
	assert.Equal(t, inv.Number(), sent[0].Invoice)
	assert.Equal(t, "500.00", sent[0].Amount.AmountString())
	assert.Equal(t, o2c.MustDate(2026, time.May, 15), sent[0].Date)
	tl, err = h.c.Lifecycle().Timeline(ctx, inv.Number())
	require.NoError(t, err)
	cur, _ = tl.Current()
	assert.Equal(t, einvoice.StatusCollected, cur.Status)

	// 210 on another invoice stops its dunning for good and asks for a
	// correction through the outbox; 213 on a third likewise.
	for _, s := range []einvoice.Status{einvoice.StatusRefused, einvoice.StatusRejected} {
		other := h.issue("80.00")
		h.dispatch(false)
		h.push(other, fmt.Sprint("x", s), s, at(100), func(u *einvoice.StatusUpdate) { u.Reason = "SIRET inconnu" })
		h.push(other, fmt.Sprint("x", s), s, at(100), func(u *einvoice.StatusUpdate) { u.Reason = "SIRET inconnu" })
		assert.Len(t, h.blocks(other), 1, "%s", s)
		assert.False(t, h.dunned(other))
		recs, err := h.st.Outbox().Pending(ctx, 100)
		require.NoError(t, err)
		var corrections int
		for _, r := range recs {
			if r.Event.Type == cycle.EventCorrectionRequired && r.Event.AggregateID == other.ID().String() {
				corrections++
				var u einvoice.StatusUpdate
				require.NoError(t, json.Unmarshal(r.Event.Payload, &u))
				assert.Equal(t, s, u.Status)
			}
		}
		assert.Equal(t, 1, corrections)
		h.dispatch(false)
	}
}

// TestLifecycleKeepsTimelinesInTheStores: without EInvoicing.Timelines, the
// cycle keeps the timelines in the tenant's stores (here adapters/memory),
// where they commit with the effects of the statuses.
func TestLifecycleKeepsTimelinesInTheStores(t *testing.T) {
	ctx := context.Background()
	h := newEInvHarness(t)
	inv := h.issue("1000.00")
	h.dispatch(false)
	h.push(inv, "s207", einvoice.StatusDisputed, march2.Add(time.Hour))
	ts, ok := h.st.(cycle.TimelineStores)
	require.True(t, ok, "the memory adapter's stores keep timelines")
	tl, err := ts.EInvoiceTimelines().Timeline(ctx, inv.Number())
	require.NoError(t, err)
	cur, ok := tl.Current()
	require.True(t, ok, "the timeline is in the stores")
	assert.Equal(t, "s207", cur.ID)
	assert.Equal(t, "1200.00", h.get(inv).Disputed().AmountString())
}
