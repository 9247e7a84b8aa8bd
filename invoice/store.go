package invoice

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/cashcycle/sdk/o2c"
)

// Store keeps the invoices, credit notes and deposit invoices of one
// tenant (the one it is bound to). Every method joins the transaction
// carried by ctx (see [o2c.Transactor]) or runs in one of its own; a
// failing call writes nothing, even inside a caller's transaction that
// carries on. [github.com/cashcycle/sdk/invoice/invoicetest] is the
// conformance suite every implementation passes.
type Store interface {
	// TenantID returns the tenant the store is bound to.
	TenantID() o2c.TenantID
	// Create stores a new document with its pending events, atomically,
	// and sets inv to what was stored (version 1, no pending events). A
	// document of another tenant is a *o2c.ValidationError; an ID or a
	// number already stored is o2c.ErrConflict. Nothing is written on error.
	Create(ctx context.Context, inv *Invoice) error
	// Get returns the document, or o2c.ErrNotFound (also for another
	// tenant's document).
	Get(ctx context.Context, id ID) (*Invoice, error)
	// GetByNumber returns the issued document with that number, or
	// o2c.ErrNotFound.
	GetByNumber(ctx context.Context, number string) (*Invoice, error)
	// Update loads the document, calls fn on it, and saves it with the
	// events fn recorded, atomically, returning what was stored. Concurrent
	// updates of one document are serialised (the row is locked while fn
	// runs), so fn always sees the latest committed state. fn's error is
	// returned as is and nothing is written. A missing document is
	// o2c.ErrNotFound; fn must not change the identity.
	Update(ctx context.Context, id ID, fn func(inv *Invoice) error) (*Invoice, error)
	// Save writes inv, read earlier with Get, with its pending events, if
	// the stored version is still inv.Version() (optimistic concurrency),
	// and sets inv to what was stored. A stale version is o2c.ErrConflict,
	// a missing document o2c.ErrNotFound; nothing is written on error.
	// Prefer Update, which cannot lose a race.
	Save(ctx context.Context, inv *Invoice) error
	// List returns the documents matching f, ordered by f.OrderBy, paged
	// by f.Limit and f.Offset. A bad filter is a *o2c.ValidationError.
	List(ctx context.Context, f Filter) ([]*Invoice, error)
	// OpenItems returns what is still open (issued, partially paid or
	// disputed documents), read from the query columns only, ordered by
	// due date then ID. This is what dunning, credit exposure and cash
	// matching read.
	OpenItems(ctx context.Context, f OpenItemFilter) ([]OpenItem, error)
	// DueLines returns the open due lines (instalments with something
	// open) of the open documents f selects, one per instalment, ordered
	// by due date, then invoice ID, then sequence ([SortDueLines]); f.DueTo
	// and f.Limit/Offset apply to lines. Read from query columns, without
	// loading documents. This is what dunning, late interest, credit
	// exposure's overdue figures, the forecast and matching read.
	DueLines(ctx context.Context, f OpenItemFilter) ([]DueLine, error)
	// Balances returns a customer's open receivables, disputed amounts and
	// unused credit notes, one Balance per currency in code order.
	Balances(ctx context.Context, customer o2c.CustomerID) ([]Balance, error)
}

// PaymentStore keeps the payments of one tenant. Transactions and errors
// as for [Store].
type PaymentStore interface {
	// TenantID returns the tenant the store is bound to.
	TenantID() o2c.TenantID
	// Create stores a new payment with its pending events and sets p to
	// what was stored. A payment of another tenant is a
	// *o2c.ValidationError; an ID or an idempotency key already stored is
	// o2c.ErrConflict (read the first one with GetByKey).
	Create(ctx context.Context, p *Payment) error
	// Get returns the payment, or o2c.ErrNotFound.
	Get(ctx context.Context, id PaymentID) (*Payment, error)
	// GetByKey returns the payment recorded with an idempotency key, or
	// o2c.ErrNotFound.
	GetByKey(ctx context.Context, key string) (*Payment, error)
	// Update is [Store.Update] for payments.
	Update(ctx context.Context, id PaymentID, fn func(p *Payment) error) (*Payment, error)
	// Save is [Store.Save] for payments.
	Save(ctx context.Context, p *Payment) error
	// List returns the payments matching f, by value date then ID.
	List(ctx context.Context, f PaymentFilter) ([]*Payment, error)
	// Unapplied returns the customer's unapplied payment credit, one
	// amount per currency in code order, zero amounts left out.
	Unapplied(ctx context.Context, customer o2c.CustomerID) ([]o2c.Money, error)
}

// Order is how [Store.List] sorts.
type Order uint8

const (
	// OrderByCreation lists in creation order (by ID: IDs are UUIDv7).
	OrderByCreation Order = iota
	// OrderByDueDate lists by due date (drafts, which have none, last),
	// then ID.
	OrderByDueDate
)

