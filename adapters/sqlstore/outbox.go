package sqlstore

import (
	"cmp"
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// Outbox is the SQL outbox.Store of one tenant.
type Outbox struct {
	db     *DB
	tenant o2c.TenantID
}

var _ outbox.DispatchStore = (*Outbox)(nil)

// Dispatch returns the tenant's outbox as an outbox.DispatchStore, for an
// outbox.Dispatcher.
func (s *Store) Dispatch() outbox.DispatchStore { return &Outbox{db: s.db, tenant: s.tenant} }

// Append implements outbox.Store.
func (o *Outbox) Append(ctx context.Context, events ...o2c.Event) error {
	if err := checkEvents(o.tenant, events); err != nil {
		return err
	}
	return o.db.write(ctx, func(q querier) error {
		return o.db.appendEvents(ctx, q, o.tenant, events)
	})
}

// checkEvents refuses invalid events, events of another tenant and a batch
// that holds one event twice.
func checkEvents(tenant o2c.TenantID, events []o2c.Event) error {
	seen := make(map[o2c.EventID]bool, len(events))
	for _, e := range events {
		if err := e.Validate(); err != nil {
			return err
		}
		if e.Tenant != tenant {
			return &o2c.ValidationError{Field: "event.tenant", Rule: "must be the store's tenant " + string(tenant), Value: string(e.Tenant)}
		}
		if seen[e.ID] {
			return o2c.Conflict("event", e.ID.String(), "appears twice in the batch")
		}
		seen[e.ID] = true
	}
	return nil
}

// appendEvents checks and inserts events with q; domain stores call it in
// the transaction that changes the aggregate.
func (db *DB) appendEvents(ctx context.Context, q querier, tenant o2c.TenantID, events []o2c.Event) error {
	if err := checkEvents(tenant, events); err != nil {
		return err
	}
	// one multi-row INSERT per chunk: a batch of events costs one round
	// trip, not one per event
	const chunk = 500
	for start := 0; start < len(events); start += chunk {
		part := events[start:min(start+chunk, len(events))]
		var b strings.Builder
		b.WriteString(`INSERT INTO o2c_outbox
			(event_id, tenant, aggregate_type, aggregate_id, event_type, occurred_at, payload) VALUES `)
		args := make([]any, 0, 7*len(part))
		for i, e := range part {
			var payload any
			if len(e.Payload) > 0 {
				payload = string(e.Payload)
			}
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7)
			args = append(args, e.ID.String(), string(e.Tenant), e.AggregateType, e.AggregateID, e.Type, db.ts(e.OccurredAt), payload)
		}
		if _, err := q.ExecContext(ctx, b.String(), args...); err != nil {
			return db.translate(err)
		}
	}
	return nil
}

// Pending implements outbox.Store.
func (o *Outbox) Pending(ctx context.Context, limit int) ([]outbox.Record, error) {
	if limit <= 0 {
		return nil, o2c.NewValidationError("limit", "must be positive")
	}
	rows, err := o.db.reader(ctx).QueryContext(ctx, `SELECT `+outboxColumns+`
		FROM o2c_outbox WHERE tenant = $1 AND status = 'pending' ORDER BY seq LIMIT $2`, string(o.tenant), limit)
	if err != nil {
		return nil, o.db.translate(err)
	}
	return scanRecords(rows)
}

const outboxColumns = `seq, event_id, tenant, aggregate_type, aggregate_id, event_type,
		occurred_at, payload, status, attempts, delivered_at, next_attempt_at, last_error`

