package einvoice

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cashcycle/sdk/o2c"
)

// Status is a lifecycle status of the French e-invoicing reform (AFNOR XP
// Z12-012): what the platforms (PA) and the buyer say happened to an
// invoice. It is a closed set, 200 to 213.
type Status int

// The lifecycle statuses.
const (
	StatusDeposited          Status = 200 // Déposée: accepted by the seller's platform
	StatusIssued             Status = 201 // Émise: sent by the seller's platform
	StatusReceived           Status = 202 // Reçue: received by the buyer's platform
	StatusMadeAvailable      Status = 203 // Mise à disposition: made available to the buyer
	StatusInHand             Status = 204 // Prise en charge: the buyer is processing it
	StatusApproved           Status = 205 // Approuvée
	StatusPartiallyApproved  Status = 206 // Approuvée partiellement
	StatusDisputed           Status = 207 // En litige
	StatusSuspended          Status = 208 // Suspendue: waiting for something from the seller
	StatusCompleted          Status = 209 // Complétée: the seller supplied what was missing
	StatusRefused            Status = 210 // Refusée by the buyer
	StatusPaymentTransmitted Status = 211 // Paiement transmis by the buyer
	StatusCollected          Status = 212 // Encaissée: the seller received the payment
	StatusRejected           Status = 213 // Rejetée by a platform (invalid)
)

var statusLabels = map[Status]string{
	200: "Déposée", 201: "Émise", 202: "Reçue", 203: "Mise à disposition", 204: "Prise en charge",
	205: "Approuvée", 206: "Approuvée partiellement", 207: "En litige", 208: "Suspendue", 209: "Complétée",
	210: "Refusée", 211: "Paiement transmis", 212: "Encaissée", 213: "Rejetée",
}

// IsValid reports whether s is one of the statuses 200 to 213.
func (s Status) IsValid() bool { _, ok := statusLabels[s]; return ok }

// Label returns the French name of the status ("En litige").
func (s Status) Label() string { return statusLabels[s] }

// String returns "207 En litige".
func (s Status) String() string { return fmt.Sprintf("%d %s", int(s), s.Label()) }

// StatusUpdate is one status message about an invoice, from a platform (or,
// for 212, from the SDK). ID is unique per message: receiving the same ID
// twice changes nothing.
type StatusUpdate struct {
	ID      string    `json:"id"`
	Invoice string    `json:"invoice"` // the invoice number (BT-1)
	Status  Status    `json:"status"`
	At      time.Time `json:"at"` // when the status was set; orders the timeline
	Reason  string    `json:"reason,omitempty"`
	// Amount: for 206 the approved amount, for 211 the amount paid, for
	// 212 the amount collected.
	Amount o2c.Money `json:"amount,omitzero"`
	// Date: for 211 the payment date announced, for 212 the date the
	// payment was received.
	Date o2c.Date `json:"date,omitzero"`
}

// Validate checks the update's fields; errors are *o2c.ValidationError.
func (u StatusUpdate) Validate() error {
	switch {
	case strings.TrimSpace(u.ID) == "" || len(u.ID) > 200:
		return rule("id", "must be 1 to 200 characters", u.ID)
	case strings.TrimSpace(u.Invoice) == "" || len(u.Invoice) > 200:
		return rule("invoice", "must be 1 to 200 characters", u.Invoice)
	case !u.Status.IsValid():
		return rule("status", "must be an XP Z12-012 status from 200 to 213", int(u.Status))
	case u.At.IsZero():
		return rule("at", "is required")
	case u.Status == StatusPartiallyApproved && (u.Amount.Currency().IsZero() || u.Amount.IsNegative()):
		return rule("amount", "206 needs the approved amount")
	case u.Status == StatusCollected && (u.Amount.Currency().IsZero() || !u.Amount.IsPositive() || u.Date.IsZero()):
		return rule("amount", "212 needs the amount collected and its date")
	}
	return nil
}

func (u StatusUpdate) same(v StatusUpdate) bool {
	return u.ID == v.ID && u.Invoice == v.Invoice && u.Status == v.Status && u.At.Equal(v.At) &&
		u.Reason == v.Reason && u.Amount.Equal(v.Amount) && u.Amount.Currency() == v.Amount.Currency() && u.Date == v.Date
}

// before orders updates by time, then status code, then ID, so that the
// timeline is the same whatever order the messages arrived in.
func (u StatusUpdate) before(v StatusUpdate) bool {
	if !u.At.Equal(v.At) {
		return u.At.Before(v.At)
	}
	if u.Status != v.Status {
		return u.Status < v.Status
	}
	return u.ID < v.ID
}

