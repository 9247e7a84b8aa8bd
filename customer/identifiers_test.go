package customer_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
)

// requireRule asserts err is a *o2c.ValidationError on field with cause.
func requireRule(t *testing.T, err error, field string, cause error) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, o2c.ErrValidation)
	var ve *o2c.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, field, ve.Field)
	assert.NotEmpty(t, ve.Rule)
	if cause != nil {
		assert.ErrorIs(t, err, cause)
	}
}

func TestValidateBIC(t *testing.T) {
	for _, s := range []string{"BNPAFRPP", "BNPAFRPPXXX", "deutdeff", "DEUT DE FF 500", "NWBKGB2L", "ABNANL2A", "GEBABEBB", "BCEELULL", "RZBAATWW", "PBNKDEFF100"} {
		assert.NoError(t, customer.ValidateBIC(s), s)
	}
	got, err := customer.NormalizeBIC(" deut de ff ")
	require.NoError(t, err)
	assert.Equal(t, "DEUTDEFF", got)

	for _, tc := range []struct {
		bic   string
		cause error
	}{
		{"", customer.ErrRequired},
		{"BNPAFRP", customer.ErrInvalidLength},
		{"BNPAFRPPXX", customer.ErrInvalidLength},
		{"BNPAFRPPXXXX", customer.ErrInvalidLength},
		{"BNP1FRPP", customer.ErrInvalidFormat},    // bank code must be letters
		{"BNPAF1PP", customer.ErrInvalidFormat},    // country must be letters
		{"BNPAFRP_", customer.ErrInvalidFormat},    // location alphanumeric
		{"BNPAFRPPXX!", customer.ErrInvalidFormat}, // branch alphanumeric
		{"BNPAZZPP", customer.ErrUnknownCountry},
	} {
		requireRule(t, customer.ValidateBIC(tc.bic), "bic", tc.cause)
	}
}

func TestSameBIC(t *testing.T) {
	assert.True(t, customer.SameBIC("BNPAFRPP", "bnpa frpp xxx"))
	assert.True(t, customer.SameBIC("DEUTDEFF500", "DEUTDEFF500"))
	assert.False(t, customer.SameBIC("DEUTDEFF", "DEUTDEFF500"))
}

func TestValidateSIREN(t *testing.T) {
	for _, s := range []string{"732829320", "542051180", "303265045", "356000000", "732 829 320", "552.100.554"} {
		assert.NoError(t, customer.ValidateSIREN(s), s)
	}
	for _, tc := range []struct {
		siren string
		cause error
	}{
		{"", customer.ErrRequired},
		{"732829321", customer.ErrInvalidChecksum}, // last digit mistyped
		{"732829230", customer.ErrInvalidChecksum}, // two digits swapped
		{"73282932", customer.ErrInvalidLength},
		{"7328293200", customer.ErrInvalidLength},
		{"73282932O", customer.ErrInvalidFormat}, // letter O for zero
		{"000000000", customer.ErrInvalidFormat},
	} {
		requireRule(t, customer.ValidateSIREN(tc.siren), "siren", tc.cause)
	}
}

func TestValidateSIRET(t *testing.T) {
	for _, s := range []string{"73282932000074", "732 829 320 00074", "54205118000066"} {
		assert.NoError(t, customer.ValidateSIRET(s), s)
	}
	for _, tc := range []struct {
		siret string
		cause error
	}{
		{"", customer.ErrRequired},
		{"73282932000075", customer.ErrInvalidChecksum}, // NIC check digit mistyped
		{"73282932100074", customer.ErrInvalidChecksum}, // SIREN part broken
		{"7328293200007", customer.ErrInvalidLength},
		{"7328293200007A", customer.ErrInvalidFormat},
	} {
		requireRule(t, customer.ValidateSIRET(tc.siret), "siret", tc.cause)
	}
}

