package cycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/telemetry"
)

// Stores are one tenant's stores from one adapter. *memory.Store and
// *sqlstore.Store (adapters/memory, adapters/sqlstore) satisfy it as they are; a
// host with its own adapter implements the same methods. Every store must
// be bound to TenantID and join the transactions of the [o2c.Transactor]
// given in [Config.Tx].
type Stores interface {
	Orders() order.Store
	Invoices() invoice.Store
	Payments() invoice.PaymentStore
	InvoiceNumbers() invoice.NumberStore
	Customers() customer.Store
	CreditProfiles() credit.Store
	Dunning() dunning.Store
	Matching() matching.Store
	Outbox() outbox.Store
	TenantID() o2c.TenantID
}

// InvoicingPolicy says when confirmed deliveries become invoices. The zero
// value is [BillPerDelivery].
type InvoicingPolicy uint8

const (
	// BillPerDelivery bills every confirmed delivery in the transaction
	// that confirms it ([Cycle.ConfirmDelivery]).
	BillPerDelivery InvoicingPolicy = iota
	// BillPerOrder bills an order once, in the transaction of the delivery
	// that completes it (nothing left to deliver).
	BillPerOrder
	// BillPeriodic bills nothing on delivery: [Cycle.BillDue] bills what was
	// delivered and not yet invoiced, one invoice per order, when the host
	// calls it (end of week, end of month).
	BillPeriodic
)

// String returns the policy's name.
func (p InvoicingPolicy) String() string {
	switch p {
	case BillPerDelivery:
		return "per_delivery"
	case BillPerOrder:
		return "per_order"
	case BillPeriodic:
		return "periodic"
	default:
		return fmt.Sprintf("InvoicingPolicy(%d)", uint8(p))
	}
}

// Invoicing configures invoicing in the cycle.
type Invoicing struct {
	// Policy says when deliveries are billed (zero: per delivery).
	Policy InvoicingPolicy
	// Terms maps the payment-terms codes orders and customers carry
	// (order.Details PaymentTerms, customer.Details DefaultPaymentTerms,
	// "NET30") to terms. An order is billed with its own code, else its
	// customer's default code, else DefaultTerms; a code that is neither
	// a key here nor DefaultTerms' code is a *UnknownTermsError at billing
	// (see [Cycle.Terms]).
	Terms map[string]invoice.Terms
	// DefaultTerms apply when neither the order nor the customer names
	// terms (zero: 30 days net).
	DefaultTerms invoice.Terms
	// Numbering, Tolerance, Shift and Location as in invoice.Options.
	Numbering invoice.Numbering
	Tolerance invoice.Tolerance
	Shift     invoice.BusinessDayShift
	Location  *time.Location
}

// Config builds a [Cycle]. Stores, Tx and Notifier are required; every
// other field's zero value works.
type Config struct {
	// Stores are the tenant's stores; Tx the transactor of the same adapter
	// (the *memory.Store or *sql.Store itself, or its DB).
	Stores Stores
	Tx     o2c.Transactor
	// Notifier delivers dunning letters.
	Notifier dunning.Notifier
	// Clock is the clock of every service (nil: the system clock).
	Clock o2c.Clock
	// Logger receives one debug record per cross-domain step (nil: discard).
	// It is also the logger of every service whose own options name none.
	Logger *slog.Logger
	// Telemetry are the tracer and meter providers of the cycle and of
	// every service (nil providers: no-op); its Logger, when set, replaces
	// Logger.
	Telemetry telemetry.Options

	// Invoicing is the invoicing policy, terms, numbering and tolerance.
	Invoicing Invoicing
	// AutoApprove approves an order as soon as credit allows (see
	// order.Options); without it approved-by-credit orders wait for
	// order.Service.Approve.
	AutoApprove bool
	// RequireReadyCustomer and Readiness as in order.Options.
	RequireReadyCustomer bool
	Readiness            customer.ReadinessRules
	// Credit are the credit rules, policy, default limit and rates. New
	// sets Store, Source (a credit.StoreSource over the order and invoice
	// stores), Tx, and Clock and Location when they are nil; setting
	// Store, Source or Tx here is a *o2c.ValidationError.
	Credit credit.Options
	// Dunning are the plans, templates, calendar, rates and creditor. New
	// sets Store, Tx, Items, Credits and Notifier, and Customers and Clock
	// when they are nil; setting Store, Tx, Items, Credits or Notifier here
	// is a *o2c.ValidationError.
	Dunning dunning.Config
	// Matching are the matching options. New sets Clock when nil, the
	// engine's tolerance to Invoicing.Tolerance when it has none, and
	// Groups to the credit groups (members pay for each other) when nil.
	Matching matching.ServiceOptions
	// EInvoicing, when set, emits an EN 16931 e-invoice for every issued
	// invoice through the outbox ([Cycle.EInvoiceHandler]) and maps the
	// platform's lifecycle statuses onto disputes and dunning
	// ([Cycle.Lifecycle]).
	EInvoicing *EInvoicing
	// Ledger, when set, keeps the books: [Cycle.LedgerHandler] posts every
	// event to a ledger.KernelStore on the stores' kernel scope under these
	// rules (for example ledger.FrenchPCG()); [Cycle.TrialBalance] reads
	// them. The stores must implement [KernelStores].
	Ledger *ledger.Config
	// Collecting, when set, signs a pay-now link into every dunning letter
	// (unless Dunning.PayURL is set) and e-invoice, and offers provider
	// intake, SEPA direct debit and refunds ([Cycle.PayLinks],
	// [Cycle.PaymentIntake], [Cycle.DirectDebit], [Cycle.Refunds]).
	Collecting *Collecting
}

