package invoice

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// TestNetForGross checks, for every gross from 0.01 to 30.00 EUR at
// common rates and both tax methods, that the deposit line's gross is the
// requested one when some net reaches it, and otherwise one cent below
// (at 20 %, nets 0.02 and 0.03 give grosses 0.02 and 0.04: 0.03 cannot be
// reached).
func TestNetForGross(t *testing.T) {
	unreachable := 0
	for _, rate := range []string{"0", "5.5", "7", "10", "19", "20", "21"} {
		cat := tax.Standard
		if rate == "0" {
			cat = tax.ZeroRated
		}
		line := Line{Description: "Deposit", Quantity: decimal.NewFromInt(1), TaxCategory: cat, TaxRate: decimal.RequireFromString(rate)}
		for _, p := range []tax.RoundingPolicy{tax.DefaultPolicy(), {Method: tax.PerLine, Mode: o2c.RoundHalfEven}} {
			reached := map[int64]bool{}
			for n := int64(1); n <= 3100; n++ {
				l := line
				l.UnitPrice = o2c.FromMinor(n, o2c.EUR)
				tt, err := computeTotals(o2c.EUR, []Line{l}, p)
				require.NoError(t, err)
				g, _ := tt.Gross.MinorUnits()
				reached[g] = true
			}
			for g := int64(1); g <= 3000; g++ {
				gross := o2c.FromMinor(g, o2c.EUR)
				net, err := netForGross(line, gross, p)
				require.NoError(t, err, "%s at %s", gross, rate)
				l := line
				l.UnitPrice = net
				tt, err := computeTotals(o2c.EUR, []Line{l}, p)
				require.NoError(t, err)
				got, _ := tt.Gross.MinorUnits()
				if reached[g] {
					assert.Equal(t, g, got, "%s at %s %% is reachable", gross, rate)
				} else {
					unreachable++
					assert.Equal(t, g-1, got, "%s at %s %%: one cent below", gross, rate)
				}
			}
		}
	}
	assert.Positive(t, unreachable, "some grosses are unreachable at these rates")
	// at 100 %, 0.01 cannot be reached and nothing positive is below it
	_, err := netForGross(Line{Description: "d", Quantity: decimal.NewFromInt(1), TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(100)}, o2c.FromMinor(1, o2c.EUR), tax.DefaultPolicy())
	require.ErrorIs(t, err, o2c.ErrValidation)
}
