package invoice

import "context"

// Get returns the document (invoice, credit note or deposit invoice), or
// o2c.ErrNotFound (also for another tenant's document).
func (s *Service) Get(ctx context.Context, id ID) (*Invoice, error) {
	return s.stores.Invoices.Get(ctx, id)
}

// GetByNumber returns the issued document with that number, or
// o2c.ErrNotFound.
func (s *Service) GetByNumber(ctx context.Context, number string) (*Invoice, error) {
	return s.stores.Invoices.GetByNumber(ctx, number)
}

// List returns the documents matching f, ordered and paged as f says. A bad
// filter is a *o2c.ValidationError.
func (s *Service) List(ctx context.Context, f Filter) ([]*Invoice, error) {
	return s.stores.Invoices.List(ctx, f)
}

// OpenItems returns what is still open (issued, partially paid or disputed
// documents), ordered by due date then ID.
func (s *Service) OpenItems(ctx context.Context, f OpenItemFilter) ([]OpenItem, error) {
	return s.stores.Invoices.OpenItems(ctx, f)
}

// GetPayment returns a payment, or o2c.ErrNotFound.
func (s *Service) GetPayment(ctx context.Context, id PaymentID) (*Payment, error) {
	return s.stores.Payments.Get(ctx, id)
}

// ListPayments returns the payments matching f.
func (s *Service) ListPayments(ctx context.Context, f PaymentFilter) ([]*Payment, error) {
	return s.stores.Payments.List(ctx, f)
}
