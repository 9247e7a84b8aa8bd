// Package xmltree is the small XML element tree the SDK's XML formats share:
// writers (EN 16931 CII and UBL, ISO 20022 pain) build one in schema order
// and render it; readers parse a document into one and look elements up by
// local names, whatever prefixes the sender chose. Parsing refuses DTDs (no
// entity expansion) and bounds depth and size, so a hostile file cannot
// exhaust memory.
package xmltree

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Node is one element.
type Node struct {
	Name     string // qualified name as written ("ram:ID"); local name when parsed
	Space    string // namespace URI when parsed
	Attrs    []xml.Attr
	Text     string
	Children []*Node
}

// El returns an element with the given children. Nil children are skipped,
// so optional parts can be written as conditional calls, and an aggregate
// whose children are all nil is itself nil (left out).
func El(name string, children ...*Node) *Node {
	n := &Node{Name: name}
	for _, c := range children {
		if c != nil {
			n.Children = append(n.Children, c)
		}
	}
	if len(n.Children) == 0 && len(children) > 0 {
		return nil
	}
	return n
}

// Txt returns a leaf element, or nil when value is empty; attrs are name,
// value pairs, those with an empty value left out.
func Txt(name, value string, attrs ...string) *Node {
	if value == "" {
		return nil
	}
	n := &Node{Name: name, Text: value}
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			n.Attrs = append(n.Attrs, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
		}
	}
	return n
}

// Add appends the non-nil children and returns n.
func (n *Node) Add(children ...*Node) *Node {
	for _, c := range children {
		if c != nil {
			n.Children = append(n.Children, c)
		}
	}
	return n
}

// Render writes the tree as an indented UTF-8 document with a declaration.
func Render(root *Node) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	root.write(&b, 0)
	return b.Bytes()
}

func (n *Node) write(b *bytes.Buffer, depth int) {
	indent := strings.Repeat("  ", depth)
	b.WriteString(indent + "<" + n.Name)
	for _, a := range n.Attrs {
		name := a.Name.Local
		if a.Name.Space != "" {
			name = a.Name.Space + ":" + name
		}
		b.WriteString(" " + name + `="`)
		_ = xml.EscapeText(b, []byte(a.Value))
		b.WriteString(`"`)
	}
	if len(n.Children) == 0 {
		if n.Text == "" {
			b.WriteString("/>\n")
			return
		}
		b.WriteString(">")
		_ = xml.EscapeText(b, []byte(n.Text))
		b.WriteString("</" + n.Name + ">\n")
		return
	}
	b.WriteString(">\n")
	for _, c := range n.Children {
		c.write(b, depth+1)
	}
	b.WriteString(indent + "</" + n.Name + ">\n")
}

// MaxDepth is how deeply elements may nest in a parsed document.
const MaxDepth = 64

// Parse reads a document of at most maxSize bytes into a tree of local
// names (each node's Space holds its namespace URI). It refuses DTDs and
// other directives, elements nested deeper than MaxDepth, more than one
// root and no root; the error's text says which.
func Parse(data []byte, maxSize int) (*Node, error) {
	if len(data) > maxSize {
		return nil, fmt.Errorf("document larger than %d bytes", maxSize)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var stack []*Node
	var root *Node
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, errors.New("DTDs and other directives are not accepted")
		case xml.StartElement:
			if len(stack) >= MaxDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", MaxDepth)
			}
			n := &Node{Name: t.Name.Local, Space: t.Name.Space}
			for _, a := range t.Attr {
				n.Attrs = append(n.Attrs, xml.Attr{Name: xml.Name{Local: a.Name.Local}, Value: a.Value})
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// All returns the descendants reached by the path of local names
// ("A/B/C"), in document order; nil for a nil node.
func (n *Node) All(path string) []*Node {
	if n == nil {
		return nil
	}
	cur := []*Node{n}
	for _, step := range strings.Split(path, "/") {
		var next []*Node
		for _, c := range cur {
			for _, k := range c.Children {
				if k.Name == step {
					next = append(next, k)
				}
			}
		}
		cur = next
	}
	return cur
}

// One returns the first element at path, or nil.
func (n *Node) One(path string) *Node {
	if all := n.All(path); len(all) > 0 {
		return all[0]
	}
	return nil
}

// Str returns the trimmed text at path ("" when absent); path "" or "."
// is n itself.
func (n *Node) Str(path string) string {
	if path == "" || path == "." {
		if n == nil {
			return ""
		}
		return strings.TrimSpace(n.Text)
	}
	if m := n.One(path); m != nil {
		return strings.TrimSpace(m.Text)
	}
	return ""
}

// Attr returns the attribute's value ("" when absent or n is nil).
func (n *Node) Attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
