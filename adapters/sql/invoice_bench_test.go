package sql_test

import (
	"testing"

	o2csql "github.com/cashcycle/sdk/adapters/sql"
	"github.com/cashcycle/sdk/adapters/sql/sqltest"
	"github.com/cashcycle/sdk/invoice/invoicetest"
)

// BenchmarkIssueAndPay: one invoice from draft to paid (see
// invoicetest.BenchIssueAndPay), on SQLite and PostgreSQL.
func BenchmarkIssueAndPay(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		invoicetest.BenchIssueAndPay(b, invoiceHarness(sqltest.SQLite(b, o2csql.Options{})))
	})
	b.Run("postgres", func(b *testing.B) {
		invoicetest.BenchIssueAndPay(b, invoiceHarness(sqltest.Postgres(b, o2csql.Options{})))
	})
}
