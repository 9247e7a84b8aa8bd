package credit_test

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// Exposure by category in the limit's currency: a USD order converted at
// a caller-supplied rate, a disputed part deducted, and the typed error a
// missing rate gives.
func ExampleCompute() {
	rates, _ := credit.NewRateTable(credit.Rate{From: o2c.USD, To: o2c.EUR, Rate: decimal.RequireFromString("0.9137")})
	pos := credit.Position{
		Orders: []credit.OrderEntry{
			{Order: order.NewID(), Currency: o2c.USD, OpenOrder: o2c.MustMoney("1000.00", "USD"), Uninvoiced: o2c.MustMoney("0.00", "USD")},
			{Order: order.NewID(), Currency: o2c.EUR, OpenOrder: o2c.MustMoney("0.00", "EUR"), Uninvoiced: o2c.MustMoney("250.00", "EUR")},
		},
		Items: []credit.ItemEntry{{Currency: o2c.EUR, Open: o2c.MustMoney("6000.00", "EUR"), Disputed: o2c.MustMoney("400.00", "EUR")}},
	}
	asOf := o2c.MustDate(2026, 3, 2)
	e, _ := credit.Compute(pos, o2c.EUR, asOf, credit.Rules{}, rates, order.ID{})
	fmt.Println(e)
	_, err := credit.Compute(pos, o2c.GBP, asOf, credit.Rules{}, rates, order.ID{})
	var missing *credit.MissingRateError
	fmt.Println(errors.As(err, &missing), missing.From, missing.To)
	// Output:
	// 6763.70 EUR (open orders 913.70 EUR, delivered not invoiced 250.00 EUR, receivables 6000.00 EUR, disputed deducted 400.00 EUR)
	// true USD GBP
}

// Scoring is a pure function: each factor's value, points, weight and
// contribution, the contributions summing to the score, and a limit
// recommendation capped by the insurance cover.
func ExampleScorecard_Score() {
	asOf := o2c.MustDate(2026, 6, 30)
	in := credit.ScoreInput{AsOf: asOf, Currency: o2c.EUR, Since: o2c.MustDate(2022, 1, 1),
		Exposure: o2c.MustMoney("12000.00", "EUR"), Limit: o2c.MustMoney("20000.00", "EUR"),
		Insurance: &credit.Insurance{Insurer: "Coface", Amount: o2c.MustMoney("15000.00", "EUR"), Expires: o2c.MustDate(2026, 12, 31)}}
	for m := 1; m <= 12; m++ {
		due := o2c.MustDate(2025, 7, 15).AddMonths(m - 1)
		in.Invoices = append(in.Invoices, credit.InvoiceRecord{Amount: o2c.MustMoney("10000.00", "EUR"), DueDate: due, PaidOn: due.AddDays(m % 4 * 3)})
	}
	s, _ := credit.DefaultScorecard().Score(in)
	for _, c := range s.Contributions {
		fmt.Printf("%-22s %8s -> %3d x %2d = %s\n", c.Factor, c.Value.StringFixed(2), c.Points, c.Weight, c.Contribution)
	}
	fmt.Println("score", s.Score, "class", s.Class, "limit", s.RecommendedLimit, "capped", s.CappedByInsurance)
	// Output:
	// avg_days_beyond_terms      4.50 ->  80 x 25 = 23.53
	// late_share_percent        75.00 ->   0 x 10 = 0
	// worst_delay_days           9.00 ->  75 x 10 = 8.82
	// recent_delay_days          5.00 ->  80 x 10 = 9.41
	// dispute_ratio_percent      0.00 -> 100 x 10 = 11.77
	// seniority_years            4.50 ->  80 x 10 = 9.41
	// utilisation_percent       60.00 ->  75 x 10 = 8.82
	// score 71.76 class B limit 15000.00 EUR capped true
}
