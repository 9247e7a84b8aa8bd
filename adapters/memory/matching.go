package memory

import (
	"context"
	"sort"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// Matching is the in-memory matching.Store of one tenant.
type Matching struct {
	db     *DB
	tenant o2c.TenantID
}

var _ matching.Store = (*Matching)(nil)

// Matching returns the tenant's cash-application store.
func (s *Store) Matching() matching.Store { return &Matching{db: s.db, tenant: s.tenant} }

func matchStatements(db *DB) *table[matching.StatementRecord] {
	return tableOf(db, "match_statements", func() *table[matching.StatementRecord] {
		return &table[matching.StatementRecord]{
			kind:       "statement",
			id:         func(r *matching.StatementRecord) string { return r.ID.String() },
			version:    func(r *matching.StatementRecord) int64 { return r.Version },
			setVersion: func(r *matching.StatementRecord, v int64) { r.Version = v },
		}
	})
}

func matchLines(db *DB) *table[matching.LineRecord] {
	return tableOf(db, "match_lines", func() *table[matching.LineRecord] {
		return &table[matching.LineRecord]{
			kind:       "statement line",
			id:         func(r *matching.LineRecord) string { return r.ID.String() },
			version:    func(r *matching.LineRecord) int64 { return r.Version },
			setVersion: func(r *matching.LineRecord, v int64) { r.Version = v },
		}
	})
}

func matchProposals(db *DB) *table[matching.ProposalRecord] {
	return tableOf(db, "match_proposals", func() *table[matching.ProposalRecord] {
		return &table[matching.ProposalRecord]{
			kind:       "proposal",
			id:         func(r *matching.ProposalRecord) string { return r.ID.String() },
			version:    func(r *matching.ProposalRecord) int64 { return r.Version },
			setVersion: func(r *matching.ProposalRecord, v int64) { r.Version = v },
		}
	})
}

func matchMappings(db *DB) *table[matching.Mapping] {
	return tableOf(db, "match_mappings", func() *table[matching.Mapping] {
		return &table[matching.Mapping]{
			kind:       "mapping",
			id:         func(r *matching.Mapping) string { return matching.MappingID(r.Kind, r.Key) },
			version:    func(r *matching.Mapping) int64 { return r.Version },
			setVersion: func(r *matching.Mapping, v int64) { r.Version = v },
		}
	})
}

func matchFingerprints(db *DB) *table[invUniqueRow] {
	return invUniqueTable(db, "match_fingerprints", "statement fingerprint")
}

func matchLineKeys(db *DB) *table[invUniqueRow] {
	return invUniqueTable(db, "match_line_keys", "statement line key")
}

// TenantID implements matching.Store.
func (s *Matching) TenantID() o2c.TenantID { return s.tenant }

// CreateStatement implements matching.Store.
func (s *Matching) CreateStatement(ctx context.Context, st *matching.StatementRecord, lines []*matching.LineRecord) error {
	if err := matching.CheckStatement(s.tenant, st, lines); err != nil {
		return err
	}
	stc := *st
	stc.Version = 0
	copies := make([]matching.LineRecord, len(lines))
	err := invAtomic(ctx, s.db, func(ctx context.Context) error {
		if err := matchFingerprints(s.db).insert(ctx, s.db, s.tenant, &invUniqueRow{Key: stc.Fingerprint, Target: stc.ID.String()}, nil); err != nil {
			return o2c.Conflict("statement", stc.Fingerprint, "imported already")
		}
		if err := matchStatements(s.db).insert(ctx, s.db, s.tenant, &stc, nil); err != nil {
			return err
		}
		for i, l := range lines {
			copies[i] = *l
			copies[i].Version = 0
			if err := matchLineKeys(s.db).insert(ctx, s.db, s.tenant, &invUniqueRow{Key: l.Key, Target: l.ID.String()}, nil); err != nil {
				return o2c.Conflict("statement line", l.Key, "imported already")
			}
			if err := matchLines(s.db).insert(ctx, s.db, s.tenant, &copies[i], nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	st.Version = 1
	for _, l := range lines {
		l.Version = 1
	}
	return nil
}

// GetStatement implements matching.Store.
func (s *Matching) GetStatement(ctx context.Context, id matching.StatementID) (*matching.StatementRecord, error) {
	return matchStatements(s.db).get(ctx, s.db, s.tenant, id.String())
}

// FindStatement implements matching.Store.
func (s *Matching) FindStatement(ctx context.Context, fingerprint string) (*matching.StatementRecord, error) {
	r, err := matchFingerprints(s.db).get(ctx, s.db, s.tenant, fingerprint)
	if err != nil {
		return nil, o2c.NotFound("statement with fingerprint", fingerprint)
	}
	return matchStatements(s.db).get(ctx, s.db, s.tenant, r.Target)
}

// GetLine implements matching.Store.
func (s *Matching) GetLine(ctx context.Context, id matching.LineID) (*matching.LineRecord, error) {
	return matchLines(s.db).get(ctx, s.db, s.tenant, id.String())
}

// FindLine implements matching.Store.
func (s *Matching) FindLine(ctx context.Context, key string) (*matching.LineRecord, error) {
	r, err := matchLineKeys(s.db).get(ctx, s.db, s.tenant, key)
	if err != nil {
		return nil, o2c.NotFound("statement line with key", key)
	}
	return matchLines(s.db).get(ctx, s.db, s.tenant, r.Target)
}

// ListLines implements matching.Store.
func (s *Matching) ListLines(ctx context.Context, f matching.LineFilter) ([]*matching.LineRecord, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return listMemo(ctx, s.db, matchLines(s.db), s.tenant, deriveLineCols, func(c lineCols) bool {
		return f.Match(&matching.LineRecord{Statement: c.statement, Status: c.status})
	}, func(a, b lineCols) bool {
		if a.statement != b.statement {
			return a.statement.String() < b.statement.String()
		}
		return a.index < b.index
	}, f.Limit, f.Offset)
}

// lineCols and proposalCols are the query columns of lines and proposals
// (as the SQL tables have them), derived once per stored version so that
// listings filter without decoding every record of the tenant.
type lineCols struct {
	statement matching.StatementID
	index     int
	status    matching.LineStatus
}

func deriveLineCols(l *matching.LineRecord) (lineCols, error) {
	return lineCols{statement: l.Statement, index: l.Index, status: l.Status}, nil
}

type proposalCols struct {
	line   matching.LineID
	rank   int
	status matching.ProposalStatus
}

func deriveProposalCols(p *matching.ProposalRecord) (proposalCols, error) {
	return proposalCols{line: p.Line, rank: p.Rank, status: p.Status}, nil
}

// UpdateLine implements matching.Store.
func (s *Matching) UpdateLine(ctx context.Context, id matching.LineID, fn func(*matching.LineRecord) error) (*matching.LineRecord, error) {
	return matchLines(s.db).update(ctx, s.db, s.tenant, id.String(), func(l *matching.LineRecord) ([]o2c.Event, error) {
		before := *l
		if err := fn(l); err != nil {
			return nil, err
		}
		if l.ID != before.ID || l.Tenant != before.Tenant || l.Statement != before.Statement || l.Key != before.Key {
			return nil, o2c.NewValidationError("line", "an update must not change the identity")
		}
		if !l.Status.IsValid() {
			return nil, &o2c.ValidationError{Field: "status", Rule: "must be a known status", Value: string(l.Status)}
		}
		return nil, nil
	})
}

// ReplaceProposals implements matching.Store.
func (s *Matching) ReplaceProposals(ctx context.Context, line matching.LineID, ps []*matching.ProposalRecord) error {
	if err := matching.CheckProposals(s.tenant, line, ps); err != nil {
		return err
	}
	err := invAtomic(ctx, s.db, func(ctx context.Context) error {
		if _, err := s.GetLine(ctx, line); err != nil {
			return err
		}
		open, err := s.OpenProposals(ctx, line)
		if err != nil {
			return err
		}
		for _, p := range open {
			p.Status = matching.ProposalSuperseded
			if err := matchProposals(s.db).save(ctx, s.db, s.tenant, p, nil); err != nil {
				return err
			}
		}
		for _, p := range ps {
			c := *p
			c.Version = 0
			if err := matchProposals(s.db).insert(ctx, s.db, s.tenant, &c, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range ps {
		p.Version = 1
	}
	return nil
}

// OpenProposals implements matching.Store.
func (s *Matching) OpenProposals(ctx context.Context, line matching.LineID) ([]*matching.ProposalRecord, error) {
	return listMemo(ctx, s.db, matchProposals(s.db), s.tenant, deriveProposalCols, func(c proposalCols) bool {
		return c.line == line && c.status == matching.ProposalOpen
	}, func(a, b proposalCols) bool { return a.rank < b.rank }, 0, 0)
}

// GetProposal implements matching.Store.
func (s *Matching) GetProposal(ctx context.Context, id matching.ProposalID) (*matching.ProposalRecord, error) {
	return matchProposals(s.db).get(ctx, s.db, s.tenant, id.String())
}

// UpdateProposal implements matching.Store.
func (s *Matching) UpdateProposal(ctx context.Context, id matching.ProposalID, fn func(*matching.ProposalRecord) error) (*matching.ProposalRecord, error) {
	return matchProposals(s.db).update(ctx, s.db, s.tenant, id.String(), func(p *matching.ProposalRecord) ([]o2c.Event, error) {
		before := *p
		if err := fn(p); err != nil {
			return nil, err
		}
		if p.ID != before.ID || p.Tenant != before.Tenant || p.Line != before.Line {
			return nil, o2c.NewValidationError("proposal", "an update must not change the identity")
		}
		return nil, nil
	})
}

// LearnMapping implements matching.Store.
func (s *Matching) LearnMapping(ctx context.Context, ev matching.MappingEvidence) (*matching.Mapping, error) {
	if err := matching.CheckMapping(ev); err != nil {
		return nil, err
	}
	var out *matching.Mapping
	err := invAtomic(ctx, s.db, func(ctx context.Context) error {
		tb := matchMappings(s.db)
		id := matching.MappingID(ev.Kind, ev.Key)
		if _, err := tb.get(ctx, s.db, s.tenant, id); err != nil {
			m := &matching.Mapping{}
			m.Record(ev)
			if err := tb.insert(ctx, s.db, s.tenant, m, nil); err != nil {
				return err
			}
			out = m
			return nil
		}
		var err error
		out, err = tb.update(ctx, s.db, s.tenant, id, func(m *matching.Mapping) ([]o2c.Event, error) {
			m.Record(ev)
			return nil, nil
		})
		return err
	})
	return out, err
}

// Mappings implements matching.Store.
func (s *Matching) Mappings(ctx context.Context) ([]matching.Mapping, error) {
	ms, err := matchMappings(s.db).list(ctx, s.db, s.tenant, nil, nil, 0, 0)
	if err != nil {
		return nil, err
	}
	out := make([]matching.Mapping, len(ms))
	for i, m := range ms {
		out[i] = *m
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}
