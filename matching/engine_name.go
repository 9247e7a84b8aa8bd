package matching

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// legalForms are company-form tokens dropped from names before comparing
// them (after accents, case and dots are gone: "S.A.R.L." is "sarl").
var legalForms = map[string]bool{
	"sa": true, "sas": true, "sasu": true, "sarl": true, "eurl": true, "snc": true, "sca": true, "sci": true,
	"gmbh": true, "ag": true, "kg": true, "ohg": true, "ug": true, "ev": true, "mbh": true, "co": true, "cie": true,
	"ltd": true, "limited": true, "plc": true, "llp": true, "llc": true, "inc": true, "corp": true, "corporation": true,
	"bv": true, "nv": true, "vof": true, "bvba": true, "srl": true, "spa": true, "sl": true, "slu": true,
	"oy": true, "oyj": true, "ab": true, "as": true, "asa": true, "aps": true, "et": true, "and": true, "the": true,
}

// NormalizeName returns a payer or customer name as comparable tokens:
// compatibility-decomposed (NFKD) with accents stripped, lower case,
// punctuation turned into spaces, runs of single letters joined ("S.A.R.L"
// gives "sarl") and legal forms (SA, SAS, SARL, GmbH, Ltd, BV, ...) and
// filler words dropped.
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
	out := toks[:0]
	for _, t := range toks {
		if legalForms[t] || len([]rune(t)) == 1 {
			continue
		}
		out = append(out, t)
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
