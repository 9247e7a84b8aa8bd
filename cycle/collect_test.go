package cycle_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/stripe"
	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/collect/sepa/sepatest"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// preNotices records pre-notifications.
type preNotices struct {
	mu  sync.Mutex
	got []collect.PreNotice
}

func (p *preNotices) PreNotify(_ context.Context, n collect.PreNotice) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got = append(p.got, n)
	return nil
}

const creditorIBAN = "FR7630006000011234567890189"

type ddHarness struct {
	t       *testing.T
	c       *cycle.Cycle
	clock   *o2c.ManualClock
	notices *preNotices
	letters *dunning.MemoryNotifier
}

func newDDHarness(t *testing.T, b backend) *ddHarness {
	clock := o2c.NewManualClock(march2)
	st := b.open(t, clock)
	h := &ddHarness{t: t, clock: clock, notices: &preNotices{}, letters: dunning.NewMemoryNotifier()}
	cfg := cycleConfig(st, clock, cycle.BillPerDelivery, h.letters)
	cfg.Collecting = &cycle.Collecting{Keys: payKeys(t), PayURL: "https://pay.acme.example/p",
		Creditor: sepa.Party{Name: "Acme SAS", IBAN: creditorIBAN, BIC: "AGRIFRPP"}, PreNotifier: h.notices,
		CutOff: collect.CutOff{Hour: 16}}
	var err error
	h.c, err = cycle.New(cfg)
	require.NoError(t, err)
	require.NotNil(t, h.c.DirectDebit(), "the adapter's kernel scope gives collect its store")
	return h
}

// customerWithMandate registers customer n with a Core mandate whose
// contract charges a 7.50 EUR return fee.
func (h *ddHarness) customerWithMandate(n int, iban string) (*customer.Customer, *collect.Mandate) {
	ctx := context.Background()
	cu := newCustomer(h.t, h.c, "acme", h.clock.Now(), n, "100000.00")
	m, err := h.c.DirectDebit().RegisterMandate(ctx, collect.MandateInput{Customer: cu.ID, Reference: fmt.Sprintf("UMR-ACME-%04d", n),
		Scheme: sepa.Core, Signed: o2c.MustDate(2026, 2, 16), CreditorID: "FR72ZZZ123456", DebtorName: cu.LegalName, IBAN: iban,
		ReturnFee: eur("7.50")})
	require.NoError(h.t, err)
	return cu, m
}

func (h *ddHarness) invoice(cu o2c.CustomerID, amount string) *invoice.Invoice {
	ctx := context.Background()
	inv, err := h.c.Invoices().CreateInvoice(ctx, invoice.Draft{Customer: cu, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Subscription", Quantity: dec("1"), UnitPrice: eur(amount), TaxCategory: tax.OutOfScope}}})
	require.NoError(h.t, err)
	inv, err = h.c.Invoices().Issue(ctx, inv.ID(), o2c.DateOf(h.clock.Now()))
	require.NoError(h.t, err)
	return inv
}

func (h *ddHarness) get(id invoice.ID) *invoice.Invoice {
	inv, err := h.c.Invoices().Get(context.Background(), id)
	require.NoError(h.t, err)
	return inv
}

// xsdValid validates a pain.008 against the official schema kept with
// collect/sepa (skipped without xmllint, failed under CI=true).
func xsdValid(t *testing.T, doc []byte, version sepa.Version) {
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI=true")
		}
		t.Log("xmllint not installed: schema validation of the batch skipped")
		return
	}
	f := filepath.Join(t.TempDir(), "batch.xml")
	require.NoError(t, os.WriteFile(f, doc, 0o600))
	out, err := exec.Command(bin, "--noout", "--schema", filepath.Join("..", "collect", "sepa", "testdata", "iso20022-xsd", string(version)+".xsd"), f).CombinedOutput()
	require.NoError(t, err, "%s", out)
}

