package cycle

import (
	"context"

	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// KernelStores are Stores that also give the tenant's storage-kernel
// scope (both adapters' tenant handles do): the ledger's store is built
// on it.
type KernelStores interface {
	Kernel() kernel.Scope
}

// newBooks builds the poster of cfg on the stores' kernel scope.
func (c *Cycle) newBooks(cfg ledger.Config) error {
	ks, ok := c.stores.(KernelStores)
	if !ok {
		return o2c.NewValidationError("ledger", "needs stores with a Kernel() scope (memory and sqlstore tenants have one)")
	}
	book, err := ledger.NewBook(cfg)
	if err != nil {
		return err
	}
	c.books = ledger.NewKernelStore(ks.Kernel())
	c.poster, err = ledger.NewPoster(book, c.books, ledger.PosterOptions{Clock: c.clock})
	return err
}

// Ledger returns the poster and the store of the books (nil when
// Config.Ledger is not set).
func (c *Cycle) Ledger() (*ledger.Poster, ledger.Store) { return c.poster, c.books }

// LedgerHandler returns an outbox handler that posts each event to the
// books (exactly once per event, see ledger.Poster), then hands it to next
// (nil: none). Without Config.Ledger it only calls next. Chain it with the
// other handlers the host's dispatcher runs:
//
//	d := &outbox.Dispatcher{Store: ob, Handler: c.LedgerHandler(c.EInvoiceHandler(nil))}
func (c *Cycle) LedgerHandler(next outbox.Handler) outbox.Handler {
	return func(ctx context.Context, r outbox.Record) error {
		if c.poster != nil {
			if err := c.poster.Handle(ctx, r); err != nil {
				return err
			}
		}
		if next != nil {
			return next(ctx, r)
		}
		return nil
	}
}

// TrialBalance returns the trial balance of the books for the entries
// dated in p (zero ends: open). Without Config.Ledger it is a
// *o2c.ValidationError.
func (c *Cycle) TrialBalance(ctx context.Context, p ledger.Period) (ledger.TrialBalance, error) {
	if c.poster == nil {
		return ledger.TrialBalance{}, o2c.NewValidationError("ledger", "is not configured (Config.Ledger)")
	}
	entries, err := c.books.Entries(ctx, p)
	if err != nil {
		return ledger.TrialBalance{}, err
	}
	return c.poster.Book().TrialBalance(entries, p.From, p.To), nil
}
