package o2c

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Fingerprint returns the canonical hash of a request: the hex SHA-256 of
// the JSON encoding of parts (an operation name first, then the request's
// fields). Idempotent operations store it with the idempotency key and
// compare it when the key comes back, so that a key reused with a
// different request is refused ([ErrIdempotencyConflict]) instead of
// silently answered with the first result. Build parts from canonical
// values (for amounts, [CanonicalAmount]) so that two spellings of the
// same request hash alike.
func Fingerprint(parts ...any) string {
	b, err := json.Marshal(parts)
	if err != nil {
		// not JSON-encodable (an out-of-range amount or date): hash its
		// printed form, which still tells different requests apart
		b = []byte(fmt.Sprintf("%#v", parts))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CanonicalAmount returns m as "12.5 EUR": the amount without trailing
// zeros and the currency, so that 12.50 EUR and 12.5 EUR read alike in a
// [Fingerprint]. The zero Money is "".
func CanonicalAmount(m Money) string {
	if m.currency.IsZero() {
		return ""
	}
	return m.amount.String() + " " + m.currency.code
}

// IdempotencyConflict returns the error an operation refuses a reused key
// with: a *[ValidationError] on field naming the key, wrapping
// [ErrIdempotencyConflict].
func IdempotencyConflict(field, key, what string) error {
	return &ValidationError{Field: field, Rule: "was already used for a different " + what, Value: key, Err: ErrIdempotencyConflict}
}
