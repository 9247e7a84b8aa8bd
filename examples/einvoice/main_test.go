package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/einvoice"
)

func TestExampleWritesXMLAndPDF(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, []string{"-out", dir}), out.String())
	t.Log(out.String())
	cii, err := os.ReadFile(filepath.Join(dir, "INV-2026-000001.cii.xml"))
	require.NoError(t, err)
	doc, err := einvoice.ReadCII(cii)
	require.NoError(t, err)
	assert.Equal(t, "INV-2026-000001", doc.Number)
	ubl, err := os.ReadFile(filepath.Join(dir, "INV-2026-000001.ubl.xml"))
	require.NoError(t, err)
	_, err = einvoice.ReadUBL(ubl)
	require.NoError(t, err)
	pdf, err := os.ReadFile(filepath.Join(dir, "INV-2026-000001.pdf"))
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))
	sent, _ := filepath.Glob(filepath.Join(dir, "platform", "outgoing", "*.pdf"))
	assert.Len(t, sent, 1)
	assert.Contains(t, out.String(), "platform received 1 document(s)")
	assert.Contains(t, out.String(), "status 207 En litige: disputed 232.71 EUR")
	assert.Contains(t, out.String(), "status 205 Approuvée: disputed 0.00 EUR")
}
