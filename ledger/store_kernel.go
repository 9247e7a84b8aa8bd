package ledger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// storedEntry is an entry as the kernel keeps it.
type storedEntry struct {
	ID      string       `json:"id"` // key#seq
	Tenant  o2c.TenantID `json:"tenant"`
	Version int64        `json:"version"`
	Order   int64        `json:"order"` // position in the tenant's posting order, from 1
	Entry   Entry        `json:"entry"`
}

// posting records that a key was posted (the idempotency record).
type posting struct {
	ID      string       `json:"id"` // the key
	Tenant  o2c.TenantID `json:"tenant"`
	Version int64        `json:"version"`
	Entries int          `json:"entries"`
	At      time.Time    `json:"at"`
}

// counter is the last number drawn in a journal (or, for "#order", the
// last posting position).
type counter struct {
	ID      string       `json:"id"`
	Tenant  o2c.TenantID `json:"tenant"`
	Version int64        `json:"version"`
	Last    int64        `json:"last"`
}

// periodLock is a locked period.
type periodLock struct {
	ID      string       `json:"id"`
	Tenant  o2c.TenantID `json:"tenant"`
	Version int64        `json:"version"`
	Period  Period       `json:"period"`
}

var (
	entryDocs = kernel.Declare(kernel.Kind{
		Name:  "journal entry",
		Table: "o2c_ledger_entries",
		Columns: []kernel.Column{
			{Name: "source_key", Type: kernel.Text},
			{Name: "journal", Type: kernel.Text},
			{Name: "number", Type: kernel.Int},
			{Name: "entry_date", Type: kernel.Date},
			{Name: "posted_order", Type: kernel.Int},
		},
		Unique:  [][]string{{"journal", "number"}, {"posted_order"}},
		Indexes: [][]string{{"entry_date", "posted_order"}},
	}, kernel.Spec[storedEntry]{
		ID:      func(e *storedEntry) string { return e.ID },
		Version: func(e *storedEntry) *int64 { return &e.Version },
		Tenant:  func(e *storedEntry) o2c.TenantID { return e.Tenant },
		Index: func(e *storedEntry) []any {
			return []any{e.Entry.Key, e.Entry.Journal, e.Entry.Number, e.Entry.Date, e.Order}
		},
		Clone: func(e *storedEntry) *storedEntry {
			c := *e
			c.Entry.Lines = slices.Clone(e.Entry.Lines)
			return &c
		},
	})
	postingDocs = kernel.Declare(kernel.Kind{Name: "ledger posting", Table: "o2c_ledger_postings"}, kernel.Spec[posting]{
		ID:      func(p *posting) string { return p.ID },
		Version: func(p *posting) *int64 { return &p.Version },
		Tenant:  func(p *posting) o2c.TenantID { return p.Tenant },
		Clone:   func(p *posting) *posting { c := *p; return &c },
	})
	counterDocs = kernel.Declare(kernel.Kind{Name: "ledger counter", Table: "o2c_ledger_counters"}, kernel.Spec[counter]{
		ID:      func(c *counter) string { return c.ID },
		Version: func(c *counter) *int64 { return &c.Version },
		Tenant:  func(c *counter) o2c.TenantID { return c.Tenant },
		Clone:   func(c *counter) *counter { x := *c; return &x },
	})
	lockDocs = kernel.Declare(kernel.Kind{
		Name:    "ledger period lock",
		Table:   "o2c_ledger_locks",
		Columns: []kernel.Column{{Name: "period_from", Type: kernel.Date}},
	}, kernel.Spec[periodLock]{
		ID:      func(l *periodLock) string { return l.ID },
		Version: func(l *periodLock) *int64 { return &l.Version },
		Tenant:  func(l *periodLock) o2c.TenantID { return l.Tenant },
		Index:   func(l *periodLock) []any { return []any{l.Period.From} },
		Clone:   func(l *periodLock) *periodLock { c := *l; return &c },
	})
)

// KernelStore is the ledger's [Store] on the storage kernel: entries,
// posted keys, journal counters and period locks are kernel documents
// (tables o2c_ledger_entries, o2c_ledger_postings, o2c_ledger_counters,
// o2c_ledger_locks on SQL backends), so the same code runs on memory,
// SQLite and PostgreSQL.
//
// Post runs in one transaction (joining the caller's): it reads the
// posted key, then the locks, builds the entries, creates the key's
// posting record (a concurrent poster of the same key conflicts on it
// and backs off), and draws each number from its journal's counter under
// the counter's row lock, so numbers are gapless and follow the posting
// order. On PostgreSQL posters of one tenant queue on the counters.
type KernelStore struct {
	scope kernel.Scope
}

var _ Store = (*KernelStore)(nil)

// NewKernelStore returns the ledger store of scope's tenant.
func NewKernelStore(scope kernel.Scope) *KernelStore { return &KernelStore{scope: scope} }

const orderCounter = "#order"

