package matching

import (
	"context"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// StatementID identifies an imported statement.
type StatementID = o2c.ID[StatementRecord]

// LineID identifies an imported statement line.
type LineID = o2c.ID[LineRecord]

// ProposalID identifies a stored proposal.
type ProposalID = o2c.ID[ProposalRecord]

// StatementRecord is an imported statement (its lines are [LineRecord]s).
type StatementRecord struct {
	ID     StatementID  `json:"id"`
	Tenant o2c.TenantID `json:"tenant"`
	// Fingerprint identifies the statement's content (account, bank
	// statement id, lines): importing it again finds it.
	Fingerprint  string       `json:"fingerprint"`
	Format       Format       `json:"format"`
	BankID       string       `json:"bank_id"`
	AccountIBAN  string       `json:"account_iban,omitempty"`
	AccountOther string       `json:"account_other,omitempty"`
	Currency     o2c.Currency `json:"currency"`
	From         o2c.Date     `json:"from,omitzero"`
	To           o2c.Date     `json:"to,omitzero"`
	// Lines counts the lines stored; Duplicates those skipped because an
	// earlier statement carried them.
	Lines      int       `json:"lines"`
	Duplicates int       `json:"duplicates"`
	ImportedAt time.Time `json:"imported_at"`
	Version    int64     `json:"version"`
}

// LineStatus is where a stored line is in cash application.
type LineStatus string

// Line statuses.
const (
	LineNew       LineStatus = "new"       // imported, not matched yet
	LineAuto      LineStatus = "auto"      // matched, to be applied automatically
	LineSuggested LineStatus = "suggested" // proposals wait for a person
	LineUnmatched LineStatus = "unmatched" // nothing fits
	LineApplied   LineStatus = "applied"   // booked through invoicing
	LineSkipped   LineStatus = "skipped"   // not a customer payment
)

// IsValid reports whether s is one of the LineStatus constants.
func (s LineStatus) IsValid() bool {
	switch s {
	case LineNew, LineAuto, LineSuggested, LineUnmatched, LineApplied, LineSkipped:
		return true
	}
	return false
}

// LineRecord is an imported statement line and what became of it.
type LineRecord struct {
	ID        LineID       `json:"id"`
	Tenant    o2c.TenantID `json:"tenant"`
	Statement StatementID  `json:"statement"`
	// Index is the line's position in its statement, from 0.
	Index int `json:"index"`
	// Key identifies the movement across imports (see [LineKey]); the
	// payment it books is recorded under it.
	Key    string     `json:"key"`
	Line   Line       `json:"line"`
	Status LineStatus `json:"status"`
	// Payment booked for the line, once applied.
	Payment invoice.PaymentID `json:"payment,omitzero"`
	// Applied is the proposal applied, once applied.
	Applied ProposalID `json:"applied,omitzero"`
	Note    string     `json:"note,omitempty"`
	Version int64      `json:"version"`
}

// ProposalStatus is what became of a stored proposal.
type ProposalStatus string

// Proposal statuses.
const (
	ProposalOpen       ProposalStatus = "open"
	ProposalApplied    ProposalStatus = "applied"
	ProposalRejected   ProposalStatus = "rejected"
	ProposalSuperseded ProposalStatus = "superseded"
)

// ProposalRecord is a stored proposal for a line.
type ProposalRecord struct {
	ID     ProposalID   `json:"id"`
	Tenant o2c.TenantID `json:"tenant"`
	Line   LineID       `json:"line"`
	// Rank is the proposal's place for its line, from 0 (best).
	Rank     int            `json:"rank"`
	Decision Decision       `json:"decision"`
	Proposal Proposal       `json:"proposal"`
	Status   ProposalStatus `json:"status"`
	Version  int64          `json:"version"`
}

// LineFilter selects lines for [Store.ListLines]. Zero fields do not filter.
type LineFilter struct {
	Statement StatementID
	Statuses  []LineStatus
	// Limit is the page size (0: all, at most 1000); Offset skips lines.
	Limit, Offset int
}

// Validate checks statuses and paging.
func (f LineFilter) Validate() error {
	for _, s := range f.Statuses {
		if !s.IsValid() {
			return &o2c.ValidationError{Field: "statuses", Rule: "must be known line statuses", Value: string(s)}
		}
	}
	switch {
	case f.Limit < 0 || f.Limit > 1000:
		return &o2c.ValidationError{Field: "limit", Rule: "must be from 0 to 1000", Value: fmt.Sprint(f.Limit)}
	case f.Offset < 0:
		return &o2c.ValidationError{Field: "offset", Rule: "must not be negative", Value: fmt.Sprint(f.Offset)}
	case f.Offset > 0 && f.Limit == 0:
		return &o2c.ValidationError{Field: "offset", Rule: "needs a limit", Value: fmt.Sprint(f.Offset)}
	}
	return nil
}

// Match reports whether l passes f (not its paging).
func (f LineFilter) Match(l *LineRecord) bool {
	if !f.Statement.IsZero() && l.Statement != f.Statement {
		return false
	}
	if len(f.Statuses) == 0 {
		return true
	}
	for _, s := range f.Statuses {
		if l.Status == s {
			return true
		}
	}
	return false
}

// Store keeps the statements, lines, proposals and learned mappings of one
// tenant (the one it is bound to). Every method joins the transaction
// carried by ctx (see [o2c.Transactor]) or runs in one of its own; a
// failing call writes nothing. Records are returned as copies.
// [github.com/cashcycle/sdk/matching/matchingtest] is the conformance
// suite every implementation passes.
type Store interface {
	// TenantID returns the tenant the store is bound to.
	TenantID() o2c.TenantID
	// CreateStatement stores st and its lines, atomically, as version 1.
	// A record of another tenant is a *o2c.ValidationError; a statement
	// with the same ID or Fingerprint, or a line with an ID or Key already
	// stored, is o2c.ErrConflict. Nothing is written on error.
	CreateStatement(ctx context.Context, st *StatementRecord, lines []*LineRecord) error
	// GetStatement returns the statement, or o2c.ErrNotFound.
	GetStatement(ctx context.Context, id StatementID) (*StatementRecord, error)
	// FindStatement returns the statement with that fingerprint, or
	// o2c.ErrNotFound.
	FindStatement(ctx context.Context, fingerprint string) (*StatementRecord, error)
	// GetLine returns the line, or o2c.ErrNotFound.
	GetLine(ctx context.Context, id LineID) (*LineRecord, error)
	// FindLine returns the line stored under key, or o2c.ErrNotFound.
	FindLine(ctx context.Context, key string) (*LineRecord, error)
	// ListLines returns the lines matching f, by statement ID (UUIDv7:
	// import order) then index. A bad filter is a *o2c.ValidationError.
	ListLines(ctx context.Context, f LineFilter) ([]*LineRecord, error)
	// UpdateLine loads the line, calls fn on it and saves it, atomically
	// (concurrent updates queue). fn's error is returned as is and nothing
	// is written; fn must not change ID, Tenant, Statement or Key (a
	// *o2c.ValidationError). A missing line is o2c.ErrNotFound.
	UpdateLine(ctx context.Context, id LineID, fn func(l *LineRecord) error) (*LineRecord, error)
	// ReplaceProposals marks the line's open proposals superseded and
	// stores ps (open, of that line), atomically. A proposal of another
	// line or tenant is a *o2c.ValidationError; a missing line
	// o2c.ErrNotFound.
	ReplaceProposals(ctx context.Context, line LineID, ps []*ProposalRecord) error
	// OpenProposals returns the line's open proposals by rank.
	OpenProposals(ctx context.Context, line LineID) ([]*ProposalRecord, error)
	// GetProposal returns the proposal, or o2c.ErrNotFound.
	GetProposal(ctx context.Context, id ProposalID) (*ProposalRecord, error)
	// UpdateProposal is UpdateLine for proposals (fn must not change ID,
	// Tenant or Line).
	UpdateProposal(ctx context.Context, id ProposalID, fn func(p *ProposalRecord) error) (*ProposalRecord, error)
	// LearnMapping adds one piece of evidence to the mapping of the
	// payer key (see [MappingKey]) of ev.Kind, creating it if new (see
	// [Mapping.Record]): a confirmation or a rejection for ev.Customer. An
	// empty key or unknown kind is a *o2c.ValidationError.
	LearnMapping(ctx context.Context, ev MappingEvidence) (*Mapping, error)
	// Mappings returns every learned mapping, by kind then key.
	Mappings(ctx context.Context) ([]Mapping, error)
}

// CheckMapping validates a piece of mapping evidence (kind, key,
// customer); stores call it.
func CheckMapping(ev MappingEvidence) error {
	switch {
	case ev.Kind != MappingIBAN && ev.Kind != MappingName:
		return &o2c.ValidationError{Field: "kind", Rule: "must be iban or name", Value: string(ev.Kind)}
	case ev.Key == "" || len(ev.Key) > 200:
		return &o2c.ValidationError{Field: "key", Rule: "must be 1 to 200 characters", Value: ev.Key}
	case ev.Customer.IsZero():
		return &o2c.ValidationError{Field: "customer", Rule: "is required"}
	}
	return nil
}

// MappingID returns the identifier stores keep a mapping under.
func MappingID(kind MappingKind, key string) string { return string(kind) + ":" + key }

// CheckStatement validates a statement and its lines before a store
// writes them (tenant, ids, keys, line statements); stores call it.
func CheckStatement(tenant o2c.TenantID, st *StatementRecord, lines []*LineRecord) error {
	if st == nil {
		return o2c.NewValidationError("statement", "is required")
	}
	switch {
	case st.Tenant != tenant:
		return &o2c.ValidationError{Field: "statement.tenant", Rule: "must be the store's tenant " + string(tenant), Value: string(st.Tenant)}
	case st.ID.IsZero():
		return o2c.NewValidationError("statement.id", "is required")
	case st.Fingerprint == "":
		return o2c.NewValidationError("statement.fingerprint", "is required")
	}
	keys := map[string]bool{}
	for i, l := range lines {
		field := fmt.Sprintf("lines[%d]", i)
		switch {
		case l == nil:
			return o2c.NewValidationError(field, "is required")
		case l.Tenant != tenant:
			return &o2c.ValidationError{Field: field + ".tenant", Rule: "must be the store's tenant " + string(tenant), Value: string(l.Tenant)}
		case l.Statement != st.ID:
			return &o2c.ValidationError{Field: field + ".statement", Rule: "must be the statement's id", Value: l.Statement.String()}
		case l.ID.IsZero() || l.Key == "":
			return o2c.NewValidationError(field, "needs an id and a key")
		case !l.Status.IsValid():
			return &o2c.ValidationError{Field: field + ".status", Rule: "must be a known status", Value: string(l.Status)}
		case keys[l.Key]:
			return o2c.Conflict("statement line", l.Key, "key repeated within the statement")
		}
		keys[l.Key] = true
	}
	return nil
}

// CheckProposals validates proposals for line before a store writes them.
func CheckProposals(tenant o2c.TenantID, line LineID, ps []*ProposalRecord) error {
	for i, p := range ps {
		field := fmt.Sprintf("proposals[%d]", i)
		switch {
		case p == nil || p.ID.IsZero():
			return o2c.NewValidationError(field, "needs an id")
		case p.Tenant != tenant:
			return &o2c.ValidationError{Field: field + ".tenant", Rule: "must be the store's tenant " + string(tenant), Value: string(p.Tenant)}
		case p.Line != line:
			return &o2c.ValidationError{Field: field + ".line", Rule: "must be the line's id", Value: p.Line.String()}
		case p.Status != ProposalOpen:
			return &o2c.ValidationError{Field: field + ".status", Rule: "must be open", Value: string(p.Status)}
		}
	}
	return nil
}
