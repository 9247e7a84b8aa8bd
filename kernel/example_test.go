package kernel_test

import (
	"context"
	"fmt"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// Quote is a document a store keeps on the kernel.
type Quote struct {
	ID       string
	Tenant   o2c.TenantID
	Version  int64
	Customer string
	Status   string
	Total    int64 // cents
}

// quotes declares the kind once: its table and the columns queries use.
var quotes = kernel.Declare(kernel.Kind{
	Name:  "quote",
	Table: "o2c_example_quotes",
	Columns: []kernel.Column{
		{Name: "customer", Type: kernel.Text},
		{Name: "status", Type: kernel.Text},
		{Name: "total", Type: kernel.Int},
	},
}, kernel.Spec[Quote]{
	ID:      func(q *Quote) string { return q.ID },
	Version: func(q *Quote) *int64 { return &q.Version },
	Tenant:  func(q *Quote) o2c.TenantID { return q.Tenant },
	Index:   func(q *Quote) []any { return []any{q.Customer, q.Status, q.Total} },
	Clone:   func(q *Quote) *Quote { c := *q; return &c },
})

func Example() {
	ctx := context.Background()
	scope := memory.New().MustTenant("acme").Kernel() // or an sqlstore tenant's Kernel()

	for i, c := range []string{"C-1", "C-2", "C-1", "C-1"} {
		q := &Quote{ID: fmt.Sprintf("Q-%d", i+1), Tenant: scope.Tenant, Customer: c, Status: "draft", Total: int64(100 * (i + 1))}
		if err := quotes.Create(ctx, scope, q); err != nil {
			panic(err)
		}
	}
	// read-modify-write under the row lock, in one transaction
	q, err := quotes.Update(ctx, scope, "Q-3", func(ctx context.Context, q *Quote) ([]o2c.Event, error) {
		q.Status = "sent"
		return nil, nil
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(q.ID, q.Status, "version", q.Version)

	// a filtered, ordered listing, two per page, with a cursor
	query := kernel.Query{
		Where: []kernel.Filter{kernel.Eq("customer", "C-1")},
		Order: []kernel.Sort{kernel.Desc("total")},
		Limit: 2,
	}
	for {
		page, next, err := quotes.Page(ctx, scope, query)
		if err != nil {
			panic(err)
		}
		for _, q := range page {
			fmt.Println(q.ID, q.Total, q.Status)
		}
		if next == "" {
			break
		}
		query.After = next
	}
	// Output:
	// Q-3 sent version 2
	// Q-4 400 draft
	// Q-3 300 sent
	// Q-1 100 draft
}
