package memory_test

import (
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/invoice/invoicetest"
)

// BenchmarkIssueAndPay: one invoice from draft to paid (see
// invoicetest.BenchIssueAndPay).
func BenchmarkIssueAndPay(b *testing.B) {
	b.Run("memory", func(b *testing.B) { invoicetest.BenchIssueAndPay(b, invoiceHarness(memory.New())) })
}
