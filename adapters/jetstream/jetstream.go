// Package jetstream relays the transactional outbox to NATS JetStream.
//
// A [Relay] is an [outbox.Handler]: run it under an [outbox.Dispatcher] and
// every domain event appended to the outbox is published to a JetStream
// stream, with the NATS header Nats-Msg-Id set to the event's ID (its
// idempotency key). The dispatcher marks a record delivered only after
// JetStream acknowledged the publish, so a relay that dies at any point
// republishes what it had not marked; JetStream drops a message whose
// Nats-Msg-Id it has already stored within the stream's duplicate window,
// so the stream holds every event exactly once.
//
// That holds as long as a republish comes within the duplicate window: the
// window must be longer than the dispatcher's lease plus its longest
// backoff. [Relay.Dispatcher] builds a dispatcher whose lease and backoff
// fit in the window [Relay.CheckStream] reads from the server.
//
// The message body is the event as JSON (o2c.Event's encoding; [Decode]
// reads it back); headers carry the tenant, the event and aggregate type,
// the aggregate ID and the outbox sequence for consumers that filter
// without decoding.
package jetstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// Header names set on every published message besides nats.MsgIdHdr.
const (
	HeaderTenant        = "O2c-Tenant"
	HeaderEventType     = "O2c-Event-Type"
	HeaderAggregateType = "O2c-Aggregate-Type"
	HeaderAggregateID   = "O2c-Aggregate-Id"
	HeaderSeq           = "O2c-Outbox-Seq"
)

// DefaultSubjectPrefix is the subject prefix of a [Relay] without Subject
// or SubjectPrefix.
const DefaultSubjectPrefix = "o2c.events"

// Relay publishes outbox records to JetStream. JS is required; the zero
// value of every other field works.
type Relay struct {
	JS jetstream.JetStream
	// Stream, when set, is the stream the subject must be bound to: a
	// publish that lands elsewhere (or nowhere) fails instead of silently
	// going to another stream. CheckStream needs it.
	Stream string
	// Subject maps an event to its subject. Nil: SubjectPrefix + "." +
	// the event type ("o2c.events.invoice.issued").
	Subject func(o2c.Event) string
	// SubjectPrefix is the prefix of the default subject
	// (DefaultSubjectPrefix when empty).
	SubjectPrefix string
	// Timeout bounds the wait for one publish acknowledgement
	// (default 5s).
	Timeout time.Duration
}

// Published is what JetStream answered to one publish.
type Published struct {
	Stream   string
	Sequence uint64
	// Duplicate is true when the stream already held a message with the
	// event's ID: nothing new was stored.
	Duplicate bool
}

// Message builds the NATS message for r: subject, JSON body and headers.
// An event whose subject is not a valid NATS publish subject (empty
// tokens, wildcards, whitespace) is a *o2c.ValidationError.
func (rl *Relay) Message(r outbox.Record) (*nats.Msg, error) {
	if err := r.Event.Validate(); err != nil {
		return nil, err
	}
	subject := rl.subject(r.Event)
	if err := validSubject(subject); err != nil {
		return nil, err
	}
	body, err := json.Marshal(r.Event)
	if err != nil {
		return nil, fmt.Errorf("jetstream: encode event %s: %w", r.Event.ID, err)
	}
	m := nats.NewMsg(subject)
	m.Data = body
	m.Header.Set(nats.MsgIdHdr, r.Event.ID.String())
	m.Header.Set(HeaderTenant, string(r.Event.Tenant))
	m.Header.Set(HeaderEventType, r.Event.Type)
	m.Header.Set(HeaderAggregateType, r.Event.AggregateType)
	m.Header.Set(HeaderAggregateID, r.Event.AggregateID)
	if r.Seq != 0 {
		m.Header.Set(HeaderSeq, strconv.FormatInt(r.Seq, 10))
	}
	return m, nil
}

func (rl *Relay) subject(e o2c.Event) string {
	if rl.Subject != nil {
		return rl.Subject(e)
	}
	prefix := rl.SubjectPrefix
	if prefix == "" {
		prefix = DefaultSubjectPrefix
	}
	return prefix + "." + e.Type
}

