package matchingtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// ServiceStores are the stores of one tenant that a [matching.Service]
// and its invoicing service run on, all from one adapter.
type ServiceStores struct {
	Matching  matching.Store
	Invoices  invoice.Store
	Payments  invoice.PaymentStore
	Numbers   invoice.NumberStore
	Customers customer.Store
}

// ServiceHarness gives the service suite a fresh, empty database.
type ServiceHarness struct {
	// Tx runs transactions over the stores.
	Tx o2c.Transactor
	// Stores returns the tenant's stores.
	Stores func(t o2c.TenantID) ServiceStores
}

// RunServiceTests runs cash application end to end through
// [matching.Service] on an adapter: remittance advices, deductions,
// partial and over-payments, credit notes netted, concurrent Apply; and
// checks after each that the books balance. newHarness is called once per
// subtest.
func RunServiceTests(t *testing.T, newHarness func(t *testing.T) ServiceHarness) {
	t.Run("ConcurrentApply", func(t *testing.T) { testConcurrentApply(t, newHarness(t)) })
	for _, c := range serviceCases {
		t.Run(c.name, func(t *testing.T) { c.run(t, NewWorld(t, newHarness(t), matching.ServiceOptions{})) })
	}
}

type serviceCase struct {
	name string
	run  func(t *testing.T, w *World)
}

var serviceCases []serviceCase

// World is a tenant with invoicing and cash application wired on an
// adapter, two customers with known IBANs and a manual clock.
type World struct {
	Ctx      context.Context
	Stores   ServiceStores
	Clock    *o2c.ManualClock
	Invoices *invoice.Service
	Svc      *matching.Service
	Acme     *customer.Customer // IBAN AcmeIBAN
	Globex   *customer.Customer // IBAN GlobexIBAN
	// Received sums the amounts of the credit lines booked through the
	// world (see [World.Run]).
	Received o2c.Money
}

// IBANs of the world's customers.
const (
	AcmeIBAN   = "FR7630006000011234567890189"
	GlobexIBAN = "DE89370400440532013000"
)

// Tolerance is the world's write-off tolerance: 5.00 EUR or 1 %.
var Tolerance = invoice.Tolerance{Amounts: []o2c.Money{o2c.MustMoney("5.00", "EUR")}, Percent: decimal.NewFromInt(1)}

// Day is the date the world's invoices are issued on.
var Day = o2c.MustDate(2026, time.April, 1)

// NewWorld builds a world on a fresh harness.
func NewWorld(t testing.TB, h ServiceHarness, opts matching.ServiceOptions) *World {
	t.Helper()
	ctx := context.Background()
	clock := o2c.NewManualClock(time.Date(2026, time.April, 1, 9, 0, 0, 0, time.UTC))
	st := h.Stores("tenant-a")
	inv, err := invoice.NewService(h.Tx, invoice.Stores{Invoices: st.Invoices, Payments: st.Payments, Numbers: st.Numbers},
		invoice.Options{Clock: clock, Tolerance: Tolerance})
	require.NoError(t, err)
	w := &World{Ctx: ctx, Stores: st, Clock: clock, Invoices: inv, Received: o2c.Zero(o2c.EUR)}
	mk := func(number, name, iban string) *customer.Customer {
		c, err := customer.New("tenant-a", customer.Details{Number: number, LegalName: name,
			BankAccounts: []customer.BankAccount{{IBAN: iban, Holder: name}}}, clock.Now())
		require.NoError(t, err)
		require.NoError(t, st.Customers.Create(ctx, c))
		return c
	}
	w.Acme = mk("C-1", "Acme Industries SAS", AcmeIBAN)
	w.Globex = mk("C-2", "Globex Handel GmbH", GlobexIBAN)
	opts.Clock = clock
	opts.Engine.Tolerance = Tolerance
	w.Svc, err = matching.NewService(h.Tx, matching.Stores{Matching: st.Matching, Invoices: st.Invoices, Customers: st.Customers}, inv, opts)
	require.NoError(t, err)
	return w
}

// Issue creates and issues an invoice of gross (net + 20 % VAT) for c.
func (w *World) Issue(t testing.TB, c *customer.Customer, net string) *invoice.Invoice {
	t.Helper()
	d, err := w.Invoices.CreateInvoice(w.Ctx, invoice.Draft{Customer: c.ID, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Goods", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney(net, "EUR"),
			TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}}})
	require.NoError(t, err)
	inv, err := w.Invoices.Issue(w.Ctx, d.ID(), Day)
	require.NoError(t, err)
	return inv
}

// Get reads an invoice.
func (w *World) Get(t testing.TB, id invoice.ID) *invoice.Invoice {
	t.Helper()
	inv, err := w.Stores.Invoices.Get(w.Ctx, id)
	require.NoError(t, err)
	return inv
}

// Credit returns a credit line of amount EUR from a payer.
func Credit(amount, name, iban, text, bankRef string) matching.Line {
	d := o2c.MustDate(2026, time.April, 2)
	return matching.Line{BookingDate: d, ValueDate: d, Amount: o2c.MustMoney(amount, "EUR"), Direction: matching.Credit,
		CounterpartyName: name, CounterpartyIBAN: iban, RemittanceText: text, BankReference: bankRef}
}

// Statement returns a camt.053 statement of lines.
func StatementOf(id string, lines ...matching.Line) matching.Statement {
	d := o2c.MustDate(2026, time.April, 2)
	return matching.Statement{Format: matching.FormatCAMT053, ID: id, AccountIBAN: "FR7611111111111111111111111", Currency: o2c.EUR,
		From: d, To: d, Lines: lines}
}

