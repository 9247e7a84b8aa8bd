// Package matchingtest is the conformance suite of [matching.Store]: every
// implementation (memory, SQLite, PostgreSQL) runs RunStoreTests and so
// behaves alike.
package matchingtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// Harness gives the suite a fresh, empty database.
type Harness struct {
	// Tx runs transactions over the stores.
	Tx o2c.Transactor
	// Store returns the tenant's matching store.
	Store func(t o2c.TenantID) matching.Store
}

const (
	tenantA o2c.TenantID = "tenant-a"
	tenantB o2c.TenantID = "tenant-b"
)

// RunStoreTests runs the suite; newHarness is called once per subtest.
func RunStoreTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("CreateAndRead", func(t *testing.T) { testCreateAndRead(t, newHarness(t)) })
	t.Run("DuplicateStatement", func(t *testing.T) { testDuplicate(t, newHarness(t)) })
	t.Run("Tenants", func(t *testing.T) { testTenants(t, newHarness(t)) })
	t.Run("UpdateLine", func(t *testing.T) { testUpdateLine(t, newHarness(t)) })
	t.Run("Proposals", func(t *testing.T) { testProposals(t, newHarness(t)) })
	t.Run("Mappings", func(t *testing.T) { testMappings(t, newHarness(t)) })
	t.Run("Rollback", func(t *testing.T) { testRollback(t, newHarness(t)) })
}

// Statement returns a statement record of tenant with n lines whose keys
// start with prefix.
func Statement(tenant o2c.TenantID, fingerprint, prefix string, n int) (*matching.StatementRecord, []*matching.LineRecord) {
	st := &matching.StatementRecord{ID: o2c.NewID[matching.StatementRecord](), Tenant: tenant, Fingerprint: fingerprint,
		Format: matching.FormatCAMT053, BankID: "STMT-" + fingerprint, AccountIBAN: "FR7630006000011234567890189", Currency: o2c.EUR,
		From: o2c.MustDate(2026, time.April, 1), To: o2c.MustDate(2026, time.April, 1), Lines: n, ImportedAt: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)}
	var lines []*matching.LineRecord
	for i := 0; i < n; i++ {
		lines = append(lines, &matching.LineRecord{ID: o2c.NewID[matching.LineRecord](), Tenant: tenant, Statement: st.ID, Index: i,
			Key: fmt.Sprintf("%s-%d", prefix, i), Status: matching.LineNew,
			Line: matching.Line{BookingDate: st.From, ValueDate: st.From, Amount: o2c.MustMoney(fmt.Sprintf("%d.50", 100+i), "EUR"),
				Direction: matching.Credit, CounterpartyName: "Acme SA", CounterpartyIBAN: "DE89370400440532013000", RemittanceText: "INV-2026-000001"}})
	}
	return st, lines
}

func testCreateAndRead(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Store(tenantA)
	assert.Equal(t, tenantA, s.TenantID())
	st, lines := Statement(tenantA, "fp-1", "k1", 3)
	require.NoError(t, s.CreateStatement(ctx, st, lines))
	assert.Equal(t, int64(1), st.Version)
	got, err := s.GetStatement(ctx, st.ID)
	require.NoError(t, err)
	assert.Equal(t, st.Fingerprint, got.Fingerprint)
	assert.Equal(t, 3, got.Lines)
	assert.True(t, st.From == got.From)
	byFP, err := s.FindStatement(ctx, "fp-1")
	require.NoError(t, err)
	assert.Equal(t, st.ID, byFP.ID)
	_, err = s.FindStatement(ctx, "fp-none")
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	l, err := s.FindLine(ctx, "k1-1")
	require.NoError(t, err)
	assert.Equal(t, lines[1].ID, l.ID)
	assert.True(t, l.Line.Amount.Equal(o2c.MustMoney("101.50", "EUR")), l.Line.Amount.String())
	assert.Equal(t, "INV-2026-000001", l.Line.RemittanceText)
	_, err = s.FindLine(ctx, "k1-9")
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	_, err = s.GetLine(ctx, o2c.NewID[matching.LineRecord]())
	assert.ErrorIs(t, err, o2c.ErrNotFound)

	st2, lines2 := Statement(tenantA, "fp-2", "k2", 2)
	require.NoError(t, s.CreateStatement(ctx, st2, lines2))
	all, err := s.ListLines(ctx, matching.LineFilter{})
	require.NoError(t, err)
	require.Len(t, all, 5)
	for i, l := range all[:3] {
		assert.Equal(t, i, l.Index)
		assert.Equal(t, st.ID, l.Statement)
	}
	of2, err := s.ListLines(ctx, matching.LineFilter{Statement: st2.ID})
	require.NoError(t, err)
	require.Len(t, of2, 2)
	page, err := s.ListLines(ctx, matching.LineFilter{Statement: st.ID, Limit: 2, Offset: 1})
	require.NoError(t, err)
	require.Len(t, page, 2)
	assert.Equal(t, 1, page[0].Index)
	_, err = s.ListLines(ctx, matching.LineFilter{Offset: 1})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = s.ListLines(ctx, matching.LineFilter{Statuses: []matching.LineStatus{"bogus"}})
	assert.ErrorIs(t, err, o2c.ErrValidation)
}

