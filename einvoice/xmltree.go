package einvoice

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// node is a small XML element tree: the writers build one in schema order
// and serialise it; the readers parse a document into one and look
// elements up by local names, whatever prefixes the sender chose.
type node struct {
	name     string // qualified name as written ("ram:ID"); local name when parsed
	space    string // namespace URI when parsed
	attrs    []xml.Attr
	text     string
	children []*node
}

// el returns an element with the given children (nil children are
// skipped, so optional parts can be written as conditional calls).
func el(name string, children ...*node) *node {
	n := &node{name: name}
	for _, c := range children {
		if c != nil {
			n.children = append(n.children, c)
		}
	}
	if len(n.children) == 0 && len(children) > 0 {
		return nil // an aggregate with nothing in it is left out
	}
	return n
}

// txt returns a leaf element, or nil when value is empty.
func txt(name, value string, attrs ...string) *node {
	if value == "" {
		return nil
	}
	n := &node{name: name, text: value}
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
		}
	}
	return n
}

func (n *node) add(children ...*node) *node {
	for _, c := range children {
		if c != nil {
			n.children = append(n.children, c)
		}
	}
	return n
}

// render writes the tree as an XML document with a declaration.
func render(root *node) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	root.write(&b, 0)
	return b.Bytes()
}

func (n *node) write(b *bytes.Buffer, depth int) {
	indent := strings.Repeat("  ", depth)
	b.WriteString(indent + "<" + n.name)
	for _, a := range n.attrs {
		name := a.Name.Local
		if a.Name.Space != "" {
			name = a.Name.Space + ":" + name
		}
		b.WriteString(" " + name + `="`)
		xml.EscapeText(b, []byte(a.Value))
		b.WriteString(`"`)
	}
	if len(n.children) == 0 {
		if n.text == "" {
			b.WriteString("/>\n")
			return
		}
		b.WriteString(">")
		xml.EscapeText(b, []byte(n.text))
		b.WriteString("</" + n.name + ">\n")
		return
	}
	b.WriteString(">\n")
	for _, c := range n.children {
		c.write(b, depth+1)
	}
	b.WriteString(indent + "</" + n.name + ">\n")
}

// maxXMLDepth and maxXMLSize bound what the readers accept.
const (
	maxXMLDepth = 64
	maxXMLSize  = 32 << 20
)

// parseTree reads an XML document into a tree of local names. It refuses
// DTDs (no entity expansion), documents deeper than maxXMLDepth and larger
// than maxXMLSize.
func parseTree(data []byte) (*node, error) {
	if len(data) > maxXMLSize {
		return nil, &SyntaxError{Msg: fmt.Sprintf("document larger than %d bytes", maxXMLSize)}
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &SyntaxError{Msg: err.Error()}
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, &SyntaxError{Msg: "DTDs and other directives are not accepted"}
		case xml.StartElement:
			if len(stack) >= maxXMLDepth {
				return nil, &SyntaxError{Msg: fmt.Sprintf("elements nested deeper than %d", maxXMLDepth)}
			}
			n := &node{name: t.Name.Local, space: t.Name.Space}
			for _, a := range t.Attr {
				n.attrs = append(n.attrs, xml.Attr{Name: xml.Name{Local: a.Name.Local}, Value: a.Value})
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, &SyntaxError{Msg: "more than one root element"}
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, &SyntaxError{Msg: "no root element"}
	}
	return root, nil
}

// all returns the descendants reached by the path of local names
// ("A/B/C"), in document order.
func (n *node) all(path string) []*node {
	if n == nil {
		return nil
	}
	cur := []*node{n}
	for _, step := range strings.Split(path, "/") {
		var next []*node
		for _, c := range cur {
			for _, k := range c.children {
				if k.name == step {
					next = append(next, k)
				}
			}
		}
		cur = next
	}
	return cur
}

// one returns the first element at path, or nil.
func (n *node) one(path string) *node {
	if all := n.all(path); len(all) > 0 {
		return all[0]
	}
	return nil
}

// str returns the trimmed text at path ("" when absent).
func (n *node) str(path string) string {
	if path == "" || path == "." {
		if n == nil {
			return ""
		}
		return strings.TrimSpace(n.text)
	}
	if m := n.one(path); m != nil {
		return strings.TrimSpace(m.text)
	}
	return ""
}

// attr returns the attribute's value ("" when absent or n is nil).
func (n *node) attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

type (
	xmlAttr = xml.Attr
	xmlName = xml.Name
)
