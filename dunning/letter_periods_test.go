package dunning_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

// TestLetterShowsInterestPeriods (issue #13): the formal notice lists the
// periods late interest was computed on (from, to, days, amount
// outstanding, rate, interest), in the letter's language, in the text and
// in the HTML: 1,000.00 from 15 to 23 February 2026, then 600.00 from 24
// February to 16 March, at 12.15 % (see TestInterestRunsOverTheDueLineHistory).
func TestLetterShowsInterestPeriods(t *testing.T) {
	l := sampleLetter("fr-FR", dunning.TemplateFormalNotice)
	l.Items = l.Items[:1]
	rate := decimal.RequireFromString("12.15")
	l.Items[0].Interest = o2c.MustMoney("7.19", "EUR")
	l.Items[0].InterestPeriods = []dunning.InterestPeriod{
		{From: o2c.MustDate(2026, 2, 15), To: o2c.MustDate(2026, 2, 23), Days: 9, Principal: o2c.MustMoney("1000.00", "EUR"), RatePercent: rate, Interest: o2c.MustMoney("2.995890", "EUR")},
		{From: o2c.MustDate(2026, 2, 24), To: o2c.MustDate(2026, 3, 16), Days: 21, Principal: o2c.MustMoney("600.00", "EUR"), RatePercent: rate, Interest: o2c.MustMoney("4.194247", "EUR")},
	}
	require.Len(t, l.Periods(), 2)
	assert.Equal(t, "FA-1", l.Periods()[1].Number)

	tpl := dunning.DefaultTemplates()
	r, err := tpl.Render(l)
	require.NoError(t, err)
	for _, want := range []string{
		"facture FA-1, du 15 février 2026 au 23 février 2026 (9 j) : 1\u202f000,00\u00a0€ restant dû au taux de 12,15 % = 3,00\u00a0€",
		"facture FA-1, du 24 février 2026 au 16 mars 2026 (21 j) : 600,00\u00a0€ restant dû au taux de 12,15 % = 4,19\u00a0€",
	} {
		assert.Contains(t, r.Text, want)
	}
	for _, want := range []string{"<th>Du</th>", "<td>15 février 2026</td><td>23 février 2026</td><td>9</td><td>1\u202f000,00\u00a0€</td><td>12,15 %</td><td>3,00\u00a0€</td>",
		"<td>24 février 2026</td><td>16 mars 2026</td><td>21</td><td>600,00\u00a0€</td><td>12,15 %</td><td>4,19\u00a0€</td>"} {
		assert.Contains(t, r.HTML, want)
	}

	l.Language = "en-GB"
	r, err = tpl.Render(l)
	require.NoError(t, err)
	assert.Contains(t, r.Text, "invoice FA-1, 15 February 2026 to 23 February 2026 (9 days): €1,000.00 outstanding at 12.15 % = €3.00")
	assert.Contains(t, r.Text, "invoice FA-1, 24 February 2026 to 16 March 2026 (21 days): €600.00 outstanding at 12.15 % = €4.19")
	assert.Contains(t, r.HTML, "<td>24 February 2026</td><td>16 March 2026</td><td>21</td><td>€600.00</td><td>12.15 %</td><td>€4.19</td>")
	assert.NotContains(t, r.Text, "février", "English only")

	// no periods, no table
	l.Items[0].InterestPeriods = nil
	r, err = tpl.Render(l)
	require.NoError(t, err)
	assert.NotContains(t, r.HTML, "<th>From</th>")
}
