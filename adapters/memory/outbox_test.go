package memory_test

import (
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/outbox/outboxtest"
)

func TestOutboxConformance(t *testing.T) {
	outboxtest.RunStoreTests(t, outboxHarness)
}

func TestOutboxDispatchConformance(t *testing.T) {
	outboxtest.RunDispatchTests(t, outboxHarness)
}

func outboxHarness(*testing.T) outboxtest.Harness {
	db := memory.New()
	return outboxtest.Harness{
		Tx:    db,
		Store: func(tenant o2c.TenantID) outbox.Store { return db.MustTenant(tenant).Outbox() },
	}
}
