package cycle_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/tax"
)

const monthCustomers = 100

// Acceptance (issue 8): a month of activity for 100 customers through the
// cycle on each adapter, then the books of every customer balance. Each
// adapter runs another invoicing policy, so the month covers all three.
func TestMonthForHundredCustomers(t *testing.T) {
	policies := map[string]cycle.InvoicingPolicy{
		"memory":   cycle.BillPerDelivery,
		"sqlite":   cycle.BillPerOrder,
		"postgres": cycle.BillPeriodic,
	}
	for _, b := range backends {
		t.Run(b.name+"/"+policies[b.name].String(), func(t *testing.T) {
			start := time.Now()
			m := newMonth(t, b, policies[b.name])
			m.run()
			m.checkBooks()
			t.Logf("%d customers, %d orders (%d held and released), %d invoices, %d credit notes, %d disputes, %d bank lines (%d confirmed by hand), %d dunning letters, %d write-offs in %s",
				monthCustomers, len(m.orders), m.held, m.invoiceCount, m.creditNotes, m.disputes, m.bankLines, m.confirmed, m.letters, m.writeOffs, time.Since(start).Round(time.Millisecond))
		})
	}
}

// account is what the test itself knows of one customer.
type account struct {
	n        int
	cu       *customer.Customer
	invoices []*invoice.Invoice // as issued
	disputed map[invoice.ID]bool
	paid     map[invoice.ID]bool
	received decimal.Decimal // what the bank credited from the customer
}

type monthOrder struct {
	acc     *account
	id      order.ID
	placed  int
	partial bool
	held    bool
}

type month struct {
	t        *testing.T
	ctx      context.Context
	clock    *o2c.ManualClock
	st       tenantStores
	c        *cycle.Cycle
	policy   cycle.InvoicingPolicy
	notifier *dunning.MemoryNotifier
	accounts []*account
	byID     map[o2c.CustomerID]*account
	orders   []*monthOrder

	held, confirmed, invoiceCount, creditNotes, disputes, bankLines, letters, writeOffs int
}

var monthStart = o2c.MustDate(2026, 3, 2) // a Monday

func newMonth(t *testing.T, b backend, policy cycle.InvoicingPolicy) *month {
	clock := o2c.NewManualClock(monthStart.Time().Add(8 * time.Hour))
	st := b.open(t, clock)
	n := dunning.NewMemoryNotifier()
	c, err := cycle.New(cycleConfig(st, clock, policy, n))
	require.NoError(t, err)
	m := &month{t: t, ctx: context.Background(), clock: clock, st: st, c: c, policy: policy, notifier: n, byID: map[o2c.CustomerID]*account{}}
	for i := range monthCustomers {
		limit := "100000.00"
		if i%10 == 9 {
			limit = "500.00" // room for one order, not two
		}
		a := &account{n: i, cu: newCustomer(t, c, st.TenantID(), clock.Now(), i, limit),
			disputed: map[invoice.ID]bool{}, paid: map[invoice.ID]bool{}}
		m.accounts = append(m.accounts, a)
		m.byID[a.cu.ID] = a
	}
	return m
}

func (m *month) day(d int) o2c.Date { return monthStart.AddDays(d) }

