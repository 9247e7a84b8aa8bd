package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/telemetry"
)

// Claimer is what a [Dispatcher] needs from a store beyond [Store]. It is a
// separate interface so that a store can implement [Store] alone; the
// memory and SQL adapters implement both (see [DispatchStore]).
//
// Like [Store], a Claimer is bound to one tenant and sees only its records;
// a dispatcher serving every tenant claims through a [TenantsStore].
type Claimer interface {
	// Claim returns up to limit pending records that are due (their
	// NextAttemptAt is zero or not after now), in append order, and leases
	// them: in the same transaction it sets their NextAttemptAt to
	// now+lease, so no other Claim returns them before the lease ends.
	// Several dispatchers sharing one database never claim one record at
	// the same time while its lease runs (PostgreSQL: FOR UPDATE SKIP
	// LOCKED; SQLite and memory: one writer at a time). A limit or lease
	// that is not positive is a *o2c.ValidationError.
	Claim(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]Record, error)
	// MarkFailed records a failed attempt: Attempts+1, LastError = reason,
	// and either NextAttemptAt = next (still pending) or, when dead, status
	// [StatusDead]. A record that is no longer pending (another dispatcher
	// delivered it after a lease ran out) is left as it is and the call is
	// a no-op; an ID unknown to this tenant is o2c.ErrNotFound.
	MarkFailed(ctx context.Context, id o2c.EventID, reason string, next time.Time, dead bool) error
	// Dead lists up to limit dead-lettered records in append order. A limit
	// that is not positive is a *o2c.ValidationError.
	Dead(ctx context.Context, limit int) ([]Record, error)
}

// TenantsStore is an outbox seen across every tenant of one database, for
// one dispatcher process that serves all tenants (set
// [Dispatcher.Tenants] instead of Store).
type TenantsStore interface {
	// ClaimAll is [Claimer.Claim] across tenants, fair between them: the
	// due records are ranked by their place in their own tenant's queue
	// (every tenant's oldest due record first, then every tenant's second,
	// and so on; append order within a rank), and the first limit of
	// that order are leased. A tenant with a million records waiting takes
	// one place per rank like a tenant with one, so it cannot starve the
	// others. Several claimers sharing the database never claim one
	// record while its lease runs. A limit or lease that is not positive
	// is a *o2c.ValidationError.
	ClaimAll(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]Record, error)
	// Tenant returns the dispatch store of one tenant, which the
	// dispatcher uses to mark that tenant's records.
	Tenant(tenant o2c.TenantID) (DispatchStore, error)
}

// DispatchStore is a [Store] a [Dispatcher] can drive.
type DispatchStore interface {
	Store
	Claimer
}

// Handler delivers one record: publishes it to a broker, posts it to a
// webhook, applies it to a read model. It may be called more than once for
// one record (delivery is at least once): receivers deduplicate on
// Record.Event.ID. Returning an error schedules a retry, or dead-letters
// the record when the error is a [PermanentError] or the attempts are
// exhausted.
type Handler func(ctx context.Context, r Record) error

// PermanentError wraps a handler error that no retry can fix (a receiver
// that answers 400, a payload it cannot accept). The dispatcher
// dead-letters the record at once.
type PermanentError struct{ Err error }

// Permanent wraps err in a *PermanentError (nil stays nil).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *PermanentError) Unwrap() error { return e.Err }

// Backoff is an exponential backoff with a cap and jitter: the delay after
// the n-th failed attempt is Initial * 2^(n-1), at most Max, less a random
// part of up to Jitter of it (Jitter in [0, 1]; 0 means none), so that
// records failing together do not retry together. The zero Backoff is
// [DefaultBackoff].
type Backoff struct {
	Initial time.Duration
	Max     time.Duration
	Jitter  float64
}

// DefaultBackoff returns the backoff of the zero [Backoff]: retries after
// about 1s, 2s, 4s, ... up to one hour.
func DefaultBackoff() Backoff {
	return Backoff{Initial: time.Second, Max: time.Hour, Jitter: 0.2}
}

// Delay returns the wait after the attempt-th failed attempt (1-based).
func (b Backoff) Delay(attempt int) time.Duration {
	if b == (Backoff{}) {
		b = DefaultBackoff()
	}
	if b.Initial <= 0 {
		b.Initial = DefaultBackoff().Initial
	}
	if b.Max < b.Initial {
		b.Max = b.Initial
	}
	d := b.Initial
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	if j := min(max(b.Jitter, 0), 1); j > 0 {
		d -= time.Duration(rand.Float64() * j * float64(d))
	}
	return d
}

