package customer

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/cashcycle/sdk/o2c"
)

// Kind says whether a customer is a business or a private person. It
// decides whether business identifiers (VAT number, SIREN, SIRET) are
// expected before invoicing. The zero value is read as [Business].
type Kind string

// Kinds of customer.
const (
	// Business is a company, a sole trader, a public body: anyone invoiced
	// in the course of their business (B2B, B2G).
	Business Kind = "business"
	// Consumer is a private person (B2C).
	Consumer Kind = "consumer"
)

// Address is a postal address.
type Address struct {
	// Lines are the street lines, at most 4 of at most 70 characters
	// (the limits of SEPA and most e-invoicing formats).
	Lines []string `json:"lines"`
	// Postcode is the postal code, checked against Country's format where
	// this package knows it (see [ValidatePostcode]).
	Postcode string `json:"postcode,omitempty"`
	// City is the town or city.
	City string `json:"city,omitempty"`
	// Region is the state, province or county where addresses need one.
	Region string `json:"region,omitempty"`
	// Country is the ISO 3166-1 alpha-2 code. [New] copies the customer's
	// Country here when it is left empty, and the reverse.
	Country string `json:"country,omitempty"`
}

// Contact is a person or mailbox at the customer who deals with invoices.
type Contact struct {
	// Name is the person's or the department's name.
	Name string `json:"name,omitempty"`
	// Email is a bare address ("ap@example.com"); required when the contact
	// receives invoices or reminders.
	Email string `json:"email,omitempty"`
	// Phone is the contact's phone number in international form
	// ("+33 6 12 34 56 78"): '+', then 6 to 15 digits, spaces, '-', '.',
	// '(' or ')' allowed between them. Dunning calls it (phone tasks) and
	// texts it (SMS).
	Phone string `json:"phone,omitempty"`
	// Role is free text: "accounts payable", "purchasing", "CFO".
	Role string `json:"role,omitempty"`
	// Invoices is set when invoices and credit notes are sent to this
	// contact.
	Invoices bool `json:"invoices"`
	// Reminders is set when payment reminders and dunning letters are sent
	// to this contact.
	Reminders bool `json:"reminders"`
}

// BankAccount is an account the customer pays from (or is refunded to).
// Cash application maps the payer's IBAN on a bank statement line to the
// customer with [Customer.KnowsIBAN].
type BankAccount struct {
	// IBAN in electronic form (no spaces, upper case) once stored.
	IBAN string `json:"iban"`
	// BIC is optional (SEPA payments no longer need it).
	BIC string `json:"bic,omitempty"`
	// Holder is the account holder's name as the bank knows it, at most 70
	// characters.
	Holder string `json:"holder"`
}

// Details are the fields of a customer that the host provides and amends:
// everything but the identity, tenant, timestamps and version. [New] takes
// them; [Customer.Update] changes them.
//
// Only Number is required to create a customer: a prospect can be recorded
// before its legal details are known. Whatever is given must be valid.
// What must be present before the first invoice is [ReadyToInvoice]'s
// business.
type Details struct {
	// Number is the host's customer number or code ("C-00042"); 1 to 64
	// characters, unique per tenant (stores enforce it).
	Number string `json:"number"`
	// Kind is Business or Consumer; empty means Business.
	Kind Kind `json:"kind"`
	// LegalName is the registered name printed on invoices, at most 200
	// characters.
	LegalName string `json:"legal_name,omitempty"`
	// VATNumber is the VAT identification number with its prefix
	// ("FR40303265045", "EL123456789"); see [ValidateVAT].
	VATNumber string `json:"vat_number,omitempty"`
	// SIREN is the French company number (9 digits); see [ValidateSIREN].
	// [New] fills it from SIRET when only SIRET is given.
	SIREN string `json:"siren,omitempty"`
	// SIRET is the French establishment number (14 digits) of the invoiced
	// establishment; its first 9 digits are the SIREN.
	SIRET string `json:"siret,omitempty"`
	// Country is where the customer is established (ISO 3166-1 alpha-2,
	// "FR"). It drives the VAT rules of [ReadyToInvoice].
	Country string `json:"country,omitempty"`
	// BillingAddress is where invoices are addressed.
	BillingAddress Address `json:"billing_address"`
	// BillingContacts are the people invoices and reminders go to; at most
	// 50, with distinct emails.
	BillingContacts []Contact `json:"billing_contacts"`
	// Language of documents and reminders, a BCP 47 tag stored in canonical
	// form ("fr", "en", "fr-FR").
	Language string `json:"language,omitempty"`
	// Currency invoices are issued in.
	Currency o2c.Currency `json:"currency"`
	// DefaultPaymentTerms is the code of payment terms defined elsewhere
	// ("NET30", "45EOM"): 1 to 32 letters, digits, '.', '_', '+' or '-'.
	DefaultPaymentTerms string `json:"default_payment_terms,omitempty"`
	// Segment is free text for reporting and dunning plans ("key account",
	// "public sector"), at most 64 characters.
	Segment string `json:"segment,omitempty"`
	// BankAccounts are the customer's known accounts, at most 20, with
	// distinct IBANs.
	BankAccounts []BankAccount `json:"bank_accounts"`
}

