package matching_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

var (
	bigOnce sync.Once
	bigSet  *matching.Dataset
	bigErr  error
)

// bigDataset is the throughput set: 100,000 statement lines (medium
// profile) against 1,000,000 open invoices of 100,000 customers.
func bigDataset() (*matching.Dataset, error) {
	bigOnce.Do(func() {
		bigSet, bigErr = matching.Generate(matching.GeneratorOptions{Seed: 7, Profile: matching.ProfileMedium,
			Customers: 100_000, Invoices: 1_000_000, Lines: 100_000})
	})
	return bigSet, bigErr
}

// BenchmarkMatch100kLines1MInvoices matches 100,000 lines against an
// index of 1,000,000 open invoices (built once, outside the timer; see
// BenchmarkIndex1MInvoices). Target: at least 1,000,000 lines a minute.
func BenchmarkMatch100kLines1MInvoices(b *testing.B) {
	ds, err := bigDataset()
	if err != nil {
		b.Fatal(err)
	}
	ix, err := matching.NewIndex(ds.Input, matching.Options{Tolerance: testTolerance()})
	if err != nil {
		b.Fatal(err)
	}
	lines := ds.Statement.Lines
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	var res []matching.Result
	for b.Loop() {
		res = ix.Match(lines)
	}
	elapsed := b.Elapsed()
	b.StopTimer()
	perMin := float64(len(lines)) * float64(b.N) / elapsed.Minutes()
	b.ReportMetric(perMin, "lines/min")
	s := ds.Evaluate(res)
	b.ReportMetric(100*s.AutoRate(), "%auto")
	b.ReportMetric(float64(s.WrongAuto), "wrong")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
	if perMin < 1_000_000 {
		b.Errorf("throughput %.0f lines/min is below the 1,000,000 target", perMin)
	}
}

// BenchmarkIndex1MInvoices builds the index of 1,000,000 open invoices.
func BenchmarkIndex1MInvoices(b *testing.B) {
	ds, err := bigDataset()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := matching.NewIndex(ds.Input, matching.Options{Tolerance: testTolerance()}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProposeOneCustomer10kInvoices proposes for one line of a
// customer with 10,000 open invoices and nothing in the remittance text:
// the amount is the sum of three of them, so every amount pass runs,
// the combination search included. Target: under 50 ms per line.
func BenchmarkProposeOneCustomer10kInvoices(b *testing.B) {
	cust := o2c.NewCustomerID()
	const iban = "FR7630006000011234567890189"
	in := matching.Input{Customers: []matching.CustomerInfo{{ID: cust, Name: "Big Buyer SA", IBANs: []string{iban}}}}
	day := o2c.MustDate(2026, time.March, 1)
	for i := 0; i < 10_000; i++ {
		m := o2c.FromMinor(int64(10_000+(i*7919)%2_000_000), o2c.EUR)
		in.Items = append(in.Items, matching.Item{OpenItem: invoice.OpenItem{Invoice: o2c.NewID[invoice.Invoice](), Number: fmt.Sprintf("INV-2026-%06d", i+1),
			Kind: invoice.KindInvoice, Status: invoice.StateIssued, Customer: cust, IssueDate: day, DueDate: day.AddDays(30), Gross: m, Open: m, Disputed: o2c.Zero(o2c.EUR)}})
	}
	ix, err := matching.NewIndex(in, matching.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var sum int64
	for _, i := range []int{17, 4242, 9001} {
		v, _ := in.Items[i].Open.MinorUnits()
		sum += v
	}
	l := matching.Line{BookingDate: day, ValueDate: day, Amount: o2c.FromMinor(sum, o2c.EUR), Direction: matching.Credit, CounterpartyIBAN: iban, RemittanceText: "PAYMENT"}
	b.ReportAllocs()
	var r matching.Result
	for b.Loop() {
		r = ix.ProposeFor(l)
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per.Microseconds())/1000, "ms/line")
	if len(r.Proposals) == 0 {
		b.Fatal("no proposal")
	}
	capped := 0.0
	if r.SearchCapped {
		capped = 1
	}
	b.ReportMetric(capped, "capped")
	if per > 50*time.Millisecond {
		b.Errorf("%s per line is above the 50 ms target", per)
	}
}