// validSubject accepts dot-separated non-empty tokens without wildcards or
// whitespace.
func validSubject(s string) error {
	if s == "" {
		return &o2c.ValidationError{Field: "subject", Rule: "must not be empty"}
	}
	for tok := range strings.SplitSeq(s, ".") {
		if tok == "" || tok == "*" || tok == ">" || strings.ContainsAny(tok, " \t\r\n") {
			return &o2c.ValidationError{Field: "subject", Rule: "must be dot-separated tokens without wildcards or whitespace", Value: s}
		}
	}
	return nil
}

// Publish publishes r and waits for JetStream's acknowledgement. It
// returns only once the stream has stored the message (or found it stored
// already: Published.Duplicate). A record that cannot be turned into a
// message is a *outbox.PermanentError wrapping the reason, since no retry
// can fix it.
func (rl *Relay) Publish(ctx context.Context, r outbox.Record) (Published, error) {
	if rl.JS == nil {
		return Published{}, o2c.NewValidationError("relay.js", "is required")
	}
	m, err := rl.Message(r)
	if err != nil {
		return Published{}, outbox.Permanent(err)
	}
	timeout := rl.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var opts []jetstream.PublishOpt
	if rl.Stream != "" {
		opts = append(opts, jetstream.WithExpectStream(rl.Stream))
	}
	ack, err := rl.JS.PublishMsg(ctx, m, opts...)
	if err != nil {
		return Published{}, fmt.Errorf("jetstream: publish %s to %s: %w", r.Event.ID, m.Subject, err)
	}
	return Published{Stream: ack.Stream, Sequence: ack.Sequence, Duplicate: ack.Duplicate}, nil
}

// Handler returns an outbox.Handler that publishes each record with
// [Relay.Publish]: the dispatcher marks the record delivered only after the
// acknowledgement.
func (rl *Relay) Handler() outbox.Handler {
	return func(ctx context.Context, r outbox.Record) error {
		_, err := rl.Publish(ctx, r)
		return err
	}
}

// Dispatcher returns a dispatcher of store whose handler is the relay,
// with a lease and backoff that fit in a duplicate window of window: the
// lease is a quarter of it and the backoff at most a quarter, so a record
// whose relay died, or whose acknowledgement was lost, is republished
// well within the window. Pass the window [Relay.CheckStream] returns.
// It marks each pass's deliveries in one commit (GroupCommit): a relay
// that dies republishes the whole pass, which the stream drops. The other
// fields keep their defaults; set them on the result.
func (rl *Relay) Dispatcher(store outbox.DispatchStore, window time.Duration) (*outbox.Dispatcher, error) {
	if window < 4*time.Second {
		return nil, &o2c.ValidationError{Field: "window", Rule: "must be at least 4s", Value: window.String()}
	}
	q := window / 4
	return &outbox.Dispatcher{Store: store, Handler: rl.Handler(), Lease: q, GroupCommit: true,
		Backoff: outbox.Backoff{Initial: min(time.Second, q), Max: q, Jitter: 0.2}}, nil
}

// ErrWindow is returned by [Relay.CheckStream] when the stream's duplicate
// window is too short for exactly-once publishing.
var ErrWindow = errors.New("jetstream: duplicate window too short")

// CheckStream reads the stream named by Stream and returns its duplicate
// window. It fails with ErrWindow when the window is shorter than
// minWindow (pass the dispatcher's lease plus its longest backoff).
func (rl *Relay) CheckStream(ctx context.Context, minWindow time.Duration) (time.Duration, error) {
	if rl.JS == nil {
		return 0, o2c.NewValidationError("relay.js", "is required")
	}
	if rl.Stream == "" {
		return 0, o2c.NewValidationError("relay.stream", "is required to check the stream")
	}
	s, err := rl.JS.Stream(ctx, rl.Stream)
	if err != nil {
		return 0, fmt.Errorf("jetstream: stream %s: %w", rl.Stream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("jetstream: stream %s: %w", rl.Stream, err)
	}
	w := info.Config.Duplicates
	if w < minWindow {
		return w, fmt.Errorf("%w: stream %s keeps message IDs for %v, the relay may republish up to %v later", ErrWindow, rl.Stream, w, minWindow)
	}
	return w, nil
}

// Decode reads the event of a message published by a [Relay].
func Decode(data []byte) (o2c.Event, error) {
	var e o2c.Event
	if err := json.Unmarshal(data, &e); err != nil {
		return o2c.Event{}, fmt.Errorf("jetstream: decode event: %w", err)
	}
	if err := e.Validate(); err != nil {
		return o2c.Event{}, err
	}
	return e, nil
}
