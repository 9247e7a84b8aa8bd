package credit

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

// OrderEntry is what one order contributes to its customer's exposure, in
// the order's currency (gross amounts, see order.Exposure).
type OrderEntry struct {
	Order    order.ID       `json:"order"`
	Customer o2c.CustomerID `json:"customer"`
	Status   order.State    `json:"status"`
	Currency o2c.Currency   `json:"currency"`
	// OpenOrder: ordered and not yet delivered.
	OpenOrder o2c.Money `json:"open_order"`
	// Uninvoiced: delivered and not yet invoiced.
	Uninvoiced o2c.Money `json:"uninvoiced"`
	// RequestedDelivery dates the open part for a dynamic check (zero:
	// no date, always counted).
	RequestedDelivery o2c.Date `json:"requested_delivery"`
}

// ItemEntry is one open receivable (an invoice or deposit invoice).
type ItemEntry struct {
	Invoice  invoice.ID     `json:"invoice"`
	Customer o2c.CustomerID `json:"customer"`
	Kind     invoice.Kind   `json:"kind"`
	Status   invoice.State  `json:"status"`
	Currency o2c.Currency   `json:"currency"`
	Open     o2c.Money      `json:"open"`
	Disputed o2c.Money      `json:"disputed"`
	DueDate  o2c.Date       `json:"due_date"`
	// Lines are the open due lines (instalments) of an invoice paid in
	// more than one instalment: the overdue check counts each line by its
	// own due date and undisputed open amount. Empty for an invoice with
	// one due line (or read from a source that does not know its lines):
	// the item is then its only line.
	Lines []ItemLine `json:"lines,omitempty"`
}

// ItemLine is one open due line of an [ItemEntry].
type ItemLine struct {
	Seq      int       `json:"seq"`
	DueDate  o2c.Date  `json:"due_date"`
	Open     o2c.Money `json:"open"`
	Disputed o2c.Money `json:"disputed"`
}

// dueParts returns what the overdue check reads of it: its lines, or the
// item as its only line.
func (it ItemEntry) dueParts() []ItemLine {
	if len(it.Lines) > 0 {
		return it.Lines
	}
	return []ItemLine{{DueDate: it.DueDate, Open: it.Open, Disputed: it.Disputed}}
}

// Position is everything that makes up one customer's exposure: the
// orders that expose something and the open receivables, each sorted by
// ID. Both sources ([StoreSource], [Tracker]) give the same Position for
// the same history.
type Position struct {
	Customer o2c.CustomerID
	Orders   []OrderEntry
	Items    []ItemEntry
}

// Source gives a customer's [Position].
type Source interface {
	Position(ctx context.Context, customer o2c.CustomerID) (Position, error)
}

func (e OrderEntry) counts() bool { return !e.OpenOrder.IsZero() || !e.Uninvoiced.IsZero() }

func receivable(k invoice.Kind, s invoice.State) bool {
	return (k == invoice.KindInvoice || k == invoice.KindDeposit) && s.IsOpen()
}

func orderEntryOf(o *order.Order) OrderEntry {
	e := o.Exposure()
	return OrderEntry{Order: o.ID(), Customer: o.Customer(), Status: o.State(), Currency: o.Currency(),
		OpenOrder: e.OpenOrder, Uninvoiced: e.UninvoicedDelivery, RequestedDelivery: o.RequestedDelivery()}
}

func itemEntryOf(it invoice.OpenItem) ItemEntry {
	return ItemEntry{Invoice: it.Invoice, Customer: it.Customer, Kind: it.Kind, Status: it.Status,
		Currency: it.Open.Currency(), Open: it.Open, Disputed: it.Disputed, DueDate: it.DueDate}
}

// sort sorts the entries by ID. IDs are UUIDs, whose text is hex in byte
// order, so comparing the bytes gives the order of the text without
// formatting it.
func (p *Position) sort() {
	slices.SortFunc(p.Orders, func(a, b OrderEntry) int { return compareID(a.Order, b.Order) })
	slices.SortFunc(p.Items, func(a, b ItemEntry) int { return compareID(a.Invoice, b.Invoice) })
}

func compareID[T any](a, b o2c.ID[T]) int {
	x, y := a.UUID(), b.UUID()
	return bytes.Compare(x[:], y[:])
}

// StoreSource recomputes positions from the order and invoice stores
// (both bound to the same tenant): the reference the incremental
// [Tracker] is checked against, and the source to use when no tracker is
// kept.
type StoreSource struct {
	Orders   order.Store
	Invoices invoice.Store
}

var _ Source = StoreSource{}

