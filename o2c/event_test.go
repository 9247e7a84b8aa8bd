package o2c_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
)

type orderPlaced struct {
	Total    o2c.Money `json:"total"`
	Customer string    `json:"customer"`
}

func TestNewEvent(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	at := time.Date(2026, 11, 23, 10, 0, 0, 123456789, paris)
	payload := orderPlaced{Total: o2c.MustMoney("12.50", "EUR"), Customer: "C-1"}

	e, err := o2c.NewEvent("acme", "order", "ord-1", "order.placed", at, payload)
	require.NoError(t, err)
	require.NoError(t, e.Validate())

	assert.False(t, e.ID.IsZero())
	assert.Equal(t, uuid.Version(7), e.ID.UUID().Version())
	assert.Equal(t, o2c.TenantID("acme"), e.Tenant)
	assert.Equal(t, "order", e.AggregateType)
	assert.Equal(t, "ord-1", e.AggregateID)
	assert.Equal(t, "order.placed", e.Type)
	assert.True(t, e.OccurredAt.Equal(at))
	assert.Equal(t, time.UTC, e.OccurredAt.Location())
	assert.JSONEq(t, `{"total":{"amount":"12.50","currency":"EUR"},"customer":"C-1"}`, string(e.Payload))

	var got orderPlaced
	require.NoError(t, e.Decode(&got))
	assert.True(t, got.Total.Equal(payload.Total))
	assert.Equal(t, "C-1", got.Customer)

	// Each event gets its own ID.
	e2, err := o2c.NewEvent("acme", "order", "ord-1", "order.placed", at, payload)
	require.NoError(t, err)
	assert.NotEqual(t, e.ID, e2.ID)
}

func TestNewEventWithoutPayload(t *testing.T) {
	e, err := o2c.NewEvent("acme", "invoice", "inv-1", "invoice.issued", time.Now(), nil)
	require.NoError(t, err)
	assert.Empty(t, e.Payload)

	b, err := json.Marshal(e)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "payload")

	// Decoding an absent payload is an error, not a silent zero value.
	var v map[string]any
	require.Error(t, e.Decode(&v))
}

func TestNewEventValidation(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name                string
		tenant              o2c.TenantID
		aggType, aggID, typ string
		at                  time.Time
		payload             any
		field               string
	}{
		{"no tenant", "", "order", "o-1", "order.placed", at, nil, "tenant"},
		{"bad tenant", "a b", "order", "o-1", "order.placed", at, nil, "tenant"},
		{"no aggregate type", "acme", "", "o-1", "order.placed", at, nil, "event.aggregate_type"},
		{"no aggregate id", "acme", "order", "", "order.placed", at, nil, "event.aggregate_id"},
		{"no type", "acme", "order", "o-1", "", at, nil, "event.type"},
		{"no time", "acme", "order", "o-1", "order.placed", time.Time{}, nil, "event.occurred_at"},
		{"payload not JSON", "acme", "order", "o-1", "order.placed", at, make(chan int), "payload"},
		{"payload raw JSON invalid", "acme", "order", "o-1", "order.placed", at, json.RawMessage(`{"a":`), "payload"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := o2c.NewEvent(c.tenant, c.aggType, c.aggID, c.typ, c.at, c.payload)
			requireValidation(t, err, c.field, nil)
			assert.Equal(t, o2c.Event{}, e, "no half-built event on error")
		})
	}
}

func TestEventValidate(t *testing.T) {
	valid, err := o2c.NewEvent("acme", "order", "o-1", "order.placed", time.Now(), map[string]int{"n": 1})
	require.NoError(t, err)

	noID := valid
	noID.ID = o2c.EventID{}
	requireValidation(t, noID.Validate(), "event.id", nil)

	badPayload := valid
	badPayload.Payload = json.RawMessage(`{not json}`)
	requireValidation(t, badPayload.Validate(), "event.payload", nil)

	badTenant := valid
	badTenant.Tenant = ""
	requireValidation(t, badTenant.Validate(), "tenant", nil)
}

func TestEventJSONRoundTrip(t *testing.T) {
	e, err := o2c.NewEvent("acme", "order", "o-1", "order.placed", time.Date(2026, 11, 23, 10, 0, 0, 123456789, time.UTC), map[string]string{"k": "v"})
	require.NoError(t, err)

	b, err := json.Marshal(e)
	require.NoError(t, err)
	var back o2c.Event
	require.NoError(t, json.Unmarshal(b, &back))
	require.NoError(t, back.Validate())
	assert.Equal(t, e.ID, back.ID)
	assert.Equal(t, e.Tenant, back.Tenant)
	assert.Equal(t, e.AggregateType, back.AggregateType)
	assert.Equal(t, e.AggregateID, back.AggregateID)
	assert.Equal(t, e.Type, back.Type)
	assert.True(t, e.OccurredAt.Equal(back.OccurredAt), "nanoseconds survive")
	assert.JSONEq(t, string(e.Payload), string(back.Payload))

	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"id", "tenant", "aggregate_type", "aggregate_id", "type", "occurred_at", "payload"} {
		assert.Contains(t, m, k)
	}
}
