package cycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// A parent company pays its division's invoice from its own account: the
// credit group the two share tells cash application that this is normal,
// and the payment is applied to the division's invoice; a customer
// outside the group paying the same way waits for a person.
func TestGroupMemberPaysForAnother(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			clock := o2c.NewManualClock(march2)
			st := b.open(t, clock)
			c, err := cycle.New(cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier()))
			require.NoError(t, err)
			parent := newCustomer(t, c, "acme", clock.Now(), 1, "100000.00")
			division := newCustomer(t, c, "acme", clock.Now(), 2, "100000.00")
			stranger := newCustomer(t, c, "acme", clock.Now(), 3, "100000.00")
			g, err := credit.NewGroup("GRP-1", "Parent group", eur("500000.00"))
			require.NoError(t, err)
			require.NoError(t, c.Stores().CreditProfiles().CreateGroup(ctx, g))
			for _, id := range []o2c.CustomerID{parent.ID, division.ID} {
				_, err := c.Stores().CreditProfiles().UpdateProfile(ctx, id, func(p *credit.Profile) error { p.Group = "GRP-1"; return nil })
				require.NoError(t, err)
			}
			bill := func(bolts string) *invoice.Invoice {
				o := placeAndShip(t, c, division.ID, "NET30")
				_, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD", lq(1, bolts), lq(2, "3"))
				require.NoError(t, err)
				require.NotNil(t, inv)
				return inv
			}
			first, second := bill("10"), bill("6") // amounts differ: a typo of one number is the other

			asOf := o2c.MustDate(2026, 3, 10)
			clock.Set(asOf.Time().Add(9 * time.Hour))
			_, rep, err := c.ReceiveStatement(ctx, bankStatement("ST-1", asOf,
				bankLine(parent, asOf, first.Gross(), "Invoice "+first.Number(), "B-1"),
				bankLine(stranger, asOf, second.Gross(), "Invoice "+second.Number(), "B-2")))
			require.NoError(t, err)
			require.Empty(t, rep.Failed)
			require.Len(t, rep.Applied, 1, "the group member's payment is applied")
			require.Len(t, rep.Applied[0].Allocations, 1)
			assert.Equal(t, first.ID(), rep.Applied[0].Allocations[0].Invoice)
			require.Len(t, rep.Waiting, 1, "the stranger's payment waits")
			got, err := c.Invoices().Get(ctx, first.ID())
			require.NoError(t, err)
			assert.Equal(t, invoice.StatePaid, got.Status())
			got, err = c.Invoices().Get(ctx, second.ID())
			require.NoError(t, err)
			assert.Equal(t, invoice.StateIssued, got.Status())
		})
	}
}
