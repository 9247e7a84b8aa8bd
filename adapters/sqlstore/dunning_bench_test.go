package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/dunning/dunningtest"
	"github.com/cashcycle/sdk/o2c"
)

// BenchmarkDunningExecutePostgres executes, on PostgreSQL, the proposal
// for the load-test data set of the scheduler benchmark (100,000
// customers, 1,000,000 open items): every letter written with its history
// entry, outbox event and the run, in transactions of 1000 letters using
// multi-row INSERTs. Target: under 60 s. Each iteration uses a fresh
// tenant, so that it writes every letter again.
func BenchmarkDunningExecutePostgres(b *testing.B) {
	db := sqltest.Postgres(b, sqlstore.Options{})
	asOf := o2c.MustDate(2026, time.March, 10)
	p, err := dunning.Propose(dunningtest.Dataset(100_000, 10, asOf, 1))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	i := 0
	b.ResetTimer()
	for b.Loop() {
		i++
		st := db.MustTenant(o2c.TenantID(fmt.Sprintf("bench-%d", i)))
		svc, err := dunning.NewService(dunning.Config{Store: st.Dunning(), Tx: st, Items: staticItems(nil),
			Notifier: dunning.NewMemoryNotifier(), Creditor: dunning.Party{Name: "Acme SAS"}})
		if err != nil {
			b.Fatal(err)
		}
		res, err := svc.Execute(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Written) != len(p.Letters) {
			b.Fatalf("wrote %d letters of %d", len(res.Written), len(p.Letters))
		}
	}
	b.ReportMetric(float64(len(p.Letters)), "letters")
	if per := b.Elapsed() / time.Duration(b.N); per > time.Minute {
		b.Errorf("run took %v, target < 60s", per)
	}
}
