package o2c_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
)

type idInvoice struct{}

type idInvoiceID = o2c.ID[idInvoice]

func TestNewIDIsVersion7(t *testing.T) {
	before := time.Now().Truncate(time.Millisecond)
	id := o2c.NewID[idInvoice]()
	after := time.Now()

	require.False(t, id.IsZero())
	u := id.UUID()
	assert.Equal(t, uuid.Version(7), u.Version())
	assert.Equal(t, uuid.RFC4122, u.Variant())

	// The first 48 bits are the creation time in Unix milliseconds.
	sec, nsec := u.Time().UnixTime()
	created := time.Unix(sec, nsec)
	// (The generator may run a little ahead of the clock when IDs are drawn
	// faster than its sub-millisecond counter ticks, hence the slack.)
	assert.WithinRange(t, created, before, after.Add(50*time.Millisecond))

	assert.Equal(t, uuid.Version(7), o2c.NewCustomerID().UUID().Version())
	assert.Equal(t, uuid.Version(7), o2c.NewEventID().UUID().Version())
}

func TestNewIDIncreasesInCreationOrder(t *testing.T) {
	const n = 5000
	prev := o2c.NewID[idInvoice]()
	seen := map[idInvoiceID]bool{prev: true}
	for i := 0; i < n; i++ {
		if i%1000 == 0 {
			time.Sleep(2 * time.Millisecond) // cross millisecond boundaries too
		}
		id := o2c.NewID[idInvoice]()
		require.False(t, seen[id], "duplicate %s", id)
		seen[id] = true
		// Both the text form and the bytes sort in creation order, which
		// is what keeps database indexes compact.
		require.Less(t, prev.String(), id.String())
		a, b := prev.UUID(), id.UUID()
		require.Negative(t, bytes.Compare(a[:], b[:]))
		prev = id
	}
}

func TestNewIDConcurrentUnique(t *testing.T) {
	const workers, each = 4, 500
	var mu sync.Mutex
	seen := make(map[idInvoiceID]bool, workers*each)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids := make([]idInvoiceID, each)
			for i := range ids {
				ids[i] = o2c.NewID[idInvoice]()
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range ids {
				seen[id] = true
			}
		}()
	}
	wg.Wait()
	assert.Len(t, seen, workers*each)
}

func TestParseID(t *testing.T) {
	const canonical = "0190a6e0-5b6c-7d3e-8f00-0123456789ab"
	for _, s := range []string{
		canonical,
		strings.ToUpper(canonical),
		"{" + canonical + "}",
		"urn:uuid:" + canonical,
		strings.ReplaceAll(canonical, "-", ""),
	} {
		id, err := o2c.ParseID[idInvoice](s)
		require.NoError(t, err, s)
		assert.Equal(t, canonical, id.String(), "ParseID(%q) normalises", s)
	}

	for _, s := range []string{"", "not-a-uuid", canonical[:35], canonical + "0", "0190a6e0-5b6c-7d3e-8f00-0123456789ag", strings.Repeat("a", 500)} {
		id, err := o2c.ParseID[idInvoice](s)
		requireValidation(t, err, "id", nil)
		assert.True(t, id.IsZero())
		assert.Less(t, len(err.Error()), 200, "long input is truncated in the message")
	}

	id := o2c.MustParseID[idInvoice](canonical)
	assert.Equal(t, canonical, id.String())
	assert.Panics(t, func() { o2c.MustParseID[idInvoice]("nope") })

	c, err := o2c.ParseCustomerID(canonical)
	require.NoError(t, err)
	assert.Equal(t, canonical, c.String())
	_, err = o2c.ParseEventID("nope")
	requireValidation(t, err, "id", nil)
}

func TestIDIsTypedByKind(t *testing.T) {
	u := uuid.MustParse("0190a6e0-5b6c-7d3e-8f00-0123456789ab")
	inv := o2c.IDFromUUID[idInvoice](u)
	cust := o2c.IDFromUUID[struct{ customer bool }](u)
	assert.Equal(t, u, inv.UUID())
	assert.Equal(t, inv.String(), cust.String())
	assert.NotEqual(t, reflect.TypeOf(inv), reflect.TypeOf(cust), "the same UUID under two kinds is two types")
	assert.NotEqual(t, reflect.TypeOf(o2c.CustomerID{}), reflect.TypeOf(o2c.EventID{}))
}

func TestZeroID(t *testing.T) {
	var zero idInvoiceID
	assert.True(t, zero.IsZero())
	assert.Equal(t, "00000000-0000-0000-0000-000000000000", zero.String())

	// The zero ID round-trips through text and JSON.
	b, err := json.Marshal(zero)
	require.NoError(t, err)
	var back idInvoiceID
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.IsZero())

	// A NULL reference column scans to the zero ID.
	id := o2c.NewID[idInvoice]()
	require.NoError(t, id.Scan(nil))
	assert.True(t, id.IsZero())
}

func TestIDJSONInStruct(t *testing.T) {
	type doc struct {
		ID idInvoiceID `json:"id"`
	}
	in := doc{ID: o2c.NewID[idInvoice]()}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"`+in.ID.String()+`"}`, string(b))
	var out doc
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in, out)

	err = json.Unmarshal([]byte(`{"id":"nope"}`), &out)
	requireValidation(t, err, "id", nil)
	err = json.Unmarshal([]byte(`{"id":42}`), &out)
	require.Error(t, err)
}

func TestIDScanErrors(t *testing.T) {
	var id idInvoiceID
	requireValidation(t, id.Scan("nope"), "id", nil)
	requireValidation(t, id.Scan([]byte("nope")), "id", nil)
	require.Error(t, id.Scan(int64(1)))
	require.Error(t, id.Scan(3.5))
	assert.True(t, id.IsZero(), "failed scans leave the value alone")
}
