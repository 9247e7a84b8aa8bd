// Package invoicetest is the conformance suite every implementation of
// the invoice stores ([invoice.Store], [invoice.PaymentStore],
// [invoice.NumberStore]) runs, together with the [invoice.Service]
// scenarios whose guarantees depend on the stores: atomicity, tenant
// isolation, optimistic concurrency, events written with the change,
// gapless numbering and allocations under concurrency. An adapter's test
// is one call:
//
//	func TestInvoiceStores(t *testing.T) {
//		invoicetest.RunStoreTests(t, func(t *testing.T) invoicetest.Harness { ... })
//	}
package invoicetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/tax"
)

// Harness gives the suite one fresh, empty database.
type Harness struct {
	// Tx runs a transaction that every store below joins.
	Tx o2c.Transactor
	// Invoices, Payments, Numbers and Outbox return the stores bound to tenant.
	Invoices func(tenant o2c.TenantID) invoice.Store
	Payments func(tenant o2c.TenantID) invoice.PaymentStore
	Numbers  func(tenant o2c.TenantID) invoice.NumberStore
	Outbox   func(tenant o2c.TenantID) outbox.Store
}

// RunStoreTests runs the suite. newHarness is called once per subtest and
// must return an empty database.
func RunStoreTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Helper()
	t.Run("Store", func(t *testing.T) { storeTests(t, newHarness) })
	t.Run("Numbers", func(t *testing.T) { numberTests(t, newHarness) })
	t.Run("Payments", func(t *testing.T) { paymentStoreTests(t, newHarness) })
	t.Run("Service", func(t *testing.T) { serviceTests(t, newHarness) })
	t.Run("BadInput", func(t *testing.T) { badInputTests(t, newHarness) })
	t.Run("Disputes", func(t *testing.T) { disputeTests(t, newHarness) })
	t.Run("Billing", func(t *testing.T) { billingTests(t, newHarness) })
	t.Run("Concurrency", func(t *testing.T) { concurrencyTests(t, newHarness) })
	t.Run("DueLines", func(t *testing.T) { dueLineTests(t, newHarness) })
	t.Run("RecordAndAllocate", func(t *testing.T) { recordAndAllocateTests(t, newHarness) })
}

// Epoch is the suite's "now": 15 January 2026, 09:30 UTC.
var Epoch = time.Date(2026, time.January, 15, 9, 30, 0, 0, time.UTC)

const tenantA, tenantB o2c.TenantID = "acme", "globex"

var ctx = context.Background()

// env is a harness with a service for one tenant.
type env struct {
	h       Harness
	tenant  o2c.TenantID
	svc     *invoice.Service
	clock   *o2c.ManualClock
	inv     invoice.Store
	pays    invoice.PaymentStore
	numbers invoice.NumberStore
	ob      outbox.Store
}

func newEnv(t *testing.T, h Harness, tenant o2c.TenantID, opts invoice.Options) *env {
	t.Helper()
	clock := o2c.NewManualClock(Epoch)
	if opts.Clock == nil {
		opts.Clock = clock
	}
	e := &env{h: h, tenant: tenant, clock: clock, inv: h.Invoices(tenant), pays: h.Payments(tenant), numbers: h.Numbers(tenant), ob: h.Outbox(tenant)}
	svc, err := invoice.NewService(h.Tx, invoice.Stores{Invoices: e.inv, Payments: e.pays, Numbers: e.numbers}, opts)
	require.NoError(t, err)
	e.svc = svc
	return e
}

func eur(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// zeroRatedLine is a line whose gross equals its net: amount at 0 %.
func zeroRatedLine(desc string, amount o2c.Money) invoice.Line {
	return invoice.Line{Description: desc, Quantity: decimal.NewFromInt(1), UnitPrice: amount, TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}
}

// vatLine is qty × price at 20 % VAT.
func vatLine(desc, qty string, price o2c.Money) invoice.Line {
	return invoice.Line{Description: desc, Quantity: dec(qty), UnitPrice: price, TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}
}

func draftOf(customer o2c.CustomerID, lines ...invoice.Line) invoice.Draft {
	return invoice.Draft{Customer: customer, Currency: lines[0].UnitPrice.Currency(), Lines: lines, Terms: invoice.NetTerms(30)}
}

// issue creates and issues a standalone invoice with one zero-rated line of gross.
func (e *env) issue(t *testing.T, customer o2c.CustomerID, gross o2c.Money) *invoice.Invoice {
	t.Helper()
	return e.issueDraft(t, draftOf(customer, zeroRatedLine("Consulting", gross)))
}

func (e *env) issueDraft(t *testing.T, d invoice.Draft) *invoice.Invoice {
	t.Helper()
	inv, err := e.svc.CreateInvoice(ctx, d)
	require.NoError(t, err)
	inv, err = e.svc.Issue(ctx, inv.ID(), o2c.Date{})
	require.NoError(t, err)
	return inv
}

var keySeq int

func nextKey(prefix string) string {
	keySeq++
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano(), keySeq)
}

// pay records a payment of amount from customer.
func (e *env) pay(t *testing.T, customer o2c.CustomerID, amount o2c.Money) *invoice.Payment {
	t.Helper()
	p, err := e.svc.RecordPayment(ctx, invoice.PaymentInput{
		Customer: customer, Amount: amount, ValueDate: o2c.DateOf(Epoch), Method: invoice.MethodTransfer,
		PayerReference: "remittance", IdempotencyKey: nextKey("bank"),
	})
	require.NoError(t, err)
	return p
}

func (e *env) get(t *testing.T, id invoice.ID) *invoice.Invoice {
	t.Helper()
	inv, err := e.inv.Get(ctx, id)
	require.NoError(t, err)
	return inv
}

func (e *env) getPayment(t *testing.T, id invoice.PaymentID) *invoice.Payment {
	t.Helper()
	p, err := e.pays.Get(ctx, id)
	require.NoError(t, err)
	return p
}

// fingerprint captures everything stored for the tenant: every document
// and payment (with versions) and the outbox, so a test can prove that a
// refused operation changed nothing.
func (e *env) fingerprint(t *testing.T) string {
	t.Helper()
	invs, err := e.inv.List(ctx, invoice.Filter{})
	require.NoError(t, err)
	ps, err := e.pays.List(ctx, invoice.PaymentFilter{})
	require.NoError(t, err)
	recs, err := e.ob.Pending(ctx, 10000)
	require.NoError(t, err)
	var b strings.Builder
	for _, inv := range invs {
		js, err := json.Marshal(inv.Snapshot())
		require.NoError(t, err)
		b.Write(js)
		b.WriteByte('\n')
	}
	for _, p := range ps {
		js, err := json.Marshal(p.Snapshot())
		require.NoError(t, err)
		b.Write(js)
		b.WriteByte('\n')
	}
	for _, r := range recs {
		b.WriteString(r.Event.ID.String() + " " + r.Event.Type + "\n")
	}
	for _, series := range []string{"INV-2026", "CN-2026"} {
		n, err := e.numbers.Last(ctx, series)
		require.NoError(t, err)
		fmt.Fprintf(&b, "%s=%d\n", series, n)
	}
	return b.String()
}

// events returns the types of the pending outbox events for aggregate id, in order.
func (e *env) events(t *testing.T, id string) []string {
	t.Helper()
	recs, err := e.ob.Pending(ctx, 10000)
	require.NoError(t, err)
	var out []string
	for _, r := range recs {
		if r.Event.AggregateID == id {
			out = append(out, r.Event.Type)
		}
	}
	return out
}
