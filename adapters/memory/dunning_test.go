package memory_test

import (
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/dunning/dunningtest"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

func TestDunningStoreConformance(t *testing.T) {
	dunningtest.RunStoreTests(t, func(t *testing.T) dunningtest.Harness {
		db := memory.New(memory.WithJSONCheck())
		return dunningtest.Harness{
			Tx:     db,
			Store:  func(t o2c.TenantID) dunning.Store { return db.MustTenant(t).Dunning() },
			Outbox: func(t o2c.TenantID) outbox.Store { return db.MustTenant(t).Outbox() },
		}
	})
}
