package sepa_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/collect/sepa/sepatest"
	"github.com/cashcycle/sdk/o2c"
)

func eur(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

// xmllint returns the path of xmllint, skipping the test when it is
// missing, or failing it under CI=true.
func xmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI=true (Debian: apt-get install libxml2-utils)")
		}
		t.Skip("xmllint not installed (Debian: libxml2-utils): ISO 20022 schema validation skipped")
	}
	return p
}

// validate checks doc against the official schema of its message.
func validate(t *testing.T, xsd string, doc []byte) error {
	t.Helper()
	bin := xmllint(t)
	f := filepath.Join(t.TempDir(), "doc.xml")
	require.NoError(t, os.WriteFile(f, doc, 0o600))
	out, err := exec.Command(bin, "--noout", "--schema", filepath.Join("testdata", "iso20022-xsd", xsd+".xsd"), f).CombinedOutput()
	if err != nil {
		return errors.New(string(out))
	}
	return nil
}

func demoFile() sepa.DirectDebitFile {
	return sepa.DirectDebitFile{
		MessageID: "MSG-2026-12-03-001",
		Created:   time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC),
		Creditor:  sepa.Party{Name: "Cash Cycle Démo SARL", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"},
		// published example identifier of the French national identifier format
		CreditorID: "FR72ZZZ123456",
		Scheme:     sepa.Core,
		Batches: []sepa.DebitBatch{
			{ID: "MSG-2026-12-03-001-FRST", Sequence: sepa.FRST, CollectionDate: o2c.MustDate(2026, 12, 18), Debits: []sepa.Debit{{
				EndToEndID: "INV-2026-000001", Amount: eur("1200.00"),
				Mandate:    sepa.MandateRef{ID: "UMR-0001", Signed: o2c.MustDate(2026, 11, 2)},
				Debtor:     sepa.Party{Name: "Müller & Söhne GmbH", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX"},
				Remittance: "INV-2026-000001",
			}}},
			{ID: "MSG-2026-12-03-001-RCUR", Sequence: sepa.RCUR, CollectionDate: o2c.MustDate(2026, 12, 18), Debits: []sepa.Debit{
				{EndToEndID: "INV-2026-000002", Amount: eur("99.90"),
					Mandate: sepa.MandateRef{ID: "UMR-0002", Signed: o2c.MustDate(2025, 1, 15),
						Amendment: &sepa.Amendment{OriginalDebtorIBAN: "FR7630004000031234567890143"}},
					Debtor: sepa.Party{Name: "Boulangerie Dupont", IBAN: "FR1420041010050500013M02606"}, Remittance: "INV-2026-000002"},
				{EndToEndID: "INV-2026-000003", Amount: eur("45.00"),
					Mandate: sepa.MandateRef{ID: "UMR-0003", Signed: o2c.MustDate(2024, 6, 1),
						Amendment: &sepa.Amendment{DebtorAgentChanged: true, OriginalMandateID: "OLD-UMR-3", OriginalCreditorID: "DE98ZZZ09999999999", OriginalCreditorName: "Old Name GmbH"}},
					Debtor: sepa.Party{Name: "Garage Martin", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}},
			}},
		},
	}
}

func TestPain008ValidatesAgainstXSD(t *testing.T) {
	f := demoFile()
	for _, v := range []sepa.Version{sepa.Pain008V08, sepa.Pain008V02} {
		doc, err := f.Marshal(v)
		require.NoError(t, err)
		require.NoError(t, validate(t, string(v), doc), "%s\n%s", v, doc)
		assert.Contains(t, string(doc), "<CtrlSum>1344.90</CtrlSum>")
		assert.Contains(t, string(doc), "<NbOfTxs>3</NbOfTxs>")
		assert.Contains(t, string(doc), "<Nm>Muller + Sohne GmbH</Nm>")
		assert.Contains(t, string(doc), "<Id>SMNDA</Id>")
		assert.Contains(t, string(doc), "<Nm>Cash Cycle Demo SARL</Nm>", "names are written in the SEPA character set")
	}
	f.Scheme = sepa.B2B
	doc, err := f.Marshal(sepa.Pain008V08)
	require.NoError(t, err)
	require.NoError(t, validate(t, "pain.008.001.08", doc))
	assert.Contains(t, string(doc), "<Cd>B2B</Cd>")
}

// TestXSDRejectsBrokenFile shows the schema check can fail: a .08 file
// with the .02 BIC element is refused by the .08 schema.
func TestXSDRejectsBrokenFile(t *testing.T) {
	doc, err := demoFile().Marshal(sepa.Pain008V02)
	require.NoError(t, err)
	broken := strings.Replace(string(doc), "pain.008.001.02", "pain.008.001.08", 1)
	assert.Error(t, validate(t, "pain.008.001.08", []byte(broken)))
	// and a sequence type outside the code list is refused
	doc, _ = demoFile().Marshal(sepa.Pain008V08)
	assert.Error(t, validate(t, "pain.008.001.08", []byte(strings.Replace(string(doc), "<SeqTp>RCUR</SeqTp>", "<SeqTp>NEXT</SeqTp>", 1))))
}

func refundFile() sepa.CreditTransferFile {
	return sepa.CreditTransferFile{
		MessageID: "RFD-2026-12-03-1", BatchID: "RFD-2026-12-03-1-B", Created: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC),
		Debtor:        sepa.Party{Name: "Cash Cycle Demo SARL", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"},
		ExecutionDate: o2c.MustDate(2026, 12, 4),
		Transfers: []sepa.Transfer{
			{EndToEndID: "RFD-PAY-1", Amount: eur("150.00"), Creditor: sepa.Party{Name: "Boulangerie Dupont", IBAN: "FR1420041010050500013M02606"}, Remittance: "Refund of overpayment INV-2026-000002"},
			{EndToEndID: "RFD-PAY-2", Amount: eur("0.01"), Creditor: sepa.Party{Name: "Muller GmbH", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX"}},
		},
	}
}

func TestPain001ValidatesAgainstXSD(t *testing.T) {
	for _, v := range []sepa.Version{sepa.Pain001V09, sepa.Pain001V03} {
		doc, err := refundFile().Marshal(v)
		require.NoError(t, err)
		require.NoError(t, validate(t, string(v), doc), "%s\n%s", v, doc)
		assert.Contains(t, string(doc), "<CtrlSum>150.01</CtrlSum>")
	}
}

func TestBankAnswersValidateAndParse(t *testing.T) {
	at := time.Date(2026, 12, 21, 8, 0, 0, 0, time.UTC)
	items := []sepatest.Item{
		{ID: "RJ-1", EndToEndID: "INV-2026-000001", MandateID: "UMR-0001", Amount: eur("1200.00"), Reason: "AC04"},
		{ID: "RJ-2", EndToEndID: "INV-2026-000002", MandateID: "UMR-0002", Amount: eur("99.90"), Reason: "MD01"},
	}
	p002 := sepatest.Pain002("STS-1", at, "MSG-2026-12-03-001", "MSG-2026-12-03-001-RCUR", items)
	require.NoError(t, validate(t, "pain.002.001.10", p002), "%s", p002)
	rs, err := sepa.ParseRTransactions(p002)
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, sepa.RTransaction{Kind: sepa.Reject, ID: "RJ-1", OriginalMessageID: "MSG-2026-12-03-001", OriginalEndToEndID: "INV-2026-000001",
		MandateID: "UMR-0001", Amount: eur("1200.00"), Reason: "AC04", Date: o2c.MustDate(2026, 12, 21)}, rs[0])

	c054 := sepatest.Camt054("NTF-1", at, "FR7630006000011234567890189", o2c.MustDate(2026, 12, 22), []sepatest.Item{
		{ID: "RT-1", EndToEndID: "INV-2026-000003", MandateID: "UMR-0003", Amount: eur("45.00"), Reason: "AM04"},
		{ID: "RT-2", EndToEndID: "INV-2026-000002", Amount: eur("99.90"), Reason: "MD06"},
	})
	require.NoError(t, validate(t, "camt.054.001.08", c054), "%s", c054)
	rs, err = sepa.ParseRTransactions(c054)
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, sepa.Return, rs[0].Kind)
	assert.Equal(t, "AM04", rs[0].Reason)
	assert.Equal(t, eur("45.00"), rs[0].Amount)
	assert.Equal(t, o2c.MustDate(2026, 12, 22), rs[0].Date)
	assert.Equal(t, sepa.Refund, rs[1].Kind, "MD06 is the debtor's refund request")
	assert.NotEqual(t, rs[0].Key(), rs[1].Key())
}

func TestParseRTransactionsRefusesOtherDocuments(t *testing.T) {
	doc, _ := demoFile().Marshal(sepa.Pain008V08)
	_, err := sepa.ParseRTransactions(doc)
	var se *sepa.SyntaxError
	require.ErrorAs(t, err, &se)
	_, err = sepa.ParseRTransactions([]byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Document/>`))
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Msg, "DTD")
	// a rejected transaction without a reason code is not silently accepted
	bad := strings.Replace(string(sepatest.Pain002("S", time.Now(), "M", "B", []sepatest.Item{{ID: "1", EndToEndID: "E", Amount: eur("1.00"), Reason: "AM04"}})),
		"<StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>", "", 1)
	_, err = sepa.ParseRTransactions([]byte(bad))
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Path, "StsRsnInf")
}

func TestReasonCodes(t *testing.T) {
	for code, block := range map[string]bool{"AC04": true, "MD01": true, "AM04": false, "MS02": false, "MD06": false, "SL01": false} {
		r, ok := sepa.ReasonOf(code)
		require.True(t, ok, code)
		assert.Equal(t, block, r.BlockMandate, code)
	}
	r, _ := sepa.ReasonOf("am04")
	assert.True(t, r.DebtorSide, "insufficient funds is on the debtor: a return fee may be charged")
	r, _ = sepa.ReasonOf("AM05")
	assert.False(t, r.DebtorSide, "a duplicate is the creditor's mistake: no fee")
	r, ok := sepa.ReasonOf("ZZ99")
	assert.False(t, ok)
	assert.False(t, r.BlockMandate || r.DebtorSide, "an unknown code blocks and charges nothing")
	assert.GreaterOrEqual(t, len(sepa.Reasons()), 20)
}

func TestCreditorID(t *testing.T) {
	// identifiers published as examples by the EPC creditor identifier
	// overview and national communities
	for _, s := range []string{"DE98ZZZ09999999999", "FR72ZZZ123456", "IT66ZZZA1B2C3D4E5F6G7H8", "BE69ZZZ050D000000008", "AT61ZZZ01234567890", "de98 zzz 0999 9999 999"} {
		id, err := sepa.ParseCreditorID(s)
		require.NoError(t, err, s)
		assert.NotContains(t, id.String(), " ")
	}
	id, _ := sepa.ParseCreditorID("DE98ZZZ09999999999")
	assert.Equal(t, "DE", id.Country())
	assert.Equal(t, "ZZZ", id.BusinessCode())
	assert.Equal(t, "09999999999", id.National())
	// the business code is outside the check digits
	other, err := sepa.ParseCreditorID("DE98ABC09999999999")
	require.NoError(t, err)
	assert.True(t, sepa.SameCreditor(id, other))
	built, err := sepa.NewCreditorID("fr", "", "123456")
	require.NoError(t, err)
	assert.Equal(t, sepa.CreditorID("FR72ZZZ123456"), built)

	for s, rule := range map[string]string{
		"DE97ZZZ09999999999": "check digits",
		"DE98ZZZ09999999990": "check digits", // one digit mistyped
		"DE98ZZZ0999999999-": "letters and digits",
		"9E98ZZZ09999999999": "country code",
		"DEXXZZZ0999":        "check digits",
		"":                   "required",
		"DE98ZZ":             "8 to 35",
	} {
		_, err := sepa.ParseCreditorID(s)
		require.Error(t, err, s)
		assert.ErrorIs(t, err, sepa.ErrRule, s)
		assert.ErrorIs(t, err, o2c.ErrValidation, s)
		assert.Contains(t, err.Error(), rule, s)
	}
}

func TestLatin(t *testing.T) {
	assert.Equal(t, "Societe Generale + Fils", sepa.Latin("Société  Générale & Fils"))
	assert.Equal(t, "Strasse 5, Koln", sepa.Latin("Straße 5, Köln"))
	assert.Equal(t, "OEuvre d'art . Paris", sepa.Latin("Œuvre d’art € Paris"))
	assert.Equal(t, "Zolkiewski", sepa.Latin("Żółkiewski"))
	for _, r := range sepa.Latin("日本 Ünïcödé ©®™ ½") {
		assert.True(t, sepa.IsLatin(r), "%q", r)
	}
}

// TestEPCRules: rules beyond the XSD, each broken once on an otherwise
// valid file, refused with the field named.
func TestEPCRules(t *testing.T) {
	cases := []struct {
		name, field, rule string
		edit              func(f *sepa.DirectDebitFile)
	}{
		{"character set in end-to-end id", "batches[0].debits[0].end_to_end_id", "character set", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].EndToEndID = "FACTURE-É1" }},
		{"character set in mandate id", "batches[0].debits[0].mandate.id", "character set", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].Mandate.ID = "UMR_1" }},
		{"name over 70 after transliteration", "batches[0].debits[0].debtor.name", "at most 70", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].Debtor.Name = strings.Repeat("ß", 36) }},
		{"name over 70", "creditor.name", "at most 70", func(f *sepa.DirectDebitFile) { f.Creditor.Name = strings.Repeat("A", 71) }},
		{"remittance over 140", "batches[0].debits[0].remittance", "at most 140", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].Remittance = strings.Repeat("x", 141) }},
		{"end-to-end over 35", "batches[0].debits[0].end_to_end_id", "at most 35", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].EndToEndID = strings.Repeat("E", 36) }},
		{"identifier starting with /", "batches[0].debits[0].mandate.id", `start or end with "/"`, func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].Mandate.ID = "/UMR1" }},
		{"identifier with //", "message_id", `"//"`, func(f *sepa.DirectDebitFile) { f.MessageID = "MSG//1" }},
		{"space in mandate id", "batches[0].debits[0].mandate.id", "spaces", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].Mandate.ID = "UMR 1" }},
		{"unknown sequence type", "batches[0].sequence", "FRST, RCUR, FNAL or OOFF", func(f *sepa.DirectDebitFile) { f.Batches[0].Sequence = "NEXT" }},
		{"scheme", "scheme", "CORE or B2B", func(f *sepa.DirectDebitFile) { f.Scheme = "COR1" }},
		{"collection on a Saturday", "batches[0].collection_date", "TARGET2", func(f *sepa.DirectDebitFile) { f.Batches[0].CollectionDate = o2c.MustDate(2026, 12, 19) }},
		{"collection on Christmas", "batches[0].collection_date", "TARGET2", func(f *sepa.DirectDebitFile) { f.Batches[0].CollectionDate = o2c.MustDate(2026, 12, 25) }},
		{"collection on Good Friday", "batches[0].collection_date", "TARGET2", func(f *sepa.DirectDebitFile) { f.Batches[0].CollectionDate = o2c.MustDate(2026, 4, 3) }},
		{"amount in USD", "batches[0].debits[0].amount", "EUR", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].Amount = o2c.MustMoney("10", "USD") }},
		{"amount over the maximum", "batches[0].debits[0].amount", "999999999.99", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].Amount = eur("1000000000.00") }},
		{"amount with 3 decimals", "batches[0].debits[0].amount", "two decimals", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].Amount = eur("1.005") }},
		{"zero amount", "batches[0].debits[0].amount", "0.01", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].Amount = eur("0") }},
		{"amendment indicator without details", "batches[1].debits[0].mandate.amendment", "at least one original", func(f *sepa.DirectDebitFile) { f.Batches[1].Debits[0].Mandate.Amendment = &sepa.Amendment{} }},
		{"SMNDA with an original IBAN", "batches[1].debits[0].mandate.amendment", "SMNDA", func(f *sepa.DirectDebitFile) {
			f.Batches[1].Debits[0].Mandate.Amendment.DebtorAgentChanged = true
		}},
		{"mandate signed after collection", "batches[0].debits[0].mandate.signed", "after the collection", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].Mandate.Signed = o2c.MustDate(2027, 1, 1) }},
		{"creditor id check digits", "creditor_id", "check digits", func(f *sepa.DirectDebitFile) { f.CreditorID = "FR73ZZZ123456" }},
		{"debtor IBAN", "batches[0].debits[0].debtor.iban", "IBAN", func(f *sepa.DirectDebitFile) { f.Batches[0].Debits[0].Debtor.IBAN = "DE89370400440532013001" }},
		{"duplicate end-to-end id", "batches[1].debits[1].end_to_end_id", "unique", func(f *sepa.DirectDebitFile) { f.Batches[1].Debits[1].EndToEndID = "INV-2026-000002" }},
		{"duplicate batch id", "batches[1].id", "unique", func(f *sepa.DirectDebitFile) { f.Batches[1].ID = f.Batches[0].ID }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := demoFile()
			f.Batches[1].Debits = append([]sepa.Debit(nil), f.Batches[1].Debits...)
			a := *f.Batches[1].Debits[0].Mandate.Amendment
			f.Batches[1].Debits[0].Mandate.Amendment = &a
			c.edit(&f)
			_, err := f.Marshal(sepa.Pain008V08)
			var ve *o2c.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, sepa.ErrRule)
			assert.Equal(t, c.field, ve.Field)
			assert.Contains(t, ve.Rule, c.rule)
		})
	}
	require.NoError(t, demoFile().Validate())
}

func TestCreditTransferRules(t *testing.T) {
	f := refundFile()
	f.ExecutionDate = o2c.MustDate(2027, 1, 1)
	assert.ErrorIs(t, f.Validate(), sepa.ErrRule)
	f = refundFile()
	f.Transfers[1].EndToEndID = f.Transfers[0].EndToEndID
	assert.ErrorContains(t, f.Validate(), "unique")
	f = refundFile()
	_, err := f.Marshal(sepa.Pain008V08)
	assert.ErrorContains(t, err, "pain.001")
}