func (m *month) run() {
	t := m.t
	for d := range 30 {
		date := m.day(d)
		m.clock.Set(date.Time().Add(9 * time.Hour))
		m.fulfil(d)
		for _, a := range m.accounts {
			// every customer orders in the first week; those with a
			// small limit order again in the third, to meet the limit
			if d == a.n%5 || (d == 10+a.n%5 && a.n%10 == 9) {
				m.place(a, d)
			}
		}
		// the periodic policy bills on Fridays; on the last day every
		// policy runs the catch-up, which must find nothing left to bill
		if (m.policy == cycle.BillPeriodic && date.Weekday() == time.Friday) || d == 29 {
			invs, err := m.c.BillDue(m.ctx, date)
			require.NoError(t, err)
			if m.policy != cycle.BillPeriodic {
				assert.Empty(t, invs, "day %d: deliveries were billed when confirmed", d)
			}
			m.record(invs...)
		}
		switch d {
		case 12:
			m.creditNoteRound()
		case 14:
			m.disputeRound()
		case 15, 25:
			m.dunningRound(d)
		case 24:
			m.resolveRound()
		case 26:
			m.writeOffRound()
		}
		if wd := date.Weekday(); wd != time.Saturday && wd != time.Sunday {
			m.payments(d)
		}
	}
	// every order was fully delivered and billed
	all, err := m.st.Invoices().List(m.ctx, invoice.Filter{Kinds: []invoice.Kind{invoice.KindInvoice}})
	require.NoError(t, err)
	byOrder := map[string][]*invoice.Invoice{}
	for _, inv := range all {
		byOrder[inv.OrderRef()] = append(byOrder[inv.OrderRef()], inv)
	}
	for _, o := range m.orders {
		got, err := m.c.Orders().Get(m.ctx, o.id)
		require.NoError(t, err)
		require.Equal(t, order.StateInvoiced, got.State(), "order of customer %d", o.acc.n)
		invs := byOrder[o.id.String()]
		var sum []o2c.Money
		for _, inv := range invs {
			sum = append(sum, inv.Gross())
		}
		total, err := o2c.Sum(o2c.EUR, sum...)
		require.NoError(t, err)
		assert.Equal(t, got.Totals().Gross.String(), total.String(), "the invoices of an order bill it to the cent")
		if o.partial && m.policy == cycle.BillPerDelivery {
			assert.Len(t, invs, 3, "one invoice per delivery")
		}
		if m.policy == cycle.BillPerOrder {
			assert.Len(t, invs, 1, "one invoice per order")
		}
	}
	assert.Len(t, all, m.invoiceCount, "every invoice issued was recorded")
	assert.Positive(t, m.held, "some orders were held for credit")
	assert.Equal(t, m.letters, m.notifier.Len(), "every letter written was delivered")
}

func (m *month) record(invs ...*invoice.Invoice) {
	for _, inv := range invs {
		if inv == nil {
			continue
		}
		a := m.byID[inv.Customer()]
		a.invoices = append(a.invoices, inv)
		m.invoiceCount++
	}
}

// place creates and places an order; customers with a small limit see
// their second order held while the first is unpaid.
func (m *month) place(a *account, d int) {
	t := m.t
	terms := "NET30"
	if a.n%3 == 0 {
		terms = "NET7"
	}
	det := orderDetails(a.cu.ID, terms)
	det.CustomerReference = fmt.Sprintf("PO-%03d-%02d", a.n, d)
	o, err := m.c.Orders().Create(m.ctx, det)
	require.NoError(t, err)
	o, err = m.c.Orders().Place(m.ctx, o.ID(), "sales")
	require.NoError(t, err)
	mo := &monthOrder{acc: a, id: o.ID(), placed: d, partial: a.n%4 == 0}
	switch o.State() {
	case order.StateApproved:
	case order.StateOnCreditHold:
		require.Equal(t, 9, a.n%10, "only small limits hold")
		mo.held = true
		m.held++
	default:
		t.Fatalf("order placed in state %s", o.State())
	}
	m.orders = append(m.orders, mo)
}

// fulfil releases held orders, ships and confirms deliveries by each
// order's plan (offsets in days from its placing).
func (m *month) fulfil(d int) {
	for _, o := range m.orders {
		off := d - o.placed
		if off == 1 && o.held {
			got, err := m.c.ReleaseOrder(m.ctx, o.id, "credit.officer", "guarantee received")
			require.NoError(m.t, err)
			require.Equal(m.t, order.StateApproved, got.State())
		}
		if !o.partial {
			switch off {
			case 1:
				m.ship(o, "S1", lq(1, "10"), lq(2, "3"))
			case 2:
				m.deliver(o, "D1", lq(1, "10"), lq(2, "3"))
			}
			continue
		}
		switch off {
		case 1:
			m.ship(o, "S1", lq(1, "6"), lq(2, "3"))
		case 2:
			m.deliver(o, "D1", lq(1, "4"))
		case 3:
			m.deliver(o, "D2", lq(1, "2"), lq(2, "3"))
		case 5:
			m.ship(o, "S2", lq(1, "4"))
		case 6:
			m.deliver(o, "D3", lq(1, "4"))
		}
	}
}

func (m *month) ship(o *monthOrder, ref string, lines ...order.LineQuantity) {
	_, err := m.c.Orders().Ship(m.ctx, o.id, ref, lines...)
	require.NoError(m.t, err)
}

func (m *month) deliver(o *monthOrder, ref string, lines ...order.LineQuantity) {
	got, inv, err := m.c.ConfirmDelivery(m.ctx, o.id, ref, lines...)
	require.NoError(m.t, err)
	switch m.policy {
	case cycle.BillPerDelivery:
		require.NotNil(m.t, inv, "per delivery: billed at once")
	case cycle.BillPerOrder:
		require.Equal(m.t, got.State() == order.StateInvoiced, inv != nil, "per order: billed when complete")
	case cycle.BillPeriodic:
		require.Nil(m.t, inv)
	}
	m.record(inv)
}

