package customer_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
)

const tenant o2c.TenantID = "acme"

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC)

// loreal returns the details of a complete French business customer, typed
// the way people type them.
func loreal() customer.Details {
	return customer.Details{
		Number:    " C-00042 ",
		LegalName: "L'Oréal  SA",
		VATNumber: "fr 44 732 829 320",
		SIRET:     "732 829 320 00074",
		Country:   "fr",
		BillingAddress: customer.Address{
			Lines:    []string{"14 rue Royale", "  "},
			Postcode: "75008",
			City:     "Paris",
		},
		BillingContacts: []customer.Contact{
			{Name: "Comptabilité fournisseurs", Email: "AP@LOREAL.EXAMPLE.COM", Role: "accounts payable", Invoices: true, Reminders: true},
			{Name: "Claire Martin", Role: "purchasing"},
		},
		Language:            "fr-fr",
		Currency:            o2c.EUR,
		DefaultPaymentTerms: "45EOM",
		Segment:             "key account",
		BankAccounts: []customer.BankAccount{
			{IBAN: "fr76 3000 6000 0112 3456 7890 189", BIC: "bnpafrpp", Holder: "L'OREAL"},
		},
	}
}

func fields(err error) []string {
	var out []string
	for _, ve := range customer.ValidationErrors(err) {
		out = append(out, ve.Field)
	}
	return out
}

func TestNewNormalisesAndStamps(t *testing.T) {
	c, err := customer.New(tenant, loreal(), t0.In(time.FixedZone("CET", 3600)))
	require.NoError(t, err)

	assert.False(t, c.ID.IsZero())
	assert.Equal(t, tenant, c.Tenant)
	assert.Equal(t, int64(0), c.Version)
	want := time.Date(2026, 3, 2, 9, 30, 0, 123456000, time.UTC)
	assert.Equal(t, want, c.CreatedAt)
	assert.Equal(t, time.UTC, c.CreatedAt.Location())
	assert.Equal(t, c.CreatedAt, c.UpdatedAt)

	assert.Equal(t, "C-00042", c.Number)
	assert.Equal(t, customer.Business, c.Kind)
	assert.Equal(t, "L'Oréal SA", c.LegalName)
	assert.Equal(t, "FR44732829320", c.VATNumber)
	assert.Equal(t, "732829320", c.SIREN, "SIREN derived from SIRET")
	assert.Equal(t, "73282932000074", c.SIRET)
	assert.Equal(t, "FR", c.Country)
	assert.Equal(t, customer.Address{Lines: []string{"14 rue Royale"}, Postcode: "75008", City: "Paris", Country: "FR"}, c.BillingAddress)
	assert.Equal(t, "AP@loreal.example.com", c.BillingContacts[0].Email, "domain lower-cased, local part kept")
	assert.Equal(t, "fr-FR", c.Language)
	assert.Equal(t, o2c.EUR, c.Currency)
	assert.Equal(t, "45EOM", c.DefaultPaymentTerms)
	assert.Equal(t, []customer.BankAccount{{IBAN: "FR7630006000011234567890189", BIC: "BNPAFRPP", Holder: "L'OREAL"}}, c.BankAccounts)
	assert.NoError(t, c.Validate())
}

func TestNewNeedsOnlyANumber(t *testing.T) {
	c, err := customer.New(tenant, customer.Details{Number: "P-1"}, t0)
	require.NoError(t, err)
	assert.Nil(t, c.BillingContacts)
	assert.Nil(t, c.BankAccounts)
	assert.Nil(t, c.BillingAddress.Lines)
	assert.NoError(t, c.Validate())
}

func TestNewDoesNotAliasCallerSlices(t *testing.T) {
	d := loreal()
	c, err := customer.New(tenant, d, t0)
	require.NoError(t, err)
	d.BankAccounts[0].IBAN = "changed"
	d.BillingContacts[0].Email = "changed"
	assert.Equal(t, "FR7630006000011234567890189", c.BankAccounts[0].IBAN)
	assert.Equal(t, "AP@loreal.example.com", c.BillingContacts[0].Email)
}

