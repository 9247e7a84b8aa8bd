package matchingtest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// BigPayerIBAN is the account the benchmark's payer pays from.
const BigPayerIBAN = "NL91ABNA0417164300"

// BenchTargets are the targets [BenchServiceOnePayer] asserts.
type BenchTargets struct {
	// P99 bounds the 99th percentile of Propose for a one-line statement.
	P99 time.Duration
	// Ratio bounds the Service's time per line over the bare engine's
	// (NewIndex and Match on the same open items and lines), both measured
	// in the same run.
	Ratio float64
}

// BenchServiceOnePayer measures cash application through
// [matching.Service] for one payer with n open invoices (plus a few other
// customers): the latency of Propose for one-line statements, each
// applied before the next arrives (so every statement sees the invoices
// the previous one settled), and the throughput of a statement of many
// lines against the bare engine on the same data. The lines mix the
// cases payers send: the invoice number in the text, a structured
// remittance, and the amount alone (equal to one invoice). It fails the
// benchmark when a target is missed.
func BenchServiceOnePayer(b *testing.B, h ServiceHarness, n int, targets BenchTargets) {
	w := NewWorld(b, h, matching.ServiceOptions{})
	ctx := w.Ctx
	payer, err := customer.New("tenant-a", customer.Details{Number: "C-BIG", LegalName: "Big Buyer Holding BV",
		BankAccounts: []customer.BankAccount{{IBAN: BigPayerIBAN, Holder: "Big Buyer"}}}, w.Clock.Now())
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Stores.Customers.Create(ctx, payer); err != nil {
		b.Fatal(err)
	}
	invs := make([]*invoice.Invoice, 0, n)
	const batch = 500
	for start := 0; start < n; start += batch {
		err := h.Tx.InTx(ctx, func(ctx context.Context) error {
			for i := start; i < min(n, start+batch); i++ {
				net := decimal.New(int64(10_000+(i*7919)%2_000_000), -2)
				d, err := w.Invoices.CreateInvoice(ctx, invoice.Draft{Customer: payer.ID, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
					Lines: []invoice.Line{{Description: "Goods", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney(net.String(), "EUR"),
						TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}}})
				if err != nil {
					return err
				}
				inv, err := w.Invoices.Issue(ctx, d.ID(), Day)
				if err != nil {
					return err
				}
				invs = append(invs, inv)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	day := o2c.MustDate(2026, time.April, 2)
	line := func(k int, inv *invoice.Invoice) matching.Line {
		l := matching.Line{BookingDate: day, ValueDate: day, Amount: inv.Open(), Direction: matching.Credit,
			CounterpartyName: "BIG BUYER HOLDING", CounterpartyIBAN: BigPayerIBAN, BankReference: fmt.Sprintf("BB-%d-%d", b.N, k)}
		switch k % 3 {
		case 0:
			l.RemittanceText = "PAYMENT " + inv.Number()
		case 1:
			l.RemittanceText = "SEE ADVICE"
			l.Documents = []matching.RemittanceDocument{{Kind: matching.DocumentInvoice, Number: inv.Number(), Remitted: ptr(inv.Open())}}
		default:
			l.RemittanceText = "SUPPLIER PAYMENT"
		}
		return l
	}

	// The first Propose reads every open item once (the memory adapter
	// derives its query columns, the service its references): not counted.
	warm, err := w.Svc.Import(ctx, StatementOf(fmt.Sprintf("WARM-%d", b.N), line(0, invs[len(invs)-1])))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.Svc.Propose(ctx, warm.Statement.ID); err != nil {
		b.Fatal(err)
	}
	// Latency: one-line statements, each applied before the next.
	const latencyLines = 60
	var lat []time.Duration
	next := 0
	for k := 0; k < latencyLines; k++ {
		inv := invs[next]
		next++
		imp, err := w.Svc.Import(ctx, StatementOf(fmt.Sprintf("LAT-%d-%d", b.N, k), line(k, inv)))
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		if _, err := w.Svc.Propose(ctx, imp.Statement.ID); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		if _, err := w.Svc.Apply(ctx, imp.Statement.ID); err != nil {
			b.Fatal(err)
		}
	}
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[(len(lat)*99+99)/100-1]

	// Throughput: one statement of many lines through the Service, and the
	// bare engine on the same open items and lines.
	const lines = 150
	var ls []matching.Line
	for k := 0; k < lines; k++ {
		ls = append(ls, line(k, invs[next+k]))
	}
	in := matching.Input{}
	for _, inv := range invs[latencyLines:] {
		ref, _ := matching.RFReferenceForNumber(inv.Number())
		in.Items = append(in.Items, matching.Item{OpenItem: invoice.OpenItemOf(inv), Reference: ref})
	}
	for _, c := range []*customer.Customer{w.Acme, w.Globex, payer} {
		info := matching.CustomerInfo{ID: c.ID, Name: c.LegalName}
		for _, a := range c.BankAccounts {
			info.IBANs = append(info.IBANs, a.IBAN)
		}
		in.Customers = append(in.Customers, info)
	}
	in.Mappings, err = w.Svc.Mappings(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var engine, service time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := matching.Match(in, ls, matching.Options{Tolerance: Tolerance}); err != nil {
			b.Fatal(err)
		}
		engine += time.Since(t0)
		st := StatementOf(fmt.Sprintf("THR-%d-%d", b.N, i), ls...)
		for k := range st.Lines {
			st.Lines[k].BankReference = fmt.Sprintf("THR-%d-%d-%d", b.N, i, k)
		}
		t0 = time.Now()
		imp, err := w.Svc.Import(ctx, st)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Svc.Propose(ctx, imp.Statement.ID); err != nil {
			b.Fatal(err)
		}
		service += time.Since(t0)
	}
	b.StopTimer()
	perEngine := engine / time.Duration(b.N*lines)
	perService := service / time.Duration(b.N*lines)
	ratio := float64(perService) / float64(perEngine)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(perEngine.Microseconds())/1000, "engine-ms/line")
	b.ReportMetric(float64(perService.Microseconds())/1000, "service-ms/line")
	b.ReportMetric(ratio, "service/engine")
	b.Logf("%d open invoices: Propose p50 %s p99 %s (one-line statements); per line: service %s, bare engine %s, ratio %.1f",
		n, p50, p99, perService, perEngine, ratio)
	if targets.P99 > 0 && p99 > targets.P99 {
		b.Fatalf("Propose p99 %s per one-line statement with %d open invoices is above the %s target (p50 %s)", p99, n, targets.P99, p50)
	}
	if targets.Ratio > 0 && ratio > targets.Ratio {
		b.Fatalf("Service %s per line is %.1fx the bare engine's %s (same run), above the %.0fx target", perService, ratio, perEngine, targets.Ratio)
	}
}

func ptr(m o2c.Money) *o2c.Money { return &m }
