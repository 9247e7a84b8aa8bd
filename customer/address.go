package customer

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// countryNames are the destination-country lines of international mail:
// the country's name in capitals, in English (the Universal Postal Union
// accepts the language of the country of origin or an internationally
// known one). Countries not listed print their ISO code.
var countryNames = map[string]string{
	"AT": "AUSTRIA", "BE": "BELGIUM", "CH": "SWITZERLAND", "DE": "GERMANY", "DK": "DENMARK",
	"ES": "SPAIN", "FR": "FRANCE", "GB": "UNITED KINGDOM", "IE": "IRELAND", "IT": "ITALY",
	"LU": "LUXEMBOURG", "NL": "NETHERLANDS", "PL": "POLAND", "PT": "PORTUGAL", "SE": "SWEDEN",
	"US": "UNITED STATES",
}

// Format returns the address as the lines printed under the addressee's
// name, following the destination country's postal conventions:
//
//	FR  street lines; "75008 PARIS": postcode, then the town in capitals
//	    without accents (La Poste, standard NF Z10-011)
//	DE  street lines; "10117 Berlin" (Deutsche Post)
//	GB  street lines; the post town in capitals on its own line; the
//	    postcode on the last line (Royal Mail)
//	US  street lines; "ANYTOWN NY 12345-6789": city, state code and ZIP
//	    code on one line, in capitals, without punctuation (USPS
//	    Publication 28)
//	ES  street lines; "28001 Madrid"; the province on its own line when
//	    given (Correos)
//	IT  street lines; "00144 Roma RM": postcode, town and province code
//	    on one line (Poste Italiane)
//	BE  street lines; "1000 Bruxelles" (bpost)
//	NL  street lines; "2500 GE  DEN HAAG": postcode, two spaces, the town
//	    in capitals (PostNL)
//
// Other countries print "postcode town" and the region on its own line.
// When from (the sender's ISO 3166 country) is set and differs from the
// address's country, the last line is the destination country's name in
// capitals, as the Universal Postal Union asks for international mail.
func (a Address) Format(from string) []string {
	country := normalizeCountry(a.Country)
	out := make([]string, 0, len(a.Lines)+3)
	for _, l := range a.Lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	pc, city, region := strings.TrimSpace(a.Postcode), strings.TrimSpace(a.City), strings.TrimSpace(a.Region)
	join := func(parts ...string) string {
		var kept []string
		for _, p := range parts {
			if p != "" {
				kept = append(kept, p)
			}
		}
		return strings.Join(kept, " ")
	}
	add := func(s string) {
		if s != "" {
			out = append(out, s)
		}
	}
	switch country {
	case "FR":
		add(join(pc, stripAccents(strings.ToUpper(city))))
	case "GB":
		add(strings.ToUpper(city))
		add(strings.ToUpper(pc))
	case "US":
		add(strings.ToUpper(join(city, region, pc)))
	case "IT":
		add(join(pc, city, strings.ToUpper(region)))
	case "NL":
		switch {
		case pc != "" && city != "":
			add(pc + "  " + strings.ToUpper(city))
		default:
			add(join(pc, strings.ToUpper(city)))
		}
	case "DE", "BE":
		add(join(pc, city))
	default: // ES and the rest: postcode and town, then the region
		add(join(pc, city))
		add(region)
	}
	if from = normalizeCountry(from); from != "" && country != "" && country != from {
		name, ok := countryNames[country]
		if !ok {
			name = country
		}
		out = append(out, name)
	}
	return out
}

// stripAccents removes diacritics ("ÉVRY" -> "EVRY").
func stripAccents(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}
