package sqlstore_test

import (
	"context"
	"testing"
	"time"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
	"github.com/cashcycle/sdk/o2c"
)

// BenchmarkOutboxAppend measures one committed transaction appending one
// event: the fixed cost every state change pays.
func BenchmarkOutboxAppend(b *testing.B) {
	for _, tc := range []struct {
		name string
		open func(b *testing.B) *sqlstore.DB
	}{
		{"sqlite", func(b *testing.B) *sqlstore.DB { return sqltest.SQLite(b, sqlstore.Options{}) }},
		{"postgres", func(b *testing.B) *sqlstore.DB { return sqltest.Postgres(b, sqlstore.Options{}) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			db := tc.open(b)
			ctx := context.Background()
			ob := db.MustTenant("acme").Outbox()
			at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
			b.ReportAllocs()
			for b.Loop() {
				e, err := o2c.NewEvent("acme", "order", "SO-1", "order.placed", at, nil)
				if err != nil {
					b.Fatal(err)
				}
				if err := db.InTx(ctx, func(ctx context.Context) error { return ob.Append(ctx, e) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
