// Package webhook posts signed webhooks: dunning letters (as a
// [dunning.Notifier]) and outbox records (as an [outbox.Handler]). Requests
// are signed with the Standard Webhooks scheme (https://www.standardwebhooks.com):
//
//	webhook-id:        the idempotency key (the letter's key, the event ID),
//	                   the same on every retry
//	webhook-timestamp: Unix seconds of this attempt
//	webhook-signature: "v1," + base64(HMAC-SHA256(secret, id + "." + timestamp + "." + body))
//
// where the secret is given as "whsec_" followed by its base64 encoding.
// Receivers check a request with [Verify] (or any Standard Webhooks library)
// and deduplicate on webhook-id: delivery is at least once.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names of the Standard Webhooks scheme.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// secretPrefix marks a Standard Webhooks secret.
const secretPrefix = "whsec_"

// DefaultTolerance is how far a request's timestamp may be from the
// receiver's clock, either way, before [Verify] refuses it.
const DefaultTolerance = 5 * time.Minute

// Errors returned by [Verify] and [ParseSecret]; match them with errors.Is.
var (
	// ErrInvalidSecret: the secret is not "whsec_" + base64 (or plain
	// base64) of at least 16 bytes.
	ErrInvalidSecret = errors.New("webhook: invalid secret")
	// ErrMissingHeader: webhook-id, webhook-timestamp or webhook-signature
	// is absent or malformed.
	ErrMissingHeader = errors.New("webhook: missing or malformed signature header")
	// ErrTimestamp: the timestamp is outside the tolerance window (a replay
	// or a skewed clock).
	ErrTimestamp = errors.New("webhook: timestamp outside the tolerance window")
	// ErrSignature: no signature in webhook-signature matches.
	ErrSignature = errors.New("webhook: no matching signature")
)

// ParseSecret decodes a secret given as "whsec_<base64>" (or bare base64).
func ParseSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidSecret, err)
	}
	if len(key) < 16 {
		return nil, fmt.Errorf("%w: %d bytes, want at least 16", ErrInvalidSecret, len(key))
	}
	return key, nil
}

// sign returns the "v1,<base64>" signature of id, ts and body.
func sign(key []byte, id string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Sign returns the three headers that sign body under id at time ts.
func Sign(secret, id string, ts time.Time, body []byte) (http.Header, error) {
	key, err := ParseSecret(secret)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, fmt.Errorf("%w: empty id", ErrMissingHeader)
	}
	h := http.Header{}
	signHeaders(h, key, id, ts, body)
	return h, nil
}

func signHeaders(h http.Header, key []byte, id string, ts time.Time, body []byte) {
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, sign(key, id, ts.Unix(), body))
}

// Verify checks a received webhook: the headers must be present, the
// timestamp within tolerance of now (tolerance <= 0 means
// [DefaultTolerance]), and one of the space-separated "v1,..." signatures
// must match body (compared in constant time; several signatures allow a
// sender to rotate secrets). It returns nil or an error matching
// [ErrInvalidSecret], [ErrMissingHeader], [ErrTimestamp] or [ErrSignature].
// body must be the raw bytes received, before any JSON decoding.
func Verify(secret string, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	key, err := ParseSecret(secret)
	if err != nil {
		return err
	}
	id, tsText, sigs := header.Get(HeaderID), header.Get(HeaderTimestamp), header.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return ErrMissingHeader
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrMissingHeader, tsText)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: %s off", ErrTimestamp, d.Round(time.Second))
	}
	want := []byte(sign(key, id, ts, body))
	for _, s := range strings.Fields(sigs) {
		if hmac.Equal([]byte(s), want) {
			return nil
		}
	}
	return ErrSignature
}
