package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/tax"
)

// seedInstalmentInvoices issues, for tenant, an invoice of 1,000.00 in
// three instalments (30/60/90 days) with 400.00 paid, a plain invoice of
// 250.00 and a draft, and returns the invoice service's clock.
func seedInstalmentInvoices(t *testing.T, db *sqlstore.DB, tenant o2c.TenantID) {
	t.Helper()
	ctx := context.Background()
	clock := o2c.NewManualClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	st := db.MustTenant(tenant)
	invs, err := invoice.NewService(db, invoice.Stores{Invoices: st.Invoices(), Payments: st.Payments(), Numbers: st.InvoiceNumbers()}, invoice.Options{Clock: clock})
	require.NoError(t, err)
	cust := o2c.NewCustomerID()
	line := func(price string) []invoice.Line {
		return []invoice.Line{{Description: "Machine", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney(price, "EUR"), TaxCategory: tax.Exempt}}
	}
	d, err := invs.CreateInvoice(ctx, invoice.Draft{Customer: cust, Currency: o2c.EUR, Terms: invoice.NetTerms(30), Lines: line("1000.00"),
		Schedule: []invoice.PercentInstalment{{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(30)},
			{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(60)}, {Percent: decimal.NewFromInt(40), Terms: invoice.NetTerms(90)}}})
	require.NoError(t, err)
	inv, err := invs.Issue(ctx, d.ID(), o2c.Date{})
	require.NoError(t, err)
	clock.Set(time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC))
	p, err := invs.RecordPayment(ctx, invoice.PaymentInput{Customer: cust, Amount: o2c.MustMoney("400.00", "EUR"), ValueDate: o2c.DateOf(clock.Now()),
		Method: invoice.MethodTransfer, IdempotencyKey: "p1"})
	require.NoError(t, err)
	_, err = invs.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "a1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: o2c.MustMoney("400.00", "EUR")}}})
	require.NoError(t, err)
	d, err = invs.CreateInvoice(ctx, invoice.Draft{Customer: cust, Currency: o2c.EUR, Terms: invoice.NetTerms(30), Lines: line("250.00")})
	require.NoError(t, err)
	_, err = invs.Issue(ctx, d.ID(), o2c.Date{})
	require.NoError(t, err)
	_, err = invs.CreateInvoice(ctx, invoice.Draft{Customer: cust, Currency: o2c.EUR, Terms: invoice.NetTerms(30), Lines: line("99.00")})
	require.NoError(t, err)
}

// forgetDueLines empties the tables of migration 0009, as in a database
// whose invoices were stored before it.
func forgetDueLines(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	for _, tb := range []string{"o2c_invoice_due_lines", "o2c_invoice_settlements", "o2c_invoice_settled_periods"} {
		_, err := db.SQL().ExecContext(context.Background(), "DELETE FROM "+tb)
		require.NoError(t, err)
	}
}

// dueLineFigures returns what the due-line reads give for tenant: the
// open due lines and the aging as of a past date and as of today.
func dueLineFigures(t *testing.T, db *sqlstore.DB, tenant o2c.TenantID) (lines []string, past, today string) {
	t.Helper()
	ctx := context.Background()
	st := db.MustTenant(tenant)
	ls, err := st.Invoices().DueLines(ctx, invoice.OpenItemFilter{})
	require.NoError(t, err)
	for _, l := range ls {
		lines = append(lines, l.Number+"/"+l.DueDate.String()+"/"+l.Open.String()+"/"+l.Amount.String())
	}
	for i, d := range []o2c.Date{o2c.MustDate(2026, 2, 1), o2c.MustDate(2026, 3, 31)} {
		a, err := st.AgingReports().AgingTotals(ctx, d, report.AgingOptions{})
		require.NoError(t, err)
		s := ""
		for _, c := range a.Currencies {
			s += c.Total.Total.String()
			for _, m := range c.Total.Amounts {
				s += " " + m.String()
			}
		}
		if i == 0 {
			past = s
		} else {
			today = s
		}
	}
	return lines, past, today
}

// TestBackfillDueLinesPostgres (issue #13): invoices stored before
// migration 0009 have no due lines; BackfillDueLines writes them from the
// documents, so that due lines and aging (as of today and of a past date)
// come out as for invoices saved since, on SQLite and PostgreSQL. A
// second run writes nothing; drafts get no lines; and opening the
// database runs it.
func TestBackfillDueLinesPostgres(t *testing.T) {
	ctx := context.Background()
	sqltest.Each(t, sqlstore.Options{}, func(t *testing.T, db *sqlstore.DB) {
		seedInstalmentInvoices(t, db, "acme")
		seedInstalmentInvoices(t, db, "globex")
		wantLines, wantPast, wantToday := dueLineFigures(t, db, "acme")
		require.Len(t, wantLines, 3, "two open instalments of the first invoice and the second invoice")
		assert.Contains(t, wantLines[0], "/2026-03-06/200.00 EUR/300.00 EUR", "400.00 paid: the first instalment settled, 100.00 off the second")
		// on 31 March: the third instalment (5 April) not due, the second (6
		// March) and the plain invoice (12 March) 1-30 days late
		assert.Equal(t, "850.00 EUR 400.00 EUR 450.00 EUR 0.00 EUR 0.00 EUR 0.00 EUR", wantToday)

		forgetDueLines(t, db)
		lines, _, today := dueLineFigures(t, db, "acme")
		require.Empty(t, lines, "no rows: what a database from before migration 0009 reads")
		require.NotEqual(t, wantToday, today)

		n, err := db.BackfillDueLines(ctx)
		require.NoError(t, err)
		assert.Equal(t, 4, n, "two issued invoices per tenant, no draft")
		lines, past, today := dueLineFigures(t, db, "acme")
		assert.Equal(t, wantLines, lines)
		assert.Equal(t, wantPast, past)
		assert.Equal(t, wantToday, today)
		glines, _, _ := dueLineFigures(t, db, "globex")
		assert.Len(t, glines, 3, "every tenant")

		n, err = db.BackfillDueLines(ctx)
		require.NoError(t, err)
		assert.Zero(t, n, "idempotent")
		lines, _, _ = dueLineFigures(t, db, "acme")
		assert.Equal(t, wantLines, lines)
	})

	// opening the database backfills (SQLite file, reopened)
	path := filepath.Join(t.TempDir(), "o2c.db")
	db, err := sqlstore.OpenSQLite(ctx, path, sqlstore.Options{})
	require.NoError(t, err)
	seedInstalmentInvoices(t, db, "acme")
	wantLines, _, _ := dueLineFigures(t, db, "acme")
	forgetDueLines(t, db)
	require.NoError(t, db.Close())
	db, err = sqlstore.OpenSQLite(ctx, path, sqlstore.Options{})
	require.NoError(t, err)
	defer db.Close()
	lines, _, _ := dueLineFigures(t, db, "acme")
	assert.Equal(t, wantLines, lines)
}
