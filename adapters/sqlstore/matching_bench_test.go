package sqlstore_test

import (
	"testing"
	"time"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/matching/matchingtest"
)

// BenchmarkServiceOnePayer10kPostgres: one payer with 10,000 open invoices
// through matching.Service on PostgreSQL (see
// matchingtest.BenchServiceOnePayer): Propose p99 under 50 ms per
// one-line statement, and the Service within 3x of the bare engine per
// line, both measured in the same run.
func BenchmarkServiceOnePayer10kPostgres(b *testing.B) {
	matchingtest.BenchServiceOnePayer(b, sqlServiceHarness(sqltest.Postgres(b, sqlstore.Options{})), 10_000,
		matchingtest.BenchTargets{P99: 50 * time.Millisecond, Ratio: 3})
}
