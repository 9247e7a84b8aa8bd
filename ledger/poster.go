package ledger

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// Period is a range of accounting dates, both ends included.
type Period struct {
	From o2c.Date `json:"from"`
	To   o2c.Date `json:"to"`
}

// Contains reports whether d is in the period.
func (p Period) Contains(d o2c.Date) bool { return !d.Before(p.From) && !d.After(p.To) }

// Validate checks that both ends are set and From is not after To.
func (p Period) Validate() error {
	if p.From.IsZero() || p.To.IsZero() || p.From.After(p.To) {
		return &o2c.ValidationError{Field: "period", Rule: "needs from and to, from not after to", Value: p.From.String() + ".." + p.To.String()}
	}
	return nil
}

// Month returns the calendar month of d as a period.
func Month(d o2c.Date) Period { return Period{From: d.StartOfMonth(), To: d.EndOfMonth()} }

// ErrPeriodLocked is wrapped by a *[PeriodLockedError].
var ErrPeriodLocked = errors.New("ledger: period locked")

// PeriodLockedError: an entry dated in a locked period, refused under
// [RefuseLocked].
type PeriodLockedError struct {
	Key    string
	Date   o2c.Date
	Period Period
}

// Error names the entry, its date and the locked period.
func (e *PeriodLockedError) Error() string {
	return fmt.Sprintf("ledger: entry %s dated %s falls in the locked period %s..%s", e.Key, e.Date, e.Period.From, e.Period.To)
}

// Unwrap returns [ErrPeriodLocked].
func (e *PeriodLockedError) Unwrap() error { return ErrPeriodLocked }

// OpenDate returns the first date on or after d that no locked period
// contains: d itself when it is open, else the day after the locked
// period holding it (and after any locked period that day falls in).
func OpenDate(d o2c.Date, locked []Period) o2c.Date {
	for moved := true; moved; {
		moved = false
		for _, p := range locked {
			if p.Contains(d) {
				d, moved = p.To.AddDays(1), true
			}
		}
	}
	return d
}

// LockPolicy says what happens to an entry dated in a locked period.
type LockPolicy uint8

const (
	// MoveToNextOpen (the default) dates the entry on the first open day
	// after the locked period ([OpenDate]); the entry keeps the date it
	// asked for in OriginalDate and its document's date in PieceDate. The
	// event is posted, so the books keep matching the receivables: a
	// payment recorded late for a closed month lands on the first day of
	// the next open one, as accountants book late documents.
	MoveToNextOpen LockPolicy = iota
	// RefuseLocked refuses the event with a *[PeriodLockedError]; the
	// outbox redelivers it, and it posts once the period is unlocked or the
	// host decides. Until then the books lag the receivables.
	RefuseLocked
)

// Store keeps a tenant's ledger: entries, period locks and the keys
// already posted. Implementations: [NewKernelStore] on the storage kernel
// (memory, SQLite, PostgreSQL). Every method sees one tenant only.
type Store interface {
	// Post runs build with the locked periods and stores the entries it
	// returns under key, atomically: the key is recorded, each entry gets
	// the next number of its journal (from 1, without gaps) and its
	// position in the posting order, all in one transaction, joined with
	// the transaction ctx carries. When key was already posted it returns
	// false without calling build or writing anything; two posters racing
	// on one key write it once (the loser gets false). build's error
	// aborts the post and is returned.
	Post(ctx context.Context, key string, build func(locked []Period) ([]Entry, error)) (bool, error)
	// Posted reports whether key was posted.
	Posted(ctx context.Context, key string) (bool, error)
	// Entries returns the entries dated within p (zero ends: open), in
	// posting order.
	Entries(ctx context.Context, p Period) ([]Entry, error)
	// Lock locks a period: later posts dated in it follow the poster's
	// [LockPolicy]. Locking an already locked period is a no-op. A bad
	// period is a *o2c.ValidationError.
	Lock(ctx context.Context, p Period) error
	// Unlock removes a lock (no-op when p is not locked).
	Unlock(ctx context.Context, p Period) error
	// Locks lists the locked periods by start date.
	Locks(ctx context.Context) ([]Period, error)
}

