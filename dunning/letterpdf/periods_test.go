package letterpdf_test

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/dunning/letterpdf"
	"github.com/cashcycle/sdk/o2c"
)

var reStream = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)

// pdfCells returns the text of every text-showing operator of pdf's page
// content, one string per operator (fpdf writes each cell with one Tj of
// a UTF-16BE string under its embedded Unicode fonts).
func pdfCells(t *testing.T, pdf []byte) []string {
	t.Helper()
	var cells []string
	for _, m := range reStream.FindAllSubmatch(pdf, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		content, err := io.ReadAll(zr)
		if err != nil || !bytes.Contains(content, []byte("Tj")) {
			continue
		}
		for i := 0; i < len(content); i++ {
			if !bytes.HasPrefix(content[i:], []byte("Td (")) {
				continue
			}
			var raw []byte
			j := i + 4
			for ; j < len(content) && content[j] != ')'; j++ {
				if content[j] == '\\' && j+1 < len(content) {
					j++
					if content[j] == 'r' {
						raw = append(raw, '\r')
						continue
					}
				}
				raw = append(raw, content[j])
			}
			u := make([]uint16, len(raw)/2)
			for k := range u {
				u[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
			}
			cells = append(cells, string(utf16.Decode(u)))
			i = j
		}
	}
	require.NotEmpty(t, cells, "no text found in the PDF")
	return cells
}

// instalmentNotice is a formal notice for the first instalment of
// FA-2026-0042 (300.00 due on 3 February, 100.00 paid on 14 February),
// with its interest periods at 12.15 %.
func instalmentNotice(lang string) dunning.Letter {
	l := formalNotice()
	l.Language = lang
	rate := decimal.RequireFromString("12.15")
	l.Items[0].Amount = o2c.MustMoney("200.00", "EUR")
	l.Items[0].Interest = o2c.MustMoney("2.09", "EUR")
	l.Items[0].InterestPeriods = []dunning.InterestPeriod{
		{From: o2c.MustDate(2026, time.February, 4), To: o2c.MustDate(2026, time.February, 13), Days: 10, Principal: o2c.MustMoney("300.00", "EUR"), RatePercent: rate, Interest: o2c.MustMoney("0.998630", "EUR")},
		{From: o2c.MustDate(2026, time.February, 14), To: o2c.MustDate(2026, time.March, 10), Days: 25, Principal: o2c.MustMoney("200.00", "EUR"), RatePercent: rate, Interest: o2c.MustMoney("1.664384", "EUR")},
	}
	l.Amount, l.Interest, l.Total = o2c.MustMoney("200.00", "EUR"), o2c.MustMoney("2.66", "EUR"), o2c.MustMoney("242.66", "EUR")
	return l
}

// TestPDFShowsInterestPeriods (issue #13): the PDF of a letter whose
// interest ran over periods shows them as a table, one row per period of
// the due line (invoice, due date, from, to, days, amount outstanding,
// rate, interest), in the letter's language, in place of the text's
// bullet lines; a letter without periods has no table.
func TestPDFShowsInterestPeriods(t *testing.T) {
	pdf, err := letterpdf.Render(dunning.DefaultTemplates(), instalmentNotice("fr"))
	require.NoError(t, err)
	cells := pdfCells(t, pdf)
	text := strings.Join(cells, "|")
	for _, row := range []string{
		"Facture|Échéance|Du|Au|Jours|Restant dû|Taux|Pénalités",
		"FA-2026-0042|3 février 2026|4 février 2026|13 février 2026|10|300,00\u00a0€|12,15 %|1,00\u00a0€",
		"FA-2026-0042|3 février 2026|14 février 2026|10 mars 2026|25|200,00\u00a0€|12,15 %|1,66\u00a0€",
	} {
		assert.Contains(t, text, row)
	}
	for _, c := range cells {
		assert.False(t, strings.HasPrefix(c, "  · "), "the bullet lines give way to the table: %q", c)
	}

	pdf, err = letterpdf.Render(dunning.DefaultTemplates(), instalmentNotice("en-GB"))
	require.NoError(t, err)
	text = strings.Join(pdfCells(t, pdf), "|")
	assert.Contains(t, text, "Invoice|Due date|From|To|Days|Outstanding|Rate|Interest")
	assert.Contains(t, text, "FA-2026-0042|3 February 2026|14 February 2026|10 March 2026|25|€200.00|12.15 %|€1.66")

	// a template of the host's that does not list the periods: the table
	// comes after the text
	tpl, err := dunning.NewTemplates(dunning.TemplateSource{Name: dunning.TemplateFormalNotice, Language: "fr",
		Subject: "Mise en demeure", Text: "Total réclamé : {{money .Total}}", HTML: "<p>{{money .Total}}</p>"})
	require.NoError(t, err)
	pdf, err = letterpdf.Render(tpl, instalmentNotice("fr"))
	require.NoError(t, err)
	text = strings.Join(pdfCells(t, pdf), "|")
	assert.Contains(t, text, "Total réclamé : 242,66\u00a0€|Facture|Échéance")

	pdf, err = letterpdf.Render(dunning.DefaultTemplates(), formalNotice())
	require.NoError(t, err)
	assert.NotContains(t, strings.Join(pdfCells(t, pdf), "|"), "Échéance|Du|Au")
}