// MaxPageSize bounds Limit in filters.
const MaxPageSize = 1000

// Filter selects documents for [Store.List]. Zero fields do not filter.
type Filter struct {
	Customer o2c.CustomerID
	Kinds    []Kind
	Statuses []State
	OrderRef string
	// DueFrom and DueTo bound the due date, both inclusive (documents
	// without one, drafts, never match a due-date bound).
	DueFrom, DueTo o2c.Date
	OrderBy        Order
	// Limit is the page size (0: everything); Offset skips that many.
	Limit, Offset int
}

// Validate checks the filter: known kinds, states and order, and paging
// within bounds (an offset needs a limit).
func (f Filter) Validate() error {
	for _, k := range f.Kinds {
		if !k.IsValid() {
			return invalid("kinds", "must be invoice, credit_note or deposit", string(k))
		}
	}
	for _, s := range f.Statuses {
		if !s.IsValid() {
			return invalid("statuses", "must be known states", string(s))
		}
	}
	if f.OrderBy > OrderByDueDate {
		return invalid("order_by", "must be OrderByCreation or OrderByDueDate", fmt.Sprint(f.OrderBy))
	}
	if !f.DueFrom.IsZero() && !f.DueTo.IsZero() && f.DueTo.Before(f.DueFrom) {
		return invalid("due_to", "must not be before due_from", f.DueTo.String())
	}
	return checkPage(f.Limit, f.Offset)
}

func checkPage(limit, offset int) error {
	switch {
	case limit < 0 || limit > MaxPageSize:
		return invalid("limit", fmt.Sprintf("must be from 0 to %d", MaxPageSize), fmt.Sprint(limit))
	case offset < 0:
		return invalid("offset", "must not be negative", fmt.Sprint(offset))
	case offset > 0 && limit == 0:
		return invalid("offset", "needs a limit", fmt.Sprint(offset))
	}
	return nil
}

// Match reports whether inv passes f's conditions (not its paging). Stores
// that filter in Go (the memory adapter) use it, so that every adapter
// filters alike.
func (f Filter) Match(inv *Invoice) bool {
	if !f.Customer.IsZero() && inv.Customer() != f.Customer {
		return false
	}
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, inv.kind) {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, inv.status) {
		return false
	}
	if f.OrderRef != "" && inv.OrderRef() != f.OrderRef {
		return false
	}
	due := inv.DueDate()
	if !f.DueFrom.IsZero() && (due.IsZero() || due.Before(f.DueFrom)) {
		return false
	}
	if !f.DueTo.IsZero() && (due.IsZero() || due.After(f.DueTo)) {
		return false
	}
	return true
}

// Less reports whether a sorts before b under f.OrderBy.
func (f Filter) Less(a, b *Invoice) bool {
	if f.OrderBy == OrderByDueDate {
		da, db := a.DueDate(), b.DueDate()
		switch {
		case da.IsZero() != db.IsZero():
			return !da.IsZero()
		case da != db:
			return da.Before(db)
		}
	}
	return a.id.String() < b.id.String()
}

// OpenItem is an open document as the query columns show it: enough for
// dunning (what is due when, what is disputed), credit exposure and cash
// matching (number and amounts) without loading documents.
type OpenItem struct {
	Invoice ID
	// Seq is the due line (instalment) the item stands for when it was made
	// from a [DueLine] ([DueLine.Item]); 0 for a whole document.
	Seq       int
	Number    string
	Kind      Kind
	Status    State
	Customer  o2c.CustomerID
	IssueDate o2c.Date
	DueDate   o2c.Date
	OrderRef  string
	Gross     o2c.Money
	Open      o2c.Money
	// Disputed is the part of Open under open disputes; dunning and credit
	// exposure exclude it.
	Disputed o2c.Money
}

// Undisputed returns Open less Disputed.
func (o OpenItem) Undisputed() o2c.Money {
	u, _ := o.Open.Sub(o.Disputed)
	return u
}

// OpenItemOf returns inv's open item (whether or not it is open).
func OpenItemOf(inv *Invoice) OpenItem {
	return OpenItem{
		Invoice: inv.id, Number: inv.number, Kind: inv.kind, Status: inv.status, Customer: inv.Customer(),
		IssueDate: inv.issueDate, DueDate: inv.DueDate(), OrderRef: inv.OrderRef(),
		Gross: inv.Gross(), Open: inv.open, Disputed: inv.Disputed(),
	}
}

// OpenItemFilter selects open items. Zero fields do not filter; Kinds
// defaults to invoices and deposit invoices (receivables); ask for
// KindCreditNote to list unused credit notes.
type OpenItemFilter struct {
	Customer o2c.CustomerID
	// Invoice keeps one document's items (zero: any document).
	Invoice  ID
	Currency o2c.Currency
	Kinds    []Kind
	// DueTo keeps items due on or before it (overdue as of a date: the day before).
	DueTo         o2c.Date
	Limit, Offset int
}

