package stores

import (
	"context"
	"errors"
	"fmt"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// timeline is a timeline with the version the kernel needs.
type timeline struct {
	einvoice.Timeline
	Version int64 `json:"version"`
}

// timelines keeps e-invoice timelines in o2c_einvoice_timelines (the SQL
// adapter's migration 0011), keyed by invoice.
var timelines = kernel.Declare(kernel.Kind{
	Name:  "e-invoice timeline",
	Table: "o2c_einvoice_timelines",
}, kernel.Spec[timeline]{
	ID:      func(t *timeline) string { return t.Invoice },
	Version: func(t *timeline) *int64 { return &t.Version },
})

// Timelines is the einvoice.TimelineStore of one tenant on the kernel.
type Timelines struct{ s kernel.Scope }

var _ einvoice.TimelineStore = (*Timelines)(nil)

// NewTimelines returns the e-invoice timelines of the scope's tenant.
func NewTimelines(s kernel.Scope) *Timelines { return &Timelines{s: s} }

// UpdateTimeline implements einvoice.TimelineStore. A missing timeline is
// created empty first (a concurrent creation is waited out) and then
// updated on the locked row, so concurrent updates of one invoice queue
// rather than lose a status. It all runs atomically: fn's error leaves
// nothing, not even the empty timeline.
func (s *Timelines) UpdateTimeline(ctx context.Context, invoice string, fn func(t *einvoice.Timeline) error) error {
	if invoice == "" {
		return o2c.NewValidationError("invoice", "is required")
	}
	return s.s.Backend.Atomic(ctx, func(ctx context.Context) error {
		_, ok, err := timelines.Find(ctx, s.s, invoice)
		if err != nil {
			return err
		}
		if !ok {
			empty := &timeline{Timeline: einvoice.Timeline{Invoice: invoice, Updates: []einvoice.StatusUpdate{}}}
			if err := timelines.Create(ctx, s.s, empty); err != nil && !errors.Is(err, o2c.ErrConflict) {
				return err
			}
		}
		_, err = timelines.Update(ctx, s.s, invoice, func(_ context.Context, t *timeline) ([]o2c.Event, error) {
			tl := t.Timeline
			if err := fn(&tl); err != nil {
				return nil, err
			}
			tl.Invoice = invoice
			t.Timeline = tl
			return nil, nil
		})
		return err
	})
}

// Timeline implements einvoice.TimelineStore; an invoice without a
// timeline gets an empty one.
func (s *Timelines) Timeline(ctx context.Context, invoice string) (einvoice.Timeline, error) {
	t, ok, err := timelines.Find(ctx, s.s, invoice)
	if err != nil {
		return einvoice.Timeline{}, fmt.Errorf("timeline %s: %w", invoice, err)
	}
	if !ok {
		return einvoice.Timeline{Invoice: invoice}, nil
	}
	return t.Timeline, nil
}
