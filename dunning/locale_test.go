package dunning_test

import (
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

// Expected strings are the CLDR patterns for each locale (decimal and
// group separators, symbol placement), as bojanz/currency ships them.
func TestFormatMoneyPerLocale(t *testing.T) {
	m := o2c.MustMoney("1234.56", "EUR")
	for _, tc := range []struct{ locale, want string }{
		{"de", "1.234,56\u00a0€"},
		{"de-DE", "1.234,56\u00a0€"},
		{"fr", "1\u202f234,56\u00a0€"},
		{"fr-BE", "1\u202f234,56\u00a0€"},
		{"es", "1234,56\u00a0€"}, // CLDR: Spanish groups from five digits
		{"nl", "€\u00a01.234,56"},
		{"en", "€1,234.56"},
		{"en-GB", "€1,234.56"},
		{"", "€1,234.56"},
		{"not a tag!", "€1,234.56"},
	} {
		assert.Equal(t, tc.want, dunning.FormatMoney(m, tc.locale), tc.locale)
	}
	assert.Equal(t, "12.345,67\u00a0€", dunning.FormatMoney(o2c.MustMoney("12345.67", "EUR"), "it"))
	assert.Equal(t, "£1,234.56", dunning.FormatMoney(o2c.MustMoney("1234.56", "GBP"), "en-GB"))
	assert.Equal(t, "$1,234.56", dunning.FormatMoney(o2c.MustMoney("1234.56", "USD"), "en-US"))
	assert.Equal(t, "-1.234,56\u00a0€", dunning.FormatMoney(o2c.MustMoney("-1234.56", "EUR"), "de"))
	assert.Equal(t, "", dunning.FormatMoney(o2c.Money{}, "de"))
	assert.Equal(t, "12,15", dunning.FormatPercent(decimal.RequireFromString("12.15"), "de"))
	assert.Equal(t, "12.15", dunning.FormatPercent(decimal.RequireFromString("12.15"), "en"))
}

func TestFormatDatePerLocale(t *testing.T) {
	d := o2c.MustDate(2026, time.March, 10)
	for _, tc := range []struct{ locale, want string }{
		{"fr", "10 mars 2026"},
		{"de-DE", "10. März 2026"},
		{"es", "10 de marzo de 2026"},
		{"it", "10 marzo 2026"},
		{"nl", "10 maart 2026"},
		{"en", "10 March 2026"},
		{"en-GB", "10 March 2026"},
		{"en-US", "March 10, 2026"},
		{"xx", "10 March 2026"},
	} {
		assert.Equal(t, tc.want, dunning.FormatDate(d, tc.locale), tc.locale)
	}
	assert.Equal(t, "1er avril 2026", dunning.FormatDate(o2c.MustDate(2026, time.April, 1), "fr-FR"))
}

// A German customer's letter (English text, no German template shipped)
// formats its amounts and dates the German way.
func TestGermanCustomerGetsGermanAmounts(t *testing.T) {
	l := sampleLetter("de-DE", dunning.TemplateReminder)
	l.Items[0].Amount = o2c.MustMoney("1234.56", "EUR")
	r, err := dunning.DefaultTemplates().Render(l)
	require.NoError(t, err)
	assert.Contains(t, r.Text, "1.234,56\u00a0€")
	assert.Contains(t, r.HTML, "1.234,56\u00a0€")
	assert.Contains(t, r.Text, "3. Februar 2026")
	assert.NotContains(t, r.Text, "1,234.56")
}

// englishWords are words of the English templates and legal texts that a
// French letter must not contain.
var englishWords = regexp.MustCompile(`\b(and|the|of|Under|Invoice|interest|Principal outstanding|Total claimed|Reference|Pay online|due|Act|Directive|Civil Code)\b`)

// The French letters cite their legal basis in French only, whatever
// jurisdiction's late-payment policy the plan follows.
func TestFrenchLettersHaveNoEnglish(t *testing.T) {
	for _, j := range []string{"FR", "EU", "DE", "GB"} {
		for _, tpl := range []string{dunning.TemplateFormalNotice, dunning.TemplateFinal, dunning.TemplateHandoff, dunning.TemplateReminder} {
			l := sampleLetter("fr-FR", tpl)
			l.Jurisdiction = j
			l.LegalReference = "Code de commerce L441-10 II and D441-5" // the policy's own (English) wording
			r, err := dunning.DefaultTemplates().Render(l)
			require.NoError(t, err)
			for _, part := range []string{r.Subject, r.Text, r.HTML} {
				assert.Empty(t, englishWords.FindAllString(part, -1), "%s/%s: %q", j, tpl, englishWords.FindAllString(part, -1))
			}
		}
	}
	l := sampleLetter("fr", dunning.TemplateFormalNotice)
	l.Jurisdiction = "FR"
	r, err := dunning.DefaultTemplates().Render(l)
	require.NoError(t, err)
	assert.Contains(t, r.Text, "(Fondement : articles L441-10 II et D441-5 du Code de commerce.)")

	// and the English letters cite them in English
	l = sampleLetter("en", dunning.TemplateFormalNotice)
	l.Jurisdiction = "FR"
	r, err = dunning.DefaultTemplates().Render(l)
	require.NoError(t, err)
	assert.Contains(t, r.Text, "(Under French Commercial Code (Code de commerce), articles L441-10 II and D441-5.)")
	assert.NotContains(t, r.Text, "Fondement")
}

func TestLegalReferenceFallback(t *testing.T) {
	assert.Equal(t, "host text", dunning.LegalReference("XX", "en", "host text"), "unknown jurisdiction in English: the policy's text")
	assert.Equal(t, "", dunning.LegalReference("XX", "fr", "host text"), "never a foreign-language text in a French letter")
	assert.Equal(t, dunning.LegalReference("GB", "fr", ""), dunning.LegalReference("UK", "fr", ""))
}

// The pay link covers every item of the letter.
func TestPayLinkCoversAllItems(t *testing.T) {
	l := sampleLetter("fr", dunning.TemplateReminder)
	link := dunning.PayLink("https://pay.example/p")(l)
	u, err := url.Parse(link)
	require.NoError(t, err)
	assert.Equal(t, []string{"FA-1", "FA-2"}, u.Query()["invoice"])
	assert.Equal(t, "1597.48", u.Query().Get("amount"))
	assert.Equal(t, "EUR", u.Query().Get("currency"))
	assert.Equal(t, l.Key, u.Query().Get("ref"))
	assert.Contains(t, dunning.PayLink("https://pay.example/p?tenant=acme")(l), "?tenant=acme&")
}

// The debtor's address is laid out for its country's post, with the
// country's name when the creditor posts from another country.
func TestDebtorAddressPerCountry(t *testing.T) {
	cu := &customer.Customer{Details: customer.Details{Number: "C-1", LegalName: "Widgets Ltd", Country: "GB",
		BillingAddress: customer.Address{Country: "GB", Lines: []string{"1 High Street"}, Postcode: "EC1A 1BB", City: "London"}}}
	assert.Equal(t, []string{"1 High Street", "LONDON", "EC1A 1BB", "UNITED KINGDOM"}, dunning.DebtorOf(cu, "FR").Address)
	assert.Equal(t, []string{"1 High Street", "LONDON", "EC1A 1BB"}, dunning.DebtorOf(cu, "GB").Address)
}
