package matching_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/matching/statementtest"
	"github.com/cashcycle/sdk/o2c"
)

// TestC1ControlInBankFileIsApplied: a remittance text and a payer name with
// C1 control characters (U+0085 NEL, U+009C) in a camt file are cleaned by
// the parser, so the line that matches is also applied (before, Apply and
// Confirm refused the stored text).
func TestC1ControlInBankFileIsApplied(t *testing.T) {
	f, err := newFixture(matching.ServiceOptions{})
	require.NoError(t, err)
	inv, err := f.issue(f.acme, "1000.00", april1, invoice.NetTerms(30)) // 1200.00
	require.NoError(t, err)
	rf, err := matching.RFReferenceForNumber(inv.Number())
	require.NoError(t, err)

	day := o2c.MustDate(2026, 4, 20)
	st := matching.Statement{ID: "STMT-C1", AccountIBAN: "DE44500105175407324931", Lines: []matching.Line{{
		BookingDate: day, ValueDate: day, Amount: o2c.MustMoney("1200.00", "EUR"), Direction: matching.Credit,
		CounterpartyName: "ACME\u0085INDUSTRIES", CounterpartyIBAN: acmeIBAN, RemittanceText: "Payment\u0085" + rf + "\u009c",
		BankReference: "B-C1", EndToEndID: "E2E\u0085C1",
	}}}
	require.NoError(t, statementtest.Balance(&st, o2c.MustMoney("0.00", "EUR"), day))
	var buf bytes.Buffer
	require.NoError(t, statementtest.WriteCAMT(&buf, statementtest.CAMT053v08, "MSG-C1", st))
	require.Contains(t, buf.String(), "\u0085", "the file carries the control character")

	sts, err := matching.Parse(&buf, "")
	require.NoError(t, err)
	l := sts[0].Lines[0]
	assert.Equal(t, "ACME INDUSTRIES", l.CounterpartyName)
	assert.Equal(t, "Payment "+rf, l.RemittanceText)

	imp, err := f.svc.Import(f.ctx, sts[0])
	require.NoError(t, err)
	res, err := f.svc.Propose(f.ctx, imp.Statement.ID)
	require.NoError(t, err)
	require.Equal(t, matching.DecisionAuto, res[0].Decision)
	rep, err := f.svc.Apply(f.ctx, imp.Statement.ID)
	require.NoError(t, err)
	assert.Empty(t, rep.Failed)
	require.Len(t, rep.Applied, 1)
	assert.Equal(t, invoice.StatePaid, f.get(inv.ID()).Status())
}
