package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstartRuns(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, filepath.Join(t.TempDir(), "q.db")))
	s := out.String()
	assert.Contains(t, s, "net 1000.00 EUR + VAT 20% 200.00 EUR = gross 1200.00 EUR")
	assert.Contains(t, s, "100.00 EUR split in 3: [33.34 EUR 33.33 EUR 33.33 EUR]")
	assert.Contains(t, s, "1000 JPY allocated 1:1:1: [334 JPY 333 JPY 333 JPY]")
	assert.Contains(t, s, "EUR + USD refused")
	assert.Contains(t, s, "invoice of 2026-01-15 on terms NET30  is due 2026-02-14")
	assert.Contains(t, s, "0 pending events")
	assert.Contains(t, s, "1 pending event (invoice.issued INV-2026-000001)")
	assert.Contains(t, s, "tenant globex sees 0 of acme's events")
}
