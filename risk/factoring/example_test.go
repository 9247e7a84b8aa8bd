package factoring_test

import (
	"fmt"
	"os"

	"github.com/cashcycle/sdk/risk/factoring"
)

// The eligible portfolio of a notified contract on 31 March, one debtor
// capped at 40 % of it (12,500.00 x 40 % = 5,000.00 of its 8,000.00
// funded), assigned on schedule B-2026-03.
func ExampleNewSchedule() {
	items, _ := portfolioItems()
	p, err := factoring.Eligible(factoring.Input{Contract: contract(), AsOf: day(3, 31), Items: items})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range p.Left {
		fmt.Println("left out:", l.Number, l.Reason)
	}
	s, err := factoring.NewSchedule(contract(), p, "B-2026-03")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("assigned", s.Assigned, "excess over caps", s.Excess)
	fmt.Println("commission", s.Commission, "advance", s.Advance, "reserve", s.Reserve)
	b, _ := s.CSV()
	os.Stdout.Write(b[:len("schedule,date,contract,factor,debtor,invoice_number")])
	fmt.Println()
	// Output:
	// left out: R2 overdue
	// left out: S1 excluded_debtor
	// left out: T1 disputed
	// assigned 12500.00 EUR excess over caps 3000.00 EUR
	// commission 62.50 EUR advance 8487.50 EUR reserve 3950.00 EUR
	// schedule,date,contract,factor,debtor,invoice_number
}
