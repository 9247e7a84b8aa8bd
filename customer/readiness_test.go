package customer_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
)

func mustNew(t *testing.T, d customer.Details) *customer.Customer {
	t.Helper()
	c, err := customer.New(tenant, d, t0)
	require.NoError(t, err)
	return c
}

// ready returns a German business customer with everything an FR seller
// needs by default.
func ready() customer.Details {
	return customer.Details{
		Number:    "C-DE-1",
		LegalName: "Beispiel GmbH",
		VATNumber: "DE136695976",
		Country:   "DE",
		BillingAddress: customer.Address{
			Lines:    []string{"Hauptstraße 1"},
			Postcode: "10115",
			City:     "Berlin",
		},
		BillingContacts:     []customer.Contact{{Email: "rechnung@beispiel.de", Invoices: true}},
		Currency:            o2c.EUR,
		DefaultPaymentTerms: "NET30",
	}
}

var frSeller = customer.ReadinessRules{SellerCountry: "FR"}

func TestReadyToInvoiceCompleteCustomer(t *testing.T) {
	assert.Nil(t, customer.ReadyToInvoice(mustNew(t, ready()), frSeller))
	assert.Nil(t, customer.ReadyToInvoice(mustNew(t, loreal()), frSeller))
	assert.NoError(t, customer.CheckReady(mustNew(t, ready()), frSeller))
}

func TestReadyToInvoiceProspectMissesEverything(t *testing.T) {
	c := mustNew(t, customer.Details{Number: "P-1"})
	assert.Equal(t, []customer.Missing{
		customer.MissingLegalName,
		customer.MissingCountry,
		customer.MissingAddressLines,
		customer.MissingPostcode,
		customer.MissingCity,
		customer.MissingAddressCountry,
		customer.MissingInvoiceContact,
		customer.MissingCurrency,
		customer.MissingPaymentTerms,
	}, customer.ReadyToInvoice(c, frSeller), "no country: the VAT rule cannot apply")
	assert.Equal(t, customer.ReadyToInvoice(&customer.Customer{}, frSeller), customer.ReadyToInvoice(nil, frSeller))
}

func TestReadyToInvoiceListsExactlyWhatIsMissing(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *customer.Details)
		rules  customer.ReadinessRules
		want   []customer.Missing
	}{
		{"legal name", func(d *customer.Details) { d.LegalName = "" }, frSeller,
			[]customer.Missing{customer.MissingLegalName}},
		{"postcode and city", func(d *customer.Details) { d.BillingAddress.Postcode, d.BillingAddress.City = "", "" }, frSeller,
			[]customer.Missing{customer.MissingPostcode, customer.MissingCity}},
		{"street", func(d *customer.Details) { d.BillingAddress.Lines = nil }, frSeller,
			[]customer.Missing{customer.MissingAddressLines}},
		{"contact without email flag", func(d *customer.Details) {
			d.BillingContacts = []customer.Contact{{Name: "Buyer", Email: "buyer@beispiel.de", Reminders: true}}
		}, frSeller, []customer.Missing{customer.MissingInvoiceContact}},
		{"currency and terms", func(d *customer.Details) { d.Currency, d.DefaultPaymentTerms = o2c.Currency{}, "" }, frSeller,
			[]customer.Missing{customer.MissingCurrency, customer.MissingPaymentTerms}},
		{"VAT for intra-EU business customer", func(d *customer.Details) { d.VATNumber = "" }, frSeller,
			[]customer.Missing{customer.MissingVATNumber}},
		{"VAT for any EU business customer when the seller is unknown", func(d *customer.Details) { d.VATNumber = "" },
			customer.ReadinessRules{}, []customer.Missing{customer.MissingVATNumber}},
		{"no VAT for a domestic customer", func(d *customer.Details) { d.VATNumber = "" },
			customer.ReadinessRules{SellerCountry: "de"}, nil},
		{"VAT for a domestic customer under VATEUBusiness", func(d *customer.Details) { d.VATNumber = "" },
			customer.ReadinessRules{SellerCountry: "DE", VAT: customer.VATEUBusiness}, []customer.Missing{customer.MissingVATNumber}},
		{"no VAT under VATNotRequired", func(d *customer.Details) { d.VATNumber = "" },
			customer.ReadinessRules{VAT: customer.VATNotRequired}, nil},
		{"no VAT for a consumer", func(d *customer.Details) { d.VATNumber, d.Kind = "", customer.Consumer }, frSeller, nil},
		{"no VAT outside the EU", func(d *customer.Details) {
			d.VATNumber, d.Country = "", "CH"
			d.BillingAddress = customer.Address{Lines: []string{"Bahnhofstrasse 1"}, Postcode: "8001", City: "Zürich", Country: "CH"}
		}, customer.ReadinessRules{SellerCountry: "FR", VAT: customer.VATEUBusiness}, nil},
		{"no postcode in Hong Kong", func(d *customer.Details) {
			d.VATNumber, d.Country = "", "HK"
			d.BillingAddress = customer.Address{Lines: []string{"1 Queen's Road Central"}, City: "Hong Kong", Country: "HK"}
		}, frSeller, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := ready()
			tc.change(&d)
			assert.Equal(t, tc.want, customer.ReadyToInvoice(mustNew(t, d), tc.rules))
		})
	}
}

