package dunning

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/telemetry"
)

// DefaultDeliveryBackoff spaces a failing letter's attempts: about 1, 2,
// 4, 8 minutes ... up to 6 hours.
var DefaultDeliveryBackoff = outbox.Backoff{Initial: time.Minute, Max: 6 * time.Hour, Jitter: 0.2}

// DueLineSource lists open due lines; invoice.Store implements it. When
// the configured OpenItemSource implements it too, the service duns due
// lines (instalments): each is an item of its own, with its own due date,
// amount and level.
type DueLineSource interface {
	DueLines(ctx context.Context, f invoice.OpenItemFilter) ([]invoice.DueLine, error)
}

// openItems returns the receivables and unused credit notes to dun: one
// item per open due line when src lists due lines, else its open items.
// With due lines, it also returns their dated settlements ([PaidFromDueLines]).
func openItems(ctx context.Context, src OpenItemSource) ([]invoice.OpenItem, map[invoice.DueLineKey][]invoice.LatePaymentPart, error) {
	f := invoice.OpenItemFilter{Kinds: []invoice.Kind{invoice.KindInvoice, invoice.KindDeposit, invoice.KindCreditNote}}
	ls, ok := src.(DueLineSource)
	if !ok {
		items, err := src.OpenItems(ctx, f)
		return items, nil, err
	}
	lines, err := ls.DueLines(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	return ItemsFromDueLines(lines), PaidFromDueLines(lines), nil
}

// PaidFromDueLines returns the dated settlements of the lines that have
// some ([invoice.DueLine].Paid), keyed by invoice and Seq: what
// [Input].Paid takes so interest runs over each line's history.
func PaidFromDueLines(lines []invoice.DueLine) map[invoice.DueLineKey][]invoice.LatePaymentPart {
	var out map[invoice.DueLineKey][]invoice.LatePaymentPart
	for _, l := range lines {
		if len(l.Paid) == 0 {
			continue
		}
		if out == nil {
			out = make(map[invoice.DueLineKey][]invoice.LatePaymentPart)
		}
		out[invoice.DueLineKey{Invoice: l.Invoice, Seq: l.Seq}] = l.Paid
	}
	return out
}

// ItemsFromDueLines returns one open item per due line ([invoice.DueLine.Item]):
// what [Input].Items takes to dun instalments line by line.
func ItemsFromDueLines(lines []invoice.DueLine) []invoice.OpenItem {
	out := make([]invoice.OpenItem, len(lines))
	for i, l := range lines {
		out[i] = l.Item()
	}
	return out
}

// OpenItemSource lists open items; invoice.Store implements it.
type OpenItemSource interface {
	OpenItems(ctx context.Context, f invoice.OpenItemFilter) ([]invoice.OpenItem, error)
}

// CreditSource tells a customer's unapplied payment credit;
// invoice.PaymentStore implements it.
type CreditSource interface {
	Unapplied(ctx context.Context, customer o2c.CustomerID) ([]o2c.Money, error)
}

// CustomerDirectory reads customers (for the debtor's identity, language,
// reminder contacts and segment); customer.Store implements it.
type CustomerDirectory interface {
	Get(ctx context.Context, id o2c.CustomerID) (*customer.Customer, error)
}

// RiskClassifier gives a customer's risk class for plan assignment (the
// credit package's scoring, wired by the host). Optional.
type RiskClassifier interface {
	RiskClass(ctx context.Context, id o2c.CustomerID) (string, error)
}

// Config wires a [Service]. Store, Tx, Items and Notifier are required;
// the zero value of every other field works.
type Config struct {
	// Store is the tenant's dunning store; Tx the transactor of the same
	// adapter (its transactions carry the store's and the outbox's writes).
	Store Store
	Tx    o2c.Transactor
	// Items lists open items (invoice.Store); Credits unapplied payments
	// (invoice.PaymentStore), optional.
	Items   OpenItemSource
	Credits CreditSource
	// Customers reads debtors (customer.Store); optional: without it the
	// letter names the customer by ID, in DefaultLanguage.
	Customers CustomerDirectory
	// Risk gives risk classes for plan assignment; optional.
	Risk RiskClassifier
	// Notifier sends letters.
	Notifier Notifier
	// Templates render letters; nil: DefaultTemplates.
	Templates *Templates
	// Plans and DefaultPlan make the plan book with the store's
	// assignments. No plans: PlanFrance as the default.
	Plans       []Plan
	DefaultPlan string
	// Calendar is the tenant's business calendar; nil: Monday to Friday.
	Calendar invoice.BusinessCalendar
	// Telemetry: logger, spans around Run and Deliver, the
	// o2c.dunning.letters counter (zero: silent).
	Telemetry telemetry.Options
	// RunNextBusinessDay makes Run on a day that is not a business day
	// run for the next business day instead of writing nothing (see
	// RunResult.NotBusinessDay).
	RunNextBusinessDay bool
	// Rates and FloorRates feed the late-payment policies (see Input).
	Rates, FloorRates invoice.ReferenceRateTable
	// Rounding rounds interest (zero value: half up).
	Rounding o2c.RoundingMode
	// Creditor is the tenant as letters name it.
	Creditor Party
	// PayURL returns the host's "pay now" link for a letter; optional.
	PayURL func(l Letter) string
	// Bank, when set, is offered in every letter for payment by transfer;
	// its IBAN is checked at construction. ItemReference, when set, gives
	// the reference to quote for each invoice number (an ISO 11649 RF
	// reference, say: cycle plugs matching.RFReferenceForNumber in).
	Bank          *BankAccount
	ItemReference func(number string) (string, error)
	// MandateURL returns the host's page where the debtor signs a SEPA
	// direct-debit mandate, or "" to offer none in this letter (cycle
	// offers none to a customer who already has a valid mandate).
	// It is called with the context of the run building the letter (read
	// with it: it may be inside the run's transaction).
	MandateURL func(ctx context.Context, l Letter) string
	// DefaultLanguage is used for customers without one; default "en".
	DefaultLanguage string
	// Clock stamps history entries and events; nil: the system clock.
	Clock o2c.Clock
	// BatchSize is the number of letters written per transaction; default 1000.
	BatchSize int
	// MaxAttempts is how many failed deliveries mark a letter failed (the
	// dead letter, never offered again); default 5.
	MaxAttempts int
	// Backoff spaces a failing letter's attempts (the n-th failure waits
	// Backoff.Delay(n) before the letter is due again); zero:
	// DefaultDeliveryBackoff. A letter waiting out its backoff does not
	// hold back the letters behind it.
	Backoff outbox.Backoff
	// DeliveryTimeout bounds one notifier call: a call still running then
	// has its context cancelled and counts as a failed attempt; default one
	// minute.
	DeliveryTimeout time.Duration
	// DeliveryBatch is how many letters one claim leases; default 1. More
	// saves round trips, but letters claimed and not yet offered when
	// Deliver stops (ctx ended) wait for their lease to end.
	DeliveryBatch int
	// Lease is how long claimed letters stay hidden from concurrent
	// deliverers; default 10 minutes, and never less than
	// (DeliveryBatch+1) x DeliveryTimeout.
	Lease time.Duration
	// HistoryDays is how far back history is read for levels; default 400.
	HistoryDays int
}

// Service runs dunning for one tenant: dry runs, execution, delivery.
type Service struct {
	obs    *telemetry.T
	cfg    Config
	tenant o2c.TenantID
	clock  o2c.Clock
	tpl    *Templates
}

// NewService checks cfg and returns the service. Missing required parts
// and invalid plans are a *o2c.ValidationError.
func NewService(cfg Config) (*Service, error) {
	switch {
	case cfg.Store == nil:
		return nil, invalid("store", "is required", nil)
	case cfg.Tx == nil:
		return nil, invalid("tx", "is required", nil)
	case cfg.Items == nil:
		return nil, invalid("items", "is required", nil)
	case cfg.Notifier == nil:
		return nil, invalid("notifier", "is required", nil)
	case cfg.Bank != nil && customer.ValidateIBAN(cfg.Bank.IBAN) != nil:
		return nil, invalid("bank.iban", "is not a valid IBAN: letters would send payments to it", customer.ValidateIBAN(cfg.Bank.IBAN))
	case strings.TrimSpace(cfg.Creditor.Name) == "":
		// letters name the creditor as sender and in the subject: without
		// it every letter would go out with an empty sender block
		return nil, invalid("creditor.name", "is required: letters name the creditor as sender and in their subject", nil)
	}
	if len(cfg.Plans) == 0 {
		cfg.Plans = []Plan{PlanFrance()}
		if cfg.DefaultPlan == "" {
			cfg.DefaultPlan = "FR"
		}
	}
	if _, err := NewPlanBook(cfg.Plans, cfg.DefaultPlan, nil); err != nil {
		return nil, err
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 1000
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.Backoff == (outbox.Backoff{}) {
		cfg.Backoff = DefaultDeliveryBackoff
	}
	if cfg.DeliveryTimeout <= 0 {
		cfg.DeliveryTimeout = time.Minute
	}
	if cfg.DeliveryBatch <= 0 {
		cfg.DeliveryBatch = 1
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 10 * time.Minute
	}
	cfg.Lease = max(cfg.Lease, time.Duration(cfg.DeliveryBatch+1)*cfg.DeliveryTimeout)
	if cfg.HistoryDays <= 0 {
		cfg.HistoryDays = 400
	}
	if cfg.DefaultLanguage == "" {
		cfg.DefaultLanguage = "en"
	}
	s := &Service{obs: telemetry.New(cfg.Telemetry), cfg: cfg, tenant: cfg.Store.TenantID(), clock: o2c.ClockOrSystem(cfg.Clock), tpl: cfg.Templates}
	if s.tpl == nil {
		s.tpl = DefaultTemplates()
	}
	return s, nil
}

// Input loads everything the scheduler needs for asOf from the stores.
func (s *Service) Input(ctx context.Context, asOf o2c.Date) (Input, error) {
	assignments, err := s.cfg.Store.Assignments(ctx)
	if err != nil {
		return Input{}, err
	}
	book, err := NewPlanBook(s.cfg.Plans, s.cfg.DefaultPlan, assignments)
	if err != nil {
		return Input{}, err
	}
	items, paid, err := openItems(ctx, s.cfg.Items)
	if err != nil {
		return Input{}, err
	}
	in := Input{AsOf: asOf, Calendar: s.cfg.Calendar, Plans: book, Items: items, Paid: paid, Rates: s.cfg.Rates, FloorRates: s.cfg.FloorRates, Rounding: s.cfg.Rounding}
	if in.Promises, err = s.cfg.Store.Promises(ctx, o2c.CustomerID{}); err != nil {
		return Input{}, err
	}
	if in.Blocks, err = s.cfg.Store.Blocks(ctx, o2c.CustomerID{}); err != nil {
		return Input{}, err
	}
	if in.History, err = s.cfg.Store.History(ctx, HistoryFilter{Since: asOf.AddDays(-s.cfg.HistoryDays)}); err != nil {
		return Input{}, err
	}
	seen := map[o2c.CustomerID]bool{}
	needProfiles := len(book.risk) > 0 || len(book.segment) > 0
	if needProfiles {
		in.Profiles = map[o2c.CustomerID]Profile{}
	}
	for _, it := range items {
		c := it.Customer
		if seen[c] {
			continue
		}
		seen[c] = true
		if s.cfg.Credits != nil {
			ms, err := s.cfg.Credits.Unapplied(ctx, c)
			if err != nil {
				return Input{}, err
			}
			for _, m := range ms {
				in.Credits = append(in.Credits, Credit{Customer: c, Amount: m})
			}
		}
		if needProfiles {
			var p Profile
			if s.cfg.Customers != nil && len(book.segment) > 0 {
				cu, err := s.cfg.Customers.Get(ctx, c)
				if err != nil && !errors.Is(err, o2c.ErrNotFound) {
					return Input{}, err
				}
				if cu != nil {
					p.Segment = cu.Segment
				}
			}
			if s.cfg.Risk != nil && len(book.risk) > 0 {
				if p.RiskClass, err = s.cfg.Risk.RiskClass(ctx, c); err != nil {
					return Input{}, err
				}
			}
			in.Profiles[c] = p
		}
	}
	return in, nil
}

// DryRun proposes the letters due on asOf without writing anything: the
// proposal to review before [Service.Execute].
func (s *Service) DryRun(ctx context.Context, asOf o2c.Date) (Proposal, error) {
	in, err := s.Input(ctx, asOf)
	if err != nil {
		return Proposal{}, err
	}
	return Propose(in)
}

// RunResult reports what an execution wrote.
type RunResult struct {
	Run Run
	// Written are the keys of the letters this call wrote; Skipped the
	// number of proposed letters already written by an earlier call.
	Written []string
	Skipped int
	// AlreadyCompleted is set when the run of that date was completed
	// before this call: nothing was written.
	AlreadyCompleted bool
	// NotBusinessDay is set when the date asked for is not a business
	// day; Note then says what was done: nothing (what is due goes out on
	// the next business day), or, with Config.RunNextBusinessDay, the run
	// of the next business day (Run.Date).
	NotBusinessDay bool
	Note           string
}

// Execute writes the proposal's letters: in transactions of BatchSize
// letters, each writing the run, the history entries and the outbox
// events (one per letter, the [Letter] as payload) together, then marks
// the run completed. It is idempotent per tenant and date: a letter whose
// key is already in the history is not written again, and a completed run
// writes nothing. After a crash, executing again (the same proposal, or a
// new dry run of the same date) writes only what is missing. Execute
// sends nothing: call [Service.Deliver].
func (s *Service) Execute(ctx context.Context, p Proposal) (RunResult, error) {
	return s.execute(ctx, p, true)
}

func (s *Service) execute(ctx context.Context, p Proposal, complete bool) (RunResult, error) {
	if p.AsOf.IsZero() {
		return RunResult{}, invalid("proposal.as_of", "is required", nil)
	}
	run, err := s.cfg.Store.Run(ctx, p.AsOf)
	switch {
	case err == nil && run.Status == RunCompleted:
		return RunResult{Run: run, AlreadyCompleted: true, Skipped: len(p.Letters)}, nil
	case err != nil && !errors.Is(err, o2c.ErrNotFound):
		return RunResult{}, err
	}
	book, err := NewPlanBook(s.cfg.Plans, s.cfg.DefaultPlan, nil)
	if err != nil {
		return RunResult{}, err
	}
	now := s.clock.Now()
	runRec := Run{Date: p.AsOf, Status: RunExecuting, StartedAt: now}
	res := RunResult{}
	for start := 0; start < len(p.Letters) || start == 0; start += s.cfg.BatchSize {
		end := min(start+s.cfg.BatchSize, len(p.Letters))
		entries := make([]HistoryEntry, 0, end-start)
		events := make([]o2c.Event, 0, end-start)
		for i := start; i < end; i++ {
			e, ev, err := s.prepare(ctx, book, p.AsOf, &p.Letters[i], now)
			if err != nil {
				return res, err
			}
			entries = append(entries, e)
			events = append(events, ev)
		}
		var keys []string
		err := s.cfg.Tx.InTx(ctx, func(ctx context.Context) error {
			var err error
			keys, err = s.cfg.Store.RecordLetters(ctx, runRec, entries, events)
			return err
		})
		if errors.Is(err, o2c.ErrConflict) {
			// Another process completed the run of this date while this
			// one was preparing: like a run found completed at the start,
			// this call writes nothing more.
			if done, rerr := s.cfg.Store.Run(ctx, p.AsOf); rerr == nil && done.Status == RunCompleted {
				res.Run, res.AlreadyCompleted = done, true
				res.Skipped += len(p.Letters) - start
				return res, nil
			}
		}
		if err != nil {
			return res, err
		}
		res.Written = append(res.Written, keys...)
		res.Skipped += len(entries) - len(keys)
		if end >= len(p.Letters) {
			break
		}
	}
	if complete {
		if err := s.cfg.Store.CompleteRun(ctx, p.AsOf, s.clock.Now()); err != nil {
			return res, err
		}
	}
	if res.Run, err = s.cfg.Store.Run(ctx, p.AsOf); err != nil {
		return res, err
	}
	return res, nil
}

// prepare builds the letter, its history entry and its outbox event.
func (s *Service) prepare(ctx context.Context, book *PlanBook, date o2c.Date, pl *ProposedLetter, now time.Time) (HistoryEntry, o2c.Event, error) {
	l, err := s.LetterFor(ctx, book, date, pl)
	if err != nil {
		return HistoryEntry{}, o2c.Event{}, err
	}
	payload, err := json.Marshal(l)
	if err != nil {
		return HistoryEntry{}, o2c.Event{}, fmt.Errorf("dunning: encode letter %s: %w", l.Key, err)
	}
	// the store validates the event (and its JSON) before writing it
	ev := o2c.Event{ID: o2c.NewEventID(), Tenant: s.tenant, AggregateType: "dunning_letter", AggregateID: l.Key,
		Type: EventLetterIssued, OccurredAt: now.UTC(), Payload: payload}
	e := HistoryEntry{Key: l.Key, RunDate: date, Customer: pl.Customer, Currency: pl.Currency, Plan: pl.Plan,
		Level: pl.Level, LevelName: pl.LevelName, Channel: pl.Channel, Total: pl.Total, Event: ev.ID,
		Status: LetterPending, CreatedAt: now.UTC(),
		DeadlineDays: pl.DeadlineDays, DeadlineFromReceipt: pl.DeadlineFromReceipt, PaymentDeadline: pl.PaymentDeadline}
	e.Items = make([]HistoryItem, len(pl.Items))
	for i, it := range pl.Items {
		e.Items[i] = HistoryItem{Invoice: it.Invoice, Seq: it.Seq, Number: it.Number, Amount: it.Amount, RecoveryFeeClaimed: it.RecoveryFee.IsPositive()}
	}
	return e, ev, nil
}

// RecordReceipt records that the letter key (a formal notice sent by
// registered letter) reached the debtor: the registered letter's number
// and the day it was received. When the letter's level counts its
// deadline from receipt (Level.DeadlineFromReceipt), the deadline runs
// from that day and is stored in the history; the next level waits for
// it to expire unpaid. Recording the same receipt twice is a no-op; a
// different receipt over a recorded one is o2c.ErrConflict; an unknown key
// o2c.ErrNotFound; a missing number or date, or a date before the letter,
// a *o2c.ValidationError.
func (s *Service) RecordReceipt(ctx context.Context, key string, r Receipt) (HistoryEntry, error) {
	r.RecordedAt = s.clock.Now()
	var out HistoryEntry
	err := s.cfg.Tx.InTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.cfg.Store.RecordReceipt(ctx, key, r)
		return err
	})
	return out, err
}