// scanRecords reads rows of outboxColumns and closes them.
func scanRecords(rows *stdsql.Rows) ([]outbox.Record, error) {
	defer rows.Close()
	var out []outbox.Record
	for rows.Next() {
		var (
			r         outbox.Record
			tenant    string
			payload   *string
			status    string
			occurred  nullTime
			delivered nullTime
			next      nullTime
			lastErr   *string
		)
		if err := rows.Scan(&r.Seq, &r.Event.ID, &tenant, &r.Event.AggregateType, &r.Event.AggregateID, &r.Event.Type,
			&occurred, &payload, &status, &r.Attempts, &delivered, &next, &lastErr); err != nil {
			return nil, err
		}
		r.Event.Tenant = o2c.TenantID(tenant)
		r.Event.OccurredAt = occurred.T
		if payload != nil {
			r.Event.Payload = []byte(*payload)
		}
		r.Status = outbox.Status(status)
		r.DeliveredAt = delivered.T
		r.NextAttemptAt = next.T
		if lastErr != nil {
			r.LastError = *lastErr
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkDelivered implements outbox.Store.
func (o *Outbox) MarkDelivered(ctx context.Context, ids ...o2c.EventID) error {
	now := o.db.ts(o.db.clock.Now())
	return o.db.write(ctx, func(q querier) error {
		for _, id := range ids {
			res, err := q.ExecContext(ctx, `UPDATE o2c_outbox SET status = 'delivered', delivered_at = $1, attempts = attempts + 1
				WHERE tenant = $2 AND event_id = $3 AND status = 'pending'`, now, string(o.tenant), id.String())
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				continue
			}
			var one int
			if err := q.QueryRowContext(ctx, `SELECT 1 FROM o2c_outbox WHERE tenant = $1 AND event_id = $2`,
				string(o.tenant), id.String()).Scan(&one); errors.Is(err, stdsql.ErrNoRows) {
				return o2c.NotFound("outbox event", id.String())
			} else if err != nil {
				return err
			}
		}
		return nil
	})
}

// Claim implements outbox.Claimer. On PostgreSQL the due rows are locked
// with FOR UPDATE SKIP LOCKED, so concurrent claimers pass over each other's
// rows instead of waiting; SQLite has one writer at a time. The lease is
// written in the same transaction.
func (o *Outbox) Claim(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]outbox.Record, error) {
	if limit <= 0 {
		return nil, o2c.NewValidationError("limit", "must be positive")
	}
	if lease <= 0 {
		return nil, o2c.NewValidationError("lease", "must be positive")
	}
	lock := ""
	if o.db.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []outbox.Record
	err := o.db.write(ctx, func(q querier) error {
		rows, err := q.QueryContext(ctx, `UPDATE o2c_outbox SET next_attempt_at = $1
			WHERE seq IN (SELECT seq FROM o2c_outbox
				WHERE tenant = $2 AND status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $3)
				ORDER BY seq LIMIT $4`+lock+`)
			RETURNING `+outboxColumns, o.db.ts(now.Add(lease)), string(o.tenant), o.db.ts(now), limit)
		if err != nil {
			return err
		}
		out, err = scanRecords(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b outbox.Record) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// MarkFailed implements outbox.Claimer.
func (o *Outbox) MarkFailed(ctx context.Context, id o2c.EventID, reason string, next time.Time, dead bool) error {
	status := outbox.StatusPending
	if dead {
		status = outbox.StatusDead
	}
	return o.db.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE o2c_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, status = $3
			WHERE tenant = $4 AND event_id = $5 AND status = 'pending'`,
			reason, o.db.ts(next), string(status), string(o.tenant), id.String())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			return nil
		}
		var one int
		if err := q.QueryRowContext(ctx, `SELECT 1 FROM o2c_outbox WHERE tenant = $1 AND event_id = $2`,
			string(o.tenant), id.String()).Scan(&one); errors.Is(err, stdsql.ErrNoRows) {
			return o2c.NotFound("outbox event", id.String())
		} else if err != nil {
			return err
		}
		return nil
	})
}

// Dead implements outbox.Claimer.
func (o *Outbox) Dead(ctx context.Context, limit int) ([]outbox.Record, error) {
	if limit <= 0 {
		return nil, o2c.NewValidationError("limit", "must be positive")
	}
	rows, err := o.db.reader(ctx).QueryContext(ctx, `SELECT `+outboxColumns+`
		FROM o2c_outbox WHERE tenant = $1 AND status = 'dead' ORDER BY seq LIMIT $2`, string(o.tenant), limit)
	if err != nil {
		return nil, o.db.translate(err)
	}
	return scanRecords(rows)
}

// Outboxes is the outbox of every tenant of the database, for one
// outbox.Dispatcher serving them all (its Tenants field).
type Outboxes struct{ db *DB }

var _ outbox.TenantsStore = (*Outboxes)(nil)

// Outboxes returns the outbox of every tenant, an outbox.TenantsStore.
func (db *DB) Outboxes() *Outboxes { return &Outboxes{db: db} }

// Tenant implements outbox.TenantsStore.
func (o *Outboxes) Tenant(t o2c.TenantID) (outbox.DispatchStore, error) {
	s, err := o.db.Tenant(t)
	if err != nil {
		return nil, err
	}
	return s.Dispatch(), nil
}

// ClaimAll implements outbox.TenantsStore, returning the records in rank
// order (every tenant's first, then every tenant's second...). The due records are ranked
// with ROW_NUMBER() over each tenant's queue; on PostgreSQL the chosen rows
// are then locked with FOR UPDATE SKIP LOCKED and checked again, so
// concurrent claimers pass over each other's rows (SQLite has one writer at
// a time). Ranking reads every due record, so a claim costs in proportion
// to the whole backlog, not the batch.
func (o *Outboxes) ClaimAll(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]outbox.Record, error) {
	if limit <= 0 {
		return nil, o2c.NewValidationError("limit", "must be positive")
	}
	if lease <= 0 {
		return nil, o2c.NewValidationError("lease", "must be positive")
	}
	lock := ""
	if o.db.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	const due = `status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $2)`
	var out []outbox.Record
	err := o.db.write(ctx, func(q querier) error {
		rows, err := q.QueryContext(ctx, `UPDATE o2c_outbox SET next_attempt_at = $1
			WHERE seq IN (SELECT seq FROM o2c_outbox WHERE `+due+` AND seq IN (
				SELECT seq FROM (
					SELECT seq, ROW_NUMBER() OVER (PARTITION BY tenant ORDER BY seq) AS rank
					FROM o2c_outbox WHERE `+due+`) ranked
				ORDER BY rank, seq LIMIT $3)`+lock+`)
			RETURNING `+outboxColumns, o.db.ts(now.Add(lease)), o.db.ts(now), limit)
		if err != nil {
			return err
		}
		out, err = scanRecords(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	// rank order: every tenant's first record, then every tenant's second...
	slices.SortFunc(out, func(a, b outbox.Record) int { return cmp.Compare(a.Seq, b.Seq) })
	rank := make(map[int64]int, len(out))
	seen := map[o2c.TenantID]int{}
	for _, r := range out {
		seen[r.Event.Tenant]++
		rank[r.Seq] = seen[r.Event.Tenant]
	}
	slices.SortStableFunc(out, func(a, b outbox.Record) int { return cmp.Compare(rank[a.Seq], rank[b.Seq]) })
	return out, nil
}