// Validate checks kinds and paging.
func (f OpenItemFilter) Validate() error {
	for _, k := range f.Kinds {
		if !k.IsValid() {
			return invalid("kinds", "must be invoice, credit_note or deposit", string(k))
		}
	}
	return checkPage(f.Limit, f.Offset)
}

// EffectiveKinds returns f.Kinds, or the default (invoices and deposit invoices).
func (f OpenItemFilter) EffectiveKinds() []Kind {
	if len(f.Kinds) == 0 {
		return []Kind{KindInvoice, KindDeposit}
	}
	return f.Kinds
}

// Match reports whether the open item o passes f (not its paging), o
// being open.
func (f OpenItemFilter) Match(o OpenItem) bool {
	if !o.Status.IsOpen() || !slices.Contains(f.EffectiveKinds(), o.Kind) {
		return false
	}
	if !f.Customer.IsZero() && o.Customer != f.Customer {
		return false
	}
	if !f.Invoice.IsZero() && o.Invoice != f.Invoice {
		return false
	}
	if !f.Currency.IsZero() && o.Open.Currency() != f.Currency {
		return false
	}
	if !f.DueTo.IsZero() && o.DueDate.After(f.DueTo) {
		return false
	}
	return true
}

// SortOpenItems sorts by due date, then invoice ID: the order of
// [Store.OpenItems].
func SortOpenItems(items []OpenItem) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.DueDate != b.DueDate {
			return a.DueDate.Before(b.DueDate)
		}
		return a.Invoice.String() < b.Invoice.String()
	})
}

// Balance is a customer's position in one currency: what is open on
// invoices and deposit invoices (Receivable, disputed part included), the
// disputed part, and credit notes not yet used (Credit).
type Balance struct {
	Currency   o2c.Currency
	Receivable o2c.Money
	Disputed   o2c.Money
	Credit     o2c.Money
}

// Undisputed returns Receivable less Disputed.
func (b Balance) Undisputed() o2c.Money {
	u, _ := b.Receivable.Sub(b.Disputed)
	return u
}

// SumBalances folds open items (any kinds) into balances per currency, in
// currency code order. Stores use it.
func SumBalances(items []OpenItem) []Balance {
	by := map[o2c.Currency]*Balance{}
	for _, o := range items {
		cur := o.Open.Currency()
		b := by[cur]
		if b == nil {
			z := o2c.Zero(cur)
			b = &Balance{Currency: cur, Receivable: z, Disputed: z, Credit: z}
			by[cur] = b
		}
		if o.Kind == KindCreditNote {
			b.Credit, _ = b.Credit.Add(o.Open)
			continue
		}
		b.Receivable, _ = b.Receivable.Add(o.Open)
		b.Disputed, _ = b.Disputed.Add(o.Disputed)
	}
	out := make([]Balance, 0, len(by))
	for _, b := range by {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency.Code() < out[j].Currency.Code() })
	return out
}

// PaymentFilter selects payments. Zero fields do not filter.
type PaymentFilter struct {
	Customer      o2c.CustomerID
	Statuses      []PaymentStatus
	Limit, Offset int
}

// Validate checks statuses and paging.
func (f PaymentFilter) Validate() error {
	for _, s := range f.Statuses {
		switch s {
		case PaymentUnapplied, PaymentPartiallyApplied, PaymentApplied, PaymentReversed:
		default:
			return invalid("statuses", "must be unapplied, partially_applied, applied or reversed", string(s))
		}
	}
	return checkPage(f.Limit, f.Offset)
}

// Match reports whether p passes f (not its paging).
func (f PaymentFilter) Match(p *Payment) bool {
	if !f.Customer.IsZero() && p.customer != f.Customer {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, p.Status()) {
		return false
	}
	return true
}

// LessPayment is the order of [PaymentStore.List]: value date, then ID.
func LessPayment(a, b *Payment) bool {
	if a.valueDate != b.valueDate {
		return a.valueDate.Before(b.valueDate)
	}
	return a.id.String() < b.id.String()
}

// SumUnapplied folds the payments' unapplied amounts per currency, in code
// order, leaving zero amounts out. Stores use it.
func SumUnapplied(ps []*Payment) []o2c.Money {
	by := map[o2c.Currency]o2c.Money{}
	for _, p := range ps {
		u := p.Unapplied()
		if u.IsZero() {
			continue
		}
		if cur, ok := by[u.Currency()]; ok {
			by[u.Currency()], _ = cur.Add(u)
		} else {
			by[u.Currency()] = u
		}
	}
	out := make([]o2c.Money, 0, len(by))
	for _, m := range by {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency().Code() < out[j].Currency().Code() })
	return out
}
