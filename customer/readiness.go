package customer

import (
	"errors"
	"strings"

	"github.com/cashcycle/sdk/o2c"
)

// Missing names a piece of customer data that must be present before the
// first invoice can go out. Its value is the field's path in the customer's
// JSON form, so a user interface can point at it.
type Missing string

// What [ReadyToInvoice] can report, in the order it reports them.
const (
	// MissingLegalName: no legal name to print on the invoice.
	MissingLegalName Missing = "legal_name"
	// MissingCountry: the country of establishment is unknown, so the VAT
	// treatment cannot be decided.
	MissingCountry Missing = "country"
	// MissingAddressLines: the billing address has no street line.
	MissingAddressLines Missing = "billing_address.lines"
	// MissingPostcode: the billing address has no postcode (not asked in
	// countries without postcodes, see [PostcodeRequired]).
	MissingPostcode Missing = "billing_address.postcode"
	// MissingCity: the billing address has no city.
	MissingCity Missing = "billing_address.city"
	// MissingAddressCountry: the billing address has no country.
	MissingAddressCountry Missing = "billing_address.country"
	// MissingInvoiceContact: no billing contact with an email receives
	// invoices.
	MissingInvoiceContact Missing = "billing_contacts"
	// MissingCurrency: no invoicing currency.
	MissingCurrency Missing = "currency"
	// MissingPaymentTerms: no default payment terms to compute due dates.
	MissingPaymentTerms Missing = "default_payment_terms"
	// MissingVATNumber: a VAT number is required by [ReadinessRules.VAT].
	MissingVATNumber Missing = "vat_number"
	// MissingSIREN: a French business customer has no SIREN and
	// [ReadinessRules.RequireSIRENForFrance] is set.
	MissingSIREN Missing = "siren"
	// MissingSIRET: a French business customer has no SIRET and
	// [ReadinessRules.RequireSIRETForFrance] is set.
	MissingSIRET Missing = "siret"
)

var missingText = map[Missing]string{
	MissingLegalName:      "legal name",
	MissingCountry:        "country of establishment",
	MissingAddressLines:   "billing address street",
	MissingPostcode:       "billing address postcode",
	MissingCity:           "billing address city",
	MissingAddressCountry: "billing address country",
	MissingInvoiceContact: "a billing contact with an email who receives invoices",
	MissingCurrency:       "invoicing currency",
	MissingPaymentTerms:   "default payment terms",
	MissingVATNumber:      "VAT number",
	MissingSIREN:          "SIREN",
	MissingSIRET:          "SIRET",
}

// String returns the field path, e.g. "billing_address.postcode".
func (m Missing) String() string { return string(m) }

// Description returns what is missing in words, e.g. "billing address
// postcode".
func (m Missing) Description() string {
	if t, ok := missingText[m]; ok {
		return t
	}
	return string(m)
}

// VATPolicy says which customers need a VAT number before they are
// invoiced.
type VATPolicy int

// VAT policies. The zero value is [VATIntraEU].
const (
	// VATIntraEU requires a VAT number from business customers established
	// in an EU member state other than [ReadinessRules.SellerCountry]: an
	// intra-community supply is invoiced without VAT (reverse charge) only
	// if the invoice carries the customer's VAT number. With no
	// SellerCountry, every EU business customer needs one.
	VATIntraEU VATPolicy = iota
	// VATEUBusiness requires a VAT number from every business customer
	// established in the EU, the seller's own country included.
	VATEUBusiness
	// VATNotRequired never requires a VAT number.
	VATNotRequired
)

// ReadinessRules configure [ReadyToInvoice]. The zero value applies the
// default rules: VAT number for intra-EU business customers, SIREN and
// SIRET not required.
type ReadinessRules struct {
	// SellerCountry is the ISO 3166 code of the invoicing company ("FR"),
	// used by [VATIntraEU].
	SellerCountry string
	// VAT says who must have a VAT number.
	VAT VATPolicy
	// RequireSIRENForFrance asks French business customers (Country "FR")
	// for a SIREN, which French e-invoicing requires on every B2B invoice.
	RequireSIRENForFrance bool
	// RequireSIRETForFrance asks French business customers for the SIRET
	// of the invoiced establishment (public buyers on Chorus Pro need it).
	RequireSIRETForFrance bool
}