// Import imports st and proposes matches; it counts the credit lines as
// received.
func (w *World) Import(t testing.TB, st matching.Statement) (*matching.ImportResult, []matching.Result) {
	t.Helper()
	imp, err := w.Svc.Import(w.Ctx, st)
	require.NoError(t, err)
	for _, l := range st.Lines {
		if l.Direction == matching.Credit {
			w.Received, err = w.Received.Add(l.Amount)
			require.NoError(t, err)
		}
	}
	res, err := w.Svc.Propose(w.Ctx, imp.Statement.ID)
	require.NoError(t, err)
	return imp, res
}

// CheckBooks checks that the books balance: on every invoice, gross less
// credits, applied payments and write-offs is the open amount; over every
// payment, applied plus unapplied is what was received.
func (w *World) CheckBooks(t testing.TB) {
	t.Helper()
	invs, err := w.Stores.Invoices.List(w.Ctx, invoice.Filter{Kinds: []invoice.Kind{invoice.KindInvoice}})
	require.NoError(t, err)
	for _, inv := range invs {
		if inv.Number() == "" {
			continue
		}
		rest := inv.Gross()
		for _, s := range inv.Settlements() {
			if s.Reversed {
				continue
			}
			rest, err = rest.Sub(s.Amount)
			require.NoError(t, err)
		}
		if wo := inv.WrittenOff(); wo != nil {
			rest, err = rest.Sub(wo.Amount)
			require.NoError(t, err)
		}
		assert.True(t, rest.Equal(inv.Open()), "%s: invoiced %s less settlements and write-offs = %s, open %s",
			inv.Number(), inv.Gross(), rest, inv.Open())
	}
	pays, err := w.Stores.Payments.List(w.Ctx, invoice.PaymentFilter{})
	require.NoError(t, err)
	total := o2c.Zero(o2c.EUR)
	for _, p := range pays {
		sum, err := p.Applied().Add(p.Unapplied())
		require.NoError(t, err)
		assert.True(t, sum.Equal(p.Amount()), "payment %s: applied %s + unapplied %s != %s", p.ID(), p.Applied(), p.Unapplied(), p.Amount())
		total, err = total.Add(p.Amount())
		require.NoError(t, err)
	}
	gt, _ := total.GreaterThan(w.Received)
	assert.False(t, gt, "payments %s exceed what was received %s", total, w.Received)
}

func testConcurrentApply(t *testing.T, h ServiceHarness) {
	w := NewWorld(t, h, matching.ServiceOptions{})
	inv1 := w.Issue(t, w.Acme, "1000.00")  // 1200.00
	inv2 := w.Issue(t, w.Globex, "250.00") // 300.00
	inv3 := w.Issue(t, w.Acme, "400.00")   // 480.00
	imp, res := w.Import(t, StatementOf("STMT-C",
		Credit("1200.00", "ACME INDUSTRIES", AcmeIBAN, "Invoice "+inv1.Number(), "C1"),
		Credit("300.00", "Globex Handel", GlobexIBAN, "Rechnung "+inv2.Number(), "C2"),
		Credit("480.00", "Acme Industries", AcmeIBAN, "inv "+inv3.Number(), "C3"),
	))
	for i, r := range res {
		require.Equal(t, matching.DecisionAuto, r.Decision, "line %d: %v", i, r.Note)
	}
	before, err := w.Svc.Mappings(w.Ctx)
	require.NoError(t, err)
	require.Empty(t, before)

	const n = 32
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		applied = map[matching.LineID]int{}
		errs    []error
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := w.Svc.Apply(w.Ctx, imp.Statement.ID)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			for _, a := range rep.Applied {
				applied[a.Line]++
			}
			for id, e := range rep.Failed {
				errs = append(errs, fmt.Errorf("line %s: %w", id, e))
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		// a transaction the database aborted (serialization, busy) is
		// retried by the caller; nothing else may fail
		assert.True(t, errors.Is(e, o2c.ErrConflict) || isRetryable(e), "unexpected: %v", e)
	}
	rep, err := w.Svc.Apply(w.Ctx, imp.Statement.ID) // whatever a failure left behind
	require.NoError(t, err)
	require.Empty(t, rep.Failed)
	for _, a := range rep.Applied {
		applied[a.Line]++
	}
	require.Len(t, applied, 3)
	for id, k := range applied {
		assert.Equal(t, 1, k, "line %s reported applied %d times", id, k)
	}
	for _, inv := range []*invoice.Invoice{inv1, inv2, inv3} {
		got := w.Get(t, inv.ID())
		assert.Equal(t, invoice.StatePaid, got.Status(), inv.Number())
		assert.Len(t, got.Settlements(), 1, inv.Number())
	}
	pays, err := w.Stores.Payments.List(w.Ctx, invoice.PaymentFilter{})
	require.NoError(t, err)
	assert.Len(t, pays, 3)
	ms, err := w.Svc.Mappings(w.Ctx)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	for _, m := range ms {
		want := 1
		if m.Kind == matching.MappingIBAN && m.Key == AcmeIBAN || m.Kind == matching.MappingName && m.Key == matching.MappingKey(matching.MappingName, "Acme Industries") {
			want = 2 // two lines paid by Acme
		}
		assert.Equal(t, want, m.Confirmations, "%s %s", m.Kind, m.Key)
	}
	w.CheckBooks(t)
}

// isRetryable reports errors a caller retries: a transaction the database
// aborted to keep concurrent ones consistent.
func isRetryable(err error) bool {
	type temporary interface{ Temporary() bool }
	var tmp temporary
	if errors.As(err, &tmp) && tmp.Temporary() {
		return true
	}
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable()
}