func testDuplicate(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Store(tenantA)
	st, lines := Statement(tenantA, "fp-1", "k", 2)
	require.NoError(t, s.CreateStatement(ctx, st, lines))
	// same fingerprint
	again, againLines := Statement(tenantA, "fp-1", "other", 2)
	err := s.CreateStatement(ctx, again, againLines)
	assert.ErrorIs(t, err, o2c.ErrConflict)
	_, err = s.GetStatement(ctx, again.ID)
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	_, err = s.FindLine(ctx, "other-0")
	assert.ErrorIs(t, err, o2c.ErrNotFound, "no line of a refused statement is written")
	// a line key stored by another statement
	overlap, overlapLines := Statement(tenantA, "fp-2", "k", 1)
	err = s.CreateStatement(ctx, overlap, overlapLines)
	assert.ErrorIs(t, err, o2c.ErrConflict)
	_, err = s.GetStatement(ctx, overlap.ID)
	assert.ErrorIs(t, err, o2c.ErrNotFound, "nothing of a refused statement is written")
	// a key repeated within one statement
	dup, dupLines := Statement(tenantA, "fp-3", "d", 2)
	dupLines[1].Key = dupLines[0].Key
	assert.ErrorIs(t, s.CreateStatement(ctx, dup, dupLines), o2c.ErrConflict)
	all, err := s.ListLines(ctx, matching.LineFilter{})
	require.NoError(t, err)
	assert.Len(t, all, 2)
}

func testTenants(t *testing.T, h Harness) {
	ctx := context.Background()
	a, b := h.Store(tenantA), h.Store(tenantB)
	st, lines := Statement(tenantA, "fp", "k", 1)
	require.NoError(t, a.CreateStatement(ctx, st, lines))
	_, err := b.GetStatement(ctx, st.ID)
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	_, err = b.FindStatement(ctx, "fp")
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	_, err = b.GetLine(ctx, lines[0].ID)
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	_, err = b.FindLine(ctx, "k-0")
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	ls, err := b.ListLines(ctx, matching.LineFilter{})
	require.NoError(t, err)
	assert.Empty(t, ls)
	// the same fingerprint and keys are free in another tenant
	stB, linesB := Statement(tenantB, "fp", "k", 1)
	require.NoError(t, b.CreateStatement(ctx, stB, linesB))
	// a record of another tenant is refused
	stX, linesX := Statement(tenantB, "fp-x", "x", 1)
	assert.ErrorIs(t, a.CreateStatement(ctx, stX, linesX), o2c.ErrValidation)
	cust := o2c.NewCustomerID()
	_, err = a.LearnMapping(ctx, matching.MappingEvidence{Kind: matching.MappingIBAN, Key: "DE89370400440532013000", Customer: cust})
	require.NoError(t, err)
	ms, err := b.Mappings(ctx)
	require.NoError(t, err)
	assert.Empty(t, ms)
	_, err = b.UpdateLine(ctx, lines[0].ID, func(*matching.LineRecord) error { return nil })
	assert.ErrorIs(t, err, o2c.ErrNotFound)
}

