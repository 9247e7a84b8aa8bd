package facturx_test

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

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/einvoice/facturx"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

func demo(t testing.TB) *einvoice.Document {
	t.Helper()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	terms := invoice.NetTerms(30)
	terms.Discount = invoice.EarlyPaymentDiscount{Percent: decimal.NewFromInt(2), Days: 10}
	line := func(desc, qty, price, rate string, disc string) invoice.Line {
		return invoice.Line{Description: desc, Quantity: decimal.RequireFromString(qty), UnitPrice: o2c.MustMoney(price, "EUR"),
			DiscountPercent: decimal.RequireFromString(disc), TaxCategory: tax.Standard, TaxRate: decimal.RequireFromString(rate)}
	}
	inv, err := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{
		Customer: o2c.NewCustomerID(), Currency: o2c.EUR, Terms: terms,
		Lines: []invoice.Line{
			line("Marteau de charpentier", "3", "24.90", "20", "10"),
			line("Installation (heures) — équipe « Sud »", "2.5", "48.00", "10", "0"),
			line("Manuel technique", "1", "18.99", "5.5", "0"),
		},
	}, at)
	require.NoError(t, err)
	require.NoError(t, inv.Issue("F-2026-0001", o2c.MustDate(2026, time.March, 2), invoice.BusinessDayShift{}, at))
	doc, err := einvoice.FromInvoice(inv, einvoice.Party{
		Name: "Boulangerie Martin SARL", ID: "40483304800022", IDScheme: einvoice.SchemeSIRET, VATNumber: "FR83404833048",
		Address: einvoice.Address{Lines: []string{"3 place du Marché"}, City: "Grenoble", Postcode: "38000", Country: "FR"},
	}, einvoice.Options{
		Seller: einvoice.Party{Name: "Ateliers Dupont SAS", LegalID: "732829320", LegalIDScheme: einvoice.SchemeSIREN, VATNumber: "FR44732829320",
			LegalInfo: "SAS au capital de 50 000 EUR, RCS Lyon 732 829 320",
			Address:   einvoice.Address{Lines: []string{"12 rue des Forges"}, City: "Lyon", Postcode: "69002", Country: "FR"}},
		Payment: einvoice.PaymentMeans{IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"},
	})
	require.NoError(t, err)
	return doc
}

func needQPDF(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("qpdf"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("qpdf is required under CI (apt-get install -y qpdf)")
		}
		t.Skip("qpdf not installed: skipping (apt-get install -y qpdf)")
	}
}

// TestFacturXPDF: the PDF passes qpdf --check, its attachment extracts
// byte-identical to the CII, the XMP declares PDF/A-3B and the Factur-X
// EN 16931 profile, and the catalog carries the associated file, the
// output intent and embedded fonts.
func TestFacturXPDF(t *testing.T) {
	needQPDF(t)
	doc := demo(t)
	pdf, cii, err := facturx.Write(doc, facturx.Options{})
	require.NoError(t, err)
	want, err := einvoice.WriteCII(doc)
	require.NoError(t, err)
	require.Equal(t, want, cii)

	dir := t.TempDir()
	path := filepath.Join(dir, "invoice.pdf")
	require.NoError(t, os.WriteFile(path, pdf, 0o644))
	out, err := exec.Command("qpdf", "--check", path).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "No syntax or stream encoding errors")
	assert.NotContains(t, strings.ToLower(string(out)), "warning")

	list, err := exec.Command("qpdf", "--list-attachments", path).CombinedOutput()
	require.NoError(t, err, "%s", list)
	assert.Contains(t, string(list), facturx.Filename)
	got, err := exec.Command("qpdf", "--show-attachment="+facturx.Filename, path).Output()
	require.NoError(t, err)
	assert.True(t, bytes.Equal(cii, got), "the attachment extracts byte-identical")

	qdf := filepath.Join(dir, "qdf.pdf")
	out, err = exec.Command("qpdf", "--qdf", "--object-streams=disable", path, qdf).CombinedOutput()
	require.NoError(t, err, "%s", out)
	norm, err := os.ReadFile(qdf)
	require.NoError(t, err)
	for _, s := range []string{
		"/AFRelationship /Data", "/AF [", "/Subtype /text#2fxml", "/OutputIntents", "/GTS_PDFA1", "/DestOutputProfile",
		"/FontFile2", "/Metadata", "<pdfaid:part>3</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
		"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>", "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>",
		"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
	} {
		assert.Contains(t, strings.ToLower(string(norm)), strings.ToLower(s))
	}
	assert.NotContains(t, string(norm), "/Helvetica", "only embedded fonts")

	for range 10 { // map order in the PDF library would show here
		again, _, err := facturx.Write(doc, facturx.Options{})
		require.NoError(t, err)
		require.True(t, bytes.Equal(pdf, again), "the same invoice gives the same bytes")
	}

	_, _, err = facturx.Write(doc, facturx.Options{Language: "de"})
	assert.ErrorIs(t, err, o2c.ErrValidation)
}
