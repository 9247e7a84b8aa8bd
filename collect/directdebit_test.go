package collect_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

type notes struct {
	mu   sync.Mutex
	got  []collect.PreNotice
	fail bool
}

func (n *notes) PreNotify(_ context.Context, p collect.PreNotice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fail {
		return fmt.Errorf("mail server down")
	}
	n.got = append(n.got, p)
	return nil
}

type ddEnv struct {
	t     *testing.T
	clock *o2c.ManualClock
	inv   *invoice.Service
	dd    *collect.DirectDebit
	store *collect.KernelStore
	notes *notes
	links *collect.PayLinks
	in    *collect.Intake
}

func newDDEnv(t *testing.T) *ddEnv {
	clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	inv, err := invoice.NewService(st, invoice.Stores{Invoices: st.Invoices(), Payments: st.Payments(), Numbers: st.InvoiceNumbers()}, invoice.Options{Clock: clock})
	require.NoError(t, err)
	e := &ddEnv{t: t, clock: clock, inv: inv, store: collect.NewKernelStore(st.Kernel()), notes: &notes{}}
	e.dd, err = collect.NewDirectDebit(collect.DirectDebitOptions{Store: e.store, Tx: st, Invoicing: inv, DueLines: st.Invoices(),
		Notifier: e.notes, Creditor: sepa.Party{Name: "Acme SAS", IBAN: "FR7630006000011234567890189"}, CutOff: collect.CutOff{Hour: 16}, Clock: clock})
	require.NoError(t, err)
	ring, _ := collect.NewKeyring(keyA)
	e.links, err = collect.NewPayLinks(collect.PayLinkOptions{Keys: ring, Tenant: "acme", Invoices: inv, Clock: clock})
	require.NoError(t, err)
	e.in, err = collect.NewIntake(collect.IntakeOptions{Store: e.store, Tx: st, Invoicing: inv, Links: e.links, Clock: clock})
	require.NoError(t, err)
	return e
}

func (e *ddEnv) mandate(in collect.MandateInput) *collect.Mandate {
	in.Signed = o2c.MustDate(2026, 2, 20)
	m, err := e.dd.RegisterMandate(context.Background(), in)
	require.NoError(e.t, err)
	return m
}

func (e *ddEnv) invoice(cu o2c.CustomerID, amount string, terms invoice.Terms) *invoice.Invoice {
	ctx := context.Background()
	inv, err := e.inv.CreateInvoice(ctx, invoice.Draft{Customer: cu, Currency: o2c.EUR, Terms: terms,
		Lines: []invoice.Line{{Description: "Service", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney(amount, "EUR"), TaxCategory: tax.OutOfScope}}})
	require.NoError(e.t, err)
	inv, err = e.inv.Issue(ctx, inv.ID(), o2c.DateOf(e.clock.Now()))
	require.NoError(e.t, err)
	return inv
}