func TestNewReportsEveryProblem(t *testing.T) {
	d := customer.Details{
		Kind:      "reseller",
		VATNumber: "FR41303265045",
		SIREN:     "732829321",
		SIRET:     "73282932000075",
		Country:   "XX",
		BillingAddress: customer.Address{
			Lines:    []string{"1", "2", "3", "4", "5"},
			Postcode: "7500",
			Country:  "FR",
		},
		BillingContacts: []customer.Contact{
			{Name: "AP", Invoices: true},
			{Email: "ap@example"},
			{},
			{Email: "Jo <jo@example.com>"},
		},
		Language:            "klingon",
		DefaultPaymentTerms: "net 30",
		Segment:             "bad\x00segment",
		BankAccounts: []customer.BankAccount{
			{IBAN: "FR76 3000 6000 0112 3456 7890 188", BIC: "BNPA", Holder: ""},
		},
	}
	_, err := customer.New("", d, time.Time{})
	require.Error(t, err)
	assert.ErrorIs(t, err, o2c.ErrValidation)
	assert.Equal(t, []string{
		"tenant",
		"created_at",
		"number",
		"kind",
		"siren",
		"siret",
		"vat_number",
		"country",
		"billing_address.lines",
		"billing_address.postcode",
		"billing_contacts[0].email",
		"billing_contacts[1].email",
		"billing_contacts[2]",
		"billing_contacts[3].email",
		"language",
		"default_payment_terms",
		"segment",
		"bank_accounts[0].iban",
		"bank_accounts[0].bic",
		"bank_accounts[0].holder",
	}, fields(err))
	for _, ve := range customer.ValidationErrors(err) {
		assert.NotEmpty(t, ve.Rule, ve.Field)
	}
}

func TestNewChecksSIRENConsistency(t *testing.T) {
	d := customer.Details{Number: "C1", SIREN: "542051180", SIRET: "73282932000074"}
	_, err := customer.New(tenant, d, t0)
	assert.Equal(t, []string{"siret"}, fields(err))
	assert.ErrorIs(t, err, customer.ErrMismatch)

	d = customer.Details{Number: "C1", SIREN: "542051180", VATNumber: "FR44732829320"}
	_, err = customer.New(tenant, d, t0)
	assert.Equal(t, []string{"vat_number"}, fields(err))
	assert.ErrorIs(t, err, customer.ErrMismatch)

	d = customer.Details{Number: "C1", SIREN: "542 051 180", SIRET: "54205118000066", VATNumber: "FR59542051180"}
	_, err = customer.New(tenant, d, t0)
	assert.NoError(t, err)

	// A VAT number from another country is not compared with the SIREN.
	d = customer.Details{Number: "C1", SIREN: "542051180", VATNumber: "BE0403170701"}
	_, err = customer.New(tenant, d, t0)
	assert.NoError(t, err)
}

func TestNewRefusesDuplicates(t *testing.T) {
	d := customer.Details{
		Number: "C1",
		BillingContacts: []customer.Contact{
			{Email: "ap@example.com", Invoices: true},
			{Email: "AP@EXAMPLE.COM ", Reminders: true},
		},
		BankAccounts: []customer.BankAccount{
			{IBAN: "DE89370400440532013000", Holder: "X"},
			{IBAN: "de89 3704 0044 0532 0130 00", Holder: "X"},
		},
	}
	_, err := customer.New(tenant, d, t0)
	assert.Equal(t, []string{"billing_contacts[1].email", "bank_accounts[1].iban"}, fields(err))
	assert.ErrorIs(t, err, customer.ErrDuplicate)
}

func TestNewFillsCountriesFromEachOther(t *testing.T) {
	c, err := customer.New(tenant, customer.Details{Number: "C1", BillingAddress: customer.Address{Country: "be"}}, t0)
	require.NoError(t, err)
	assert.Equal(t, "BE", c.Country)

	// A billing address abroad is kept.
	c, err = customer.New(tenant, customer.Details{Number: "C1", Country: "LU", BillingAddress: customer.Address{Country: "BE"}}, t0)
	require.NoError(t, err)
	assert.Equal(t, "LU", c.Country)
	assert.Equal(t, "BE", c.BillingAddress.Country)

	// An invalid country is reported once, not copied.
	_, err = customer.New(tenant, customer.Details{Number: "C1", Country: "ZZ"}, t0)
	assert.Equal(t, []string{"country"}, fields(err))
}

func TestNewChecksPostcodeAgainstAddressCountry(t *testing.T) {
	_, err := customer.New(tenant, customer.Details{Number: "C1", BillingAddress: customer.Address{Postcode: "1012 AB", Country: "NL"}}, t0)
	assert.NoError(t, err)
	_, err = customer.New(tenant, customer.Details{Number: "C1", BillingAddress: customer.Address{Postcode: "1012 AB", Country: "FR"}}, t0)
	assert.Equal(t, []string{"billing_address.postcode"}, fields(err))
}