// Timeline is the lifecycle of one invoice: its status updates in time
// order.
type Timeline struct {
	Invoice string         `json:"invoice"`
	Updates []StatusUpdate `json:"updates"`
	// Pending are the effects a [Lifecycle] decided when it recorded an
	// update and has not yet carried out (it carries them out, in this
	// order, once the store has saved the timeline, and then clears them).
	// Empty except after a crash or a failed effect when no Transactor was
	// given: the next Receive for the invoice retries them.
	Pending []Effect `json:"pending,omitempty"`
}

// Add records u. It returns false when an update with u's ID is already
// there (and identical); a different update under the same ID is an
// o2c.ErrConflict, and an update for another invoice a validation error.
func (t *Timeline) Add(u StatusUpdate) (bool, error) {
	if err := u.Validate(); err != nil {
		return false, err
	}
	u.At = u.At.UTC()
	if t.Invoice == "" {
		t.Invoice = u.Invoice
	}
	if u.Invoice != t.Invoice {
		return false, rule("invoice", "belongs to another timeline", u.Invoice)
	}
	for _, v := range t.Updates {
		if v.ID == u.ID {
			if v.same(u) {
				return false, nil
			}
			return false, o2c.Conflict("status update", u.ID, "received before with different content")
		}
	}
	i := slices.IndexFunc(t.Updates, func(v StatusUpdate) bool { return u.before(v) })
	if i < 0 {
		i = len(t.Updates)
	}
	t.Updates = slices.Insert(t.Updates, i, u)
	return true, nil
}

// Current returns the latest update in time order, and false for an empty
// timeline.
func (t Timeline) Current() (StatusUpdate, bool) {
	if len(t.Updates) == 0 {
		return StatusUpdate{}, false
	}
	return t.Updates[len(t.Updates)-1], true
}

// EffectKind is what a status change asks of the rest of the cycle.
type EffectKind string

// The effects of the lifecycle on the SDK.
const (
	// EffectOpenDispute: 207 En litige opens a dispute on the invoice.
	EffectOpenDispute EffectKind = "open_dispute"
	// EffectCloseDispute: 205 Approuvée closes the dispute 207 opened.
	EffectCloseDispute EffectKind = "close_dispute"
	// EffectReduceDispute: 206 Approuvée partiellement leaves only what was
	// not approved in dispute (Update.Amount is the approved amount).
	EffectReduceDispute EffectKind = "reduce_dispute"
	// EffectSuspendDunning: 208 Suspendue stops reminders until the status
	// moves on.
	EffectSuspendDunning EffectKind = "suspend_dunning"
	// EffectResumeDunning: leaving 208 lifts the suspension.
	EffectResumeDunning EffectKind = "resume_dunning"
	// EffectStopDunning: 210 Refusée and 213 Rejetée stop dunning for good;
	// the invoice needs a credit note or a corrected invoice.
	EffectStopDunning EffectKind = "stop_dunning"
	// EffectPromise: 211 Paiement transmis records a promise to pay
	// (Update.Amount on Update.Date).
	EffectPromise EffectKind = "promise"
)

// Effect is one thing a status change asks for, with the update that
// caused it.
type Effect struct {
	Kind   EffectKind   `json:"kind"`
	Update StatusUpdate `json:"update"`
}

// Effects is what the lifecycle needs from the rest of the cycle to carry
// out effects (the cycle package implements it over invoicing and
// dunning). Apply must be idempotent: the same effect may be applied again
// after a crash or a retry.
type Effects interface {
	Apply(ctx context.Context, e Effect) error
}

// Transition returns the effects of the current status moving from prev
// (ok false: none yet) to cur. It is pure: a status that arrives late
// (older than the current one) does not change the current status and has
// no effect.
func Transition(prev StatusUpdate, hadPrev bool, cur StatusUpdate) []Effect {
	if hadPrev && prev.ID == cur.ID {
		return nil
	}
	var out []Effect
	if hadPrev && prev.Status == StatusSuspended && cur.Status != StatusSuspended {
		out = append(out, Effect{EffectResumeDunning, cur})
	}
	switch cur.Status {
	case StatusDisputed:
		out = append(out, Effect{EffectOpenDispute, cur})
	case StatusApproved:
		out = append(out, Effect{EffectCloseDispute, cur})
	case StatusPartiallyApproved:
		out = append(out, Effect{EffectReduceDispute, cur})
	case StatusSuspended:
		out = append(out, Effect{EffectSuspendDunning, cur})
	case StatusRefused, StatusRejected:
		out = append(out, Effect{EffectStopDunning, cur})
	case StatusPaymentTransmitted:
		out = append(out, Effect{EffectPromise, cur})
	}
	return out
}

