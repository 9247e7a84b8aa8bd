package stripe_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/stripe"
	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

const secret = "whsec_test_6a1b2c3d4e5f"

var now = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// payloads in the shape of Stripe's API (2024+ versions), built here.
func succeeded(evt, pi, token string, cents int64) []byte {
	return fmt.Appendf(nil, `{
  "id": %q, "object": "event", "api_version": "2024-06-20", "created": %d, "livemode": false,
  "pending_webhooks": 1, "request": {"id": null, "idempotency_key": null},
  "type": "payment_intent.succeeded",
  "data": {"object": {"id": %q, "object": "payment_intent", "amount": %d, "amount_received": %d,
    "currency": "eur", "status": "succeeded", "payment_method_types": ["card"],
    "latest_charge": "ch_3Q", "metadata": {"cashcycle_token": %q}}}
}`, evt, now.Unix(), pi, cents, cents, token)
}

func TestVerifyStripeSignature(t *testing.T) {
	body := succeeded("evt_1", "pi_1", "tok", 12000)
	h := stripe.Sign(secret, body, now)
	require.NoError(t, stripe.Verify(secret, h, body, now.Add(time.Minute), 0))
	// several signatures while a secret rolls: any v1 may match; v0 ignored
	rolled := "t=" + fmt.Sprint(now.Unix()) + ",v1=" + strings.Repeat("ab", 32) + "," + strings.TrimPrefix(h, "t="+fmt.Sprint(now.Unix())+",") + ",v0=00"
	require.NoError(t, stripe.Verify(secret, rolled, body, now, 0))

	cases := map[string]struct {
		header string
		body   []byte
		at     time.Time
		want   error
	}{
		"altered body":         {h, append([]byte(nil), strings.Replace(string(body), "12000", "1200", 2)...), now, stripe.ErrSignature},
		"other secret":         {stripe.Sign("whsec_other", body, now), body, now, stripe.ErrSignature},
		"replayed later":       {h, body, now.Add(6 * time.Minute), stripe.ErrTimestamp},
		"signed in the future": {h, body, now.Add(-6 * time.Minute), stripe.ErrTimestamp},
		"no header":            {"", body, now, stripe.ErrHeader},
		"no v1":                {"t=" + fmt.Sprint(now.Unix()) + ",v0=abc", body, now, stripe.ErrHeader},
		"bad timestamp":        {strings.Replace(h, "t=", "t=x", 1), body, now, stripe.ErrHeader},
	}
	for name, c := range cases {
		err := stripe.Verify(secret, c.header, c.body, c.at, 0)
		var se *stripe.SignatureError
		require.ErrorAs(t, err, &se, name)
		assert.ErrorIs(t, err, c.want, name)
	}
	// a wider tolerance accepts the late delivery
	require.NoError(t, stripe.Verify(secret, h, body, now.Add(6*time.Minute), 10*time.Minute))
}

func TestParseStripeEvents(t *testing.T) {
	pe, err := stripe.Parse(succeeded("evt_1", "pi_1", "cc1.k.p.s", 12050))
	require.NoError(t, err)
	assert.Equal(t, collect.ProviderEvent{Provider: "stripe", ID: "evt_1", Kind: collect.PaymentSucceeded, Payment: "pi_1",
		Amount: o2c.MustMoney("120.50", "EUR"), Token: "cc1.k.p.s", Method: invoice.MethodCard, Occurred: now}, pe)
	assert.Equal(t, "stripe:evt_1", pe.Key())
	assert.Equal(t, "psp:stripe:pi_1", pe.PaymentKey())

	refund := fmt.Appendf(nil, `{"id":"evt_2","object":"event","created":%d,"type":"refund.created",
	  "data":{"object":{"id":"re_1","object":"refund","amount":5000,"currency":"eur","charge":"ch_3Q","payment_intent":"pi_1","reason":"requested_by_customer","status":"succeeded"}}}`, now.Unix())
	pe, err = stripe.Parse(refund)
	require.NoError(t, err)
	assert.Equal(t, collect.PaymentRefunded, pe.Kind)
	assert.Equal(t, "re_1", pe.Reference)
	assert.Equal(t, o2c.MustMoney("50.00", "EUR"), pe.Amount)

	dispute := fmt.Appendf(nil, `{"id":"evt_3","object":"event","created":%d,"type":"charge.dispute.created",
	  "data":{"object":{"id":"dp_1","object":"dispute","amount":12050,"currency":"eur","charge":"ch_3Q","payment_intent":"pi_1","reason":"fraudulent","status":"needs_response"}}}`, now.Unix())
	pe, err = stripe.Parse(dispute)
	require.NoError(t, err)
	assert.Equal(t, collect.PaymentDisputed, pe.Kind)
	assert.Equal(t, "fraudulent", pe.Reason)

	// a currency without minor units is read as such
	jpy := strings.Replace(string(succeeded("evt_4", "pi_4", "t", 1500)), `"eur"`, `"jpy"`, 1)
	pe, err = stripe.Parse([]byte(jpy))
	require.NoError(t, err)
	assert.Equal(t, o2c.MustMoney("1500", "JPY"), pe.Amount)

	_, err = stripe.Parse([]byte(`{"id":"evt_5","type":"customer.created","data":{"object":{}}}`))
	assert.ErrorIs(t, err, stripe.ErrIgnored)
	_, err = stripe.Parse(succeeded("evt_6", "pi_6", "", 100))
	assert.ErrorIs(t, err, o2c.ErrValidation, "a payment without its pay-link token cannot be applied")
	_, err = stripe.Parse([]byte(`not json`))
	assert.ErrorIs(t, err, o2c.ErrValidation)
}

type recorder struct {
	mu   sync.Mutex
	seen []collect.ProviderEvent
	err  error
}

func (r *recorder) Receive(_ context.Context, e collect.ProviderEvent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, e)
	return r.err
}

func TestHandler(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(&stripe.Handler{Secret: secret, Receiver: rec, Clock: o2c.NewManualClock(now)})
	defer srv.Close()
	post := func(body []byte, sig string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(string(body)))
		req.Header.Set("Stripe-Signature", sig)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	body := succeeded("evt_1", "pi_1", "tok", 100)
	assert.Equal(t, 200, post(body, stripe.Sign(secret, body, now)))
	assert.Equal(t, 400, post(body, stripe.Sign("whsec_wrong", body, now)))
	assert.Equal(t, 400, post(body, ""))
	ignored := []byte(`{"id":"evt_9","type":"customer.created","data":{"object":{}}}`)
	assert.Equal(t, 200, post(ignored, stripe.Sign(secret, ignored, now)))
	require.Len(t, rec.seen, 1, "only the verified, mapped event reached the receiver")

	rec.err = errors.New("database down")
	assert.Equal(t, 500, post(body, stripe.Sign(secret, body, now)), "Stripe retries")
	rec.err = &collect.TokenError{Reason: collect.ErrTokenTampered}
	assert.Equal(t, 400, post(body, stripe.Sign(secret, body, now)))
}
