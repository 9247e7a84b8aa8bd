package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCollectWritesABatch(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, dir))
	s := out.String()
	t.Log("\n" + s)
	files, _ := filepath.Glob(filepath.Join(dir, "DD-*.xml"))
	require.Len(t, files, 1)
	doc, err := os.ReadFile(files[0])
	require.NoError(t, err)
	assert.Contains(t, string(doc), "<NbOfTxs>3</NbOfTxs>")
	assert.Contains(t, string(doc), "<CtrlSum>1643.90</CtrlSum>")
	assert.Contains(t, string(doc), "<ReqdColltnDt>2026-04-01</ReqdColltnDt>")
	assert.Contains(t, string(doc), "<Nm>Muller + Sohne GmbH</Nm>")
	assert.Contains(t, string(doc), "<OrgnlMndtId>ACME-UMR-0003</OrgnlMndtId>")
	assert.Contains(t, string(doc), "<OrgnlDbtrAcct>")
	assert.Contains(t, string(doc), "<IBAN>FR7630004000031234567890143</IBAN>", "the original IBAN of the amended mandate")
	assert.Contains(t, s, "3 collection(s), 1643.90 EUR, scheme CORE")
	assert.Equal(t, 3, bytes.Count(out.Bytes(), []byte("will be collected on 2026-04-01")))
	assert.Contains(t, s, "return AM04 (Insufficient funds): invoice INV-2026-000001 reopened, return fee invoice INV-2026-000004 for 7.50 EUR, mandate blocked: false")
	assert.Contains(t, s, "invoice INV-2026-000001: issued, open 129.90 EUR")

	if bin, err := exec.LookPath("xmllint"); err == nil {
		res, err := exec.Command(bin, "--noout", "--schema", filepath.Join("..", "..", "collect", "sepa", "testdata", "iso20022-xsd", "pain.008.001.08.xsd"), files[0]).CombinedOutput()
		require.NoError(t, err, "%s", res)
	} else if os.Getenv("CI") == "true" {
		t.Fatal("xmllint is required under CI=true")
	}
}