func TestValidateSIRETLaPoste(t *testing.T) {
	// La Poste's establishments (SIREN 356 000 000) are numbered without the
	// Luhn key: the digits add up to a multiple of 5 instead. The numbers
	// below are constructed by that rule.
	assert.NoError(t, customer.ValidateSIRET("35600000000010"), "digit sum 15, fails Luhn")
	assert.NoError(t, customer.ValidateSIRET("356 000 000 49837"), "digit sum 45, fails Luhn")
	// The head office is an ordinary Luhn number (digit sum 26).
	assert.NoError(t, customer.ValidateSIRET("35600000000048"))
	// A La Poste SIRET whose digits do not add up to a multiple of 5.
	requireRule(t, customer.ValidateSIRET("35600000012345"), "siret", customer.ErrInvalidChecksum)
	// Passing Luhn is not enough for La Poste's other establishments: digit sum 19.
	requireRule(t, customer.ValidateSIRET("35600000000014"), "siret", customer.ErrInvalidChecksum)
}

func TestFrenchVATNumber(t *testing.T) {
	for siren, want := range map[string]string{
		"303265045":   "FR40303265045",
		"732829320":   "FR44732829320",
		"542051180":   "FR59542051180",
		"356 000 000": "FR39356000000",
	} {
		got, err := customer.FrenchVATNumber(siren)
		require.NoError(t, err, siren)
		assert.Equal(t, want, got, siren)
		assert.NoError(t, customer.ValidateVAT(got))
	}
	_, err := customer.FrenchVATNumber("732829321")
	requireRule(t, err, "siren", customer.ErrInvalidChecksum)
}

func TestValidateVATFrance(t *testing.T) {
	for _, s := range []string{"FR40303265045", "FR 44 732829320", "fr44 732 829 320", "FR44.732.829.320"} {
		assert.NoError(t, customer.ValidateVAT(s), s)
	}
	// Alphanumeric keys (numbers issued without a numeric key) are accepted
	// on format; the 9 digits must still be a SIREN.
	assert.NoError(t, customer.ValidateVAT("FRK7303265045"))
	// Monaco's companies have FR numbers without a SIREN.
	// (key 90 = (12 + 3 × (12345 mod 97)) mod 97)
	assert.NoError(t, customer.ValidateVAT("FR90000012345"))

	requireRule(t, customer.ValidateVAT("FR41303265045"), "vat_number", customer.ErrInvalidChecksum) // wrong key
	requireRule(t, customer.ValidateVAT("FR44732829321"), "vat_number", customer.ErrInvalidChecksum) // SIREN typo
	requireRule(t, customer.ValidateVAT("FR4430326504"), "vat_number", customer.ErrInvalidFormat)    // 8 digits
	requireRule(t, customer.ValidateVAT("FRI0303265045"), "vat_number", customer.ErrInvalidFormat)   // I is never a key
	requireRule(t, customer.ValidateVAT("FRO0303265045"), "vat_number", customer.ErrInvalidFormat)   // nor O

	err := customer.ValidateVAT("FR41303265045")
	var ve *o2c.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Rule, "expected 40")
}

