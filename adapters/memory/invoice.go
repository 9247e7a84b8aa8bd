package memory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Invoices is the in-memory invoice.Store of one tenant.
type Invoices struct {
	db     *DB
	tenant o2c.TenantID
}

var _ invoice.Store = (*Invoices)(nil)

// Invoices returns the tenant's invoices, credit notes and deposit invoices.
func (s *Store) Invoices() invoice.Store { return &Invoices{db: s.db, tenant: s.tenant} }

// InvoiceNumbers returns the tenant's document number sequences.
func (s *Store) InvoiceNumbers() invoice.NumberStore {
	return &InvoiceNumbers{db: s.db, tenant: s.tenant}
}

func invoiceTable(db *DB) *table[invoice.Snapshot] {
	return tableOf(db, "invoices", func() *table[invoice.Snapshot] {
		return &table[invoice.Snapshot]{
			kind:       "invoice",
			id:         func(s *invoice.Snapshot) string { return s.ID.String() },
			version:    func(s *invoice.Snapshot) int64 { return s.Version },
			setVersion: func(s *invoice.Snapshot, v int64) { s.Version = v },
		}
	})
}

// invUniqueRow is an entry of a unique index kept as a table of its own: the
// table refuses a second row with the same key (o2c.ErrConflict) and
// forgets it when the transaction rolls back, like a SQL unique index.
type invUniqueRow struct {
	Key     string `json:"key"`
	Target  string `json:"target"`
	Version int64  `json:"version"`
}

func invUniqueTable(db *DB, name, kind string) *table[invUniqueRow] {
	return tableOf(db, name, func() *table[invUniqueRow] {
		return &table[invUniqueRow]{
			kind:       kind,
			id:         func(r *invUniqueRow) string { return r.Key },
			version:    func(r *invUniqueRow) int64 { return r.Version },
			setVersion: func(r *invUniqueRow, v int64) { r.Version = v },
		}
	})
}

func invoiceNumbers(db *DB) *table[invUniqueRow] {
	return invUniqueTable(db, "invoice_numbers", "invoice number")
}

var invoices = &aggregates[invoice.Invoice, invoice.Snapshot]{
	table:    invoiceTable,
	kind:     "invoice",
	snapshot: (*invoice.Invoice).Snapshot,
	restore:  invoice.FromSnapshot,
	tenant:   (*invoice.Invoice).Tenant,
	events:   (*invoice.Invoice).PendingEvents,
}

// TenantID implements invoice.Store.
func (s *Invoices) TenantID() o2c.TenantID { return s.tenant }

// Create implements invoice.Store.
func (s *Invoices) Create(ctx context.Context, inv *invoice.Invoice) error {
	if err := invoices.checkTenant(s.tenant, inv); err != nil {
		return err
	}
	snap := inv.Snapshot()
	snap.Version = 0
	err := invAtomic(ctx, s.db, func(ctx context.Context) error {
		if err := invoiceTable(s.db).insert(ctx, s.db, s.tenant, &snap, inv.PendingEvents()); err != nil {
			return err
		}
		return s.indexNumber(ctx, snap)
	})
	if err != nil {
		return err
	}
	return invoices.reload(inv, snap)
}

// Save implements invoice.Store.
func (s *Invoices) Save(ctx context.Context, inv *invoice.Invoice) error {
	if err := invoices.checkTenant(s.tenant, inv); err != nil {
		return err
	}
	snap := inv.Snapshot()
	err := invAtomic(ctx, s.db, func(ctx context.Context) error {
		cur, err := invoiceTable(s.db).get(ctx, s.db, s.tenant, snap.ID.String())
		if err != nil {
			return err
		}
		if err := invoiceTable(s.db).save(ctx, s.db, s.tenant, &snap, inv.PendingEvents()); err != nil {
			return err
		}
		if cur.Number != snap.Number {
			if cur.Number != "" {
				return o2c.NewValidationError("number", "must not change once set")
			}
			return s.indexNumber(ctx, snap)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return invoices.reload(inv, snap)
}

// invAtomic runs fn, which may make several table calls with the context
// it gets, as one step: in the caller's transaction (or one of its own)
// under one undo mark, so a failure leaves none of its changes behind even
// when the caller's transaction carries on.
func invAtomic(ctx context.Context, db *DB, fn func(ctx context.Context) error) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		return db.write(ctx, func(*tx) error { return fn(ctx) })
	})
}

func (s *Invoices) indexNumber(ctx context.Context, snap invoice.Snapshot) error {
	if snap.Number == "" {
		return nil
	}
	err := invoiceNumbers(s.db).insert(ctx, s.db, s.tenant, &invUniqueRow{Key: snap.Number, Target: snap.ID.String()}, nil)
	if err != nil {
		return fmt.Errorf("invoice number %s is taken: %w", snap.Number, o2c.ErrConflict)
	}
	return nil
}

