package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// A dispatcher delivers at least once: a failing receiver is retried with
// exponential backoff, and a record is dead-lettered after MaxAttempts.
// Hosts call Dispatch on a schedule or run Run in a goroutine of their own.
func ExampleDispatcher() {
	ctx := context.Background()
	clock := o2c.NewManualClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	store := memory.New().MustTenant("acme").Dispatch()
	for _, typ := range []string{"invoice.issued", "invoice.cancelled"} {
		e, _ := o2c.NewEvent("acme", "invoice", "INV-1", typ, clock.Now(), nil)
		_ = store.Append(ctx, e)
	}
	tries := 0
	d := &outbox.Dispatcher{
		Store:       store,
		Clock:       clock,
		MaxAttempts: 3,
		Backoff:     outbox.Backoff{Initial: time.Minute, Max: time.Hour},
		Handler: func(ctx context.Context, r outbox.Record) error {
			if r.Event.Type == "invoice.cancelled" {
				return errors.New("receiver refuses cancellations")
			}
			if tries++; tries == 1 {
				return errors.New("receiver down")
			}
			fmt.Println("delivered", r.Event.Type, "on attempt", r.Attempts+1)
			return nil
		},
		OnError: func(r outbox.Record, err error) {
			fmt.Printf("attempt %d of %s failed: %v\n", r.Attempts+1, r.Event.Type, err)
		},
	}
	for range 3 {
		_, _ = d.Dispatch(ctx)
		clock.Advance(2 * time.Minute)
	}
	dead, _ := store.Dead(ctx, 10)
	for _, r := range dead {
		fmt.Println("dead:", r.Event.Type, "after", r.Attempts, "attempts:", r.LastError)
	}
	// Output:
	// attempt 1 of invoice.issued failed: receiver down
	// attempt 1 of invoice.cancelled failed: receiver refuses cancellations
	// delivered invoice.issued on attempt 2
	// attempt 2 of invoice.cancelled failed: receiver refuses cancellations
	// attempt 3 of invoice.cancelled failed: receiver refuses cancellations
	// dead: invoice.cancelled after 3 attempts: receiver refuses cancellations
}
