package report

import (
	"context"

	"github.com/cashcycle/sdk/o2c"
)

// AgingSource ages a tenant's receivables where they are stored. It is
// owned here, the consumer; the adapters implement it (adapters/memory
// over the documents' history, adapters/sqlstore in the database for today's
// open items). Every implementation returns what [AgingOf] returns over
// the same invoices (through [ItemsFromInvoices]).
//
// Errors: a *o2c.ValidationError for bad options or a zero asOf; the
// store's own errors otherwise.
type AgingSource interface {
	AgingTotals(ctx context.Context, asOf o2c.Date, opts AgingOptions) (Aging, error)
}
