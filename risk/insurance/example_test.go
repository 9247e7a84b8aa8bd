package insurance_test

import (
	"fmt"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/risk/insurance"
)

// An insured invoice due on 2 March 2026 is still unpaid 30 days later:
// the overdue must be declared within the policy's 60 days, by 30 April
// since 1 May is a public holiday in France.
func ExamplePlanTasks() {
	buyer := cust(1)
	covers := []insurance.Cover{{Buyer: buyer, Insurer: "Allianz Trade", Reference: "DEC-778", Amount: eur("20000.00"), From: day(1, 1), Until: day(12, 31)}}
	items := []report.Item{{Invoice: o2c.NewID[invoice.Invoice](), Number: "F-100", Customer: buyer, Currency: o2c.EUR,
		IssueDate: day(1, 31), DueDate: day(3, 2), Gross: eur("8000.00")}}
	terms := insurance.Terms{Insurer: "Allianz Trade", DeclareDays: 60, NoticeDays: 30, ClaimBusinessDays: 10, Calendar: invoice.FrenchBusinessCalendar()}
	tasks, err := insurance.PlanTasks(terms, covers, items, nil, day(4, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range tasks {
		fmt.Println(t.Kind, t.Number, t.Amount, "raised", t.Raised, "due", t.Due)
	}
	_ = tasks[0].Complete(day(4, 30), "MS-2026-0412")
	claims, _ := insurance.PlanTasks(terms, covers, items, tasks, day(4, 30))
	for _, t := range claims {
		fmt.Println(t.Kind, t.Number, "due", t.Due)
	}
	// Output:
	// declare_overdue F-100 8000.00 EUR raised 2026-04-01 due 2026-04-30
	// file_claim F-100 due 2026-05-19
}