// Dispatcher delivers the records of one outbox at least once: each
// [Dispatcher.Dispatch] claims the due records, hands each to Handler, and
// marks it delivered, or schedules a retry with Backoff, or dead-letters it
// after MaxAttempts attempts. Several dispatchers (goroutines or processes)
// may share one database; a lease keeps them from handling one record at the
// same time, as long as a handler returns within Lease. A record whose
// dispatcher dies mid-delivery is claimed again once its lease ends, which is
// why delivery is at least once and receivers deduplicate on the event ID.
//
// Retries do not keep order: a record waiting out its backoff does not hold
// back the records appended after it. Receivers that care order by
// Record.Seq or the event's OccurredAt.
//
// With Store, a dispatcher serves the one tenant the store is bound to;
// with Tenants instead, one dispatcher serves every tenant of the
// database, fairly (see [TenantsStore.ClaimAll]). The zero value of every
// field but Store (or Tenants) and Handler works. A Dispatcher starts no goroutine:
// the host calls Dispatch, or runs [Dispatcher.Run] in a goroutine of its
// own. Do not change its fields while it runs.
type Dispatcher struct {
	Store DispatchStore
	// Tenants, set instead of Store, makes the dispatcher serve every
	// tenant of the database.
	Tenants TenantsStore
	Handler Handler
	// MaxAttempts is the number of attempts before a record is dead
	// (default 10).
	MaxAttempts int
	// Backoff spaces retries (zero: DefaultBackoff).
	Backoff Backoff
	// Lease is how long a claimed record stays hidden from other
	// dispatchers (default 5 minutes); it must exceed a handler's run.
	Lease time.Duration
	// BatchSize is the most records one Dispatch claims (default 100).
	BatchSize int
	// PollInterval is how long Run waits when nothing was due (default 1s,
	// real time).
	PollInterval time.Duration
	// Clock decides what is due and when retries are (nil: system clock).
	Clock o2c.Clock
	// OnError, when set, is told of every failed attempt (with its record)
	// and, in Run, of store errors (with a zero Record). It must not block.
	OnError func(Record, error)
	// GroupCommit marks the records a pass delivered in one
	// MarkDelivered call (one transaction, one commit) at the end of the
	// pass, or when ctx ends mid-pass, instead of one commit per record.
	// A dispatcher that dies mid-pass then redelivers every record it had
	// handled in that pass, not just the last one: choose it when
	// receivers deduplicate cheaply (a JetStream stream, an idempotent
	// upsert). Failed attempts are still recorded one by one.
	GroupCommit bool
	// Telemetry: a span per Dispatch pass, the o2c.outbox.dispatched and
	// o2c.outbox.failed counters and debug records (zero: silent).
	Telemetry telemetry.Options
}

// Dispatch runs one pass: it claims up to BatchSize due records and
// handles them one by one. It returns how many were delivered. A handler
// error (or a handler panic, turned into an error) is not returned: it is
// recorded on the record and given to OnError. A store error ends the pass and is returned, as is ctx's error
// when ctx ends mid-pass (records claimed and not handled wait for their
// lease to end). A Dispatcher without Store or Handler is a
// *o2c.ValidationError.
func (d *Dispatcher) Dispatch(ctx context.Context) (int, error) {
	obs := telemetry.New(d.Telemetry)
	ctx, end := obs.Start(ctx, "outbox.Dispatch")
	n, claimed, err := d.dispatch(ctx)
	obs.Add(ctx, telemetry.Dispatched, int64(n))
	obs.Add(ctx, telemetry.DispatchFailed, int64(claimed-n))
	if claimed > 0 {
		obs.Logger().DebugContext(ctx, "outbox: dispatched", "claimed", claimed, "delivered", n)
	}
	return n, end(err)
}