func testUpdateLine(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Store(tenantA)
	st, lines := Statement(tenantA, "fp", "k", 1)
	require.NoError(t, s.CreateStatement(ctx, st, lines))
	id := lines[0].ID
	l, err := s.UpdateLine(ctx, id, func(l *matching.LineRecord) error {
		l.Status, l.Note = matching.LineApplied, "booked"
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, int64(2), l.Version)
	got, err := s.GetLine(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, matching.LineApplied, got.Status)
	assert.Equal(t, "booked", got.Note)
	boom := errors.New("boom")
	_, err = s.UpdateLine(ctx, id, func(l *matching.LineRecord) error {
		l.Status = matching.LineSkipped
		return boom
	})
	assert.ErrorIs(t, err, boom)
	_, err = s.UpdateLine(ctx, id, func(l *matching.LineRecord) error {
		l.Key = "changed"
		return nil
	})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = s.UpdateLine(ctx, id, func(l *matching.LineRecord) error {
		l.Status = "bogus"
		return nil
	})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	got, err = s.GetLine(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, matching.LineApplied, got.Status)
	assert.Equal(t, "k-0", got.Key)
	assert.Equal(t, int64(2), got.Version)
	applied, err := s.ListLines(ctx, matching.LineFilter{Statuses: []matching.LineStatus{matching.LineApplied}})
	require.NoError(t, err)
	assert.Len(t, applied, 1)
	_, err = s.UpdateLine(ctx, o2c.NewID[matching.LineRecord](), func(*matching.LineRecord) error { return nil })
	assert.ErrorIs(t, err, o2c.ErrNotFound)
}

func proposal(tenant o2c.TenantID, line matching.LineID, rank int, conf float64) *matching.ProposalRecord {
	return &matching.ProposalRecord{ID: o2c.NewID[matching.ProposalRecord](), Tenant: tenant, Line: line, Rank: rank,
		Decision: matching.DecisionSuggest, Status: matching.ProposalOpen,
		Proposal: matching.Proposal{Kind: matching.KindAmount, Customer: o2c.NewCustomerID(), Unapplied: o2c.MustMoney("0.00", "EUR"),
			Confidence: conf, Reasons: []string{fmt.Sprintf("rank %d", rank)}}}
}

func testProposals(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Store(tenantA)
	st, lines := Statement(tenantA, "fp", "k", 2)
	require.NoError(t, s.CreateStatement(ctx, st, lines))
	line := lines[0].ID
	first := []*matching.ProposalRecord{proposal(tenantA, line, 1, 0.5), proposal(tenantA, line, 0, 0.8)}
	require.NoError(t, s.ReplaceProposals(ctx, line, first))
	open, err := s.OpenProposals(ctx, line)
	require.NoError(t, err)
	require.Len(t, open, 2)
	assert.Equal(t, 0, open[0].Rank)
	assert.InDelta(t, 0.8, open[0].Proposal.Confidence, 1e-9)
	assert.Equal(t, []string{"rank 0"}, open[0].Proposal.Reasons)
	other, err := s.OpenProposals(ctx, lines[1].ID)
	require.NoError(t, err)
	assert.Empty(t, other)

	second := []*matching.ProposalRecord{proposal(tenantA, line, 0, 0.95)}
	require.NoError(t, s.ReplaceProposals(ctx, line, second))
	open, err = s.OpenProposals(ctx, line)
	require.NoError(t, err)
	require.Len(t, open, 1)
	assert.Equal(t, second[0].ID, open[0].ID)
	old, err := s.GetProposal(ctx, first[0].ID)
	require.NoError(t, err)
	assert.Equal(t, matching.ProposalSuperseded, old.Status)

	p, err := s.UpdateProposal(ctx, second[0].ID, func(p *matching.ProposalRecord) error {
		assert.Equal(t, matching.ProposalOpen, p.Status)
		p.Status = matching.ProposalApplied
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, matching.ProposalApplied, p.Status)
	got, err := s.GetProposal(ctx, second[0].ID)
	require.NoError(t, err)
	assert.Equal(t, matching.ProposalApplied, got.Status)
	open, err = s.OpenProposals(ctx, line)
	require.NoError(t, err)
	assert.Empty(t, open)
	_, err = s.UpdateProposal(ctx, second[0].ID, func(p *matching.ProposalRecord) error {
		p.Line = lines[1].ID
		return nil
	})
	assert.ErrorIs(t, err, o2c.ErrValidation)

	wrong := []*matching.ProposalRecord{proposal(tenantA, lines[1].ID, 0, 0.5)}
	assert.ErrorIs(t, s.ReplaceProposals(ctx, line, wrong), o2c.ErrValidation)
	missing := o2c.NewID[matching.LineRecord]()
	assert.ErrorIs(t, s.ReplaceProposals(ctx, missing, []*matching.ProposalRecord{proposal(tenantA, missing, 0, 0.5)}), o2c.ErrNotFound)
	_, err = s.GetProposal(ctx, o2c.NewID[matching.ProposalRecord]())
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	_, err = s.UpdateProposal(ctx, o2c.NewID[matching.ProposalRecord](), func(*matching.ProposalRecord) error { return nil })
	assert.ErrorIs(t, err, o2c.ErrNotFound)
}

func testMappings(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Store(tenantA)
	c1, c2 := o2c.NewCustomerID(), o2c.NewCustomerID()
	const iban = "FR7630006000011234567890189"
	learn := func(kind matching.MappingKind, key string, c o2c.CustomerID, rejected bool, seen o2c.Date) *matching.Mapping {
		t.Helper()
		m, err := s.LearnMapping(ctx, matching.MappingEvidence{Kind: kind, Key: key, Customer: c, Rejected: rejected, Seen: seen})
		require.NoError(t, err)
		return m
	}
	d1, d2 := o2c.MustDate(2026, time.March, 2), o2c.MustDate(2026, time.March, 9)
	m := learn(matching.MappingIBAN, iban, c1, false, d2)
	assert.Equal(t, 1, m.Confirmations)
	assert.True(t, m.Firm())
	m = learn(matching.MappingIBAN, iban, c1, false, d1)
	assert.Equal(t, 2, m.Confirmations)
	assert.Equal(t, d2, m.LastSeen, "last seen is the latest date, not the latest call")
	learn(matching.MappingName, "acme industries", c2, false, d1)
	// a confirmation for another customer contradicts the mapping for good
	m = learn(matching.MappingIBAN, iban, c2, false, d2)
	assert.Equal(t, c2, m.Customer)
	assert.Equal(t, 3, m.Confirmations)
	assert.True(t, m.Contradicted())
	assert.False(t, m.Firm())
	m = learn(matching.MappingIBAN, iban, c2, false, d2)
	assert.False(t, m.Firm(), "more confirmations never make a contradicted mapping firm")
	// rejections are kept per customer
	m = learn(matching.MappingName, "acme industries", c2, true, d2)
	assert.Equal(t, 1, m.Rejections)
	assert.False(t, m.Firm(), "as many rejections as confirmations")
	ms, err := s.Mappings(ctx)
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, matching.MappingIBAN, ms[0].Kind)
	assert.Equal(t, c2, ms[0].Customer)
	assert.Equal(t, []matching.MappingCustomer{{Customer: c1, Confirmations: 2}, {Customer: c2, Confirmations: 2}}, ms[0].Customers)
	assert.Equal(t, d2, ms[0].LastSeen)
	assert.Equal(t, matching.MappingName, ms[1].Kind)
	assert.Equal(t, "acme industries", ms[1].Key)
	assert.Equal(t, []matching.MappingCustomer{{Customer: c2, Confirmations: 1, Rejections: 1}}, ms[1].Customers)
	_, err = s.LearnMapping(ctx, matching.MappingEvidence{Kind: "phone", Key: "x", Customer: c1})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = s.LearnMapping(ctx, matching.MappingEvidence{Kind: matching.MappingName, Customer: c1})
	assert.ErrorIs(t, err, o2c.ErrValidation)
}

func testRollback(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Store(tenantA)
	boom := errors.New("boom")
	st, lines := Statement(tenantA, "fp", "k", 2)
	err := h.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.CreateStatement(ctx, st, lines); err != nil {
			return err
		}
		if _, err := s.LearnMapping(ctx, matching.MappingEvidence{Kind: matching.MappingIBAN, Key: "DE89370400440532013000", Customer: o2c.NewCustomerID()}); err != nil {
			return err
		}
		return boom
	})
	assert.ErrorIs(t, err, boom)
	_, err = s.FindStatement(ctx, "fp")
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	_, err = s.FindLine(ctx, "k-0")
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	ms, err := s.Mappings(ctx)
	require.NoError(t, err)
	assert.Empty(t, ms)
	// a failing call inside a transaction that carries on writes nothing
	st2, lines2 := Statement(tenantA, "fp2", "j", 1)
	err = h.Tx.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, s.CreateStatement(ctx, st2, lines2))
		dup, dupLines := Statement(tenantA, "fp3", "j", 1) // key j-0 taken
		assert.ErrorIs(t, s.CreateStatement(ctx, dup, dupLines), o2c.ErrConflict)
		_, err := s.FindStatement(ctx, "fp3")
		assert.ErrorIs(t, err, o2c.ErrNotFound)
		return nil
	})
	require.NoError(t, err)
	_, err = s.FindStatement(ctx, "fp2")
	require.NoError(t, err)
}
