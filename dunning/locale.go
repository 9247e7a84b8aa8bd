package dunning

import (
	"strings"
	"sync"

	"github.com/bojanz/currency"
	"github.com/shopspring/decimal"
	"golang.org/x/text/language"

	"github.com/cashcycle/sdk/o2c"
)

// textFuncs are the functions templates see: money, date and percent
// format for locale (the letter's language tag, "de-DE"), legal gives the
// legal references in lang (the template's language).
func textFuncs(locale, lang string) map[string]any {
	return map[string]any{
		"money":   func(m o2c.Money) string { return FormatMoney(m, locale) },
		"date":    func(d o2c.Date) string { return FormatDate(d, locale) },
		"percent": func(p decimal.Decimal) string { return FormatPercent(p, locale) },
		"legal":   func(l Letter) string { return LegalReference(l.Jurisdiction, lang, l.LegalReference) },
	}
}

// parseLocale reads a BCP 47 tag with golang.org/x/text/language; an empty
// or malformed tag is English.
func parseLocale(tag string) language.Tag {
	t, err := language.Parse(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	if err != nil || t == language.Und {
		return language.English
	}
	return t
}

var formatters sync.Map // locale string -> *currency.Formatter

func formatter(tag language.Tag, display currency.Display) *currency.Formatter {
	key := tag.String() + "/" + string(rune('0'+display))
	if f, ok := formatters.Load(key); ok {
		return f.(*currency.Formatter)
	}
	f := currency.NewFormatter(currency.NewLocale(tag.String()))
	f.CurrencyDisplay = display
	f.RoundingMode = currency.RoundHalfEven
	f.MaxDigits = 6
	got, _ := formatters.LoadOrStore(key, f)
	return got.(*currency.Formatter)
}

// FormatMoney formats m as the CLDR locale locale writes amounts
// (bojanz/currency): "1.234,56 €" for "de", "1 234,56 €" for "fr",
// "€1,234.56" for "en", "CHF 1’234.56" for "de-CH". The amount is shown
// with the currency's minor digits (rounded half-even when it has more).
// A malformed tag formats as English.
func FormatMoney(m o2c.Money, locale string) string {
	if m.Currency().IsZero() {
		return ""
	}
	a, err := currency.NewAmount(m.Round(o2c.RoundHalfEven).AmountString(), m.Currency().Code())
	if err != nil { // a currency bojanz does not know: code and plain number
		return m.Round(o2c.RoundHalfEven).AmountString() + " " + m.Currency().Code()
	}
	return formatter(parseLocale(locale), currency.DisplaySymbol).Format(a)
}

// FormatPercent formats a rate in percent with two decimals for locale
// ("12,15" in French and German, "12.15" in English), without the sign.
func FormatPercent(p decimal.Decimal, locale string) string {
	a, err := currency.NewAmount(p.StringFixed(2), "EUR")
	if err != nil {
		return p.StringFixed(2)
	}
	f := formatter(parseLocale(locale), currency.DisplayNone)
	return strings.TrimSpace(f.Format(a))
}

// monthNames are the month names of the languages the letters ship dates
// for.
var monthNames = map[string][12]string{
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	"it": {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"pt": {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// FormatDate formats d as a long date for locale: "5 mars 2026" ("1er"
// for the first of the month) in French, "5. März 2026" in German, "5 de
// marzo de 2026" in Spanish and Portuguese, "5 marzo 2026" in Italian,
// "5 maart 2026" in Dutch, "March 5, 2026" in American English and "5
// March 2026" in the other English locales and every other language.
func FormatDate(d o2c.Date, locale string) string {
	if d.IsZero() {
		return ""
	}
	tag := parseLocale(locale)
	base, _ := tag.Base()
	region, conf := tag.Region()
	lang := base.String()
	names, ok := monthNames[lang]
	if !ok {
		lang, names = "en", monthNames["en"]
	}
	day, month, year := d.Time().Format("2"), names[d.Month()-1], d.Time().Format("2006")
	switch lang {
	case "fr":
		if d.Day() == 1 {
			day = "1er"
		}
		return day + " " + month + " " + year
	case "de":
		return day + ". " + month + " " + year
	case "es", "pt":
		return day + " de " + month + " de " + year
	case "en":
		if conf == language.Exact && region.String() == "US" {
			return month + " " + day + ", " + year
		}
	}
	return day + " " + month + " " + year
}

// legalReferences are the legal texts behind each shipped late-payment
// policy ([invoice.LatePaymentPolicy] Jurisdiction), in each language the
// letters ship.
var legalReferences = map[string]map[string]string{
	"FR": {
		"fr": "articles L441-10 II et D441-5 du Code de commerce",
		"en": "French Commercial Code (Code de commerce), articles L441-10 II and D441-5",
	},
	"EU": {
		"fr": "directive 2011/7/UE, articles 2, paragraphes 6 et 7, 3 et 6",
		"en": "Directive 2011/7/EU, articles 2(6) and (7), 3 and 6",
	},
	"DE": {
		"fr": "Code civil allemand (BGB), § 288, alinéas 2 et 5, et § 247",
		"en": "German Civil Code (BGB), § 288 (2) and (5) and § 247",
	},
	"GB": {
		"fr": "loi britannique de 1998 sur les intérêts de retard des dettes commerciales, sections 4 et 5A, et son décret de 2002 fixant le taux, article 4",
		"en": "Late Payment of Commercial Debts (Interest) Act 1998, sections 4 and 5A; Late Payment of Commercial Debts (Rate of Interest) (No. 3) Order 2002, article 4",
	},
}

// LegalReference returns the legal texts of jurisdiction's late-payment
// rules written in lang ("fr", "en"), so that a letter cites its legal
// basis in its own language only. For a jurisdiction or language it does
// not know, it returns fallback (the policy's own Reference) when lang is
// English, and "" otherwise: a letter in another language then cites no
// text rather than one in a foreign language (a host override template
// can print its own).
func LegalReference(jurisdiction, lang, fallback string) string {
	lang = baseLanguage(lang)
	j := strings.ToUpper(jurisdiction)
	if j == "UK" {
		j = "GB"
	}
	if byLang, ok := legalReferences[j]; ok {
		if s, ok := byLang[lang]; ok {
			return s
		}
	}
	if lang == "en" {
		return fallback
	}
	return ""
}
