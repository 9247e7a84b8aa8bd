// Package stripe receives Stripe webhooks for collect: it verifies the
// Stripe-Signature header (t=<unix time>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>"> under the endpoint's signing secret, with a tolerance
// on t against replays), reads the event and hands it to a
// [collect.Intake]-like [Receiver] as a provider-neutral
// collect.ProviderEvent:
//
//	payment_intent.succeeded       PaymentSucceeded (metadata cashcycle_token = the pay-link token)
//	payment_intent.payment_failed  PaymentFailed
//	refund.created                 PaymentRefunded (one event per refund, its own amount)
//	charge.dispute.created         PaymentDisputed (the chargeback)
//
// Other event types are acknowledged and ignored. charge.refunded is
// ignored on purpose: its amount_refunded is cumulative, and refund.created
// already carries each refund once. The scheme is implemented with the
// standard library (Stripe's SDK is not needed for one HMAC).
package stripe

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Errors of [Verify], wrapped in a *SignatureError.
var (
	// ErrSignature: no v1 signature matches the body under the secret.
	ErrSignature = errors.New("stripe: signature does not match")
	// ErrTimestamp: the signed time is outside the tolerance.
	ErrTimestamp = errors.New("stripe: timestamp outside the tolerance")
	// ErrHeader: the Stripe-Signature header is missing or unreadable.
	ErrHeader = errors.New("stripe: malformed Stripe-Signature header")
)

// SignatureError is a refused webhook.
type SignatureError struct {
	Err    error
	Detail string
}

func (e *SignatureError) Error() string {
	if e.Detail == "" {
		return e.Err.Error()
	}
	return e.Err.Error() + ": " + e.Detail
}

// Unwrap returns ErrSignature, ErrTimestamp or ErrHeader.
func (e *SignatureError) Unwrap() error { return e.Err }

// DefaultTolerance is Stripe's documented default: five minutes.
const DefaultTolerance = 5 * time.Minute

// TokenMetadataKey is the PaymentIntent metadata key the host sets to
// the pay-link token when it creates the payment.
const TokenMetadataKey = "cashcycle_token"

// Sign returns a Stripe-Signature header for payload signed at t: what
// Stripe sends, for tests of a host's endpoint.
func Sign(secret string, payload []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(sign(secret, ts, payload))
}

func sign(secret, ts string, payload []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))
	h.Write([]byte("."))
	h.Write(payload)
	return h.Sum(nil)
}

// Verify checks header (the Stripe-Signature value) for payload, the raw
// request body, at now. Every v1 signature is tried (Stripe sends several
// while a secret is rolled); v0 and unknown schemes are ignored. tolerance
// <= 0 means DefaultTolerance. Errors are *SignatureError.
func Verify(secret, header string, payload []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	if ts == "" {
		return &SignatureError{Err: ErrHeader, Detail: "no timestamp"}
	}
	if len(sigs) == 0 {
		return &SignatureError{Err: ErrHeader, Detail: "no v1 signature"}
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return &SignatureError{Err: ErrHeader, Detail: "timestamp " + ts}
	}
	want := sign(secret, ts, payload)
	ok := false
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			ok = true
		}
	}
	if !ok {
		return &SignatureError{Err: ErrSignature}
	}
	if d := now.Sub(time.Unix(secs, 0)); d > tolerance || d < -tolerance {
		return &SignatureError{Err: ErrTimestamp, Detail: fmt.Sprintf("signed %s ago, tolerance %s", d.Round(time.Second), tolerance)}
	}
	return nil
}

// event is the part of a Stripe event this adapter reads.
type event struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created int64  `json:"created"`
	Data    struct {
		Object struct {
			ID               string            `json:"id"`
			Object           string            `json:"object"`
			Amount           int64             `json:"amount"`
			AmountReceived   int64             `json:"amount_received"`
			Currency         string            `json:"currency"`
			Metadata         map[string]string `json:"metadata"`
			PaymentIntent    string            `json:"payment_intent"`
			Reason           string            `json:"reason"`
			Status           string            `json:"status"`
			LastPaymentError *struct {
				Code string `json:"code"`
			} `json:"last_payment_error"`
			PaymentMethodTypes []string `json:"payment_method_types"`
		} `json:"object"`
	} `json:"data"`
}

// ErrIgnored is returned by [Parse] for event types this adapter does not
// map; a handler acknowledges them.
var ErrIgnored = errors.New("stripe: event type not used by collect")

// Parse reads a verified Stripe event into a collect.ProviderEvent.
// Unmapped types return ErrIgnored; a mapped event missing what collect
// needs is a *o2c.ValidationError.
func Parse(payload []byte) (collect.ProviderEvent, error) {
	var e event
	if err := json.Unmarshal(payload, &e); err != nil {
		return collect.ProviderEvent{}, &o2c.ValidationError{Field: "body", Rule: "must be a Stripe event in JSON", Err: err}
	}
	o := e.Data.Object
	pe := collect.ProviderEvent{Provider: "stripe", ID: e.ID, Occurred: time.Unix(e.Created, 0).UTC(), Method: invoice.MethodCard}
	amount := func(units int64) (o2c.Money, error) {
		cur, err := o2c.ParseCurrency(strings.ToUpper(o.Currency))
		if err != nil {
			return o2c.Money{}, &o2c.ValidationError{Field: "data.object.currency", Rule: "must be an ISO 4217 code", Value: o.Currency, Err: err}
		}
		return o2c.FromMinor(units, cur), nil
	}
	var err error
	switch e.Type {
	case "payment_intent.succeeded":
		pe.Kind, pe.Payment, pe.Token = collect.PaymentSucceeded, o.ID, o.Metadata[TokenMetadataKey]
		units := o.AmountReceived
		if units == 0 {
			units = o.Amount
		}
		pe.Amount, err = amount(units)
		if len(o.PaymentMethodTypes) == 1 && o.PaymentMethodTypes[0] == "sepa_debit" {
			pe.Method = invoice.MethodDirectDebit
		}
	case "payment_intent.payment_failed":
		pe.Kind, pe.Payment = collect.PaymentFailed, o.ID
		if o.LastPaymentError != nil {
			pe.Reason = o.LastPaymentError.Code
		}
		pe.Amount, err = amount(o.Amount)
	case "refund.created":
		pe.Kind, pe.Payment, pe.Reference, pe.Reason = collect.PaymentRefunded, o.PaymentIntent, o.ID, o.Reason
		pe.Amount, err = amount(o.Amount)
	case "charge.dispute.created":
		pe.Kind, pe.Payment, pe.Reference, pe.Reason = collect.PaymentDisputed, o.PaymentIntent, o.ID, o.Reason
		pe.Amount, err = amount(o.Amount)
	default:
		return collect.ProviderEvent{}, ErrIgnored
	}
	if err != nil {
		return collect.ProviderEvent{}, err
	}
	if err := pe.Validate(); err != nil {
		return collect.ProviderEvent{}, err
	}
	return pe, nil
}