// TestDirectDebitReturnRoundTrip: collect, return with AM04 (invoice
// reopened with the fee, dunning proposes the first level, mandate still
// valid), then MD01 blocks the other customer's mandate; on memory,
// SQLite and PostgreSQL.
func TestDirectDebitReturnRoundTrip(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			h := newDDHarness(t, b)
			dd := h.c.DirectDebit()
			cu1, m1 := h.customerWithMandate(1, "DE89370400440532013000")
			cu2, m2 := h.customerWithMandate(2, "FR1420041010050500013M02606")
			inv1 := h.invoice(cu1.ID, "500.00")
			inv2 := h.invoice(cu2.ID, "120.00")
			require.Equal(t, o2c.MustDate(2026, 4, 1), inv1.DueDate())

			// pre-notification 14 days or more ahead, once
			notified, err := dd.Prepare(ctx)
			require.NoError(t, err)
			require.Len(t, notified, 2)
			require.Len(t, h.notices.got, 2)
			for _, n := range h.notices.got {
				assert.Equal(t, o2c.MustDate(2026, 4, 1), n.Date)
				assert.GreaterOrEqual(t, o2c.MustDate(2026, 3, 2).DaysUntil(n.Date), collect.DefaultPreNotificationDays)
				assert.True(t, strings.HasPrefix(n.IBAN, "*"), "the notice masks the IBAN")
			}
			again, err := dd.Prepare(ctx)
			require.NoError(t, err)
			assert.Empty(t, again, "a due line is planned and notified once")

			// not yet due: no batch
			batches, err := dd.Submit(ctx)
			require.NoError(t, err)
			assert.Empty(t, batches)

			// the day before the collection date, before the cut-off (D-1)
			h.clock.Set(time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC))
			batches, err = dd.Submit(ctx)
			require.NoError(t, err)
			require.Len(t, batches, 1)
			bt := batches[0]
			assert.Equal(t, 2, bt.Count)
			assert.Equal(t, "620.00 EUR", bt.Total.String())
			xml := string(bt.XML)
			assert.Contains(t, xml, "<SeqTp>FRST</SeqTp>")
			assert.Contains(t, xml, "<ReqdColltnDt>2026-04-01</ReqdColltnDt>")
			assert.Contains(t, xml, "<MndtId>UMR-ACME-0001</MndtId>")
			xsdValid(t, bt.XML, sepa.Pain008V08)
			assert.Equal(t, invoice.StatePaid, h.get(inv1.ID()).Status(), "the collection is booked as a direct-debit payment")
			again2, err := dd.Submit(ctx)
			require.NoError(t, err)
			assert.Empty(t, again2, "a collection is submitted once")

			// the bank returns the first collection with AM04 (insufficient funds)
			c1 := collectionOf(t, h, inv1.ID())
			c2 := collectionOf(t, h, inv2.ID())
			h.clock.Set(time.Date(2026, 4, 7, 8, 0, 0, 0, time.UTC))
			camt := sepatest.Camt054("NTF-0407", h.clock.Now(), creditorIBAN, o2c.MustDate(2026, 4, 7),
				[]sepatest.Item{{ID: "RT-1", EndToEndID: c1.EndToEndID, MandateID: "UMR-ACME-0001", Amount: eur("500.00"), Reason: "AM04"}})
			rs, err := sepa.ParseRTransactions(camt)
			require.NoError(t, err)
			out, err := dd.ApplyReturns(ctx, rs)
			require.NoError(t, err)
			require.Len(t, out, 1)
			assert.True(t, out[0].Applied)
			assert.False(t, out[0].MandateBlocked)
			require.NotNil(t, out[0].FeeInvoice)
			assert.Equal(t, "7.50 EUR", out[0].FeeInvoice.Gross().String())
			assert.Equal(t, cu1.ID, out[0].FeeInvoice.Customer())

			reopened := h.get(inv1.ID())
			assert.Equal(t, invoice.StateIssued, reopened.Status(), "the invoice is open again")
			assert.Equal(t, "500.00 EUR", reopened.Open().String())
			m, err := h.c.DirectDebit().Mandate(ctx, m1.ID)
			require.NoError(t, err)
			assert.Equal(t, collect.MandateActive, m.Status, "AM04 keeps the mandate")
			assert.NoError(t, m.UsableOn(o2c.MustDate(2026, 4, 8)))
			assert.Equal(t, sepa.RCUR, m.NextSequence(), "a return after settlement counts as a use")

			// replaying the bank file changes nothing
			out, err = dd.ApplyReturns(ctx, rs)
			require.NoError(t, err)
			assert.False(t, out[0].Applied)
			fees, err := h.c.Invoices().List(ctx, invoice.Filter{Customer: cu1.ID})
			require.NoError(t, err)
			assert.Len(t, fees, 2, "the invoice and one fee invoice")

			// dunning takes the returned debit up at its first level
			p, err := h.c.Dunning().DryRun(ctx, o2c.MustDate(2026, 4, 8))
			require.NoError(t, err)
			var letter *dunning.ProposedLetter
			for i := range p.Letters {
				if p.Letters[i].Customer == cu1.ID {
					letter = &p.Letters[i]
				}
			}
			require.NotNil(t, letter, "dunning proposes a letter for the returned debit")
			assert.Equal(t, "reminder-1", letter.LevelName)
			assert.Equal(t, -1, letter.Previous, "the first letter of the plan")
			require.NotEmpty(t, letter.Items)
			assert.Equal(t, inv1.Number(), letter.Items[0].Number)

			// the second collection comes back with MD01 (no mandate): blocked
			camt2 := sepatest.Camt054("NTF-0408", h.clock.Now(), creditorIBAN, o2c.MustDate(2026, 4, 8),
				[]sepatest.Item{{ID: "RT-2", EndToEndID: c2.EndToEndID, Amount: eur("120.00"), Reason: "MD01"}})
			rs, err = sepa.ParseRTransactions(camt2)
			require.NoError(t, err)
			out, err = dd.ApplyReturns(ctx, rs)
			require.NoError(t, err)
			assert.True(t, out[0].MandateBlocked)
			m, err = h.c.DirectDebit().Mandate(ctx, m2.ID)
			require.NoError(t, err)
			assert.Equal(t, collect.MandateBlocked, m.Status)
			assert.ErrorIs(t, m.UsableOn(o2c.MustDate(2026, 4, 9)), collect.ErrMandateNotUsable)
			assert.Equal(t, "120.00 EUR", h.get(inv2.ID()).Open().String())

			// the next Prepare collects the returned invoice again (RCUR) but
			// nothing from the blocked mandate
			h.notices.got = nil
			notified, err = dd.Prepare(ctx)
			require.NoError(t, err)
			for _, n := range notified {
				assert.NotEqual(t, cu2.ID, n.Customer, "a blocked mandate is not collected")
			}
			var invoices []string
			for _, n := range notified {
				invoices = append(invoices, n.Number)
			}
			assert.Contains(t, invoices, inv1.Number())
		})
	}
}

