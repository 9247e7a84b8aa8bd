package invoicetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// fakeOrders is a BillingSource that behaves like a transactional order
// store and enforces the contract: MarkInvoiced must run inside the
// transaction that creates the invoice (it fails outside one, and checks
// at commit that the invoice exists), never marks more than delivered and
// not yet invoiced, and forgets its marks when the transaction rolls back.
// Billable and MarkInvoiced lock the order until the transaction ends, as
// a SELECT ... FOR UPDATE on the order row would.
type fakeOrders struct {
	mu         sync.Mutex
	orders     map[string]*fakeOrder
	locks      map[string]chan struct{}
	violations []string
	exists     func(invoiceRef string) bool
}

type fakeOrder struct {
	customer o2c.CustomerID
	lines    []*fakeLine
}

type fakeLine struct {
	ref       string
	price     o2c.Money
	category  tax.Category
	rate      decimal.Decimal
	delivered decimal.Decimal
	invoiced  decimal.Decimal
}

type fakeMark struct {
	order, invoice string
	lines          []invoice.BilledLine
}

type fakeTx struct {
	held    []string
	pending []fakeMark
}

type fakeTxKey struct{}

var _ invoice.BillingSource = (*fakeOrders)(nil)

func newFakeOrders() *fakeOrders {
	return &fakeOrders{orders: map[string]*fakeOrder{}, locks: map[string]chan struct{}{}}
}

// wrap returns a Transactor over inner that tells the fake when a
// transaction commits or rolls back.
func (f *fakeOrders) wrap(inner o2c.Transactor) o2c.Transactor { return fakeTransactor{f, inner} }

type fakeTransactor struct {
	f     *fakeOrders
	inner o2c.Transactor
}

// InTx runs fn in a transaction of the wrapped Transactor, then commits
// the fake's marks if it committed, and releases the orders it locked.
func (w fakeTransactor) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(fakeTxKey{}).(*fakeTx); ok {
		return w.inner.InTx(ctx, fn)
	}
	st := &fakeTx{}
	err := w.inner.InTx(context.WithValue(ctx, fakeTxKey{}, st), fn)
	if err == nil {
		w.f.commit(st)
	}
	// like a row lock, the order's lock ends with the transaction
	for _, ref := range st.held {
		<-w.f.lockOf(ref)
	}
	if err == nil {
		w.f.verify(st)
	}
	return err
}

func (f *fakeOrders) lockOf(ref string) chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.locks[ref] == nil {
		f.locks[ref] = make(chan struct{}, 1)
	}
	return f.locks[ref]
}

func (f *fakeOrders) lock(st *fakeTx, ref string) {
	for _, h := range st.held {
		if h == ref {
			return
		}
	}
	f.lockOf(ref) <- struct{}{}
	st.held = append(st.held, ref)
}

// verify checks, after the commit, that every invoice the transaction
// marked quantities for was stored by it.
func (f *fakeOrders) verify(st *fakeTx) {
	for _, m := range st.pending {
		if !f.exists(m.invoice) {
			f.violate("order %s marked invoiced by %s, which was not stored in the same transaction", m.order, m.invoice)
		}
	}
}

func (f *fakeOrders) commit(st *fakeTx) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range st.pending {
		for _, bl := range m.lines {
			for _, l := range f.orders[m.order].lines {
				if l.ref == bl.OrderLineRef {
					l.invoiced = l.invoiced.Add(bl.Quantity)
				}
			}
		}
	}
}

func (f *fakeOrders) violate(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.violations = append(f.violations, fmt.Sprintf(format, args...))
}

func (f *fakeOrders) add(ref string, customer o2c.CustomerID, lines ...*fakeLine) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.orders[ref] = &fakeOrder{customer: customer, lines: lines}
}

func (f *fakeOrders) deliver(order, line string, qty string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.orders[order].lines {
		if l.ref == line {
			l.delivered = l.delivered.Add(dec(qty))
		}
	}
}

func (f *fakeOrders) invoiced(order, line string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.orders[order].lines {
		if l.ref == line {
			return l.invoiced.String()
		}
	}
	return "?"
}

func pendingQty(st *fakeTx, order, line string) decimal.Decimal {
	q := decimal.Zero
	if st == nil {
		return q
	}
	for _, m := range st.pending {
		if m.order != order {
			continue
		}
		for _, bl := range m.lines {
			if bl.OrderLineRef == line {
				q = q.Add(bl.Quantity)
			}
		}
	}
	return q
}