func TestValidateVATFormats(t *testing.T) {
	valid := map[string][]string{
		"AT": {"ATU13585627"},
		"BE": {"BE0403170701", "BE1234567890"},
		"BG": {"BG123456789", "BG1234567890"},
		"CY": {"CY10259033P"},
		"CZ": {"CZ12345678", "CZ123456789", "CZ1234567890"},
		"DE": {"DE136695976"},
		"DK": {"DK13585628"},
		"EE": {"EE100931558"},
		"EL": {"EL094259216"},
		"ES": {"ESA28015865", "ES12345678Z", "ESX1234567L"},
		"FI": {"FI20774740"},
		"HR": {"HR33392005961"},
		"HU": {"HU12892312"},
		"IE": {"IE6388047V", "IE8Z49289F", "IE3628739UA", "IE1234567WH"},
		"IT": {"IT00743110157"},
		"LT": {"LT119511515", "LT100001919017"},
		"LU": {"LU15027442"},
		"LV": {"LV40003521600"},
		"MT": {"MT11679112"},
		"NL": {"NL004495445B01", "NL123456789B12"},
		"PL": {"PL5260250274"},
		"PT": {"PT501964843"},
		"RO": {"RO18547290", "RO12", "RO1234567890"},
		"SE": {"SE556188840401"},
		"SI": {"SI50223054"},
		"SK": {"SK2020317068"},
		"XI": {"XI123456789", "XI123456789012", "XIGD001", "XIHA500"},
		"GB": {"GB980780684", "GB 980 7806 84"},
	}
	for prefix, numbers := range valid {
		for _, n := range numbers {
			assert.NoError(t, customer.ValidateVAT(n), "%s: %s", prefix, n)
		}
	}
	invalid := []string{
		"AT13585627",     // missing U
		"BE2403170701",   // must start with 0 or 1
		"BE403170701",    // 9 digits
		"BG12345678",     // 8 digits
		"CY102590330",    // last must be a letter
		"CZ1234567",      // 7 digits
		"DE13669597",     // 8 digits
		"DE1366959761",   // 10 digits
		"DK1358562",      // 7 digits
		"EE10093155",     // 8 digits
		"EL09425921",     // 8 digits
		"ES123456789",    // all digits
		"FI2077474",      // 7 digits
		"HR3339200596",   // 10 digits
		"HU1289231",      // 7 digits
		"IE6388047",      // no letter
		"IT0074311015",   // 10 digits
		"LT1195115151",   // 10 digits
		"LU150274421",    // 9 digits
		"LV4000352160",   // 10 digits
		"MT1167911",      // 7 digits
		"NL004495445B1",  // one digit after B
		"NL004495445C01", // C instead of B
		"PL526025027",    // 9 digits
		"PT50196484",     // 8 digits
		"RO0123",         // leading zero
		"RO1",            // 1 digit
		"RO12345678901",  // 11 digits
		"SE556188840402", // must end in 01
		"SI5022305",      // 7 digits
		"SK202031706",    // 9 digits
		"XI12345678",     // 8 digits
		"XIGD500",        // government departments are 000-499
		"XIHA499",        // health authorities are 500-999
	}
	for _, n := range invalid {
		requireRule(t, customer.ValidateVAT(n), "vat_number", customer.ErrInvalidFormat)
	}
}

func TestValidateVATPrefixes(t *testing.T) {
	err := customer.ValidateVAT("GR094259216")
	requireRule(t, err, "vat_number", customer.ErrUnknownCountry)
	assert.Contains(t, err.Error(), "EL")

	requireRule(t, customer.ValidateVAT("US123456789"), "vat_number", customer.ErrUnknownCountry)
	requireRule(t, customer.ValidateVAT("CHE123456789"), "vat_number", customer.ErrUnknownCountry)
	requireRule(t, customer.ValidateVAT("123456789"), "vat_number", customer.ErrInvalidFormat)
	requireRule(t, customer.ValidateVAT("F"), "vat_number", customer.ErrInvalidFormat)
	requireRule(t, customer.ValidateVAT(""), "vat_number", customer.ErrRequired)

	got, err := customer.NormalizeVAT(" nl 0044.95445-b01 ")
	require.NoError(t, err)
	assert.Equal(t, "NL004495445B01", got)
}

func TestValidateEmail(t *testing.T) {
	for _, s := range []string{
		"ap@example.com",
		"first.last+invoices@sub.example.co.uk",
		"  compta@societe.fr ",
		"o'brien@example.ie",
		"ap@xn--exmple-cua.fr",
		"factures@société.fr",
	} {
		assert.NoError(t, customer.ValidateEmail(s), s)
	}
	for _, tc := range []struct {
		email string
		cause error
	}{
		{"", customer.ErrRequired},
		{"ap", customer.ErrInvalidFormat},
		{"ap@", customer.ErrInvalidFormat},
		{"@example.com", customer.ErrInvalidFormat},
		{"ap@localhost", customer.ErrInvalidFormat},
		{"Accounts Payable <ap@example.com>", customer.ErrInvalidFormat},
		{"<ap@example.com>", customer.ErrInvalidFormat},
		{"ap@example.com (accounts)", customer.ErrInvalidFormat},
		{"ap@example..com", customer.ErrInvalidFormat},
		{"ap@.example.com", customer.ErrInvalidFormat},
		{"ap@example.com.", customer.ErrInvalidFormat},
		{"ap@-example.com", customer.ErrInvalidFormat},
		{"ap@example.c", customer.ErrInvalidFormat},
		{"ap@192.168.0.1", customer.ErrInvalidFormat},
		{"ap@[192.168.0.1]", customer.ErrInvalidFormat},
		{"ap@exa_mple.com", customer.ErrInvalidFormat},
		{"a b@example.com", customer.ErrInvalidFormat},
		{"ap@example.com, ar@example.com", customer.ErrInvalidFormat},
		{strings.Repeat("a", 65) + "@example.com", customer.ErrInvalidLength},
		{"a@" + strings.Repeat("b", 250) + ".com", customer.ErrInvalidLength},
	} {
		requireRule(t, customer.ValidateEmail(tc.email), "email", tc.cause)
	}
}

