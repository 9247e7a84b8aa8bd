// Package riskstore keeps the state risk needs on the storage kernel,
// written once for every backend (memory, SQLite, PostgreSQL): insurance
// covers and insurer tasks, factoring contracts and assignments (a due
// line is assigned at most once), and the closings of the French specific
// provision. Take a kernel.Scope from any adapter's tenant
// (tenant.Kernel()).
package riskstore

import (
	"context"
	"fmt"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/risk/factoring"
	"github.com/cashcycle/sdk/risk/insurance"
	"github.com/cashcycle/sdk/risk/provision"
)

type coverDoc struct {
	Tenant  o2c.TenantID    `json:"tenant"`
	Version int64           `json:"version"`
	Cover   insurance.Cover `json:"cover"`
}

type taskDoc struct {
	Tenant  o2c.TenantID   `json:"tenant"`
	Version int64          `json:"version"`
	Task    insurance.Task `json:"task"`
}

type contractDoc struct {
	Tenant   o2c.TenantID       `json:"tenant"`
	Version  int64              `json:"version"`
	Contract factoring.Contract `json:"contract"`
}

type assignmentDoc struct {
	Tenant     o2c.TenantID         `json:"tenant"`
	Version    int64                `json:"version"`
	Assignment factoring.Assignment `json:"assignment"`
}

type closingDoc struct {
	Tenant  o2c.TenantID      `json:"tenant"`
	Version int64             `json:"version"`
	Closing provision.Closing `json:"closing"`
}

func assignmentID(inv invoice.ID, seq int) string { return fmt.Sprintf("%s/%d", inv, seq) }

var (
	covers = kernel.Declare(kernel.Kind{Name: "insurance cover", Table: "o2c_risk_covers",
		Columns: []kernel.Column{{Name: "buyer", Type: kernel.Text}, {Name: "until", Type: kernel.Date}}},
		kernel.Spec[coverDoc]{
			ID:      func(d *coverDoc) string { return d.Cover.Key() },
			Version: func(d *coverDoc) *int64 { return &d.Version },
			Tenant:  func(d *coverDoc) o2c.TenantID { return d.Tenant },
			Index:   func(d *coverDoc) []any { return []any{d.Cover.Buyer, d.Cover.Until} },
		})
	tasks = kernel.Declare(kernel.Kind{Name: "insurer task", Table: "o2c_risk_tasks",
		Columns: []kernel.Column{{Name: "status", Type: kernel.Text}, {Name: "due", Type: kernel.Date}, {Name: "buyer", Type: kernel.Text}}},
		kernel.Spec[taskDoc]{
			ID:      func(d *taskDoc) string { return d.Task.Key },
			Version: func(d *taskDoc) *int64 { return &d.Version },
			Tenant:  func(d *taskDoc) o2c.TenantID { return d.Tenant },
			Index:   func(d *taskDoc) []any { return []any{string(d.Task.Status), d.Task.Due, d.Task.Buyer} },
		})
	contracts = kernel.Declare(kernel.Kind{Name: "factoring contract", Table: "o2c_risk_factoring_contracts"},
		kernel.Spec[contractDoc]{
			ID:      func(d *contractDoc) string { return d.Contract.Code },
			Version: func(d *contractDoc) *int64 { return &d.Version },
			Tenant:  func(d *contractDoc) o2c.TenantID { return d.Tenant },
			Index:   func(*contractDoc) []any { return nil },
		})
	assignments = kernel.Declare(kernel.Kind{Name: "factoring assignment", Table: "o2c_risk_factoring_assignments",
		Columns: []kernel.Column{{Name: "contract", Type: kernel.Text}, {Name: "schedule", Type: kernel.Text}}},
		kernel.Spec[assignmentDoc]{
			ID:      func(d *assignmentDoc) string { return assignmentID(d.Assignment.Invoice, d.Assignment.Seq) },
			Version: func(d *assignmentDoc) *int64 { return &d.Version },
			Tenant:  func(d *assignmentDoc) o2c.TenantID { return d.Tenant },
			Index:   func(d *assignmentDoc) []any { return []any{d.Assignment.Contract, d.Assignment.Schedule} },
		})
	closings = kernel.Declare(kernel.Kind{Name: "provision closing", Table: "o2c_risk_provision_closings",
		Columns: []kernel.Column{{Name: "closed_on", Type: kernel.Date}}},
		kernel.Spec[closingDoc]{
			ID:      func(d *closingDoc) string { return d.Closing.Currency.Code() + "/" + d.Closing.Date.String() },
			Version: func(d *closingDoc) *int64 { return &d.Version },
			Tenant:  func(d *closingDoc) o2c.TenantID { return d.Tenant },
			Index:   func(d *closingDoc) []any { return []any{d.Closing.Date} },
		})
)

// Store is a tenant's risk state.
type Store struct{ scope kernel.Scope }

// New returns the store of the scope's tenant.
func New(scope kernel.Scope) *Store { return &Store{scope: scope} }

// PutCover validates and stores a cover (replacing the one with the same
// insurer and reference).
func (s *Store) PutCover(ctx context.Context, c insurance.Cover) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return covers.Put(ctx, s.scope, &coverDoc{Tenant: s.scope.Tenant, Cover: c})
}

