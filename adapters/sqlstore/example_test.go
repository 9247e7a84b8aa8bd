package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/o2c"
)

// Open the embedded default, bind a tenant, and write an event in a
// transaction: a failed transaction leaves nothing behind.
func ExampleOpenSQLite() {
	ctx := context.Background()
	db, err := sqlstore.OpenSQLite(ctx, ":memory:", sqlstore.Options{})
	if err != nil {
		panic(err)
	}
	defer db.Close()
	acme := db.MustTenant("acme")

	placed, _ := o2c.NewEvent("acme", "order", "SO-1", "order.placed", time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), nil)
	err = db.InTx(ctx, func(ctx context.Context) error {
		if err := acme.Outbox().Append(ctx, placed); err != nil {
			return err
		}
		return errors.New("credit check failed")
	})
	pending, _ := acme.Outbox().Pending(ctx, 10)
	fmt.Println(err, "-", len(pending), "pending")

	_ = db.InTx(ctx, func(ctx context.Context) error { return acme.Outbox().Append(ctx, placed) })
	pending, _ = acme.Outbox().Pending(ctx, 10)
	fmt.Println(len(pending), "pending:", pending[0].Event.Type)

	globex := db.MustTenant("globex")
	theirs, _ := globex.Outbox().Pending(ctx, 10)
	fmt.Println("globex sees", len(theirs))
	// Output:
	// credit check failed - 0 pending
	// 1 pending: order.placed
	// globex sees 0
}
