package memory

import (
	"context"
	"slices"
	"time"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

type outboxTable struct {
	seq  int64
	rows []*outbox.Record
	byID map[o2c.EventID]*outbox.Record
}

// Outbox is the in-memory outbox.Store of one tenant.
type Outbox struct {
	db     *DB
	tenant o2c.TenantID
}

var _ outbox.DispatchStore = (*Outbox)(nil)

func cloneEvent(e o2c.Event) o2c.Event {
	e.Payload = slices.Clone(e.Payload)
	return e
}

// Append implements outbox.Store.
func (o *Outbox) Append(ctx context.Context, events ...o2c.Event) error {
	return o.db.write(ctx, func(t *tx) error { return o.db.outbox.append(t, o.tenant, events) })
}

// append checks and adds events inside t; domain tables call it in the
// transaction that changes the aggregate.
func (ob *outboxTable) append(t *tx, tenant o2c.TenantID, events []o2c.Event) error {
	seen := map[o2c.EventID]bool{}
	for _, e := range events {
		if err := e.Validate(); err != nil {
			return err
		}
		if e.Tenant != tenant {
			return &o2c.ValidationError{Field: "event.tenant", Rule: "must be the store's tenant " + string(tenant), Value: string(e.Tenant)}
		}
		if ob.byID[e.ID] != nil || seen[e.ID] {
			return o2c.Conflict("event", e.ID.String(), "already in the outbox")
		}
		seen[e.ID] = true
	}
	if ob.byID == nil {
		ob.byID = map[o2c.EventID]*outbox.Record{}
	}
	for _, e := range events {
		ob.seq++
		r := &outbox.Record{Event: cloneEvent(e), Seq: ob.seq, Status: outbox.StatusPending}
		r.Event.OccurredAt = r.Event.OccurredAt.UTC()
		ob.rows = append(ob.rows, r)
		ob.byID[e.ID] = r
		id := e.ID
		t.onRollback(func() {
			ob.rows = ob.rows[:len(ob.rows)-1]
			delete(ob.byID, id)
		})
	}
	return nil
}

// Pending implements outbox.Store.
func (o *Outbox) Pending(ctx context.Context, limit int) ([]outbox.Record, error) {
	if limit <= 0 {
		return nil, o2c.NewValidationError("limit", "must be positive")
	}
	var out []outbox.Record
	err := o.db.read(ctx, func() error {
		for _, r := range o.db.outbox.rows {
			if r.Event.Tenant == o.tenant && r.Status == outbox.StatusPending {
				c := *r
				c.Event = cloneEvent(r.Event)
				out = append(out, c)
				if len(out) == limit {
					break
				}
			}
		}
		return nil
	})
	return out, err
}

// MarkDelivered implements outbox.Store.
func (o *Outbox) MarkDelivered(ctx context.Context, ids ...o2c.EventID) error {
	return o.db.write(ctx, func(t *tx) error {
		for _, id := range ids {
			r := o.db.outbox.byID[id]
			if r == nil || r.Event.Tenant != o.tenant {
				return o2c.NotFound("outbox event", id.String())
			}
		}
		now := o.db.clock.Now()
		for _, id := range ids {
			r := o.db.outbox.byID[id]
			if r.Status == outbox.StatusDelivered {
				continue
			}
			prev := *r
			r.Status, r.DeliveredAt, r.Attempts = outbox.StatusDelivered, now, r.Attempts+1
			t.onRollback(func() { *r = prev })
		}
		return nil
	})
}

// Dispatch returns the tenant's outbox as an outbox.DispatchStore, for an
// outbox.Dispatcher.
func (s *Store) Dispatch() outbox.DispatchStore { return &Outbox{db: s.db, tenant: s.tenant} }

func (o *Outbox) list(status outbox.Status, limit int, keep func(*outbox.Record) bool) []*outbox.Record {
	var out []*outbox.Record
	for _, r := range o.db.outbox.rows {
		if r.Event.Tenant == o.tenant && r.Status == status && (keep == nil || keep(r)) {
			out = append(out, r)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}

func cloneRecord(r *outbox.Record) outbox.Record {
	c := *r
	c.Event = cloneEvent(r.Event)
	return c
}

// Claim implements outbox.Claimer.
func (o *Outbox) Claim(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]outbox.Record, error) {
	if limit <= 0 {
		return nil, o2c.NewValidationError("limit", "must be positive")
	}
	if lease <= 0 {
		return nil, o2c.NewValidationError("lease", "must be positive")
	}
	now = now.UTC()
	var out []outbox.Record
	err := o.db.write(ctx, func(t *tx) error {
		due := o.list(outbox.StatusPending, limit, func(r *outbox.Record) bool { return !r.NextAttemptAt.After(now) })
		for _, r := range due {
			prev := *r
			r.NextAttemptAt = now.Add(lease)
			t.onRollback(func() { *r = prev })
			out = append(out, cloneRecord(r))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MarkFailed implements outbox.Claimer.
func (o *Outbox) MarkFailed(ctx context.Context, id o2c.EventID, reason string, next time.Time, dead bool) error {
	return o.db.write(ctx, func(t *tx) error {
		r := o.db.outbox.byID[id]
		if r == nil || r.Event.Tenant != o.tenant {
			return o2c.NotFound("outbox event", id.String())
		}
		if r.Status != outbox.StatusPending {
			return nil
		}
		prev := *r
		r.Attempts++
		r.LastError = reason
		r.NextAttemptAt = next.UTC()
		if dead {
			r.Status = outbox.StatusDead
		}
		t.onRollback(func() { *r = prev })
		return nil
	})
}

// Dead implements outbox.Claimer.
func (o *Outbox) Dead(ctx context.Context, limit int) ([]outbox.Record, error) {
	if limit <= 0 {
		return nil, o2c.NewValidationError("limit", "must be positive")
	}
	var out []outbox.Record
	err := o.db.read(ctx, func() error {
		for _, r := range o.list(outbox.StatusDead, limit, nil) {
			out = append(out, cloneRecord(r))
		}
		return nil
	})
	return out, err
}
