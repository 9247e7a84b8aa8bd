package o2c

import (
	"encoding/json"
	"time"
)

// Event is the envelope of a domain event: something that happened to an
// aggregate (an order was placed, an invoice issued, a reminder sent). It is
// written to the outbox in the same transaction as the state change it
// announces, then delivered at least once; receivers use ID as the
// idempotency key.
type Event struct {
	ID            EventID         `json:"id"`
	Tenant        TenantID        `json:"tenant"`
	AggregateType string          `json:"aggregate_type"` // "order", "invoice", ...
	AggregateID   string          `json:"aggregate_id"`
	Type          string          `json:"type"`        // "order.placed", "invoice.issued", ...
	OccurredAt    time.Time       `json:"occurred_at"` // UTC
	Payload       json.RawMessage `json:"payload,omitempty"`
}

// NewEvent builds a validated event with a fresh ID. payload is encoded as
// JSON (nil gives no payload); at is converted to UTC.
func NewEvent(tenant TenantID, aggregateType, aggregateID, eventType string, at time.Time, payload any) (Event, error) {
	e := Event{
		ID:            NewID[eventKind](),
		Tenant:        tenant,
		AggregateType: aggregateType,
		AggregateID:   aggregateID,
		Type:          eventType,
		OccurredAt:    at.UTC(),
	}
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return Event{}, &ValidationError{Field: "payload", Rule: "must encode as JSON: " + err.Error()}
		}
		e.Payload = b
	}
	if err := e.Validate(); err != nil {
		return Event{}, err
	}
	return e, nil
}

// Validate checks that every field of the envelope is set.
func (e Event) Validate() error {
	switch {
	case e.ID.IsZero():
		return NewValidationError("event.id", "is required")
	case e.Tenant.Validate() != nil:
		return e.Tenant.Validate()
	case e.AggregateType == "":
		return NewValidationError("event.aggregate_type", "is required")
	case e.AggregateID == "":
		return NewValidationError("event.aggregate_id", "is required")
	case e.Type == "":
		return NewValidationError("event.type", "is required")
	case e.OccurredAt.IsZero():
		return NewValidationError("event.occurred_at", "is required")
	case len(e.Payload) > 0 && !json.Valid(e.Payload):
		return NewValidationError("event.payload", "must be valid JSON")
	}
	return nil
}

// Decode unmarshals the payload into v.
func (e Event) Decode(v any) error {
	if len(e.Payload) == 0 {
		return &ValidationError{Field: "event.payload", Rule: "is empty: nothing to decode"}
	}
	return json.Unmarshal(e.Payload, v)
}