// Customer is a customer of one tenant: the party that is invoiced,
// credit-controlled and dunned. Every other package reads it.
//
// The fields are exported so that stores can persist and rehydrate a
// customer as is: it round-trips through encoding/json exactly (times are
// UTC with microsecond precision, empty lists are nil). Create customers
// with [New] and change them with [Customer.Update], which validate; a
// store that loads one can call [Customer.Validate].
type Customer struct {
	// ID is the customer's identity, a UUIDv7 assigned by [New].
	ID o2c.CustomerID `json:"id"`
	// Tenant owns the customer.
	Tenant o2c.TenantID `json:"tenant"`
	Details
	// CreatedAt is when the customer was created (UTC, microseconds).
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when it was last changed (UTC, microseconds).
	UpdatedAt time.Time `json:"updated_at"`
	// Version is for stores' optimistic concurrency: a store saves only if
	// the stored version is the one it read, and increments it. [New]
	// starts at 0 and this package never changes it.
	Version int64 `json:"version"`
}

// Limits on the number of list entries and the length of free text, in
// characters.
const (
	maxNumber       = 64
	maxLegalName    = 200
	maxAddressLines = 4
	maxLine         = 70
	maxCity         = 70
	maxRegion       = 70
	maxContacts     = 50
	maxContactName  = 100
	maxRole         = 64
	maxSegment      = 64
	maxAccounts     = 20
	maxHolder       = 70
)

var paymentTermsPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,31}$`)

// New validates d and returns a new customer of tenant with a fresh ID,
// created and updated at now. The details are stored normalised: text
// trimmed, inner spaces collapsed and in Unicode NFC; identifiers in compact
// upper case (IBAN, BIC, VAT number, countries); SIREN and SIRET as digits
// only, SIREN filled from SIRET when missing; the language tag canonical; the
// billing address country and Country filled from each other; empty lists
// nil.
//
// All problems are reported at once: the error joins one
// *[o2c.ValidationError] per problem (list them with [ValidationErrors]) and
// matches [o2c.ErrValidation].
func New(tenant o2c.TenantID, d Details, now time.Time) (*Customer, error) {
	var errs []error
	if err := tenant.Validate(); err != nil {
		errs = append(errs, err)
	}
	if now.IsZero() {
		errs = append(errs, invalid("created_at", "must be set (pass the current time)", "", ErrRequired))
	}
	n := d.normalized()
	errs = append(errs, n.problems()...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	t := stamp(now)
	return &Customer{
		ID:        o2c.NewCustomerID(),
		Tenant:    tenant,
		Details:   n,
		CreatedAt: t,
		UpdatedAt: t,
	}, nil
}

// stamp is how timestamps are stored: UTC, microsecond precision (what
// PostgreSQL keeps), no monotonic reading.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Update amends the customer's details: it calls change on a deep copy,
// normalises and validates the result like [New], and only if everything is
// valid stores it and sets UpdatedAt to now. On any error c is unchanged.
// An error returned by change is returned as is; a nil change re-validates
// and touches UpdatedAt. ID, Tenant, CreatedAt and
// Version are not reachable from change; stores bump Version when they save.
//
// now must not be before CreatedAt.
func (c *Customer) Update(now time.Time, change func(d *Details) error) error {
	if c == nil {
		return invalid("customer", "must not be nil", "", ErrRequired)
	}
	draft := c.Details.clone()
	if change != nil {
		if err := change(&draft); err != nil {
			return err
		}
	}
	var errs []error
	t := stamp(now)
	switch {
	case now.IsZero():
		errs = append(errs, invalid("updated_at", "must be set (pass the current time)", "", ErrRequired))
	case t.Before(c.CreatedAt):
		errs = append(errs, invalid("updated_at", "must not be before created_at", t.Format(time.RFC3339Nano), ErrInvalidFormat))
	}
	n := draft.normalized()
	errs = append(errs, n.problems()...)
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	c.Details = n
	c.UpdatedAt = t
	return nil
}

// Validate checks a customer as a store would load it: the identity, tenant
// and timestamps, then every rule [New] applies to the details. It returns
// nil, or all problems joined like [New].
func (c *Customer) Validate() error {
	if c == nil {
		return invalid("customer", "must not be nil", "", ErrRequired)
	}
	var errs []error
	if c.ID.IsZero() {
		errs = append(errs, invalid("id", "must be set", "", ErrRequired))
	}
	if err := c.Tenant.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.CreatedAt.IsZero() {
		errs = append(errs, invalid("created_at", "must be set", "", ErrRequired))
	}
	if c.UpdatedAt.Before(c.CreatedAt) {
		errs = append(errs, invalid("updated_at", "must not be before created_at", c.UpdatedAt.Format(time.RFC3339Nano), ErrInvalidFormat))
	}
	if c.Version < 0 {
		errs = append(errs, invalid("version", "must not be negative", strconv.FormatInt(c.Version, 10), ErrInvalidFormat))
	}
	errs = append(errs, c.Details.normalized().problems()...)
	return errors.Join(errs...)
}

// Validate checks d with the rules of [New] (after the same normalisation),
// for a form that wants to validate before creating or updating. It returns
// nil, or all problems joined.
func (d Details) Validate() error { return errors.Join(d.normalized().problems()...) }

// Clone returns a deep copy of c that shares no slice with it.
func (c *Customer) Clone() *Customer {
	if c == nil {
		return nil
	}
	cp := *c
	cp.Details = c.Details.clone()
	return &cp
}

func (d Details) clone() Details {
	d.BillingAddress.Lines = slices.Clone(d.BillingAddress.Lines)
	d.BillingContacts = slices.Clone(d.BillingContacts)
	d.BankAccounts = slices.Clone(d.BankAccounts)
	return d
}

// KnowsIBAN reports whether iban is one of the customer's bank accounts,
// comparing compact forms (see [CompactIBAN]), so "fr76 3000 6000 ..." finds
// "FR763000600...". Cash application uses it to map a payer's IBAN to a
// customer.
func (c *Customer) KnowsIBAN(iban string) bool {
	if c == nil {
		return false
	}
	want := CompactIBAN(iban)
	if want == "" {
		return false
	}
	for _, a := range c.BankAccounts {
		if CompactIBAN(a.IBAN) == want {
			return true
		}
	}
	return false
}

// InvoiceContacts returns the contacts that receive invoices and have an
// email, in order.
func (c *Customer) InvoiceContacts() []Contact {
	return c.contacts(func(k Contact) bool { return k.Invoices })
}

// ReminderContacts returns the contacts that receive payment reminders and
// have an email, in order.
func (c *Customer) ReminderContacts() []Contact {
	return c.contacts(func(k Contact) bool { return k.Reminders })
}

// phonePattern is an international number: '+', then 6 to 15 digits
// (ITU-T E.164) with separators.
var phonePattern = regexp.MustCompile(`^\+[0-9][0-9 ().-]{4,22}[0-9]$`)

func (c *Customer) contacts(keep func(Contact) bool) []Contact {
	if c == nil {
		return nil
	}
	var out []Contact
	for _, k := range c.BillingContacts {
		if keep(k) && strings.TrimSpace(k.Email) != "" {
			out = append(out, k)
		}
	}
	return out
}

// normalized returns a cleaned copy of d; it never fails (problems() judges
// the result) and shares no slice with d.
func (d Details) normalized() Details {
	n := Details{
		Number:              cleanText(d.Number),
		Kind:                Kind(strings.ToLower(strings.TrimSpace(string(d.Kind)))),
		LegalName:           cleanText(d.LegalName),
		VATNumber:           CompactVAT(d.VATNumber),
		SIREN:               compactDigits(d.SIREN),
		SIRET:               compactDigits(d.SIRET),
		Country:             normalizeCountry(d.Country),
		Language:            strings.TrimSpace(d.Language),
		Currency:            d.Currency,
		DefaultPaymentTerms: strings.TrimSpace(d.DefaultPaymentTerms),
		Segment:             cleanText(d.Segment),
	}
	if n.Kind == "" {
		n.Kind = Business
	}
	if n.SIREN == "" && n.SIRET != "" && ValidateSIRET(n.SIRET) == nil {
		n.SIREN = n.SIRET[:9]
	}
	if l, err := normalizeLanguage(n.Language); err == nil {
		n.Language = l
	}
	a := d.BillingAddress
	n.BillingAddress = Address{
		Postcode: normalizePostcode(a.Postcode),
		City:     cleanText(a.City),
		Region:   cleanText(a.Region),
		Country:  normalizeCountry(a.Country),
	}
	for _, l := range a.Lines {
		if l = cleanText(l); l != "" {
			n.BillingAddress.Lines = append(n.BillingAddress.Lines, l)
		}
	}
	switch {
	case n.BillingAddress.Country == "" && isCountry(n.Country):
		n.BillingAddress.Country = n.Country
	case n.Country == "" && isCountry(n.BillingAddress.Country):
		n.Country = n.BillingAddress.Country
	}
	for _, k := range d.BillingContacts {
		k = Contact{
			Name:      cleanText(k.Name),
			Email:     strings.TrimSpace(k.Email),
			Phone:     strings.TrimSpace(k.Phone),
			Role:      cleanText(k.Role),
			Invoices:  k.Invoices,
			Reminders: k.Reminders,
		}
		if e, err := normalizeEmail(k.Email); err == nil {
			k.Email = e
		}
		n.BillingContacts = append(n.BillingContacts, k)
	}
	for _, b := range d.BankAccounts {
		n.BankAccounts = append(n.BankAccounts, BankAccount{
			IBAN:   CompactIBAN(b.IBAN),
			BIC:    CompactIBAN(b.BIC),
			Holder: cleanText(b.Holder),
		})
	}
	return n
}

// cleanText trims s, collapses runs of white space into one space and puts
// it in Unicode NFC, so that "Société  Générale" typed two ways compares
// equal. Invalid UTF-8 is left for checkText to report.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

// checkText reports free text that is too long, not UTF-8 or holds control
// characters.
func checkText(field, s string, max int) error {
	switch {
	case !utf8.ValidString(s):
		return invalid(field, "must be valid UTF-8", s, ErrInvalidFormat)
	case utf8.RuneCountInString(s) > max:
		return invalid(field, "must be at most "+strconv.Itoa(max)+" characters", s, ErrInvalidLength)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return invalid(field, "must not contain control characters", s, ErrInvalidFormat)
	}
	return nil
}

// problems lists every rule a normalised d breaks.
func (d Details) problems() []error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	if d.Number == "" {
		add(invalid("number", "is required", "", ErrRequired))
	} else {
		add(checkText("number", d.Number, maxNumber))
	}
	if d.Kind != Business && d.Kind != Consumer {
		add(invalid("kind", `must be "business" or "consumer"`, string(d.Kind), ErrInvalidFormat))
	}
	add(checkText("legal_name", d.LegalName, maxLegalName))

	if d.SIREN != "" {
		add(ValidateSIREN(d.SIREN))
	}
	if d.SIRET != "" {
		if err := ValidateSIRET(d.SIRET); err != nil {
			add(err)
		} else if d.SIREN != "" && d.SIRET[:9] != d.SIREN {
			add(invalid("siret", "must start with the SIREN "+d.SIREN, d.SIRET, ErrMismatch))
		}
	}
	if d.VATNumber != "" {
		if err := ValidateVAT(d.VATNumber); err != nil {
			add(err)
		} else if s := vatSIREN(d.VATNumber); s != "" && d.SIREN != "" && s != d.SIREN {
			add(invalid("vat_number", "must contain the SIREN "+d.SIREN, d.VATNumber, ErrMismatch))
		}
	}
	if d.Country != "" {
		add(ValidateCountry(d.Country))
	}

	a := d.BillingAddress
	if len(a.Lines) > maxAddressLines {
		add(invalid("billing_address.lines", "must have at most "+strconv.Itoa(maxAddressLines)+" lines", "", ErrInvalidLength))
	}
	for i, l := range a.Lines {
		add(checkText("billing_address.lines["+strconv.Itoa(i)+"]", l, maxLine))
	}
	if a.Country != "" {
		add(at("billing_address.country", ValidateCountry(a.Country)))
	}
	if a.Postcode != "" {
		add(at("billing_address.postcode", ValidatePostcode(a.Country, a.Postcode)))
	}
	add(checkText("billing_address.city", a.City, maxCity))
	add(checkText("billing_address.region", a.Region, maxRegion))

	if len(d.BillingContacts) > maxContacts {
		add(invalid("billing_contacts", "must have at most "+strconv.Itoa(maxContacts)+" entries", "", ErrInvalidLength))
	}
	seenEmail := map[string]int{}
	for i, k := range d.BillingContacts {
		p := "billing_contacts[" + strconv.Itoa(i) + "]"
		add(checkText(p+".name", k.Name, maxContactName))
		add(checkText(p+".role", k.Role, maxRole))
		if k.Phone != "" && !phonePattern.MatchString(k.Phone) {
			add(invalid(p+".phone", "must be '+' and 6 to 15 digits (spaces, '-', '.', '(' and ')' allowed)", k.Phone, ErrInvalidFormat))
		}
		switch {
		case k.Email != "":
			if err := ValidateEmail(k.Email); err != nil {
				add(at(p+".email", err))
				break
			}
			key := strings.ToLower(k.Email)
			if j, dup := seenEmail[key]; dup {
				add(invalid(p+".email", "is already used by billing_contacts["+strconv.Itoa(j)+"]", k.Email, ErrDuplicate))
			} else {
				seenEmail[key] = i
			}
		case k.Invoices || k.Reminders:
			add(invalid(p+".email", "is required for a contact who receives invoices or reminders", "", ErrRequired))
		case k.Name == "":
			add(invalid(p, "must have a name or an email", "", ErrRequired))
		}
	}

	if d.Language != "" {
		add(ValidateLanguage(d.Language))
	}
	if d.DefaultPaymentTerms != "" && !paymentTermsPattern.MatchString(d.DefaultPaymentTerms) {
		add(invalid("default_payment_terms", "must be a code of 1 to 32 letters, digits, '.', '_', '+' or '-'", d.DefaultPaymentTerms, ErrInvalidFormat))
	}
	add(checkText("segment", d.Segment, maxSegment))

	if len(d.BankAccounts) > maxAccounts {
		add(invalid("bank_accounts", "must have at most "+strconv.Itoa(maxAccounts)+" entries", "", ErrInvalidLength))
	}
	seenIBAN := map[string]int{}
	for i, b := range d.BankAccounts {
		p := "bank_accounts[" + strconv.Itoa(i) + "]"
		if err := ValidateIBAN(b.IBAN); err != nil {
			add(at(p+".iban", err))
		} else if j, dup := seenIBAN[b.IBAN]; dup {
			add(invalid(p+".iban", "is already used by bank_accounts["+strconv.Itoa(j)+"]", b.IBAN, ErrDuplicate))
		} else {
			seenIBAN[b.IBAN] = i
		}
		if b.BIC != "" {
			add(at(p+".bic", ValidateBIC(b.BIC)))
		}
		if b.Holder == "" {
			add(invalid(p+".holder", "is required", "", ErrRequired))
		} else {
			add(checkText(p+".holder", b.Holder, maxHolder))
		}
	}
	return errs
}
