package cycle_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"

	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

func memoryCycle(t *testing.T, policy cycle.InvoicingPolicy) (*cycle.Cycle, *o2c.ManualClock) {
	t.Helper()
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	c, err := cycle.New(cycleConfig(st, clock, policy, dunning.NewMemoryNotifier()))
	require.NoError(t, err)
	return c, clock
}

func TestNewValidates(t *testing.T) {
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	n := dunning.NewMemoryNotifier()
	for name, mutate := range map[string]func(c *cycle.Config){
		"stores":        func(c *cycle.Config) { c.Stores = nil },
		"tx":            func(c *cycle.Config) { c.Tx = nil },
		"notifier":      func(c *cycle.Config) { c.Notifier = nil },
		"policy":        func(c *cycle.Config) { c.Invoicing.Policy = 9 },
		"credit store":  func(c *cycle.Config) { c.Credit.Store = st.CreditProfiles() },
		"dunning items": func(c *cycle.Config) { c.Dunning.Items = st.Invoices() },
		"dunning plan":  func(c *cycle.Config) { c.Dunning.DefaultPlan = "nope" },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := cycleConfig(st, clock, cycle.BillPerDelivery, n)
			mutate(&cfg)
			_, err := cycle.New(cfg)
			require.Error(t, err)
			if name != "dunning plan" {
				assert.ErrorIs(t, err, o2c.ErrValidation)
			}
		})
	}
	c, err := cycle.New(cycleConfig(st, clock, cycle.BillPerOrder, n))
	require.NoError(t, err)
	assert.Equal(t, cycle.BillPerOrder, c.Policy())
	assert.NotNil(t, c.Orders())
	assert.NotNil(t, c.Invoices())
	assert.NotNil(t, c.CreditChecker())
	assert.NotNil(t, c.Dunning())
	assert.NotNil(t, c.Matching())
}

// placeAndShip places the two-line order for cust and ships it whole.
func placeAndShip(t *testing.T, c *cycle.Cycle, cust o2c.CustomerID, terms string) *order.Order {
	t.Helper()
	ctx := context.Background()
	o, err := c.Orders().Create(ctx, orderDetails(cust, terms))
	require.NoError(t, err)
	o, err = c.Orders().Place(ctx, o.ID(), "alice")
	require.NoError(t, err)
	require.Equal(t, order.StateApproved, o.State())
	_, err = c.Orders().Ship(ctx, o.ID(), "SHIP-1", lq(1, "10"), lq(2, "3"))
	require.NoError(t, err)
	return o
}

