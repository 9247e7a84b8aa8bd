package cycle_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// termsCustomer creates a customer whose master names default terms.
func termsCustomer(t *testing.T, c *cycle.Cycle, n int, defaultTerms string) *customer.Customer {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("Terms %03d SARL", n)
	cu, err := customer.New("acme", customer.Details{
		Number: fmt.Sprintf("T-%05d", n), LegalName: name, DefaultPaymentTerms: defaultTerms,
		BankAccounts: []customer.BankAccount{{IBAN: ibanGB(900 + n), Holder: name}},
	}, march2)
	require.NoError(t, err)
	require.NoError(t, c.Customers().Create(ctx, cu))
	prof, err := credit.NewProfile(cu.ID, eur("100000.00"))
	require.NoError(t, err)
	require.NoError(t, c.Stores().CreditProfiles().CreateProfile(ctx, prof))
	return cu
}

// pendingOfType returns the pending outbox events of one type.
func pendingOfType(t *testing.T, c *cycle.Cycle, typ string) []o2c.Event {
	t.Helper()
	recs, err := c.Stores().Outbox().Pending(context.Background(), 10000)
	require.NoError(t, err)
	var out []o2c.Event
	for _, r := range recs {
		if r.Event.Type == typ {
			out = append(out, r.Event)
		}
	}
	return out
}

func TestBillingTerms(t *testing.T) {
	ctx := context.Background()

	t.Run("unknown order terms are a typed error and nothing is written", func(t *testing.T) {
		c, _ := memoryCycle(t, cycle.BillPerDelivery)
		cu := termsCustomer(t, c, 1, "")
		o := placeAndShip(t, c, cu.ID, "NET45")
		_, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "4"))
		require.ErrorIs(t, err, cycle.ErrUnknownTerms)
		assert.ErrorIs(t, err, o2c.ErrValidation)
		var ute *cycle.UnknownTermsError
		require.ErrorAs(t, err, &ute)
		assert.Equal(t, "NET45", ute.Code)
		assert.Equal(t, cycle.TermsFromOrder, ute.Source)
		assert.Equal(t, o.ID(), ute.Order)
		assert.Nil(t, inv)
		got, err := c.Orders().Get(ctx, o.ID())
		require.NoError(t, err)
		assert.Equal(t, order.StateShipped, got.State(), "the delivery is not confirmed either: nothing half-written")
	})

	t.Run("unknown customer default terms are a typed error", func(t *testing.T) {
		c, clock := memoryCycle(t, cycle.BillPeriodic)
		cu := termsCustomer(t, c, 2, "2X10NET")
		o := placeAndShip(t, c, cu.ID, "")
		_, _, err := c.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "10"), lq(2, "3"))
		require.NoError(t, err, "periodic: nothing billed at delivery")
		invs, err := c.BillDue(ctx, o2c.DateOf(clock.Now()))
		var ute *cycle.UnknownTermsError
		require.ErrorAs(t, err, &ute)
		assert.Equal(t, cycle.TermsFromCustomer, ute.Source)
		assert.Equal(t, "2X10NET", ute.Code)
		assert.Empty(t, invs)
	})

	t.Run("the customer's default terms apply when the order names none", func(t *testing.T) {
		c, _ := memoryCycle(t, cycle.BillPerDelivery)
		cu := termsCustomer(t, c, 3, "NET7")
		o := placeAndShip(t, c, cu.ID, "")
		_, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "4"))
		require.NoError(t, err)
		require.NotNil(t, inv)
		assert.Equal(t, "2026-03-09", inv.DueDate().String(), "NET7 from the customer master, not the 30-day default")
		ch, err := c.Terms(ctx, o)
		require.NoError(t, err)
		assert.Equal(t, cycle.TermsFromCustomer, ch.Source)
		assert.False(t, ch.Mismatch)
		assert.Empty(t, pendingOfType(t, c, cycle.EventTermsMismatch))
	})

	t.Run("order terms differing from the customer's are billed and reported", func(t *testing.T) {
		c, _ := memoryCycle(t, cycle.BillPerDelivery)
		cu := termsCustomer(t, c, 4, "NET7")
		o := placeAndShip(t, c, cu.ID, "NET30")
		_, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "4"))
		require.NoError(t, err)
		require.NotNil(t, inv)
		assert.Equal(t, "2026-04-01", inv.DueDate().String(), "the order's terms are billed")
		evs := pendingOfType(t, c, cycle.EventTermsMismatch)
		require.Len(t, evs, 1)
		assert.Equal(t, inv.ID().String(), evs[0].AggregateID)
		var m cycle.TermsMismatch
		require.NoError(t, evs[0].Decode(&m))
		assert.Equal(t, cycle.TermsMismatch{Invoice: inv.ID().String(), Number: inv.Number(), Order: o.ID().String(),
			Customer: cu.ID, OrderTerms: "NET30", CustomerTerms: "NET7"}, m)
	})

	t.Run("same terms on the order and the customer: no report", func(t *testing.T) {
		c, _ := memoryCycle(t, cycle.BillPerDelivery)
		cu := termsCustomer(t, c, 5, "NET7")
		o := placeAndShip(t, c, cu.ID, "NET7")
		_, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD-1", lq(1, "4"))
		require.NoError(t, err)
		require.NotNil(t, inv)
		assert.Empty(t, pendingOfType(t, c, cycle.EventTermsMismatch))
	})
}
