package jetstream_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/jetstream"
	"github.com/cashcycle/sdk/adapters/jetstream/jstest"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

var at = time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)

func record(t *testing.T, tenant o2c.TenantID, typ string, seq int64) outbox.Record {
	t.Helper()
	e, err := o2c.NewEvent(tenant, "invoice", "inv-"+typ, typ, at, map[string]string{"total": "12.50"})
	require.NoError(t, err)
	return outbox.Record{Event: e, Seq: seq, Status: outbox.StatusPending}
}

func TestMessage(t *testing.T) {
	rl := &jetstream.Relay{}
	r := record(t, "acme.eu", "invoice.issued", 7)
	m, err := rl.Message(r)
	require.NoError(t, err)
	assert.Equal(t, "o2c.events.invoice.issued", m.Subject)
	assert.Equal(t, r.Event.ID.String(), m.Header.Get(nats.MsgIdHdr), "the event ID is the JetStream message ID")
	assert.Equal(t, "acme.eu", m.Header.Get(jetstream.HeaderTenant))
	assert.Equal(t, "invoice.issued", m.Header.Get(jetstream.HeaderEventType))
	assert.Equal(t, "invoice", m.Header.Get(jetstream.HeaderAggregateType))
	assert.Equal(t, "inv-invoice.issued", m.Header.Get(jetstream.HeaderAggregateID))
	assert.Equal(t, "7", m.Header.Get(jetstream.HeaderSeq))
	got, err := jetstream.Decode(m.Data)
	require.NoError(t, err)
	assert.Equal(t, r.Event.ID, got.ID)
	assert.True(t, r.Event.OccurredAt.Equal(got.OccurredAt))
	assert.JSONEq(t, string(r.Event.Payload), string(got.Payload))

	// the subject can follow the tenant
	rl.Subject = func(e o2c.Event) string { return "billing." + e.AggregateType }
	m, err = rl.Message(r)
	require.NoError(t, err)
	assert.Equal(t, "billing.invoice", m.Subject)

	for _, bad := range []string{"", "a..b", "a.*", "a.>", "a.b c", ".a"} {
		rl.Subject = func(o2c.Event) string { return bad }
		_, err := rl.Message(r)
		var ve *o2c.ValidationError
		assert.ErrorAs(t, err, &ve, "subject %q", bad)
	}
	_, err = jetstream.Decode([]byte(`{"id":"not-an-id"}`))
	assert.Error(t, err)
}

func TestRelayPublishNATS(t *testing.T) {
	_, js := jstest.Connect(t, jstest.URL(t))
	stream, prefix := jstest.Stream(t, js, time.Minute)
	rl := &jetstream.Relay{JS: js, Stream: stream, SubjectPrefix: prefix}
	ctx := context.Background()

	recs := []outbox.Record{record(t, "acme", "invoice.issued", 1), record(t, "acme", "invoice.paid", 2), record(t, "globex", "order.placed", 3)}
	for i, r := range recs {
		p, err := rl.Publish(ctx, r)
		require.NoError(t, err)
		assert.Equal(t, stream, p.Stream)
		assert.Equal(t, uint64(i+1), p.Sequence)
		assert.False(t, p.Duplicate)
	}
	// publishing again (a relay that died before marking) stores nothing new
	for _, r := range recs {
		p, err := rl.Publish(ctx, r)
		require.NoError(t, err)
		assert.True(t, p.Duplicate, "JetStream recognises the event ID")
	}
	msgs := jstest.Messages(t, js, stream)
	require.Len(t, msgs, len(recs))
	for i, m := range msgs {
		assert.Equal(t, prefix+"."+recs[i].Event.Type, m.Subject())
		assert.Equal(t, recs[i].Event.ID.String(), m.Headers().Get(nats.MsgIdHdr))
		e, err := jetstream.Decode(m.Data())
		require.NoError(t, err)
		assert.Equal(t, recs[i].Event.ID, e.ID)
		assert.Equal(t, recs[i].Event.Tenant, e.Tenant)
	}

	// a subject captured by no stream fails: nothing is acknowledged
	lost := &jetstream.Relay{JS: js, SubjectPrefix: "o2cnostream." + jstest.Unique(), Timeout: 2 * time.Second}
	_, err := lost.Publish(ctx, record(t, "acme", "invoice.issued", 4))
	require.Error(t, err)
	// a subject bound to another stream than the expected one fails too
	other := &jetstream.Relay{JS: js, Stream: "O2C_NOT_" + stream, SubjectPrefix: prefix}
	_, err = other.Publish(ctx, record(t, "acme", "invoice.issued", 5))
	require.Error(t, err)
	// an event that makes no valid subject is dead-lettered at once
	bad := &jetstream.Relay{JS: js, Stream: stream, Subject: func(o2c.Event) string { return prefix + ".*" }}
	_, err = bad.Publish(ctx, record(t, "acme", "invoice.issued", 6))
	var perm *outbox.PermanentError
	require.ErrorAs(t, err, &perm)
	require.Len(t, jstest.Messages(t, js, stream), len(recs))
}

func TestRelayCheckStreamNATS(t *testing.T) {
	_, js := jstest.Connect(t, jstest.URL(t))
	stream, prefix := jstest.Stream(t, js, 20*time.Second)
	rl := &jetstream.Relay{JS: js, Stream: stream, SubjectPrefix: prefix}
	ctx := context.Background()
	w, err := rl.CheckStream(ctx, 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 20*time.Second, w)
	_, err = rl.CheckStream(ctx, 5*time.Minute)
	assert.True(t, errors.Is(err, jetstream.ErrWindow), "%v", err)

	d, err := rl.Dispatcher(nil, w)
	require.NoError(t, err)
	assert.Equal(t, 5*time.Second, d.Lease)
	assert.True(t, d.GroupCommit)
	assert.LessOrEqual(t, d.Lease+d.Backoff.Max, w)
	_, err = rl.Dispatcher(nil, time.Second)
	var ve *o2c.ValidationError
	assert.ErrorAs(t, err, &ve)
}
