package customer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// vatFormats are the formats of VAT identification numbers after the
// two-letter prefix, as published by the European Commission for VIES: the
// 27 member states (Greece as "EL"), Northern Ireland ("XI", same format as
// the United Kingdom) and the United Kingdom itself ("GB"), which customers
// of EU sellers still quote.
var vatFormats = map[string]*regexp.Regexp{
	"AT": regexp.MustCompile(`^U\d{8}$`),
	"BE": regexp.MustCompile(`^[01]\d{9}$`),
	"BG": regexp.MustCompile(`^\d{9,10}$`),
	"CY": regexp.MustCompile(`^\d{8}[A-Z]$`),
	"CZ": regexp.MustCompile(`^\d{8,10}$`),
	"DE": regexp.MustCompile(`^\d{9}$`),
	"DK": regexp.MustCompile(`^\d{8}$`),
	"EE": regexp.MustCompile(`^\d{9}$`),
	"EL": regexp.MustCompile(`^\d{9}$`),
	"ES": regexp.MustCompile(`^([A-Z]\d{7}[0-9A-Z]|\d{8}[A-Z])$`),
	"FI": regexp.MustCompile(`^\d{8}$`),
	"FR": regexp.MustCompile(`^[0-9A-HJ-NP-Z]{2}\d{9}$`),
	"HR": regexp.MustCompile(`^\d{11}$`),
	"HU": regexp.MustCompile(`^\d{8}$`),
	"IE": regexp.MustCompile(`^(\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$`),
	"IT": regexp.MustCompile(`^\d{11}$`),
	"LT": regexp.MustCompile(`^(\d{9}|\d{12})$`),
	"LU": regexp.MustCompile(`^\d{8}$`),
	"LV": regexp.MustCompile(`^\d{11}$`),
	"MT": regexp.MustCompile(`^\d{8}$`),
	"NL": regexp.MustCompile(`^\d{9}B\d{2}$`),
	"PL": regexp.MustCompile(`^\d{10}$`),
	"PT": regexp.MustCompile(`^\d{9}$`),
	"RO": regexp.MustCompile(`^[1-9]\d{1,9}$`),
	"SE": regexp.MustCompile(`^\d{10}01$`),
	"SI": regexp.MustCompile(`^\d{8}$`),
	"SK": regexp.MustCompile(`^\d{10}$`),
	"XI": regexp.MustCompile(`^(\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2})$`),
	"GB": regexp.MustCompile(`^(\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2})$`),
}

// vatExamples shows one well-formed number per prefix in error messages.
var vatExamples = map[string]string{
	"AT": "ATU12345678", "BE": "BE0123456789", "BG": "BG123456789", "CY": "CY12345678X",
	"CZ": "CZ12345678", "DE": "DE123456789", "DK": "DK12345678", "EE": "EE123456789",
	"EL": "EL123456789", "ES": "ESX1234567X", "FI": "FI12345678", "FR": "FR40303265045",
	"HR": "HR12345678901", "HU": "HU12345678", "IE": "IE1234567WA", "IT": "IT12345678901",
	"LT": "LT123456789", "LU": "LU12345678", "LV": "LV12345678901", "MT": "MT12345678",
	"NL": "NL123456789B01", "PL": "PL1234567890", "PT": "PT123456789", "RO": "RO1234567890",
	"SE": "SE123456789001", "SI": "SI12345678", "SK": "SK1234567890", "XI": "XI123456789",
	"GB": "GB123456789",
}

// CompactVAT returns s without white space, dots or hyphens, in upper case
// ("fr 40 303.265.045" gives "FR40303265045"). It does not validate.
func CompactVAT(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '.' || r == '-' {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// ValidateVAT checks the format of a VAT identification number: a prefix
// for an EU member state ("EL" for Greece, never "GR"), "XI" for Northern
// Ireland or "GB", then that country's format (see the Commission's VIES
// documentation). French numbers are checked further: FR, a 2-character
// key, then 9 digits that form a valid SIREN (except Monaco's, which start
// with 000); a numeric key must equal (12 + 3 × (SIREN mod 97)) mod 97.
// Spaces, dots, hyphens and lower case are accepted. Whether the number is
// actually registered is a question for VIES, not for this function. It
// returns nil or a *[o2c.ValidationError] with Field "vat_number".
func ValidateVAT(s string) error {
	_, err := NormalizeVAT(s)
	return err
}

// NormalizeVAT validates s like [ValidateVAT] and returns its compact form
// ("FR40303265045").
func NormalizeVAT(s string) (string, error) {
	const field = "vat_number"
	v := CompactVAT(s)
	if v == "" {
		return "", invalid(field, "is required", s, ErrRequired)
	}
	if len(v) < 3 || !isUpper(v[0]) || !isUpper(v[1]) {
		return "", invalid(field, "must start with a two-letter country prefix", s, ErrInvalidFormat)
	}
	prefix, body := v[:2], v[2:]
	if prefix == "GR" {
		return "", invalid(field, "Greek VAT numbers start with EL, not GR", s, ErrUnknownCountry)
	}
	re, ok := vatFormats[prefix]
	if !ok {
		return "", invalid(field, "prefix "+prefix+" is not an EU VAT prefix (or XI, GB)", s, ErrUnknownCountry)
	}
	if !re.MatchString(body) {
		return "", invalid(field, "does not match the "+prefix+" format, e.g. "+vatExamples[prefix], s, ErrInvalidFormat)
	}
	if prefix == "FR" {
		if err := checkFrenchVAT(body); err != nil {
			return "", invalid(field, err.Error(), s, ErrInvalidChecksum)
		}
	}
	return v, nil
}

type ruleError string

func (e ruleError) Error() string { return string(e) }

// checkFrenchVAT checks key + SIREN (11 characters, format already checked).
func checkFrenchVAT(body string) error {
	key, siren := body[:2], body[2:]
	if !strings.HasPrefix(siren, "000") { // Monaco: FR VAT number, no SIREN
		if _, err := normalizeSIREN(siren); err != nil {
			return ruleError("must end with a valid SIREN")
		}
	}
	if allDigits(key) {
		if want := frenchVATKey(siren); key != want {
			return ruleError("key " + key + " does not match the SIREN (expected " + want + ")")
		}
	}
	return nil
}

// frenchVATKey returns the numeric key for a 9-digit SIREN.
func frenchVATKey(siren string) string {
	n, _ := strconv.ParseUint(siren, 10, 64)
	k := (12 + 3*(n%97)) % 97
	return string([]byte{byte('0' + k/10), byte('0' + k%10)})
}

// FrenchVATNumber returns the intra-community VAT number that France
// derives from a SIREN: "FR", the numeric key (12 + 3 × (SIREN mod 97))
// mod 97 on two digits, then the SIREN. FrenchVATNumber("303265045") is
// "FR40303265045". It returns a *[o2c.ValidationError] with Field "siren"
// if siren is not valid.
func FrenchVATNumber(siren string) (string, error) {
	n, err := normalizeSIREN(siren)
	if err != nil {
		return "", err
	}
	return "FR" + frenchVATKey(n) + n, nil
}

// vatSIREN returns the SIREN inside a French VAT number in compact form,
// or "" for other numbers and Monaco's.
func vatSIREN(vat string) string {
	if len(vat) == 13 && strings.HasPrefix(vat, "FR") && !strings.HasPrefix(vat[4:], "000") {
		return vat[4:]
	}
	return ""
}
