package stores

import (
	"context"
	"errors"
	"time"

	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// Lease is a named, time-limited claim on a piece of work (a partition of
// a dunning run, say), held by one worker at a time.
type Lease struct {
	Tenant  o2c.TenantID `json:"tenant"`
	Name    string       `json:"name"`
	Holder  string       `json:"holder"`
	Until   time.Time    `json:"until"`
	Done    bool         `json:"done"`
	Version int64        `json:"version"`
}

var leases = kernel.Declare(kernel.Kind{
	Name:  "lease",
	Table: "o2c_leases",
	Columns: []kernel.Column{
		{Name: "holder", Type: kernel.Text},
		{Name: "lease_until", Type: kernel.Time},
		{Name: "done", Type: kernel.Bool},
	},
}, kernel.Spec[Lease]{
	ID:      func(l *Lease) string { return l.Name },
	Version: func(l *Lease) *int64 { return &l.Version },
	Tenant:  func(l *Lease) o2c.TenantID { return l.Tenant },
	Index:   func(l *Lease) []any { return []any{l.Holder, l.Until, l.Done} },
	Clone:   func(l *Lease) *Lease { c := *l; return &c },
})

// LeaseStore hands out leases of one tenant. Workers in several processes
// sharing one database see the same leases: taking one locks its row
// (PostgreSQL: FOR UPDATE) or runs under the database's single writer
// (SQLite, memory).
type LeaseStore struct{ scope kernel.Scope }

// Leases returns the lease store of scope's tenant.
func Leases(scope kernel.Scope) *LeaseStore { return &LeaseStore{scope: scope} }

// Acquire takes the lease name for holder until now+ttl and reports true,
// when nobody holds it, its holder's lease ended (at or before now), or
// holder already holds it (a renewal). It reports false while another
// holder's lease runs, and for a lease marked done. An empty name or
// holder or a ttl that is not positive is a *o2c.ValidationError.
func (s *LeaseStore) Acquire(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	switch {
	case name == "":
		return false, o2c.NewValidationError("lease.name", "is required")
	case holder == "":
		return false, o2c.NewValidationError("lease.holder", "is required")
	case ttl <= 0:
		return false, o2c.NewValidationError("lease.ttl", "must be positive")
	}
	until := now.Add(ttl).UTC()
	errHeld := errors.New("held")
	_, err := leases.Update(ctx, s.scope, name, func(_ context.Context, l *Lease) ([]o2c.Event, error) {
		if l.Done || (l.Holder != holder && l.Until.After(now)) {
			return nil, errHeld
		}
		l.Holder, l.Until = holder, until
		return nil, nil
	})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errHeld):
		return false, nil
	case !errors.Is(err, o2c.ErrNotFound):
		return false, err
	}
	err = leases.Create(ctx, s.scope, &Lease{Tenant: s.scope.Tenant, Name: name, Holder: holder, Until: until})
	if errors.Is(err, o2c.ErrConflict) { // another worker created it first
		return false, nil
	}
	return err == nil, err
}

// Finish marks the lease name done for holder: its work is finished and
// nobody acquires it again. Finishing a lease another holder has taken
// over (after holder's ran out) is o2c.ErrConflict: that holder's work
// counts, not this one's. Finishing twice is a no-op.
func (s *LeaseStore) Finish(ctx context.Context, name, holder string) error {
	_, err := leases.Update(ctx, s.scope, name, func(_ context.Context, l *Lease) ([]o2c.Event, error) {
		if l.Holder != holder {
			return nil, o2c.Conflict("lease", name, "is held by "+l.Holder)
		}
		l.Done = true
		return nil, nil
	})
	return err
}

// Get returns the lease name, or o2c.ErrNotFound.
func (s *LeaseStore) Get(ctx context.Context, name string) (*Lease, error) {
	return leases.Get(ctx, s.scope, name)
}

// Finished reports whether the lease name was marked done (false for a
// lease nobody took yet).
func (s *LeaseStore) Finished(ctx context.Context, name string) (bool, error) {
	l, err := leases.Get(ctx, s.scope, name)
	if errors.Is(err, o2c.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return l.Done, nil
}