func TestNewRefusesOverlongText(t *testing.T) {
	long := string(make([]rune, 0))
	for i := 0; i < 201; i++ {
		long += "é"
	}
	_, err := customer.New(tenant, customer.Details{Number: "C1", LegalName: long}, t0)
	assert.Equal(t, []string{"legal_name"}, fields(err))
	assert.ErrorIs(t, err, customer.ErrInvalidLength)

	_, err = customer.New(tenant, customer.Details{Number: "C1", LegalName: long[:400]}, t0)
	assert.NoError(t, err, "200 characters, 400 bytes")

	_, err = customer.New(tenant, customer.Details{Number: "C1", LegalName: "bad \xff utf8"}, t0)
	assert.Equal(t, []string{"legal_name"}, fields(err))
}

func TestJSONRoundTripIsExact(t *testing.T) {
	for name, d := range map[string]customer.Details{
		"complete": loreal(),
		"minimal":  {Number: "P-1"},
		"consumer": {Number: "P-2", Kind: customer.Consumer, LegalName: "Jean Dupont", Currency: o2c.CHF,
			BillingContacts: []customer.Contact{{Email: "jean@example.ch", Invoices: true}}},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := customer.New(tenant, d, t0)
			require.NoError(t, err)
			c.Version = 7
			data, err := json.Marshal(c)
			require.NoError(t, err)
			var back customer.Customer
			require.NoError(t, json.Unmarshal(data, &back))
			assert.Equal(t, *c, back)
			assert.True(t, back.CreatedAt.Equal(c.CreatedAt))
			assert.NoError(t, back.Validate())
			again, err := json.Marshal(&back)
			require.NoError(t, err)
			assert.JSONEq(t, string(data), string(again))
		})
	}
}

func TestJSONShape(t *testing.T) {
	c, err := customer.New(tenant, customer.Details{Number: "C1", Currency: o2c.EUR, Country: "FR"}, t0)
	require.NoError(t, err)
	data, err := json.Marshal(c)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	assert.Equal(t, c.ID.String(), m["id"])
	assert.Equal(t, "acme", m["tenant"])
	assert.Equal(t, "C1", m["number"])
	assert.Equal(t, "business", m["kind"])
	assert.Equal(t, "EUR", m["currency"])
	assert.Equal(t, "2026-03-02T09:30:00.123456Z", m["created_at"])
	assert.Equal(t, float64(0), m["version"])
}

func TestJSONRejectsBadCurrency(t *testing.T) {
	var c customer.Customer
	err := json.Unmarshal([]byte(`{"number":"C1","currency":"EURO"}`), &c)
	assert.ErrorIs(t, err, o2c.ErrValidation)
}

