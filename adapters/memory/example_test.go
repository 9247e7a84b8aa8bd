package memory_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/o2c"
)

// The in-memory database behaves like the SQL ones: tenant-bound handles,
// transactions that roll back completely.
func ExampleNew() {
	ctx := context.Background()
	db := memory.New(memory.WithClock(o2c.NewManualClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))))
	acme := db.MustTenant("acme")
	e, _ := o2c.NewEvent("acme", "invoice", "INV-1", "invoice.issued", time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), nil)
	_ = acme.Outbox().Append(ctx, e)
	pending, _ := acme.Outbox().Pending(ctx, 10)
	fmt.Println(len(pending), pending[0].Event.Type)
	_ = acme.Outbox().MarkDelivered(ctx, e.ID)
	pending, _ = acme.Outbox().Pending(ctx, 10)
	fmt.Println(len(pending))
	// Output:
	// 1 invoice.issued
	// 0
}