func (d *Dispatcher) dispatch(ctx context.Context) (delivered, claimed int, err error) {
	if (d.Store == nil) == (d.Tenants == nil) {
		return 0, 0, o2c.NewValidationError("dispatcher.store", "is required (Store for one tenant, or Tenants for all, not both)")
	}
	if d.Handler == nil {
		return 0, 0, o2c.NewValidationError("dispatcher.handler", "is required")
	}
	clock := o2c.ClockOrSystem(d.Clock)
	var recs []Record
	if d.Tenants != nil {
		recs, err = d.Tenants.ClaimAll(ctx, d.batchSize(), clock.Now(), d.lease())
	} else {
		recs, err = d.Store.Claim(ctx, d.batchSize(), clock.Now(), d.lease())
	}
	if err != nil {
		return 0, 0, fmt.Errorf("outbox: claim: %w", err)
	}
	stores := map[o2c.TenantID]DispatchStore{}
	storeOf := func(t o2c.TenantID) (DispatchStore, error) {
		if d.Tenants == nil {
			return d.Store, nil
		}
		if s, ok := stores[t]; ok {
			return s, nil
		}
		s, err := d.Tenants.Tenant(t)
		if err != nil {
			return nil, fmt.Errorf("outbox: tenant %s: %w", t, err)
		}
		stores[t] = s
		return s, nil
	}
	// The outcome of an attempt is recorded even when ctx ends meanwhile,
	// so that a delivery made during shutdown is not repeated.
	mark := context.WithoutCancel(ctx)
	var (
		group   = map[o2c.TenantID][]o2c.EventID{}
		tenants []o2c.TenantID // in first-delivery order
	)
	flush := func() error {
		for len(tenants) > 0 {
			t := tenants[0]
			st, err := storeOf(t)
			if err == nil {
				err = st.MarkDelivered(mark, group[t]...)
			}
			if err != nil {
				n := 0
				for _, ids := range group {
					n += len(ids)
				}
				delivered -= n
				return fmt.Errorf("outbox: mark %d records delivered: %w", len(group[t]), err)
			}
			delete(group, t)
			tenants = tenants[1:]
		}
		return nil
	}
	for _, r := range recs {
		if err := ctx.Err(); err != nil {
			if ferr := flush(); ferr != nil {
				return delivered, len(recs), ferr
			}
			return delivered, len(recs), err
		}
		st, err := storeOf(r.Event.Tenant)
		if err != nil {
			if ferr := flush(); ferr != nil {
				return delivered, len(recs), ferr
			}
			return delivered, len(recs), err
		}
		herr := d.handle(ctx, r)
		if herr == nil {
			delivered++
			if d.GroupCommit {
				if _, ok := group[r.Event.Tenant]; !ok {
					tenants = append(tenants, r.Event.Tenant)
				}
				group[r.Event.Tenant] = append(group[r.Event.Tenant], r.Event.ID)
				continue
			}
			if err := st.MarkDelivered(mark, r.Event.ID); err != nil {
				return delivered - 1, len(recs), fmt.Errorf("outbox: mark %s delivered: %w", r.Event.ID, err)
			}
			continue
		}
		if d.OnError != nil {
			d.OnError(r, herr)
		}
		attempts := r.Attempts + 1
		var perm *PermanentError
		dead := attempts >= d.maxAttempts() || errors.As(herr, &perm)
		next := clock.Now().Add(d.Backoff.Delay(attempts))
		if err := st.MarkFailed(mark, r.Event.ID, herr.Error(), next, dead); err != nil {
			if ferr := flush(); ferr != nil {
				return delivered, len(recs), ferr
			}
			return delivered, len(recs), fmt.Errorf("outbox: mark %s failed: %w", r.Event.ID, err)
		}
	}
	if err := flush(); err != nil {
		return delivered, len(recs), err
	}
	return delivered, len(recs), nil
}

// handle calls the handler, turning a panic into an error so that one bad
// record cannot stop the dispatcher.
func (d *Dispatcher) handle(ctx context.Context, r Record) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("outbox: handler panicked: %v", p)
		}
	}()
	return d.Handler(ctx, r)
}

// Run dispatches until ctx ends, then returns ctx's error. It claims the
// next batch at once while batches come back full, and otherwise waits
// PollInterval. Store errors go to OnError and are retried after
// PollInterval; a Dispatcher without Store or Handler returns its
// *o2c.ValidationError at once.
func (d *Dispatcher) Run(ctx context.Context) error {
	if (d.Store == nil) == (d.Tenants == nil) || d.Handler == nil {
		_, err := d.Dispatch(ctx)
		return err
	}
	poll := d.PollInterval
	if poll <= 0 {
		poll = time.Second
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
		_, claimed, err := d.dispatch(ctx)
		if err != nil && ctx.Err() == nil && d.OnError != nil {
			d.OnError(Record{}, err)
		}
		wait := poll
		if err == nil && claimed == d.batchSize() {
			wait = 0
		}
		timer.Reset(wait)
	}
}

func (d *Dispatcher) maxAttempts() int {
	if d.MaxAttempts <= 0 {
		return 10
	}
	return d.MaxAttempts
}

func (d *Dispatcher) lease() time.Duration {
	if d.Lease <= 0 {
		return 5 * time.Minute
	}
	return d.Lease
}

func (d *Dispatcher) batchSize() int {
	if d.BatchSize <= 0 {
		return 100
	}
	return d.BatchSize
}
