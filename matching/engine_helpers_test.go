package matching_test

import (
	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// testTolerance tolerates short payments of up to 5.00 EUR or 1 %.
func testTolerance() invoice.Tolerance {
	return invoice.Tolerance{Amounts: []o2c.Money{o2c.MustMoney("5.00", "EUR")}, Percent: decimal.NewFromInt(1)}
}
