// Package kerneltest is the conformance suite every [kernel.Backend] runs.
// A backend's test is one call:
//
//	func TestKernel(t *testing.T) {
//		kerneltest.RunBackendTests(t, func(t *testing.T) kerneltest.Harness { ... })
//	}
//
// Each behaviour is one test function (testCreate, testSave, ...) run as a
// named subtest, as gocloud's docstore/drivertest does. The suite declares
// its own kind (table o2c_kerneltest_notes) and uses fresh tenants in every
// subtest, so it may run against a database that already holds data.
package kerneltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// Harness gives the suite a backend.
type Harness struct {
	Backend kernel.Backend
	// Events returns the tenant's pending outbox events in append order.
	Events func(ctx context.Context, tenant o2c.TenantID) ([]o2c.Event, error)
}

// Note is the suite's document.
type Note struct {
	ID       string
	Tenant   o2c.TenantID
	Version  int64
	Customer string
	Code     string // unique per tenant when set
	Due      o2c.Date
	Amount   int64
	Done     bool
	At       time.Time
	Tags     []string
	Meta     map[string]string
}

// Notes is the suite's collection.
var Notes = kernel.Declare(kernel.Kind{
	Name:  "note",
	Table: "o2c_kerneltest_notes",
	Columns: []kernel.Column{
		{Name: "customer", Type: kernel.Text},
		{Name: "code", Type: kernel.Text, Nullable: true},
		{Name: "due", Type: kernel.Date, Nullable: true},
		{Name: "amount", Type: kernel.Int},
		{Name: "done", Type: kernel.Bool},
		{Name: "at", Type: kernel.Time, Nullable: true},
	},
	Unique: [][]string{{"code"}},
	Sets:   []kernel.Set{{Name: "tag", Table: "o2c_kerneltest_note_tags", Column: "tag", Ref: "note_id"}},
}, kernel.Spec[Note]{
	ID:      func(n *Note) string { return n.ID },
	Version: func(n *Note) *int64 { return &n.Version },
	Tenant:  func(n *Note) o2c.TenantID { return n.Tenant },
	Index: func(n *Note) []any {
		return []any{n.Customer, n.Code, n.Due, n.Amount, n.Done, n.At}
	},
	Sets: func(n *Note) [][]string { return [][]string{n.Tags} },
	Clone: func(n *Note) *Note {
		c := *n
		c.Tags = slices.Clone(n.Tags)
		if n.Meta != nil {
			c.Meta = make(map[string]string, len(n.Meta))
			for k, v := range n.Meta {
				c.Meta[k] = v
			}
		}
		return &c
	},
})

// RunBackendTests runs the suite; newHarness is called once per subtest.
func RunBackendTests(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"CreateGet", testCreateGet},
		{"CreateConflicts", testCreateConflicts},
		{"TenantIsolation", testTenantIsolation},
		{"SaveVersions", testSaveVersions},
		{"Update", testUpdate},
		{"UpdateConcurrent", testUpdateConcurrent},
		{"PutDelete", testPutDelete},
		{"UniqueKeys", testUniqueKeys},
		{"Filters", testFilters},
		{"Sets", testSets},
		{"Order", testOrder},
		{"CursorPaging", testCursorPaging},
		{"BadQueries", testBadQueries},
		{"Transactions", testTransactions},
		{"Events", testEvents},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newHarness(t)) })
	}
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tenant returns a fresh tenant scope.
func tenant(h Harness) kernel.Scope {
	return kernel.Scope{Backend: h.Backend, Tenant: o2c.TenantID("kt-" + newID())}
}

func note(s kernel.Scope, customer string, amount int64) *Note {
	return &Note{ID: newID(), Tenant: s.Tenant, Customer: customer, Amount: amount}
}

