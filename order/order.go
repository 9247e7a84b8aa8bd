package order

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// ID identifies an order.
type ID = o2c.ID[Order]

// NewID returns a fresh order ID (UUIDv7).
func NewID() ID { return o2c.NewID[Order]() }

// ParseID parses an order ID.
func ParseID(s string) (ID, error) { return o2c.ParseID[Order](s) }

// aggregate names orders in errors and events.
const aggregate = "order"

var paymentTermsPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,31}$`)

// Details are what the host provides for an order and may amend while the
// order is a draft or placed: everything but identity, state and
// fulfilment.
type Details struct {
	// Customer is who orders and will be invoiced. Required; it never
	// changes after creation.
	Customer o2c.CustomerID `json:"customer_id"`
	// Currency of every price and total. Required; every line's unit
	// price must be in it (a *o2c.CurrencyMismatchError otherwise).
	Currency o2c.Currency `json:"currency"`
	// Lines ordered, at most [MaxLines]. A draft may have none; placing
	// needs at least one.
	Lines []LineSpec `json:"lines"`
	// RequestedDelivery is the date the customer asked for (optional).
	RequestedDelivery o2c.Date `json:"requested_delivery"`
	// PaymentTerms is the code of the payment terms the invoice will use
	// ("NET30", "45EOM"): 1 to 32 letters, digits, '.', '_', '+' or '-';
	// optional.
	PaymentTerms string `json:"payment_terms,omitempty"`
	// Deposit is the advance payment required, if any.
	Deposit Deposit `json:"deposit"`
	// CustomerReference is the customer's own reference, usually the
	// purchase order number (EN 16931 BT-13), at most 100 characters.
	CustomerReference string `json:"customer_reference,omitempty"`
	// Rounding is how totals are rounded; the zero value is
	// [tax.DefaultPolicy]. Invoices of the order reuse it.
	Rounding tax.RoundingPolicy `json:"rounding"`
}

func (d Details) clone() Details {
	d.Lines = slices.Clone(d.Lines)
	return d
}

// normalized trims free text.
func (d Details) normalized() Details {
	d = d.clone()
	d.PaymentTerms = cleanText(d.PaymentTerms)
	d.CustomerReference = cleanText(d.CustomerReference)
	for i := range d.Lines {
		d.Lines[i].SKU = cleanText(d.Lines[i].SKU)
		d.Lines[i].Description = cleanText(d.Lines[i].Description)
	}
	return d
}

// problems lists every rule d breaks.
func (d Details) problems() []error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if d.Customer.IsZero() {
		add(&o2c.ValidationError{Field: "customer_id", Rule: "is required"})
	}
	if d.Currency.IsZero() {
		add(&o2c.ValidationError{Field: "currency", Rule: "is required", Err: o2c.ErrUnknownCurrency})
	}
	if len(d.Lines) > MaxLines {
		add(&o2c.ValidationError{Field: "lines", Rule: fmt.Sprintf("must be at most %d", MaxLines), Value: fmt.Sprint(len(d.Lines))})
	}
	for i, l := range d.Lines {
		for _, err := range l.problems(d.Currency) {
			add(atLine(i, err))
		}
	}
	if d.PaymentTerms != "" && !paymentTermsPattern.MatchString(d.PaymentTerms) {
		add(&o2c.ValidationError{Field: "payment_terms", Rule: "must be 1-32 letters, digits, '.', '_', '+' or '-'", Value: clip(d.PaymentTerms)})
	}
	add(checkText("customer_reference", d.CustomerReference, maxReference))
	if err := d.Rounding.Validate(); err != nil {
		add(err)
	}
	dep := d.Deposit
	switch {
	case !dep.Percent.IsZero() && !dep.Amount.Currency().IsZero():
		add(&o2c.ValidationError{Field: "deposit", Rule: "is a percentage or an amount, not both"})
	case !dep.Percent.IsZero():
		if !dep.Percent.IsPositive() || dep.Percent.GreaterThan(decimal.NewFromInt(100)) {
			add(&o2c.ValidationError{Field: "deposit.percent", Rule: "must be greater than 0 and at most 100", Value: dep.Percent.String()})
		}
	case !dep.Amount.Currency().IsZero():
		switch {
		case dep.Amount.Currency() != d.Currency && !d.Currency.IsZero():
			add(&o2c.CurrencyMismatchError{Op: "deposit.amount", Left: d.Currency, Right: dep.Amount.Currency()})
		case !dep.Amount.IsPositive():
			add(&o2c.ValidationError{Field: "deposit.amount", Rule: "must be positive", Value: dep.Amount.String()})
		case !dep.Amount.IsRounded():
			add(&o2c.ValidationError{Field: "deposit.amount", Rule: "must be rounded to the currency's minor unit", Value: dep.Amount.String()})
		}
	}
	if len(errs) == 0 && !dep.Amount.Currency().IsZero() {
		t := computeSpecs(d.Currency, d.Lines, d.Rounding)
		if dep.Amount.Amount().GreaterThan(t.Gross.Amount()) {
			add(&o2c.ValidationError{Field: "deposit.amount", Rule: "must not exceed the gross total " + t.Gross.String(), Value: dep.Amount.String()})
		}
	}
	return errs
}

func (l LineSpec) problems(cur o2c.Currency) []error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if l.SKU == "" {
		add(&o2c.ValidationError{Field: "sku", Rule: "is required"})
	}
	add(checkText("sku", l.SKU, maxSKU))
	add(checkText("description", l.Description, maxDescription))
	switch {
	case !l.Quantity.IsPositive():
		add(&o2c.ValidationError{Field: "quantity", Rule: "must be positive", Value: l.Quantity.String()})
	case decimals(l.Quantity) > MaxQuantityDecimals:
		add(&o2c.ValidationError{Field: "quantity", Rule: fmt.Sprintf("must have at most %d decimals", MaxQuantityDecimals), Value: l.Quantity.String()})
	}
	switch p := l.UnitPrice; {
	case p.Currency().IsZero():
		add(&o2c.ValidationError{Field: "unit_price", Rule: "is required (an amount with a currency)"})
	case !cur.IsZero() && p.Currency() != cur:
		add(&o2c.CurrencyMismatchError{Op: "unit_price", Left: cur, Right: p.Currency()})
	case p.IsNegative():
		add(&o2c.ValidationError{Field: "unit_price", Rule: "must not be negative", Value: p.String()})
	case decimals(p.Amount()) > MaxPriceDecimals:
		add(&o2c.ValidationError{Field: "unit_price", Rule: fmt.Sprintf("must have at most %d decimals", MaxPriceDecimals), Value: p.String()})
	}
	if l.DiscountPercent.IsNegative() || l.DiscountPercent.GreaterThan(decimal.NewFromInt(100)) {
		add(&o2c.ValidationError{Field: "discount_percent", Rule: "must be from 0 to 100", Value: l.DiscountPercent.String()})
	}
	add(l.TaxCategory.CheckRate(l.TaxRate))
	if len(errs) == 0 {
		// the engine's own bounds (quantity, line net)
		add(l.taxLine(l.Quantity).Validate())
	}
	return errs
}

// atLine prefixes the field of a line's error with "lines[i].".
func atLine(i int, err error) error {
	var ve *o2c.ValidationError
	if errors.As(err, &ve) {
		c := *ve
		c.Field = fmt.Sprintf("lines[%d].%s", i, ve.Field)
		return &c
	}
	var me *o2c.CurrencyMismatchError
	if errors.As(err, &me) {
		c := *me
		c.Op = fmt.Sprintf("lines[%d].%s", i, me.Op)
		return &c
	}
	return fmt.Errorf("lines[%d]: %w", i, err)
}

// computeSpecs computes totals of validated lines at their ordered
// quantities.
func computeSpecs(cur o2c.Currency, specs []LineSpec, p tax.RoundingPolicy) tax.Totals {
	ls := make([]tax.Line, len(specs))
	for i, s := range specs {
		ls[i] = s.taxLine(s.Quantity)
	}
	return mustCompute(cur, ls, p)
}

// mustCompute runs the totals engine on lines this package validated. An
// error would be a broken invariant (the lines are checked against the
// same rules on the way in), so it panics.
func mustCompute(cur o2c.Currency, ls []tax.Line, p tax.RoundingPolicy) tax.Totals {
	t, err := tax.Compute(cur, ls, p)
	if err != nil {
		panic(fmt.Sprintf("order: totals of validated lines failed: %v", err))
	}
	return t
}

// AuditEntry is one line of an order's history: a transition, when, from
// and to which state, and for the decisions people make (release, reject,
// cancel, manual holds) who made it and why.
type AuditEntry struct {
	At      time.Time `json:"at"`
	Event   Event     `json:"event"`
	From    State     `json:"from"`
	To      State     `json:"to"`
	By      string    `json:"by,omitempty"`
	Note    string    `json:"note,omitempty"`
	Reasons []string  `json:"reasons,omitempty"`
	Ref     string    `json:"ref,omitempty"`
}

// Order is a customer's order: its details and lines, its state, what was
// shipped, delivered and invoiced, its credit decision and its history.
// Its fields are unexported; read them with its methods, change them with
// its transition methods (which validate everything and change nothing on
// error), and persist it through [Order.Snapshot] and [FromSnapshot].
//
// Every transition appends an o2c.Event to the order's pending events;
// stores write them to the outbox in the transaction that saves the order
// ([Order.PendingEvents], [Order.PullEvents]).
//
// An Order is not safe for concurrent use; stores hand out copies.
type Order struct {
	id         ID
	tenant     o2c.TenantID
	version    int64
	state      State
	details    Details // Lines nil: the lines are in lines
	lines      []Line
	credit     *CreditDecision
	shipments  []Movement
	deliveries []Movement
	invoices   []Movement
	cancels    []Movement
	audit      []AuditEntry
	totals     tax.Totals
	createdAt  time.Time
	updatedAt  time.Time
	events     []o2c.Event
}

// stamp is how instants are kept: UTC, microseconds (what PostgreSQL
// keeps), no monotonic reading.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// New validates d and returns a draft order of tenant with a fresh ID,
// created at now, carrying an "order.created" event. Free text is trimmed.
// Every problem is reported at once: the error joins one
// *o2c.ValidationError (or *o2c.CurrencyMismatchError) per problem and
// matches [o2c.ErrValidation] or [o2c.ErrCurrencyMismatch].
func New(tenant o2c.TenantID, d Details, now time.Time) (*Order, error) {
	var errs []error
	if err := tenant.Validate(); err != nil {
		errs = append(errs, err)
	}
	if now.IsZero() {
		errs = append(errs, &o2c.ValidationError{Field: "created_at", Rule: "must be set (pass the current time)"})
	}
	n := d.normalized()
	errs = append(errs, n.problems()...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	t := stamp(now)
	o := &Order{id: NewID(), tenant: tenant, state: StateDraft, createdAt: t, updatedAt: t}
	o.setDetails(n)
	e, err := o.newEvent(TypeCreated, t, o.payload(Event{}, State{}, movementInfo{}))
	if err != nil {
		return nil, err
	}
	o.events = append(o.events, e)
	return o, nil
}

// setDetails replaces details and lines (renumbered from 1, no
// fulfilment) and recomputes the totals.
func (o *Order) setDetails(d Details) {
	o.lines = make([]Line, len(d.Lines))
	for i, s := range d.Lines {
		o.lines[i] = Line{No: i + 1, LineSpec: s}
	}
	d.Lines = nil
	o.details = d
	o.refreshTotals()
}

func (o *Order) refreshTotals() { o.totals = o.compute(Line.Open) }

// valueOf returns the totals of quantity(line) of every line under the
// order's policy. When the quantities are the open ones it returns the
// totals already computed (the same input gives the same figures).
func (o *Order) valueOf(quantity func(Line) decimal.Decimal) tax.Totals {
	for _, l := range o.lines {
		if !quantity(l).Equal(l.Open()) {
			return o.compute(quantity)
		}
	}
	return cloneTotals(o.totals)
}

// compute runs the totals engine on quantity(line) of every line (lines
// with nothing are left out).
func (o *Order) compute(quantity func(Line) decimal.Decimal) tax.Totals {
	ls := make([]tax.Line, 0, len(o.lines))
	for _, l := range o.lines {
		if q := quantity(l); !q.IsZero() {
			ls = append(ls, l.taxLine(q))
		}
	}
	return mustCompute(o.details.Currency, ls, o.details.Rounding)
}

// Clone returns a deep copy, pending events included.
func (o *Order) Clone() *Order {
	c := *o
	c.lines = slices.Clone(o.lines)
	if o.credit != nil {
		d := o.credit.clone()
		c.credit = &d
	}
	cloneMoves := func(ms []Movement) []Movement {
		if ms == nil {
			return nil
		}
		out := make([]Movement, len(ms))
		for i, m := range ms {
			out[i] = m.clone()
		}
		return out
	}
	c.shipments, c.deliveries = cloneMoves(o.shipments), cloneMoves(o.deliveries)
	c.invoices, c.cancels = cloneMoves(o.invoices), cloneMoves(o.cancels)
	c.audit = slices.Clone(o.audit)
	for i := range c.audit {
		c.audit[i].Reasons = slices.Clone(c.audit[i].Reasons)
	}
	c.totals = cloneTotals(o.totals)
	c.events = slices.Clone(o.events)
	for i := range c.events {
		c.events[i].Payload = slices.Clone(c.events[i].Payload)
	}
	return &c
}

func cloneTotals(t tax.Totals) tax.Totals {
	t.Lines = slices.Clone(t.Lines)
	t.Breakdown = slices.Clone(t.Breakdown)
	return t
}

// ID returns the order's identity.
func (o *Order) ID() ID { return o.id }

// Tenant returns the tenant that owns the order.
func (o *Order) Tenant() o2c.TenantID { return o.tenant }

// Version is the stored version stores use for optimistic concurrency (0
// before the first save).
func (o *Order) Version() int64 { return o.version }

// State returns the order's current state.
func (o *Order) State() State { return o.state }

// Customer returns who ordered.
func (o *Order) Customer() o2c.CustomerID { return o.details.Customer }

// Currency returns the order's currency.
func (o *Order) Currency() o2c.Currency { return o.details.Currency }

// RequestedDelivery returns the date the customer asked for (zero if none).
func (o *Order) RequestedDelivery() o2c.Date { return o.details.RequestedDelivery }

// PaymentTerms returns the payment terms code ("" if none).
func (o *Order) PaymentTerms() string { return o.details.PaymentTerms }

// Deposit returns the deposit requirement.
func (o *Order) Deposit() Deposit { return o.details.Deposit }

// CustomerReference returns the customer's reference (purchase order number).
func (o *Order) CustomerReference() string { return o.details.CustomerReference }

// Rounding returns the rounding policy of the order's totals, which its
// invoices reuse.
func (o *Order) Rounding() tax.RoundingPolicy { return o.details.Rounding }

// Details returns a copy of the order's details, lines as ordered.
func (o *Order) Details() Details {
	d := o.details
	d.Lines = make([]LineSpec, len(o.lines))
	for i, l := range o.lines {
		d.Lines[i] = l.LineSpec
	}
	return d
}

// Lines returns a copy of the lines with their fulfilment quantities.
func (o *Order) Lines() []Line { return slices.Clone(o.lines) }

// Line returns line number no (from 1).
func (o *Order) Line(no int) (Line, bool) {
	if no < 1 || no > len(o.lines) {
		return Line{}, false
	}
	return o.lines[no-1], true
}

// Totals returns the order's totals over its open quantities (ordered less
// cancelled), under its rounding policy: what the order is worth once
// fully invoiced.
func (o *Order) Totals() tax.Totals { return cloneTotals(o.totals) }

// DepositDue returns the deposit required: the fixed amount, or the
// percentage of the gross total rounded to the minor unit with the
// order's rounding mode, or zero.
func (o *Order) DepositDue() o2c.Money {
	dep := o.details.Deposit
	switch {
	case !dep.Amount.Currency().IsZero():
		return dep.Amount
	case !dep.Percent.IsZero():
		return o.totals.Gross.Mul(dep.Percent).Mul(decimal.New(1, -2)).Round(o.details.Rounding.Mode)
	}
	return o2c.Zero(o.details.Currency)
}

// CreditDecision returns the last credit decision applied to the order, if any.
func (o *Order) CreditDecision() (CreditDecision, bool) {
	if o.credit == nil {
		return CreditDecision{}, false
	}
	return o.credit.clone(), true
}

// Shipments returns the shipments recorded, oldest first.
func (o *Order) Shipments() []Movement { return cloneMoves(o.shipments) }

// Deliveries returns the delivery confirmations recorded, oldest first.
func (o *Order) Deliveries() []Movement { return cloneMoves(o.deliveries) }

// Invoices returns the invoiced quantities recorded per invoice, oldest first.
func (o *Order) Invoices() []Movement { return cloneMoves(o.invoices) }

// Cancellations returns the cancellations of remaining quantities, oldest first.
func (o *Order) Cancellations() []Movement { return cloneMoves(o.cancels) }

func cloneMoves(ms []Movement) []Movement {
	out := make([]Movement, len(ms))
	for i, m := range ms {
		out[i] = m.clone()
	}
	return out
}

// Audit returns the order's history, oldest first.
func (o *Order) Audit() []AuditEntry {
	out := slices.Clone(o.audit)
	for i := range out {
		out[i].Reasons = slices.Clone(out[i].Reasons)
	}
	return out
}

// CreatedAt returns when the order was created (UTC).
func (o *Order) CreatedAt() time.Time { return o.createdAt }

// UpdatedAt returns when it last changed (UTC).
func (o *Order) UpdatedAt() time.Time { return o.updatedAt }

// PendingEvents returns a copy of the events raised since the order was
// loaded or created and not yet saved. Stores write them with the order.
func (o *Order) PendingEvents() []o2c.Event {
	out := slices.Clone(o.events)
	for i := range out {
		out[i].Payload = slices.Clone(out[i].Payload)
	}
	return out
}

// PullEvents returns the pending events and forgets them.
func (o *Order) PullEvents() []o2c.Event {
	out := o.events
	o.events = nil
	return out
}

// BillableLine is what invoicing bills for one order line: the quantity
// delivered and not yet invoiced, with the line's price, discount and tax.
type BillableLine struct {
	Line            int             `json:"line"`
	SKU             string          `json:"sku"`
	Description     string          `json:"description,omitempty"`
	Quantity        decimal.Decimal `json:"quantity"`
	UnitPrice       o2c.Money       `json:"unit_price"`
	DiscountPercent decimal.Decimal `json:"discount_percent"`
	TaxCategory     tax.Category    `json:"tax_category"`
	TaxRate         decimal.Decimal `json:"tax_rate"`
}

// TaxLine returns the line as the totals engine takes it.
func (b BillableLine) TaxLine() tax.Line {
	return tax.Line{Quantity: b.Quantity, UnitPrice: b.UnitPrice, DiscountPercent: b.DiscountPercent, Category: b.TaxCategory, Rate: b.TaxRate}
}

// Billable returns, per line with anything to bill, the quantity delivered
// and not yet invoiced. An invoice built from it, with [Order.Rounding],
// has the totals [Order.BillableTotals] gives; recording it with
// [Order.MarkInvoiced] empties it.
func (o *Order) Billable() []BillableLine {
	var out []BillableLine
	for _, l := range o.lines {
		if q := l.Billable(); q.IsPositive() {
			out = append(out, BillableLine{Line: l.No, SKU: l.SKU, Description: l.Description, Quantity: q,
				UnitPrice: l.UnitPrice, DiscountPercent: l.DiscountPercent, TaxCategory: l.TaxCategory, TaxRate: l.TaxRate})
		}
	}
	return out
}

// BillableTotals returns the totals of [Order.Billable] under the order's
// rounding policy.
func (o *Order) BillableTotals() tax.Totals { return o.valueOf(Line.Billable) }

// Exposure is what an order adds to its customer's credit exposure, as
// gross amounts (tax included, what the customer will owe), in the
// order's currency:
//
//   - OpenOrder: the open quantities not yet delivered (ordered, less
//     cancelled, less delivered), shipped-in-transit included;
//   - UninvoicedDelivery: the quantities delivered and not yet invoiced.
//
// Once invoiced, an amount moves to the invoice's open items and leaves
// the order's exposure, so nothing is counted twice. Drafts, rejected and
// cancelled orders expose nothing; orders on credit hold count (credit
// may leave them out by state). Each figure is computed with the totals
// engine under the order's policy, so for a partly delivered order the
// two may differ from the order's gross total by a rounding unit per tax
// group.
type Exposure struct {
	OpenOrder          o2c.Money `json:"open_order"`
	UninvoicedDelivery o2c.Money `json:"uninvoiced_delivery"`
}

// Total returns OpenOrder + UninvoicedDelivery.
func (e Exposure) Total() o2c.Money {
	t, err := e.OpenOrder.Add(e.UninvoicedDelivery)
	if err != nil {
		return o2c.Money{}
	}
	return t
}

// Exposure returns the order's contribution to credit exposure.
func (o *Order) Exposure() Exposure {
	zero := o2c.Zero(o.details.Currency)
	switch o.state {
	case StateDraft, StateRejected, StateCancelled:
		return Exposure{OpenOrder: zero, UninvoicedDelivery: zero}
	}
	return Exposure{OpenOrder: o.valueOf(Line.Undelivered).Gross, UninvoicedDelivery: o.valueOf(Line.Billable).Gross}
}
