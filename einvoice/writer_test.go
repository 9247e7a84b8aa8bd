package einvoice_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/einvoice"
)

// TestCorpusPassesSchematron writes every corpus document as CII and UBL
// and runs the official CEN EN 16931 Schematron and the CII D16B XSD on
// them: no fatal rule may fail. Two tampered copies (amount due changed)
// ride in the same batch and must fail BR-CO-16, which shows the harness
// can fail.
func TestCorpusPassesSchematron(t *testing.T) {
	files := map[string][]byte{}
	for _, c := range corpus(t) {
		cii, err := einvoice.WriteCII(c.doc)
		require.NoError(t, err, c.name)
		ubl, err := einvoice.WriteUBL(c.doc)
		require.NoError(t, err, c.name)
		files[c.name+".cii.xml"] = cii
		files[c.name+".ubl.xml"] = ubl
	}
	std := files["standard.cii.xml"]
	i := bytes.Index(std, []byte("<ram:DuePayableAmount>"))
	require.Positive(t, i)
	files["tampered.cii.xml"] = append(append(append([]byte{}, std[:i]...), []byte("<ram:DuePayableAmount>1.00</ram:DuePayableAmount>")...), std[bytes.Index(std[i:], []byte("</ram:DuePayableAmount>"))+i+len("</ram:DuePayableAmount>"):]...)
	files["tampered.ubl.xml"] = []byte(strings.Replace(string(files["standard.ubl.xml"]), "<cbc:PayableAmount currencyID=\"EUR\">", "<cbc:PayableAmount currencyID=\"EUR\">9", 1))

	fails := validate(t, files)
	var clean []string
	tampered := map[string]bool{}
	for _, f := range fails {
		t.Log(f)
		if strings.HasPrefix(f.File, "tampered") {
			if f.ID == "BR-CO-16" {
				tampered[f.File] = true
			}
			continue
		}
		if f.Flag == "fatal" {
			clean = append(clean, f.String())
		}
	}
	assert.Empty(t, clean)
	assert.Equal(t, map[string]bool{"tampered.cii.xml": true, "tampered.ubl.xml": true}, tampered)
}
