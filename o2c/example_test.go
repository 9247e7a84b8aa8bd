package o2c_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

func ExampleNewMoney() {
	price, err := o2c.NewMoney("12.5", "EUR")
	if err != nil {
		panic(err)
	}
	fmt.Println(price)
	fmt.Println(o2c.MustMoney("0.0125", "EUR")) // unit prices keep their decimals
	fmt.Println(o2c.MustMoney("1000", "JPY"))
	fmt.Println(o2c.MustMoney("1", "KWD"))

	_, err = o2c.NewMoney("12,50", "EUR")
	fmt.Println(errors.Is(err, o2c.ErrInvalidAmount), err)
	_, err = o2c.NewMoney("12.50", "eur")
	fmt.Println(errors.Is(err, o2c.ErrUnknownCurrency), err)
	// Output:
	// 12.50 EUR
	// 0.0125 EUR
	// 1000 JPY
	// 1.000 KWD
	// true invalid amount: must be a decimal number (got "12,50")
	// true invalid currency: must be an ISO 4217 code (got "eur")
}

func ExampleMoney_Add() {
	net := o2c.MustMoney("100.00", "EUR")
	vat := o2c.MustMoney("20.00", "EUR")
	gross, err := net.Add(vat)
	if err != nil {
		panic(err)
	}
	fmt.Println(gross)

	_, err = net.Add(o2c.MustMoney("20.00", "USD"))
	var mismatch *o2c.CurrencyMismatchError
	fmt.Println(errors.As(err, &mismatch), mismatch.Left, mismatch.Right)
	// Output:
	// 120.00 EUR
	// true EUR USD
}

func ExampleMoney_Round() {
	for _, s := range []string{"2.345", "-2.345", "2.355"} {
		m := o2c.MustMoney(s, "EUR")
		fmt.Printf("%-7s", s)
		for _, mode := range []o2c.RoundingMode{o2c.RoundHalfUp, o2c.RoundHalfEven, o2c.RoundDown, o2c.RoundUp, o2c.RoundFloor, o2c.RoundCeiling} {
			fmt.Printf(" %s=%s", mode, m.Round(mode).AmountString())
		}
		fmt.Println()
	}
	// Output:
	// 2.345   half-up=2.35 half-even=2.34 down=2.34 up=2.35 floor=2.34 ceiling=2.35
	// -2.345  half-up=-2.35 half-even=-2.34 down=-2.34 up=-2.35 floor=-2.35 ceiling=-2.34
	// 2.355   half-up=2.36 half-even=2.36 down=2.35 up=2.36 floor=2.35 ceiling=2.36
}

func ExampleMoney_Split() {
	instalments, err := o2c.MustMoney("100.00", "EUR").Split(3)
	if err != nil {
		panic(err)
	}
	fmt.Println(instalments)
	// Output:
	// [33.34 EUR 33.33 EUR 33.33 EUR]
}

func ExampleMoney_Allocate() {
	// A payment of 1000.00 EUR allocated 50 % / 30 % / 20 % to three cost
	// centres, and 10.00 EUR allocated 1:2.
	weights := []decimal.Decimal{decimal.NewFromInt(50), decimal.NewFromInt(30), decimal.NewFromInt(20)}
	shares, err := o2c.MustMoney("1000.00", "EUR").Allocate(weights...)
	if err != nil {
		panic(err)
	}
	fmt.Println(shares)

	shares, err = o2c.MustMoney("10.00", "EUR").Allocate(decimal.NewFromInt(1), decimal.NewFromInt(2))
	if err != nil {
		panic(err)
	}
	fmt.Println(shares)
	// Output:
	// [500.00 EUR 300.00 EUR 200.00 EUR]
	// [3.33 EUR 6.67 EUR]
}

func ExampleParseDate() {
	d, err := o2c.ParseDate("2026-11-23")
	if err != nil {
		panic(err)
	}
	fmt.Println(d, d.Weekday())

	_, err = o2c.ParseDate("2026-02-30")
	fmt.Println(err)
	// Output:
	// 2026-11-23 Monday
	// invalid date: must read YYYY-MM-DD (got "2026-02-30")
}

func ExampleDate_AddMonths() {
	fmt.Println(o2c.MustDate(2026, time.January, 31).AddMonths(1))
	fmt.Println(o2c.MustDate(2028, time.January, 31).AddMonths(1))
	fmt.Println(o2c.MustDate(2026, time.March, 31).AddMonths(-1))
	// Output:
	// 2026-02-28
	// 2028-02-29
	// 2026-02-28
}

func ExampleDate_EndOfMonth() {
	// "45 days end of month": the invoice date plus 45 days, then the end of that month.
	invoiced := o2c.MustDate(2026, time.November, 23)
	fmt.Println(invoiced.AddDays(45).EndOfMonth())
	fmt.Println(o2c.MustDate(2028, time.February, 10).EndOfMonth())
	// Output:
	// 2027-01-31
	// 2028-02-29
}

func ExampleDate_DaysUntil() {
	due := o2c.MustDate(2028, time.February, 1)
	paid := o2c.MustDate(2028, time.March, 1)
	fmt.Println(due.DaysUntil(paid), "days late")
	fmt.Println(paid.DaysUntil(due))
	// Output:
	// 29 days late
	// -29
}

func ExampleNewID() {
	type invoice struct{}
	first := o2c.NewID[invoice]()
	second := o2c.NewID[invoice]()
	fmt.Println(first.UUID().Version(), first.String() < second.String())

	parsed, err := o2c.ParseID[invoice](first.String())
	fmt.Println(parsed == first, err)
	// Output:
	// VERSION_7 true
	// true <nil>
}

// Date arithmetic may leave the range a store can hold; the checked
// variants refuse it with ErrDateOutOfRange, and so does every codec.
func ExampleDate_AddDaysChecked() {
	last := o2c.MustDate(9999, time.December, 31)
	_, err := last.AddDaysChecked(1)
	fmt.Println(errors.Is(err, o2c.ErrDateOutOfRange))
	_, err = json.Marshal(last.AddDays(1))
	fmt.Println(errors.Is(err, o2c.ErrDateOutOfRange))
	// Output:
	// true
	// true
}

// A keyed operation stores the fingerprint of its request and compares
// it when the key comes back.
func ExampleFingerprint() {
	first := o2c.Fingerprint("refund", "payment-1", o2c.CanonicalAmount(o2c.MustMoney("10.00", "EUR")))
	same := o2c.Fingerprint("refund", "payment-1", o2c.CanonicalAmount(o2c.MustMoney("10", "EUR")))
	other := o2c.Fingerprint("refund", "payment-1", o2c.CanonicalAmount(o2c.MustMoney("20.00", "EUR")))
	fmt.Println(first == same, first == other)
	if first != other {
		err := o2c.IdempotencyConflict("key", "refund-1", "refund")
		fmt.Println(errors.Is(err, o2c.ErrIdempotencyConflict), err)
	}
	// Output:
	// true false
	// true invalid key: was already used for a different refund (got "refund-1")
}