// Cycle is the order-to-cash cycle of one tenant, wired: orders are
// credit-checked when placed, confirmed deliveries become invoices by the
// invoicing policy, payments read from bank statements are applied to
// invoices (which lowers exposure and takes the invoices out of dunning),
// and disputed amounts are left out of dunning and deducted from exposure.
//
// Each sub-service stays usable directly (Orders, Invoices, Credit,
// Dunning, Matching): the wiring lives in the services' options and in the
// few methods below that span two domains. A Cycle starts no goroutine and
// is safe for concurrent use as far as its services are.
type Cycle struct {
	stores    Stores
	tx        o2c.Transactor
	clock     o2c.Clock
	log       *slog.Logger
	obs       *telemetry.T
	invoicing Invoicing
	loc       *time.Location
	rules     credit.Rules
	rates     credit.RateSource

	orders   *order.Service
	invoices *invoice.Service
	checker  *credit.Checker
	dunning  *dunning.Service
	matching *matching.Service

	einv      *EInvoicing
	lifecycle *einvoice.Lifecycle

	poster *ledger.Poster
	books  ledger.Store

	collect *collecting
}

// New builds the cycle. It validates the configuration and every service's
// options; errors are *o2c.ValidationError (matching o2c.ErrValidation) or
// the services' own validation errors.
func New(cfg Config) (*Cycle, error) {
	if cfg.Stores == nil {
		return nil, o2c.NewValidationError("stores", "is required")
	}
	if cfg.Tx == nil {
		return nil, o2c.NewValidationError("tx", "is required")
	}
	if cfg.Notifier == nil {
		return nil, o2c.NewValidationError("notifier", "is required")
	}
	if cfg.Invoicing.Policy > BillPeriodic {
		return nil, &o2c.ValidationError{Field: "invoicing.policy", Rule: "must be per delivery, per order or periodic", Value: cfg.Invoicing.Policy.String()}
	}
	if cfg.Credit.Store != nil || cfg.Credit.Source != nil || cfg.Credit.Tx != nil {
		return nil, o2c.NewValidationError("credit", "store, source and tx are set by the cycle")
	}
	if cfg.Dunning.Store != nil || cfg.Dunning.Tx != nil || cfg.Dunning.Items != nil || cfg.Dunning.Credits != nil || cfg.Dunning.Notifier != nil {
		return nil, o2c.NewValidationError("dunning", "store, tx, items, credits and notifier are set by the cycle")
	}
	st := cfg.Stores
	clock := o2c.ClockOrSystem(cfg.Clock)
	tel := cfg.Telemetry
	if tel.Logger == nil {
		tel.Logger = cfg.Logger
	}
	obs := telemetry.New(tel)
	log := obs.Logger()
	cfg.Tx = obs.Transactor(cfg.Tx) // a span around every store transaction
	inv := cfg.Invoicing
	if inv.DefaultTerms == (invoice.Terms{}) {
		inv.DefaultTerms = invoice.NetTerms(30)
	}
	loc := inv.Location
	if loc == nil {
		loc = time.UTC
	}
	c := &Cycle{stores: st, tx: cfg.Tx, clock: clock, log: log, obs: obs, invoicing: inv, loc: loc}

	co := cfg.Credit
	co.Store = st.CreditProfiles()
	co.Source = credit.StoreSource{Orders: st.Orders(), Invoices: st.Invoices()}
	co.Tx = cfg.Tx
	if co.Telemetry == (telemetry.Options{}) {
		co.Telemetry = tel
	}
	if co.Clock == nil {
		co.Clock = clock
	}
	if co.Location == nil {
		co.Location = loc
	}
	checker, err := credit.NewChecker(co)
	if err != nil {
		return nil, fmt.Errorf("cycle: credit: %w", err)
	}
	c.checker, c.rules, c.rates = checker, co.Rules, co.Rates

	c.orders, err = order.NewService(st.Orders(), order.Options{
		Clock:                clock,
		Credit:               checker,
		Customers:            st.Customers(),
		RequireReadyCustomer: cfg.RequireReadyCustomer,
		Readiness:            cfg.Readiness,
		AutoApprove:          cfg.AutoApprove,
		Telemetry:            tel,
	})
	if err != nil {
		return nil, fmt.Errorf("cycle: orders: %w", err)
	}

	c.invoices, err = invoice.NewService(cfg.Tx, invoice.Stores{Invoices: st.Invoices(), Payments: st.Payments(), Numbers: st.InvoiceNumbers()}, invoice.Options{
		Clock:     clock,
		Location:  inv.Location,
		Numbering: inv.Numbering,
		Tolerance: inv.Tolerance,
		Shift:     inv.Shift,
		Billing:   OrderBilling{Orders: c.orders},
		Telemetry: tel,
	})
	if err != nil {
		return nil, fmt.Errorf("cycle: invoices: %w", err)
	}

	dc := cfg.Dunning
	if dc.Telemetry == (telemetry.Options{}) {
		dc.Telemetry = tel
	}
	dc.Store, dc.Tx, dc.Items, dc.Credits, dc.Notifier = st.Dunning(), cfg.Tx, st.Invoices(), st.Payments(), cfg.Notifier
	if dc.Customers == nil {
		dc.Customers = st.Customers()
	}
	if dc.Clock == nil {
		dc.Clock = clock
	}
	if cfg.Collecting != nil {
		if err := c.setupCollecting(*cfg.Collecting, &dc); err != nil {
			return nil, fmt.Errorf("cycle: collecting: %w", err)
		}
		if err := c.finishCollecting(); err != nil {
			return nil, fmt.Errorf("cycle: collecting: %w", err)
		}
	}
	c.dunning, err = dunning.NewService(dc)
	if err != nil {
		return nil, fmt.Errorf("cycle: dunning: %w", err)
	}

	mo := cfg.Matching
	if mo.Telemetry == (telemetry.Options{}) {
		mo.Telemetry = tel
	}
	if mo.Clock == nil {
		mo.Clock = clock
	}
	if mo.Groups == nil { // members of a credit group pay for each other
		mo.Groups = creditGroups{st.CreditProfiles()}
	}
	if len(mo.Engine.Tolerance.Amounts) == 0 && mo.Engine.Tolerance.Percent.IsZero() {
		mo.Engine.Tolerance = inv.Tolerance
	}
	c.matching, err = matching.NewService(cfg.Tx, matching.Stores{Matching: st.Matching(), Invoices: st.Invoices(), Customers: st.Customers()}, c.invoices, mo)
	if err != nil {
		return nil, fmt.Errorf("cycle: matching: %w", err)
	}
	if cfg.EInvoicing != nil {
		e := *cfg.EInvoicing
		if err := c.setupEInvoicing(&e); err != nil {
			return nil, err
		}
	}
	if cfg.Ledger != nil {
		if err := c.newBooks(*cfg.Ledger); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Orders returns the order service; placing an order through it runs the
// credit check.
func (c *Cycle) Orders() *order.Service { return c.orders }

// Invoices returns the invoicing service; its BillDelivered bills what the
// orders delivered.
func (c *Cycle) Invoices() *invoice.Service { return c.invoices }

// CreditChecker returns the credit checker (the order service's credit
// check, holds and releases, credit profiles and limits).
func (c *Cycle) CreditChecker() *credit.Checker { return c.checker }

// Dunning returns the dunning service.
func (c *Cycle) Dunning() *dunning.Service { return c.dunning }

// Matching returns the cash-application service.
func (c *Cycle) Matching() *matching.Service { return c.matching }

// Customers returns the customer master store.
func (c *Cycle) Customers() customer.Store { return c.stores.Customers() }

// Stores returns the stores the cycle was built on.
func (c *Cycle) Stores() Stores { return c.stores }

// Policy returns the invoicing policy.
func (c *Cycle) Policy() InvoicingPolicy { return c.invoicing.Policy }

// ReleaseOrder releases an order held for credit (see credit.Checker.Release):
// the order's release and the release record commit together, and with
// AutoApprove the order is approved.
func (c *Cycle) ReleaseOrder(ctx context.Context, id order.ID, by, note string) (*order.Order, error) {
	ctx, end := c.obs.Start(ctx, "cycle.ReleaseOrder")
	o, err := c.checker.Release(ctx, c.orders, id, by, note)
	return o, end(err)
}

// Ship records a shipment of an order (order.Service.Ship): with
// [Cycle.ConfirmDelivery] the fulfilment steps of the cycle live in one
// place.
func (c *Cycle) Ship(ctx context.Context, id order.ID, ref string, lines ...order.LineQuantity) (*order.Order, error) {
	ctx, end := c.obs.Start(ctx, "cycle.Ship")
	o, err := c.orders.Ship(ctx, id, ref, lines...)
	return o, end(err)
}

// ConfirmDelivery confirms a delivery of an order and, in the same
// transaction, bills it when the invoicing policy says so: always under
// [BillPerDelivery], when nothing is left to deliver under [BillPerOrder],
// never under [BillPeriodic]. The invoice is issued today on the cycle's
// clock; it is nil when nothing was billed. Errors are those of
// order.Service.ConfirmDelivery and invoice.Service.BillDelivered; on any
// error nothing is written.
func (c *Cycle) ConfirmDelivery(ctx context.Context, id order.ID, ref string, lines ...order.LineQuantity) (*order.Order, *invoice.Invoice, error) {
	var (
		o   *order.Order
		inv *invoice.Invoice
	)
	ctx, end := c.obs.Start(ctx, "cycle.ConfirmDelivery")
	err := end(c.tx.InTx(ctx, func(ctx context.Context) error {
		var err error
		inv = nil
		if o, err = c.orders.ConfirmDelivery(ctx, id, ref, lines...); err != nil {
			return err
		}
		if !c.billOnDelivery(o) {
			return nil
		}
		inv, err = c.bill(ctx, o, o2c.Date{})
		if err != nil {
			return err
		}
		if inv != nil {
			// the order now records the quantities invoiced
			o, err = c.orders.Get(ctx, id)
		}
		return err
	}))
	if err != nil {
		return nil, nil, err
	}
	if inv != nil {
		c.log.DebugContext(ctx, "cycle: delivery billed", "order", id.String(), "delivery", ref, "invoice", inv.Number(), "gross", inv.Gross().String(), "policy", c.invoicing.Policy.String())
	}
	return o, inv, nil
}

func (c *Cycle) billOnDelivery(o *order.Order) bool {
	switch c.invoicing.Policy {
	case BillPerDelivery:
		return true
	case BillPerOrder:
		for _, l := range o.Lines() {
			if l.Undelivered().IsPositive() {
				return false
			}
		}
		return true
	default:
		return false
	}
}

// bill bills o's delivered, not yet invoiced quantities, issued on date
// (zero: today), with the terms [Cycle.Terms] chooses; a terms mismatch
// appends an [EventTermsMismatch] in the same transaction. Nothing to bill
// is (nil, nil).
func (c *Cycle) bill(ctx context.Context, o *order.Order, date o2c.Date) (*invoice.Invoice, error) {
	var inv *invoice.Invoice
	err := c.tx.InTx(ctx, func(ctx context.Context) error {
		inv = nil
		terms, err := c.Terms(ctx, o)
		if err != nil {
			return err
		}
		got, err := c.invoices.BillDelivered(ctx, invoice.BillInput{
			OrderRef:  o.ID().String(),
			Terms:     terms.Terms,
			Reference: o.CustomerReference(),
			Issue:     true,
			IssueDate: date,
		})
		if errors.Is(err, invoice.ErrNothingToBill) {
			return nil
		}
		if err != nil {
			return err
		}
		if terms.Mismatch {
			ev, err := o2c.NewEvent(c.stores.TenantID(), "invoice", got.ID().String(), EventTermsMismatch, c.clock.Now(), TermsMismatch{
				Invoice: got.ID().String(), Number: got.Number(), Order: o.ID().String(), Customer: o.Customer(),
				OrderTerms: terms.OrderCode, CustomerTerms: terms.CustomerCode,
			})
			if err != nil {
				return err
			}
			if err := c.stores.Outbox().Append(ctx, ev); err != nil {
				return err
			}
			c.log.WarnContext(ctx, "cycle: order terms differ from the customer's", "order", o.ID().String(), "invoice", got.Number(), "order_terms", terms.OrderCode, "customer_terms", terms.CustomerCode)
		}
		inv = got
		return nil
	})
	return inv, err
}

// billable are the states of orders that may have delivered quantities not
// yet invoiced.
var billable = []order.State{order.StatePartiallyDelivered, order.StateDelivered, order.StatePartiallyInvoiced}

// BillDue bills, one invoice per order issued on date, everything delivered
// and not yet invoiced: the run of the [BillPeriodic] policy, and a
// catch-up under the others. Each order is billed in a transaction of its
// own; on an error BillDue stops and returns the invoices issued so far
// with the error (calling it again bills the rest, never twice).
func (c *Cycle) BillDue(ctx context.Context, date o2c.Date) ([]*invoice.Invoice, error) {
	if date.IsZero() {
		return nil, o2c.NewValidationError("date", "is required")
	}
	// Collect the candidates first: billing moves orders out of the
	// queried states, which would shift the pages under a paging loop.
	var ids []order.ID
	for offset := 0; ; offset += order.MaxLimit {
		page, err := c.orders.List(ctx, order.Query{Statuses: billable, Limit: order.MaxLimit, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, o := range page {
			ids = append(ids, o.ID())
		}
		if len(page) < order.MaxLimit {
			break
		}
	}
	var out []*invoice.Invoice
	for _, id := range ids {
		o, err := c.orders.Get(ctx, id)
		if err != nil {
			return out, err
		}
		inv, err := c.bill(ctx, o, date)
		if err != nil {
			return out, fmt.Errorf("cycle: billing order %s: %w", id, err)
		}
		if inv != nil {
			out = append(out, inv)
		}
	}
	c.log.DebugContext(ctx, "cycle: billing run", "date", date.String(), "invoices", len(out))
	return out, nil
}

// ReceiveStatement imports a bank statement, proposes matches for its
// lines and applies the confident ones through invoicing: each applied
// payment settles invoices (lowering the customer's exposure and taking
// paid invoices out of the next dunning proposal). Lines without a
// confident match stay for review (matching.Service.Proposals, Confirm).
// A statement imported before is a *matching.DuplicateStatementError.
//
// The report says what was not done as well: Failed lines with their
// errors, and Waiting lines (only suggested, or unmatched) with their best
// proposal and why it was not applied.
func (c *Cycle) ReceiveStatement(ctx context.Context, st matching.Statement) (*matching.ImportResult, matching.ApplyReport, error) {
	ctx, end := c.obs.Start(ctx, "cycle.ReceiveStatement")
	imp, err := c.matching.Import(ctx, st)
	if err != nil {
		return nil, matching.ApplyReport{}, end(err)
	}
	if _, err := c.matching.Propose(ctx, imp.Statement.ID); err != nil {
		return imp, matching.ApplyReport{}, end(err)
	}
	rep, err := c.matching.Apply(ctx, imp.Statement.ID)
	if err != nil {
		return imp, rep, end(err)
	}
	c.log.DebugContext(ctx, "cycle: statement applied", "statement", st.ID, "lines", len(imp.Lines), "applied", len(rep.Applied), "failed", len(rep.Failed), "waiting", len(rep.Waiting))
	return imp, rep, end(nil)
}

// Exposure returns a customer's credit exposure in cur as of today, under
// the credit rules the cycle checks orders with: open orders, deliveries
// not yet invoiced, open receivables less disputed amounts (unless
// Rules.KeepDisputed).
func (c *Cycle) Exposure(ctx context.Context, customer o2c.CustomerID, cur o2c.Currency) (credit.Exposure, error) {
	pos, err := credit.StoreSource{Orders: c.stores.Orders(), Invoices: c.stores.Invoices()}.Position(ctx, customer)
	if err != nil {
		return credit.Exposure{}, err
	}
	return credit.Compute(pos, cur, o2c.Today(c.clock, c.loc), c.rules, c.rates, order.ID{})
}

// RunDunning runs dunning for asOf (dunning.Service.Run): the letters due
// are written and delivered through the notifier, at most once per day.
// Paid invoices are no longer open items and disputed amounts are left out,
// so payments applied and disputes opened before the run are reflected.
func (c *Cycle) RunDunning(ctx context.Context, asOf o2c.Date) (dunning.RunResult, error) {
	ctx, end := c.obs.Start(ctx, "cycle.RunDunning")
	res, err := c.dunning.Run(ctx, asOf)
	c.log.DebugContext(ctx, "cycle: dunning run", "as_of", asOf.String(), "letters", len(res.Written), "note", res.Note, "err", err)
	return res, end(err)
}
