package collect

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Token errors. Every refusal of [Keyring.Verify] is a *TokenError
// matching one of them with errors.Is.
var (
	// ErrTokenMalformed: not a pay-link token at all.
	ErrTokenMalformed = errors.New("collect: malformed pay-link token")
	// ErrTokenTampered: the signature does not match the content.
	ErrTokenTampered = errors.New("collect: pay-link token altered")
	// ErrTokenExpired: the token is past its expiry.
	ErrTokenExpired = errors.New("collect: pay-link token expired")
	// ErrTokenWrongTenant: the token was issued for another tenant.
	ErrTokenWrongTenant = errors.New("collect: pay-link token of another tenant")
	// ErrTokenUnknownKey: the token names a key the keyring does not hold
	// (retired, or never issued here).
	ErrTokenUnknownKey = errors.New("collect: pay-link token signed with an unknown key")
)

// TokenError is a refused pay-link token.
type TokenError struct {
	// Reason is one of the ErrToken sentinels.
	Reason error
	// KeyID is the key the token names, when it could be read.
	KeyID string
	// Detail says more (the expiry, the tenants), never the secret.
	Detail string
}

func (e *TokenError) Error() string {
	if e.Detail == "" {
		return e.Reason.Error()
	}
	return e.Reason.Error() + ": " + e.Detail
}

// Is matches the reason.
func (e *TokenError) Is(target error) bool { return target == e.Reason }

// Unwrap returns the reason.
func (e *TokenError) Unwrap() error { return e.Reason }

// Key is one signing key: an ID written into every token it signs and a
// secret of at least 32 bytes.
type Key struct {
	ID     string
	Secret []byte
}

// Keyring signs pay-link tokens with its current key and verifies tokens
// signed by any key it holds. Rotation: make a new key current and keep
// the old ones in the ring until the last token they signed has expired;
// those tokens stay valid until then. A Keyring is safe for concurrent use
// (it is never modified after NewKeyring).
type Keyring struct {
	current string
	keys    map[string][]byte
}

// MinSecretLength is the shortest secret a Key may have.
const MinSecretLength = 32

// NewKeyring returns a keyring signing with current and verifying with
// current and older. Key IDs are 1 to 32 of [A-Za-z0-9_-], unique.
func NewKeyring(current Key, older ...Key) (*Keyring, error) {
	k := &Keyring{current: current.ID, keys: map[string][]byte{}}
	for i, key := range append([]Key{current}, older...) {
		field := fmt.Sprintf("keys[%d]", i)
		if key.ID == "" || len(key.ID) > 32 || strings.IndexFunc(key.ID, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		}) >= 0 {
			return nil, &o2c.ValidationError{Field: field + ".id", Rule: "must be 1 to 32 of A-Z a-z 0-9 - _", Value: key.ID}
		}
		if len(key.Secret) < MinSecretLength {
			return nil, &o2c.ValidationError{Field: field + ".secret", Rule: fmt.Sprintf("must be at least %d bytes", MinSecretLength), Value: key.ID}
		}
		if _, dup := k.keys[key.ID]; dup {
			return nil, &o2c.ValidationError{Field: field + ".id", Rule: "must be unique", Value: key.ID}
		}
		k.keys[key.ID] = append([]byte(nil), key.Secret...)
	}
	return k, nil
}

// CurrentKeyID returns the ID of the signing key.
func (k *Keyring) CurrentKeyID() string { return k.current }

// LinkLine is one due line a pay link covers.
type LinkLine struct {
	Invoice invoice.ID `json:"i"`
	Number  string     `json:"n,omitempty"`
	// DueDate selects the invoice's due line of that date; zero: every
	// due line of the invoice.
	DueDate o2c.Date `json:"d,omitzero"`
}

// Claims are what a pay-link token says: who owes what, until when.
type Claims struct {
	Tenant   o2c.TenantID   `json:"t"`
	Customer o2c.CustomerID `json:"c"`
	Lines    []LinkLine     `json:"l"`
	// Amount is what was asked when the link was issued.
	Amount  o2c.Money `json:"a"`
	Issued  time.Time `json:"iat"`
	Expires time.Time `json:"exp"`
	// Nonce makes each token unique (its use is recorded under it).
	Nonce string `json:"jti"`
}

