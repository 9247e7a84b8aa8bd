package memory_test

import (
	"context"
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/customer/customertest"
	"github.com/cashcycle/sdk/o2c"
)

func TestCustomerStoreConformance(t *testing.T) {
	customertest.RunStoreTests(t, func(t *testing.T) customertest.Harness {
		db := memory.New(memory.WithJSONCheck())
		return customertest.Harness{
			Tx:    db,
			Store: func(tenant o2c.TenantID) customer.Store { return db.MustTenant(tenant).Customers() },
			Events: func(ctx context.Context, tenant o2c.TenantID) ([]o2c.Event, error) {
				recs, err := db.MustTenant(tenant).Outbox().Pending(ctx, 1000)
				if err != nil {
					return nil, err
				}
				events := make([]o2c.Event, len(recs))
				for i, r := range recs {
					events[i] = r.Event
				}
				return events, nil
			},
		}
	})
}