// TimelineStore keeps the timelines of one tenant. Implementations:
// [MemoryTimelines] (process memory, no transactions), and the tenant-bound
// stores of adapters/memory and adapters/sqlstore (EInvoiceTimelines),
// which join the context's transaction. Package einvoicetest is their
// conformance suite.
type TimelineStore interface {
	// UpdateTimeline runs fn on the timeline of invoice (empty when new)
	// and saves it only if fn returns nil, atomically per invoice (within
	// the transaction ctx carries, for stores that join one).
	UpdateTimeline(ctx context.Context, invoice string, fn func(t *Timeline) error) error
	// Timeline returns the timeline of invoice (with no updates and
	// Invoice set when there is none; not an error).
	Timeline(ctx context.Context, invoice string) (Timeline, error)
}

// MemoryTimelines is a TimelineStore in memory, safe for concurrent use.
type MemoryTimelines struct {
	mu sync.Mutex
	m  map[string]Timeline
}

var _ TimelineStore = (*MemoryTimelines)(nil)

// UpdateTimeline implements TimelineStore; it holds the store's lock while
// fn runs.
func (s *MemoryTimelines) UpdateTimeline(_ context.Context, invoice string, fn func(t *Timeline) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.m[invoice]
	t.Invoice = invoice
	t.Updates = slices.Clone(t.Updates)
	t.Pending = slices.Clone(t.Pending)
	if err := fn(&t); err != nil {
		return err
	}
	if s.m == nil {
		s.m = map[string]Timeline{}
	}
	s.m[invoice] = Timeline{Invoice: invoice, Updates: slices.Clone(t.Updates), Pending: slices.Clone(t.Pending)}
	return nil
}

// Timeline implements TimelineStore.
func (s *MemoryTimelines) Timeline(_ context.Context, invoice string) (Timeline, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.m[invoice]
	t.Invoice = invoice
	t.Updates = slices.Clone(t.Updates)
	t.Pending = slices.Clone(t.Pending)
	return t, nil
}

// Lifecycle keeps invoices' timelines from the platform's status messages
// and carries out their effects.
type Lifecycle struct {
	store    TimelineStore
	effects  Effects
	platform Platform
	tx       o2c.Transactor
	keys     keyLocks // serialises Receive per invoice in this process
}

// LifecycleOptions configure a Lifecycle.
type LifecycleOptions struct {
	// Store keeps the timelines (nil: a new MemoryTimelines).
	Store TimelineStore
	// Effects carries out effects (nil: timelines only).
	Effects Effects
	// Platform receives the 212 statuses and delivers the others (nil:
	// Poll and Collected's sending are unavailable).
	Platform Platform
	// Tx, when set, runs each update and its effects in one transaction
	// (a failed effect then records nothing). Without it an update is
	// saved with its effects pending and they are carried out after the
	// store's update, outside its lock; see [Lifecycle.Receive].
	Tx o2c.Transactor
}

// NewLifecycle returns a Lifecycle.
func NewLifecycle(o LifecycleOptions) *Lifecycle {
	if o.Store == nil {
		o.Store = &MemoryTimelines{}
	}
	return &Lifecycle{store: o.Store, effects: o.Effects, platform: o.Platform, tx: o.Tx}
}