func event(s kernel.Scope, id, typ string) o2c.Event {
	return o2c.Event{ID: o2c.NewEventID(), Tenant: s.Tenant, AggregateType: "note", AggregateID: id, Type: typ,
		OccurredAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func testCreateGet(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	n := note(s, "c1", 100)
	n.Due = o2c.MustDate(2026, 3, 31)
	n.At = time.Date(2026, 3, 1, 10, 0, 0, 5000, time.UTC)
	n.Tags = []string{"a", "b"}
	n.Meta = map[string]string{"k": "v"}
	require.NoError(t, Notes.Create(ctx, s, n))
	assert.Equal(t, int64(1), n.Version)

	got, err := Notes.Get(ctx, s, n.ID)
	require.NoError(t, err)
	assert.Equal(t, n.ID, got.ID)
	assert.Equal(t, int64(1), got.Version)
	assert.Equal(t, n.Due, got.Due)
	assert.True(t, n.At.Equal(got.At))
	assert.Equal(t, []string{"a", "b"}, got.Tags)
	assert.Equal(t, "v", got.Meta["k"])

	// copies in and out
	n.Tags[0] = "changed"
	got.Meta["k"] = "changed"
	again, err := Notes.Get(ctx, s, n.ID)
	require.NoError(t, err)
	assert.Equal(t, "a", again.Tags[0])
	assert.Equal(t, "v", again.Meta["k"])

	_, err = Notes.Get(ctx, s, "missing")
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	_, ok, err := Notes.Find(ctx, s, "missing")
	require.NoError(t, err)
	assert.False(t, ok)
}

func testCreateConflicts(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	n := note(s, "c1", 1)
	require.NoError(t, Notes.Create(ctx, s, n))
	dup := note(s, "c2", 2)
	dup.ID = n.ID
	err := Notes.Create(ctx, s, dup, event(s, dup.ID, "created"))
	assert.ErrorIs(t, err, o2c.ErrConflict)
	assert.Equal(t, int64(0), dup.Version, "a refused document keeps its version")
	got, err := Notes.Get(ctx, s, n.ID)
	require.NoError(t, err)
	assert.Equal(t, "c1", got.Customer)
	if h.Events != nil {
		evs, err := h.Events(ctx, s.Tenant)
		require.NoError(t, err)
		assert.Empty(t, evs, "a refused create appends no event")
	}

	err = Notes.Create(ctx, s, &Note{Tenant: s.Tenant})
	assert.ErrorIs(t, err, o2c.ErrValidation, "an id is required")
	err = Notes.Create(ctx, s, nil)
	assert.ErrorIs(t, err, o2c.ErrValidation)
}

func testTenantIsolation(t *testing.T, h Harness) {
	ctx := context.Background()
	a, b := tenant(h), tenant(h)
	n := note(a, "c1", 1)
	n.Code = "SAME"
	n.Tags = []string{"x"}
	require.NoError(t, Notes.Create(ctx, a, n))
	_, err := Notes.Get(ctx, b, n.ID)
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	list, err := Notes.List(ctx, b, kernel.Query{})
	require.NoError(t, err)
	assert.Empty(t, list)
	list, err = Notes.List(ctx, b, kernel.Query{Where: []kernel.Filter{kernel.Has("tag", "x")}})
	require.NoError(t, err)
	assert.Empty(t, list)

	// the same id and unique key in another tenant are free
	m := note(b, "c1", 1)
	m.ID, m.Code = n.ID, "SAME"
	require.NoError(t, Notes.Create(ctx, b, m))

	// a document of another tenant is refused
	err = Notes.Create(ctx, a, note(b, "c1", 1))
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = Notes.Update(ctx, b, n.ID, func(_ context.Context, v *Note) ([]o2c.Event, error) { v.Tenant = a.Tenant; return nil, nil })
	assert.ErrorIs(t, err, o2c.ErrValidation)
	ok, err := Notes.Delete(ctx, b, "nope")
	require.NoError(t, err)
	assert.False(t, ok)
	got, err := Notes.Get(ctx, a, n.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version)
}

func testSaveVersions(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	n := note(s, "c1", 1)
	require.NoError(t, Notes.Create(ctx, s, n))
	stale := *n
	n.Amount = 2
	require.NoError(t, Notes.Save(ctx, s, n))
	assert.Equal(t, int64(2), n.Version)

	stale.Amount = 3
	err := Notes.Save(ctx, s, &stale)
	assert.ErrorIs(t, err, o2c.ErrConflict)
	assert.Equal(t, int64(1), stale.Version, "a refused save keeps the version")

	got, err := Notes.Get(ctx, s, n.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Amount)
	assert.Equal(t, int64(2), got.Version)

	missing := note(s, "c1", 1)
	missing.Version = 1
	assert.ErrorIs(t, Notes.Save(ctx, s, missing), o2c.ErrNotFound)
}

func testUpdate(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	n := note(s, "c1", 1)
	require.NoError(t, Notes.Create(ctx, s, n))

	out, err := Notes.Update(ctx, s, n.ID, func(_ context.Context, v *Note) ([]o2c.Event, error) {
		v.Amount += 10
		return []o2c.Event{event(s, v.ID, "updated")}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, int64(11), out.Amount)
	assert.Equal(t, int64(2), out.Version)

	boom := errors.New("boom")
	_, err = Notes.Update(ctx, s, n.ID, func(_ context.Context, v *Note) ([]o2c.Event, error) {
		v.Amount = 99
		return nil, boom
	})
	assert.ErrorIs(t, err, boom)
	_, err = Notes.Update(ctx, s, n.ID, func(_ context.Context, v *Note) ([]o2c.Event, error) {
		v.ID = "other"
		return nil, nil
	})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = Notes.Update(ctx, s, "missing", func(_ context.Context, v *Note) ([]o2c.Event, error) { return nil, nil })
	assert.ErrorIs(t, err, o2c.ErrNotFound)

	got, err := Notes.Get(ctx, s, n.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(11), got.Amount)
	assert.Equal(t, int64(2), got.Version)
}

func testUpdateConcurrent(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	n := note(s, "c1", 0)
	require.NoError(t, Notes.Create(ctx, s, n))
	const workers, each = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				for {
					_, err := Notes.Update(ctx, s, n.ID, func(_ context.Context, v *Note) ([]o2c.Event, error) {
						v.Amount++
						return nil, nil
					})
					if errors.Is(err, o2c.ErrRetryable) {
						continue
					}
					errs <- err
					break
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, err := Notes.Get(ctx, s, n.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(workers*each), got.Amount, "no update is lost")
	assert.Equal(t, int64(workers*each+1), got.Version)
}

func testPutDelete(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	n := note(s, "c1", 1)
	require.NoError(t, Notes.Put(ctx, s, n))
	assert.Equal(t, int64(1), n.Version)
	other := *n
	other.Version = 0
	other.Amount = 5
	require.NoError(t, Notes.Put(ctx, s, &other), "put overwrites whatever version is stored")
	assert.Equal(t, int64(2), other.Version)
	got, err := Notes.Get(ctx, s, n.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(5), got.Amount)

	ok, err := Notes.Delete(ctx, s, n.ID)
	require.NoError(t, err)
	assert.True(t, ok)
	_, err = Notes.Get(ctx, s, n.ID)
	assert.ErrorIs(t, err, o2c.ErrNotFound)
	ok, err = Notes.Delete(ctx, s, n.ID)
	require.NoError(t, err)
	assert.False(t, ok)
	// the id is free again
	require.NoError(t, Notes.Create(ctx, s, note(s, "c1", 1)))
}

func testUniqueKeys(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	a, b := note(s, "c1", 1), note(s, "c1", 2)
	a.Code = "K1"
	require.NoError(t, Notes.Create(ctx, s, a))
	require.NoError(t, Notes.Create(ctx, s, b), "an empty (NULL) key never clashes")
	require.NoError(t, Notes.Create(ctx, s, note(s, "c1", 3)))

	c := note(s, "c2", 3)
	c.Code = "K1"
	err := Notes.Create(ctx, s, c)
	assert.ErrorIs(t, err, o2c.ErrConflict)
	assert.Contains(t, err.Error(), "code")

	_, err = Notes.Update(ctx, s, b.ID, func(_ context.Context, v *Note) ([]o2c.Event, error) { v.Code = "K1"; return nil, nil })
	assert.ErrorIs(t, err, o2c.ErrConflict, "an update may not take another's key")

	// a freed key can be taken
	_, err = Notes.Update(ctx, s, a.ID, func(_ context.Context, v *Note) ([]o2c.Event, error) { v.Code = "K2"; return nil, nil })
	require.NoError(t, err)
	_, err = Notes.Update(ctx, s, b.ID, func(_ context.Context, v *Note) ([]o2c.Event, error) { v.Code = "K1"; return nil, nil })
	require.NoError(t, err)
	ok, err := Notes.Delete(ctx, s, a.ID)
	require.NoError(t, err)
	require.True(t, ok)
	c.Code = "K2"
	require.NoError(t, Notes.Create(ctx, s, c))
	found, err := Notes.First(ctx, s, kernel.Query{Where: []kernel.Filter{kernel.Eq("code", "K2")}}, "note code", "K2")
	require.NoError(t, err)
	assert.Equal(t, c.ID, found.ID)
	_, err = Notes.First(ctx, s, kernel.Query{Where: []kernel.Filter{kernel.Eq("code", "K9")}}, "note code", "K9")
	assert.ErrorIs(t, err, o2c.ErrNotFound)
}

type customerName string

func ids(ns []*Note) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func seed(t *testing.T, s kernel.Scope, n int) []*Note {
	ctx := context.Background()
	var out []*Note
	for i := range n {
		v := note(s, fmt.Sprintf("c%d", i%3), int64(i))
		v.Done = i%2 == 0
		if i%4 != 0 {
			v.Due = o2c.MustDate(2026, 1, 1).AddDays(i)
			v.At = time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)
		}
		v.Tags = []string{fmt.Sprintf("t%d", i%2), "all"}
		require.NoError(t, Notes.Create(ctx, s, v))
		out = append(out, v)
	}
	return out
}

func want(all []*Note, keep func(*Note) bool) []string {
	var out []string
	for _, n := range all {
		if keep(n) {
			out = append(out, n.ID)
		}
	}
	return out
}

// sortedIDs orders notes by amount (the seed's creation order).
func byAmount(ns []*Note) []*Note {
	out := slices.Clone(ns)
	slices.SortFunc(out, func(a, b *Note) int { return int(a.Amount - b.Amount) })
	return out
}

func testFilters(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	all := seed(t, s, 12)
	amountOrder := []kernel.Sort{kernel.Asc("amount")}
	cases := []struct {
		name  string
		where []kernel.Filter
		keep  func(*Note) bool
	}{
		{"eq text", []kernel.Filter{kernel.Eq("customer", "c1")}, func(n *Note) bool { return n.Customer == "c1" }},
		{"eq typed string", []kernel.Filter{kernel.Eq("customer", customerName("c2"))}, func(n *Note) bool { return n.Customer == "c2" }},
		{"ne", []kernel.Filter{kernel.Ne("customer", "c1")}, func(n *Note) bool { return n.Customer != "c1" }},
		{"int range", []kernel.Filter{kernel.Ge("amount", 3), kernel.Lt("amount", int64(7))}, func(n *Note) bool { return n.Amount >= 3 && n.Amount < 7 }},
		{"bool", []kernel.Filter{kernel.Eq("done", true)}, func(n *Note) bool { return n.Done }},
		{"date", []kernel.Filter{kernel.Le("due", o2c.MustDate(2026, 1, 6))}, func(n *Note) bool {
			return !n.Due.IsZero() && !n.Due.After(o2c.MustDate(2026, 1, 6))
		}},
		{"time", []kernel.Filter{kernel.Gt("at", time.Date(2026, 1, 1, 0, 0, 5, 0, time.UTC))}, func(n *Note) bool {
			return !n.At.IsZero() && n.At.After(time.Date(2026, 1, 1, 0, 0, 5, 0, time.UTC))
		}},
		{"null", []kernel.Filter{kernel.IsNull("due")}, func(n *Note) bool { return n.Due.IsZero() }},
		{"not null", []kernel.Filter{kernel.NotNull("due")}, func(n *Note) bool { return !n.Due.IsZero() }},
		{"in", []kernel.Filter{kernel.In("customer", []string{"c0", "c2"})}, func(n *Note) bool { return n.Customer != "c1" }},
		{"in empty", []kernel.Filter{kernel.In("customer", []string{})}, func(n *Note) bool { return false }},
		{"id", []kernel.Filter{kernel.Eq("id", all[3].ID)}, func(n *Note) bool { return n.ID == all[3].ID }},
		{"combined", []kernel.Filter{kernel.Eq("customer", "c0"), kernel.Eq("done", true)}, func(n *Note) bool { return n.Customer == "c0" && n.Done }},
	}
	for _, tc := range cases {
		got, err := Notes.List(ctx, s, kernel.Query{Where: tc.where, Order: amountOrder})
		require.NoError(t, err, tc.name)
		assert.Equal(t, want(all, tc.keep), nilIfEmpty(ids(got)), tc.name)
	}
	// limit and offset
	got, err := Notes.List(ctx, s, kernel.Query{Where: []kernel.Filter{kernel.Eq("done", false)}, Order: amountOrder, Limit: 2, Offset: 1})
	require.NoError(t, err)
	odd := want(all, func(n *Note) bool { return !n.Done })
	assert.Equal(t, odd[1:3], ids(got))
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func testSets(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	all := seed(t, s, 6)
	got, err := Notes.List(ctx, s, kernel.Query{Where: []kernel.Filter{kernel.Has("tag", "t1")}, Order: []kernel.Sort{kernel.Asc("amount")}})
	require.NoError(t, err)
	assert.Equal(t, want(all, func(n *Note) bool { return n.Amount%2 == 1 }), ids(got))

	_, err = Notes.Update(ctx, s, all[1].ID, func(_ context.Context, v *Note) ([]o2c.Event, error) { v.Tags = []string{"t0", "t0"}; return nil, nil })
	require.NoError(t, err)
	got, err = Notes.List(ctx, s, kernel.Query{Where: []kernel.Filter{kernel.Has("tag", "t1")}, Order: []kernel.Sort{kernel.Asc("amount")}})
	require.NoError(t, err)
	assert.Equal(t, []string{all[3].ID, all[5].ID}, ids(got), "an update rewrites the set")
	got, err = Notes.List(ctx, s, kernel.Query{Where: []kernel.Filter{kernel.Has("tag", "all"), kernel.Eq("customer", "c1")}})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{all[4].ID}, ids(got))
	ok, err := Notes.Delete(ctx, s, all[3].ID)
	require.NoError(t, err)
	require.True(t, ok)
	got, err = Notes.List(ctx, s, kernel.Query{Where: []kernel.Filter{kernel.Has("tag", "t1")}})
	require.NoError(t, err)
	assert.Equal(t, []string{all[5].ID}, ids(got))
}

func testOrder(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	all := seed(t, s, 9)
	got, err := Notes.List(ctx, s, kernel.Query{Order: []kernel.Sort{kernel.Desc("amount")}})
	require.NoError(t, err)
	rev := ids(byAmount(all))
	slices.Reverse(rev)
	assert.Equal(t, rev, ids(got))

	// NULLs first ascending, last descending
	got, err = Notes.List(ctx, s, kernel.Query{Order: []kernel.Sort{kernel.Asc("due")}})
	require.NoError(t, err)
	for i, n := range got {
		if i < 3 {
			assert.True(t, n.Due.IsZero(), "nulls first")
		} else {
			assert.False(t, n.Due.IsZero())
			if i > 3 {
				assert.True(t, got[i-1].Due.Before(n.Due))
			}
		}
	}
	got, err = Notes.List(ctx, s, kernel.Query{Order: []kernel.Sort{kernel.Desc("due")}})
	require.NoError(t, err)
	assert.True(t, got[len(got)-1].Due.IsZero(), "nulls last descending")
	assert.False(t, got[0].Due.IsZero())

	// ties break by id
	got, err = Notes.List(ctx, s, kernel.Query{Order: []kernel.Sort{kernel.Asc("customer")}})
	require.NoError(t, err)
	for i := 1; i < len(got); i++ {
		if got[i-1].Customer == got[i].Customer {
			assert.Less(t, got[i-1].ID, got[i].ID)
		} else {
			assert.Less(t, got[i-1].Customer, got[i].Customer)
		}
	}

	// default: creation order
	got, err = Notes.List(ctx, s, kernel.Query{})
	require.NoError(t, err)
	assert.Len(t, got, len(all))
}

func testCursorPaging(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	all := seed(t, s, 23)
	for _, order := range [][]kernel.Sort{nil, {kernel.Asc("amount")}, {kernel.Desc("customer")}, {kernel.Asc("done"), kernel.Desc("amount")}} {
		full, err := Notes.List(ctx, s, kernel.Query{Order: order})
		require.NoError(t, err)
		require.Len(t, full, len(all))
		var walked []string
		q := kernel.Query{Order: order, Limit: 5}
		pages := 0
		for {
			page, next, err := Notes.Page(ctx, s, q)
			require.NoError(t, err)
			walked = append(walked, ids(page)...)
			pages++
			if next == "" {
				break
			}
			q.After = next
			require.Less(t, pages, 10)
		}
		assert.Equal(t, ids(full), walked, "order %v", order)
	}
	// a cursor with a filter; a write between pages does not repeat rows
	q := kernel.Query{Where: []kernel.Filter{kernel.Eq("customer", "c1")}, Order: []kernel.Sort{kernel.Asc("amount")}, Limit: 3}
	page, next, err := Notes.Page(ctx, s, q)
	require.NoError(t, err)
	require.NotEmpty(t, next)
	require.NoError(t, Notes.Create(ctx, s, note(s, "c1", -1)))
	q.After = next
	rest, _, err := Notes.Page(ctx, s, q)
	require.NoError(t, err)
	assert.Equal(t, want(all, func(n *Note) bool { return n.Customer == "c1" })[3:6], ids(rest))
	assert.NotContains(t, ids(rest), ids(page)[0])
	// Each walks everything
	var n int
	require.NoError(t, Notes.Each(ctx, s, kernel.Query{Order: []kernel.Sort{kernel.Asc("amount")}}, 4, func(*Note) error { n++; return nil }))
	assert.Equal(t, len(all)+1, n)
}

func testBadQueries(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	seed(t, s, 3)
	bad := []kernel.Query{
		{Where: []kernel.Filter{kernel.Eq("nope", 1)}},
		{Where: []kernel.Filter{kernel.Eq("amount", "x")}},
		{Where: []kernel.Filter{kernel.Eq("customer", nil)}},
		{Where: []kernel.Filter{kernel.Has("nope", "x")}},
		{Where: []kernel.Filter{{Column: "amount", Op: "like", Value: 1}}},
		{Order: []kernel.Sort{kernel.Asc("nope")}},
		{Limit: -1},
		{Offset: 2},
		{Limit: kernel.MaxLimit + 1},
		{Limit: 1, After: "not a cursor"},
	}
	for _, q := range bad {
		_, err := Notes.List(ctx, s, q)
		assert.ErrorIs(t, err, o2c.ErrValidation, "%+v", q)
	}
	_, next, err := Notes.Page(ctx, s, kernel.Query{Order: []kernel.Sort{kernel.Asc("amount")}, Limit: 1})
	require.NoError(t, err)
	_, err = Notes.List(ctx, s, kernel.Query{Order: []kernel.Sort{kernel.Desc("amount")}, Limit: 1, After: next})
	assert.ErrorIs(t, err, o2c.ErrValidation, "a cursor of another order")
	_, next, err = Notes.Page(ctx, s, kernel.Query{Order: []kernel.Sort{kernel.Asc("due")}, Limit: 1})
	require.NoError(t, err)
	_, err = Notes.List(ctx, s, kernel.Query{Order: []kernel.Sort{kernel.Asc("due")}, Limit: 1, After: next})
	assert.ErrorIs(t, err, o2c.ErrValidation, "a cursor over a nullable column")
}

func testTransactions(t *testing.T, h Harness) {
	ctx := context.Background()
	s := tenant(h)
	a, b := note(s, "c1", 1), note(s, "c1", 2)
	boom := errors.New("boom")
	err := s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, Notes.Create(ctx, s, a))
		return s.InTx(ctx, func(ctx context.Context) error { // nested joins
			require.NoError(t, Notes.Create(ctx, s, b))
			got, err := Notes.List(ctx, s, kernel.Query{})
			require.NoError(t, err)
			assert.Len(t, got, 2, "a transaction reads its own writes")
			return boom
		})
	})
	assert.ErrorIs(t, err, boom)
	got, err := Notes.List(ctx, s, kernel.Query{})
	require.NoError(t, err)
	assert.Empty(t, got, "a failed transaction leaves nothing")

	// a failing step inside a transaction undoes only itself
	a.Version, b.Version = 0, 0
	err = s.InTx(ctx, func(ctx context.Context) error {
		require.NoError(t, Notes.Create(ctx, s, a))
		_, err := Notes.Update(ctx, s, a.ID, func(_ context.Context, v *Note) ([]o2c.Event, error) {
			v.Amount = 50
			return []o2c.Event{event(s, v.ID, "bad")}, errors.New("refused")
		})
		require.Error(t, err)
		dup := *a
		dup.Version = 0
		assert.ErrorIs(t, Notes.Create(ctx, s, &dup), o2c.ErrConflict)
		return Notes.Create(ctx, s, b)
	})
	require.NoError(t, err)
	got, err = Notes.List(ctx, s, kernel.Query{Order: []kernel.Sort{kernel.Asc("amount")}})
	require.NoError(t, err)
	assert.Equal(t, []string{a.ID, b.ID}, ids(got))
	assert.Equal(t, int64(1), got[0].Amount)

	// a panic rolls back
	c := note(s, "c9", 9)
	assert.Panics(t, func() {
		_ = s.InTx(ctx, func(ctx context.Context) error {
			_ = Notes.Create(ctx, s, c)
			panic("boom")
		})
	})
	_, err = Notes.Get(ctx, s, c.ID)
	assert.ErrorIs(t, err, o2c.ErrNotFound)
}

