package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/adapters/webhook"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// The test vector published with the Standard Webhooks specification.
func TestSignStandardVector(t *testing.T) {
	body := []byte(`{"test": 2432232314}`)
	h, err := webhook.Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), body)
	require.NoError(t, err)
	assert.Equal(t, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", h.Get(webhook.HeaderSignature))
	assert.Equal(t, "1614265330", h.Get(webhook.HeaderTimestamp))
	assert.Equal(t, "msg_p5jXN8AQM9LWM0D4loKWxJek", h.Get(webhook.HeaderID))
}

func TestVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"type":"x"}`)
	h, err := webhook.Sign(secret, "key-1", now, body)
	require.NoError(t, err)
	require.NoError(t, webhook.Verify(secret, h, body, now.Add(4*time.Minute), 0))

	assert.ErrorIs(t, webhook.Verify(secret, h, []byte(`{"type":"y"}`), now, 0), webhook.ErrSignature, "tampered body")
	assert.ErrorIs(t, webhook.Verify(secret, h, body, now.Add(6*time.Minute), 0), webhook.ErrTimestamp, "too old")
	assert.ErrorIs(t, webhook.Verify(secret, h, body, now.Add(-6*time.Minute), 0), webhook.ErrTimestamp, "from the future")
	assert.NoError(t, webhook.Verify(secret, h, body, now.Add(time.Hour), 2*time.Hour), "wider tolerance")
	other := "whsec_" + "c2Vjb25kLXNlY3JldC0xMjM0NTY3OA=="
	assert.ErrorIs(t, webhook.Verify(other, h, body, now, 0), webhook.ErrSignature, "another secret")

	// a rotated secret: one of several signatures matches
	h2, err := webhook.Sign(other, "key-1", now, body)
	require.NoError(t, err)
	rotated := h.Clone()
	rotated.Set(webhook.HeaderSignature, h2.Get(webhook.HeaderSignature)+" "+h.Get(webhook.HeaderSignature))
	assert.NoError(t, webhook.Verify(secret, rotated, body, now, 0))

	// the id is signed
	forged := h.Clone()
	forged.Set(webhook.HeaderID, "key-2")
	assert.ErrorIs(t, webhook.Verify(secret, forged, body, now, 0), webhook.ErrSignature)

	missing := h.Clone()
	missing.Del(webhook.HeaderTimestamp)
	assert.ErrorIs(t, webhook.Verify(secret, missing, body, now, 0), webhook.ErrMissingHeader)
	bad := h.Clone()
	bad.Set(webhook.HeaderTimestamp, "yesterday")
	assert.ErrorIs(t, webhook.Verify(secret, bad, body, now, 0), webhook.ErrMissingHeader)
	assert.ErrorIs(t, webhook.Verify("whsec_!!", h, body, now, 0), webhook.ErrInvalidSecret)
	_, err = webhook.Sign("whsec_c2hvcnQ=", "id", now, body)
	assert.ErrorIs(t, err, webhook.ErrInvalidSecret, "too short")
}

// receiver is an httptest server that verifies every request and answers
// with the scripted status codes, then 200.
type receiver struct {
	t      *testing.T
	mu     sync.Mutex
	script []int
	ids    []string
	bodies [][]byte
	srv    *httptest.Server
}

func newReceiver(t *testing.T, script ...int) *receiver {
	r := &receiver{t: t, script: script}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if !assert.NoError(t, err) {
			return
		}
		if err := webhook.Verify(secret, req.Header, body, time.Now(), 0); err != nil {
			t.Errorf("verify: %v", err)
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
		r.mu.Lock()
		defer r.mu.Unlock()
		r.ids = append(r.ids, req.Header.Get(webhook.HeaderID))
		r.bodies = append(r.bodies, body)
		code := http.StatusOK
		if len(r.script) > 0 {
			code, r.script = r.script[0], r.script[1:]
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, http.StatusText(code))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received() ([]string, [][]byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...), append([][]byte(nil), r.bodies...)
}

func notifier(t *testing.T, url string) *webhook.Notifier {
	t.Helper()
	n, err := webhook.New(webhook.Config{URL: url, Secret: secret, RetryWait: time.Millisecond, MaxAttempts: 3})
	require.NoError(t, err)
	return n
}

func delivery() dunning.Delivery {
	return dunning.Delivery{
		Key:      "dunning/acme/run-7/CUST-1/2",
		Letter:   dunning.Letter{Key: "dunning/acme/run-7/CUST-1/2", Tenant: "acme", Level: 2, LevelName: "second reminder"},
		Rendered: dunning.Rendered{Subject: "Second reminder", Text: "Please pay.", HTML: "<p>Please pay.</p>"},
	}
}

func TestDeliverRetriesOn5xxWithStableKey(t *testing.T) {
	r := newReceiver(t, http.StatusServiceUnavailable, http.StatusBadGateway)
	n := notifier(t, r.srv.URL)
	require.NoError(t, n.Deliver(context.Background(), delivery()))
	ids, bodies := r.received()
	require.Len(t, ids, 3)
	for i := range ids {
		assert.Equal(t, delivery().Key, ids[i], "webhook-id is the idempotency key on every try")
		assert.Equal(t, bodies[0], bodies[i], "the body is the same on every try")
	}
	var msg struct {
		Type string             `json:"type"`
		Data webhook.LetterData `json:"data"`
	}
	require.NoError(t, json.Unmarshal(bodies[0], &msg))
	assert.Equal(t, "dunning.letter", msg.Type)
	assert.Equal(t, "Second reminder", msg.Data.Subject)
	assert.Equal(t, "<p>Please pay.</p>", msg.Data.HTML)
	assert.Equal(t, 2, msg.Data.Letter.Level)
}

func TestDeliverGivesUpAfterMaxAttempts(t *testing.T) {
	r := newReceiver(t, 500, 500, 500, 500)
	err := notifier(t, r.srv.URL).Deliver(context.Background(), delivery())
	var se *webhook.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 500, se.StatusCode)
	assert.False(t, se.Permanent())
	ids, _ := r.received()
	assert.Len(t, ids, 3)
}

func TestDeliverDoesNotRetry4xx(t *testing.T) {
	r := newReceiver(t, http.StatusUnprocessableEntity)
	err := notifier(t, r.srv.URL).Deliver(context.Background(), delivery())
	var se *webhook.StatusError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusUnprocessableEntity, se.StatusCode)
	assert.True(t, se.Permanent())
	ids, _ := r.received()
	assert.Len(t, ids, 1)

	// 429 is worth retrying
	r = newReceiver(t, http.StatusTooManyRequests)
	require.NoError(t, notifier(t, r.srv.URL).Deliver(context.Background(), delivery()))
	ids, _ = r.received()
	assert.Len(t, ids, 2)
}

func TestDeliverStopsWithContext(t *testing.T) {
	r := newReceiver(t, 500, 500, 500)
	n, err := webhook.New(webhook.Config{URL: r.srv.URL, Secret: secret, RetryWait: time.Hour})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = n.Deliver(ctx, delivery())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var se *webhook.StatusError
	require.ErrorAs(t, err, &se)
}

func TestNewValidates(t *testing.T) {
	_, err := webhook.New(webhook.Config{URL: "ftp://x", Secret: secret})
	require.ErrorIs(t, err, o2c.ErrValidation)
	_, err = webhook.New(webhook.Config{URL: "https://example.com/hook", Secret: "nope"})
	require.ErrorIs(t, err, o2c.ErrValidation)
	require.ErrorIs(t, err, webhook.ErrInvalidSecret)
	n := notifier(t, "https://example.com/hook")
	require.ErrorIs(t, n.Deliver(context.Background(), dunning.Delivery{}), o2c.ErrValidation)
}

// The notifier as an outbox dispatcher's handler: 5xx is retried by the
// dispatcher later, 4xx dead-letters the record at once, webhook-id is the
// event ID.
func TestHandleAsDispatcherHandler(t *testing.T) {
	ctx := context.Background()
	r := newReceiver(t, 500, 500, 500, http.StatusBadRequest)
	n := notifier(t, r.srv.URL)
	store := memory.New().MustTenant("acme").Dispatch()
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	e1, err := o2c.NewEvent("acme", "invoice", "INV-1", "invoice.issued", at, map[string]string{"number": "F-1"})
	require.NoError(t, err)
	e2, err := o2c.NewEvent("acme", "invoice", "INV-2", "invoice.issued", at, nil)
	require.NoError(t, err)
	require.NoError(t, store.Append(ctx, e1, e2))
	clock := o2c.NewManualClock(at)
	d := &outbox.Dispatcher{Store: store, Handler: n.Handle, Clock: clock, Backoff: outbox.Backoff{Initial: time.Second, Max: time.Second}}

	// e1: three 500s inside one Handle call, failed attempt; e2: 400, dead
	delivered, err := d.Dispatch(ctx)
	require.NoError(t, err)
	assert.Zero(t, delivered)
	dead, err := store.Dead(ctx, 10)
	require.NoError(t, err)
	require.Len(t, dead, 1)
	assert.Equal(t, e2.ID, dead[0].Event.ID)

	clock.Advance(time.Second)
	delivered, err = d.Dispatch(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, delivered)

	ids, bodies := r.received()
	require.Len(t, ids, 5)
	assert.Equal(t, []string{e1.ID.String(), e1.ID.String(), e1.ID.String(), e2.ID.String(), e1.ID.String()}, ids)
	var msg struct {
		Type      string            `json:"type"`
		Timestamp time.Time         `json:"timestamp"`
		Data      webhook.EventData `json:"data"`
	}
	require.NoError(t, json.Unmarshal(bodies[4], &msg))
	assert.Equal(t, "invoice.issued", msg.Type)
	assert.True(t, at.Equal(msg.Timestamp))
	assert.Equal(t, e1.ID, msg.Data.Event.ID)
	assert.JSONEq(t, `{"number":"F-1"}`, string(msg.Data.Event.Payload))
}

// A phone task is posted as an internal task, and a notifier limited to
// some channels refuses the others.
func TestDeliverHonoursChannels(t *testing.T) {
	r := newReceiver(t, 200, 200)
	n := notifier(t, r.srv.URL)
	d := delivery()
	d.Letter.Channel = dunning.ChannelPhoneTask
	require.NoError(t, n.Deliver(context.Background(), d))
	_, bodies := r.received()
	require.Len(t, bodies, 1)
	var m struct{ Type string }
	require.NoError(t, json.Unmarshal(bodies[0], &m))
	assert.Equal(t, webhook.TypeTask, m.Type)

	limited, err := webhook.New(webhook.Config{URL: r.srv.URL, Secret: secret, Channels: []dunning.Channel{dunning.ChannelEmail}})
	require.NoError(t, err)
	assert.ErrorIs(t, limited.Deliver(context.Background(), d), dunning.ErrChannel)
	_, bodies = r.received()
	assert.Len(t, bodies, 1, "nothing posted")
}