// PosterOptions configure a [Poster]. The zero value works.
type PosterOptions struct {
	// Clock gives the validation date of entries (FEC ValidDate; default
	// the system clock).
	Clock o2c.Clock
	// Locked: what happens to entries dated in locked periods.
	Locked LockPolicy
}

// Poster posts events to a ledger exactly once.
//
// Design (issue 16): the events are already written to the outbox in the
// same transaction as the state change they announce; the poster consumes
// them (as an [outbox.Handler] under an [outbox.Dispatcher], or by calling
// [Poster.Post] on each event) and stores their entries under the event's
// key ([KeyOf]) in one transaction with the key itself. The outbox
// delivers at least once; the unique key makes the entries exactly once:
// a crash before the ledger transaction commits leaves the event pending
// and it is posted on redelivery; a crash after it commits but before the
// outbox marks the event delivered redelivers an event whose key is
// already posted, which writes nothing. Since the entries are a pure
// function of the event, posting never depends on the order or the time
// of delivery (entry numbers and validation dates do, as they should).
type Poster struct {
	book  *Book
	store Store
	clock o2c.Clock
	pol   LockPolicy
}

// NewPoster returns a poster of book's rules to store.
func NewPoster(book *Book, store Store, opts PosterOptions) (*Poster, error) {
	if book == nil || store == nil {
		return nil, o2c.NewValidationError("poster", "needs a book and a store")
	}
	if opts.Locked > RefuseLocked {
		return nil, &o2c.ValidationError{Field: "locked", Rule: "must be MoveToNextOpen or RefuseLocked", Value: fmt.Sprint(opts.Locked)}
	}
	return &Poster{book: book, store: store, clock: o2c.ClockOrSystem(opts.Clock), pol: opts.Locked}, nil
}

// Book returns the poster's rules.
func (p *Poster) Book() *Book { return p.book }

// Post posts e: it derives its entries ([Book.Entries]), applies the
// period locks and stores them under [KeyOf](e). It returns the entries
// stored now, or none when e posts nothing or was posted before. Errors:
// those of Book.Entries (a bad payload, missing rates), a
// *[PeriodLockedError] under RefuseLocked, the store's.
func (p *Poster) Post(ctx context.Context, e o2c.Event) ([]Entry, error) {
	if !Posts(e.Type) {
		return nil, nil
	}
	entries, err := p.book.Entries(e)
	if err != nil || len(entries) == 0 {
		return nil, err
	}
	valid := o2c.DateOf(p.clock.Now())
	var out []Entry
	_, err = p.store.Post(ctx, KeyOf(e), func(locked []Period) ([]Entry, error) {
		out = slices.Clone(entries)
		for i := range out {
			e := &out[i]
			e.Seq, e.ValidDate = i, valid
			if d := OpenDate(e.Date, locked); d != e.Date {
				if p.pol == RefuseLocked {
					for _, per := range locked {
						if per.Contains(e.Date) {
							return nil, &PeriodLockedError{Key: e.Key, Date: e.Date, Period: per}
						}
					}
				}
				e.OriginalDate, e.Date = e.Date, d
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PostAll posts events in order, stopping at the first error.
func (p *Poster) PostAll(ctx context.Context, events []o2c.Event) error {
	for _, e := range events {
		if _, err := p.Post(ctx, e); err != nil {
			return fmt.Errorf("ledger: post %s %s: %w", e.Type, e.ID, err)
		}
	}
	return nil
}

// Handle is an [outbox.Handler]: it posts the record's event. A payload
// the rules cannot read is an [outbox.PermanentError] (redelivery cannot
// help); other errors are retried.
func (p *Poster) Handle(ctx context.Context, r outbox.Record) error {
	_, err := p.Post(ctx, r.Event)
	var ve *o2c.ValidationError
	if errors.As(err, &ve) && ve.Field == "event.payload" {
		return outbox.Permanent(err)
	}
	return err
}
