package invoice_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// The library ships no rates: the tables below are the caller's data (the
// published figures, as an illustration).

func exampleLateTable(name string, entries ...any) invoice.ReferenceRateTable {
	t := invoice.ReferenceRateTable{Name: name}
	for i := 0; i < len(entries); i += 2 {
		t.Rates = append(t.Rates, invoice.ReferenceRate{
			Effective: entries[i].(o2c.Date),
			Percent:   decimal.RequireFromString(entries[i+1].(string)),
		})
	}
	return t
}

// printLateClaim prints a claim with its arithmetic.
func printLateClaim(c invoice.LatePaymentClaim, err error) {
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %s due %s, paid %s: %d days late\n", c.Jurisdiction, c.Principal, c.DueDate, c.Until, c.DaysLate)
	for _, s := range c.Segments {
		floor := ""
		if s.FloorApplied {
			floor = " (floor)"
		}
		fmt.Printf("  %s..%s %3d days at %s%% (reference %s%% on %s)%s: %s x %s%% x %d = %s\n",
			s.From, s.To, s.Days, s.RatePercent, s.ReferenceRate.Percent, s.RateDate, floor,
			c.Principal.AmountString(), s.RatePercent, s.Days, s.Numerator)
	}
	fmt.Printf("  interest %s / %d, %s: %s\n", c.Numerator, c.Divisor, c.Rounding, c.Interest)
	fmt.Printf("  recovery fee: %s\n", c.RecoveryFee)
	total, err := c.Total()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("  total: %s\n", total)
}

// France: ECB main refinancing rate + 10 points, the rate in force on
// 1 January for the first half-year, and 40 EUR per late invoice.
func ExampleLatePaymentPolicyFrance() {
	ecb := exampleLateTable("ECB MRO",
		o2c.MustDate(2024, time.December, 18), "3.15",
		o2c.MustDate(2025, time.June, 11), "2.15",
	)
	c, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), invoice.LatePaymentRequest{
		Principal: o2c.MustMoney("10000.00", "EUR"),
		DueDate:   o2c.MustDate(2026, time.March, 31),
		Until:     o2c.MustDate(2026, time.May, 30),
		Rates:     ecb,
	}, o2c.RoundHalfUp)
	printLateClaim(c, err)
	// Output:
	// FR: 10000.00 EUR due 2026-03-31, paid 2026-05-30: 60 days late
	//   2026-04-01..2026-05-30  60 days at 12.15% (reference 2.15% on 2026-01-01): 10000.00 x 12.15% x 60 = 7290000
	//   interest 7290000 / 36500, half-up: 199.73 EUR
	//   recovery fee: 40.00 EUR
	//   total: 239.73 EUR
}

// The EU directive's minimum, across 30 June / 1 July: each half-year takes
// the ECB rate in force on its first day, even though the ECB cut its rate
// on 11 June.
func ExampleLatePaymentPolicyEU() {
	ecb := exampleLateTable("ECB MRO",
		o2c.MustDate(2024, time.December, 18), "3.15",
		o2c.MustDate(2025, time.June, 11), "2.15",
	)
	c, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyEU(), invoice.LatePaymentRequest{
		Principal: o2c.MustMoney("10000.00", "EUR"),
		DueDate:   o2c.MustDate(2025, time.June, 15),
		Until:     o2c.MustDate(2025, time.July, 15),
		Rates:     ecb,
	}, o2c.RoundHalfUp)
	printLateClaim(c, err)
	// Output:
	// EU: 10000.00 EUR due 2025-06-15, paid 2025-07-15: 30 days late
	//   2025-06-16..2025-06-30  15 days at 11.15% (reference 3.15% on 2025-01-01): 10000.00 x 11.15% x 15 = 1672500
	//   2025-07-01..2025-07-15  15 days at 10.15% (reference 2.15% on 2025-07-01): 10000.00 x 10.15% x 15 = 1522500
	//   interest 3195000 / 36500, half-up: 87.53 EUR
	//   recovery fee: 40.00 EUR
	//   total: 127.53 EUR
}

