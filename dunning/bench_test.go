package dunning_test

import (
	"testing"
	"time"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/dunning/dunningtest"
	"github.com/cashcycle/sdk/o2c"
)

// BenchmarkPropose100kCustomers1MItems is the scheduler on the load-test
// data set: 100,000 customers, 1,000,000 open items, in memory. Target:
// under 2 s per proposal on 2 cores.
func BenchmarkPropose100kCustomers1MItems(b *testing.B) {
	asOf := o2c.MustDate(2026, time.March, 10)
	in := dunningtest.Dataset(100_000, 10, asOf, 1)
	b.ResetTimer()
	var letters int
	for b.Loop() {
		p, err := dunning.Propose(in)
		if err != nil {
			b.Fatal(err)
		}
		letters = len(p.Letters)
	}
	b.ReportMetric(float64(letters), "letters")
	if b.Elapsed()/time.Duration(b.N) > 2*time.Second {
		b.Errorf("proposal took %v, target < 2s", b.Elapsed()/time.Duration(b.N))
	}
}
