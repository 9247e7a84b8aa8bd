package provision_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/risk/provision"
)

// A provision matrix from two months of history (see matrixHistory: the
// roll rates are 10 %, 100 %, 62.5 % and a 12.5 % write-off rate), 20 %
// worse looking forward, with a 1 % floor, applied on 31 March.
func ExampleRollRateMatrix() {
	items := matrixHistory()
	ms, err := provision.RollRateMatrix(items, o2c.MustDate(2026, time.March, 31), provision.MatrixOptions{
		Months: 2, Buckets: fourBuckets, ForwardFactor: decimal.RequireFromString("1.2"), Floor: decimal.RequireFromString("0.01")})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := ms[0].Apply(items, o2c.MustDate(2026, time.March, 31))
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, r := range p.Rows {
		fmt.Printf("%-8s roll %-6s loss %-9s rate %-7s open %-8s provision %s\n", r.Bucket.Label,
			ms[0].Rows[i].RollRate, ms[0].Rows[i].HistoricalLoss, r.Rate, r.Open.AmountString(), r.Provision.AmountString())
	}
	fmt.Println("total", p.Total)
	// Output:
	// not due  roll 0.1    loss 0.0078125 rate 0.01    open 2000.00  provision 20.00
	// 1-30     roll 1      loss 0.078125  rate 0.09375 open 1000.00  provision 93.75
	// 31-60    roll 0.625  loss 0.078125  rate 0.09375 open 400.00   provision 37.50
	// over 60  roll 0.125  loss 0.125     rate 0.15    open 2000.00  provision 300.00
	// total 451.25 EUR
}

// A customer in collective proceedings: its 1,200.00 invoice (1,000.00
// excluding VAT) is provisioned in full at the year-end closing, and the
// provision is used when the debt is written off in March.
func ExampleMove() {
	c := cust(7)
	recs := []provision.Receivable{{
		Item: item(c, "F-1", o2c.MustDate(2025, 9, 1), o2c.MustDate(2025, 10, 1), "1200", wrote(o2c.MustDate(2026, 3, 1), "1200")),
		Net:  eur("1000"), Gross: eur("1200"),
	}}
	marks := []provision.Mark{{Customer: c, Reason: provision.ReasonCollectiveProceedings, Since: o2c.MustDate(2025, 11, 15), Rate: decimal.NewFromInt(1)}}
	opts := provision.DoubtfulOptions{Currency: o2c.EUR}
	dec31, _ := provision.Doubtful(recs, marks, o2c.MustDate(2025, 12, 31), opts)
	jun30, _ := provision.Doubtful(recs, marks, o2c.MustDate(2026, 6, 30), opts)
	mv, err := provision.Move(dec31, jun30, recs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("opening", mv.Opening, "allowance", mv.Allowance, "reversal", mv.Reversal, "used", mv.Used, "closing", mv.Closing)
	for _, l := range mv.Entry() {
		fmt.Printf("%-4s debit %-8s credit %s\n", l.Account, l.Debit.AmountString(), l.Credit.AmountString())
	}
	// Output:
	// opening 1000.00 EUR allowance 0.00 EUR reversal 0.00 EUR used 1000.00 EUR closing 0.00 EUR
	// 491  debit 1000.00  credit 0.00
	// 7817 debit 0.00     credit 1000.00
}
