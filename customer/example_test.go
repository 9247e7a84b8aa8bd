package customer_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
)

func ExampleValidateIBAN() {
	for _, iban := range []string{
		"FR76 3000 6000 0112 3456 7890 189",
		"FR76 3000 6000 0112 3456 7890 198", // last two digits swapped
		"DE89 3704 0044 0532 0130 0",        // one digit short
	} {
		err := customer.ValidateIBAN(iban)
		fmt.Println(err == nil, errors.Is(err, customer.ErrInvalidChecksum), err)
	}
	// Output:
	// true false <nil>
	// false true invalid iban: checksum does not match (mistyped or swapped character?) (got "FR76 3000 6000 0112 3456 7890 198")
	// false false invalid iban: must be 22 characters for DE (got "DE89 3704 0044 0532 0130 0")
}

func ExampleFormatIBAN() {
	fmt.Println(customer.FormatIBAN("gb82west12345698765432"))
	// Output: GB82 WEST 1234 5698 7654 32
}

func ExampleFrenchVATNumber() {
	vat, err := customer.FrenchVATNumber("303 265 045")
	fmt.Println(vat, err)
	fmt.Println(customer.ValidateVAT("FR41303265045"))
	// Output:
	// FR40303265045 <nil>
	// invalid vat_number: key 41 does not match the SIREN (expected 40) (got "FR41303265045")
}

func ExampleValidateSIRET() {
	fmt.Println(customer.ValidateSIRET("732 829 320 00074"))
	fmt.Println(customer.ValidateSIRET("35600000000010")) // La Poste: digit sum multiple of 5
	fmt.Println(customer.ValidateSIRET("73282932000075"))
	// Output:
	// <nil>
	// <nil>
	// invalid siret: Luhn check digit does not match (got "73282932000075")
}

func ExampleNew() {
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	c, err := customer.New("acme", customer.Details{
		Number:    "C-00042",
		LegalName: "L'Oréal SA",
		SIRET:     "732 829 320 00074",
		VATNumber: "fr 44 732 829 320",
		Country:   "fr",
		BillingAddress: customer.Address{
			Lines: []string{"14 rue Royale"}, Postcode: "75008", City: "Paris",
		},
		BillingContacts: []customer.Contact{
			{Name: "Accounts payable", Email: "ap@loreal.example.com", Invoices: true, Reminders: true},
		},
		Language:            "fr-fr",
		Currency:            o2c.EUR,
		DefaultPaymentTerms: "45EOM",
		BankAccounts: []customer.BankAccount{
			{IBAN: "FR76 3000 6000 0112 3456 7890 189", Holder: "L'OREAL"},
		},
	}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Number, c.SIREN, c.VATNumber, c.Country, c.BillingAddress.Country, c.Language)
	fmt.Println(c.BankAccounts[0].IBAN, c.CreatedAt.Format(time.RFC3339))
	// Output:
	// C-00042 732829320 FR44732829320 FR FR fr-FR
	// FR7630006000011234567890189 2026-03-02T09:30:00Z
}

func ExampleNew_validationErrors() {
	_, err := customer.New("acme", customer.Details{
		Number:    "C-00043",
		SIREN:     "542051180",
		VATNumber: "FR44732829320",
		BillingContacts: []customer.Contact{
			{Name: "AP", Email: "ap@localhost", Invoices: true},
		},
		BankAccounts: []customer.BankAccount{
			{IBAN: "DE89 3704 0044 0532 0130 01", Holder: "Beispiel GmbH"},
		},
	}, time.Now())
	fmt.Println(errors.Is(err, o2c.ErrValidation))
	for _, ve := range customer.ValidationErrors(err) {
		fmt.Printf("%s: %s\n", ve.Field, ve.Rule)
	}
	// Output:
	// true
	// vat_number: must contain the SIREN 542051180
	// billing_contacts[0].email: domain must be a name with a dot, like example.com
	// bank_accounts[0].iban: checksum does not match (mistyped or swapped character?)
}

func ExampleCustomer_Update() {
	created := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	c, _ := customer.New("acme", customer.Details{Number: "C-00042", DefaultPaymentTerms: "NET30"}, created)

	err := c.Update(created.Add(24*time.Hour), func(d *customer.Details) error {
		d.DefaultPaymentTerms = "45EOM"
		d.BankAccounts = append(d.BankAccounts, customer.BankAccount{IBAN: "be71 0961 2345 6769", Holder: "Acme BV"})
		return nil
	})
	fmt.Println(err, c.DefaultPaymentTerms, c.BankAccounts[0].IBAN, c.UpdatedAt.Format(time.RFC3339))

	err = c.Update(created.Add(48*time.Hour), func(d *customer.Details) error {
		d.DefaultPaymentTerms = "net 60"
		return nil
	})
	fmt.Println(err)
	fmt.Println(c.DefaultPaymentTerms, c.UpdatedAt.Format(time.RFC3339)) // unchanged
	// Output:
	// <nil> 45EOM BE71096123456769 2026-03-03T09:30:00Z
	// invalid default_payment_terms: must be a code of 1 to 32 letters, digits, '.', '_', '+' or '-' (got "net 60")
	// 45EOM 2026-03-03T09:30:00Z
}

func ExampleReadyToInvoice() {
	c, _ := customer.New("acme", customer.Details{
		Number:    "C-DE-7",
		LegalName: "Beispiel GmbH",
		Country:   "DE",
		BillingAddress: customer.Address{
			Lines: []string{"Hauptstraße 1"}, City: "Berlin",
		},
		Currency: o2c.EUR,
	}, time.Now())

	// A French seller invoicing a German business needs its VAT number.
	for _, m := range customer.ReadyToInvoice(c, customer.ReadinessRules{SellerCountry: "FR"}) {
		fmt.Printf("%-24s %s\n", m, m.Description())
	}
	// Output:
	// billing_address.postcode billing address postcode
	// billing_contacts         a billing contact with an email who receives invoices
	// default_payment_terms    default payment terms
	// vat_number               VAT number
}

func ExampleCheckReady() {
	c, _ := customer.New("acme", customer.Details{Number: "P-1", LegalName: "Prospect SARL", Country: "FR"}, time.Now())
	err := customer.CheckReady(c, customer.ReadinessRules{SellerCountry: "FR", VAT: customer.VATNotRequired})
	fmt.Println(errors.Is(err, customer.ErrNotReady), errors.Is(err, o2c.ErrValidation))
	fmt.Println(err)
	// Output:
	// true true
	// customer P-1 is not ready to invoice: missing billing address street, billing address postcode, billing address city, a billing contact with an email who receives invoices, invoicing currency, default payment terms
}

func ExampleCustomer_KnowsIBAN() {
	c, _ := customer.New("acme", customer.Details{
		Number:       "C-00042",
		BankAccounts: []customer.BankAccount{{IBAN: "NL91ABNA0417164300", Holder: "Acme BV"}},
	}, time.Now())
	// As printed on a bank statement line.
	fmt.Println(c.KnowsIBAN("nl91 abna 0417 1643 00"))
	fmt.Println(c.KnowsIBAN("NL91 ABNA 0417 1643 01"))
	// Output:
	// true
	// false
}
