package dunning_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

func sampleLetter(lang, tpl string) dunning.Letter {
	return dunning.Letter{
		Key: "acme/2026-03-10/c/EUR/x", Date: o2c.MustDate(2026, time.March, 10), Language: lang, Template: tpl,
		Channel:  dunning.ChannelRegisteredLetter,
		Creditor: dunning.Party{Name: "Acme SAS", LegalID: "SIREN 732 829 320", VATNumber: "FR44732829320"},
		Debtor:   dunning.Party{Name: "Dupont & Fils <SARL>", Address: []string{"3 place Bellecour", "69002 Lyon"}},
		Items: []dunning.LetterItem{
			{Number: "FA-1", DueDate: o2c.MustDate(2026, time.February, 3), DaysOverdue: 35, Amount: o2c.MustMoney("1200.00", "EUR")},
			{Number: "FA-2", DueDate: o2c.MustDate(2026, time.February, 5), DaysOverdue: 33, Amount: o2c.MustMoney("300.00", "EUR")},
		},
		Currency: o2c.EUR, Amount: o2c.MustMoney("1500.00", "EUR"), Interest: o2c.MustMoney("17.48", "EUR"),
		RecoveryFees: o2c.MustMoney("80.00", "EUR"), Total: o2c.MustMoney("1597.48", "EUR"), Fee: o2c.Zero(o2c.EUR),
		InterestRate: decimal.RequireFromString("12.15"), RecoveryFeePerInvoice: o2c.MustMoney("40.00", "EUR"),
		PaymentDeadline: o2c.MustDate(2026, time.March, 18), PayURL: "https://pay.example/x?a=1&b=2",
	}
}

// TestFrenchFormalNoticeContent: what a formal notice must carry, in the
// text and in the HTML.
func TestFrenchFormalNoticeContent(t *testing.T) {
	r, err := dunning.DefaultTemplates().Render(sampleLetter("fr-FR", dunning.TemplateFormalNotice))
	require.NoError(t, err)
	for _, want := range []string{
		"Créancier", "Acme SAS", "SIREN 732 829 320", "FR44732829320", // creditor
		"Débiteur", "Dupont & Fils <SARL>", "69002 Lyon", // debtor (text is not escaped)
		"FA-1", "1\u202f200,00\u00a0€", "3 février 2026", "FA-2", "300,00\u00a0€", "5 février 2026", // invoices
		"12,15 %", "17,48\u00a0€", // penalties and their rate
		"40,00\u00a0€ par facture", "80,00\u00a0€", // the fixed indemnity, per invoice
		"18 mars 2026",                           // the deadline
		"mise en demeure", "injonction de payer", // the consequences
		"https://pay.example/x?a=1&b=2", // the pay-now link
	} {
		assert.Contains(t, r.Text, want)
	}
	assert.Contains(t, r.HTML, "Dupont &amp; Fils &lt;SARL&gt;", "HTML escapes the host's data")
	assert.Contains(t, r.HTML, `href="https://pay.example/x?a=1&amp;b=2"`)
	assert.Contains(t, r.HTML, "injonction de payer")
	assert.Contains(t, r.HTML, "18 mars 2026")
	assert.Equal(t, "Mise en demeure de payer – Acme SAS", r.Subject)
}

func TestEveryPresetTemplateRendersInBothLanguages(t *testing.T) {
	tpl := dunning.DefaultTemplates()
	for _, lang := range []string{"fr", "en"} {
		for _, p := range []dunning.Plan{dunning.PlanFrance(), dunning.PlanEnglish()} {
			for _, l := range p.Levels {
				r, err := tpl.Render(sampleLetter(lang, l.Template))
				require.NoError(t, err, "%s/%s", lang, l.Template)
				assert.NotEmpty(t, r.Subject)
				assert.Contains(t, r.Text, "FA-1")
				assert.Contains(t, r.HTML, "FA-2")
				if l.Channel != dunning.ChannelPhoneTask {
					assert.Contains(t, r.Text, "https://pay.example/x?a=1&b=2", "%s/%s has the pay link", lang, l.Template)
				}
			}
		}
	}
	r, err := tpl.Render(sampleLetter("en", dunning.TemplateFinal))
	require.NoError(t, err)
	assert.Contains(t, r.Text, "€1,200.00")
	assert.Contains(t, r.Text, "18 March 2026")
	// an unknown language falls back to English
	r, err = tpl.Render(sampleLetter("de", dunning.TemplateReminder))
	require.NoError(t, err)
	assert.Contains(t, r.Subject, "Payment reminder")
}

func TestTemplatesOverride(t *testing.T) {
	tpl, err := dunning.NewTemplates(dunning.TemplateSource{Language: "fr", Name: dunning.TemplateReminder,
		Subject: "Rappel {{.Creditor.Name}}", Text: "Total {{money .Total}}{{template \"pay\" .}}", HTML: "<b>{{money .Total}}</b> {{.Debtor.Name}}"})
	require.NoError(t, err)
	r, err := tpl.Render(sampleLetter("fr", dunning.TemplateReminder))
	require.NoError(t, err)
	assert.Equal(t, "Rappel Acme SAS", r.Subject)
	assert.Contains(t, r.Text, "Total 1\u202f597,48\u00a0€")
	assert.Equal(t, "<b>1\u202f597,48\u00a0€</b> Dupont &amp; Fils &lt;SARL&gt;", r.HTML)
	// the other templates stay
	_, err = tpl.Render(sampleLetter("fr", dunning.TemplateFormalNotice))
	require.NoError(t, err)

	_, err = dunning.NewTemplates(dunning.TemplateSource{Language: "fr", Name: "x", Text: "{{.Nope"})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = dunning.DefaultTemplates().Render(sampleLetter("fr", "nope"))
	assert.ErrorIs(t, err, dunning.ErrUnknownTemplate)
	_, err = tpl.Render(func() dunning.Letter { l := sampleLetter("fr", dunning.TemplateReminder); l.Template = "x"; return l }())
	assert.ErrorIs(t, err, dunning.ErrUnknownTemplate)
}
