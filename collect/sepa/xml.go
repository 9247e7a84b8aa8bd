package sepa

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// node is a small XML element tree written in schema order and read by
// local names (whatever prefixes the sender chose).
type node struct {
	name     string
	attrs    [][2]string
	text     string
	children []*node
}

// el returns an element with its non-nil children, or nil when every
// child is nil (an empty aggregate is left out).
func el(name string, children ...*node) *node {
	n := &node{name: name}
	for _, c := range children {
		if c != nil {
			n.children = append(n.children, c)
		}
	}
	if len(n.children) == 0 {
		return nil
	}
	return n
}

// txt returns a leaf, or nil for an empty value.
func txt(name, value string, attrs ...string) *node {
	if value == "" {
		return nil
	}
	n := &node{name: name, text: value}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.attrs = append(n.attrs, [2]string{attrs[i], attrs[i+1]})
	}
	return n
}

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
		b.WriteString(" " + a[0] + `="`)
		_ = xml.EscapeText(b, []byte(a[1]))
		b.WriteString(`"`)
	}
	if len(n.children) == 0 {
		b.WriteString(">")
		_ = xml.EscapeText(b, []byte(n.text))
		b.WriteString("</" + n.name + ">\n")
		return
	}
	b.WriteString(">\n")
	for _, c := range n.children {
		c.write(b, depth+1)
	}
	b.WriteString(indent + "</" + n.name + ">\n")
}

// parse reads a document into a tree of local names. DTDs are refused.
func parse(data []byte) (*node, string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []*node
	var root *node
	var space string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", &SyntaxError{Msg: err.Error()}
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, "", &SyntaxError{Msg: "DTDs and directives are refused"}
		case xml.StartElement:
			n := &node{name: t.Name.Local}
			for _, a := range t.Attr {
				n.attrs = append(n.attrs, [2]string{a.Name.Local, a.Value})
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, "", &SyntaxError{Msg: "more than one root element"}
				}
				root, space = n, t.Name.Space
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
		return nil, "", &SyntaxError{Msg: "no root element"}
	}
	return root, space, nil
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

// child returns the first child with a local name, following a path.
func (n *node) child(path ...string) *node {
	cur := n
	for _, p := range path {
		if cur == nil {
			return nil
		}
		var next *node
		for _, c := range cur.children {
			if c.name == p {
				next = c
				break
			}
		}
		cur = next
	}
	return cur
}

// all returns the children with a local name.
func (n *node) all(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

// value returns the trimmed text at a path, "" when absent.
func (n *node) value(path ...string) string {
	c := n.child(path...)
	if c == nil {
		return ""
	}
	return strings.TrimSpace(c.text)
}

func (n *node) attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a[0] == name {
			return a[1]
		}
	}
	return ""
}
