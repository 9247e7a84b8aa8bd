package customer_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
)

// Sample addresses from the national postal operators' published address
// guides (street, town, postcode as the operators show their layout).
func TestAddressFormatPerCountry(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    customer.Address
		from string
		want []string
	}{
		{"FR: postcode then the town in capitals without accents", customer.Address{Country: "FR", Lines: []string{"12 rue des Écoles"}, Postcode: "91000", City: "Évry-Courcouronnes"}, "FR",
			[]string{"12 rue des Écoles", "91000 EVRY-COURCOURONNES"}},
		{"DE: PLZ then town", customer.Address{Country: "DE", Lines: []string{"Unter den Linden 5"}, Postcode: "10117", City: "Berlin"}, "DE",
			[]string{"Unter den Linden 5", "10117 Berlin"}},
		{"GB: post town in capitals, then the postcode on its own line", customer.Address{Country: "GB", Lines: []string{"10 Downing Street"}, Postcode: "SW1A 2AA", City: "London"}, "GB",
			[]string{"10 Downing Street", "LONDON", "SW1A 2AA"}},
		{"US: city, state and ZIP on one line", customer.Address{Country: "US", Lines: []string{"1600 Pennsylvania Ave NW"}, Postcode: "20500-0003", City: "Washington", Region: "DC"}, "US",
			[]string{"1600 Pennsylvania Ave NW", "WASHINGTON DC 20500-0003"}},
		{"ES: postcode and town, province below", customer.Address{Country: "ES", Lines: []string{"Calle de Alcalá 50"}, Postcode: "28014", City: "Madrid", Region: "Madrid"}, "ES",
			[]string{"Calle de Alcalá 50", "28014 Madrid", "Madrid"}},
		{"IT: CAP, town and province code", customer.Address{Country: "IT", Lines: []string{"Viale Europa 190"}, Postcode: "00144", City: "Roma", Region: "rm"}, "IT",
			[]string{"Viale Europa 190", "00144 Roma RM"}},
		{"BE: postcode then town", customer.Address{Country: "BE", Lines: []string{"Rue de la Loi 16"}, Postcode: "1000", City: "Bruxelles"}, "BE",
			[]string{"Rue de la Loi 16", "1000 Bruxelles"}},
		{"NL: postcode, two spaces, town in capitals", customer.Address{Country: "NL", Lines: []string{"Prinses Beatrixlaan 23"}, Postcode: "2595 AK", City: "Den Haag"}, "NL",
			[]string{"Prinses Beatrixlaan 23", "2595 AK  DEN HAAG"}},
		{"international: the destination country last, in capitals", customer.Address{Country: "GB", Lines: []string{"10 Downing Street"}, Postcode: "SW1A 2AA", City: "London"}, "FR",
			[]string{"10 Downing Street", "LONDON", "SW1A 2AA", "UNITED KINGDOM"}},
		{"international to Germany", customer.Address{Country: "DE", Lines: []string{"Unter den Linden 5"}, Postcode: "10117", City: "Berlin"}, "fr",
			[]string{"Unter den Linden 5", "10117 Berlin", "GERMANY"}},
		{"no sender country: no country line", customer.Address{Country: "DE", Postcode: "10117", City: "Berlin"}, "",
			[]string{"10117 Berlin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.a.Format(tc.from))
		})
	}
}

func ExampleAddress_Format() {
	a := customer.Address{Country: "GB", Lines: []string{"1 High Street"}, Postcode: "EC1A 1BB", City: "London"}
	for _, l := range a.Format("FR") {
		fmt.Println(l)
	}
	// Output:
	// 1 High Street
	// LONDON
	// EC1A 1BB
	// UNITED KINGDOM
}

func TestContactPhone(t *testing.T) {
	details := func(phone string) customer.Details {
		return customer.Details{Number: "C-1", BillingContacts: []customer.Contact{{Name: "AP", Email: "ap@example.com", Reminders: true, Phone: phone}}}
	}
	for _, ok := range []string{"+33 6 12 34 56 78", "+442071234567", "+1 (202) 555-0123"} {
		_, err := customer.New("acme", details(ok), time.Now())
		assert.NoError(t, err, ok)
	}
	for _, bad := range []string{"06 12 34 56 78", "+33", "call me", "+33 6 12 34 56 78 ext 2"} {
		_, err := customer.New("acme", details(bad), time.Now())
		assert.ErrorIs(t, err, o2c.ErrValidation, bad)
	}
}
