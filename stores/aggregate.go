package stores

import (
	"context"

	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// aggregates keeps aggregates of type A as documents of their snapshots S:
// the Create/Save/Get/Update/List every aggregate store shares.
type aggregates[A, S any] struct {
	docs     *kernel.Collection[S]
	snapshot func(*A) S
	restore  func(S) (*A, error)
	// check is the domain's tenant check (nil aggregate included).
	check   func(store o2c.TenantID, a *A) error
	version func(*A) int64
	id      func(*A) string
	// pending returns the events to write with a Create or Save; pull
	// takes them in an Update.
	pending, pull func(*A) []o2c.Event
}

// reload replaces a by the aggregate as stored (new version, no pending
// events).
func (g *aggregates[A, S]) reload(a *A, snap *S) error {
	fresh, err := g.restore(*snap)
	if err != nil {
		return err
	}
	*a = *fresh
	return nil
}

// create inserts a as version 1 with its pending events and reloads it.
func (g *aggregates[A, S]) create(ctx context.Context, s kernel.Scope, a *A) error {
	if err := g.check(s.Tenant, a); err != nil {
		return err
	}
	if g.version(a) != 0 {
		return &o2c.ValidationError{Field: "version", Rule: "must be 0: the " + g.docs.Kind().Name + " is stored already (use Save or Update)"}
	}
	snap := g.snapshot(a)
	if err := g.docs.Create(ctx, s, &snap, g.pending(a)...); err != nil {
		return err
	}
	return g.reload(a, &snap)
}

// save writes a over its stored version with its pending events and
// reloads it.
func (g *aggregates[A, S]) save(ctx context.Context, s kernel.Scope, a *A) error {
	if err := g.check(s.Tenant, a); err != nil {
		return err
	}
	snap := g.snapshot(a)
	if err := g.docs.Save(ctx, s, &snap, g.pending(a)...); err != nil {
		return err
	}
	return g.reload(a, &snap)
}

func (g *aggregates[A, S]) get(ctx context.Context, s kernel.Scope, id string) (*A, error) {
	snap, err := g.docs.Get(ctx, s, id)
	if err != nil {
		return nil, err
	}
	return g.restore(*snap)
}

// update rebuilds the stored aggregate, runs fn, refuses a replaced
// aggregate (another id or tenant) and stores the result with its events.
// check, when set, sees the snapshot as it was and the changed aggregate.
func (g *aggregates[A, S]) update(ctx context.Context, s kernel.Scope, id string, fn func(*A) error, check func(before *S, a *A) error) (*A, error) {
	snap, err := g.docs.Update(ctx, s, id, func(_ context.Context, doc *S) ([]o2c.Event, error) {
		a, err := g.restore(*doc)
		if err != nil {
			return nil, err
		}
		if err := fn(a); err != nil {
			return nil, err
		}
		if g.id(a) != id || g.check(s.Tenant, a) != nil {
			return nil, &o2c.ValidationError{Field: g.docs.Kind().Name, Rule: "the update must change the " + g.docs.Kind().Name + " it was given, not replace it"}
		}
		if check != nil {
			if err := check(doc, a); err != nil {
				return nil, err
			}
		}
		events := g.pull(a)
		*doc = g.snapshot(a)
		return events, nil
	})
	if err != nil {
		return nil, err
	}
	return g.restore(*snap)
}

// list restores the aggregates of a query.
func (g *aggregates[A, S]) list(ctx context.Context, s kernel.Scope, q kernel.Query) ([]*A, error) {
	snaps, err := g.docs.List(ctx, s, q)
	if err != nil {
		return nil, err
	}
	out := make([]*A, len(snaps))
	for i, sn := range snaps {
		if out[i], err = g.restore(*sn); err != nil {
			return nil, err
		}
	}
	return out, nil
}