func TestReadyToInvoiceFrenchIdentifiers(t *testing.T) {
	d := loreal()
	d.SIRET, d.SIREN, d.VATNumber = "", "", ""
	c := mustNew(t, d)
	rules := customer.ReadinessRules{SellerCountry: "FR", RequireSIRENForFrance: true, RequireSIRETForFrance: true}
	assert.Equal(t, []customer.Missing{customer.MissingSIREN, customer.MissingSIRET}, customer.ReadyToInvoice(c, rules),
		"a domestic customer needs no VAT number by default")
	assert.Nil(t, customer.ReadyToInvoice(c, frSeller), "SIREN and SIRET are not required by default")

	d.SIREN = "732829320"
	assert.Equal(t, []customer.Missing{customer.MissingSIRET}, customer.ReadyToInvoice(mustNew(t, d), rules))
	d.SIRET = "73282932000074"
	assert.Nil(t, customer.ReadyToInvoice(mustNew(t, d), rules))

	// Not asked of a German customer, nor of a French consumer.
	assert.Nil(t, customer.ReadyToInvoice(mustNew(t, ready()), rules))
	d = loreal()
	d.Kind, d.SIRET, d.SIREN, d.VATNumber = customer.Consumer, "", "", ""
	assert.Nil(t, customer.ReadyToInvoice(mustNew(t, d), rules))
}

func TestCheckReadyError(t *testing.T) {
	d := ready()
	d.VATNumber, d.DefaultPaymentTerms = "", ""
	c := mustNew(t, d)
	err := customer.CheckReady(c, frSeller)
	require.Error(t, err)
	assert.ErrorIs(t, err, customer.ErrNotReady)
	assert.ErrorIs(t, err, o2c.ErrValidation)
	assert.ErrorIs(t, err, customer.ErrRequired)

	var nr *customer.NotReadyError
	require.ErrorAs(t, err, &nr)
	assert.Equal(t, c.ID, nr.CustomerID)
	assert.Equal(t, "C-DE-1", nr.Number)
	assert.Equal(t, []customer.Missing{customer.MissingPaymentTerms, customer.MissingVATNumber}, nr.Missing)
	assert.Equal(t, "customer C-DE-1 is not ready to invoice: missing default payment terms, VAT number", err.Error())
	assert.Equal(t, []string{"default_payment_terms", "vat_number"}, fields(err))

	wrapped := errors.Join(errors.New("placing order"), err)
	assert.ErrorIs(t, wrapped, customer.ErrNotReady)
	assert.False(t, errors.Is(customer.CheckReady(mustNew(t, ready()), frSeller), customer.ErrNotReady))
}

func TestMissingDescriptions(t *testing.T) {
	for _, m := range []customer.Missing{
		customer.MissingLegalName, customer.MissingCountry, customer.MissingAddressLines, customer.MissingPostcode,
		customer.MissingCity, customer.MissingAddressCountry, customer.MissingInvoiceContact, customer.MissingCurrency,
		customer.MissingPaymentTerms, customer.MissingVATNumber, customer.MissingSIREN, customer.MissingSIRET,
	} {
		assert.NotEqual(t, string(m), m.Description(), m)
		assert.Equal(t, string(m), m.String())
	}
	assert.Equal(t, "other", customer.Missing("other").Description())
}