// Get implements invoice.Store.
func (s *Invoices) Get(ctx context.Context, id invoice.ID) (*invoice.Invoice, error) {
	return invoices.get(ctx, s.db, s.tenant, id.String())
}

// GetByNumber implements invoice.Store.
func (s *Invoices) GetByNumber(ctx context.Context, number string) (*invoice.Invoice, error) {
	var out *invoice.Invoice
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		r, err := invoiceNumbers(s.db).get(ctx, s.db, s.tenant, number)
		if err != nil {
			return o2c.NotFound("invoice number", number)
		}
		id, err := o2c.ParseID[invoice.Invoice](r.Target)
		if err != nil {
			return err
		}
		out, err = s.Get(ctx, id)
		return err
	})
	return out, err
}

// Update implements invoice.Store.
func (s *Invoices) Update(ctx context.Context, id invoice.ID, fn func(*invoice.Invoice) error) (*invoice.Invoice, error) {
	var out *invoice.Invoice
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = invoices.update(ctx, s.db, s.tenant, id.String(), fn, func(doc *invoice.Snapshot, inv *invoice.Invoice) error {
			if inv.ID() != id || inv.Tenant() != s.tenant {
				return o2c.NewValidationError("invoice", "an update must not change the identity")
			}
			if before := doc.Number; inv.Number() != before {
				if before != "" {
					return o2c.NewValidationError("number", "must not change once set")
				}
				return s.indexNumber(ctx, inv.Snapshot())
			}
			return nil
		})
		return err
	})
	return out, err
}

func (s *Invoices) all(ctx context.Context, keep func(*invoice.Invoice) bool) ([]*invoice.Invoice, error) {
	var out []*invoice.Invoice
	var decodeErr error
	_, err := invoiceTable(s.db).list(ctx, s.db, s.tenant, func(snap *invoice.Snapshot) bool {
		inv, err := invoice.FromSnapshot(*snap)
		if err != nil {
			decodeErr = err
			return false
		}
		if keep(inv) {
			out = append(out, inv)
		}
		return false
	}, nil, 0, 0)
	if err != nil {
		return nil, err
	}
	return out, decodeErr
}

// invCols are an invoice's query columns, derived once per stored
// version (the memory counterpart of the SQL adapter's columns): the open
// item, the due lines, and the order reference the list filter reads.
type invCols struct {
	item  invoice.OpenItem
	lines []invoice.DueLine
}

func deriveInvCols(snap *invoice.Snapshot) (invCols, error) {
	inv, err := invoice.FromSnapshot(*snap)
	if err != nil {
		return invCols{}, err
	}
	return invCols{item: invoice.OpenItemOf(inv), lines: invoice.DueLinesOf(inv)}, nil
}

// matchCols is invoice.Filter.Match on the query columns.
func matchCols(f invoice.Filter, o invoice.OpenItem) bool {
	if !f.Customer.IsZero() && o.Customer != f.Customer {
		return false
	}
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, o.Kind) {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, o.Status) {
		return false
	}
	if f.OrderRef != "" && o.OrderRef != f.OrderRef {
		return false
	}
	if !f.DueFrom.IsZero() && (o.DueDate.IsZero() || o.DueDate.Before(f.DueFrom)) {
		return false
	}
	if !f.DueTo.IsZero() && (o.DueDate.IsZero() || o.DueDate.After(f.DueTo)) {
		return false
	}
	return true
}

// lessCols is invoice.Filter.Less on the query columns.
func lessCols(f invoice.Filter, a, b invoice.OpenItem) bool {
	if f.OrderBy == invoice.OrderByDueDate {
		switch {
		case a.DueDate.IsZero() != b.DueDate.IsZero():
			return !a.DueDate.IsZero()
		case a.DueDate != b.DueDate:
			return a.DueDate.Before(b.DueDate)
		}
	}
	return a.Invoice.String() < b.Invoice.String()
}

