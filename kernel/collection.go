package kernel

import (
	"context"
	"errors"
	"fmt"

	"github.com/cashcycle/sdk/o2c"
)

// Collection is the typed access to the documents of one kind, made by
// [Declare]. Its methods carry the rules every backend shares.
type Collection[T any] struct {
	kind *Kind
	spec Spec[T]
}

// Kind returns the collection's declaration.
func (c *Collection[T]) Kind() *Kind { return c.kind }

func (c *Collection[T]) checkTenant(s Scope, v *T) error {
	if v == nil {
		return o2c.NewValidationError(c.kind.Name, "is required")
	}
	if err := s.Tenant.Validate(); err != nil {
		return err
	}
	if c.spec.Tenant != nil {
		if t := c.spec.Tenant(v); t != s.Tenant {
			return &o2c.ValidationError{Field: c.kind.Name + ".tenant", Rule: "must be the store's tenant " + string(s.Tenant), Value: string(t)}
		}
	}
	return nil
}

// row builds the backend row of v (index values normalised).
func (c *Collection[T]) row(v *T, version int64) (*Row, error) {
	r := &Row{ID: c.spec.ID(v), Version: version, Doc: v}
	if r.ID == "" {
		return nil, o2c.NewValidationError(c.kind.Name+".id", "is required")
	}
	if len(c.kind.Columns) > 0 {
		vals := c.spec.Index(v)
		if len(vals) != len(c.kind.Columns) {
			return nil, fmt.Errorf("kernel: kind %s: Index returned %d values for %d columns", c.kind.Name, len(vals), len(c.kind.Columns))
		}
		r.Index = make([]any, len(vals))
		for i, col := range c.kind.Columns {
			nv, err := Normalize(col.Type, col.Nullable, vals[i])
			if err != nil {
				return nil, fmt.Errorf("kernel: kind %s: column %s: %w", c.kind.Name, col.Name, err)
			}
			r.Index[i] = nv
		}
	}
	if len(c.kind.Sets) > 0 {
		r.Sets = c.spec.Sets(v)
		if len(r.Sets) != len(c.kind.Sets) {
			return nil, fmt.Errorf("kernel: kind %s: Sets returned %d sets for %d", c.kind.Name, len(r.Sets), len(c.kind.Sets))
		}
		for i, vals := range r.Sets {
			r.Sets[i] = dedupe(vals)
		}
	}
	return r, nil
}