func TestValidateCountry(t *testing.T) {
	for _, s := range []string{"FR", "DE", "GR", "GB", "US", "fr", " be ", "XK", "RE", "MC"} {
		assert.NoError(t, customer.ValidateCountry(s), s)
	}
	requireRule(t, customer.ValidateCountry(""), "country", customer.ErrRequired)
	requireRule(t, customer.ValidateCountry("FRA"), "country", customer.ErrInvalidFormat)
	requireRule(t, customer.ValidateCountry("F1"), "country", customer.ErrInvalidFormat)
	for _, s := range []string{"UK", "EL", "XI", "EU", "ZZ", "YU", "AN"} {
		requireRule(t, customer.ValidateCountry(s), "country", customer.ErrUnknownCountry)
	}
}

func TestInEU(t *testing.T) {
	members := []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
		"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
	for _, c := range members {
		assert.True(t, customer.InEU(c), c)
	}
	for _, c := range []string{"GB", "CH", "NO", "IS", "LI", "MC", "US", "EL", "XI", ""} {
		assert.False(t, customer.InEU(c), c)
	}
	assert.True(t, customer.InEU("fr"))
}

func TestValidatePostcode(t *testing.T) {
	for _, tc := range [][2]string{
		{"FR", "75008"}, {"DE", "10115"}, {"BE", "1000"}, {"NL", "1012 AB"}, {"NL", "1012ab"},
		{"GB", "SW1A 1AA"}, {"GB", "m1 1ae"}, {"GB", "EC1A 1BB"}, {"US", "94105"}, {"US", "94105-1234"},
		{"PT", "1000-001"}, {"LU", "L-1234"}, {"CH", "8001"}, {"SE", "114 55"}, {"", "ABC-123"},
	} {
		assert.NoError(t, customer.ValidatePostcode(tc[0], tc[1]), "%v", tc)
	}
	for _, tc := range [][2]string{
		{"FR", "7500"}, {"FR", "750008"}, {"DE", "1011"}, {"NL", "1012"}, {"GB", "SW1A1AAA"}, {"US", "9410"},
	} {
		requireRule(t, customer.ValidatePostcode(tc[0], tc[1]), "postcode", customer.ErrInvalidFormat)
	}
	requireRule(t, customer.ValidatePostcode("SE", "114#55"), "postcode", customer.ErrInvalidFormat)
	requireRule(t, customer.ValidatePostcode("FR", " "), "postcode", customer.ErrRequired)
}

func TestPostcodeRequired(t *testing.T) {
	assert.True(t, customer.PostcodeRequired("FR"))
	assert.True(t, customer.PostcodeRequired(""))
	assert.False(t, customer.PostcodeRequired("HK"))
	assert.False(t, customer.PostcodeRequired("ae"))
}

func TestValidateLanguage(t *testing.T) {
	for _, s := range []string{"fr", "en", "fr-FR", "fr-fr", "en_GB", "de-CH", "pt-BR", "zh-Hant"} {
		assert.NoError(t, customer.ValidateLanguage(s), s)
	}
	for _, s := range []string{"xx", "english", "fr-", "und", "x-private", "12", "fr FR"} {
		requireRule(t, customer.ValidateLanguage(s), "language", customer.ErrInvalidFormat)
	}
	requireRule(t, customer.ValidateLanguage(""), "language", customer.ErrRequired)
}
