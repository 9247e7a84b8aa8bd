package matching

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// legalForms are company-form tokens dropped from names before comparing
// them (after accents, case and dots are gone: "S.A.R.L." is "sarl"), for
// the countries whose payers the engine sees most: France, Germany and
// Austria, the UK and Ireland, the US, Spain, Italy, the Netherlands and
// Belgium, and the Nordics. "Co", "Cie", "Cia", "& Sons" and filler words
// ("the", "and", "et", "und", "y") go too.
var legalForms = map[string]bool{
	// France
	"sa": true, "sas": true, "sasu": true, "sarl": true, "eurl": true, "snc": true, "sca": true, "sci": true, "scop": true,
	"scp": true, "selarl": true, "selas": true, "gie": true, "eirl": true, "ste": true, "ets": true, "cie": true,
	// Germany, Austria
	"gmbh": true, "ag": true, "kg": true, "kgaa": true, "ohg": true, "ug": true, "ev": true, "eg": true, "gbr": true, "mbh": true,
	"haftungsbeschrankt": true, "aktiengesellschaft": true, "kommanditgesellschaft": true, "se": true,
	// UK, Ireland
	"ltd": true, "limited": true, "plc": true, "llp": true, "lp": true, "cic": true, "dac": true, "uc": true,
	// US
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "llc": true, "pllc": true, "pc": true, "co": true,
	"company": true, "sons": true,
	// Spain
	"sl": true, "slu": true, "sll": true, "slne": true, "sau": true, "scoop": true, "cia": true, "compania": true,
	// Italy
	"spa": true, "srl": true, "srls": true, "sapa": true, "scarl": true, "scrl": true,
	// Netherlands, Belgium
	"bv": true, "nv": true, "vof": true, "cv": true, "bvba": true, "sprl": true, "ua": true,
	// Nordics
	"oy": true, "oyj": true, "ab": true, "as": true, "asa": true, "aps": true,
	// filler
	"et": true, "and": true, "und": true, "the": true,
}

// legalPhrases are legal forms written out in words, dropped as a whole
// (a single word of them, such as "societe", may be part of a name).
var legalPhrases = [][]string{
	{"societe", "anonyme"}, {"societe", "par", "actions", "simplifiee"}, {"societe", "responsabilite", "limitee"},
	{"sociedad", "anonima"}, {"sociedad", "limitada"}, {"sociedad", "responsabilidad", "limitada"},
	{"societa", "per", "azioni"}, {"societa", "responsabilita", "limitata"},
	{"besloten", "vennootschap"}, {"naamloze", "vennootschap"},
	{"gesellschaft", "mit", "beschrankter", "haftung"}, {"gesellschaft", "mbh"},
	{"public", "limited", "company"}, {"limited", "liability", "company"}, {"limited", "partnership"},
}

// nameAbbreviations spell out the abbreviations payers and banks use in
// company names, so that "Intl Mfg" and "International Manufacturing"
// compare equal (the long form is kept: a name truncated by the bank is
// a prefix of it).
var nameAbbreviations = map[string]string{
	"intl": "international", "int": "international", "mfg": "manufacturing", "mfrs": "manufacturers", "bros": "brothers",
	"svc": "services", "svcs": "services", "hldg": "holding", "hldgs": "holdings", "grp": "group", "inds": "industries",
	"assoc": "associates", "assocs": "associates", "labs": "laboratories", "lab": "laboratory", "sys": "systems",
	"dist": "distribution", "distr": "distribution", "mgmt": "management", "natl": "national", "amer": "american",
	"dept": "department", "ctr": "center", "tech": "technologies", "techs": "technologies", "prods": "products",
	"eqpt": "equipment", "equip": "equipment", "engg": "engineering", "eng": "engineering", "elec": "electric",
	"constr": "construction", "transp": "transport", "univ": "university", "hosp": "hospital", "med": "medical",
	"ent": "enterprises", "ents": "enterprises", "st": "saint", "mt": "mount",
}

// NormalizeName returns a payer or customer name as comparable tokens:
// compatibility-decomposed (NFKD) with accents stripped, lower case,
// punctuation turned into spaces, runs of single letters joined ("S.A.R.L"
// gives "sarl"), legal forms dropped whether abbreviated (SA, SARL, GmbH,
// KGaA, Ltd, PLC, Inc, LLC, S.L., S.p.A., S.r.l., B.V., N.V., ...) or
// written out ("Société Anonyme", "Besloten Vennootschap"), filler words
// and "& Sons" dropped, and common abbreviations spelt out ("Intl" gives
// "international", "Mfg" "manufacturing", "Bros" "brothers").
func NormalizeName(s string) []string {
	d := norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case r == '.' || r == '\'':
			// "S.A." and "l'atelier": keep letters together
			b.WriteByte('.')
		default:
			b.WriteByte(' ')
		}
	}
	raw := strings.Fields(b.String())
	var toks []string
	for _, f := range raw {
		parts := strings.Split(f, ".")
		// "s.a.r.l" -> "sarl"; "l.atelier" -> "l", "atelier"
		allSingle := len(parts) > 1
		for _, p := range parts {
			if len([]rune(p)) > 1 {
				allSingle = false
			}
		}
		if allSingle {
			toks = append(toks, strings.Join(parts, ""))
			continue
		}
		for _, p := range parts {
			if p != "" {
				toks = append(toks, p)
			}
		}
	}
	toks = dropPhrases(toks)
	out := toks[:0]
	for _, t := range toks {
		if legalForms[t] || len([]rune(t)) == 1 {
			continue
		}
		if long, ok := nameAbbreviations[t]; ok {
			t = long
		}
		out = append(out, t)
	}
	return out
}

// dropPhrases removes the legal forms written out in words.
func dropPhrases(toks []string) []string {
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		skip := 0
		for _, ph := range legalPhrases {
			if len(ph) <= len(toks)-i && slices.Equal(toks[i:i+len(ph)], ph) {
				skip = len(ph)
				break
			}
		}
		if skip > 0 {
			i += skip - 1
			continue
		}
		out = append(out, toks[i])
	}
	return out
}

// NameSimilarity returns how alike two normalised names are, from 0 to 1:
// twice the tokens matched over the tokens of both. Tokens match when
// equal, when one of five or more letters is one edit from the other, or
// when the last token of a (truncated by the bank) is a prefix of three
// or more letters of a token of b.
func NameSimilarity(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	used := make([]bool, len(b))
	matched := 0
	for i, t := range a {
		for j, u := range b {
			if used[j] {
				continue
			}
			if t == u || (len(t) >= 5 && len(u) >= 5 && Distance(t, u) <= 1) ||
				(i == len(a)-1 && len(t) >= 3 && strings.HasPrefix(u, t)) {
				used[j] = true
				matched++
				break
			}
		}
	}
	return 2 * float64(matched) / float64(len(a)+len(b))
}
