package webhook_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/adapters/webhook"
)

// A sender signs the raw body under the idempotency key; the receiver
// verifies the raw body it got before decoding it, and deduplicates on
// webhook-id.
func ExampleVerify() {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	sent := time.Unix(1614265330, 0)
	body := []byte(`{"test": 2432232314}`)

	h, _ := webhook.Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", sent, body)
	fmt.Println(h.Get("webhook-id"))
	fmt.Println(h.Get("webhook-timestamp"))
	fmt.Println(h.Get("webhook-signature"))

	fmt.Println(webhook.Verify(secret, h, body, sent.Add(time.Minute), 0))
	err := webhook.Verify(secret, h, []byte(`{"test": 1}`), sent, 0)
	fmt.Println(errors.Is(err, webhook.ErrSignature))
	err = webhook.Verify(secret, h, body, sent.Add(time.Hour), 5*time.Minute)
	fmt.Println(errors.Is(err, webhook.ErrTimestamp))
	// Output:
	// msg_p5jXN8AQM9LWM0D4loKWxJek
	// 1614265330
	// v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
	// <nil>
	// true
	// true
}