// creditNoteRound credits one bolt on the first invoice of every eighth
// customer.
func (m *month) creditNoteRound() {
	for _, a := range m.accounts {
		if a.n%8 != 1 || len(a.invoices) == 0 || a.paid[a.invoices[0].ID()] {
			continue
		}
		cn, err := m.c.Invoices().IssueCreditNote(m.ctx, invoice.CreditNoteInput{
			Invoice: a.invoices[0].ID(), Reason: "damaged bolt", Key: "cn-" + a.invoices[0].Number(),
			Lines: []invoice.Line{{SKU: "BOLT", Description: "Steel bolt M8", Quantity: dec("1"), UnitPrice: eur("12.50"), TaxCategory: tax.Standard, TaxRate: dec("20")}},
		})
		require.NoError(m.t, err)
		require.Equal(m.t, "15.00 EUR", cn.Gross().String())
		m.creditNotes++
	}
}

// disputeRound disputes 50.00 of the first unpaid invoice of every tenth
// customer.
func (m *month) disputeRound() {
	for _, a := range m.accounts {
		if a.n%10 != 5 {
			continue
		}
		var inv *invoice.Invoice
		for _, i := range a.invoices {
			if !a.paid[i.ID()] {
				inv = i
				break
			}
		}
		if inv == nil {
			continue
		}
		_, err := m.c.Invoices().OpenDispute(m.ctx, inv.ID(), invoice.DisputeInput{Amount: eur("50.00"), Reason: invoice.ReasonQuantityOrDeliveryMissing, Actor: "portal"})
		require.NoError(m.t, err)
		a.disputed[inv.ID()] = true
		m.disputes++
		exp, err := m.c.Exposure(m.ctx, a.cu.ID, o2c.EUR)
		require.NoError(m.t, err)
		require.Equal(m.t, "50.00 EUR", exp.Disputed.String(), "the dispute lowers exposure")
	}
}

// resolveRound settles half the disputes with a credit note for three
// bolts (45.00); the other 5.00 is rejected.
func (m *month) resolveRound() {
	for _, a := range m.accounts {
		if a.n%20 != 5 {
			continue
		}
		for id := range a.disputed {
			inv, err := m.st.Invoices().Get(m.ctx, id)
			require.NoError(m.t, err)
			ds := inv.Disputes()
			require.Len(m.t, ds, 1)
			cn, err := m.c.Invoices().ResolveDispute(m.ctx, id, ds[0].ID, invoice.Resolution{Actor: "claims", Note: "three bolts missing",
				CreditLines: []invoice.Line{{SKU: "BOLT", Description: "Steel bolt M8", Quantity: dec("3"), UnitPrice: eur("12.50"), TaxCategory: tax.Standard, TaxRate: dec("20")}}})
			require.NoError(m.t, err)
			require.NotNil(m.t, cn)
			require.Equal(m.t, "45.00 EUR", cn.Gross().String())
			delete(a.disputed, id)
			m.creditNotes++
		}
	}
}

// writeOffRound writes off what is left of the first invoice of customers
// 3, 28, 53 and 78 (insolvent), when it is still open.
func (m *month) writeOffRound() {
	for _, a := range m.accounts {
		if a.n%25 != 3 || len(a.invoices) == 0 {
			continue
		}
		id := a.invoices[0].ID()
		inv, err := m.st.Invoices().Get(m.ctx, id)
		require.NoError(m.t, err)
		if !inv.Status().IsOpen() {
			continue
		}
		_, err = m.c.Invoices().WriteOff(m.ctx, id, "customer insolvent", "cfo")
		require.NoError(m.t, err)
		a.paid[id] = true
		m.writeOffs++
	}
}

