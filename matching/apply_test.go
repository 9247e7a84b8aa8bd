package matching_test

import (
	"context"

	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

func TestServiceImportProposeApply(t *testing.T) {
	f, err := newFixture(matching.ServiceOptions{})
	require.NoError(t, err)
	inv1, err := f.issue(f.acme, "1000.00", april1, invoice.NetTerms(30)) // 1200.00
	require.NoError(t, err)
	inv2, err := f.issue(f.globex, "250.00", april1, invoice.NetTerms(30)) // 300.00
	require.NoError(t, err)
	inv3, err := f.issue(f.globex, "500.00", april1, invoice.NetTerms(30)) // 600.00
	require.NoError(t, err)
	inv4, err := f.issue(f.acme, "400.00", april1, invoice.NetTerms(30)) // 480.00
	require.NoError(t, err)
	rf, err := matching.RFReferenceForNumber(inv1.Number())
	require.NoError(t, err)

	st := statement("STMT-1",
		credit("1200.00", "ACME INDUSTRIES", acmeIBAN, "Payment "+rf, "B1"),
		credit("900.00", "Globex", globexIBAN, "Invoices "+inv2.Number()+" and "+inv3.Number(), "B2"),
		credit("477.50", "Acme Industries", acmeIBAN, "inv "+inv4.Number(), "B3"),
		credit("75.00", "Somebody Else", "GB29NWBK60161331926819", "gift", "B4"),
	)
	debit := credit("12.00", "Bank", "", "fees", "B5")
	debit.Direction = matching.Debit
	st.Lines = append(st.Lines, debit)

	imp, err := f.svc.Import(f.ctx, st)
	require.NoError(t, err)
	require.Len(t, imp.Lines, 5)
	assert.Zero(t, imp.Duplicates)

	res, err := f.svc.Propose(f.ctx, imp.Statement.ID)
	require.NoError(t, err)
	require.Len(t, res, 5)
	assert.Equal(t, matching.DecisionAuto, res[0].Decision)
	assert.Contains(t, res[0].Proposals[0].Reason(), "RF reference "+rf+" matched "+inv1.Number())
	assert.Contains(t, res[0].Proposals[0].Reason(), "amount equal")
	assert.Equal(t, matching.DecisionAuto, res[1].Decision)
	assert.Len(t, res[1].Proposals[0].Allocations, 2)
	assert.Equal(t, matching.DecisionAuto, res[2].Decision)
	assert.True(t, res[2].Proposals[0].Allocations[0].WriteOff.Equal(o2c.MustMoney("2.50", "EUR")))
	assert.Equal(t, matching.DecisionNone, res[3].Decision)
	assert.Equal(t, matching.DecisionSkipped, res[4].Decision)

	rep, err := f.svc.Apply(f.ctx, imp.Statement.ID)
	require.NoError(t, err)
	assert.Empty(t, rep.Failed)
	require.Len(t, rep.Applied, 3)
	for _, inv := range []*invoice.Invoice{inv1, inv2, inv3, inv4} {
		assert.Equal(t, invoice.StatePaid, f.get(inv.ID()).Status(), inv.Number())
	}
	assert.Equal(t, []invoice.ID{inv4.ID()}, rep.Applied[2].WrittenOff)

	lines, err := f.svc.Lines(f.ctx, imp.Statement.ID)
	require.NoError(t, err)
	statuses := []matching.LineStatus{}
	for _, l := range lines {
		statuses = append(statuses, l.Status)
	}
	assert.Equal(t, []matching.LineStatus{matching.LineApplied, matching.LineApplied, matching.LineApplied, matching.LineUnmatched, matching.LineSkipped}, statuses)

	// the payers were learned
	ms, err := f.svc.Mappings(f.ctx)
	require.NoError(t, err)
	learned := map[string]o2c.CustomerID{}
	for _, m := range ms {
		learned[string(m.Kind)+":"+m.Key] = m.Customer
	}
	assert.Equal(t, f.acme.ID, learned["iban:"+acmeIBAN])
	assert.Equal(t, f.globex.ID, learned["iban:"+globexIBAN])

	// the same statement again is recognised and books nothing
	_, err = f.svc.Import(f.ctx, st)
	var dup *matching.DuplicateStatementError
	require.ErrorAs(t, err, &dup)
	assert.ErrorIs(t, err, matching.ErrDuplicateStatement)
	assert.Equal(t, imp.Statement.ID, dup.Statement)

	// an overlapping statement: the movement already imported is skipped
	st2 := statement("STMT-2", st.Lines[0], credit("50.00", "Acme Industries", acmeIBAN, "advance", "B6"))
	imp2, err := f.svc.Import(f.ctx, st2)
	require.NoError(t, err)
	assert.Equal(t, 1, imp2.Duplicates)
	require.Len(t, imp2.Lines, 1)
	res2, err := f.svc.Propose(f.ctx, imp2.Statement.ID)
	require.NoError(t, err)
	require.Len(t, res2, 1)
	assert.Equal(t, matching.DecisionUnapplied, res2[0].Decision, res2[0].Proposals)
	rep2, err := f.svc.Apply(f.ctx, imp2.Statement.ID)
	require.NoError(t, err)
	require.Len(t, rep2.Applied, 1)
	pos, err := f.invoices.Position(f.ctx, f.acme.ID)
	require.NoError(t, err)
	assert.True(t, pos[0].Unapplied.Equal(o2c.MustMoney("50.00", "EUR")), pos[0].Unapplied.String())

	// applying again finds nothing to do; confirming an applied line is refused
	rep3, err := f.svc.Apply(f.ctx, imp.Statement.ID)
	require.NoError(t, err)
	assert.Empty(t, rep3.Applied)
	_, err = f.svc.Confirm(f.ctx, lines[0].Applied)
	assert.ErrorIs(t, err, matching.ErrAlreadyApplied)
	payments, err := f.tenant.Payments().List(f.ctx, invoice.PaymentFilter{})
	require.NoError(t, err)
	assert.Len(t, payments, 4, "each line booked once")
}

func TestServiceConfirmTeachesPayer(t *testing.T) {
	f, err := newFixture(matching.ServiceOptions{})
	require.NoError(t, err)
	inv1, err := f.issue(f.globex, "1000.00", april1, invoice.NetTerms(30)) // 1200.00
	require.NoError(t, err)
	inv2, err := f.issue(f.globex, "2000.00", april1, invoice.NetTerms(30)) // 2400.00
	require.NoError(t, err)
	const newIBAN = "NL91ABNA0417164300"
	imp, err := f.svc.Import(f.ctx, statement("S1", credit("1200.00", "Globex Holding", newIBAN, "thanks", "X1")))
	require.NoError(t, err)
	res, err := f.svc.Propose(f.ctx, imp.Statement.ID)
	require.NoError(t, err)
	require.Equal(t, matching.DecisionNone, res[0].Decision, "an unknown account and an unknown name identify no one")

	// a person finds it: the engine cannot, so we feed the name the master knows
	imp2, err := f.svc.Import(f.ctx, statement("S2", credit("1200.00", "GLOBEX HANDEL", newIBAN, "thanks", "X2")))
	require.NoError(t, err)
	res, err = f.svc.Propose(f.ctx, imp2.Statement.ID)
	require.NoError(t, err)
	require.Equal(t, matching.DecisionSuggest, res[0].Decision, "a name alone is not enough to apply")
	lines, err := f.svc.Lines(f.ctx, imp2.Statement.ID)
	require.NoError(t, err)
	props, err := f.svc.Proposals(f.ctx, lines[0].ID)
	require.NoError(t, err)
	require.NotEmpty(t, props)
	require.Len(t, props[0].Proposal.Allocations, 1)
	assert.Equal(t, inv1.ID(), props[0].Proposal.Allocations[0].Invoice)
	applied, err := f.svc.Confirm(f.ctx, props[0].ID)
	require.NoError(t, err)
	assert.Equal(t, invoice.StatePaid, f.get(inv1.ID()).Status())
	_, err = f.svc.Confirm(f.ctx, props[0].ID)
	assert.ErrorIs(t, err, matching.ErrAlreadyApplied)
	assert.False(t, applied.Payment.IsZero())

	// the next payment from that account is recognised by the learned IBAN
	imp3, err := f.svc.Import(f.ctx, statement("S3", credit("2400.00", "G. Holding", newIBAN, "", "X3")))
	require.NoError(t, err)
	res, err = f.svc.Propose(f.ctx, imp3.Statement.ID)
	require.NoError(t, err)
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Proposals)
	assert.Contains(t, res[0].Proposals[0].Reason(), "learned from confirmed matches")
	assert.Equal(t, inv2.ID(), res[0].Proposals[0].Allocations[0].Invoice)

	// a rejected proposal is not offered again and cannot be confirmed
	imp4, err := f.svc.Import(f.ctx, statement("S4", credit("10.00", "GLOBEX HANDEL", "", "x", "X4")))
	require.NoError(t, err)
	_, err = f.svc.Propose(f.ctx, imp4.Statement.ID)
	require.NoError(t, err)
	lines4, err := f.svc.Lines(f.ctx, imp4.Statement.ID)
	require.NoError(t, err)
	props4, err := f.svc.Proposals(f.ctx, lines4[0].ID)
	require.NoError(t, err)
	require.NotEmpty(t, props4)
	require.NoError(t, f.svc.Reject(f.ctx, props4[0].ID))
	_, err = f.svc.Confirm(f.ctx, props4[0].ID)
	assert.ErrorIs(t, err, matching.ErrNotApplicable)
}

