package collect_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

var (
	keyA = collect.Key{ID: "2026-11", Secret: bytes.Repeat([]byte("a"), 32)}
	keyB = collect.Key{ID: "2026-12", Secret: bytes.Repeat([]byte("b"), 32)}
	t0   = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
)

func claims() collect.Claims {
	return collect.Claims{Tenant: "acme", Customer: o2c.NewCustomerID(),
		Lines:  []collect.LinkLine{{Invoice: o2c.NewID[invoice.Invoice](), Number: "INV-1"}},
		Amount: o2c.MustMoney("120.00", "EUR"), Issued: t0, Expires: t0.Add(72 * time.Hour)}
}

func TestTokenRoundTrip(t *testing.T) {
	ring, err := collect.NewKeyring(keyA)
	require.NoError(t, err)
	c := claims()
	tok, err := ring.Sign(c)
	require.NoError(t, err)
	got, err := ring.Verify(tok, "acme", t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, c.Customer, got.Customer)
	assert.Equal(t, c.Lines, got.Lines)
	assert.True(t, c.Amount.Equal(got.Amount))
	assert.NotEmpty(t, got.Nonce)
	tok2, _ := ring.Sign(c)
	assert.NotEqual(t, tok, tok2, "each token has its own nonce")
}

func refusal(t *testing.T, err error, want error) {
	t.Helper()
	var te *collect.TokenError
	require.ErrorAs(t, err, &te)
	assert.ErrorIs(t, err, want)
}

func TestTokenCannotBeAltered(t *testing.T) {
	ring, _ := collect.NewKeyring(keyA)
	tok, _ := ring.Sign(claims())
	parts := strings.Split(tok, ".")
	body, _ := base64.RawURLEncoding.DecodeString(parts[2])
	// raise nothing, lower the amount: any change of the payload is refused
	altered := bytes.Replace(body, []byte(`"120.00"`), []byte(`"1.00"`), 1)
	require.NotEqual(t, body, altered)
	parts[2] = base64.RawURLEncoding.EncodeToString(altered)
	_, err := ring.Verify(strings.Join(parts, "."), "acme", t0)
	refusal(t, err, collect.ErrTokenTampered)

	// a flipped signature bit
	sig, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[3])
	sig[0] ^= 1
	p2 := strings.Split(tok, ".")
	p2[3] = base64.RawURLEncoding.EncodeToString(sig)
	_, err = ring.Verify(strings.Join(p2, "."), "acme", t0)
	refusal(t, err, collect.ErrTokenTampered)

	// signed with another secret under the same key ID
	forger, _ := collect.NewKeyring(collect.Key{ID: keyA.ID, Secret: bytes.Repeat([]byte("x"), 32)})
	forged, _ := forger.Sign(claims())
	_, err = ring.Verify(forged, "acme", t0)
	refusal(t, err, collect.ErrTokenTampered)

	for _, junk := range []string{"", "abc", "cc1.2026-11.e30", "v2.a.b.c", tok + "."} {
		_, err = ring.Verify(junk, "acme", t0)
		refusal(t, err, collect.ErrTokenMalformed)
	}
}

func TestTokenExpires(t *testing.T) {
	ring, _ := collect.NewKeyring(keyA)
	c := claims()
	tok, _ := ring.Sign(c)
	_, err := ring.Verify(tok, "acme", c.Expires.Add(-time.Second))
	require.NoError(t, err)
	_, err = ring.Verify(tok, "acme", c.Expires)
	refusal(t, err, collect.ErrTokenExpired)
	_, err = ring.Verify(tok, "acme", c.Expires.Add(24*time.Hour))
	refusal(t, err, collect.ErrTokenExpired)
	assert.ErrorContains(t, err, "2026-12-06T10:00:00Z")
}

func TestTokenOfAnotherTenantIsRefused(t *testing.T) {
	ring, _ := collect.NewKeyring(keyA) // one keyring shared by the host's tenants
	tok, _ := ring.Sign(claims())
	_, err := ring.Verify(tok, "globex", t0)
	refusal(t, err, collect.ErrTokenWrongTenant)
}

func TestKeyRotationKeepsOldTokensUntilExpiry(t *testing.T) {
	old, _ := collect.NewKeyring(keyA)
	oldTok, _ := old.Sign(claims())
	rotated, err := collect.NewKeyring(keyB, keyA)
	require.NoError(t, err)
	assert.Equal(t, "2026-12", rotated.CurrentKeyID())
	newTok, _ := rotated.Sign(claims())
	assert.True(t, strings.HasPrefix(newTok, "cc1.2026-12."))
	_, err = rotated.Verify(oldTok, "acme", t0.Add(time.Hour))
	require.NoError(t, err, "a token of the previous key stays valid")
	_, err = rotated.Verify(oldTok, "acme", t0.Add(72*time.Hour))
	refusal(t, err, collect.ErrTokenExpired)
	// once the old key is retired, its tokens are refused by key
	retired, _ := collect.NewKeyring(keyB)
	_, err = retired.Verify(oldTok, "acme", t0.Add(time.Hour))
	refusal(t, err, collect.ErrTokenUnknownKey)
	_, err = old.Verify(newTok, "acme", t0)
	refusal(t, err, collect.ErrTokenUnknownKey)
}

func TestKeyringValidation(t *testing.T) {
	_, err := collect.NewKeyring(collect.Key{ID: "k", Secret: []byte("short")})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = collect.NewKeyring(collect.Key{ID: "bad.id", Secret: keyA.Secret})
	assert.ErrorIs(t, err, o2c.ErrValidation)
	_, err = collect.NewKeyring(keyA, keyA)
	assert.ErrorContains(t, err, "unique")
	ring, _ := collect.NewKeyring(keyA)
	c := claims()
	c.Lines = nil
	_, err = ring.Sign(c)
	assert.ErrorIs(t, err, o2c.ErrValidation)
	c = claims()
	c.Expires = c.Issued
	_, err = ring.Sign(c)
	assert.ErrorIs(t, err, o2c.ErrValidation)
}
