// Package letterpdf writes dunning letters as PDF/A-3 documents, for the
// letters that go by post, the formal notice first of all (sent by
// registered post with acknowledgement of receipt): one A4 document per
// letter, with the rendered subject as heading and the rendered text
// (parties, date, items, amounts, interest, indemnity, legal references)
// as body, fonts embedded.
package letterpdf

import (
	"strings"
	"time"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/internal/pdfa"
)

// Write returns the PDF of letter l as rendered in r (see
// [dunning.Templates.Render]). The same letter gives the same bytes: the
// PDF is dated at noon UTC on the letter's date.
func Write(l dunning.Letter, r dunning.Rendered) ([]byte, error) {
	created := l.Date.Time().Add(12 * time.Hour)
	f := pdfa.New(pdfa.Meta{Title: r.Subject, Author: l.Creditor.Name, Lang: l.Language, Created: created})
	f.SetMargins(20, 20, 20)
	f.SetAutoPageBreak(true, 20)
	f.AddPage()
	f.SetFont("dv", "B", 13)
	f.MultiCell(0, 6, r.Subject, "", "L", false)
	f.Ln(4)
	f.SetFont("dv", "", 10)
	for _, para := range strings.Split(strings.ReplaceAll(r.Text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(para) == "" {
			f.Ln(3)
			continue
		}
		f.MultiCell(0, 4.8, para, "", "L", false)
	}
	return pdfa.Finish(f)
}

// Render renders l with templates and writes its PDF.
func Render(templates *dunning.Templates, l dunning.Letter) ([]byte, error) {
	r, err := templates.Render(l)
	if err != nil {
		return nil, err
	}
	return Write(l, r)
}
