package tax

import (
	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// Category is an EN 16931 VAT category (BT-151, code list UNTDID 5305). It
// is a closed set: the zero Category is "none" and is refused by [Compute];
// the others are the package-level values below, or what [ParseCategory]
// returns for their codes.
type Category struct{ code string }

// The EN 16931 VAT categories.
var (
	// Standard is "S": the standard or a reduced rate; the rate is > 0.
	Standard = Category{"S"}
	// ZeroRated is "Z": zero-rated goods; the rate is 0.
	ZeroRated = Category{"Z"}
	// Exempt is "E": exempt from VAT; the rate is 0 and the invoice states
	// the exemption reason.
	Exempt = Category{"E"}
	// ReverseCharge is "AE": VAT reverse charge, the buyer accounts for the
	// tax; the rate is 0.
	ReverseCharge = Category{"AE"}
	// IntraCommunity is "K": an intra-community supply of goods or
	// services, VAT exempt for the seller; the rate is 0.
	IntraCommunity = Category{"K"}
	// Export is "G": free export outside the EU; the rate is 0.
	Export = Category{"G"}
	// OutOfScope is "O": services outside the scope of VAT; the rate is 0.
	OutOfScope = Category{"O"}
	// CanaryIslands is "L": the Canary Islands general indirect tax
	// (IGIC); the rate is >= 0.
	CanaryIslands = Category{"L"}
	// CeutaMelilla is "M": the tax for production, services and importation
	// in Ceuta and Melilla (IPSI); the rate is >= 0.
	CeutaMelilla = Category{"M"}
)

// Categories lists every category, in code order.
func Categories() []Category {
	return []Category{ReverseCharge, Exempt, Export, IntraCommunity, CanaryIslands, CeutaMelilla, OutOfScope, Standard, ZeroRated}
}

// ParseCategory returns the category with the EN 16931 code ("S", "AE").
// An unknown code is a *[o2c.ValidationError].
func ParseCategory(code string) (Category, error) {
	for _, c := range Categories() {
		if c.code == code {
			return c, nil
		}
	}
	return Category{}, &o2c.ValidationError{Field: "tax_category", Rule: "must be an EN 16931 VAT category code (S, Z, E, AE, K, G, O, L, M)", Value: code}
}

// Code returns the EN 16931 code ("S"), or "" for the zero Category.
func (c Category) Code() string { return c.code }

// String returns the code.
func (c Category) String() string { return c.code }

// IsZero reports whether c is the zero Category.
func (c Category) IsZero() bool { return c.code == "" }

// MarshalText implements encoding.TextMarshaler.
func (c Category) MarshalText() ([]byte, error) { return []byte(c.code), nil }

// UnmarshalText implements encoding.TextUnmarshaler; empty text is the zero
// Category.
func (c *Category) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = Category{}
		return nil
	}
	p, err := ParseCategory(string(b))
	if err != nil {
		return err
	}
	*c = p
	return nil
}

var hundred = decimal.NewFromInt(100)

// CheckRate reports whether rate (a percentage: 20 for 20 %) is allowed in
// the category: > 0 for Standard, 0 for Z, E, AE, K, G and O, >= 0 for L
// and M, and never above 100. It returns nil or a *[o2c.ValidationError]
// on field "tax_rate".
func (c Category) CheckRate(rate decimal.Decimal) error {
	bad := func(rule string) error {
		return &o2c.ValidationError{Field: "tax_rate", Rule: rule, Value: rate.String()}
	}
	switch {
	case c.IsZero():
		return &o2c.ValidationError{Field: "tax_category", Rule: "is required"}
	case rate.IsNegative():
		return bad("must not be negative")
	case rate.GreaterThan(hundred):
		return bad("must be at most 100 (a percentage)")
	case c == Standard && !rate.IsPositive():
		return bad("must be positive in category S (standard rate)")
	case c != Standard && c != CanaryIslands && c != CeutaMelilla && !rate.IsZero():
		return bad("must be 0 in category " + c.code)
	}
	return nil
}