func TestFirstCollectionGoesAloneAndARejectMakesTheNextFRST(t *testing.T) {
	ctx := context.Background()
	e := newDDEnv(t)
	in := mandateIn()
	m := e.mandate(in)
	a := e.invoice(in.Customer, "100.00", invoice.NetTerms(20))
	b := e.invoice(in.Customer, "50.00", invoice.NetTerms(20))
	_, err := e.dd.Prepare(ctx)
	require.NoError(t, err)
	require.Len(t, e.notes.got, 2)

	e.clock.Set(time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)) // collection date 2026-03-23 (Monday) after 14 days' notice
	batches, err := e.dd.Submit(ctx)
	require.NoError(t, err)
	require.Len(t, batches, 1)
	assert.Equal(t, 1, batches[0].Count, "the mandate's FRST goes alone")
	assert.Contains(t, string(batches[0].XML), "<SeqTp>FRST</SeqTp>")

	// the bank rejects it before settlement (pain.002, AM04)
	first, _ := e.dd.Collections(ctx, a.ID())
	rs := []sepa.RTransaction{{Kind: sepa.Reject, OriginalEndToEndID: first[0].EndToEndID, Reason: "AM04", Date: o2c.MustDate(2026, 3, 23)}}
	out, err := e.dd.ApplyReturns(ctx, rs)
	require.NoError(t, err)
	require.True(t, out[0].Applied)
	assert.Equal(t, collect.Rejected, out[0].Collection.Status)
	assert.Nil(t, out[0].FeeInvoice, "the mandate's contract sets no fee")
	got, _ := e.dd.Mandate(ctx, m.ID)
	assert.Equal(t, sepa.FRST, got.NextSequence(), "a rejected first collection does not count")
	inv, _ := e.inv.Get(ctx, a.ID())
	assert.Equal(t, "100.00 EUR", inv.Open().String())

	// next batch: the other invoice, FRST again
	e.clock.Set(time.Date(2026, 3, 23, 10, 0, 0, 0, time.UTC))
	batches, err = e.dd.Submit(ctx)
	require.NoError(t, err)
	require.Len(t, batches, 1)
	assert.Contains(t, string(batches[0].XML), "<SeqTp>FRST</SeqTp>")
	assert.Contains(t, string(batches[0].XML), "<ReqdColltnDt>2026-03-24</ReqdColltnDt>", "announced date passed: the earliest D-1 date")
	inv, _ = e.inv.Get(ctx, b.ID())
	assert.Equal(t, invoice.StatePaid, inv.Status())

	// the rejected line is planned again and then collected RCUR
	_, err = e.dd.Prepare(ctx)
	require.NoError(t, err)
	e.clock.Set(time.Date(2026, 4, 7, 10, 0, 0, 0, time.UTC))
	batches, err = e.dd.Submit(ctx)
	require.NoError(t, err)
	require.Len(t, batches, 1)
	assert.Contains(t, string(batches[0].XML), "<SeqTp>RCUR</SeqTp>")
}

func TestAmendmentIsWrittenWithTheNextCollection(t *testing.T) {
	ctx := context.Background()
	e := newDDEnv(t)
	in := mandateIn()
	in.PreNotificationDays = 2
	m := e.mandate(in)
	inv := e.invoice(in.Customer, "80.00", invoice.NetTerms(5))
	_, err := e.dd.AmendMandate(ctx, m.ID, collect.Amendment{IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX", BankChanged: true})
	require.NoError(t, err)
	notified, err := e.dd.Prepare(ctx)
	require.NoError(t, err)
	require.Len(t, notified, 1)
	assert.Equal(t, o2c.MustDate(2026, 3, 9), notified[0].Date, "due 03-07 (Saturday), 2 days' notice agreed: next TARGET day")
	e.clock.Set(time.Date(2026, 3, 6, 10, 0, 0, 0, time.UTC))
	batches, err := e.dd.Submit(ctx)
	require.NoError(t, err)
	require.Len(t, batches, 1)
	xml := string(batches[0].XML)
	assert.Contains(t, xml, "<AmdmntInd>true</AmdmntInd>")
	assert.Contains(t, xml, "<Id>SMNDA</Id>")
	assert.Contains(t, xml, "<BICFI>COBADEFFXXX</BICFI>")
	_ = inv
}

func TestSubmitDropsWhatWasPaidOtherwiseAndCancelledMandates(t *testing.T) {
	ctx := context.Background()
	e := newDDEnv(t)
	in1, in2 := mandateIn(), mandateIn()
	in2.Reference = "UMR-2026-0002"
	e.mandate(in1)
	m2 := e.mandate(in2)
	a := e.invoice(in1.Customer, "70.00", invoice.NetTerms(30))
	e.invoice(in2.Customer, "30.00", invoice.NetTerms(30))
	_, err := e.dd.Prepare(ctx)
	require.NoError(t, err)
	// the first customer pays by transfer meanwhile; the second revokes the mandate
	p, err := e.inv.RecordPayment(ctx, invoice.PaymentInput{Customer: in1.Customer, Amount: o2c.MustMoney("70.00", "EUR"), ValueDate: o2c.MustDate(2026, 3, 10), Method: invoice.MethodTransfer, IdempotencyKey: "bank-1"})
	require.NoError(t, err)
	_, err = e.inv.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "bank-1", Lines: []invoice.AllocationLine{{Invoice: a.ID(), Amount: o2c.MustMoney("70.00", "EUR")}}})
	require.NoError(t, err)
	_, err = e.dd.CancelMandate(ctx, m2.ID, o2c.MustDate(2026, 3, 12))
	require.NoError(t, err)

	e.clock.Set(time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC))
	batches, err := e.dd.Submit(ctx)
	require.NoError(t, err)
	assert.Empty(t, batches, "nothing left to collect")
	cs, _ := e.dd.Collections(ctx, a.ID())
	assert.Equal(t, collect.Cancelled, cs[0].Status)
	assert.Equal(t, "nothing open on the due line", cs[0].Reason)
}