// EventLetterIssued is the type of the outbox event each letter is
// written as (aggregate type "dunning_letter", aggregate ID the key).
const EventLetterIssued = "dunning.letter_issued"

// LetterFor builds the letter of a proposed letter on date: the debtor
// from the customer directory, the creditor and pay link from the
// configuration, the claims from the proposal.
func (s *Service) LetterFor(ctx context.Context, book *PlanBook, date o2c.Date, pl *ProposedLetter) (Letter, error) {
	l := Letter{
		Key: LetterKey(s.tenant, date, pl.Customer, pl.Currency, pl.LevelName), Tenant: s.tenant, Date: date,
		Customer: pl.Customer, Language: s.cfg.DefaultLanguage, Template: pl.Template, Channel: pl.Channel,
		Plan: pl.Plan, Level: pl.Level, LevelName: pl.LevelName, Creditor: s.cfg.Creditor,
		Debtor: Party{Name: pl.Customer.String()}, Currency: pl.Currency,
		Amount: pl.Amount, Fee: pl.Fee, Interest: pl.Interest, RecoveryFees: pl.RecoveryFees, Total: pl.Total,
		PaymentDeadline: pl.PaymentDeadline, DeadlineDays: pl.DeadlineDays, DeadlineFromReceipt: pl.DeadlineFromReceipt,
	}
	if s.cfg.Customers != nil {
		cu, err := s.cfg.Customers.Get(ctx, pl.Customer)
		if err != nil && !errors.Is(err, o2c.ErrNotFound) {
			return Letter{}, err
		}
		if cu != nil {
			l.Debtor = DebtorOf(cu, s.cfg.Creditor.Country)
			if cu.Language != "" {
				l.Language = cu.Language
			}
			for _, c := range cu.ReminderContacts() {
				if c.Email != "" {
					l.Recipients = append(l.Recipients, c.Email)
				}
			}
		}
	}
	l.Items = make([]LetterItem, len(pl.Items))
	for i, it := range pl.Items {
		l.Items[i] = LetterItem{Invoice: it.Invoice, Number: it.Number, IssueDate: it.IssueDate, DueDate: it.DueDate,
			DaysOverdue: it.DaysOverdue, Amount: it.Amount, Interest: it.Interest, RecoveryFee: it.RecoveryFee,
			InterestPeriods: interestPeriods(it.Periods())}
		if !it.InterestRate.IsZero() && l.InterestRate.IsZero() {
			l.InterestRate = it.InterestRate
		}
	}
	if plan, ok := book.Plan(pl.Plan); ok && pl.Level < len(plan.Levels) {
		lvl := plan.Levels[pl.Level]
		if lvl.ClaimInterest || lvl.ClaimRecoveryFee {
			l.LegalReference, l.Jurisdiction = plan.LatePayment.Reference, plan.LatePayment.Jurisdiction
			if fees := plan.LatePayment.RecoveryFees; len(fees) > 0 {
				l.RecoveryFeePerInvoice = fees[0].Fee
			}
		}
	}
	if s.cfg.PayURL != nil {
		l.PayURL = s.cfg.PayURL(l)
	}
	if b := s.cfg.Bank; b != nil {
		acct := *b
		if acct.Holder == "" {
			acct.Holder = s.cfg.Creditor.Name
		}
		l.Bank = &acct
		if s.cfg.ItemReference != nil {
			for i := range l.Items {
				ref, err := s.cfg.ItemReference(l.Items[i].Number)
				if err != nil {
					return Letter{}, fmt.Errorf("dunning: reference for invoice %s: %w", l.Items[i].Number, err)
				}
				l.Items[i].Reference = ref
			}
		}
	}
	if s.cfg.MandateURL != nil {
		l.MandateURL = s.cfg.MandateURL(ctx, l)
	}
	return l, nil
}