// Covers returns the buyer's covers (every buyer's when buyer is zero).
func (s *Store) Covers(ctx context.Context, buyer o2c.CustomerID) ([]insurance.Cover, error) {
	q := kernel.Query{Order: []kernel.Sort{kernel.Asc("until")}}
	if !buyer.IsZero() {
		q.Where = []kernel.Filter{kernel.Eq("buyer", buyer)}
	}
	var out []insurance.Cover
	err := covers.Each(ctx, s.scope, q, 500, func(d *coverDoc) error { out = append(out, d.Cover); return nil })
	return out, err
}

// AddTasks stores what insurance.PlanTasks returned: new tasks are
// created, known ones (cancelled) updated. A task raised twice by
// concurrent planners is created once (the second is o2c.ErrConflict,
// ignored).
func (s *Store) AddTasks(ctx context.Context, ts []insurance.Task) error {
	return s.scope.InTx(ctx, func(ctx context.Context) error {
		for _, t := range ts {
			if _, ok, err := tasks.Find(ctx, s.scope, t.Key); err != nil {
				return err
			} else if ok {
				if _, err := tasks.Update(ctx, s.scope, t.Key, func(_ context.Context, d *taskDoc) ([]o2c.Event, error) {
					v := d.Version
					d.Task = t
					d.Task.Version = v
					return nil, nil
				}); err != nil {
					return err
				}
				continue
			}
			if err := tasks.Create(ctx, s.scope, &taskDoc{Tenant: s.scope.Tenant, Task: t}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Tasks returns the tasks with status (all when empty), by due date.
func (s *Store) Tasks(ctx context.Context, status insurance.TaskStatus) ([]insurance.Task, error) {
	q := kernel.Query{Order: []kernel.Sort{kernel.Asc("due")}}
	if status != "" {
		q.Where = []kernel.Filter{kernel.Eq("status", string(status))}
	}
	var out []insurance.Task
	err := tasks.Each(ctx, s.scope, q, 500, func(d *taskDoc) error {
		t := d.Task
		t.Version = d.Version
		out = append(out, t)
		return nil
	})
	return out, err
}

// CompleteTask marks a task done on d with the insurer's reference, under
// the row lock. Errors: o2c.ErrNotFound, insurance.ErrTaskClosed, a
// *o2c.ValidationError.
func (s *Store) CompleteTask(ctx context.Context, key string, d o2c.Date, reference string) (insurance.Task, error) {
	doc, err := tasks.Update(ctx, s.scope, key, func(_ context.Context, doc *taskDoc) ([]o2c.Event, error) {
		return nil, doc.Task.Complete(d, reference)
	})
	if err != nil {
		return insurance.Task{}, err
	}
	return doc.Task, nil
}

// CreateContract stores a new contract. Errors: *o2c.ValidationError,
// o2c.ErrConflict when the code is taken.
func (s *Store) CreateContract(ctx context.Context, c factoring.Contract) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return contracts.Create(ctx, s.scope, &contractDoc{Tenant: s.scope.Tenant, Contract: c})
}

// Contract returns the contract, or o2c.ErrNotFound.
func (s *Store) Contract(ctx context.Context, code string) (factoring.Contract, error) {
	d, err := contracts.Get(ctx, s.scope, code)
	if err != nil {
		return factoring.Contract{}, err
	}
	c := d.Contract
	c.Version = d.Version
	return c, nil
}

// Assign marks the schedule's receivables assigned, all or nothing: a due
// line already assigned (to any contract) is o2c.ErrConflict and nothing
// is written. Assigning the same schedule again is a conflict too.
func (s *Store) Assign(ctx context.Context, sc factoring.Schedule) error {
	return s.scope.InTx(ctx, func(ctx context.Context) error {
		for _, a := range sc.Assignments() {
			if err := assignments.Create(ctx, s.scope, &assignmentDoc{Tenant: s.scope.Tenant, Assignment: a}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Assigned returns every assigned due line, for factoring.Input.Assigned.
func (s *Store) Assigned(ctx context.Context) (map[invoice.DueLineKey]bool, error) {
	out := map[invoice.DueLineKey]bool{}
	err := assignments.Each(ctx, s.scope, kernel.Query{}, 500, func(d *assignmentDoc) error {
		out[invoice.DueLineKey{Invoice: d.Assignment.Invoice, Seq: d.Assignment.Seq}] = true
		return nil
	})
	return out, err
}

// SaveClosing stores a provision closing (one per currency and date);
// a closing already stored for that day is o2c.ErrConflict: closings are
// not rewritten.
func (s *Store) SaveClosing(ctx context.Context, c provision.Closing) error {
	if c.Date.IsZero() || c.Currency.IsZero() {
		return o2c.NewValidationError("closing", "date and currency are required")
	}
	return closings.Create(ctx, s.scope, &closingDoc{Tenant: s.scope.Tenant, Closing: c})
}

// LastClosing returns the latest closing in cur strictly before d (the
// opening of the next movement), or o2c.ErrNotFound.
func (s *Store) LastClosing(ctx context.Context, cur o2c.Currency, d o2c.Date) (provision.Closing, error) {
	list, err := closings.List(ctx, s.scope, kernel.Query{Where: []kernel.Filter{kernel.Lt("closed_on", d)}, Order: []kernel.Sort{kernel.Desc("closed_on")}})
	if err != nil {
		return provision.Closing{}, err
	}
	for _, c := range list {
		if c.Closing.Currency == cur {
			return c.Closing, nil
		}
	}
	return provision.Closing{}, o2c.NotFound("provision closing", cur.Code()+" before "+d.String())
}
