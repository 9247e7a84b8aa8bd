package o2c

import "context"

// Transactor runs fn in one transaction. Stores from the same adapter that
// are called with the context fn receives join that transaction, so a state
// change and the events announcing it (the outbox) commit or roll back
// together, across packages. fn's error (or panic) rolls everything back;
// nested calls join the outer transaction.
//
// Every adapter (memory, SQLite, PostgreSQL) implements it. Keep fn short
// and free of slow I/O: the transaction holds locks while it runs.
type Transactor interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}
