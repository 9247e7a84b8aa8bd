package memory_test

import (
	"context"
	"fmt"
	"testing"
	"time"

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

// bareOrders is the floor of the lifecycle benchmark: an order.Store that
// holds the service's own *order.Order values, no copy, no index, no
// transaction, no outbox; what is left is the domain calls.
type bareOrders struct{ m map[order.ID]*order.Order }

func (s *bareOrders) TenantID() o2c.TenantID { return "acme" }
func (s *bareOrders) Create(_ context.Context, o *order.Order) error {
	o.PullEvents()
	s.m[o.ID()] = o
	return nil
}
func (s *bareOrders) Get(_ context.Context, id order.ID) (*order.Order, error) { return s.m[id], nil }
func (s *bareOrders) Update(_ context.Context, id order.ID, fn func(o *order.Order) error) (*order.Order, error) {
	o := s.m[id]
	if err := fn(o); err != nil {
		return nil, err
	}
	o.PullEvents()
	return o, nil
}
func (s *bareOrders) Save(_ context.Context, o *order.Order) error { o.PullEvents(); return nil }
func (s *bareOrders) List(context.Context, order.Query) ([]*order.Order, error) {
	return nil, nil
}

// BenchmarkPlaceApproveDeliver runs the 5-step order lifecycle on the
// memory adapter and, as the floor in the same run, on bareOrders.
func BenchmarkPlaceApproveDeliver(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		ordertest.BenchPlaceApproveDeliver(b, memory.New().MustTenant("acme").Orders())
	})
	b.Run("bare-domain", func(b *testing.B) {
		ordertest.BenchPlaceApproveDeliver(b, &bareOrders{m: map[order.ID]*order.Order{}})
	})
}

// BenchmarkListOneCustomer lists the 20 orders of one customer among n
// orders of 500 customers: the cost follows the result, not n.
func BenchmarkListOneCustomer(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("orders=%d", n), func(b *testing.B) {
			ctx := context.Background()
			store := memory.New().MustTenant("acme").Orders()
			customers := make([]o2c.CustomerID, 500)
			for i := range customers {
				customers[i] = o2c.NewCustomerID()
			}
			target := o2c.NewCustomerID()
			lines := ordertest.Catalog(1)
			for i := range n {
				c := customers[i%len(customers)]
				if i%(n/20) == 0 {
					c = target
				}
				o, err := order.New("acme", order.Details{Customer: c, Currency: o2c.EUR, Lines: lines}, time.Now())
				if err != nil {
					b.Fatal(err)
				}
				if err := store.Create(ctx, o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				got, err := store.List(ctx, order.Query{Customer: target})
				if err != nil || len(got) != 20 {
					b.Fatalf("%d orders, %v", len(got), err)
				}
			}
		})
	}
}
