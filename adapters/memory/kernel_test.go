package memory_test

import (
	"context"
	"testing"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/kernel/kerneltest"
	"github.com/cashcycle/sdk/o2c"
)

func pendingEvents(db *memory.DB) func(ctx context.Context, tenant o2c.TenantID) ([]o2c.Event, error) {
	return func(ctx context.Context, tenant o2c.TenantID) ([]o2c.Event, error) {
		recs, err := db.MustTenant(tenant).Outbox().Pending(ctx, 1000)
		if err != nil {
			return nil, err
		}
		events := make([]o2c.Event, len(recs))
		for i, r := range recs {
			events[i] = r.Event
		}
		return events, nil
	}
}

func TestKernelBackend(t *testing.T) {
	kerneltest.RunBackendTests(t, func(t *testing.T) kerneltest.Harness {
		db := memory.New()
		return kerneltest.Harness{Backend: db, Events: pendingEvents(db)}
	})
}

// The same suite on documents kept as JSON round trips (WithJSONCheck),
// the mode the domain conformance suites run in.
func TestKernelBackendJSONCheck(t *testing.T) {
	kerneltest.RunBackendTests(t, func(t *testing.T) kerneltest.Harness {
		db := memory.New(memory.WithJSONCheck())
		return kerneltest.Harness{Backend: db, Events: pendingEvents(db)}
	})
}