type granter struct{ calls []string }

func (g *granter) GrantDiscount(_ context.Context, inv invoice.ID, d o2c.Money, key string) error {
	g.calls = append(g.calls, d.String())
	return nil
}

func TestServiceEarlyPaymentDiscount(t *testing.T) {
	g := &granter{}
	f, err := newFixture(matching.ServiceOptions{Discounts: g})
	require.NoError(t, err)
	terms := invoice.NetTerms(30)
	terms.Discount = invoice.EarlyPaymentDiscount{Percent: decimal.NewFromInt(2), Days: 10}
	inv, err := f.issue(f.acme, "1000.00", april1, terms) // 1200.00, 2 % = 24.00
	require.NoError(t, err)
	imp, err := f.svc.Import(f.ctx, statement("S", credit("1176.00", "Acme", acmeIBAN, inv.Number(), "D1")))
	require.NoError(t, err)
	res, err := f.svc.Propose(f.ctx, imp.Statement.ID)
	require.NoError(t, err)
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Proposals)
	assert.Contains(t, res[0].Proposals[0].Reason(), "early-payment discount")
	rep, err := f.svc.Apply(f.ctx, imp.Statement.ID)
	require.NoError(t, err)
	require.Len(t, rep.Applied, 1)
	assert.Equal(t, []string{"24.00 EUR"}, g.calls)
	assert.True(t, f.get(inv.ID()).Open().Equal(o2c.MustMoney("24.00", "EUR")), "the granter settles the discount; invoicing saw the payment")
}

