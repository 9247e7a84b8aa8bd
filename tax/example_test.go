package tax_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

func ExampleCompute() {
	lines := []tax.Line{
		{Quantity: decimal.RequireFromString("1000"), UnitPrice: o2c.MustMoney("0.0125", "EUR"),
			DiscountPercent: decimal.NewFromInt(5), Category: tax.Standard, Rate: decimal.NewFromInt(20)},
		{Quantity: decimal.RequireFromString("2.5"), UnitPrice: o2c.MustMoney("80.00", "EUR"),
			Category: tax.Standard, Rate: decimal.NewFromInt(10)},
		{Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney("150.00", "EUR"),
			Category: tax.ReverseCharge},
	}
	t, err := tax.Compute(o2c.EUR, lines, tax.DefaultPolicy())
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, l := range t.Lines {
		fmt.Printf("line %d: net %s tax %s\n", i+1, l.Net, l.Tax)
	}
	for _, s := range t.Breakdown {
		fmt.Printf("%-2s %4s%%: base %s, tax %s\n", s.Category, s.Rate, s.Base, s.Tax)
	}
	fmt.Printf("net %s + tax %s = gross %s (%s)\n", t.Net, t.Tax, t.Gross, t.Policy)
	// Output:
	// line 1: net 11.88 EUR tax 2.38 EUR
	// line 2: net 200.00 EUR tax 20.00 EUR
	// line 3: net 150.00 EUR tax 0.00 EUR
	// AE    0%: base 150.00 EUR, tax 0.00 EUR
	// S    10%: base 200.00 EUR, tax 20.00 EUR
	// S    20%: base 11.88 EUR, tax 2.38 EUR
	// net 361.88 EUR + tax 22.38 EUR = gross 384.26 EUR (per-document/half-up)
}

func ExampleRoundingPolicy() {
	// three lines of 0.33 EUR at 20 %: the policy decides where tax is rounded
	l := tax.Line{Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney("0.33", "EUR"), Category: tax.Standard, Rate: decimal.NewFromInt(20)}
	for _, p := range []tax.RoundingPolicy{tax.DefaultPolicy(), {Method: tax.PerLine}} {
		t, _ := tax.Compute(o2c.EUR, []tax.Line{l, l, l}, p)
		fmt.Printf("%s: tax %s\n", p, t.Tax)
	}
	// Output:
	// per-document/half-up: tax 0.20 EUR
	// per-line/half-up: tax 0.21 EUR
}
