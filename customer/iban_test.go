package customer_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/o2c"
)

// Real IBANs published by banks and the SWIFT registry as examples.
var validIBANs = []struct{ print, compact string }{
	{"FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"},
	{"DE89 3704 0044 0532 0130 00", "DE89370400440532013000"},
	{"GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"},
	{"BE71 0961 2345 6769", "BE71096123456769"},
	{"NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"},
	{"CH93 0076 2011 6238 5295 7", "CH9300762011623852957"},
	{"ES91 2100 0418 4502 0005 1332", "ES9121000418450200051332"},
	{"IT60 X054 2811 1010 0000 0123 456", "IT60X0542811101000000123456"},
	{"NO93 8601 1117 947", "NO9386011117947"},
	{"MT84 MALT 0110 0001 2345 MTLC AST0 01S", "MT84MALT011000012345MTLCAST001S"},
	{"LC55 HEMM 0001 0001 0012 0012 0002 3015", "LC55HEMM000100010012001200023015"},
	{"FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"},
	{"LU28 0019 4006 4475 0000", "LU280019400644750000"},
	{"AT61 1904 3002 3457 3201", "AT611904300234573201"},
}

func TestValidateIBANAcceptsRealIBANs(t *testing.T) {
	for _, tc := range validIBANs {
		t.Run(tc.compact, func(t *testing.T) {
			require.NoError(t, customer.ValidateIBAN(tc.print))
			require.NoError(t, customer.ValidateIBAN(tc.compact))
			got, err := customer.NormalizeIBAN(tc.print)
			require.NoError(t, err)
			assert.Equal(t, tc.compact, got)
			assert.Equal(t, tc.print, customer.FormatIBAN(tc.compact))
		})
	}
}

func TestValidateIBANAcceptsTypedForms(t *testing.T) {
	for _, s := range []string{
		"fr76 3000 6000 0112 3456 7890 189",
		"  DE89-3704-0044-0532-0130-00 ",
		"GB82\u00a0WEST\u00a01234\u00a05698\u00a07654\u00a032", // non-breaking spaces from a PDF
		"be71\t0961 2345 6769",
	} {
		assert.NoError(t, customer.ValidateIBAN(s), s)
	}
}

func TestValidateIBANRejects(t *testing.T) {
	tests := []struct {
		name  string
		iban  string
		cause error
	}{
		{"empty", "", customer.ErrRequired},
		{"only spaces", "   ", customer.ErrRequired},
		{"one digit mistyped", "FR76 3000 6000 0112 3456 7890 188", customer.ErrInvalidChecksum},
		{"two digits swapped", "DE89 3704 0044 0532 0131 00", customer.ErrInvalidChecksum},
		{"adjacent transposition", "BE71 0961 2345 6796", customer.ErrInvalidChecksum},
		{"letter mistyped", "GB82 WEST 1234 5698 7654 32"[:5] + "X" + "EST 1234 5698 7654 32", customer.ErrInvalidChecksum},
		{"check digits altered", "NL92 ABNA 0417 1643 00", customer.ErrInvalidChecksum},
		{"one character short", "DE89 3704 0044 0532 0130 0", customer.ErrInvalidLength},
		{"one character long", "NL91 ABNA 0417 1643 001", customer.ErrInvalidLength},
		{"country without IBAN", "US12 3456 7890 1234 5678 90", customer.ErrUnknownCountry},
		{"punctuation", "FR76.3000.6000.0112.3456.7890.189", customer.ErrInvalidFormat},
		{"accented letter", "FR76 3000 6000 0112 3456 7890 18é", customer.ErrInvalidFormat},
		{"no check digits", "FRAB 3000 6000 0112 3456 7890 189", customer.ErrInvalidFormat},
		{"too short to hold a country", "F", customer.ErrInvalidFormat},
		{"country code lower-case digits", "1276 3000", customer.ErrInvalidFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := customer.ValidateIBAN(tc.iban)
			require.Error(t, err)
			assert.ErrorIs(t, err, o2c.ErrValidation)
			assert.ErrorIs(t, err, tc.cause)
			var ve *o2c.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "iban", ve.Field)
			assert.NotEmpty(t, ve.Rule)
			_, nerr := customer.NormalizeIBAN(tc.iban)
			assert.Error(t, nerr)
		})
	}
}

func TestValidateIBANRuleNamesExpectedLength(t *testing.T) {
	err := customer.ValidateIBAN("DE89 3704 0044 0532 0130 0")
	var ve *o2c.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "must be 22 characters for DE", ve.Rule)
}

func TestIBANLengthRegistry(t *testing.T) {
	for country, want := range map[string]int{
		"FR": 27, "DE": 22, "GB": 22, "BE": 16, "NL": 18, "NO": 15, "RU": 33, "LC": 32,
		"MT": 31, "XK": 20, "EG": 29, "YE": 30, "OM": 23, "FK": 18, "MN": 20, "SO": 23,
	} {
		got, ok := customer.IBANLength(country)
		assert.True(t, ok, country)
		assert.Equal(t, want, got, country)
	}
	for _, country := range []string{"US", "CA", "AU", "JP", "CN", "fr", ""} {
		_, ok := customer.IBANLength(country)
		assert.False(t, ok, country)
	}
}

func TestFormatIBAN(t *testing.T) {
	assert.Equal(t, "FR76 3000 6000 0112 3456 7890 189", customer.FormatIBAN("fr7630006000011234567890189"))
	assert.Equal(t, "NO93 8601 1117 947", customer.FormatIBAN(" NO93 860111 17947"))
	assert.Equal(t, "", customer.FormatIBAN(""))
	assert.Equal(t, "ABCD", customer.FormatIBAN("abcd"))
	assert.Equal(t, "ABCD E", customer.FormatIBAN("abcde"))
}

func TestCompactIBAN(t *testing.T) {
	assert.Equal(t, "FR7630006000011234567890189", customer.CompactIBAN(" fr76 3000-6000 0112\t3456 7890 189\n"))
}
