package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/o2c"
)

// Timelines is the SQL einvoice.TimelineStore of one tenant (table
// o2c_einvoice_timelines, migration 0011): one row per invoice number with
// the timeline as its JSON body. It joins the context's transaction.
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

// sqlTimeline is a timeline with the version the table needs.
type sqlTimeline struct {
	einvoice.Timeline
	Version int64 `json:"version"`
}

var einvoiceTimelinesTable = &table[sqlTimeline]{
	name: "o2c_einvoice_timelines", kind: "e-invoice timeline",
	id:         func(t *sqlTimeline) string { return t.Invoice },
	version:    func(t *sqlTimeline) int64 { return t.Version },
	setVersion: func(t *sqlTimeline, v int64) { t.Version = v },
}

// UpdateTimeline implements einvoice.TimelineStore. The row is created
// empty if missing (INSERT ... ON CONFLICT DO NOTHING) and then read
// locked (FOR UPDATE on PostgreSQL; SQLite's write transactions are
// serialised), so concurrent updates of one invoice queue rather than
// lose a status. All of it runs under a savepoint of the context's
// transaction (or a transaction of its own): fn's error leaves nothing,
// not even the empty row.
func (s *Timelines) UpdateTimeline(ctx context.Context, invoice string, fn func(t *einvoice.Timeline) error) error {
	if invoice == "" {
		return o2c.NewValidationError("invoice", "is required")
	}
	tb := einvoiceTimelinesTable
	return s.db.write(ctx, func(q querier) error {
		empty := sqlTimeline{Timeline: einvoice.Timeline{Invoice: invoice, Updates: []einvoice.StatusUpdate{}}}
		body, err := tb.encode(&empty)
		if err != nil {
			return err
		}
		now := s.db.ts(s.db.clock.Now())
		if _, err := q.ExecContext(ctx, "INSERT INTO o2c_einvoice_timelines (tenant, id, version, body, created_at, updated_at) "+
			"VALUES ($1, $2, 1, $3, $4, $5) ON CONFLICT (tenant, id) DO NOTHING", string(s.tenant), invoice, body, now, now); err != nil {
			return err
		}
		cur, err := tb.getWith(ctx, s.db, q, s.tenant, invoice, true)
		if err != nil {
			return err
		}
		tl := cur.Timeline
		if err := fn(&tl); err != nil {
			return err
		}
		tl.Invoice = invoice
		next := sqlTimeline{Timeline: tl, Version: cur.Version}
		return tb.saveWith(ctx, s.db, q, s.tenant, &next, nil)
	})
}

// Timeline implements einvoice.TimelineStore; an invoice without a
// timeline gets an empty one.
func (s *Timelines) Timeline(ctx context.Context, invoice string) (einvoice.Timeline, error) {
	t, err := einvoiceTimelinesTable.get(ctx, s.db, s.tenant, invoice)
	if errors.Is(err, o2c.ErrNotFound) {
		return einvoice.Timeline{Invoice: invoice}, nil
	}
	if err != nil {
		return einvoice.Timeline{}, fmt.Errorf("o2c sql: timeline %s: %w", invoice, err)
	}
	return t.Timeline, nil
}
