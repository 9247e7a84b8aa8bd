package einvoice

import (
	"encoding/xml"

	"github.com/cashcycle/sdk/internal/xmltree"
)

// The writers and readers share the SDK's XML tree (internal/xmltree).
type node = xmltree.Node

var (
	el     = xmltree.El
	txt    = xmltree.Txt
	render = xmltree.Render
)

// maxXMLSize bounds what the readers accept.
const maxXMLSize = 32 << 20

// parseTree reads an XML document into a tree of local names, refusing
// DTDs, documents nested deeper than xmltree.MaxDepth and larger than
// maxXMLSize.
func parseTree(data []byte) (*node, error) {
	root, err := xmltree.Parse(data, maxXMLSize)
	if err != nil {
		return nil, &SyntaxError{Msg: err.Error()}
	}
	return root, nil
}

type (
	xmlAttr = xml.Attr
	xmlName = xml.Name
)