// DebtorOf returns the party a letter addresses for customer c, its
// billing address formatted for the post of its country (see
// customer.Address.Format); from is the sender's ISO 3166 country (the
// creditor's, Party.Country): when it differs, the address ends with the
// destination country's name.
func DebtorOf(c *customer.Customer, from string) Party {
	p := Party{Name: c.LegalName, VATNumber: c.VATNumber, Country: c.BillingAddress.Country}
	if p.Name == "" {
		p.Name = c.Number
	}
	if c.SIREN != "" {
		p.LegalID = "SIREN " + c.SIREN
	}
	p.Address = c.BillingAddress.Format(from)
	rc := c.ReminderContacts()
	if len(rc) > 0 {
		p.Email = rc[0].Email
	}
	for _, k := range rc {
		if k.Phone != "" {
			p.Phone = k.Phone
			break
		}
	}
	return p
}

// PayLink returns a Config.PayURL that links every item of a letter to
// one payment: base, then the query parameters ref (the letter's key),
// invoice (once per item, in the letter's order), amount (the letter's
// total) and currency. A pay page that reads them settles all the items
// the letter asks for, not just the first.
func PayLink(base string) func(l Letter) string {
	return func(l Letter) string {
		q := url.Values{}
		q.Set("ref", l.Key)
		for _, it := range l.Items {
			ref := it.Number
			if ref == "" {
				ref = it.Invoice.String()
			}
			q.Add("invoice", ref)
		}
		if !l.Total.Currency().IsZero() {
			q.Set("amount", l.Total.AmountString())
			q.Set("currency", l.Total.Currency().Code())
		}
		sep := "?"
		if strings.Contains(base, "?") {
			sep = "&"
		}
		return base + sep + q.Encode()
	}
}