// ReadyToInvoice lists what must still be filled in before the first
// invoice can be issued to c, in the order of the Missing constants; nil
// means ready. The rules:
//
//   - a legal name and a country of establishment;
//   - a billing address with a street line, a city, a country and, unless
//     that country has no postcodes, a postcode;
//   - at least one billing contact with an email who receives invoices;
//   - an invoicing currency and default payment terms;
//   - a VAT number when rules.VAT asks for one (by default: business
//     customers in another EU member state than rules.SellerCountry);
//   - for French business customers, a SIREN and a SIRET when
//     rules.RequireSIRENForFrance and rules.RequireSIRETForFrance ask.
//
// It checks presence, not validity: customers made by [New] and
// [Customer.Update] are valid already. A nil customer misses everything.
func ReadyToInvoice(c *Customer, rules ReadinessRules) []Missing {
	if c == nil {
		c = &Customer{}
	}
	d := c.Details
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	var out []Missing
	need := func(missing bool, m Missing) {
		if missing {
			out = append(out, m)
		}
	}
	country := normalizeCountry(d.Country)
	a := d.BillingAddress
	hasLine := false
	for _, l := range a.Lines {
		hasLine = hasLine || !blank(l)
	}
	business := Kind(strings.ToLower(strings.TrimSpace(string(d.Kind)))) != Consumer
	french := business && country == "FR"

	need(blank(d.LegalName), MissingLegalName)
	need(country == "", MissingCountry)
	need(!hasLine, MissingAddressLines)
	need(blank(a.Postcode) && PostcodeRequired(a.Country), MissingPostcode)
	need(blank(a.City), MissingCity)
	need(blank(a.Country), MissingAddressCountry)
	need(len(c.InvoiceContacts()) == 0, MissingInvoiceContact)
	need(d.Currency.IsZero(), MissingCurrency)
	need(blank(d.DefaultPaymentTerms), MissingPaymentTerms)
	need(blank(d.VATNumber) && business && vatRequired(rules, country), MissingVATNumber)
	need(blank(d.SIREN) && french && rules.RequireSIRENForFrance, MissingSIREN)
	need(blank(d.SIRET) && french && rules.RequireSIRETForFrance, MissingSIRET)
	return out
}

// vatRequired applies the policy to a business customer's country.
func vatRequired(rules ReadinessRules, country string) bool {
	switch rules.VAT {
	case VATNotRequired:
		return false
	case VATEUBusiness:
		return InEU(country)
	default: // VATIntraEU, and any unknown value errs on the safe side
		return InEU(country) && country != normalizeCountry(rules.SellerCountry)
	}
}

// ErrNotReady is matched by the error of [CheckReady]: the customer lacks
// data needed before invoicing. Placing an order for such a customer is
// refused with it.
var ErrNotReady = errors.New("customer: not ready to invoice")

// NotReadyError lists what a customer lacks before it can be invoiced. It
// matches [ErrNotReady] and [o2c.ErrValidation], and unwraps to one
// *[o2c.ValidationError] per missing item (Field is the Missing value,
// Err is [ErrRequired]), so [ValidationErrors] lists them too.
type NotReadyError struct {
	CustomerID o2c.CustomerID // the customer, zero if unknown
	Number     string         // the host's customer number, if known
	Missing    []Missing      // what is missing, never empty
}

func (e *NotReadyError) Error() string {
	var b strings.Builder
	b.WriteString("customer")
	if e.Number != "" {
		b.WriteString(" " + e.Number)
	} else if !e.CustomerID.IsZero() {
		b.WriteString(" " + e.CustomerID.String())
	}
	b.WriteString(" is not ready to invoice: missing ")
	for i, m := range e.Missing {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.Description())
	}
	return b.String()
}

// Is reports whether target is [ErrNotReady] or [o2c.ErrValidation].
func (e *NotReadyError) Is(target error) bool {
	return target == ErrNotReady || target == o2c.ErrValidation
}

// Unwrap returns one *[o2c.ValidationError] per missing item.
func (e *NotReadyError) Unwrap() []error {
	out := make([]error, len(e.Missing))
	for i, m := range e.Missing {
		out[i] = invalid(string(m), "is required before invoicing: "+m.Description(), "", ErrRequired)
	}
	return out
}

// CheckReady is [ReadyToInvoice] as an error: nil when c is ready, else a
// *[NotReadyError] listing what is missing.
func CheckReady(c *Customer, rules ReadinessRules) error {
	missing := ReadyToInvoice(c, rules)
	if len(missing) == 0 {
		return nil
	}
	e := &NotReadyError{Missing: missing}
	if c != nil {
		e.CustomerID, e.Number = c.ID, c.Number
	}
	return e
}