const tokenVersion = "cc1"

// Validate checks the claims before signing.
func (c Claims) Validate() error {
	switch {
	case c.Tenant.Validate() != nil:
		return &o2c.ValidationError{Field: "tenant", Rule: "is required", Value: string(c.Tenant)}
	case c.Customer.IsZero():
		return o2c.NewValidationError("customer", "is required")
	case len(c.Lines) == 0:
		return o2c.NewValidationError("lines", "at least one due line is required")
	case !c.Amount.IsPositive():
		return &o2c.ValidationError{Field: "amount", Rule: "must be positive", Value: c.Amount.String()}
	case c.Expires.IsZero() || !c.Expires.After(c.Issued):
		return o2c.NewValidationError("expires", "must be after the issue time")
	}
	for i, l := range c.Lines {
		if l.Invoice.IsZero() {
			return o2c.NewValidationError(fmt.Sprintf("lines[%d].invoice", i), "is required")
		}
	}
	return nil
}

// Sign returns the token of c signed with the current key. A zero Nonce
// is filled with 96 random bits; Issued and Expires are truncated to
// seconds.
func (k *Keyring) Sign(c Claims) (string, error) {
	c.Issued, c.Expires = c.Issued.UTC().Truncate(time.Second), c.Expires.UTC().Truncate(time.Second)
	if err := c.Validate(); err != nil {
		return "", err
	}
	if c.Nonce == "" {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		c.Nonce = base64.RawURLEncoding.EncodeToString(b)
	}
	body, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	head := tokenVersion + "." + k.current + "." + base64.RawURLEncoding.EncodeToString(body)
	return head + "." + base64.RawURLEncoding.EncodeToString(mac(k.keys[k.current], head)), nil
}

func mac(secret []byte, s string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(s))
	return h.Sum(nil)
}

// Verify checks token and returns its claims. In order: the shape
// (ErrTokenMalformed), the key (ErrTokenUnknownKey), the signature in
// constant time (ErrTokenTampered), the tenant (ErrTokenWrongTenant) and
// the expiry at now (ErrTokenExpired; a token is valid up to and
// excluding its expiry second). Every refusal is a *TokenError.
func (k *Keyring) Verify(token string, tenant o2c.TenantID, now time.Time) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != tokenVersion {
		return Claims{}, &TokenError{Reason: ErrTokenMalformed}
	}
	secret, ok := k.keys[parts[1]]
	if !ok {
		return Claims{}, &TokenError{Reason: ErrTokenUnknownKey, KeyID: parts[1]}
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil {
		return Claims{}, &TokenError{Reason: ErrTokenMalformed, KeyID: parts[1], Detail: "signature is not base64url"}
	}
	if !hmac.Equal(sig, mac(secret, strings.Join(parts[:3], "."))) {
		return Claims{}, &TokenError{Reason: ErrTokenTampered, KeyID: parts[1]}
	}
	body, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return Claims{}, &TokenError{Reason: ErrTokenMalformed, KeyID: parts[1], Detail: "payload is not base64url"}
	}
	var c Claims
	if err := json.Unmarshal(body, &c); err != nil {
		return Claims{}, &TokenError{Reason: ErrTokenMalformed, KeyID: parts[1], Detail: "payload: " + err.Error()}
	}
	if c.Tenant != tenant {
		return Claims{}, &TokenError{Reason: ErrTokenWrongTenant, KeyID: parts[1], Detail: fmt.Sprintf("issued for %q, presented to %q", c.Tenant, tenant)}
	}
	if !now.Before(c.Expires) {
		return Claims{}, &TokenError{Reason: ErrTokenExpired, KeyID: parts[1], Detail: "expired at " + c.Expires.Format(time.RFC3339)}
	}
	return c, nil
}
