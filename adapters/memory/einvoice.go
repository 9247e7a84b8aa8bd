package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/o2c"
)

// Timelines is the in-memory einvoice.TimelineStore of one tenant: the
// e-invoice lifecycle timelines, one per invoice number. It joins the
// transactions of its DB, so a timeline and the effects of its statuses
// commit or roll back together.
type Timelines struct {
	db     *DB
	tenant o2c.TenantID
}

var _ einvoice.TimelineStore = (*Timelines)(nil)

// EInvoiceTimelines returns the tenant's e-invoice lifecycle timelines
// (cycle uses it when [cycle.EInvoicing] names no store).
func (s *Store) EInvoiceTimelines() einvoice.TimelineStore {
	return &Timelines{db: s.db, tenant: s.tenant}
}

// memTimeline is a timeline with the version the table needs.
type memTimeline struct {
	einvoice.Timeline
	Version int64 `json:"version"`
}

func (s *Timelines) table() *table[memTimeline] {
	return tableOf(s.db, "einvoice_timelines", func() *table[memTimeline] {
		return &table[memTimeline]{kind: "e-invoice timeline",
			id:         func(t *memTimeline) string { return t.Invoice },
			version:    func(t *memTimeline) int64 { return t.Version },
			setVersion: func(t *memTimeline, v int64) { t.Version = v }}
	})
}

// UpdateTimeline implements einvoice.TimelineStore: fn runs under the
// database's write lock (in the context's transaction when there is one),
// on a copy; the copy is stored, created on first use, only if fn returns
// nil.
func (s *Timelines) UpdateTimeline(ctx context.Context, invoice string, fn func(t *einvoice.Timeline) error) error {
	if invoice == "" {
		return o2c.NewValidationError("invoice", "is required")
	}
	tb := s.table()
	return s.db.write(ctx, func(t *tx) error {
		cur := memTimeline{Timeline: einvoice.Timeline{Invoice: invoice}}
		r := tb.rows[s.tenant][invoice]
		if r != nil {
			v, err := tb.decode(r)
			if err != nil {
				return err
			}
			cur = *v
		}
		tl := cur.Timeline
		tl.Updates = slices.Clone(tl.Updates)
		if err := fn(&tl); err != nil {
			return err
		}
		tl.Invoice = invoice
		next := memTimeline{Timeline: tl, Version: cur.Version}
		if r == nil {
			body, err := json.Marshal(&next)
			if err != nil {
				return fmt.Errorf("memory: encode %s: %w", tb.kind, err)
			}
			return tb.insertIn(t, s.tenant, &next, body, nil)
		}
		return tb.saveIn(t, s.tenant, &next, nil)
	})
}

// Timeline implements einvoice.TimelineStore; an invoice without a
// timeline gets an empty one.
func (s *Timelines) Timeline(ctx context.Context, invoice string) (einvoice.Timeline, error) {
	var out einvoice.Timeline
	err := s.db.read(ctx, func() error {
		out = einvoice.Timeline{Invoice: invoice}
		r := s.table().rows[s.tenant][invoice]
		if r == nil {
			return nil
		}
		v, err := s.table().decode(r)
		if err != nil {
			return err
		}
		out = v.Timeline
		return nil
	})
	return out, err
}
