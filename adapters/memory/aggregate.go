package memory

import (
	"context"

	"github.com/cashcycle/sdk/o2c"
)

// aggregates keeps aggregates of type A in a table of their snapshots S:
// the Create/Save/Get/Update that the domain stores share.
type aggregates[A, S any] struct {
	table    func(*DB) *table[S]
	kind     string // what the tenant check calls an A: "invoice"
	snapshot func(*A) S
	restore  func(S) (*A, error)
	tenant   func(*A) o2c.TenantID
	events   func(*A) []o2c.Event // the pending events, written with the row
	// check, when set, replaces the default tenant check.
	check func(store o2c.TenantID, a *A) error
	// pull, when set, takes the events in update instead of events.
	pull func(*A) []o2c.Event
}

func (g *aggregates[A, S]) checkTenant(store o2c.TenantID, a *A) error {
	if g.check != nil {
		return g.check(store, a)
	}
	if a == nil {
		return o2c.NewValidationError(g.kind, "is required")
	}
	if t := g.tenant(a); t != store {
		return &o2c.ValidationError{Field: g.kind + ".tenant", Rule: "must be the store's tenant " + string(store), Value: string(t)}
	}
	return nil
}

// reload replaces a by the aggregate as stored (new version, no pending
// events).
func (g *aggregates[A, S]) reload(a *A, snap S) error {
	fresh, err := g.restore(snap)
	if err != nil {
		return err
	}
	*a = *fresh
	return nil
}

func (g *aggregates[A, S]) get(ctx context.Context, db *DB, tenant o2c.TenantID, id string) (*A, error) {
	snap, err := g.table(db).get(ctx, db, tenant, id)
	if err != nil {
		return nil, err
	}
	return g.restore(*snap)
}

// update rebuilds the stored aggregate, runs fn and then check (given the
// snapshot as it was), and stores the result with its events.
func (g *aggregates[A, S]) update(ctx context.Context, db *DB, tenant o2c.TenantID, id string, fn func(*A) error, check func(before *S, a *A) error) (*A, error) {
	snap, err := g.table(db).update(ctx, db, tenant, id, func(doc *S) ([]o2c.Event, error) {
		a, err := g.restore(*doc)
		if err != nil {
			return nil, err
		}
		if err := fn(a); err != nil {
			return nil, err
		}
		if err := check(doc, a); err != nil {
			return nil, err
		}
		take := g.events
		if g.pull != nil {
			take = g.pull
		}
		events := take(a)
		*doc = g.snapshot(a)
		return events, nil
	})
	if err != nil {
		return nil, err
	}
	return g.restore(*snap)
}
