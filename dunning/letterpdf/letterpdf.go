// Package letterpdf writes dunning letters as PDF/A-3 documents, for the
// letters that go by post, the formal notice first of all (sent by
// registered post with acknowledgement of receipt): one A4 document per
// letter, with the rendered subject as heading and the rendered text
// (parties, date, items, amounts, interest, indemnity, legal references)
// as body, fonts embedded. When late interest was computed over periods
// ([dunning.LetterItem].InterestPeriods), the PDF shows them as a table,
// one row per period of each due line: invoice, due date, from, to, days,
// amount outstanding, annual rate and interest, in the letter's language.
package letterpdf

import (
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/internal/pdfa"
)

// periodBullet starts the lines the shipped text templates list interest
// periods with ("  · facture FA-1, du ..."): the PDF draws its table in
// their place.
const periodBullet = "  · "

// Write returns the PDF of letter l as rendered in r (see
// [dunning.Templates.Render]). The same letter gives the same bytes: the
// PDF is dated at noon UTC on the letter's date.
//
// The interest periods of l's items are drawn as a table where the text
// lists them (the lines starting with "  · " in the shipped templates),
// or after the text when a template of the host's lists them otherwise.
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
	hasPeriods := len(l.Periods()) > 0
	drawn := false
	for _, para := range strings.Split(strings.ReplaceAll(r.Text, "\r\n", "\n"), "\n") {
		if hasPeriods && strings.HasPrefix(para, periodBullet) {
			if !drawn {
				periodTable(f, l)
				drawn = true
			}
			continue
		}
		if strings.TrimSpace(para) == "" {
			f.Ln(3)
			continue
		}
		f.MultiCell(0, 4.8, para, "", "L", false)
	}
	if hasPeriods && !drawn {
		f.Ln(3)
		periodTable(f, l)
	}
	return pdfa.Finish(f)
}

// column is one column of the period table.
type column struct {
	width float64
	align string
}

var periodColumns = []column{{24, "L"}, {23, "L"}, {23, "L"}, {23, "L"}, {10, "R"}, {25, "R"}, {16, "R"}, {26, "R"}}

// periodHeads are the table's headings per language (English for any
// other).
var periodHeads = map[string][]string{
	"fr": {"Facture", "Échéance", "Du", "Au", "Jours", "Restant dû", "Taux", "Pénalités"},
	"en": {"Invoice", "Due date", "From", "To", "Days", "Outstanding", "Rate", "Interest"},
}

// periodTable draws the interest periods of every item of l, item by item
// (one item per due line), in date order within an item.
func periodTable(f *fpdf.Fpdf, l dunning.Letter) {
	lang, _, _ := strings.Cut(strings.ToLower(l.Language), "-")
	heads, ok := periodHeads[lang]
	if !ok {
		heads = periodHeads["en"]
	}
	f.Ln(1)
	f.SetFont("dv", "B", 7.5)
	for i, h := range heads {
		f.CellFormat(periodColumns[i].width, 5, h, "B", 0, periodColumns[i].align, false, 0, "")
	}
	f.Ln(-1)
	f.SetFont("dv", "", 7.5)
	for _, it := range l.Items {
		for _, p := range it.InterestPeriods {
			row := []string{it.Number, dunning.FormatDate(it.DueDate, l.Language), dunning.FormatDate(p.From, l.Language),
				dunning.FormatDate(p.To, l.Language), strconv.Itoa(p.Days), dunning.FormatMoney(p.Principal, l.Language),
				dunning.FormatPercent(p.RatePercent, l.Language) + " %", dunning.FormatMoney(p.Interest, l.Language)}
			for i, v := range row {
				f.CellFormat(periodColumns[i].width, 4.6, v, "", 0, periodColumns[i].align, false, 0, "")
			}
			f.Ln(-1)
		}
	}
	f.Ln(2)
	f.SetFont("dv", "", 10)
}

// Render renders l with templates and writes its PDF.
func Render(templates *dunning.Templates, l dunning.Letter) ([]byte, error) {
	r, err := templates.Render(l)
	if err != nil {
		return nil, err
	}
	return Write(l, r)
}
