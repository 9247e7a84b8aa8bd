package outbox_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// A minimal delivery loop: read what is pending, hand it over, mark it
// delivered. Receivers deduplicate on the event ID.
func Example() {
	ctx := context.Background()
	var store outbox.Store = memory.New().MustTenant("acme").Outbox()
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, typ := range []string{"invoice.issued", "invoice.paid"} {
		e, _ := o2c.NewEvent("acme", "invoice", "INV-1", typ, at, nil)
		_ = store.Append(ctx, e)
	}
	recs, _ := store.Pending(ctx, 100)
	for _, r := range recs {
		fmt.Println("deliver", r.Seq, r.Event.Type)
		_ = store.MarkDelivered(ctx, r.Event.ID)
	}
	recs, _ = store.Pending(ctx, 100)
	fmt.Println(len(recs), "left")
	// Output:
	// deliver 1 invoice.issued
	// deliver 2 invoice.paid
	// 0 left
}