// Deliver sends the letters that are due through the notifier, in write
// order, until none is left: each one claimed first (leased, so that
// concurrent deliverers, in this process or another, never offer the same
// letter twice while the lease holds), rendered from its outbox payload,
// offered with its key, and marked delivered (history entry and outbox
// event) once accepted. A letter is marked only after the notifier
// accepted it, so a crash between the two makes a later Deliver (after the
// lease) offer it again with the same key: at least once, and exactly once
// for a notifier that dedupes by key.
//
// A refusal, a notifier call that outlasts DeliveryTimeout or the caller's
// deadline, or a panic is a failed attempt, recorded even when ctx has
// ended: the letter is due again after its backoff, and failed for good
// (dead-lettered) after MaxAttempts attempts. Deliver moves on to the next
// letter, so one bad letter never holds back the others. It returns the
// number delivered and, when attempts failed, their *[DeliveryError]s
// joined (each matching [ErrDelivery]); a store error or the end of ctx
// stops it (letters claimed and not yet offered wait for their lease).
func (s *Service) Deliver(ctx context.Context) (int, error) {
	delivered := 0
	var failures []error
	stop := func(err error) (int, error) { return delivered, errors.Join(append(failures, err)...) }
	for {
		if err := ctx.Err(); err != nil {
			return stop(err)
		}
		claimedAt := s.clock.Now()
		batch, err := s.cfg.Store.ClaimLetters(ctx, s.cfg.DeliveryBatch, claimedAt, s.cfg.Lease)
		if err != nil {
			return stop(err)
		}
		if len(batch) == 0 {
			return delivered, errors.Join(failures...)
		}
		leaseEnd := claimedAt.Add(s.cfg.Lease)
		for _, pl := range batch {
			if err := ctx.Err(); err != nil {
				return stop(err)
			}
			if s.clock.Now().Add(s.cfg.DeliveryTimeout).After(leaseEnd) {
				break // the lease could end mid-call: claim afresh
			}
			ok, err := s.deliverOne(ctx, pl, &failures)
			if err != nil {
				return stop(err)
			}
			if ok {
				delivered++
			}
		}
	}
}

