package sqlstore_test

import (
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
