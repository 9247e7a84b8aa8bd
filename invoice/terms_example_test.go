package invoice_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Net 30: due 30 calendar days after the invoice date.
func ExampleDueDate() {
	inv := o2c.MustDate(2026, time.January, 15)
	due, err := invoice.DueDate(inv, invoice.NetTerms(30))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(due)
	// Output: 2026-02-14
}

// "45 jours fin de mois" read both ways, for the same invoices. French law
// admits both, so the terms must say which one applies.
func ExampleTermsKind() {
	readings := []invoice.Terms{
		invoice.EndOfMonthThenDaysTerms(45), // fin de mois + 45 jours
		invoice.DaysThenEndOfMonthTerms(45), // 45 jours, puis fin de mois
	}
	for _, inv := range []o2c.Date{o2c.MustDate(2026, time.January, 15), o2c.MustDate(2026, time.January, 31)} {
		for _, t := range readings {
			due, err := invoice.DueDate(inv, t)
			if err != nil {
				fmt.Println(err)
				return
			}
			fmt.Printf("%s %-7s %-27s %s\n", inv, t.Code, t.Description, due)
		}
	}
	// Output:
	// 2026-01-15 EOM+45  End of month, then 45 days  2026-03-17
	// 2026-01-15 45EOM   45 days, then end of month  2026-03-31
	// 2026-01-31 EOM+45  End of month, then 45 days  2026-03-17
	// 2026-01-31 45EOM   45 days, then end of month  2026-03-31
}

// 1000.00 EUR in three instalments of 30 %, 30 % and 40 %, at 30, 60 and 90
// days.
func ExampleInstalmentsByPercent() {
	inv := o2c.MustDate(2026, time.January, 15)
	parts := []invoice.PercentInstalment{
		{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(30)},
		{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(60)},
		{Percent: decimal.NewFromInt(40), Terms: invoice.NetTerms(90)},
	}
	schedule, err := invoice.InstalmentsByPercent(o2c.MustMoney("1000.00", "EUR"), inv, parts, invoice.BusinessDayShift{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, in := range schedule {
		fmt.Println(in.Seq, in.DueDate, in.Amount)
	}
	// Output:
	// 1 2026-02-14 300.00 EUR
	// 2 2026-03-16 300.00 EUR
	// 3 2026-04-15 400.00 EUR
}

// 2 % off if paid within 10 days ("2/10 net 30").
func ExampleDiscountedAmount() {
	inv := o2c.MustDate(2026, time.January, 15)
	d := invoice.EarlyPaymentDiscount{Percent: decimal.NewFromInt(2), Days: 10}
	gross := o2c.MustMoney("1234.56", "EUR")
	fmt.Println("deadline", d.Deadline(inv))
	for _, paid := range []o2c.Date{o2c.MustDate(2026, time.January, 25), o2c.MustDate(2026, time.January, 26)} {
		settle, discount, err := invoice.DiscountedAmount(gross, inv, paid, d, o2c.RoundHalfUp)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("paid %s: settle %s, discount %s\n", paid, settle, discount)
	}
	// Output:
	// deadline 2026-01-25
	// paid 2026-01-25: settle 1209.87 EUR, discount 24.69 EUR
	// paid 2026-01-26: settle 1234.56 EUR, discount 0.00 EUR
}

// Net 30 from 25 November 2026 falls on Christmas, a Friday: the French
// calendar moves it to Monday 28 December, or back to Thursday 24.
func ExampleShiftedDueDate() {
	inv := o2c.MustDate(2026, time.November, 25)
	france := invoice.FrenchBusinessCalendar()
	for _, conv := range []invoice.BusinessDayConvention{invoice.FollowingBusinessDay, invoice.PrecedingBusinessDay} {
		due, err := invoice.ShiftedDueDate(inv, invoice.NetTerms(30), invoice.BusinessDayShift{Calendar: france, Convention: conv})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(conv, due, due.Weekday())
	}
	// Output:
	// following 2026-12-28 Monday
	// preceding 2026-12-24 Thursday
}

// A due date is checked against L441-10: 60 days, or 45 days end of month
// under either reading.
func ExampleCheckFrenchLegalMaximum() {
	inv := o2c.MustDate(2026, time.January, 15)
	fmt.Println(invoice.CheckFrenchLegalMaximum(inv, o2c.MustDate(2026, time.March, 31)))
	fmt.Println(invoice.CheckFrenchLegalMaximum(inv, o2c.MustDate(2026, time.April, 15)))
	// Output:
	// <nil>
	// invalid due_date: Code de commerce L441-10 (FR): at most 60 days after the invoice date or 45 days end of month, so on or before 2026-03-31 (got "2026-04-15")
}
