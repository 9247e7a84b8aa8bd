package sepa

import (
	"fmt"

	"github.com/cashcycle/sdk/internal/xmltree"
)

// The writers and readers use the SDK's XML tree (internal/xmltree):
// written in schema order, read by local names whatever prefixes the
// sender chose.
type node = xmltree.Node

var (
	el     = xmltree.El
	txt    = xmltree.Txt
	render = xmltree.Render
)

// maxAnswerSize bounds the bank answers (pain.002, camt.054) read.
const maxAnswerSize = 256 << 20

// parse reads a document into a tree of local names and returns its root
// element's namespace. DTDs, documents nested deeper than
// xmltree.MaxDepth and larger than maxAnswerSize are refused.
func parse(data []byte) (*node, string, error) {
	root, err := xmltree.Parse(data, maxAnswerSize)
	if err != nil {
		return nil, "", &SyntaxError{Msg: err.Error()}
	}
	return root, root.Space, nil
}

// SyntaxError is a document this package cannot read: not XML, not the
// expected message, or a required element missing or malformed.
type SyntaxError struct {
	// Path names the element ("TxInfAndSts[2]/OrgnlEndToEndId"), when known.
	Path string
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.Path == "" {
		return "sepa: " + e.Msg
	}
	return fmt.Sprintf("sepa: %s: %s", e.Path, e.Msg)
}
