package dunning

import (
	"context"
	"strings"
	"time"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// LetterStatus is where a written letter is in its delivery.
type LetterStatus string

// Letter statuses.
const (
	LetterPending   LetterStatus = "pending"   // written, not yet delivered
	LetterDelivered LetterStatus = "delivered" // the notifier accepted it
	LetterFailed    LetterStatus = "failed"    // given up after too many attempts
)

// HistoryItem is an open item a letter covered.
type HistoryItem struct {
	Invoice invoice.ID `json:"invoice"`
	// Seq is the due line (instalment) of the invoice the letter dunned (0
	// for an item standing for the whole invoice): levels are tracked per
	// due line, so a new instalment starts at its own first level.
	Seq    int    `json:"seq,omitempty"`
	Number string `json:"number,omitempty"`
	// Amount is what the letter asked for on this item (after disputes
	// and credit).
	Amount o2c.Money `json:"amount"`
	// RecoveryFeeClaimed is set when the letter claimed the fixed
	// recovery fee for this invoice (it is claimed once per invoice).
	RecoveryFeeClaimed bool `json:"recovery_fee_claimed,omitempty"`
}

// HistoryEntry is one letter of a customer's dunning history: what was
// sent, when, at which level, and whether it was delivered.
type HistoryEntry struct {
	// Key is the letter's idempotency key,
	// "tenant/YYYY-MM-DD/customer/currency/level": unique per tenant.
	Key      string         `json:"key"`
	RunDate  o2c.Date       `json:"run_date"`
	Customer o2c.CustomerID `json:"customer"`
	Currency o2c.Currency   `json:"currency"`
	Plan     string         `json:"plan"`
	// Level is the index of the level in the plan, LevelName its name.
	Level     int     `json:"level"`
	LevelName string  `json:"level_name"`
	Channel   Channel `json:"channel"`
	// Items are the open items the letter covered.
	Items []HistoryItem `json:"items"`
	// Total is what the letter asked for: items, fees and interest.
	Total o2c.Money `json:"total"`
	// DeadlineDays, when positive, is the payment deadline the letter gave
	// (a formal notice's: Level.PaymentDeadlineDays), counted from the run
	// date, or from the notice's receipt when DeadlineFromReceipt is set.
	// PaymentDeadline is the deadline's last day when counted from the run
	// date (zero when it runs from a receipt not yet recorded); see
	// [HistoryEntry.Deadline].
	DeadlineDays        int      `json:"deadline_days,omitempty"`
	DeadlineFromReceipt bool     `json:"deadline_from_receipt,omitempty"`
	PaymentDeadline     o2c.Date `json:"payment_deadline,omitzero"`
	// Receipt is the delivery of the letter as the host recorded it (a
	// registered letter's number and the day it was received), nil until
	// recorded; see [Service.RecordReceipt].
	Receipt *Receipt `json:"receipt,omitempty"`
	// Event is the outbox event carrying the letter.
	Event o2c.EventID `json:"event"`
	// Status, Attempts, LastError and DeliveredAt track the delivery.
	Status      LetterStatus `json:"status"`
	Attempts    int          `json:"attempts"`
	LastError   string       `json:"last_error,omitempty"`
	DeliveredAt time.Time    `json:"delivered_at,omitzero"`
	// NextAttemptAt, while the letter is pending, is the instant before
	// which it is not offered to a deliverer: the end of the lease of the
	// deliverer that claimed it, or of the backoff after a failed attempt.
	// Zero: due at once.
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	CreatedAt     time.Time `json:"created_at"`
}

// Receipt is the proof that a letter reached the debtor: for a formal
// notice sent by registered letter, its number and the day the debtor
// received it (or the day it was first presented, as the post's notice of
// receipt says).
type Receipt struct {
	// Reference is the registered letter's number ("1A 123 456 7890 1").
	Reference string `json:"reference"`
	// ReceivedOn is the day the debtor received the letter.
	ReceivedOn o2c.Date `json:"received_on"`
	// RecordedAt is when the host recorded it (set by the service).
	RecordedAt time.Time `json:"recorded_at"`
}

// Validate checks the receipt against the entry it is recorded on.
func (r Receipt) Validate(h HistoryEntry) error {
	switch {
	case strings.TrimSpace(r.Reference) == "" || len(r.Reference) > 100:
		return invalid("receipt.reference", "must be 1-100 bytes", r.Reference)
	case r.ReceivedOn.IsZero():
		return invalid("receipt.received_on", "is required", nil)
	case r.ReceivedOn.Before(h.RunDate):
		return invalid("receipt.received_on", "must not be before the letter's date "+h.RunDate.String(), r.ReceivedOn)
	}
	return nil
}

// Deadline returns the last day the letter gave the debtor to pay, and
// whether it is known: counted from the run date, or from the recorded
// receipt when DeadlineFromReceipt is set (unknown until the receipt is
// recorded). A letter without a deadline returns (zero, false).
func (h HistoryEntry) Deadline() (o2c.Date, bool) {
	switch {
	case h.DeadlineDays <= 0:
		return o2c.Date{}, false
	case !h.DeadlineFromReceipt:
		return h.RunDate.AddDays(h.DeadlineDays), true
	case h.Receipt != nil:
		return h.Receipt.ReceivedOn.AddDays(h.DeadlineDays), true
	}
	return o2c.Date{}, false
}

// ApplyReceipt records r on the entry; stores call it so every adapter
// books receipts the same way. Recording the same receipt again is a
// no-op (false); a different one over a recorded receipt is
// o2c.ErrConflict; a receipt that does not validate a *o2c.ValidationError.
// On success the entry's PaymentDeadline is set when it runs from the
// receipt.
func (h *HistoryEntry) ApplyReceipt(r Receipt) (bool, error) {
	if err := r.Validate(*h); err != nil {
		return false, err
	}
	if h.Receipt != nil {
		if h.Receipt.Reference == r.Reference && h.Receipt.ReceivedOn == r.ReceivedOn {
			return false, nil
		}
		return false, o2c.Conflict("dunning letter", h.Key, "a different receipt is recorded: "+h.Receipt.Reference+" on "+h.Receipt.ReceivedOn.String())
	}
	r.RecordedAt = r.RecordedAt.UTC()
	h.Receipt = &r
	if d, ok := h.Deadline(); ok {
		h.PaymentDeadline = d
	}
	return true, nil
}

// RunStatus is where a run is.
type RunStatus string

// Run statuses.
const (
	RunExecuting RunStatus = "executing" // letters are being written
	RunCompleted RunStatus = "completed" // every letter of the proposal is written
)

// Run is the execution of a proposal for one tenant and date: at most one
// per date.
type Run struct {
	Date        o2c.Date  `json:"date"`
	Status      RunStatus `json:"status"`
	Letters     int       `json:"letters"` // letters written so far
	StartedAt   time.Time `json:"started_at"`
	CompletedAt time.Time `json:"completed_at,omitzero"`
	Version     int64     `json:"version"`
}

// Promise is a customer's promise to pay: dunning of the customer (in
// Currency, or in every currency when it is zero) pauses until Date, and
// resumes after it if the customer is still overdue (a broken promise).
type Promise struct {
	ID       o2c.ID[Promise] `json:"id"`
	Customer o2c.CustomerID  `json:"customer"`
	Currency o2c.Currency    `json:"currency,omitzero"`
	Amount   o2c.Money       `json:"amount,omitzero"`
	Date     o2c.Date        `json:"date"`
	Note     string          `json:"note,omitempty"`
	Version  int64           `json:"version"`
}

// Validate checks the promise's fields.
func (p Promise) Validate() error {
	switch {
	case p.ID.IsZero():
		return invalid("id", "is required", nil)
	case p.Customer.IsZero():
		return invalid("customer", "is required", nil)
	case p.Date.IsZero():
		return invalid("date", "is required", nil)
	case p.Date.Validate() != nil:
		return &o2c.ValidationError{Field: "date", Rule: "must be between years 1 and 9999", Value: p.Date.String(), Err: o2c.ErrDateOutOfRange}
	case !p.Amount.Currency().IsZero() && p.Amount.IsNegative():
		return invalid("amount", "must not be negative", p.Amount)
	case len(p.Note) > 500:
		return invalid("note", "must be at most 500 bytes", nil)
	}
	return nil
}

// Block stops dunning: of a whole customer (Invoice zero) or of one of its
// invoices, until Until (included) or for good when Until is zero.
type Block struct {
	ID       o2c.ID[Block]  `json:"id"`
	Customer o2c.CustomerID `json:"customer"`
	Invoice  invoice.ID     `json:"invoice,omitzero"`
	Reason   string         `json:"reason"`
	Until    o2c.Date       `json:"until,omitzero"`
	Version  int64          `json:"version"`
}

// Validate checks the block's fields.
func (b Block) Validate() error {
	switch {
	case b.ID.IsZero():
		return invalid("id", "is required", nil)
	case b.Customer.IsZero():
		return invalid("customer", "is required", nil)
	case b.Reason == "" || len(b.Reason) > 500:
		return invalid("reason", "must be 1-500 bytes", nil)
	case b.Until.Validate() != nil:
		return &o2c.ValidationError{Field: "until", Rule: "must be between years 1 and 9999", Value: b.Until.String(), Err: o2c.ErrDateOutOfRange}
	}
	return nil
}

// ActiveOn reports whether the block holds on d.
func (b Block) ActiveOn(d o2c.Date) bool { return b.Until.IsZero() || !d.After(b.Until) }

// HistoryFilter selects history entries. Zero fields do not filter.
type HistoryFilter struct {
	Customer o2c.CustomerID
	Status   LetterStatus
	// Since keeps entries with a run date on or after it.
	Since o2c.Date
	// Limit caps the number of entries (0: all).
	Limit int
}

// PendingLetter is a written, undelivered letter: its history entry and
// the outbox event that carries it.
type PendingLetter struct {
	Entry HistoryEntry
	Event o2c.Event
}

// DeliveryUpdate records the outcome of one delivery attempt.
type DeliveryUpdate struct {
	Key string
	// Delivered: the notifier accepted the letter at At. Otherwise Error
	// says why it failed, and Give up marks the letter failed (the dead
	// letter: it is never offered again).
	Delivered bool
	At        time.Time
	Error     string
	GiveUp    bool
	// RetryAt, for a failed attempt that does not give up, is when the
	// letter is due again (its backoff); zero: at once.
	RetryAt time.Time
}

// ApplyDelivery records one delivery outcome on the entry: one more
// attempt; delivered at u.At, or the error kept, the next attempt set to
// u.RetryAt and, when u.GiveUp, the letter marked failed. The lease of a
// claim ends either way. Stores call it so every adapter books outcomes
// the same way.
func (h *HistoryEntry) ApplyDelivery(u DeliveryUpdate) {
	h.Attempts++
	h.NextAttemptAt = time.Time{}
	if u.Delivered {
		h.Status, h.DeliveredAt, h.LastError = LetterDelivered, u.At.UTC(), ""
		return
	}
	h.LastError = u.Error
	if u.GiveUp {
		h.Status = LetterFailed
		return
	}
	if !u.RetryAt.IsZero() {
		h.NextAttemptAt = u.RetryAt.UTC()
	}
}

// DueAt reports whether a pending entry may be claimed at now: its next
// attempt time (lease or backoff) is zero or not after now.
func (h *HistoryEntry) DueAt(now time.Time) bool {
	return h.Status == LetterPending && (h.NextAttemptAt.IsZero() || !h.NextAttemptAt.After(now))
}

// Store is a tenant-bound dunning store: runs, history, promises, blocks
// and plan assignments. Every method sees only the store's tenant, and
// joins the transaction carried by ctx (see o2c.Transactor) when there is
// one, under a savepoint: a failing call writes nothing.
type Store interface {
	// TenantID returns the tenant the store is bound to.
	TenantID() o2c.TenantID

	// Run returns the run of date d, or o2c.ErrNotFound.
	Run(ctx context.Context, d o2c.Date) (Run, error)
	// Runs lists runs by date, newest first, up to limit (0: all).
	Runs(ctx context.Context, limit int) ([]Run, error)
	// RecordLetters writes, atomically, the run of run.Date (created as
	// executing if missing, its Letters count raised by the entries
	// written), the history entries whose Key is new to the tenant, and
	// for each of those the outbox event named by its Event field, taken
	// from events (matched by ID). Entries whose key exists are skipped
	// with their events: that is what makes executing a run twice write
	// nothing the second time. It returns the keys written. A completed
	// run is o2c.ErrConflict; an entry without a matching event, an event
	// of another tenant or an invalid entry is a *o2c.ValidationError; in
	// every error case nothing is written.
	RecordLetters(ctx context.Context, run Run, entries []HistoryEntry, events []o2c.Event) ([]string, error)
	// CompleteRun marks the run of d completed at the given time. A missing
	// run is o2c.ErrNotFound; completing a completed run is a no-op.
	CompleteRun(ctx context.Context, d o2c.Date, at time.Time) error

	// History lists entries matching f, oldest first (run date, then
	// write order).
	History(ctx context.Context, f HistoryFilter) ([]HistoryEntry, error)
	// PendingLetters lists up to limit pending letters with their outbox
	// events, in write order, whether due or not.
	PendingLetters(ctx context.Context, limit int) ([]PendingLetter, error)
	// ClaimLetters leases up to limit pending letters that are due at now
	// (NextAttemptAt zero or not after now), in write order: it sets their
	// NextAttemptAt to now+lease and returns them, atomically, so that a
	// concurrent claim (another goroutine or process) never returns a
	// letter while its lease holds. Recording the attempt's outcome with
	// UpdateDelivery ends the lease. A limit or lease that is not positive
	// is a *o2c.ValidationError.
	ClaimLetters(ctx context.Context, limit int, now time.Time, lease time.Duration) ([]PendingLetter, error)
	// RecordReceipt records the receipt of the letter key with
	// [HistoryEntry.ApplyReceipt] and returns the entry. An unknown key is
	// o2c.ErrNotFound; errors of ApplyReceipt are returned as they are;
	// on any error nothing is written.
	RecordReceipt(ctx context.Context, key string, r Receipt) (HistoryEntry, error)
	// UpdateDelivery applies delivery outcomes atomically, with
	// [HistoryEntry.ApplyDelivery]: a delivered letter becomes delivered
	// (and its outbox event delivered); a failed attempt raises Attempts,
	// records the error and the next attempt time, and with GiveUp marks
	// it failed. Updating a letter that is no longer pending is a no-op;
	// an unknown key is o2c.ErrNotFound and nothing is updated.
	UpdateDelivery(ctx context.Context, updates ...DeliveryUpdate) error

	// SavePromise creates (Version 0) or updates (the stored Version, else
	// o2c.ErrConflict) a promise; p's Version is set to the stored one.
	SavePromise(ctx context.Context, p *Promise) error
	// DeletePromise removes a promise; unknown is o2c.ErrNotFound.
	DeletePromise(ctx context.Context, id o2c.ID[Promise]) error
	// Promises lists the promises of customer (zero: all), oldest first.
	Promises(ctx context.Context, customer o2c.CustomerID) ([]Promise, error)

	// SaveBlock creates or updates a block, like SavePromise.
	SaveBlock(ctx context.Context, b *Block) error
	// DeleteBlock lifts a block; unknown is o2c.ErrNotFound.
	DeleteBlock(ctx context.Context, id o2c.ID[Block]) error
	// Blocks lists the blocks of customer (zero: all), oldest first.
	Blocks(ctx context.Context, customer o2c.CustomerID) ([]Block, error)

	// SaveAssignment creates or replaces the assignment of (Kind, Key)
	// with optimistic concurrency like SavePromise.
	SaveAssignment(ctx context.Context, a *Assignment) error
	// DeleteAssignment removes it; unknown is o2c.ErrNotFound.
	DeleteAssignment(ctx context.Context, kind AssignmentKind, key string) error
	// Assignments lists every assignment, by kind then key.
	Assignments(ctx context.Context) ([]Assignment, error)
}

// CheckEntry validates a history entry before it is written; stores call it.
func CheckEntry(e HistoryEntry) error {
	switch {
	case e.Key == "" || len(e.Key) > 400:
		return invalid("entry.key", "must be 1-400 bytes", e.Key)
	case e.RunDate.IsZero():
		return invalid("entry.run_date", "is required", nil)
	case e.RunDate.Validate() != nil:
		return &o2c.ValidationError{Field: "entry.run_date", Rule: "must be between years 1 and 9999", Value: e.RunDate.String(), Err: o2c.ErrDateOutOfRange}
	case e.Customer.IsZero():
		return invalid("entry.customer", "is required", nil)
	case e.Currency.IsZero():
		return invalid("entry.currency", "is required", nil)
	case e.Event.IsZero():
		return invalid("entry.event", "is required", nil)
	case e.Level < 0:
		return invalid("entry.level", "must not be negative", e.Level)
	case e.Status != LetterPending && e.Status != LetterDelivered && e.Status != LetterFailed:
		return invalid("entry.status", "must be pending, delivered or failed", e.Status)
	}
	return nil
}