func dedupe(vs []string) []string {
	out := make([]string, 0, len(vs))
	seen := make(map[string]bool, len(vs))
	for _, v := range vs {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func (c *Collection[T]) duplicate(id string, err error) error {
	var dup *DuplicateError
	if !errors.As(err, &dup) {
		return err
	}
	if dup.Key == "" || dup.Key == "id" {
		return fmt.Errorf("%w: %w", o2c.Conflict(c.kind.Name, id, "already exists"), err)
	}
	return fmt.Errorf("%w: %w", o2c.Conflict(c.kind.Name, id, dup.Key+" already used"), err)
}

// Create stores v as version 1 with events, atomically, and sets v's
// version to 1. A document with v's id, or one sharing a unique key, is
// o2c.ErrConflict; another tenant's document or a missing id
// o2c.ErrValidation. On error nothing is written and v is unchanged.
func (c *Collection[T]) Create(ctx context.Context, s Scope, v *T, events ...o2c.Event) error {
	if err := c.checkTenant(s, v); err != nil {
		return err
	}
	if err := CheckEvents(s.Tenant, events); err != nil {
		return err
	}
	ver := c.spec.Version(v)
	old := *ver
	*ver = 1
	r, err := c.row(v, 1)
	if err != nil {
		*ver = old
		return err
	}
	err = s.Backend.Atomic(ctx, func(ctx context.Context) error {
		if err := s.Backend.Insert(ctx, s.Tenant, c.kind, r); err != nil {
			return c.duplicate(r.ID, err)
		}
		return c.appendIn(ctx, s, events)
	})
	if err != nil {
		*ver = old
	}
	return err
}

func (c *Collection[T]) appendIn(ctx context.Context, s Scope, events []o2c.Event) error {
	if len(events) == 0 {
		return nil
	}
	return s.Backend.Append(ctx, s.Tenant, events)
}

// Get returns a copy of the document with id; o2c.ErrNotFound if the
// tenant has none.
func (c *Collection[T]) Get(ctx context.Context, s Scope, id string) (*T, error) {
	v, ok, err := c.Find(ctx, s, id)
	if err == nil && !ok {
		err = o2c.NotFound(c.kind.Name, id)
	}
	return v, err
}

// Find is Get reporting a missing document as ok false.
func (c *Collection[T]) Find(ctx context.Context, s Scope, id string) (*T, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	r, err := s.Backend.Get(ctx, s.Tenant, c.kind, id, NoLock)
	if err != nil || r == nil {
		return nil, false, err
	}
	return c.doc(r), true, nil
}

func (c *Collection[T]) doc(r *Row) *T {
	v := r.Doc.(*T)
	*c.spec.Version(v) = r.Version
	return v
}

// Save writes v over the stored document if the stored version is still
// v's version, with events, atomically, and then sets v's version to the
// next. A stale version is o2c.ErrConflict, a missing document
// o2c.ErrNotFound; on error nothing is written and v is unchanged.
func (c *Collection[T]) Save(ctx context.Context, s Scope, v *T, events ...o2c.Event) error {
	if err := c.checkTenant(s, v); err != nil {
		return err
	}
	if err := CheckEvents(s.Tenant, events); err != nil {
		return err
	}
	return s.Backend.Atomic(ctx, func(ctx context.Context) error { return c.saveIn(ctx, s, v, events) })
}

func (c *Collection[T]) saveIn(ctx context.Context, s Scope, v *T, events []o2c.Event) error {
	ver := c.spec.Version(v)
	prev := *ver
	*ver = prev + 1 // the document records the version it becomes
	r, err := c.row(v, prev+1)
	if err != nil {
		*ver = prev
		return err
	}
	stored, ok, err := s.Backend.Replace(ctx, s.Tenant, c.kind, r, prev)
	switch {
	case err != nil:
		err = c.duplicate(r.ID, err)
	case !ok && stored == 0:
		err = o2c.NotFound(c.kind.Name, r.ID)
	case !ok:
		err = o2c.Conflict(c.kind.Name, r.ID, fmt.Sprintf("version %d is stale, stored version is %d", prev, stored))
	default:
		err = c.appendIn(ctx, s, events)
	}
	if err != nil {
		*ver = prev
	}
	return err
}

// Update loads the document with id, locked for the transaction, lets fn
// change it and return the events the change raised, and saves it with
// them, all atomically; it returns the saved document. fn gets the
// context of the transaction: reads it makes with it see the transaction
// (use it, not the caller's context, or a backend holding one connection
// or one lock waits for itself). fn's error writes nothing and is
// returned as is. A missing document is o2c.ErrNotFound.
func (c *Collection[T]) Update(ctx context.Context, s Scope, id string, fn func(ctx context.Context, v *T) ([]o2c.Event, error)) (*T, error) {
	var out *T
	err := s.Backend.Atomic(ctx, func(ctx context.Context) error {
		r, err := s.Backend.Get(ctx, s.Tenant, c.kind, id, ForUpdate)
		if err != nil {
			return err
		}
		if r == nil {
			return o2c.NotFound(c.kind.Name, id)
		}
		v := c.doc(r)
		events, err := fn(ctx, v)
		if err != nil {
			return err
		}
		if c.spec.ID(v) != id {
			return &o2c.ValidationError{Field: c.kind.Name + ".id", Rule: "must not change", Value: c.spec.ID(v)}
		}
		// a version fn set (a stale copy handed back) is saved against, so
		// it fails as a conflict
		if err := c.checkTenant(s, v); err != nil {
			return err
		}
		if err := CheckEvents(s.Tenant, events); err != nil {
			return err
		}
		if err := c.saveIn(ctx, s, v, events); err != nil {
			return err
		}
		out = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Put writes v whatever is stored: a new document as version 1, else over
// the stored one as its next version (last writer wins), with events,
// atomically. It sets v's version.
func (c *Collection[T]) Put(ctx context.Context, s Scope, v *T, events ...o2c.Event) error {
	if err := c.checkTenant(s, v); err != nil {
		return err
	}
	if err := CheckEvents(s.Tenant, events); err != nil {
		return err
	}
	ver := c.spec.Version(v)
	old := *ver
	err := s.Backend.Atomic(ctx, func(ctx context.Context) error {
		r, err := s.Backend.Get(ctx, s.Tenant, c.kind, c.spec.ID(v), ForUpdate)
		if err != nil {
			return err
		}
		if r == nil {
			*ver = 1
			nr, err := c.row(v, 1)
			if err != nil {
				return err
			}
			if err := s.Backend.Insert(ctx, s.Tenant, c.kind, nr); err != nil {
				return c.duplicate(nr.ID, err)
			}
			return c.appendIn(ctx, s, events)
		}
		*ver = r.Version
		return c.saveIn(ctx, s, v, events)
	})
	if err != nil {
		*ver = old
	}
	return err
}

// Delete removes the document with id, with events, atomically; it reports
// whether there was one.
func (c *Collection[T]) Delete(ctx context.Context, s Scope, id string, events ...o2c.Event) (bool, error) {
	if err := s.Tenant.Validate(); err != nil {
		return false, err
	}
	if err := CheckEvents(s.Tenant, events); err != nil {
		return false, err
	}
	var found bool
	err := s.Backend.Atomic(ctx, func(ctx context.Context) error {
		var err error
		if found, err = s.Backend.Delete(ctx, s.Tenant, c.kind, id); err != nil || !found {
			return err
		}
		return c.appendIn(ctx, s, events)
	})
	return found, err
}

// List returns copies of the documents matching q, in q's order.
func (c *Collection[T]) List(ctx context.Context, s Scope, q Query) ([]*T, error) {
	out, _, err := c.Page(ctx, s, q)
	return out, err
}

// Page is List returning also the cursor of the page's last document
// (for q.After of the next page); "" when the page is the last one
// (shorter than q.Limit, or no limit).
func (c *Collection[T]) Page(ctx context.Context, s Scope, q Query) ([]*T, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	p, err := c.kind.Plan(q)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.Backend.Query(ctx, s.Tenant, c.kind, p)
	if err != nil {
		return nil, "", err
	}
	out := make([]*T, len(rows))
	for i, r := range rows {
		out[i] = c.doc(r)
	}
	next := ""
	if p.Limit > 0 && len(rows) == p.Limit {
		// the index values as the kernel derives them (backends need not
		// return them)
		last := rows[len(rows)-1]
		r, err := c.row(out[len(out)-1], last.Version)
		if err != nil {
			return nil, "", err
		}
		r.Created = last.Created
		next = c.kind.Cursor(p, r)
	}
	return out, next, nil
}

// First returns the first document matching q; o2c.ErrNotFound (naming
// what) when none does.
func (c *Collection[T]) First(ctx context.Context, s Scope, q Query, what, key string) (*T, error) {
	q.Limit = 1
	found, err := c.List(ctx, s, q)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, o2c.NotFound(what, key)
	}
	return found[0], nil
}

// Each calls fn with every document matching q, in q's order, reading in
// pages of size (a cursor walk; q.Limit and q.After are ignored, q.Order
// must be on non-nullable columns). fn's error stops the walk.
func (c *Collection[T]) Each(ctx context.Context, s Scope, q Query, size int, fn func(v *T) error) error {
	q.Limit, q.Offset, q.After = size, 0, ""
	for {
		page, next, err := c.Page(ctx, s, q)
		if err != nil {
			return err
		}
		for _, v := range page {
			if err := fn(v); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		q.After = next
	}
}