func collectionOf(t *testing.T, h *ddHarness, inv invoice.ID) *collect.Collection {
	cs, err := h.c.DirectDebit().Collections(context.Background(), inv)
	require.NoError(t, err)
	require.NotEmpty(t, cs)
	return cs[len(cs)-1]
}

// TestProviderWebhookReplayedBooksOnePayment: a Stripe webhook delivered
// twice books one payment; one with a bad signature changes nothing; a
// refund reopens the invoice and is booked as a refund; on memory, SQLite
// and PostgreSQL.
func TestProviderWebhookReplayedBooksOnePayment(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			h := newDDHarness(t, b)
			cu := newCustomer(t, h.c, "acme", h.clock.Now(), 7, "100000.00")
			inv := h.invoice(cu.ID, "240.00")
			token, err := h.c.PayLinks().Issue(cu.ID, []collect.LinkLine{{Invoice: inv.ID(), Number: inv.Number()}}, inv.Open())
			require.NoError(t, err)
			const secret = "whsec_cycle_test"
			srv := httptest.NewServer(&stripe.Handler{Secret: secret, Receiver: h.c.PaymentIntake(), Clock: h.clock})
			defer srv.Close()
			post := func(body []byte, sig string) int {
				req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(string(body)))
				req.Header.Set("Stripe-Signature", sig)
				res, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				res.Body.Close()
				return res.StatusCode
			}
			paid := fmt.Appendf(nil, `{"id":"evt_1PAY","object":"event","type":"payment_intent.succeeded","created":%d,
			  "data":{"object":{"id":"pi_3PAY","object":"payment_intent","amount":24000,"amount_received":24000,"currency":"eur",
			  "status":"succeeded","payment_method_types":["card"],"metadata":{"cashcycle_token":%q}}}}`, h.clock.Now().Unix(), token)

			assert.Equal(t, 400, post(paid, stripe.Sign("whsec_wrong", paid, h.clock.Now())))
			payments, err := h.c.Invoices().ListPayments(ctx, invoice.PaymentFilter{Customer: cu.ID})
			require.NoError(t, err)
			assert.Empty(t, payments, "a bad signature changes nothing")
			assert.Equal(t, invoice.StateIssued, h.get(inv.ID()).Status())

			sig := stripe.Sign(secret, paid, h.clock.Now())
			assert.Equal(t, 200, post(paid, sig))
			assert.Equal(t, 200, post(paid, sig), "Stripe delivers at least once")
			payments, err = h.c.Invoices().ListPayments(ctx, invoice.PaymentFilter{Customer: cu.ID})
			require.NoError(t, err)
			require.Len(t, payments, 1, "replayed twice: one payment")
			assert.Equal(t, invoice.MethodCard, payments[0].Method())
			assert.Equal(t, invoice.StatePaid, h.get(inv.ID()).Status())
			owed, err := h.c.PayLinks().Resolve(ctx, token)
			require.NoError(t, err)
			assert.True(t, owed.Lines[0].Paid)

			// a partial refund reopens the invoice for its amount and is a refund
			refund := fmt.Appendf(nil, `{"id":"evt_2RFD","object":"event","type":"refund.created","created":%d,
			  "data":{"object":{"id":"re_1RFD","object":"refund","amount":4000,"currency":"eur","payment_intent":"pi_3PAY","status":"succeeded"}}}`, h.clock.Now().Unix())
			rsig := stripe.Sign(secret, refund, h.clock.Now())
			assert.Equal(t, 200, post(refund, rsig))
			assert.Equal(t, 200, post(refund, rsig))
			p, err := h.c.Invoices().GetPayment(ctx, payments[0].ID())
			require.NoError(t, err)
			require.Len(t, p.Refunds(), 1)
			assert.Equal(t, "40.00 EUR", p.Refunds()[0].Amount.String())
			assert.Equal(t, "40.00 EUR", h.get(inv.ID()).Open().String(), "the invoice reopens for what was refunded")
			assert.Equal(t, invoice.StatePartiallyPaid, h.get(inv.ID()).Status())
			assert.Equal(t, "0.00 EUR", p.Unapplied().String())

			// a chargeback of another payment opens a dispute
			inv2 := h.invoice(cu.ID, "90.00")
			tok2, _ := h.c.PayLinks().Issue(cu.ID, []collect.LinkLine{{Invoice: inv2.ID()}}, inv2.Open())
			paid2 := fmt.Appendf(nil, `{"id":"evt_3PAY","type":"payment_intent.succeeded","created":%d,"data":{"object":{"id":"pi_4PAY","amount":9000,"currency":"eur","metadata":{"cashcycle_token":%q}}}}`, h.clock.Now().Unix(), tok2)
			assert.Equal(t, 200, post(paid2, stripe.Sign(secret, paid2, h.clock.Now())))
			dispute := fmt.Appendf(nil, `{"id":"evt_4DSP","type":"charge.dispute.created","created":%d,"data":{"object":{"id":"dp_1","object":"dispute","amount":9000,"currency":"eur","payment_intent":"pi_4PAY","reason":"fraudulent"}}}`, h.clock.Now().Unix())
			assert.Equal(t, 200, post(dispute, stripe.Sign(secret, dispute, h.clock.Now())))
			got := h.get(inv2.ID())
			assert.Equal(t, invoice.StateDisputed, got.Status())
			assert.Equal(t, "90.00 EUR", got.Disputed().String())
		})
	}
}