// Germany: base rate (Basiszinssatz) + 9 points between businesses, and the
// 40 EUR lump sum.
func ExampleLatePaymentPolicyGermany() {
	basis := exampleLateTable("Basiszinssatz",
		o2c.MustDate(2025, time.January, 1), "2.27",
		o2c.MustDate(2025, time.July, 1), "1.27",
	)
	c, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyGermany(), invoice.LatePaymentRequest{
		Principal: o2c.MustMoney("5000.00", "EUR"),
		DueDate:   o2c.MustDate(2025, time.May, 31),
		Until:     o2c.MustDate(2025, time.August, 29),
		Rates:     basis,
	}, o2c.RoundHalfUp)
	printLateClaim(c, err)
	// Output:
	// DE: 5000.00 EUR due 2025-05-31, paid 2025-08-29: 90 days late
	//   2025-06-01..2025-06-30  30 days at 11.27% (reference 2.27% on 2025-01-01): 5000.00 x 11.27% x 30 = 1690500
	//   2025-07-01..2025-08-29  60 days at 10.27% (reference 1.27% on 2025-07-01): 5000.00 x 10.27% x 60 = 3081000
	//   interest 4771500 / 36500, half-up: 130.73 EUR
	//   recovery fee: 40.00 EUR
	//   total: 170.73 EUR
}

// United Kingdom: Bank Rate + 8 %, one rate for the whole period (the one in
// force on 31 December before interest started to run), and a fixed sum by
// size of debt.
func ExampleLatePaymentPolicyUK() {
	bankRate := exampleLateTable("BoE Bank Rate",
		o2c.MustDate(2024, time.November, 7), "4.75",
		o2c.MustDate(2025, time.February, 6), "4.50",
		o2c.MustDate(2025, time.May, 8), "4.25",
		o2c.MustDate(2025, time.August, 7), "4.00",
	)
	c, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyUK(), invoice.LatePaymentRequest{
		Principal: o2c.MustMoney("10000.00", "GBP"),
		DueDate:   o2c.MustDate(2025, time.March, 15),
		Until:     o2c.MustDate(2025, time.September, 15),
		Rates:     bankRate,
	}, o2c.RoundHalfUp)
	printLateClaim(c, err)

	for _, debt := range []string{"999.99", "1000.00", "9999.99", "10000.00"} {
		fee, err := invoice.LatePaymentPolicyUK().RecoveryFee(o2c.MustMoney(debt, "GBP"))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("debt %8s GBP: fixed sum %s\n", debt, fee)
	}
	// Output:
	// GB: 10000.00 GBP due 2025-03-15, paid 2025-09-15: 184 days late
	//   2025-03-16..2025-09-15 184 days at 12.75% (reference 4.75% on 2024-12-31): 10000.00 x 12.75% x 184 = 23460000
	//   interest 23460000 / 36500, half-up: 642.74 GBP
	//   recovery fee: 100.00 GBP
	//   total: 742.74 GBP
	// debt   999.99 GBP: fixed sum 40.00 GBP
	// debt  1000.00 GBP: fixed sum 70.00 GBP
	// debt  9999.99 GBP: fixed sum 70.00 GBP
	// debt 10000.00 GBP: fixed sum 100.00 GBP
}

// A contractual rate on a 360-day year: copy a preset and change the data.
// The same 60 days cost 365/360 times the interest on 365 days.
func ExampleLatePaymentCharges() {
	ecb := exampleLateTable("ECB MRO", o2c.MustDate(2025, time.June, 11), "2.15")
	policy := invoice.LatePaymentPolicyFrance()
	policy.Jurisdiction = "FR (contract, 360 days)"
	policy.Basis = invoice.InterestBasis360
	c, err := invoice.LatePaymentCharges(policy, invoice.LatePaymentRequest{
		Principal: o2c.MustMoney("10000.00", "EUR"),
		DueDate:   o2c.MustDate(2026, time.March, 31),
		Until:     o2c.MustDate(2026, time.May, 30),
		Rates:     ecb,
	}, o2c.RoundHalfEven)
	printLateClaim(c, err)
	// Output:
	// FR (contract, 360 days): 10000.00 EUR due 2026-03-31, paid 2026-05-30: 60 days late
	//   2026-04-01..2026-05-30  60 days at 12.15% (reference 2.15% on 2026-01-01): 10000.00 x 12.15% x 60 = 7290000
	//   interest 7290000 / 36000, half-even: 202.50 EUR
	//   recovery fee: 40.00 EUR
	//   total: 242.50 EUR
}
