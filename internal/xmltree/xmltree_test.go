package xmltree

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderLeavesOutEmptyParts(t *testing.T) {
	doc := El("Doc",
		El("Hdr", Txt("Id", "A&B"), Txt("Missing", "")),
		El("Empty", Txt("Nothing", "")),
		Txt("Amt", "10.00", "Ccy", "EUR", "Unused", ""))
	doc.Attrs = append(doc.Attrs, Txt("x", "y", "xmlns", "urn:x").Attrs...)
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>
<Doc xmlns="urn:x">
  <Hdr>
    <Id>A&amp;B</Id>
  </Hdr>
  <Amt Ccy="EUR">10.00</Amt>
</Doc>
`, string(Render(doc)))
}

func TestParseReadsLocalNamesWhateverThePrefix(t *testing.T) {
	root, err := Parse([]byte(`<p:Doc xmlns:p="urn:x"><p:Hdr><p:Id> 42 </p:Id><p:Id>43</p:Id></p:Hdr><p:Amt Ccy="EUR">1.50</p:Amt></p:Doc>`), 1<<10)
	require.NoError(t, err)
	assert.Equal(t, "urn:x", root.Space)
	assert.Equal(t, "42", root.Str("Hdr/Id"))
	assert.Len(t, root.All("Hdr/Id"), 2)
	assert.Equal(t, "EUR", root.One("Amt").Attr("Ccy"))
	assert.Empty(t, root.Str("Hdr/Nope"))
	var none *Node
	assert.Empty(t, none.Str("A"), "lookups on a missing element are empty, not a panic")
}

func TestParseRefusesHostileOrBrokenDocuments(t *testing.T) {
	deep := strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)
	for name, tc := range map[string]struct {
		doc  string
		max  int
		want string
	}{
		"DTD":        {`<!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>`, 1 << 10, "DTD"},
		"too deep":   {deep, 1 << 20, "deeper than 64"},
		"too large":  {`<d>0123456789</d>`, 10, "larger than 10 bytes"},
		"two roots":  {`<a/><b/>`, 1 << 10, "more than one root"},
		"no root":    {``, 1 << 10, "no root"},
		"not closed": {`<a><b></a>`, 1 << 10, "element <b> closed by </a>"},
	} {
		_, err := Parse([]byte(tc.doc), tc.max)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
	}
}
