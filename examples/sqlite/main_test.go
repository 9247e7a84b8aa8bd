package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSecondRunContinuesTheFirst(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")

	var first bytes.Buffer
	require.NoError(t, run(ctx, &first, path))
	t.Log("\n" + first.String())
	assert.Contains(t, first.String(), "== Day 1: Monday 2026-03-02")
	assert.Contains(t, first.String(), "customers: 3 created with their credit limits")
	assert.Contains(t, first.String(), "invoice INV-2026-000001 ")
	assert.Contains(t, first.String(), "state after day 1 (2026-03-02): orders 1, invoices 1 (0 paid), payments 0, dunning letters 0, open balance 342.00 EUR")

	var second bytes.Buffer
	require.NoError(t, run(ctx, &second, path))
	t.Log("\n" + second.String())
	assert.Contains(t, second.String(), "== Day 2: Tuesday 2026-03-03")
	assert.NotContains(t, second.String(), "customers: 3 created", "the customers of the first run are read back")
	assert.Contains(t, second.String(), "invoice INV-2026-000002 ")
	assert.Contains(t, second.String(), "state after day 2 (2026-03-03): orders 2, invoices 2 (0 paid), payments 0, dunning letters 0, open balance 798.00 EUR")
}

func TestTwoWeeksCollectAndDun(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	var out bytes.Buffer
	for range 12 {
		out.Reset()
		require.NoError(t, run(ctx, &out, path))
	}
	s := out.String()
	t.Log("\n" + s)
	assert.Contains(t, s, "== Day 12: Tuesday 2026-03-17")
	assert.Contains(t, s, "orders 12, invoices 12")
	assert.NotContains(t, s, "(0 paid)", "Prompt SARL has paid by now")
	assert.NotContains(t, s, "dunning letters 0,", "courtesy letters went out")
}

// A database path that cannot be opened is named in the error (the driver
// alone says "unable to open database file (14)").
func TestBadDBPathNamesThePath(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "no", "such", "dir", "demo.db")
	var out bytes.Buffer
	err := run(context.Background(), &out, bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "opening the database "+bad+":")
}