// Post implements [Store.Post].
func (s *KernelStore) Post(ctx context.Context, key string, build func(locked []Period) ([]Entry, error)) (bool, error) {
	if key == "" {
		return false, o2c.NewValidationError("key", "is required")
	}
	posted := false
	err := s.scope.InTx(ctx, func(ctx context.Context) error {
		if _, ok, err := postingDocs.Find(ctx, s.scope, key); err != nil || ok {
			return err
		}
		locked, err := s.Locks(ctx)
		if err != nil {
			return err
		}
		entries, err := build(locked)
		if err != nil {
			return err
		}
		if err := postingDocs.Create(ctx, s.scope, &posting{ID: key, Tenant: s.scope.Tenant, Entries: len(entries), At: s.scope.Now().UTC()}); err != nil {
			if errors.Is(err, o2c.ErrConflict) {
				return nil // another poster holds the key
			}
			return err
		}
		journals := make([]string, 0, len(entries))
		for _, e := range entries {
			if !slices.Contains(journals, e.Journal) {
				journals = append(journals, e.Journal)
			}
		}
		slices.Sort(journals) // one lock order for every poster
		next := map[string]int64{}
		for _, j := range journals {
			n := int64(0)
			for _, e := range entries {
				if e.Journal == j {
					n++
				}
			}
			last, err := s.draw(ctx, "journal:"+j, n)
			if err != nil {
				return err
			}
			next[j] = last - n
		}
		order, err := s.draw(ctx, orderCounter, int64(len(entries)))
		if err != nil {
			return err
		}
		order -= int64(len(entries))
		for i := range entries {
			e := entries[i]
			if e.Key != key {
				return &o2c.ValidationError{Field: "entry.key", Rule: "must be the posted key", Value: e.Key}
			}
			next[e.Journal]++
			order++
			e.Number = next[e.Journal]
			doc := &storedEntry{ID: fmt.Sprintf("%s#%d", key, e.Seq), Tenant: s.scope.Tenant, Order: order, Entry: e}
			if err := entryDocs.Create(ctx, s.scope, doc); err != nil {
				return err
			}
		}
		posted = true
		return nil
	})
	if err != nil {
		return false, err
	}
	return posted, nil
}

// draw adds n to counter id under its row lock and returns the new last
// value.
func (s *KernelStore) draw(ctx context.Context, id string, n int64) (int64, error) {
	for attempt := 0; ; attempt++ {
		c, err := counterDocs.Update(ctx, s.scope, id, func(ctx context.Context, c *counter) ([]o2c.Event, error) {
			c.Last += n
			return nil, nil
		})
		if err == nil {
			return c.Last, nil
		}
		if !errors.Is(err, o2c.ErrNotFound) || attempt > 0 {
			return 0, err
		}
		err = counterDocs.Create(ctx, s.scope, &counter{ID: id, Tenant: s.scope.Tenant, Last: n})
		if err == nil {
			return n, nil
		}
		if !errors.Is(err, o2c.ErrConflict) {
			return 0, err
		}
		// created concurrently: update it
	}
}

// Posted implements [Store.Posted].
func (s *KernelStore) Posted(ctx context.Context, key string) (bool, error) {
	_, ok, err := postingDocs.Find(ctx, s.scope, key)
	return ok, err
}

// Entries implements [Store.Entries].
func (s *KernelStore) Entries(ctx context.Context, p Period) ([]Entry, error) {
	q := kernel.Query{Order: []kernel.Sort{kernel.Asc("posted_order")}}
	if !p.From.IsZero() {
		q.Where = append(q.Where, kernel.Ge("entry_date", p.From))
	}
	if !p.To.IsZero() {
		q.Where = append(q.Where, kernel.Le("entry_date", p.To))
	}
	var out []Entry
	err := entryDocs.Each(ctx, s.scope, q, 1000, func(e *storedEntry) error {
		out = append(out, e.Entry)
		return nil
	})
	return out, err
}

func lockID(p Period) string { return p.From.String() + ".." + p.To.String() }

// Lock implements [Store.Lock].
func (s *KernelStore) Lock(ctx context.Context, p Period) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return lockDocs.Put(ctx, s.scope, &periodLock{ID: lockID(p), Tenant: s.scope.Tenant, Period: p})
}

// Unlock implements [Store.Unlock].
func (s *KernelStore) Unlock(ctx context.Context, p Period) error {
	_, err := lockDocs.Delete(ctx, s.scope, lockID(p))
	return err
}

// Locks implements [Store.Locks].
func (s *KernelStore) Locks(ctx context.Context) ([]Period, error) {
	ls, err := lockDocs.List(ctx, s.scope, kernel.Query{Order: []kernel.Sort{kernel.Asc("period_from")}})
	if err != nil {
		return nil, err
	}
	out := make([]Period, len(ls))
	for i, l := range ls {
		out[i] = l.Period
	}
	return out, nil
}
