package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

func runDunning(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, args), out.String())
	return out.String()
}

// letterFiles returns the .txt and .html files of dir.
func letterFiles(t *testing.T, dir string) (txt, html []string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".txt":
			txt = append(txt, e.Name())
		case ".html":
			html = append(html, e.Name())
		}
	}
	return txt, html
}

// TestDemoRunThenRerunWritesNothing runs the demo for the default date,
// checks the proposal and the letters written, then runs the same date
// again on the same database and folder: nothing new is written.
func TestDemoRunThenRerunWritesNothing(t *testing.T) {
	dir := t.TempDir()
	out, db := filepath.Join(dir, "letters"), filepath.Join(dir, "dunning.db")

	s := runDunning(t, "-out", out, "-db", db)
	for _, want := range []string{
		"seeding tenant demo with demo customers and invoices (dates counted from 2026-03-31)",
		"INV-2026-000003  1140.00 EUR due 2026-03-19, 400.00 EUR paid on account",
		"disputed in full",
		"earlier run of 2026-03-02: 1 letter sent then",
		"== 2/4 Dry run: the proposal for 2026-03-31",
		// two reminders before: the French formal notice, with interest and the indemnity
		"Dupont SARL (EUR): formal-notice by registered_letter, plan FR (default plan), previous level reminder-2",
		"INV-2026-000001  due 2026-02-20  39 days overdue    1800.00 EUR  interest 23.37 EUR at 12.15 %  recovery fee 40.00 EUR",
		"amount 2400.00 EUR, fee 0.00 EUR, interest 24.97 EUR, recovery fees 80.00 EUR, total 2504.97 EUR",
		"to pay by 2026-04-08",
		// the English plan by segment
		"Harbour Trading Ltd (GBP): reminder-2 by email, plan EN (segment UK), previous level reminder-1",
		// partly paid: the letter asks for what is left
		"Martin et Fils SAS (EUR): reminder-1 by email",
		"amount 740.00 EUR, fee 0.00 EUR, interest 0.00 EUR, recovery fees 0.00 EUR, total 740.00 EUR",
		"Northwind Ltd (GBP): courtesy by email",
		"Bernard Logistique (EUR): every overdue amount is disputed",
		"run of 2026-03-31 completed: 4 letters written now",
		"(formal-notice to Dupont SARL, 2504.97 EUR)",
		"Summary for 2026-03-31: 4 letters proposed, 4 written to the history by this run, 4 delivered, 4 written to files (0 already there), 1 customer without a letter",
	} {
		assert.Contains(t, s, want)
	}
	assert.NotContains(t, s, "Leroy Services (EUR)", "nothing is due for Leroy")
	txt, html := letterFiles(t, out)
	require.Len(t, txt, 4)
	require.Len(t, html, 4)

	notice := ""
	for _, name := range txt {
		if strings.Contains(name, "formal-notice_dupont-sarl_EUR") {
			b, err := os.ReadFile(filepath.Join(out, name))
			require.NoError(t, err)
			notice = string(b)
		}
	}
	assert.Contains(t, notice, "Subject: Mise en demeure de payer")
	assert.Contains(t, notice, "To: compta@dupont.example")
	assert.NotContains(t, notice, " and ", "the French notice cites its legal texts in French")
	assert.Contains(t, notice, "Total réclamé : 2\u202f504,97\u00a0€") // CLDR fr: narrow no-break space between thousands, no-break space before the sign

	again := runDunning(t, "-out", out, "-db", db)
	assert.Contains(t, again, "tenant demo has customers already: nothing seeded")
	assert.Contains(t, again, "no letter is due")
	assert.Contains(t, again, "Dupont SARL (EUR): already dunned on 2026-03-31")
	assert.Contains(t, again, "the run of 2026-03-31 was completed before: nothing written")
	assert.Contains(t, again, "Summary for 2026-03-31: 0 letters proposed, 0 written to the history by this run, 0 delivered, 0 written to files")
	assert.NotContains(t, again, "wrote ")
	txt2, html2 := letterFiles(t, out)
	assert.Equal(t, txt, txt2)
	assert.Equal(t, html, html2)

	// a later date continues from the history
	later := runDunning(t, "-out", out, "-db", db, "-date", "2026-04-15")
	assert.Contains(t, later, "Martin et Fils SAS (EUR): reminder-2 by letter")
	// the formal notice of 31 March gave 8 days: unpaid on 15 April, the
	// deadline has expired and the file is handed off
	assert.Contains(t, later, "Dupont SARL (EUR): handoff by collection_agency")
	assert.Contains(t, later, "deadline of the formal-notice expired on 2026-04-08")
	assert.Contains(t, later, "Summary for 2026-04-15: 4 letters proposed")
	txt3, _ := letterFiles(t, out)
	assert.Len(t, txt3, 8)
}

// TestTemporaryDatabaseAndWeekend runs without -db (a seeded temporary
// database) on a Saturday: nothing is proposed or executed.
func TestTemporaryDatabaseAndWeekend(t *testing.T) {
	out := t.TempDir()
	s := runDunning(t, "-out", out, "-date", "2026-04-04")
	assert.Contains(t, s, "2026-04-04 is not a business day: nothing is proposed")
	assert.Contains(t, s, "2026-04-04 is not a business day: nothing to execute")
	txt, _ := letterFiles(t, out)
	assert.Empty(t, txt, "the letters of the seeded history are not written to the folder")
}

// TestNotifierRedeliveryIsAcknowledged: a letter offered again (delivery
// is at least once) finds its files and is not written twice.
func TestNotifierRedeliveryIsAcknowledged(t *testing.T) {
	var log bytes.Buffer
	n := &fileNotifier{dir: t.TempDir(), log: &log}
	d := dunning.Delivery{Key: "demo/2026-03-31/c/EUR/reminder-1",
		Letter:   dunning.Letter{Date: o2c.MustDate(2026, time.March, 31), LevelName: "reminder-1", Debtor: dunning.Party{Name: "Société Générale d'Études"}, Currency: o2c.EUR, Total: o2c.MustMoney("10.00", "EUR")},
		Rendered: dunning.Rendered{Subject: "Relance", Text: "Bonjour\n", HTML: "<p>Bonjour</p>"}}
	require.NoError(t, n.Deliver(context.Background(), d))
	require.NoError(t, n.Deliver(context.Background(), d))
	assert.Equal(t, 1, n.written)
	assert.Equal(t, 1, n.repeats)
	txt, html := letterFiles(t, n.dir)
	require.Len(t, txt, 1)
	require.Len(t, html, 1)
	assert.True(t, strings.HasPrefix(txt[0], "2026-03-31_reminder-1_soci-t-g-n-rale-d-tudes_EUR_"), txt[0])
	assert.Contains(t, log.String(), "already there")
}

func TestBadArguments(t *testing.T) {
	var out bytes.Buffer
	assert.Error(t, run(context.Background(), &out, []string{"-date", "31/03/2026", "-out", t.TempDir()}))
	assert.ErrorContains(t, run(context.Background(), &out, []string{"-out", t.TempDir(), "extra"}), "unexpected arguments")
	out.Reset()
	require.NoError(t, run(context.Background(), &out, []string{"-h"}))
	assert.Contains(t, out.String(), "usage: dunning-run")
}