// Receive records a status update and carries out the effects of the
// change of current status. An update already received (same ID) changes
// nothing and returns no new effect; one older than the current status is
// recorded in the timeline but has no effect.
//
// The effects are decided inside the store's UpdateTimeline, atomically
// with the update (so concurrent and out-of-order arrivals decide them
// against the timeline they really change), and saved in the timeline as
// [Timeline.Pending]. They are carried out after UpdateTimeline returns,
// never inside it, so that an Effects implementation may use the same
// store or database (no store lock is held while effects run, and none is
// waited for twice); once done they are cleared from the timeline.
//
// With a Transactor (LifecycleOptions.Tx) all of it is one transaction:
// if an effect fails nothing is recorded and the error is returned, so
// that receiving the update again retries it. Without one, the update is
// recorded with its effects pending; if an effect fails the error is
// returned, and the next Receive for the invoice (the same update again or
// any other) carries out the pending effects first, in order. Effects.Apply
// must be idempotent either way (an effect is keyed by its update's ID).
// Within one Lifecycle, Receive calls for one invoice run one at a time, so
// effects are applied in the order they were decided; several processes
// sharing a store without a Transactor do not get that ordering guarantee.
//
// The effects returned are those of u carried out by this call.
func (l *Lifecycle) Receive(ctx context.Context, u StatusUpdate) ([]Effect, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	unlock := l.keys.lock(u.Invoice)
	defer unlock()
	var done []Effect
	run := func(ctx context.Context) error {
		done = nil
		var pending []Effect
		err := l.store.UpdateTimeline(ctx, u.Invoice, func(t *Timeline) error {
			prev, had := t.Current()
			added, err := t.Add(u)
			if err != nil {
				return err
			}
			if added && l.effects != nil {
				cur, _ := t.Current()
				t.Pending = append(t.Pending, Transition(prev, had, cur)...)
			} else if added {
				cur, _ := t.Current()
				done = Transition(prev, had, cur) // nothing to carry out: report them
			}
			pending = slices.Clone(t.Pending)
			return nil
		})
		if err != nil || len(pending) == 0 {
			return err
		}
		for i, e := range pending {
			if err := l.effects.Apply(ctx, e); err != nil {
				if i > 0 {
					// Keep what is done done (without a Tx it stays; with one
					// the rollback discards it too).
					if cerr := l.clearPending(ctx, u.Invoice, pending[:i]); cerr != nil {
						err = errors.Join(err, cerr)
					}
				}
				return fmt.Errorf("einvoice: %s on %s (%s): %w", e.Kind, e.Update.Invoice, e.Update.Status, err)
			}
			if e.Update.ID == u.ID {
				done = append(done, e)
			}
		}
		return l.clearPending(ctx, u.Invoice, pending)
	}
	var err error
	if l.tx != nil {
		err = l.tx.InTx(ctx, run)
	} else {
		err = run(ctx)
	}
	if err != nil {
		return nil, err
	}
	return done, nil
}

// clearPending removes the effects carried out from the timeline's
// pending ones (by kind and update ID; others may have been added since).
func (l *Lifecycle) clearPending(ctx context.Context, invoice string, applied []Effect) error {
	return l.store.UpdateTimeline(ctx, invoice, func(t *Timeline) error {
		t.Pending = slices.DeleteFunc(t.Pending, func(p Effect) bool {
			return slices.ContainsFunc(applied, func(a Effect) bool { return a.Kind == p.Kind && a.Update.ID == p.Update.ID })
		})
		return nil
	})
}

// keyLocks is a mutex per key, dropped when nobody holds or waits for it.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (k *keyLocks) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyLock{}
	}
	kl := k.m[key]
	if kl == nil {
		kl = &keyLock{}
		k.m[key] = kl
	}
	kl.refs++
	k.mu.Unlock()
	kl.mu.Lock()
	return func() {
		kl.mu.Unlock()
		k.mu.Lock()
		if kl.refs--; kl.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// Timeline returns an invoice's timeline.
func (l *Lifecycle) Timeline(ctx context.Context, invoice string) (Timeline, error) {
	return l.store.Timeline(ctx, invoice)
}

// ErrNoPlatform is returned by the methods that need a Platform when the
// Lifecycle has none.
var ErrNoPlatform = errors.New("einvoice: no platform configured")

// Poll receives the platform's pending status messages, in the order the
// platform gives them, and acknowledges each one once it is recorded. A
// message whose effects fail is not acknowledged (the platform gives it
// again); Poll goes on with the others and returns the errors joined.
func (l *Lifecycle) Poll(ctx context.Context) (int, error) {
	if l.platform == nil {
		return 0, ErrNoPlatform
	}
	ups, err := l.platform.Statuses(ctx)
	if err != nil {
		return 0, err
	}
	var errs []error
	var done []string
	for _, u := range ups {
		if _, err := l.Receive(ctx, u); err != nil {
			errs = append(errs, err)
			continue
		}
		done = append(done, u.ID)
	}
	if len(done) > 0 {
		if err := l.platform.Ack(ctx, done...); err != nil {
			errs = append(errs, err)
		}
	}
	return len(done), errors.Join(errs...)
}

// Collected records and sends the 212 Encaissée status of a payment
// applied to an invoice: the amount and the date it was received, which the
// VAT return needs when VAT is due on receipts (services). key identifies
// the payment application (an allocation ID): the status ID derives from it,
// so that calling again for the same application sends nothing new to the
// platform's view (the platform is idempotent by status ID).
func (l *Lifecycle) Collected(ctx context.Context, invoice, key string, amount o2c.Money, date o2c.Date, at time.Time) (StatusUpdate, error) {
	u := StatusUpdate{ID: "212:" + invoice + ":" + key, Invoice: invoice, Status: StatusCollected, At: at.UTC(), Amount: amount, Date: date}
	if _, err := l.Receive(ctx, u); err != nil {
		return StatusUpdate{}, err
	}
	if l.platform == nil {
		return u, ErrNoPlatform
	}
	return u, l.platform.SendStatus(ctx, u)
}