// TestRefundByCreditTransfer: an overpayment is refunded by SEPA credit
// transfer, booked through invoice.Refund, written as pain.001.001.09
// valid against the official schema; a repeat books nothing new; a refund
// above the credit books nothing.
func TestRefundByCreditTransfer(t *testing.T) {
	ctx := context.Background()
	h := newDDHarness(t, backends[0])
	cu := newCustomer(t, h.c, "acme", h.clock.Now(), 3, "100000.00")
	inv := h.invoice(cu.ID, "100.00")
	p, err := h.c.Invoices().RecordPayment(ctx, invoice.PaymentInput{Customer: cu.ID, Amount: eur("130.00"), ValueDate: o2c.MustDate(2026, 3, 2),
		Method: invoice.MethodTransfer, IdempotencyKey: "bank:1"})
	require.NoError(t, err)
	_, err = h.c.Invoices().Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "bank:1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("100.00")}}})
	require.NoError(t, err)

	req := collect.RefundRequest{Payment: p.ID(), Amount: eur("30.00"), Key: "overpayment-1",
		Creditor: sepa.Party{Name: cu.LegalName, IBAN: cu.BankAccounts[0].IBAN}, Remittance: "Trop-perçu facture " + inv.Number()}
	doc, err := h.c.Refunds().Transfer(ctx, o2c.MustDate(2026, 3, 4), []collect.RefundRequest{req})
	require.NoError(t, err)
	xsdValid(t, doc, sepa.Pain001V09)
	assert.Contains(t, string(doc), "<InstdAmt Ccy=\"EUR\">30.00</InstdAmt>")
	assert.Contains(t, string(doc), "Trop-percu facture")
	got, _ := h.c.Invoices().GetPayment(ctx, p.ID())
	require.Len(t, got.Refunds(), 1)
	assert.Equal(t, "0.00 EUR", got.Unapplied().String())

	again, err := h.c.Refunds().Transfer(ctx, o2c.MustDate(2026, 3, 4), []collect.RefundRequest{req})
	require.NoError(t, err)
	assert.Equal(t, strings.Count(string(doc), "<EndToEndId>"), strings.Count(string(again), "<EndToEndId>"))
	got, _ = h.c.Invoices().GetPayment(ctx, p.ID())
	assert.Len(t, got.Refunds(), 1, "a repeat books nothing new")

	req.Key, req.Amount = "overpayment-2", eur("5.00")
	_, err = h.c.Refunds().Transfer(ctx, o2c.MustDate(2026, 3, 4), []collect.RefundRequest{req})
	assert.Error(t, err, "nothing left to refund")
	req.Creditor.IBAN = "FR7630006000011234567890180"
	p2, _ := h.c.Invoices().RecordPayment(ctx, invoice.PaymentInput{Customer: cu.ID, Amount: eur("5.00"), ValueDate: o2c.MustDate(2026, 3, 3), Method: invoice.MethodTransfer, IdempotencyKey: "bank:2"})
	req.Payment, req.Key = p2.ID(), "overpayment-3"
	_, err = h.c.Refunds().Transfer(ctx, o2c.MustDate(2026, 3, 4), []collect.RefundRequest{req})
	assert.ErrorIs(t, err, sepa.ErrRule, "a wrong IBAN")
	got, _ = h.c.Invoices().GetPayment(ctx, p2.ID())
	assert.Empty(t, got.Refunds(), "a file the bank would refuse books nothing")
}
