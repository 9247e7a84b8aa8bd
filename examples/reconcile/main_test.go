package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/matching"
)

func runReconcile(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, args), out.String())
	return out.String()
}

// TestDemoShowsEveryDecision runs the self-contained demo (temporary
// database) and checks each line's decision and what was applied.
func TestDemoShowsEveryDecision(t *testing.T) {
	s := runReconcile(t)
	for _, want := range []string{
		"seeding tenant demo with demo customers and invoices",
		"camt.053 statement DEMO-STMT-2026-04-02, account FR7611111111111111111111111, 8 lines",
		"imported 8 new lines",
		// line 1: RF reference
		"RF reference RF94INV2026000001 matched INV-2026-000001",
		// line 2: invoice number with a typo
		`invoice number INV-2026-000005 found with one typo ("INV2026000050")`,
		// line 3: one transfer for two invoices
		"2 referenced invoices (INV-2026-000002, INV-2026-000003) add up to the payment",
		// line 4: short payment within tolerance
		"short by 2.50 EUR, within tolerance: write-off",
		"decision: auto", "decision: suggest", "decision: none", "decision: unapplied", "decision: skipped",
		"applied line 1 (1200.00 EUR from ACME INDUSTRIES): INV-2026-000001 1200.00 EUR",
		"applied line 2 (900.00 EUR from ACME INDUSTRIES): INV-2026-000005 900.00 EUR",
		"applied line 3 (900.00 EUR from GLOBEX HANDEL GMBH): INV-2026-000002 300.00 EUR, INV-2026-000003 600.00 EUR",
		"applied line 4 (477.50 EUR from INITECH LTD): INV-2026-000004 477.50 EUR; short payment 2.50 EUR written off on INV-2026-000004",
		"applied line 7 (50.00 EUR from GLOBEX HANDEL GMBH): kept as unapplied cash on Globex Handel GmbH",
		"line 5 is unmatched (75.00 EUR from SOMEBODY ELSE)",
		"line 6 stays a suggestion to confirm: best proposal Initech Ltd: INV-2026-000006 150.00 EUR",
		"line 8 is skipped",
		"Summary: 8 lines; applied now 5; applied in total 5; suggestions 1; unmatched 1; skipped 1",
	} {
		assert.Contains(t, s, want)
	}
	for i, step := range []string{"== 1/4", "== 2/4", "== 3/4", "== 4/4"} {
		assert.Contains(t, s, step, "progress step %d", i+1)
	}
}

// TestRerunRecognisesTheStatement runs the demo twice on one database: the
// second run imports nothing and books nothing.
func TestRerunRecognisesTheStatement(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	first := runReconcile(t, "-db", db)
	assert.Contains(t, first, "applied now 5")

	second := runReconcile(t, "-db", db)
	assert.Contains(t, second, "tenant demo has 3 customers already: nothing seeded")
	assert.Contains(t, second, "statement already imported")
	assert.Contains(t, second, "nothing to apply")
	assert.Contains(t, second, "Summary: 8 lines; applied now 0; applied in total 5; suggestions 1; unmatched 1; skipped 1")
	assert.NotContains(t, second, "applied line")
}

// TestMT940FileIsDetected imports an MT940 file after the demo: its format
// is detected and its payment of the invoice left open is applied.
func TestMT940FileIsDetected(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	runReconcile(t, "-db", db)

	mt940 := ":20:DEMO940\r\n:25:FR7611111111111111111111111\r\n:28C:1/1\r\n:60F:C260402EUR13740,50\r\n" +
		":61:2604030403C150,00NTRFNONREF//B940-1\r\n" +
		":86:166?00SEPA-GUTSCHRIFT?20EREF+NOTPROVIDED?21SVWZ+INV-2026-000006?31GB33BUKB20201555555555?32INITECH LTD\r\n" +
		":62F:C260403EUR13890,50\r\n-\r\n"
	file := filepath.Join(dir, "statement.sta")
	require.NoError(t, os.WriteFile(file, []byte(mt940), 0o600))
	s := runReconcile(t, "-db", db, file)
	assert.Contains(t, s, "mt940 statement DEMO940")
	assert.Contains(t, s, "imported 1 new lines")
	assert.Contains(t, s, "decision: auto")
	assert.Contains(t, s, "applied line 1 (150.00 EUR from INITECH LTD): INV-2026-000006 150.00 EUR")
	assert.Contains(t, s, "Summary: 1 lines; applied now 1")
}

func TestBadInputIsAnError(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := run(context.Background(), &out, []string{"-db", filepath.Join(dir, "x.db"), "a", "b"})
	assert.ErrorContains(t, err, "at most one statement file")

	err = run(context.Background(), &out, []string{"-db", filepath.Join(dir, "x.db"), filepath.Join(dir, "missing.xml")})
	assert.ErrorIs(t, err, os.ErrNotExist)

	csv := filepath.Join(dir, "export.csv")
	require.NoError(t, os.WriteFile(csv, []byte("date;amount\n2026-04-02;10.00\n"), 0o600))
	err = run(context.Background(), &out, []string{"-db", filepath.Join(dir, "x.db"), csv})
	assert.ErrorIs(t, err, matching.ErrUnknownFormat)
	assert.EqualError(t, err, csv+" is not a statement whose format can be detected (camt.053/054, MT940/942, CFONB 120); for a CSV export use -format csv")

	err = run(context.Background(), &out, []string{"-db", filepath.Join(dir, "x.db"), "-format", "xls", csv})
	assert.EqualError(t, err, `-format "xls": must be camt.053, camt.054, mt940, mt942, cfonb120 or csv`)

	out.Reset()
	require.NoError(t, run(context.Background(), &out, []string{"-h"}))
	assert.Contains(t, out.String(), "usage: reconcile")
}

// A missing statement file is reported before the database is touched.
func TestMissingStatementBeforeSeeding(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	var out bytes.Buffer
	err := run(context.Background(), &out, []string{"-db", db, filepath.Join(dir, "missing.xml")})
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.ErrorContains(t, err, "statement file: open "+filepath.Join(dir, "missing.xml"))
	assert.NotContains(t, out.String(), "seeding")
	_, statErr := os.Stat(db)
	assert.ErrorIs(t, statErr, os.ErrNotExist, "no database was created")
}

// A CSV export is read when named with -format csv.
func TestCSVNamedExplicitly(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "export.csv")
	require.NoError(t, os.WriteFile(csv, []byte("date,amount,currency,name,iban,text,reference\n2026-04-02,10.00,EUR,Someone,,hello,R-1\n"), 0o600))
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, []string{"-db", filepath.Join(dir, "x.db"), "-format", "csv", csv}))
	assert.Contains(t, out.String(), "csv statement")
}

// A bad -db path names the path; an unknown tenant is not seeded.
func TestDatabaseAndTenantErrors(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	bad := filepath.Join(dir, "no", "such", "dir", "x.db")
	err := run(context.Background(), &out, []string{"-db", bad})
	assert.ErrorContains(t, err, "opening the database "+bad)

	err = run(context.Background(), &out, []string{"-db", filepath.Join(dir, "x.db"), "-tenant", "acme"})
	assert.EqualError(t, err, `tenant "acme" has no customers: only the tenant "demo" is seeded with demo data; create customers first or use -tenant demo`)
}