// payments sends one bank statement for the day: customers n%3 == 1 pay
// each invoice five days after it was issued (every seventh of them 0.50
// short, written off within tolerance), customers n%3 == 0 pay everything
// on day 22 (late, after the first dunning run), customers n%11 == 2 send
// an advance on day 8 that stays unapplied. Disputed invoices wait.
func (m *month) payments(d int) {
	t := m.t
	date := m.day(d)
	var lines []matching.Line
	payer := map[string]*account{} // bank reference -> who paid
	for _, a := range m.accounts {
		for _, issued := range a.invoices {
			if a.paid[issued.ID()] || a.disputed[issued.ID()] {
				continue
			}
			due := (a.n%3 == 1 && !issued.IssueDate().AddDays(5).After(date)) || (a.n%3 == 0 && d == 22)
			if !due {
				continue
			}
			inv, err := m.st.Invoices().Get(m.ctx, issued.ID())
			require.NoError(t, err)
			if !inv.Status().IsOpen() || !inv.Disputed().IsZero() {
				continue
			}
			amount := inv.Open()
			if a.n%7 == 0 {
				amount, err = amount.Sub(eur("0.50"))
				require.NoError(t, err)
			}
			ref := fmt.Sprintf("BK-%02d-%04d", d, len(lines))
			payer[ref] = a
			lines = append(lines, bankLine(a.cu, date, amount, "Payment "+inv.Number(), ref))
			a.received = a.received.Add(amount.Amount())
			a.paid[inv.ID()] = true
		}
		if a.n%11 == 2 && d == 8 {
			ref := fmt.Sprintf("BK-%02d-%04d", d, len(lines))
			payer[ref] = a
			lines = append(lines, bankLine(a.cu, date, eur("100.00"), "advance payment", ref))
			a.received = a.received.Add(dec("100.00"))
		}
	}
	if len(lines) == 0 {
		return
	}
	imp, rep, err := m.c.ReceiveStatement(m.ctx, bankStatement(fmt.Sprintf("ST-%s", date), date, lines...))
	require.NoError(t, err)
	require.Len(t, imp.Lines, len(lines))
	require.Empty(t, rep.Failed)
	applied := len(rep.Applied)
	// what matching could not apply on its own waits for a clerk, who
	// confirms the proposal naming the right customer
	recs, err := m.c.Matching().Lines(m.ctx, imp.Statement.ID)
	require.NoError(t, err)
	for _, r := range recs {
		if r.Status == matching.LineApplied {
			continue
		}
		a := payer[r.Line.BankReference]
		ps, err := m.c.Matching().Proposals(m.ctx, r.ID)
		require.NoError(t, err)
		var pick *matching.ProposalRecord
		advance := r.Line.RemittanceText == "advance payment"
		for _, p := range ps {
			if p.Proposal.Customer == a.cu.ID && (!advance || len(p.Proposal.Allocations) == 0) {
				pick = p
				break
			}
		}
		require.NotNil(t, pick, "day %d: line %s (%s) has no proposal for customer %d: %+v", d, r.Line.BankReference, r.Status, a.n, ps)
		_, err = m.c.Matching().Confirm(m.ctx, pick.ID)
		require.NoError(t, err)
		applied++
		m.confirmed++
	}
	require.Equal(t, len(lines), applied, "day %d: every line applied", d)
	m.bankLines += len(lines)
}

// dunningRound runs dunning. No letter claims a paid or written-off
// invoice, and a disputed invoice is claimed less its disputed part.
func (m *month) dunningRound(d int) {
	t := m.t
	asOf := m.day(d)
	p, err := m.c.Dunning().DryRun(m.ctx, asOf)
	require.NoError(t, err)
	require.True(t, p.BusinessDay)
	for _, l := range p.Letters {
		a := m.byID[l.Customer]
		for _, it := range l.Items {
			assert.False(t, a.paid[it.Invoice], "day %d: paid invoice %s dunned", d, it.Number)
			if a.disputed[it.Invoice] {
				inv, err := m.st.Invoices().Get(m.ctx, it.Invoice)
				require.NoError(t, err)
				assert.Equal(t, inv.Undisputed().String(), it.Amount.String(), "only the undisputed part is claimed")
			}
		}
	}
	res, err := m.c.RunDunning(m.ctx, asOf)
	require.NoError(t, err)
	assert.Len(t, res.Written, len(p.Letters))
	if d == 15 {
		assert.NotEmpty(t, res.Written, "NET7 invoices of the first week are overdue")
	}
	m.letters += len(res.Written)
}