func TestInvoicingPolicies(t *testing.T) {
	ctx := context.Background()
	t.Run("per delivery", func(t *testing.T) {
		c, clock := memoryCycle(t, cycle.BillPerDelivery)
		cu := newCustomer(t, c, "acme", clock.Now(), 1, "100000.00")
		o := placeAndShip(t, c, cu.ID, "NET7")
		o, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "4"))
		require.NoError(t, err)
		require.NotNil(t, inv)
		assert.Equal(t, "60.00 EUR", inv.Gross().String())
		assert.Equal(t, "2026-03-09", inv.DueDate().String(), "NET7 from the order's terms")
		assert.Equal(t, order.StatePartiallyInvoiced, o.State(), "the returned order records the invoice")
		_, inv, err = c.ConfirmDelivery(ctx, o.ID(), "POD-2", lq(1, "6"), lq(2, "3"))
		require.NoError(t, err)
		require.NotNil(t, inv)
		assert.Equal(t, "374.85 EUR", inv.Gross().String())
	})
	t.Run("per order", func(t *testing.T) {
		c, clock := memoryCycle(t, cycle.BillPerOrder)
		cu := newCustomer(t, c, "acme", clock.Now(), 1, "100000.00")
		o := placeAndShip(t, c, cu.ID, "")
		o, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "4"))
		require.NoError(t, err)
		assert.Nil(t, inv, "the order is not fully delivered")
		assert.Equal(t, order.StatePartiallyDelivered, o.State())
		o, inv, err = c.ConfirmDelivery(ctx, o.ID(), "POD-2", lq(1, "6"), lq(2, "3"))
		require.NoError(t, err)
		require.NotNil(t, inv)
		assert.Equal(t, "434.85 EUR", inv.Gross().String(), "one invoice for the whole order")
		assert.Equal(t, "2026-04-01", inv.DueDate().String(), "no terms on the order or the customer: the default, 30 days net")
		assert.Equal(t, order.StateInvoiced, o.State())
	})
	t.Run("periodic", func(t *testing.T) {
		c, clock := memoryCycle(t, cycle.BillPeriodic)
		cu := newCustomer(t, c, "acme", clock.Now(), 1, "100000.00")
		o1 := placeAndShip(t, c, cu.ID, "NET30")
		o2 := placeAndShip(t, c, cu.ID, "NET30")
		o3 := placeAndShip(t, c, cu.ID, "NET30")
		_, inv, err := c.ConfirmDelivery(ctx, o1.ID(), "POD-1", lq(1, "4"))
		require.NoError(t, err)
		assert.Nil(t, inv)
		_, inv, err = c.ConfirmDelivery(ctx, o1.ID(), "POD-2", lq(2, "3"))
		require.NoError(t, err)
		assert.Nil(t, inv)
		_, _, err = c.ConfirmDelivery(ctx, o2.ID(), "POD-3", lq(1, "10"), lq(2, "3"))
		require.NoError(t, err)
		_, err = c.BillDue(ctx, o2c.Date{})
		require.ErrorIs(t, err, o2c.ErrValidation)

		end := o2c.MustDate(2026, 3, 31)
		invs, err := c.BillDue(ctx, end)
		require.NoError(t, err)
		require.Len(t, invs, 2, "one invoice per order with deliveries; o3 delivered nothing")
		got := map[string]string{}
		for _, inv := range invs {
			got[inv.OrderRef()] = inv.Gross().String()
			assert.Equal(t, end, inv.IssueDate())
		}
		assert.Equal(t, map[string]string{o1.ID().String(): "344.85 EUR", o2.ID().String(): "434.85 EUR"}, got)
		invs, err = c.BillDue(ctx, end)
		require.NoError(t, err)
		assert.Empty(t, invs, "nothing is billed twice")
		o3, err = c.Orders().Get(ctx, o3.ID())
		require.NoError(t, err)
		assert.Equal(t, order.StateShipped, o3.State())
	})
}

func TestDeliveryAndBillingAreOneTransaction(t *testing.T) {
	ctx := context.Background()
	c, clock := memoryCycle(t, cycle.BillPerDelivery)
	cu := newCustomer(t, c, "acme", clock.Now(), 1, "100000.00")
	o := placeAndShip(t, c, cu.ID, "NET30")
	// more than was shipped: the delivery is refused and nothing is billed
	_, _, err := c.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "11"))
	require.Error(t, err)
	all, err := c.Stores().Invoices().List(ctx, invoice.Filter{})
	require.NoError(t, err)
	assert.Empty(t, all)
	o, err = c.Orders().Get(ctx, o.ID())
	require.NoError(t, err)
	assert.Equal(t, order.StateShipped, o.State())
}

func TestCreditHoldAndRelease(t *testing.T) {
	ctx := context.Background()
	c, clock := memoryCycle(t, cycle.BillPerDelivery)
	cu := newCustomer(t, c, "acme", clock.Now(), 1, "500.00")
	o, err := c.Orders().Create(ctx, orderDetails(cu.ID, "NET30"))
	require.NoError(t, err)
	o, err = c.Orders().Place(ctx, o.ID(), "alice")
	require.NoError(t, err)
	assert.Equal(t, order.StateApproved, o.State(), "434.85 within 500.00")
	o2, err := c.Orders().Create(ctx, orderDetails(cu.ID, "NET30"))
	require.NoError(t, err)
	o2, err = c.Orders().Place(ctx, o2.ID(), "alice")
	require.NoError(t, err)
	assert.Equal(t, order.StateOnCreditHold, o2.State(), "869.70 over 500.00: the credit check holds it")
	o2, err = c.ReleaseOrder(ctx, o2.ID(), "carol.credit", "bank guarantee received")
	require.NoError(t, err)
	assert.Equal(t, order.StateApproved, o2.State())
	rel, err := c.Stores().CreditProfiles().GetRelease(ctx, o2.ID())
	require.NoError(t, err)
	assert.Equal(t, "carol.credit", rel.By)
}

