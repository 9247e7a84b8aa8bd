package memory_test

import (
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/matching/matchingtest"
	"github.com/cashcycle/sdk/o2c"
)

func TestMatchingStoreConformance(t *testing.T) {
	matchingtest.RunStoreTests(t, func(t *testing.T) matchingtest.Harness {
		db := memory.New(memory.WithJSONCheck())
		return matchingtest.Harness{Tx: db, Store: func(t o2c.TenantID) matching.Store { return db.MustTenant(t).Matching() }}
	})
}
