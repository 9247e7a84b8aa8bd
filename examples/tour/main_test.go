package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTourRunsTheTaskThroughServicesOnly(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	t.Log("\n" + s)
	assert.Contains(t, s, "order 600.00 EUR: on_credit_hold (credit limit 500.00 EUR exceeded by 100.00 EUR")
	assert.Contains(t, s, "released by anna.credit, shipped, delivered and invoiced: INV-2026-000001 600.00 EUR due 2026-04-01")
	assert.Contains(t, s, "statement STMT-2026-04-10: 1 line(s) applied, 0 waiting for a person")
	assert.Contains(t, s, "invoice INV-2026-000001: partially_paid, open 300.00 EUR")
	assert.Contains(t, s, "dunning: 1 letter(s) written")
	assert.Contains(t, s, "  1-30     300.00 EUR")
	assert.Contains(t, s, "  total    300.00 EUR")
}

// The tour is the measure of the API: services and the cycle only (no
// store call), and short.
func TestTourStaysShortAndUsesNoStore(t *testing.T) {
	src, err := os.ReadFile("main.go")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimRight(string(src), "\n"), "\n")
	assert.Less(t, len(lines), 100, "lines in the file, imports, blanks and comments included")
	for _, store := range []string{"acme.Orders()", "acme.Invoices()", "acme.CreditProfiles()", "Stores()", "report.AgingOf", "report.ItemsFromInvoices"} {
		assert.NotContains(t, string(src), store)
	}
}
