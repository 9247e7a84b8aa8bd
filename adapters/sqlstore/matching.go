package sqlstore

import (
	"context"
	stdsql "database/sql"
	"errors"
	"strings"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// Matching is the SQL matching.Store of one tenant (tables o2c_match_*,
// migration 0008). Statement fingerprints and line keys have unique
// indexes, so a statement imported twice is stored once even when two
// processes import it at the same time.
type Matching struct {
	db     *DB
	tenant o2c.TenantID
}

var _ matching.Store = (*Matching)(nil)

// Matching returns the tenant's cash-application store.
func (s *Store) Matching() matching.Store { return &Matching{db: s.db, tenant: s.tenant} }

var matchStatementsTable = &table[matching.StatementRecord]{
	name:       "o2c_match_statements",
	kind:       "statement",
	id:         func(r *matching.StatementRecord) string { return r.ID.String() },
	version:    func(r *matching.StatementRecord) int64 { return r.Version },
	setVersion: func(r *matching.StatementRecord, v int64) { r.Version = v },
	columns:    []string{"fingerprint"},
	values:     func(_ *DB, r *matching.StatementRecord) []any { return []any{r.Fingerprint} },
}

var matchLinesTable = &table[matching.LineRecord]{
	name:       "o2c_match_lines",
	kind:       "statement line",
	id:         func(r *matching.LineRecord) string { return r.ID.String() },
	version:    func(r *matching.LineRecord) int64 { return r.Version },
	setVersion: func(r *matching.LineRecord, v int64) { r.Version = v },
	columns:    []string{"statement_id", "idx", "line_key", "status"},
	values: func(_ *DB, r *matching.LineRecord) []any {
		return []any{r.Statement.String(), int64(r.Index), r.Key, string(r.Status)}
	},
}

var matchProposalsTable = &table[matching.ProposalRecord]{
	name:       "o2c_match_proposals",
	kind:       "proposal",
	id:         func(r *matching.ProposalRecord) string { return r.ID.String() },
	version:    func(r *matching.ProposalRecord) int64 { return r.Version },
	setVersion: func(r *matching.ProposalRecord, v int64) { r.Version = v },
	columns:    []string{"line_id", "rank", "status"},
	values: func(_ *DB, r *matching.ProposalRecord) []any {
		return []any{r.Line.String(), int64(r.Rank), string(r.Status)}
	},
}

var matchMappingsTable = &table[matching.Mapping]{
	name:       "o2c_match_mappings",
	kind:       "mapping",
	id:         func(r *matching.Mapping) string { return matching.MappingID(r.Kind, r.Key) },
	version:    func(r *matching.Mapping) int64 { return r.Version },
	setVersion: func(r *matching.Mapping, v int64) { r.Version = v },
	columns:    []string{"kind", "mapping_key", "customer_id"},
	values: func(_ *DB, r *matching.Mapping) []any {
		return []any{string(r.Kind), r.Key, r.Customer.String()}
	},
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
	err := s.atomic(ctx, func(ctx context.Context, _ querier) error {
		if err := matchStatementsTable.insert(ctx, s.db, s.tenant, &stc, nil); err != nil {
			return err
		}
		for _, l := range lines {
			c := *l
			c.Version = 0
			if err := matchLinesTable.insert(ctx, s.db, s.tenant, &c, nil); err != nil {
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
	return matchStatementsTable.get(ctx, s.db, s.tenant, id.String())
}

// FindStatement implements matching.Store.
func (s *Matching) FindStatement(ctx context.Context, fingerprint string) (*matching.StatementRecord, error) {
	rs, err := matchStatementsTable.list(ctx, s.db, s.tenant, query{where: "fingerprint = $2", args: []any{fingerprint}})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, o2c.NotFound("statement with fingerprint", fingerprint)
	}
	return rs[0], nil
}

// GetLine implements matching.Store.
func (s *Matching) GetLine(ctx context.Context, id matching.LineID) (*matching.LineRecord, error) {
	return matchLinesTable.get(ctx, s.db, s.tenant, id.String())
}

// FindLine implements matching.Store.
func (s *Matching) FindLine(ctx context.Context, key string) (*matching.LineRecord, error) {
	rs, err := matchLinesTable.list(ctx, s.db, s.tenant, query{where: "line_key = $2", args: []any{key}})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, o2c.NotFound("statement line with key", key)
	}
	return rs[0], nil
}

// ListLines implements matching.Store.
func (s *Matching) ListLines(ctx context.Context, f matching.LineFilter) ([]*matching.LineRecord, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if !f.Statement.IsZero() {
		where = append(where, "statement_id = "+invArg(&args, f.Statement.String()))
	}
	if len(f.Statuses) > 0 {
		where = append(where, invIn("status", f.Statuses, &args))
	}
	return matchLinesTable.list(ctx, s.db, s.tenant, query{where: strings.Join(where, " AND "), args: args,
		orderBy: "statement_id, idx", limit: f.Limit, offset: f.Offset})
}

// UpdateLine implements matching.Store.
func (s *Matching) UpdateLine(ctx context.Context, id matching.LineID, fn func(*matching.LineRecord) error) (*matching.LineRecord, error) {
	return matchLinesTable.update(ctx, s.db, s.tenant, id.String(), func(l *matching.LineRecord) ([]o2c.Event, error) {
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
	err := s.atomic(ctx, func(ctx context.Context, q querier) error {
		if _, err := matchLinesTable.getWith(ctx, s.db, q, s.tenant, line.String(), false); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `UPDATE o2c_match_proposals SET status = 'superseded', version = version + 1
			WHERE tenant = $1 AND line_id = $2 AND status = 'open'`, string(s.tenant), line.String()); err != nil {
			return err
		}
		for _, p := range ps {
			c := *p
			c.Version = 0
			if err := matchProposalsTable.insert(ctx, s.db, s.tenant, &c, nil); err != nil {
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
	return matchProposalsTable.list(ctx, s.db, s.tenant, query{where: "line_id = $2 AND status = 'open'", args: []any{line.String()}, orderBy: "rank, id"})
}

// GetProposal implements matching.Store.
func (s *Matching) GetProposal(ctx context.Context, id matching.ProposalID) (*matching.ProposalRecord, error) {
	p, err := matchProposalsTable.get(ctx, s.db, s.tenant, id.String())
	if err != nil {
		return nil, err
	}
	return s.withStatus(ctx, p)
}

// withStatus reads the status column over the body's: ReplaceProposals
// supersedes proposals with one UPDATE of the column.
func (s *Matching) withStatus(ctx context.Context, p *matching.ProposalRecord) (*matching.ProposalRecord, error) {
	var status string
	if err := s.db.reader(ctx).QueryRowContext(ctx, `SELECT status FROM o2c_match_proposals WHERE tenant = $1 AND id = $2`,
		string(s.tenant), p.ID.String()).Scan(&status); err != nil {
		return nil, s.db.translate(err)
	}
	p.Status = matching.ProposalStatus(status)
	return p, nil
}

// UpdateProposal implements matching.Store.
func (s *Matching) UpdateProposal(ctx context.Context, id matching.ProposalID, fn func(*matching.ProposalRecord) error) (*matching.ProposalRecord, error) {
	var out *matching.ProposalRecord
	err := s.atomic(ctx, func(ctx context.Context, q querier) error {
		var status string
		if err := q.QueryRowContext(ctx, `SELECT status FROM o2c_match_proposals WHERE tenant = $1 AND id = $2`,
			string(s.tenant), id.String()).Scan(&status); err != nil {
			if errors.Is(err, stdsql.ErrNoRows) {
				return o2c.NotFound("proposal", id.String())
			}
			return err
		}
		var err error
		out, err = matchProposalsTable.update(ctx, s.db, s.tenant, id.String(), func(p *matching.ProposalRecord) ([]o2c.Event, error) {
			p.Status = matching.ProposalStatus(status)
			before := *p
			if err := fn(p); err != nil {
				return nil, err
			}
			if p.ID != before.ID || p.Tenant != before.Tenant || p.Line != before.Line {
				return nil, o2c.NewValidationError("proposal", "an update must not change the identity")
			}
			return nil, nil
		})
		return err
	})
	return out, err
}

// LearnMapping implements matching.Store.
func (s *Matching) LearnMapping(ctx context.Context, ev matching.MappingEvidence) (*matching.Mapping, error) {
	if err := matching.CheckMapping(ev); err != nil {
		return nil, err
	}
	var out *matching.Mapping
	err := s.atomic(ctx, func(ctx context.Context, _ querier) error {
		id := matching.MappingID(ev.Kind, ev.Key)
		var err error
		out, err = matchMappingsTable.update(ctx, s.db, s.tenant, id, func(m *matching.Mapping) ([]o2c.Event, error) {
			m.Record(ev)
			return nil, nil
		})
		if err == nil || !errors.Is(err, o2c.ErrNotFound) {
			return err
		}
		m := &matching.Mapping{}
		m.Record(ev)
		if err := matchMappingsTable.insert(ctx, s.db, s.tenant, m, nil); err != nil {
			return err
		}
		out = m
		return nil
	})
	return out, err
}

// Mappings implements matching.Store.
func (s *Matching) Mappings(ctx context.Context) ([]matching.Mapping, error) {
	ms, err := matchMappingsTable.list(ctx, s.db, s.tenant, query{orderBy: "kind, mapping_key"})
	if err != nil {
		return nil, err
	}
	out := make([]matching.Mapping, len(ms))
	for i, m := range ms {
		out[i] = *m
	}
	return out, nil
}

// atomic runs fn in the caller's transaction (under a savepoint) or in one
// of its own; fn's ctx carries the transaction, so the table calls it
// makes join it.
func (s *Matching) atomic(ctx context.Context, fn func(ctx context.Context, q querier) error) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		return s.db.write(ctx, func(q querier) error { return fn(ctx, q) })
	})
}