// List implements invoice.Store: filtered and sorted on the query
// columns, only the page returned is decoded.
func (s *Invoices) List(ctx context.Context, f invoice.Filter) ([]*invoice.Invoice, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	snaps, err := listMemo(ctx, s.db, invoiceTable(s.db), s.tenant, deriveInvCols,
		func(c invCols) bool { return matchCols(f, c.item) },
		func(a, b invCols) bool { return lessCols(f, a.item, b.item) }, f.Limit, f.Offset)
	if err != nil {
		return nil, err
	}
	out := make([]*invoice.Invoice, len(snaps))
	for i, snap := range snaps {
		if out[i], err = invoice.FromSnapshot(*snap); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OpenItems implements invoice.Store from the query columns.
func (s *Invoices) OpenItems(ctx context.Context, f invoice.OpenItemFilter) ([]invoice.OpenItem, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var items []invoice.OpenItem
	if err := scanMemo(ctx, s.db, invoiceTable(s.db), s.tenant, deriveInvCols, func(c invCols) {
		if f.Match(c.item) {
			items = append(items, c.item)
		}
	}); err != nil {
		return nil, err
	}
	invoice.SortOpenItems(items)
	return invPage(items, f.Limit, f.Offset), nil
}

// DueLines implements invoice.Store from the query columns.
func (s *Invoices) DueLines(ctx context.Context, f invoice.OpenItemFilter) ([]invoice.DueLine, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var lines []invoice.DueLine
	if err := scanMemo(ctx, s.db, invoiceTable(s.db), s.tenant, deriveInvCols, func(c invCols) {
		if !c.item.Status.IsOpen() {
			return
		}
		for _, l := range c.lines {
			if f.MatchLine(l) {
				lines = append(lines, l)
			}
		}
	}); err != nil {
		return nil, err
	}
	invoice.SortDueLines(lines)
	return invPage(lines, f.Limit, f.Offset), nil
}

// Balances implements invoice.Store.
func (s *Invoices) Balances(ctx context.Context, customer o2c.CustomerID) ([]invoice.Balance, error) {
	f := invoice.OpenItemFilter{Customer: customer, Kinds: []invoice.Kind{invoice.KindInvoice, invoice.KindDeposit, invoice.KindCreditNote}}
	items, err := s.OpenItems(ctx, f)
	if err != nil {
		return nil, err
	}
	return invoice.SumBalances(items), nil
}

func invSortStable[T any](s []T, less func(a, b T) bool) {
	// insertion order is creation order; a stable sort keeps it for ties
	sort.SliceStable(s, func(i, j int) bool { return less(s[i], s[j]) })
}

func invPage[T any](s []T, limit, offset int) []T {
	if offset >= len(s) {
		return nil
	}
	s = s[offset:]
	if limit > 0 && len(s) > limit {
		s = s[:limit]
	}
	return s
}

// InvoiceNumbers is the in-memory invoice.NumberStore of one tenant: a row
// per series, drawn under the database lock, the draw undone if the
// transaction rolls back.
type InvoiceNumbers struct {
	db     *DB
	tenant o2c.TenantID
}

var _ invoice.NumberStore = (*InvoiceNumbers)(nil)

type invSequenceRow struct {
	Series  string `json:"series"`
	Last    int64  `json:"last"`
	Version int64  `json:"version"`
}

func invSequenceTable(db *DB) *table[invSequenceRow] {
	return tableOf(db, "invoice_sequences", func() *table[invSequenceRow] {
		return &table[invSequenceRow]{
			kind:       "invoice sequence",
			id:         func(r *invSequenceRow) string { return r.Series },
			version:    func(r *invSequenceRow) int64 { return r.Version },
			setVersion: func(r *invSequenceRow, v int64) { r.Version = v },
		}
	})
}

// TenantID implements invoice.NumberStore.
func (n *InvoiceNumbers) TenantID() o2c.TenantID { return n.tenant }

// Next implements invoice.NumberStore.
func (n *InvoiceNumbers) Next(ctx context.Context, series string) (int64, error) {
	if err := invoice.CheckSeries(series); err != nil {
		return 0, err
	}
	var out int64
	err := invAtomic(ctx, n.db, func(ctx context.Context) error {
		tb := invSequenceTable(n.db)
		r, err := tb.update(ctx, n.db, n.tenant, series, func(r *invSequenceRow) ([]o2c.Event, error) {
			r.Last++
			return nil, nil
		})
		if err == nil {
			out = r.Last
			return nil
		}
		if !invIsNotFound(err) {
			return err
		}
		if err := tb.insert(ctx, n.db, n.tenant, &invSequenceRow{Series: series, Last: 1}, nil); err != nil {
			return err
		}
		out = 1
		return nil
	})
	return out, err
}

// Last implements invoice.NumberStore.
func (n *InvoiceNumbers) Last(ctx context.Context, series string) (int64, error) {
	if err := invoice.CheckSeries(series); err != nil {
		return 0, err
	}
	r, err := invSequenceTable(n.db).get(ctx, n.db, n.tenant, series)
	if invIsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return r.Last, nil
}

func invIsNotFound(err error) bool { return errors.Is(err, o2c.ErrNotFound) }
