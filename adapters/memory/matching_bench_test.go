package memory_test

import (
	"testing"
	"time"

	"github.com/cashcycle/sdk/matching/matchingtest"
)

// BenchmarkServiceOnePayer10k: one payer with 10,000 open invoices through
// matching.Service on the memory adapter (see matchingtest.BenchServiceOnePayer).
func BenchmarkServiceOnePayer10k(b *testing.B) {
	matchingtest.BenchServiceOnePayer(b, memoryServiceHarness(nil), 10_000, matchingtest.BenchTargets{P99: 50 * time.Millisecond, Ratio: 3})
}
