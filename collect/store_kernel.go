package collect

import (
	"context"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// The collect records (issue #18): mandates (unique reference), direct
// debit collections (unique end-to-end ID, by invoice and status),
// batches, provider events (unique key) and pay-link uses (unique payment
// key, by nonce).
var (
	mandates = kernel.Declare(kernel.Kind{
		Name:  "mandate",
		Table: "o2c_collect_mandates",
		Columns: []kernel.Column{
			{Name: "reference", Type: kernel.Text},
			{Name: "customer_id", Type: kernel.Text},
			{Name: "status", Type: kernel.Text},
		},
		Unique: [][]string{{"reference"}},
	}, kernel.Spec[Mandate]{
		ID:      func(m *Mandate) string { return m.ID.String() },
		Version: func(m *Mandate) *int64 { return &m.Version },
		Tenant:  func(m *Mandate) o2c.TenantID { return m.Tenant },
		Index:   func(m *Mandate) []any { return []any{m.Reference, m.Customer.String(), string(m.Status)} },
	})
	collections = kernel.Declare(kernel.Kind{
		Name:  "direct debit collection",
		Table: "o2c_collect_collections",
		Columns: []kernel.Column{
			{Name: "end_to_end_id", Type: kernel.Text},
			{Name: "invoice_id", Type: kernel.Text},
			{Name: "status", Type: kernel.Text},
			{Name: "collection_date", Type: kernel.Date},
		},
		Unique:  [][]string{{"end_to_end_id"}},
		Indexes: [][]string{{"status", "collection_date"}},
	}, kernel.Spec[Collection]{
		ID:      func(c *Collection) string { return c.ID.String() },
		Version: func(c *Collection) *int64 { return &c.Version },
		Tenant:  func(c *Collection) o2c.TenantID { return c.Tenant },
		Index: func(c *Collection) []any {
			return []any{c.EndToEndID, c.Invoice.String(), string(c.Status), c.Date}
		},
	})
	batches = kernel.Declare(kernel.Kind{
		Name:    "direct debit batch",
		Table:   "o2c_collect_batches",
		Columns: []kernel.Column{{Name: "message_id", Type: kernel.Text}},
		Unique:  [][]string{{"message_id"}},
	}, kernel.Spec[Batch]{
		ID:      func(b *Batch) string { return b.ID.String() },
		Version: func(b *Batch) *int64 { return &b.Version },
		Tenant:  func(b *Batch) o2c.TenantID { return b.Tenant },
		Index:   func(b *Batch) []any { return []any{b.MessageID} },
	})
	providerEvents = kernel.Declare(kernel.Kind{
		Name:  "provider event",
		Table: "o2c_collect_provider_events",
	}, kernel.Spec[ProcessedEvent]{
		ID:      func(e *ProcessedEvent) string { return e.Key },
		Version: func(e *ProcessedEvent) *int64 { return &e.Version },
		Tenant:  func(e *ProcessedEvent) o2c.TenantID { return e.Tenant },
	})
	linkUses = kernel.Declare(kernel.Kind{
		Name:    "pay-link use",
		Table:   "o2c_collect_link_uses",
		Columns: []kernel.Column{{Name: "nonce", Type: kernel.Text}},
	}, kernel.Spec[LinkUse]{
		ID:      func(u *LinkUse) string { return u.Key },
		Version: func(u *LinkUse) *int64 { return &u.Version },
		Tenant:  func(u *LinkUse) o2c.TenantID { return u.Tenant },
		Index:   func(u *LinkUse) []any { return []any{u.Nonce} },
	})
)

// KernelStore is the [Store] of one tenant on the storage kernel: memory,
// SQLite and PostgreSQL alike, through the adapter's scope
// (tenantHandle.Kernel()). The SQL tables are created from the
// declarations; nothing is written by hand per backend.
type KernelStore struct{ s kernel.Scope }

var _ Store = (*KernelStore)(nil)

// NewKernelStore returns the store of the scope's tenant.
func NewKernelStore(s kernel.Scope) *KernelStore { return &KernelStore{s: s} }

// TenantID implements [Store].
func (c *KernelStore) TenantID() o2c.TenantID { return c.s.Tenant }

// CreateMandate implements [Store].
func (c *KernelStore) CreateMandate(ctx context.Context, m *Mandate) error {
	return mandates.Create(ctx, c.s, m)
}

// GetMandate implements [Store].
func (c *KernelStore) GetMandate(ctx context.Context, id MandateID) (*Mandate, error) {
	return mandates.Get(ctx, c.s, id.String())
}

// MandateByReference implements [Store].
func (c *KernelStore) MandateByReference(ctx context.Context, reference string) (*Mandate, error) {
	return mandates.First(ctx, c.s, kernel.Query{Where: []kernel.Filter{kernel.Eq("reference", reference)}}, "mandate", reference)
}

// UpdateMandate implements [Store].
func (c *KernelStore) UpdateMandate(ctx context.Context, id MandateID, fn func(m *Mandate) error) (*Mandate, error) {
	return mandates.Update(ctx, c.s, id.String(), func(_ context.Context, m *Mandate) ([]o2c.Event, error) { return nil, fn(m) })
}

// Mandates implements [Store].
func (c *KernelStore) Mandates(ctx context.Context, customer o2c.CustomerID, active bool) ([]*Mandate, error) {
	var q kernel.Query
	if !customer.IsZero() {
		q.Where = append(q.Where, kernel.Eq("customer_id", customer.String()))
	}
	if active {
		q.Where = append(q.Where, kernel.Eq("status", string(MandateActive)))
	}
	return mandates.List(ctx, c.s, q)
}

// CreateCollection implements [Store].
func (c *KernelStore) CreateCollection(ctx context.Context, v *Collection) error {
	return collections.Create(ctx, c.s, v)
}

// GetCollection implements [Store].
func (c *KernelStore) GetCollection(ctx context.Context, id CollectionID) (*Collection, error) {
	return collections.Get(ctx, c.s, id.String())
}

// CollectionByEndToEnd implements [Store].
func (c *KernelStore) CollectionByEndToEnd(ctx context.Context, endToEndID string) (*Collection, error) {
	return collections.First(ctx, c.s, kernel.Query{Where: []kernel.Filter{kernel.Eq("end_to_end_id", endToEndID)}}, "direct debit collection", endToEndID)
}

// UpdateCollection implements [Store].
func (c *KernelStore) UpdateCollection(ctx context.Context, id CollectionID, fn func(v *Collection) error) (*Collection, error) {
	return collections.Update(ctx, c.s, id.String(), func(_ context.Context, v *Collection) ([]o2c.Event, error) { return nil, fn(v) })
}

// Collections implements [Store].
func (c *KernelStore) Collections(ctx context.Context, status CollectionStatus, inv invoice.ID) ([]*Collection, error) {
	q := kernel.Query{Order: []kernel.Sort{kernel.Asc("collection_date"), kernel.Asc("created_at")}}
	if status != "" {
		q.Where = append(q.Where, kernel.Eq("status", string(status)))
	}
	if !inv.IsZero() {
		q.Where = append(q.Where, kernel.Eq("invoice_id", inv.String()))
	}
	return collections.List(ctx, c.s, q)
}

// CreateBatch implements [Store].
func (c *KernelStore) CreateBatch(ctx context.Context, b *Batch) error {
	return batches.Create(ctx, c.s, b)
}

// GetBatch implements [Store].
func (c *KernelStore) GetBatch(ctx context.Context, id BatchID) (*Batch, error) {
	return batches.Get(ctx, c.s, id.String())
}

// RecordEvent implements [Store].
func (c *KernelStore) RecordEvent(ctx context.Context, e *ProcessedEvent) error {
	return providerEvents.Create(ctx, c.s, e)
}

// GetEvent implements [Store].
func (c *KernelStore) GetEvent(ctx context.Context, key string) (*ProcessedEvent, error) {
	return providerEvents.Get(ctx, c.s, key)
}

// RecordLinkUse implements [Store].
func (c *KernelStore) RecordLinkUse(ctx context.Context, u *LinkUse) error {
	return linkUses.Create(ctx, c.s, u)
}

// GetLinkUse implements [Store].
func (c *KernelStore) GetLinkUse(ctx context.Context, key string) (*LinkUse, error) {
	return linkUses.Get(ctx, c.s, key)
}

// LinkUses implements [Store].
func (c *KernelStore) LinkUses(ctx context.Context, nonce string) ([]*LinkUse, error) {
	return linkUses.List(ctx, c.s, kernel.Query{Where: []kernel.Filter{kernel.Eq("nonce", nonce)}})
}