// deliverOne offers one claimed letter and records the outcome, adding a
// failed attempt's *DeliveryError to failures. It returns whether the
// letter was delivered, and an error that stops Deliver (the store's, or
// the end of ctx).
func (s *Service) deliverOne(ctx context.Context, pl PendingLetter, failures *[]error) (bool, error) {
	// The outcome is recorded even when ctx has ended (a hanging notifier
	// that ran past the caller's deadline): otherwise the attempt would not
	// count and the letter would be offered first again, for ever.
	record := context.WithoutCancel(ctx)
	fail := func(cause error) (bool, error) {
		attempts := pl.Entry.Attempts + 1
		now := s.clock.Now()
		upd := DeliveryUpdate{Key: pl.Entry.Key, At: now, Error: cause.Error(), GiveUp: attempts >= s.cfg.MaxAttempts,
			RetryAt: now.Add(s.cfg.Backoff.Delay(attempts))}
		*failures = append(*failures, &DeliveryError{Key: pl.Entry.Key, Err: cause})
		if err := s.cfg.Store.UpdateDelivery(record, upd); err != nil {
			return false, err
		}
		return false, ctx.Err()
	}
	var l Letter
	if err := pl.Event.Decode(&l); err != nil {
		return fail(fmt.Errorf("decode letter: %w", err))
	}
	r, err := s.tpl.Render(l)
	if err != nil {
		return fail(err)
	}
	if err := s.notify(ctx, Delivery{Key: pl.Entry.Key, Letter: l, Rendered: r}); err != nil {
		return fail(err)
	}
	return true, s.cfg.Store.UpdateDelivery(record, DeliveryUpdate{Key: pl.Entry.Key, Delivered: true, At: s.clock.Now()})
}