// checkBooks checks every customer's books: invoices - credit notes -
// applied payments - write-offs = open receivables (less open credit),
// and unapplied + applied = received.
func (m *month) checkBooks() {
	t := m.t
	zero := decimal.Zero
	var totalReceived decimal.Decimal
	allDocs, err := m.st.Invoices().List(m.ctx, invoice.Filter{})
	require.NoError(t, err)
	docsOf := map[o2c.CustomerID][]*invoice.Invoice{}
	for _, doc := range allDocs {
		docsOf[doc.Customer()] = append(docsOf[doc.Customer()], doc)
	}
	allPayments, err := m.st.Payments().List(m.ctx, invoice.PaymentFilter{})
	require.NoError(t, err)
	paymentsOf := map[o2c.CustomerID][]*invoice.Payment{}
	for _, p := range allPayments {
		paymentsOf[p.Customer()] = append(paymentsOf[p.Customer()], p)
	}
	for _, a := range m.accounts {
		docs := docsOf[a.cu.ID]
		invoiced, credited, applied, writtenOff, open, openCredit := zero, zero, zero, zero, zero, zero
		for _, doc := range docs {
			require.NotEqual(t, invoice.StateDraft, doc.Status(), "nothing left in draft")
			switch doc.Kind() {
			case invoice.KindInvoice:
				invoiced = invoiced.Add(doc.Gross().Amount())
				open = open.Add(doc.Open().Amount())
				for _, s := range doc.Settlements() {
					if s.Reversed {
						continue
					}
					switch s.Kind {
					case invoice.SettledByPayment:
						applied = applied.Add(s.Amount.Amount())
					case invoice.SettledByResidualWriteOff:
						writtenOff = writtenOff.Add(s.Amount.Amount())
					}
				}
				if w := doc.WrittenOff(); w != nil {
					writtenOff = writtenOff.Add(w.Amount.Amount())
				}
			case invoice.KindCreditNote:
				credited = credited.Add(doc.Gross().Amount())
				openCredit = openCredit.Add(doc.Open().Amount())
			default:
				t.Fatalf("unexpected document kind %s", doc.Kind())
			}
		}
		lhs := invoiced.Sub(credited).Sub(applied).Sub(writtenOff)
		rhs := open.Sub(openCredit)
		require.True(t, lhs.Equal(rhs), "customer %d: invoices %s - credit notes %s - applied %s - write-offs %s = %s, open receivables %s - open credit %s = %s",
			a.n, invoiced, credited, applied, writtenOff, lhs, open, openCredit, rhs)

		payments := paymentsOf[a.cu.ID]
		received, unapplied, paidApplied := zero, zero, zero
		for _, p := range payments {
			received = received.Add(p.Amount().Amount())
			unapplied = unapplied.Add(p.Unapplied().Amount())
			paidApplied = paidApplied.Add(p.Applied().Amount())
		}
		require.True(t, unapplied.Add(paidApplied).Equal(received), "customer %d: unapplied %s + applied %s != received %s", a.n, unapplied, paidApplied, received)
		require.True(t, received.Equal(a.received), "customer %d: received %s, the bank credited %s", a.n, received, a.received)
		require.True(t, paidApplied.Equal(applied), "customer %d: payments applied %s, invoices settled by payments %s", a.n, paidApplied, applied)
		totalReceived = totalReceived.Add(received)

		if a.n%11 == 2 {
			assert.True(t, unapplied.Equal(dec("100.00")), "customer %d: the advance stays unapplied, got %s", a.n, unapplied)
		}
		if a.n%3 == 0 && a.n%25 != 3 && a.n%10 != 5 {
			assert.True(t, open.Sub(openCredit).IsZero(), "customer %d paid everything on day 22, open %s", a.n, open.Sub(openCredit))
			exp, err := m.c.Exposure(m.ctx, a.cu.ID, o2c.EUR)
			require.NoError(t, err)
			assert.True(t, exp.Total.IsZero(), "customer %d: paid up, exposure %s", a.n, exp.Total)
		}
		if a.n%4 != 0 { // the position reads the store again: a sample keeps the run short
			continue
		}
		pos, err := m.c.Invoices().Position(m.ctx, a.cu.ID)
		require.NoError(t, err)
		if len(pos) == 0 { // nothing open, no credit, no cash
			assert.True(t, open.IsZero() && openCredit.IsZero() && unapplied.IsZero(), "customer %d: no position but open %s, credit %s, unapplied %s", a.n, open, openCredit, unapplied)
			continue
		}
		require.Len(t, pos, 1, "customer %d: one currency", a.n)
		assert.True(t, pos[0].Receivable.Amount().Equal(open), "customer %d: position receivable %s, open %s", a.n, pos[0].Receivable, open)
		assert.True(t, pos[0].Credit.Amount().Equal(openCredit), "customer %d: position credit %s, open credit %s", a.n, pos[0].Credit, openCredit)
		assert.True(t, pos[0].Unapplied.Amount().Equal(unapplied), "customer %d: position unapplied %s, unapplied %s", a.n, pos[0].Unapplied, unapplied)
	}
	assert.True(t, totalReceived.IsPositive())
	assert.Positive(t, m.creditNotes)
	assert.Positive(t, m.disputes)
	assert.Positive(t, m.writeOffs)
}
