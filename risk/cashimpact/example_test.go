package cashimpact_test

import (
	"fmt"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/risk/cashimpact"
)

// What cutting DSO by 15 days would free over the first quarter's sales.
func ExampleCompute() {
	out, err := cashimpact.Compute(fixture(), report.Period{From: o2c.MustDate(2026, 1, 1), To: o2c.MustDate(2026, 3, 31)}, cashimpact.Options{DeltaDays: 15})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range append(out[0].Customers, out[0].Total) {
		name := "total"
		if !r.Customer.IsZero() {
			name = r.Customer.String()[24:]
		}
		fmt.Printf("%-12s DSO %-5s beyond terms %-5s tied up %-8s freed %-8s (late %s, terms %s)\n", name, r.DSO, r.DaysBeyondTerms,
			r.Receivables.AmountString(), r.Freed.AmountString(), r.FreedBeyondTerms.AmountString(), r.FreedFromTerms.AmountString())
	}
	// Output:
	// 000000000001 DSO 30    beyond terms 10    tied up 3000.00  freed 1500.00  (late 1000.00, terms 500.00)
	// 000000000002 DSO 50    beyond terms 40    tied up 2500.00  freed 750.00   (late 750.00, terms 0.00)
	// total        DSO 36.67 beyond terms 20    tied up 5500.00  freed 2250.00  (late 1750.00, terms 500.00)
}
