package statementtest_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/matching/statementtest"
	"github.com/cashcycle/sdk/o2c"
)

func eur(t testing.TB, s string) o2c.Money {
	t.Helper()
	m, err := o2c.ParseMoney(s + " EUR")
	require.NoError(t, err)
	return m
}

func ptr(m o2c.Money) *o2c.Money { return &m }

const longText = "FACT 2026-0042 FACT 2026-0043 FACT 2026-0044 acompte et solde de la commande 77 livree le 2026-02-27 a Lyon, merci de votre confiance, a bientot pour la suite"

// richLines returns lines using what the format carries: camt (documents,
// structured references, ISO bank codes) or MT940 (German SEPA :86:).
func richLines(t testing.TB, camt bool) []matching.Line {
	day := o2c.MustDate(2026, 3, 2)
	l1 := matching.Line{
		BookingDate: day, ValueDate: day.AddDays(1), Amount: eur(t, "1200.00"), Direction: matching.Credit,
		CounterpartyName: "ACME SARL", CounterpartyIBAN: "DE44500105175407324931", CounterpartyBIC: "DRESDEFF508",
		RemittanceText: longText, EndToEndID: "E2E-42", BankReference: "0724710333", AdditionalInfo: "GUTSCHRIFT",
	}
	l2 := matching.Line{
		BookingDate: day, ValueDate: day, Amount: eur(t, "45.30"), Direction: matching.Debit,
		CounterpartyName: "ENERGIE NOORD BV AFDELING INCASSO EN DEBITEUREN", CounterpartyAccount: "123456789",
		MandateID: "MANDATE-7", UltimateParty: "NOORD HOLDING", RemittanceText: "MAART", BankReference: "B2",
	}
	l3 := matching.Line{
		BookingDate: day.AddDays(1), ValueDate: day.AddDays(1), Amount: eur(t, "10.01"), Direction: matching.Credit, Reversal: true,
		RemittanceText: "RETOUR",
	}
	if camt {
		l1.TransactionCode, l2.TransactionCode, l3.TransactionCode = "PMNT/RCDT/ESCT", "PMNT/IDDT/ESDD", "XTND"
		l1.StructuredRefs = []string{"RF18539007547034"}
		l1.Documents = []matching.RemittanceDocument{
			{Kind: matching.DocumentInvoice, Number: "FACT-2026-0042", Date: o2c.MustDate(2026, 2, 1),
				DuePayable: ptr(eur(t, "1250.00")), Discount: ptr(eur(t, "25.00")), Adjustment: ptr(eur(t, "30.00")), AdjustmentReason: "DMG", Remitted: ptr(eur(t, "1195.00"))},
			{Kind: matching.DocumentCreditNote, Number: "AV-2026-0003", Remitted: ptr(eur(t, "5.00"))},
			{Kind: matching.DocumentDebitNote, Number: "ND-9", Adjustment: ptr(eur(t, "-2.50"))},
			{Kind: matching.DocumentOther, Number: "PO-77"},
		}
	} else {
		l1.TransactionCode, l2.TransactionCode, l3.TransactionCode = "NTRF/166", "NDDT/105", "NMSC"
		l1.CustomerReference = "A REFERENCE LONGER THAN 16"
		l2.CustomerReference = "REF-2"
	}
	return []matching.Line{l1, l2, l3}
}

func richStatement(t testing.TB, camt bool) matching.Statement {
	st := matching.Statement{
		ID: "STMT-2026-03-02", Sequence: "61", AccountIBAN: "FR7630006000011234567890189", AccountBIC: "BNPAFRPPXXX",
		Lines: richLines(t, camt),
	}
	require.NoError(t, statementtest.Balance(&st, eur(t, "-100.00"), o2c.MustDate(2026, 3, 1)))
	return st
}

func lineString(l matching.Line) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s %s rev=%v name=%q iban=%q bic=%q acct=%q ult=%q text=%q refs=%q e2e=%q mndt=%q bank=%q cust=%q code=%q info=%q",
		l.BookingDate, l.ValueDate, l.Amount, l.Direction, l.Reversal, l.CounterpartyName, l.CounterpartyIBAN, l.CounterpartyBIC,
		l.CounterpartyAccount, l.UltimateParty, l.RemittanceText, l.StructuredRefs, l.EndToEndID, l.MandateID, l.BankReference,
		l.CustomerReference, l.TransactionCode, l.AdditionalInfo)
	for _, d := range l.Documents {
		s := func(m *o2c.Money) string {
			if m == nil {
				return "-"
			}
			return m.String()
		}
		fmt.Fprintf(&b, " doc{%s %s %s due=%s disc=%s adj=%s %q rem=%s}", d.Kind, d.Number, d.Date, s(d.DuePayable), s(d.Discount), s(d.Adjustment), d.AdjustmentReason, s(d.Remitted))
	}
	return b.String()
}

func balancesString(bs []matching.Balance) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Type+" "+b.Amount.String()+" "+b.Date.String())
	}
	return out
}