// Position implements [Source], paging through the customer's orders and
// open items.
func (s StoreSource) Position(ctx context.Context, customer o2c.CustomerID) (Position, error) {
	if customer.IsZero() {
		return Position{}, invalid("customer", "is required", "")
	}
	all, err := s.positions(ctx, customer)
	if err != nil {
		return Position{}, err
	}
	if p, ok := all[customer]; ok {
		return p, nil
	}
	return Position{Customer: customer}, nil
}

// All recomputes the position of every customer with exposure in the
// tenant: the full recompute, e.g. to seed a [Tracker] with [Tracker.Reset].
func (s StoreSource) All(ctx context.Context) (map[o2c.CustomerID]Position, error) {
	return s.positions(ctx, o2c.CustomerID{})
}

func (s StoreSource) positions(ctx context.Context, customer o2c.CustomerID) (map[o2c.CustomerID]Position, error) {
	if s.Orders == nil || s.Invoices == nil {
		return nil, invalid("store_source", "needs the order and the invoice store", "")
	}
	if s.Orders.TenantID() != s.Invoices.TenantID() {
		return nil, invalid("store_source", "stores must be bound to the same tenant", string(s.Invoices.TenantID()))
	}
	out := map[o2c.CustomerID]Position{}
	add := func(c o2c.CustomerID, f func(p *Position)) {
		p := out[c]
		p.Customer = c
		f(&p)
		out[c] = p
	}
	for offset := 0; ; offset += order.MaxLimit {
		page, err := s.Orders.List(ctx, order.Query{Customer: customer, Limit: order.MaxLimit, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, o := range page {
			if e := orderEntryOf(o); e.counts() {
				add(e.Customer, func(p *Position) { p.Orders = append(p.Orders, e) })
			}
		}
		if len(page) < order.MaxLimit {
			break
		}
	}
	// the open due lines of invoices paid in instalments
	lines := map[invoice.ID][]ItemLine{}
	for offset := 0; ; offset += invoice.MaxPageSize {
		page, err := s.Invoices.DueLines(ctx, invoice.OpenItemFilter{Customer: customer, Limit: invoice.MaxPageSize, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, l := range page {
			if l.Lines > 1 && l.Open.IsPositive() {
				lines[l.Invoice] = append(lines[l.Invoice], ItemLine{Seq: l.Seq, DueDate: l.DueDate, Open: l.Open, Disputed: l.Disputed})
			}
		}
		if len(page) < invoice.MaxPageSize {
			break
		}
	}
	for offset := 0; ; offset += invoice.MaxPageSize {
		page, err := s.Invoices.OpenItems(ctx, invoice.OpenItemFilter{Customer: customer, Limit: invoice.MaxPageSize, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, it := range page {
			if receivable(it.Kind, it.Status) {
				e := itemEntryOf(it)
				if ls := lines[it.Invoice]; len(ls) > 0 {
					slices.SortFunc(ls, func(a, b ItemLine) int { return a.Seq - b.Seq })
					e.Lines = ls
				}
				add(e.Customer, func(p *Position) { p.Items = append(p.Items, e) })
			}
		}
		if len(page) < invoice.MaxPageSize {
			break
		}
	}
	for c, p := range out {
		p.sort()
		out[c] = p
	}
	return out, nil
}

// Rules say what exposure counts. The zero value counts every category,
// statically (every open order whatever its delivery date), and deducts
// disputed amounts from receivables.
type Rules struct {
	// Horizon > 0 makes the check dynamic: open orders count only if their
	// requested delivery date is within Horizon days of the check date
	// (orders without a date always count). Deliveries and receivables
	// always count.
	Horizon int
	// ExcludeOpenOrders, ExcludeDeliveries and ExcludeReceivables leave a
	// category out.
	ExcludeOpenOrders  bool
	ExcludeDeliveries  bool
	ExcludeReceivables bool
	// KeepDisputed counts disputed receivables too (default: deducted).
	KeepDisputed bool
	// ExcludeHeld leaves orders on credit hold out (default: they count,
	// as what the customer has asked for).
	ExcludeHeld bool
	// Rounding rounds each converted amount to the limit currency's minor
	// unit (zero value: half-up).
	Rounding o2c.RoundingMode
}

// Validate checks the horizon.
func (r Rules) Validate() error {
	if r.Horizon < 0 {
		return invalid("rules.horizon", "must not be negative", fmt.Sprint(r.Horizon))
	}
	return nil
}

// Exposure is a customer's (or group's) exposure by category in one
// currency. Total = OpenOrders + Deliveries + Receivables - Disputed.
type Exposure struct {
	Currency    o2c.Currency `json:"currency"`
	OpenOrders  o2c.Money    `json:"open_orders"`
	Deliveries  o2c.Money    `json:"deliveries"`
	Receivables o2c.Money    `json:"receivables"`
	// Disputed is the disputed part of Receivables deducted (zero when
	// Rules.KeepDisputed).
	Disputed o2c.Money `json:"disputed"`
	Total    o2c.Money `json:"total"`
}

// ZeroExposure returns an exposure of zero in cur.
func ZeroExposure(cur o2c.Currency) Exposure {
	z := o2c.Zero(cur)
	return Exposure{Currency: cur, OpenOrders: z, Deliveries: z, Receivables: z, Disputed: z, Total: z}
}

// Add returns e + f (same currency).
func (e Exposure) Add(f Exposure) (Exposure, error) {
	if e.Currency != f.Currency {
		return Exposure{}, &o2c.CurrencyMismatchError{Op: "add exposure", Left: e.Currency, Right: f.Currency}
	}
	var err error
	for _, p := range [][2]*o2c.Money{{&e.OpenOrders, &f.OpenOrders}, {&e.Deliveries, &f.Deliveries},
		{&e.Receivables, &f.Receivables}, {&e.Disputed, &f.Disputed}, {&e.Total, &f.Total}} {
		if *p[0], err = p[0].Add(*p[1]); err != nil {
			return Exposure{}, err
		}
	}
	return e, nil
}

// String renders the figures: "9000.00 EUR (open orders 3000.00 EUR, ...)".
func (e Exposure) String() string {
	return fmt.Sprintf("%s (open orders %s, delivered not invoiced %s, receivables %s, disputed deducted %s)",
		e.Total, e.OpenOrders, e.Deliveries, e.Receivables, e.Disputed)
}

// bucket sums the amounts of each category per currency.
type bucket struct{ open, deliv, recv, disp sums }

// Compute returns pos's exposure in currency cur as of asOf under rules,
// converting with rates. The order skip (if not zero) is left out: a
// check adds the order being checked as it will be. Amounts are summed per
// currency first, then each sum is converted and rounded once, so the
// figures do not depend on the order of the entries. A currency pair
// rates does not know is a *[MissingRateError].
func Compute(pos Position, cur o2c.Currency, asOf o2c.Date, rules Rules, rates RateSource, skip order.ID) (Exposure, error) {
	if cur.IsZero() {
		return Exposure{}, invalid("currency", "is required", "")
	}
	var b bucket
	b.addOrders(pos.Orders, asOf, rules, skip)
	if !rules.ExcludeReceivables {
		for _, it := range pos.Items {
			b.recv.add(it.Open)
			if !rules.KeepDisputed {
				b.disp.add(it.Disputed)
			}
		}
	}
	return b.total(cur, rules, rates)
}

// addOrders adds what orders expose under rules as of asOf, but skip.
func (b *bucket) addOrders(orders []OrderEntry, asOf o2c.Date, rules Rules, skip order.ID) {
	for _, o := range orders {
		if (!skip.IsZero() && o.Order == skip) || (rules.ExcludeHeld && o.Status == order.StateOnCreditHold) {
			continue
		}
		if !rules.ExcludeOpenOrders && inHorizon(o.RequestedDelivery, asOf, rules.Horizon) {
			b.open.add(o.OpenOrder)
		}
		if !rules.ExcludeDeliveries {
			b.deliv.add(o.Uninvoiced)
		}
	}
}

func inHorizon(d, asOf o2c.Date, horizon int) bool {
	return horizon == 0 || d.IsZero() || !d.After(asOf.AddDays(horizon))
}

// convertSums converts each currency's sum in m into cur (rounded once
// per currency, see [Compute]) and adds them up.
func convertSums(m sums, cur o2c.Currency, rules Rules, rates RateSource) (o2c.Money, error) {
	slices.SortFunc(m, func(a, b sum) int { return strings.Compare(a.cur.Code(), b.cur.Code()) })
	total := o2c.Zero(cur)
	for _, s := range m {
		v, err := Convert(rates, moneyOf(s.value(), s.cur), cur, rules.Rounding)
		if err != nil {
			return o2c.Money{}, err
		}
		if total, err = total.Add(v); err != nil {
			return o2c.Money{}, err
		}
	}
	return total, nil
}

func (b bucket) total(cur o2c.Currency, rules Rules, rates RateSource) (Exposure, error) {
	e := ZeroExposure(cur)
	convert := func(m sums) (o2c.Money, error) { return convertSums(m, cur, rules, rates) }
	var err error
	if e.OpenOrders, err = convert(b.open); err != nil {
		return Exposure{}, err
	}
	if e.Deliveries, err = convert(b.deliv); err != nil {
		return Exposure{}, err
	}
	if e.Receivables, err = convert(b.recv); err != nil {
		return Exposure{}, err
	}
	if e.Disputed, err = convert(b.disp); err != nil {
		return Exposure{}, err
	}
	e.Total, err = o2c.Sum(cur, e.OpenOrders, e.Deliveries, e.Receivables, e.Disputed.Neg())
	return e, err
}
