package invoicetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// LifecycleCommits is the number of transactions one lifecycle of
// [BenchLifecycleConcurrent] commits: create the draft, issue it (the
// number drawn inside), record and allocate the payment.
const LifecycleCommits = 3

// BenchLifecycleConcurrent runs b.N invoice lifecycles spread over clients
// goroutines: create a 3-line draft, issue it, then record and allocate
// the payment in one transaction ([invoice.Service.RecordAndAllocate]).
// With tenantPerClient each goroutine works for a tenant of its own (its
// own number series, as pgbench's scale >= clients gives each client its
// own branch); without, all share one tenant, whose gapless number series
// serialises the issuing transactions. It reports lifecycles/s and
// commits/s (LifecycleCommits per lifecycle), comparable to pgbench's
// transactions per second.
func BenchLifecycleConcurrent(b *testing.B, h Harness, clients int, tenantPerClient bool) {
	b.Helper()
	clock := o2c.NewManualClock(Epoch)
	svcs := make([]*invoice.Service, clients)
	for w := range svcs {
		tenant := tenantA
		if tenantPerClient {
			tenant = o2c.TenantID(fmt.Sprintf("bench-%d", w))
		}
		svc, err := invoice.NewService(h.Tx, invoice.Stores{Invoices: h.Invoices(tenant), Payments: h.Payments(tenant), Numbers: h.Numbers(tenant)},
			invoice.Options{Clock: clock})
		if err != nil {
			b.Fatal(err)
		}
		svcs[w] = svc
	}
	var (
		next   atomic.Int64
		failed atomic.Value
		wg     sync.WaitGroup
	)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for w := range clients {
		wg.Go(func() {
			cust := o2c.NewCustomerID()
			d := draftOf(cust, vatLine("Widget", "3", eur("19.99")), vatLine("Service", "2.5", eur("80.00")), vatLine("Shipping", "1", eur("12.50")))
			for {
				i := next.Add(1)
				if i > int64(b.N) || failed.Load() != nil {
					return
				}
				if err := lifecycle(svcs[w], d, cust, fmt.Sprintf("bench-%d-%d", w, i)); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err, ok := failed.Load().(error); ok {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "lifecycles/s")
	b.ReportMetric(float64(LifecycleCommits*b.N)/elapsed.Seconds(), "commits/s")
}

func lifecycle(svc *invoice.Service, d invoice.Draft, cust o2c.CustomerID, key string) error {
	draft, err := svc.CreateInvoice(ctx, d)
	if err != nil {
		return err
	}
	inv, err := svc.Issue(ctx, draft.ID(), o2c.Date{})
	if err != nil {
		return err
	}
	_, _, err = svc.RecordAndAllocate(ctx, invoice.PaymentInput{Customer: cust, Amount: inv.Gross(), ValueDate: o2c.DateOf(Epoch),
		Method: invoice.MethodTransfer, PayerReference: inv.Number(), IdempotencyKey: key},
		[]invoice.AllocationLine{{Invoice: inv.ID(), Amount: inv.Gross()}})
	return err
}