// Billable implements invoice.BillingSource.
func (f *fakeOrders) Billable(ctx context.Context, ref string) (invoice.BillableOrder, error) {
	st, _ := ctx.Value(fakeTxKey{}).(*fakeTx)
	if st != nil {
		f.lock(st, ref)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.orders[ref]
	if o == nil {
		return invoice.BillableOrder{}, o2c.NotFound("order", ref)
	}
	bo := invoice.BillableOrder{OrderRef: ref, Customer: o.customer, Currency: o2c.EUR}
	for _, l := range o.lines {
		qty := l.delivered.Sub(l.invoiced).Sub(pendingQty(st, ref, l.ref))
		bo.Lines = append(bo.Lines, invoice.BillableLine{OrderLineRef: l.ref, SKU: l.ref, Description: "Item " + l.ref, Quantity: qty,
			UnitPrice: l.price, TaxCategory: l.category, TaxRate: l.rate})
	}
	return bo, nil
}

// MarkInvoiced implements invoice.BillingSource.
func (f *fakeOrders) MarkInvoiced(ctx context.Context, ref, invoiceRef string, lines []invoice.BilledLine) error {
	st, _ := ctx.Value(fakeTxKey{}).(*fakeTx)
	if st == nil {
		f.violate("MarkInvoiced(%s, %s) outside a transaction", ref, invoiceRef)
		return errors.New("fake orders: MarkInvoiced outside a transaction")
	}
	f.lock(st, ref)
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.orders[ref]
	if o == nil {
		return o2c.NotFound("order", ref)
	}
	for _, bl := range lines {
		var line *fakeLine
		for _, l := range o.lines {
			if l.ref == bl.OrderLineRef {
				line = l
			}
		}
		if line == nil {
			return o2c.NotFound("order line", bl.OrderLineRef)
		}
		left := line.delivered.Sub(line.invoiced).Sub(pendingQty(st, ref, line.ref))
		if !bl.Quantity.IsPositive() || bl.Quantity.GreaterThan(left) {
			return fmt.Errorf("order %s line %s: %s asked, %s left: %w", ref, line.ref, bl.Quantity, left, invoice.ErrOverBilled)
		}
	}
	st.pending = append(st.pending, fakeMark{order: ref, invoice: invoiceRef, lines: lines})
	return nil
}

// failingNumbers fails every draw, to break a transaction after the
// billing source marked its quantities.
type failingNumbers struct{ invoice.NumberStore }

var errNumbersDown = errors.New("numbers down")

// Next fails.
func (failingNumbers) Next(context.Context, string) (int64, error) { return 0, errNumbersDown }

func billingEnv(t *testing.T, h Harness, numbers invoice.NumberStore) (*env, *fakeOrders) {
	t.Helper()
	f := newFakeOrders()
	inv := h.Invoices(tenantA)
	f.exists = func(ref string) bool {
		id, err := o2c.ParseID[invoice.Invoice](ref)
		if err != nil {
			return false
		}
		_, err = inv.Get(context.Background(), id)
		return err == nil
	}
	e := newEnv(t, h, tenantA, invoice.Options{})
	if numbers == nil {
		numbers = e.numbers
	}
	svc, err := invoice.NewService(f.wrap(h.Tx), invoice.Stores{Invoices: e.inv, Payments: e.pays, Numbers: numbers},
		invoice.Options{Clock: e.clock, Billing: f})
	require.NoError(t, err)
	e.svc = svc
	return e, f
}

func line20(ref, price string) *fakeLine {
	return &fakeLine{ref: ref, price: eur(price), category: tax.Standard, rate: dec("20")}
}

func billingTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("BillWhatWasDeliveredOnce", func(t *testing.T) {
		e, f := billingEnv(t, newHarness(t), nil)
		cust := o2c.NewCustomerID()
		f.add("SO-1", cust, line20("A", "10.00"), line20("B", "2.50"))
		f.deliver("SO-1", "A", "4")

		inv, err := e.svc.BillDelivered(ctx, invoice.BillInput{OrderRef: "SO-1", Terms: invoice.NetTerms(30), Issue: true})
		require.NoError(t, err)
		require.Len(t, inv.Lines(), 1, "B was not delivered")
		assert.Equal(t, "A", inv.Lines()[0].OrderLineRef)
		assert.Equal(t, "4", inv.Lines()[0].Quantity.String())
		assert.Equal(t, "48.00 EUR", inv.Gross().String())
		assert.Equal(t, "SO-1", inv.OrderRef())
		assert.Equal(t, "INV-2026-000001", inv.Number())
		assert.Equal(t, "4", f.invoiced("SO-1", "A"))

		before := e.fingerprint(t)
		_, err = e.svc.BillDelivered(ctx, invoice.BillInput{OrderRef: "SO-1", Terms: invoice.NetTerms(30), Issue: true})
		require.ErrorIs(t, err, invoice.ErrNothingToBill)
		assert.Equal(t, before, e.fingerprint(t))

		f.deliver("SO-1", "A", "1.5")
		f.deliver("SO-1", "B", "3")
		second, err := e.svc.BillDelivered(ctx, invoice.BillInput{OrderRef: "SO-1", Terms: invoice.NetTerms(30)})
		require.NoError(t, err)
		assert.Equal(t, invoice.StateDraft, second.Status())
		require.Len(t, second.Lines(), 2)
		assert.Equal(t, "1.5", second.Lines()[0].Quantity.String())
		assert.Equal(t, "3", second.Lines()[1].Quantity.String())
		assert.Equal(t, "5.5", f.invoiced("SO-1", "A"))
		assert.Equal(t, "3", f.invoiced("SO-1", "B"))
		// a billed draft keeps its billed lines
		_, err = e.svc.Revise(ctx, second.ID(), func(d *invoice.Draft) error {
			d.Lines[0].Quantity = dec("2")
			return nil
		})
		require.ErrorIs(t, err, invoice.ErrImmutable)
		_, err = e.svc.Revise(ctx, second.ID(), func(d *invoice.Draft) error {
			d.Notes = "delivered in two parcels"
			return nil
		})
		require.NoError(t, err)
		assert.Empty(t, f.violations)

		// the fake catches a MarkInvoiced made outside a transaction
		require.Error(t, f.MarkInvoiced(ctx, "SO-1", "x", []invoice.BilledLine{{OrderLineRef: "A", Quantity: dec("1")}}))
		assert.Len(t, f.violations, 1)
	})

	t.Run("AFailureAfterMarkingUnmarks", func(t *testing.T) {
		h := newHarness(t)
		e, f := billingEnv(t, h, failingNumbers{h.Numbers(tenantA)})
		cust := o2c.NewCustomerID()
		f.add("SO-2", cust, line20("A", "10.00"))
		f.deliver("SO-2", "A", "2")
		before := e.fingerprint(t)
		_, err := e.svc.BillDelivered(ctx, invoice.BillInput{OrderRef: "SO-2", Terms: invoice.NetTerms(30), Issue: true})
		require.ErrorIs(t, err, errNumbersDown)
		assert.Equal(t, "0", f.invoiced("SO-2", "A"), "the marks rolled back with the invoice")
		assert.Equal(t, before, e.fingerprint(t))
		assert.Empty(t, f.violations)
	})

	t.Run("ConcurrentBillingNeverBillsTwice", func(t *testing.T) {
		e, f := billingEnv(t, newHarness(t), nil)
		cust := o2c.NewCustomerID()
		f.add("SO-3", cust, line20("A", "10.00"), line20("B", "1.00"))
		f.deliver("SO-3", "A", "7")
		f.deliver("SO-3", "B", "11")
		const workers = 8
		var wg sync.WaitGroup
		errs := make([]error, workers)
		start := make(chan struct{})
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[w] = e.svc.BillDelivered(ctx, invoice.BillInput{OrderRef: "SO-3", Terms: invoice.NetTerms(30), Issue: w%2 == 0})
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			require.True(t, errors.Is(err, invoice.ErrNothingToBill) || errors.Is(err, invoice.ErrOverBilled), "unexpected error: %v", err)
		}
		assert.Equal(t, 1, ok, "one billing wins, the others find nothing left")
		invs, err := e.inv.List(ctx, invoice.Filter{OrderRef: "SO-3"})
		require.NoError(t, err)
		require.Len(t, invs, 1)
		billed := map[string]decimal.Decimal{}
		for _, inv := range invs {
			for _, l := range inv.Lines() {
				billed[l.OrderLineRef] = billed[l.OrderLineRef].Add(l.Quantity)
			}
		}
		assert.Equal(t, "7", billed["A"].String())
		assert.Equal(t, "11", billed["B"].String())
		assert.Equal(t, "7", f.invoiced("SO-3", "A"))
		assert.Equal(t, "11", f.invoiced("SO-3", "B"))
		assert.Empty(t, f.violations)
	})

	t.Run("DepositsAreDeductedOnTheFinalInvoice", func(t *testing.T) {
		e, f := billingEnv(t, newHarness(t), nil)
		cust := o2c.NewCustomerID()
		f.add("SO-4", cust, line20("A", "100.00"), &fakeLine{ref: "BOOK", price: eur("50.00"), category: tax.Standard, rate: dec("5.5")})
		// the order: 10 × 100.00 at 20 % and 1 book at 50.00 at 5.5 %:
		// 1000.00 + 200.00 VAT + 50.00 + 2.75 VAT = 1252.75 gross.
		// A 30 % deposit: 375.825 rounded half up to 375.83 gross; at 20 %
		// its net is 375.83 / 1.2 = 313.19 (VAT 62.638 -> 62.64, 375.83).
		dep, err := e.svc.CreateDeposit(ctx, invoice.DepositInput{OrderRef: "SO-4", Customer: cust, Percent: dec("30"), Base: eur("1252.75"),
			TaxCategory: tax.Standard, TaxRate: dec("20"), Terms: invoice.ImmediateTerms(), Issue: true})
		require.NoError(t, err)
		assert.Equal(t, invoice.KindDeposit, dep.Kind())
		assert.Equal(t, "375.83 EUR", dep.Gross().String())
		assert.Equal(t, "313.19 EUR", dep.Totals().Net.String())
		assert.Equal(t, "INV-2026-000001", dep.Number(), "deposits share the invoices' series by default")
		p := e.pay(t, cust, eur("375.83"))
		_, err = e.svc.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "dep", Lines: []invoice.AllocationLine{{Invoice: dep.ID(), Amount: eur("375.83")}}})
		require.NoError(t, err)

		// first delivery: 2 × 100.00 at 20 % and 1 book at 5.5 %; the deposit
		// is deducted from the 20 % base only, up to 200.00
		f.deliver("SO-4", "A", "2")
		f.deliver("SO-4", "BOOK", "1")
		first, err := e.svc.BillDelivered(ctx, invoice.BillInput{OrderRef: "SO-4", Terms: invoice.NetTerms(30), Issue: true})
		require.NoError(t, err)
		ls := first.Lines()
		require.Len(t, ls, 3)
		assert.Equal(t, dep.ID(), ls[2].DepositRef)
		assert.Equal(t, "-1", ls[2].Quantity.String())
		assert.Equal(t, "200.00 EUR", ls[2].UnitPrice.String())
		// 20 %: 200.00 - 200.00 = 0; 5.5 %: 50.00 + 2.75 VAT
		assert.Equal(t, "52.75 EUR", first.Gross().String())
		assert.Equal(t, "113.19 EUR", e.get(t, dep.ID()).DepositRemaining().String())

		// second delivery takes the rest of the deposit: 800.00 - 113.19 =
		// 686.81 net, VAT 137.362 -> 137.36, gross 824.17
		f.deliver("SO-4", "A", "8")
		second, err := e.svc.BillDelivered(ctx, invoice.BillInput{OrderRef: "SO-4", Terms: invoice.NetTerms(30), Issue: true})
		require.NoError(t, err)
		assert.Equal(t, "824.17 EUR", second.Gross().String())
		assert.True(t, e.get(t, dep.ID()).DepositRemaining().IsZero())
		ded := e.get(t, dep.ID()).Deductions()
		require.Len(t, ded, 2)
		assert.Equal(t, first.ID(), ded[0].Invoice)
		assert.Equal(t, second.ID(), ded[1].Invoice)
		assert.Contains(t, e.events(t, dep.ID().String()), invoice.EventDepositDeducted)

		// deposit and final invoices bill the order's gross to the cent:
		// 375.83 + 52.75 + 824.17 = 1252.75, VAT 62.64 + 2.75 + 137.36 = 202.75
		total, err := o2c.Sum(o2c.EUR, dep.Gross(), first.Gross(), second.Gross())
		require.NoError(t, err)
		assert.Equal(t, "1252.75 EUR", total.String())
		vat, err := o2c.Sum(o2c.EUR, dep.Totals().Tax, first.Totals().Tax, second.Totals().Tax)
		require.NoError(t, err)
		assert.Equal(t, "202.75 EUR", vat.String())
	})

	t.Run("AFinalInvoiceCoveredByTheDepositIsPaidAtIssue", func(t *testing.T) {
		e, f := billingEnv(t, newHarness(t), nil)
		cust := o2c.NewCustomerID()
		f.add("SO-5", cust, line20("A", "100.00"))
		_, err := e.svc.CreateDeposit(ctx, invoice.DepositInput{OrderRef: "SO-5", Customer: cust, Amount: eur("120.00"),
			TaxCategory: tax.Standard, TaxRate: dec("20"), Terms: invoice.ImmediateTerms(), Issue: true})
		require.NoError(t, err)
		f.deliver("SO-5", "A", "1")
		final, err := e.svc.BillDelivered(ctx, invoice.BillInput{OrderRef: "SO-5", Terms: invoice.NetTerms(30), Issue: true})
		require.NoError(t, err)
		assert.True(t, final.Gross().IsZero())
		assert.Equal(t, invoice.StatePaid, final.Status())
		assert.Equal(t, []string{invoice.EventIssued, invoice.EventPaid}, e.events(t, final.ID().String()))
	})
}
