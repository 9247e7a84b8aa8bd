package sqlstore_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"testing"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/invoice/invoicetest"
)

// BenchmarkIssueAndPay: one invoice from draft to paid (see
// invoicetest.BenchIssueAndPay), on SQLite and PostgreSQL.
func BenchmarkIssueAndPay(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		invoicetest.BenchIssueAndPay(b, invoiceHarness(sqltest.SQLite(b, sqlstore.Options{})))
	})
	b.Run("postgres", func(b *testing.B) {
		invoicetest.BenchIssueAndPay(b, invoiceHarness(sqltest.Postgres(b, sqlstore.Options{})))
	})
}

// BenchmarkLifecyclePostgres: invoices created, issued and paid (3 commits
// each) by 1, 8 and 32 goroutines, each for a tenant of its own
// ("tenants") or all for one ("onetenant");
// scripts/bench-postgres.sh runs it beside pgbench TPC-B and prints the
// ratio (docs/benchmarks.md). O2C_BENCH_CLIENTS ("1,8") limits the client
// counts.
func BenchmarkLifecyclePostgres(b *testing.B) {
	counts := []int{1, 8, 32}
	if env := os.Getenv("O2C_BENCH_CLIENTS"); env != "" {
		counts = nil
		for f := range strings.SplitSeq(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				b.Fatalf("O2C_BENCH_CLIENTS=%q: want client counts like 1,8,32", env)
			}
			counts = append(counts, n)
		}
	}
	for _, mode := range []string{"tenants", "onetenant"} {
		for _, clients := range counts {
			b.Run(fmt.Sprintf("%s/clients=%d", mode, clients), func(b *testing.B) {
				db := sqltest.Postgres(b, sqlstore.Options{MaxOpenConns: clients})
				invoicetest.BenchLifecycleConcurrent(b, invoiceHarness(db), clients, mode == "tenants")
			})
		}
	}
}