func assertSame(t *testing.T, want, got matching.Statement) {
	t.Helper()
	assert.Equal(t, want.ID, got.ID)
	assert.Equal(t, want.Sequence, got.Sequence)
	assert.Equal(t, want.AccountIBAN, got.AccountIBAN)
	assert.Equal(t, want.AccountBIC, got.AccountBIC)
	assert.Equal(t, want.Currency, got.Currency)
	assert.Equal(t, balancesString(want.Balances), balancesString(got.Balances))
	require.NotNil(t, got.OpeningBalance)
	require.NotNil(t, got.ClosingBalance)
	assert.True(t, want.OpeningBalance.Amount.Equal(got.OpeningBalance.Amount))
	assert.True(t, want.ClosingBalance.Amount.Equal(got.ClosingBalance.Amount))
	require.Len(t, got.Lines, len(want.Lines))
	for i := range want.Lines {
		assert.Equal(t, lineString(want.Lines[i]), lineString(got.Lines[i]), "line %d", i+1)
	}
	assert.Nil(t, got.Incomplete)
}

func TestCAMTRoundTrip(t *testing.T) {
	for _, v := range []statementtest.CAMTVersion{statementtest.CAMT053v02, statementtest.CAMT053v08} {
		t.Run(string(v), func(t *testing.T) {
			st := richStatement(t, true)
			st.CreatedAt = "2026-03-02T18:00:00"
			var buf bytes.Buffer
			require.NoError(t, statementtest.WriteCAMT(&buf, v, "MSG-1", st, st))
			got, err := matching.Parse(bytes.NewReader(buf.Bytes()), "")
			require.NoError(t, err, buf.String())
			require.Len(t, got, 2)
			for _, g := range got {
				assert.Equal(t, matching.FormatCAMT053, g.Format)
				assert.Equal(t, st.CreatedAt, g.CreatedAt)
				assert.Equal(t, st.From, g.From)
				assert.Equal(t, st.To, g.To)
				assertSame(t, st, g)
			}
		})
	}
}

func TestCAMT054RoundTrip(t *testing.T) {
	st := richStatement(t, true)
	var buf bytes.Buffer
	require.NoError(t, statementtest.WriteCAMT(&buf, statementtest.CAMT054v08, "MSG-2", st))
	got, err := matching.Parse(bytes.NewReader(buf.Bytes()), "")
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, matching.FormatCAMT054, got[0].Format)
	assert.Empty(t, got[0].Balances, "a notification states no balance")
	for i := range st.Lines {
		assert.Equal(t, lineString(st.Lines[i]), lineString(got[0].Lines[i]))
	}
}

func TestMT940RoundTrip(t *testing.T) {
	a := richStatement(t, false)
	b := richStatement(t, false)
	b.ID, b.Sequence = "STMT-2026-03-03", "62"
	b.AccountBIC = ""
	var buf bytes.Buffer
	require.NoError(t, statementtest.WriteMT940(&buf, a, b))
	got, err := matching.Parse(bytes.NewReader(buf.Bytes()), "")
	require.NoError(t, err, buf.String())
	require.Len(t, got, 2)
	assertSame(t, a, got[0])
	assertSame(t, b, got[1])
	assert.Equal(t, matching.FormatMT940, got[0].Format)
	for _, ln := range strings.Split(buf.String(), "\r\n") {
		assert.LessOrEqual(t, len(ln), 65, ln)
	}
}

func TestWritersRefuse(t *testing.T) {
	st := richStatement(t, true)
	var buf bytes.Buffer
	assert.ErrorIs(t, statementtest.WriteMT940(&buf, st), statementtest.ErrUnwritable, "documents have no MT940 form")

	m := richStatement(t, false)
	m.Lines[0].RemittanceText = "what?"
	assert.ErrorIs(t, statementtest.WriteMT940(&buf, m), statementtest.ErrUnwritable)

	usd := richStatement(t, true)
	usd.Lines[1].Amount = o2c.MustMoney("1.00", "USD")
	assert.ErrorIs(t, statementtest.WriteCAMT(&buf, statementtest.CAMT053v08, "M", usd), statementtest.ErrUnwritable)
	assert.ErrorIs(t, statementtest.WriteCAMT(&buf, statementtest.CAMT053v08, "M"), statementtest.ErrUnwritable, "no statement")
	assert.ErrorIs(t, statementtest.Balance(&usd, eur(t, "0.00"), o2c.MustDate(2026, 1, 1)), statementtest.ErrUnwritable)
}

// TestCAMTValidatesAgainstXSD validates written documents with xmllint
// against the official ISO 20022 schemas kept in testdata/: camt.054.001.08
// (whose entry and transaction types are those of camt.053.001.08).
func TestCAMTValidatesAgainstXSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian: libxml2-utils): schema validation skipped")
	}
	cases := map[string]struct {
		v   statementtest.CAMTVersion
		xsd string
	}{
		"camt.054.001.08": {statementtest.CAMT054v08, "testdata/camt.054.001.08.xsd"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			st := richStatement(t, true)
			st.CreatedAt = "2026-03-02T18:00:00"
			var buf bytes.Buffer
			require.NoError(t, statementtest.WriteCAMT(&buf, c.v, "MSG-XSD", st, st))
			file := filepath.Join(t.TempDir(), name+".xml")
			require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o600))
			out, err := exec.Command(xmllint, "--noout", "--schema", c.xsd, file).CombinedOutput()
			require.NoError(t, err, "%s\n%s", out, buf.String())
			assert.Contains(t, string(out), "validates")

			// The schema is not a rubber stamp: a broken document is refused.
			broken := strings.Replace(buf.String(), "<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>CREDIT</CdtDbtInd>", 1)
			require.NoError(t, os.WriteFile(file, []byte(broken), 0o600))
			_, err = exec.Command(xmllint, "--noout", "--schema", c.xsd, file).CombinedOutput()
			assert.Error(t, err)
		})
	}
}