// Payments applied by matching lower exposure and take invoices out of
// dunning; disputes lower exposure and pause dunning of the disputed part.
func TestPaymentsAndDisputesReachCreditAndDunning(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			clock := o2c.NewManualClock(march2)
			st := b.open(t, clock)
			c, err := cycle.New(cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier()))
			require.NoError(t, err)
			payer := newCustomer(t, c, "acme", clock.Now(), 1, "100000.00")
			disputer := newCustomer(t, c, "acme", clock.Now(), 2, "100000.00")
			bill := func(cust o2c.CustomerID) *invoice.Invoice {
				o := placeAndShip(t, c, cust, "NET7")
				_, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD", lq(1, "10"), lq(2, "3"))
				require.NoError(t, err)
				require.NotNil(t, inv)
				return inv
			}
			paid, disputed := bill(payer.ID), bill(disputer.ID)

			exp, err := c.Exposure(ctx, payer.ID, o2c.EUR)
			require.NoError(t, err)
			assert.Equal(t, "434.85 EUR", exp.Receivables.String())
			assert.Equal(t, "434.85 EUR", exp.Total.String())

			// 20 days later both are overdue: each customer is due a letter
			asOf := o2c.MustDate(2026, 3, 23)
			clock.Set(asOf.Time().Add(9 * time.Hour))
			p, err := c.Dunning().DryRun(ctx, asOf)
			require.NoError(t, err)
			assert.ElementsMatch(t, []string{paid.Number(), disputed.Number()}, letterItems(p))

			// the payer pays through the bank; the other disputes 100.00
			_, rep, err := c.ReceiveStatement(ctx, bankStatement("ST-1", asOf,
				bankLine(payer, asOf, paid.Gross(), "Invoice "+paid.Number(), "B-1")))
			require.NoError(t, err)
			require.Empty(t, rep.Failed)
			require.Len(t, rep.Applied, 1)
			_, err = c.Invoices().OpenDispute(ctx, disputed.ID(), invoice.DisputeInput{Amount: eur("100.00"), Reason: invoice.ReasonQuality, Actor: "portal"})
			require.NoError(t, err)

			exp, err = c.Exposure(ctx, payer.ID, o2c.EUR)
			require.NoError(t, err)
			assert.True(t, exp.Total.IsZero(), "paid: no exposure left, got %s", exp.Total)
			exp, err = c.Exposure(ctx, disputer.ID, o2c.EUR)
			require.NoError(t, err)
			assert.Equal(t, "100.00 EUR", exp.Disputed.String())
			assert.Equal(t, "334.85 EUR", exp.Total.String(), "the disputed part is deducted")

			p, err = c.Dunning().DryRun(ctx, asOf)
			require.NoError(t, err)
			require.Equal(t, []string{disputed.Number()}, letterItems(p), "the paid invoice left dunning")
			for _, l := range p.Letters {
				assert.Equal(t, "334.85 EUR", l.Amount.String(), "the disputed part is not claimed")
			}
			// a dispute of the whole rest pauses dunning of the customer
			_, err = c.Invoices().OpenDispute(ctx, disputed.ID(), invoice.DisputeInput{Amount: eur("334.85"), Reason: invoice.ReasonPriceError, Actor: "portal"})
			require.NoError(t, err)
			p, err = c.Dunning().DryRun(ctx, asOf)
			require.NoError(t, err)
			assert.Empty(t, letterItems(p))
		})
	}
}

func TestLoggerRecordsCrossDomainSteps(t *testing.T) {
	ctx := context.Background()
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	var buf bytes.Buffer
	cfg := cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier())
	cfg.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := cycle.New(cfg)
	require.NoError(t, err)
	cu := newCustomer(t, c, "acme", clock.Now(), 1, "100000.00")
	o := placeAndShip(t, c, cu.ID, "NET30")
	_, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "10"), lq(2, "3"))
	require.NoError(t, err)
	assert.Contains(t, buf.String(), "cycle: delivery billed")
	assert.Contains(t, buf.String(), "invoice="+inv.Number())
}

func letterItems(p dunning.Proposal) []string {
	var out []string
	for _, l := range p.Letters {
		for _, it := range l.Items {
			out = append(out, it.Number)
		}
	}
	return out
}
