package customer

import (
	"regexp"
	"strings"
)

// iso3166 lists the 249 officially assigned ISO 3166-1 alpha-2 codes.
const iso3166 = "" +
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ " +
	"EC EE EG EH ER ES ET " +
	"FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU " +
	"ID IE IL IM IN IO IQ IR IS IT " +
	"JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ " +
	"LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ " +
	"OM " +
	"PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
	"QA " +
	"RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
	"UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU " +
	"WF WS " +
	"YE YT " +
	"ZA ZM ZW"

// countries is iso3166 as a set, plus XK: Kosovo has no official ISO code
// but the user-assigned XK is what the EU, SWIFT (BICs) and the IBAN
// registry use.
var countries = func() map[string]bool {
	m := map[string]bool{"XK": true}
	for _, c := range strings.Fields(iso3166) {
		m[c] = true
	}
	return m
}()

// euMembers are the 27 member states of the European Union, by ISO 3166 code.
var euMembers = map[string]bool{
	"AT": true, "BE": true, "BG": true, "CY": true, "CZ": true, "DE": true, "DK": true,
	"EE": true, "ES": true, "FI": true, "FR": true, "GR": true, "HR": true, "HU": true,
	"IE": true, "IT": true, "LT": true, "LU": true, "LV": true, "MT": true, "NL": true,
	"PL": true, "PT": true, "RO": true, "SE": true, "SI": true, "SK": true,
}

func isCountry(code string) bool { return countries[code] }

// normalizeCountry trims and upper-cases a country code.
func normalizeCountry(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ValidateCountry checks that code is an ISO 3166-1 alpha-2 country code
// ("FR", "DE"), or XK for Kosovo. Lower case and surrounding spaces are
// accepted; customers store the upper-case form. It returns nil or a
// *[o2c.ValidationError] with Field "country".
func ValidateCountry(code string) error {
	c := normalizeCountry(code)
	switch {
	case c == "":
		return invalid("country", "is required", code, ErrRequired)
	case len(c) != 2 || !isUpper(c[0]) || !isUpper(c[1]):
		return invalid("country", "must be a two-letter ISO 3166 code", code, ErrInvalidFormat)
	case !isCountry(c):
		return invalid("country", "is not an ISO 3166 country code", code, ErrUnknownCountry)
	}
	return nil
}

// InEU reports whether country (an ISO 3166 alpha-2 code, any case) is a
// member state of the European Union. Greece is "GR" here, as in ISO 3166;
// only its VAT numbers use "EL". Northern Ireland is part of "GB".
func InEU(country string) bool { return euMembers[normalizeCountry(country)] }

// postcodeFormats are the postal code formats checked for a few countries
// whose format is simple and stable. Other countries get a length and
// character check only.
var postcodeFormats = map[string]*regexp.Regexp{
	"AT": regexp.MustCompile(`^\d{4}$`),
	"BE": regexp.MustCompile(`^\d{4}$`),
	"CH": regexp.MustCompile(`^\d{4}$`),
	"DE": regexp.MustCompile(`^\d{5}$`),
	"DK": regexp.MustCompile(`^\d{4}$`),
	"ES": regexp.MustCompile(`^\d{5}$`),
	"FR": regexp.MustCompile(`^\d{5}$`),
	"GB": regexp.MustCompile(`^([A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}|GIR 0AA)$`),
	"IT": regexp.MustCompile(`^\d{5}$`),
	"LU": regexp.MustCompile(`^(L-)?\d{4}$`),
	"NL": regexp.MustCompile(`^\d{4} ?[A-Z]{2}$`),
	"PT": regexp.MustCompile(`^\d{4}-\d{3}$`),
	"US": regexp.MustCompile(`^\d{5}(-\d{4})?$`),
}

// genericPostcode is what any postcode must look like.
var genericPostcode = regexp.MustCompile(`^[0-9A-Z][0-9A-Z -]{0,10}[0-9A-Z]$|^[0-9A-Z]$`)

// noPostcode lists countries without a national postal code system, where
// [ReadyToInvoice] does not ask for one.
var noPostcode = map[string]bool{
	"AE": true, "AG": true, "AO": true, "AW": true, "BF": true, "BI": true, "BJ": true,
	"BS": true, "BW": true, "BZ": true, "CD": true, "CF": true, "CG": true, "CI": true,
	"CK": true, "CM": true, "DJ": true, "DM": true, "ER": true, "FJ": true, "GA": true,
	"GD": true, "GH": true, "GM": true, "GQ": true, "GY": true, "HK": true, "KI": true,
	"KM": true, "KN": true, "KP": true, "LY": true, "ML": true, "MO": true, "MR": true,
	"MW": true, "NR": true, "NU": true, "QA": true, "RW": true, "SB": true, "SC": true,
	"SL": true, "SR": true, "SY": true, "TD": true, "TG": true, "TK": true, "TL": true,
	"TO": true, "TV": true, "UG": true, "VU": true, "YE": true, "ZW": true,
}

// PostcodeRequired reports whether addresses in country have postal codes,
// so that [ReadyToInvoice] asks for one. It is false for the few countries
// without a postal code system (Hong Kong, Qatar, the United Arab Emirates,
// ...).
func PostcodeRequired(country string) bool { return !noPostcode[normalizeCountry(country)] }

// normalizePostcode trims, upper-cases and collapses inner spaces.
func normalizePostcode(s string) string {
	return strings.Join(strings.Fields(strings.ToUpper(s)), " ")
}

// ValidatePostcode checks a postal code for country: the national format for
// AT, BE, CH, DE, DK, ES, FR, GB, IT, LU, NL, PT and US; 1 to 12 letters,
// digits, spaces or hyphens elsewhere. Lower case and extra spaces are
// accepted. An empty postcode is an error. It returns nil or a
// *[o2c.ValidationError] with Field "postcode".
func ValidatePostcode(country, postcode string) error {
	p := normalizePostcode(postcode)
	if p == "" {
		return invalid("postcode", "is required", postcode, ErrRequired)
	}
	if re, ok := postcodeFormats[normalizeCountry(country)]; ok {
		if !re.MatchString(p) {
			return invalid("postcode", "is not a valid postal code for "+normalizeCountry(country), postcode, ErrInvalidFormat)
		}
		return nil
	}
	if !genericPostcode.MatchString(p) {
		return invalid("postcode", "must be 1 to 12 letters, digits, spaces or hyphens", postcode, ErrInvalidFormat)
	}
	return nil
}
