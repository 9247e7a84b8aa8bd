package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// Config configures a [Notifier]. URL and Secret are required; the zero
// value of every other field works.
type Config struct {
	// URL is the receiver's endpoint (http or https).
	URL string
	// Secret is the signing secret, "whsec_" + base64 (see [ParseSecret]).
	Secret string
	// Client sends the requests (nil: a client with a 30s timeout).
	Client *http.Client
	// MaxAttempts is the number of tries within one call (default 3):
	// network errors, 408, 429 and 5xx answers are retried, other 4xx
	// answers are not.
	MaxAttempts int
	// RetryWait is the wait before the second try, doubled for each
	// further one (default 500ms).
	RetryWait time.Duration
	// Header holds extra headers sent with every request.
	Header http.Header
	// Clock stamps webhook-timestamp (nil: system clock).
	Clock o2c.Clock
	// Channels are the letter channels this notifier posts (nil: every
	// channel); a letter of another channel is refused with a
	// *dunning.ChannelError.
	Channels []dunning.Channel
}

// Notifier posts signed webhooks. It is safe for concurrent use.
type Notifier struct {
	cfg Config
	key []byte
}

var (
	_ dunning.Notifier = (*Notifier)(nil)
	_ outbox.Handler   = (*Notifier)(nil).Handle
)

// New checks cfg and returns a notifier. A bad URL or secret is a
// *o2c.ValidationError.
func New(cfg Config) (*Notifier, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &o2c.ValidationError{Field: "webhook.url", Rule: "must be an absolute http or https URL", Value: cfg.URL, Err: err}
	}
	key, err := ParseSecret(cfg.Secret)
	if err != nil {
		return nil, &o2c.ValidationError{Field: "webhook.secret", Rule: `must be "whsec_" + base64 of at least 16 bytes`, Err: err}
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 3
	}
	if cfg.RetryWait <= 0 {
		cfg.RetryWait = 500 * time.Millisecond
	}
	cfg.Clock = o2c.ClockOrSystem(cfg.Clock)
	cfg.Header = cfg.Header.Clone()
	return &Notifier{cfg: cfg, key: key}, nil
}

// StatusError is a receiver's answer other than 2xx.
type StatusError struct {
	StatusCode int
	Body       string // the start of the response body
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("webhook: receiver answered %d %s: %s", e.StatusCode, http.StatusText(e.StatusCode), e.Body)
}

// Permanent reports whether retrying cannot help: a 4xx answer other than
// 408 Request Timeout and 429 Too Many Requests.
func (e *StatusError) Permanent() bool {
	return e.StatusCode >= 400 && e.StatusCode < 500 &&
		e.StatusCode != http.StatusRequestTimeout && e.StatusCode != http.StatusTooManyRequests
}

// Message is the JSON body of every webhook: a type, the time of what it
// announces when there is one, and the data.
type Message struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp,omitzero"`
	Data      any       `json:"data"`
}

// LetterData is the data of a "dunning.letter" message.
type LetterData struct {
	Key     string         `json:"key"`
	Letter  dunning.Letter `json:"letter"`
	Subject string         `json:"subject"`
	Text    string         `json:"text"`
	HTML    string         `json:"html"`
}

// EventData is the data of an outbox record's message; the message type
// is the event's type.
type EventData struct {
	Seq   int64     `json:"seq"`
	Event o2c.Event `json:"event"`
}

// Message types of delivered letters.
const (
	// TypeLetter is a letter for the customer, to send by its channel
	// (letter.channel: email, letter, registered_letter, sms,
	// collection_agency, legal_action).
	TypeLetter = "dunning.letter"
	// TypeTask is an internal collector's task (a phone_task letter): the
	// receiver must not forward it to the customer.
	TypeTask = "dunning.task"
)

// Deliver implements dunning.Notifier: it posts a [TypeLetter] message, or
// a [TypeTask] message for a phone task, with webhook-id = d.Key. The body
// is the same on every call for one delivery, so receivers may also
// compare bodies. A channel not in Config.Channels is a
// *dunning.ChannelError.
func (n *Notifier) Deliver(ctx context.Context, d dunning.Delivery) error {
	if d.Key == "" {
		return o2c.NewValidationError("delivery.key", "is required")
	}
	if n.cfg.Channels != nil && !slices.Contains(n.cfg.Channels, d.Letter.Channel) {
		return &dunning.ChannelError{Key: d.Key, Channel: d.Letter.Channel, Notifier: "webhook"}
	}
	typ := TypeLetter
	if d.Letter.Channel == dunning.ChannelPhoneTask {
		typ = TypeTask
	}
	return n.Send(ctx, d.Key, Message{Type: typ, Data: LetterData{
		Key: d.Key, Letter: d.Letter, Subject: d.Rendered.Subject, Text: d.Rendered.Text, HTML: d.Rendered.HTML,
	}})
}

// Handle is an [outbox.Handler]: it posts the record's event with
// webhook-id = the event ID. An answer that retrying cannot fix is
// returned as an [outbox.PermanentError] so the dispatcher dead-letters the
// record at once.
func (n *Notifier) Handle(ctx context.Context, r outbox.Record) error {
	err := n.Send(ctx, r.Event.ID.String(), Message{Type: r.Event.Type, Timestamp: r.Event.OccurredAt, Data: EventData{Seq: r.Seq, Event: r.Event}})
	var se *StatusError
	if errors.As(err, &se) && se.Permanent() {
		return outbox.Permanent(err)
	}
	return err
}

// Send posts msg as JSON under the idempotency key id, retrying as Config
// says; every try carries the same webhook-id and body and a fresh
// timestamp and signature. It returns nil on a 2xx answer, a *StatusError
// for the last non-2xx answer, or the last transport error.
func (n *Notifier) Send(ctx context.Context, id string, msg Message) error {
	if id == "" {
		return o2c.NewValidationError("webhook.id", "is required")
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("webhook: encode message: %w", err)
	}
	wait := n.cfg.RetryWait
	for attempt := 1; ; attempt++ {
		err = n.post(ctx, id, body)
		var se *StatusError
		if err == nil || (errors.As(err, &se) && se.Permanent()) || attempt >= n.cfg.MaxAttempts || ctx.Err() != nil {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
		wait *= 2
	}
}

func (n *Notifier) post(ctx context.Context, id string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	for k, vs := range n.cfg.Header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	signHeaders(req.Header, n.key, id, n.cfg.Clock.Now(), body)
	resp, err := n.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: post %s: %w", id, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return &StatusError{StatusCode: resp.StatusCode, Body: string(snippet)}
}
