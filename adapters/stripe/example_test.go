package stripe_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/adapters/stripe"
)

// The Stripe-Signature header is checked on the raw body before anything
// is read from it.
func ExampleVerify() {
	at := time.Unix(1796292000, 0)
	body := []byte(`{"id":"evt_1","type":"payment_intent.succeeded"}`)
	header := stripe.Sign("whsec_example", body, at)
	fmt.Println(stripe.Verify("whsec_example", header, body, at.Add(time.Minute), 0))
	err := stripe.Verify("whsec_example", header, []byte(`{"id":"evt_2"}`), at, 0)
	fmt.Println(errors.Is(err, stripe.ErrSignature))
	err = stripe.Verify("whsec_example", header, body, at.Add(time.Hour), 0)
	fmt.Println(errors.Is(err, stripe.ErrTimestamp))
	// Output:
	// <nil>
	// true
	// true
}