func testEvents(t *testing.T, h Harness) {
	if h.Events == nil {
		t.Skip("the harness reads no events")
	}
	ctx := context.Background()
	s := tenant(h)
	n := note(s, "c1", 1)
	require.NoError(t, Notes.Create(ctx, s, n, event(s, n.ID, "created")))
	_, err := Notes.Update(ctx, s, n.ID, func(_ context.Context, v *Note) ([]o2c.Event, error) {
		return []o2c.Event{event(s, v.ID, "updated")}, nil
	})
	require.NoError(t, err)
	_, err = Notes.Update(ctx, s, n.ID, func(_ context.Context, v *Note) ([]o2c.Event, error) {
		return []o2c.Event{event(s, v.ID, "refused")}, errors.New("no")
	})
	require.Error(t, err)
	stale := *n
	assert.ErrorIs(t, Notes.Save(ctx, s, &stale, event(s, n.ID, "stale")), o2c.ErrConflict)
	other := tenant(h)
	assert.ErrorIs(t, Notes.Save(ctx, s, n, event(other, n.ID, "foreign")), o2c.ErrValidation)
	ev := event(s, n.ID, "twice")
	assert.ErrorIs(t, s.Append(ctx, ev, ev), o2c.ErrConflict)
	require.NoError(t, s.Append(ctx, event(s, n.ID, "appended")))
	_, err = Notes.Delete(ctx, s, n.ID, event(s, n.ID, "deleted"))
	require.NoError(t, err)

	evs, err := h.Events(ctx, s.Tenant)
	require.NoError(t, err)
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	assert.Equal(t, []string{"created", "updated", "appended", "deleted"}, types, "events are written with the change, and only with it")
}
