package o2c_test

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

func BenchmarkNewMoney(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := o2c.NewMoney("12345.67", "EUR"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMoneyAdd(b *testing.B) {
	x, y := o2c.MustMoney("12345.67", "EUR"), o2c.MustMoney("0.33", "EUR")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Add(y); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMoneyMulRound(b *testing.B) {
	x, rate := o2c.MustMoney("12345.67", "EUR"), decimal.RequireFromString("0.2")
	b.ReportAllocs()
	for b.Loop() {
		_ = x.MulRound(rate, o2c.RoundHalfEven)
	}
}

func BenchmarkSplit12(b *testing.B) {
	x := o2c.MustMoney("100000.01", "EUR")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Split(12); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMoneyJSONRoundTrip(b *testing.B) {
	x := o2c.MustMoney("12345.67", "EUR")
	b.ReportAllocs()
	for b.Loop() {
		data, err := json.Marshal(x)
		if err != nil {
			b.Fatal(err)
		}
		var y o2c.Money
		if err := json.Unmarshal(data, &y); err != nil {
			b.Fatal(err)
		}
	}
}
