package memory_test

import (
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/order/ordertest"
	"github.com/cashcycle/sdk/outbox"
)

func TestOrderStoreConformance(t *testing.T) {
	ordertest.RunStoreTests(t, func(t *testing.T) ordertest.Harness {
		db := memory.New(memory.WithJSONCheck())
		return ordertest.Harness{
			Tx:     db,
			Store:  func(tenant o2c.TenantID) order.Store { return db.MustTenant(tenant).Orders() },
			Outbox: func(tenant o2c.TenantID) outbox.Store { return db.MustTenant(tenant).Outbox() },
		}
	})
}

func BenchmarkPlaceApproveDeliver(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		ordertest.BenchPlaceApproveDeliver(b, memory.New().MustTenant("acme").Orders())
	})
}