func TestUpdateAppliesValidChange(t *testing.T) {
	c, err := customer.New(tenant, loreal(), t0)
	require.NoError(t, err)
	c.Version = 3
	id, created := c.ID, c.CreatedAt
	later := t0.Add(48 * time.Hour)

	err = c.Update(later, func(d *customer.Details) error {
		d.DefaultPaymentTerms = "NET30"
		d.BankAccounts = append(d.BankAccounts, customer.BankAccount{IBAN: "de89 3704 0044 0532 0130 00", Holder: "L'Oréal Deutschland"})
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, "NET30", c.DefaultPaymentTerms)
	assert.Equal(t, "DE89370400440532013000", c.BankAccounts[1].IBAN, "normalised like New")
	assert.Equal(t, later.Truncate(time.Microsecond), c.UpdatedAt)
	assert.Equal(t, id, c.ID)
	assert.Equal(t, created, c.CreatedAt)
	assert.Equal(t, int64(3), c.Version, "stores own the version")
}

func TestUpdateLeavesCustomerUnchangedOnError(t *testing.T) {
	c, err := customer.New(tenant, loreal(), t0)
	require.NoError(t, err)
	before := c.Clone()

	err = c.Update(t0.Add(time.Hour), func(d *customer.Details) error {
		d.BankAccounts[0].IBAN = "FR76 3000 6000 0112 3456 7890 188" // in place, on the copy
		d.BillingContacts[0].Email = "nobody"
		d.LegalName = "Renamed"
		return nil
	})
	assert.Equal(t, []string{"billing_contacts[0].email", "bank_accounts[0].iban"}, fields(err))
	assert.ErrorIs(t, err, o2c.ErrValidation)
	assert.Equal(t, before, c)

	boom := errors.New("boom")
	err = c.Update(t0.Add(time.Hour), func(d *customer.Details) error {
		d.LegalName = "Renamed"
		return boom
	})
	assert.Same(t, boom, err)
	assert.Equal(t, before, c)

	err = c.Update(t0.Add(-time.Hour), func(d *customer.Details) error { return nil })
	assert.Equal(t, []string{"updated_at"}, fields(err))
	assert.Equal(t, before, c)

	err = c.Update(time.Time{}, nil)
	assert.Equal(t, []string{"updated_at"}, fields(err))
	assert.Equal(t, before, c)
}

func TestUpdateOnNilCustomer(t *testing.T) {
	var c *customer.Customer
	assert.ErrorIs(t, c.Update(t0, nil), o2c.ErrValidation)
	assert.ErrorIs(t, c.Validate(), o2c.ErrValidation)
	assert.False(t, c.KnowsIBAN("FR7630006000011234567890189"))
	assert.Nil(t, c.Clone())
	assert.Nil(t, c.InvoiceContacts())
}

func TestValidateRehydrated(t *testing.T) {
	c, err := customer.New(tenant, loreal(), t0)
	require.NoError(t, err)
	bad := c.Clone()
	bad.ID = o2c.CustomerID{}
	bad.Tenant = "bad tenant"
	bad.UpdatedAt = c.CreatedAt.Add(-time.Second)
	bad.Version = -1
	bad.BankAccounts[0].IBAN = "FR7630006000011234567890188"
	assert.Equal(t, []string{"id", "tenant", "updated_at", "version", "bank_accounts[0].iban"}, fields(bad.Validate()))
	assert.NoError(t, c.Validate(), "the clone shares nothing with the original")
}

func TestDetailsValidate(t *testing.T) {
	assert.NoError(t, loreal().Validate())
	d := loreal()
	d.Language = "xx"
	assert.Equal(t, []string{"language"}, fields(d.Validate()))
}

func TestKnowsIBAN(t *testing.T) {
	c, err := customer.New(tenant, loreal(), t0)
	require.NoError(t, err)
	assert.True(t, c.KnowsIBAN("FR7630006000011234567890189"))
	assert.True(t, c.KnowsIBAN("fr76 3000 6000 0112 3456 7890 189"))
	assert.True(t, c.KnowsIBAN(" FR76-3000-6000-0112-3456-7890-189 "))
	assert.False(t, c.KnowsIBAN("FR7630006000011234567890188"))
	assert.False(t, c.KnowsIBAN("DE89370400440532013000"))
	assert.False(t, c.KnowsIBAN(""))
}

func TestContactsByPurpose(t *testing.T) {
	c, err := customer.New(tenant, customer.Details{
		Number: "C1",
		BillingContacts: []customer.Contact{
			{Name: "AP", Email: "ap@example.com", Invoices: true},
			{Name: "Buyer"},
			{Name: "CFO", Email: "cfo@example.com", Reminders: true},
			{Name: "Both", Email: "both@example.com", Invoices: true, Reminders: true},
		},
	}, t0)
	require.NoError(t, err)
	names := func(cs []customer.Contact) (out []string) {
		for _, k := range cs {
			out = append(out, k.Name)
		}
		return out
	}
	assert.Equal(t, []string{"AP", "Both"}, names(c.InvoiceContacts()))
	assert.Equal(t, []string{"CFO", "Both"}, names(c.ReminderContacts()))
}

func TestCloneIsDeep(t *testing.T) {
	c, err := customer.New(tenant, loreal(), t0)
	require.NoError(t, err)
	cp := c.Clone()
	require.Equal(t, c, cp)
	cp.BankAccounts[0].Holder = "X"
	cp.BillingContacts[0].Name = "X"
	cp.BillingAddress.Lines[0] = "X"
	assert.Equal(t, "L'OREAL", c.BankAccounts[0].Holder)
	assert.Equal(t, "Comptabilité fournisseurs", c.BillingContacts[0].Name)
	assert.Equal(t, "14 rue Royale", c.BillingAddress.Lines[0])
}

func TestValidationErrorsLooksThroughWrapping(t *testing.T) {
	_, err := customer.New(tenant, customer.Details{}, t0)
	wrapped := errors.Join(errors.New("context"), wrapf(err))
	assert.Equal(t, []string{"number"}, fields(wrapped))
	assert.Nil(t, customer.ValidationErrors(nil))
	assert.Nil(t, customer.ValidationErrors(errors.New("plain")))
}

func wrapf(err error) error { return &wrapper{err} }

type wrapper struct{ err error }

func (w *wrapper) Error() string { return "creating customer: " + w.err.Error() }
func (w *wrapper) Unwrap() error { return w.err }
