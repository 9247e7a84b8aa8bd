package matching

import (
	"context"
	"fmt"
	"strings"
)

// Waiting is a statement line that waits for a person: its matches were
// only suggested (or nothing fitted), so Apply booked nothing for it. Best
// is its best proposal, if any; Why says in words why it was not applied.
type Waiting struct {
	Line   LineID
	Index  int
	Status LineStatus
	Best   *ProposalRecord
	Why    string
}

// waiting lists the lines of statement that wait for a person, with their
// best open proposal and why it was not applied automatically.
func (s *Service) waiting(ctx context.Context, statement StatementID) ([]Waiting, error) {
	recs, err := s.stores.Matching.ListLines(ctx, LineFilter{Statement: statement, Statuses: []LineStatus{LineSuggested, LineUnmatched}})
	if err != nil {
		return nil, err
	}
	opts := s.opts.Engine.withDefaults()
	var out []Waiting
	for _, r := range recs {
		w := Waiting{Line: r.ID, Index: r.Index, Status: r.Status}
		ps, err := s.stores.Matching.OpenProposals(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		if len(ps) > 0 {
			w.Best = ps[0]
		}
		w.Why = whyWaiting(r, ps, opts)
		out = append(out, w)
	}
	return out, nil
}

// whyWaiting explains, from the stored proposals (best first) and the
// engine's thresholds, why a line was not applied automatically.
func whyWaiting(r *LineRecord, ps []*ProposalRecord, opts Options) string {
	var why []string
	switch {
	case len(ps) == 0:
		why = append(why, "no proposal: nothing matched the line")
	case ps[0].Proposal.Confidence+1e-9 < opts.AutoThreshold:
		why = append(why, fmt.Sprintf("best proposal's confidence %.2f is below the auto-apply threshold %.2f", ps[0].Proposal.Confidence, opts.AutoThreshold))
	default:
		rival := false
		for _, p := range ps[1:] {
			if p.Proposal.Kind == KindUnapplied && ps[0].Proposal.Kind != KindUnapplied {
				continue
			}
			if ps[0].Proposal.Confidence-p.Proposal.Confidence < opts.Margin-1e-9 {
				why = append(why, fmt.Sprintf("another proposal (confidence %.2f) is within the margin %.2f of the best (%.2f)", p.Proposal.Confidence, opts.Margin, ps[0].Proposal.Confidence))
				rival = true
				break
			}
		}
		if !rival {
			why = append(why, "the best proposal rests on the payer's name alone, which is never applied without a person")
		}
	}
	if r.Note != "" {
		why = append(why, r.Note)
	}
	return strings.Join(why, "; ")
}
