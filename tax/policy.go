package tax

import (
	"fmt"

	"github.com/cashcycle/sdk/o2c"
)

// Method says where a document's tax is rounded.
type Method uint8

const (
	// PerDocument rounds the tax once per (category, rate) group, on the
	// sum of the group's line nets: EN 16931's rule (BT-117 = BT-116 ×
	// rate). Line taxes are the group's tax spread over its lines. The
	// zero value, and the default.
	PerDocument Method = iota
	// PerLine rounds each line's tax; a group's tax is the sum of its
	// lines' rounded taxes (common in retail and in some ERPs).
	PerLine
)

var methodNames = [...]string{"per-document", "per-line"}

// String returns "per-document" or "per-line".
func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", m)
}

// ParseMethod parses a name String returns.
func ParseMethod(s string) (Method, error) {
	for i, n := range methodNames {
		if n == s {
			return Method(i), nil
		}
	}
	return 0, &o2c.ValidationError{Field: "rounding.method", Rule: "must be per-document or per-line", Value: s}
}

// MarshalText implements encoding.TextMarshaler.
func (m Method) MarshalText() ([]byte, error) {
	if int(m) >= len(methodNames) {
		return nil, &o2c.ValidationError{Field: "rounding.method", Rule: "must be per-document or per-line", Value: m.String()}
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Method) UnmarshalText(b []byte) error {
	p, err := ParseMethod(string(b))
	if err != nil {
		return err
	}
	*m = p
	return nil
}

// RoundingPolicy names how a document's amounts are rounded: where the tax
// is rounded ([Method]) and with which [o2c.RoundingMode] every rounding
// point (line nets, taxes) rounds. The zero value is [DefaultPolicy]:
// per document, half up.
//
// An invoice that bills an order's lines must use the order's policy for
// its totals to agree with the order's.
type RoundingPolicy struct {
	Method Method           `json:"method"`
	Mode   o2c.RoundingMode `json:"mode"`
}

// DefaultPolicy returns the zero RoundingPolicy: tax rounded per
// (category, rate) group on the document, half up (EN 16931, and French and
// German practice). It is a function so that no caller can change the
// default under another.
func DefaultPolicy() RoundingPolicy {
	return RoundingPolicy{Method: PerDocument, Mode: o2c.RoundHalfUp}
}

// Validate reports a *[o2c.ValidationError] for an unknown method or mode.
func (p RoundingPolicy) Validate() error {
	if int(p.Method) >= len(methodNames) {
		return &o2c.ValidationError{Field: "rounding.method", Rule: "must be per-document or per-line", Value: p.Method.String()}
	}
	if _, err := o2c.ParseRoundingMode(p.Mode.String()); err != nil {
		return &o2c.ValidationError{Field: "rounding.mode", Rule: "must be a known rounding mode", Value: p.Mode.String()}
	}
	return nil
}

// String returns "per-document/half-up".
func (p RoundingPolicy) String() string { return p.Method.String() + "/" + p.Mode.String() }
