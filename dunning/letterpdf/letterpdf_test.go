package letterpdf_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/dunning/letterpdf"
	"github.com/cashcycle/sdk/o2c"
)

func formalNotice() dunning.Letter {
	return dunning.Letter{
		Key: "acme/2026-03-10/x/EUR/formal-notice", Date: o2c.MustDate(2026, time.March, 10),
		Language: "fr", Template: dunning.TemplateFormalNotice, Channel: dunning.ChannelRegisteredLetter,
		Creditor: dunning.Party{Name: "Acme SAS", LegalID: "SIREN 732 829 320", Address: []string{"12 rue des Lilas", "69003 Lyon"}},
		Debtor:   dunning.Party{Name: "Dupont SARL", Address: []string{"3 place Bellecour", "69002 Lyon"}},
		Items: []dunning.LetterItem{{Number: "FA-2026-0042", IssueDate: o2c.MustDate(2026, time.January, 4), DueDate: o2c.MustDate(2026, time.February, 3),
			DaysOverdue: 35, Amount: o2c.MustMoney("1200.00", "EUR")}},
		Currency: o2c.EUR, Amount: o2c.MustMoney("1200.00", "EUR"), Interest: o2c.MustMoney("13.98", "EUR"),
		RecoveryFees: o2c.MustMoney("40.00", "EUR"), Total: o2c.MustMoney("1253.98", "EUR"), Fee: o2c.Zero(o2c.EUR),
		InterestRate: decimal.RequireFromString("12.15"), RecoveryFeePerInvoice: o2c.MustMoney("40.00", "EUR"),
		LegalReference: "Code de commerce L441-10 II and D441-5", Jurisdiction: "FR", PaymentDeadline: o2c.MustDate(2026, time.March, 18),
	}
}

// TestFormalNoticePDF: the formal notice as PDF passes qpdf --check,
// embeds its fonts, declares PDF/A-3B with an output intent, and is the
// same bytes for the same letter.
func TestFormalNoticePDF(t *testing.T) {
	l := formalNotice()
	pdf, err := letterpdf.Render(dunning.DefaultTemplates(), l)
	require.NoError(t, err)
	again, err := letterpdf.Render(dunning.DefaultTemplates(), l)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(pdf, again))

	if _, err := exec.LookPath("qpdf"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("qpdf is required under CI (apt-get install -y qpdf)")
		}
		t.Skip("qpdf not installed: skipping the structure checks (apt-get install -y qpdf)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "notice.pdf")
	require.NoError(t, os.WriteFile(path, pdf, 0o644))
	out, err := exec.Command("qpdf", "--check", path).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.NotContains(t, strings.ToLower(string(out)), "warning")
	qdf := filepath.Join(dir, "qdf.pdf")
	out, err = exec.Command("qpdf", "--qdf", "--object-streams=disable", path, qdf).CombinedOutput()
	require.NoError(t, err, "%s", out)
	norm, err := os.ReadFile(qdf)
	require.NoError(t, err)
	for _, s := range []string{"/FontFile2", "/OutputIntents", "<pdfaid:part>3</pdfaid:part>", "Mise en demeure de payer"} {
		assert.Contains(t, string(norm), s)
	}
	assert.NotContains(t, string(norm), "/Helvetica")
}