func TestServiceDiscountWithoutGranterStaysOpen(t *testing.T) {
	f, err := newFixture(matching.ServiceOptions{})
	require.NoError(t, err)
	terms := invoice.NetTerms(30)
	terms.Discount = invoice.EarlyPaymentDiscount{Percent: decimal.NewFromInt(2), Days: 10}
	inv, err := f.issue(f.acme, "1000.00", april1, terms)
	require.NoError(t, err)
	imp, err := f.svc.Import(f.ctx, statement("S", credit("1176.00", "Acme", acmeIBAN, inv.Number(), "D1")))
	require.NoError(t, err)
	_, err = f.svc.Propose(f.ctx, imp.Statement.ID)
	require.NoError(t, err)
	rep, err := f.svc.Apply(f.ctx, imp.Statement.ID)
	require.NoError(t, err)
	require.Len(t, rep.Applied, 1)
	assert.True(t, rep.Applied[0].DiscountOpen[inv.ID()].Equal(o2c.MustMoney("24.00", "EUR")))
	assert.Equal(t, invoice.StatePartiallyPaid, f.get(inv.ID()).Status())
}

func TestNewServiceValidates(t *testing.T) {
	_, err := matching.NewService(nil, matching.Stores{}, nil, matching.ServiceOptions{})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	f, err := newFixture(matching.ServiceOptions{})
	require.NoError(t, err)
	_, err = f.svc.Import(f.ctx, statement("empty"))
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = f.svc.Propose(f.ctx, o2c.NewID[matching.StatementRecord]())
	assert.ErrorIs(t, err, o2c.ErrNotFound)
}