func TestPreNotificationIsSentAgainAfterAFailure(t *testing.T) {
	ctx := context.Background()
	e := newDDEnv(t)
	in := mandateIn()
	e.mandate(in)
	e.invoice(in.Customer, "10.00", invoice.NetTerms(30))
	e.notes.fail = true
	_, err := e.dd.Prepare(ctx)
	require.ErrorContains(t, err, "mail server down")
	e.clock.Set(time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC))
	batches, err := e.dd.Submit(ctx)
	require.NoError(t, err)
	assert.Empty(t, batches, "never collected without its pre-notification")
	e.notes.fail = false
	n, err := e.dd.Prepare(ctx)
	require.NoError(t, err)
	assert.Len(t, n, 1)
	assert.Len(t, e.notes.got, 1)
}

func TestIntakeChecksTheTokenAtPaymentTime(t *testing.T) {
	ctx := context.Background()
	e := newDDEnv(t)
	cu := o2c.NewCustomerID()
	inv := e.invoice(cu, "60.00", invoice.NetTerms(30))
	tok, err := e.links.Issue(cu, []collect.LinkLine{{Invoice: inv.ID()}}, inv.Open())
	require.NoError(t, err)
	paidAt := e.clock.Now().Add(time.Hour)
	// the webhook arrives after the link expired; the payment was made before
	e.clock.Advance(40 * 24 * time.Hour)
	ev := collect.ProviderEvent{Provider: "stripe", ID: "evt_1", Kind: collect.PaymentSucceeded, Payment: "pi_1",
		Amount: o2c.MustMoney("75.00", "EUR"), Token: tok, Occurred: paidAt}
	require.NoError(t, e.in.Receive(ctx, ev))
	got, _ := e.inv.Get(ctx, inv.ID())
	assert.Equal(t, invoice.StatePaid, got.Status())
	ps, _ := e.inv.ListPayments(ctx, invoice.PaymentFilter{Customer: cu})
	require.Len(t, ps, 1)
	assert.Equal(t, "15.00 EUR", ps[0].Unapplied().String(), "paying more than owed leaves credit")

	late := ev
	late.ID, late.Payment, late.Occurred = "evt_2", "pi_2", paidAt.Add(31*24*time.Hour)
	assert.ErrorIs(t, e.in.Receive(ctx, late), collect.ErrTokenExpired)
	ps, _ = e.inv.ListPayments(ctx, invoice.PaymentFilter{Customer: cu})
	assert.Len(t, ps, 1, "a payment after the link expired is not booked")

	failed := collect.ProviderEvent{Provider: "stripe", ID: "evt_3", Kind: collect.PaymentFailed, Payment: "pi_3", Occurred: paidAt, Reason: "card_declined"}
	require.NoError(t, e.in.Receive(ctx, failed))
	rec, err := e.store.GetEvent(ctx, failed.Key())
	require.NoError(t, err)
	assert.Equal(t, "failed: card_declined", rec.Result)

	unknown := collect.ProviderEvent{Provider: "stripe", ID: "evt_4", Kind: collect.PaymentRefunded, Payment: "pi_9", Reference: "re_9",
		Amount: o2c.MustMoney("1.00", "EUR"), Occurred: paidAt}
	assert.ErrorIs(t, e.in.Receive(ctx, unknown), collect.ErrUnknownPayment)

	ring, _ := collect.NewKeyring(keyA)
	c, err := ring.Verify(tok, "acme", paidAt)
	require.NoError(t, err)
	uses, err := e.store.LinkUses(ctx, c.Nonce)
	require.NoError(t, err)
	require.Len(t, uses, 1, "the link's use is recorded under its nonce")
	assert.Equal(t, ps[0].ID(), uses[0].Payment)
	_, err = e.links.Verify(tok)
	assert.ErrorIs(t, err, collect.ErrTokenExpired, "the link itself has expired")
}