// notify calls the notifier under DeliveryTimeout, turning a panic into
// an error so that one bad letter cannot stop delivery.
func (s *Service) notify(ctx context.Context, d Delivery) (err error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.DeliveryTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("notifier panicked: %v", p)
		}
	}()
	return s.cfg.Notifier.Deliver(ctx, d)
}

// Run is DryRun, Execute and Deliver for asOf: what a daily job calls.
// Running it again on the same date sends nothing twice.
func (s *Service) Run(ctx context.Context, asOf o2c.Date) (res RunResult, err error) {
	ctx, end := s.obs.Start(ctx, "dunning.Run")
	defer func() {
		s.obs.Add(ctx, telemetry.Letters, int64(len(res.Written)))
		s.obs.Logger().DebugContext(ctx, "dunning: run", "as_of", asOf.String(), "letters", len(res.Written), "note", res.Note, "err", err)
		err = end(err)
	}()
	return s.run(ctx, asOf)
}

func (s *Service) run(ctx context.Context, asOf o2c.Date) (RunResult, error) {
	var note string
	notBusiness := false
	if cal := s.calendar(); !asOf.IsZero() && !cal.IsBusinessDay(asOf) {
		notBusiness = true
		next := asOf.AddDays(1)
		for i := 0; i < 366 && !cal.IsBusinessDay(next); i++ {
			next = next.AddDays(1)
		}
		if !s.cfg.RunNextBusinessDay {
			note = fmt.Sprintf("%s (%s) is not a business day: no letter written; what is due goes out on the next business day, %s", asOf, asOf.Weekday(), next)
			return RunResult{Run: Run{Date: asOf}, NotBusinessDay: true, Note: note}, nil
		}
		note = fmt.Sprintf("%s (%s) is not a business day: ran for the next business day, %s", asOf, asOf.Weekday(), next)
		asOf = next
	}
	p, err := s.DryRun(ctx, asOf)
	if err != nil {
		return RunResult{}, err
	}
	res, err := s.Execute(ctx, p)
	res.NotBusinessDay, res.Note = notBusiness, note
	if err != nil {
		return res, err
	}
	_, err = s.Deliver(ctx)
	return res, err
}

// History returns a customer's dunning history, oldest first.
func (s *Service) History(ctx context.Context, c o2c.CustomerID) ([]HistoryEntry, error) {
	return s.cfg.Store.History(ctx, HistoryFilter{Customer: c})
}

// calendar returns the business calendar (Monday to Friday when none).
func (s *Service) calendar() invoice.BusinessCalendar {
	if s.cfg.Calendar != nil {
		return s.cfg.Calendar
	}
	return invoice.BusinessCalendarFunc(nil)
}
