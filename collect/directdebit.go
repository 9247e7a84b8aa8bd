package collect

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// PreNotice tells a debtor the amount and date of a coming collection.
type PreNotice struct {
	// Key is the collection's ID: the same notice sent twice has the same
	// key (delivery is at least once; receivers drop repeats).
	Key        string
	Tenant     o2c.TenantID
	Customer   o2c.CustomerID
	Mandate    string // the UMR
	CreditorID sepa.CreditorID
	Scheme     sepa.Scheme
	Invoice    string // the invoice number
	Amount     o2c.Money
	Date       o2c.Date
	// IBAN is the debtor's account, masked but for its last 4 characters.
	IBAN string
}

// Notifier sends pre-notifications (an email, a letter, a portal
// message). It is the host's; adapters/email and adapters/webhook style
// notifiers fit.
type Notifier interface {
	PreNotify(ctx context.Context, n PreNotice) error
}

// DueLineSource lists open due lines; invoice.Store satisfies it.
type DueLineSource interface {
	DueLines(ctx context.Context, f invoice.OpenItemFilter) ([]invoice.DueLine, error)
}

// DirectDebitOptions configure [DirectDebit].
type DirectDebitOptions struct {
	Store     Store
	Tx        o2c.Transactor
	Invoicing Invoicing
	DueLines  DueLineSource
	Notifier  Notifier
	// Creditor is the tenant's name and collection account (required).
	Creditor sepa.Party
	// CutOff is the bank's daily cut-off for direct-debit files.
	CutOff CutOff
	// Format of the files (zero: pain.008.001.08).
	Format sepa.Version
	// Lookahead: a batch made on a day takes the collections due up to
	// this many days after the earliest possible collection date (zero:
	// only those due by then).
	Lookahead int
	// FeeDescription is the line text of a return-fee invoice (zero:
	// "Returned direct debit fee").
	FeeDescription string
	Clock          o2c.Clock
}

// DirectDebit runs SEPA direct debit for one tenant: mandates,
// pre-notifications, batches and R-transactions.
type DirectDebit struct {
	opts DirectDebitOptions
}

// NewDirectDebit checks opts and returns the service.
func NewDirectDebit(opts DirectDebitOptions) (*DirectDebit, error) {
	switch {
	case opts.Store == nil:
		return nil, o2c.NewValidationError("store", "is required")
	case opts.Tx == nil:
		return nil, o2c.NewValidationError("tx", "is required")
	case opts.Invoicing == nil:
		return nil, o2c.NewValidationError("invoicing", "is required")
	case opts.DueLines == nil:
		return nil, o2c.NewValidationError("due_lines", "is required")
	case opts.Notifier == nil:
		return nil, o2c.NewValidationError("notifier", "is required: debtors are pre-notified of every collection")
	}
	if opts.Format == "" {
		opts.Format = sepa.Pain008V08
	}
	if opts.Format != sepa.Pain008V08 && opts.Format != sepa.Pain008V02 {
		return nil, &o2c.ValidationError{Field: "format", Rule: "must be pain.008.001.08 or pain.008.001.02", Value: string(opts.Format)}
	}
	if err := sepa.CheckText("creditor.name", sepa.Latin(opts.Creditor.Name), sepa.MaxNameLength, true); err != nil {
		return nil, err
	}
	if opts.FeeDescription == "" {
		opts.FeeDescription = "Returned direct debit fee"
	}
	opts.Clock = o2c.ClockOrSystem(opts.Clock)
	return &DirectDebit{opts: opts}, nil
}

// Mandate returns a stored mandate.
func (d *DirectDebit) Mandate(ctx context.Context, id MandateID) (*Mandate, error) {
	return d.opts.Store.GetMandate(ctx, id)
}

// Collections lists an invoice's collections, by collection date.
func (d *DirectDebit) Collections(ctx context.Context, inv invoice.ID) ([]*Collection, error) {
	return d.opts.Store.Collections(ctx, "", inv)
}

// RegisterMandate stores a signed mandate (see [NewMandate]); a reference
// already registered is o2c.ErrConflict.
func (d *DirectDebit) RegisterMandate(ctx context.Context, in MandateInput) (*Mandate, error) {
	m, err := NewMandate(d.opts.Store.TenantID(), in, d.opts.Clock.Now())
	if err != nil {
		return nil, err
	}
	if err := d.opts.Store.CreateMandate(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// AmendMandate applies an amendment (see [Mandate.Amend]).
func (d *DirectDebit) AmendMandate(ctx context.Context, id MandateID, a Amendment) (*Mandate, error) {
	return d.opts.Store.UpdateMandate(ctx, id, func(m *Mandate) error { return m.Amend(a, d.opts.Clock.Now()) })
}

// CancelMandate cancels a mandate from date; its notified collections are
// cancelled with it.
func (d *DirectDebit) CancelMandate(ctx context.Context, id MandateID, date o2c.Date) (*Mandate, error) {
	var out *Mandate
	err := d.opts.Tx.InTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = d.opts.Store.UpdateMandate(ctx, id, func(m *Mandate) error { m.Cancel(date, d.opts.Clock.Now()); return nil })
		if err != nil {
			return err
		}
		return d.cancelNotified(ctx, id, "mandate cancelled")
	})
	return out, err
}

func (d *DirectDebit) cancelNotified(ctx context.Context, mandate MandateID, why string) error {
	cs, err := d.opts.Store.Collections(ctx, Notified, invoice.ID{})
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Mandate != mandate {
			continue
		}
		if _, err := d.opts.Store.UpdateCollection(ctx, c.ID, func(c *Collection) error {
			c.Status, c.Reason, c.UpdatedAt = Cancelled, why, d.opts.Clock.Now()
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

func (d *DirectDebit) today() o2c.Date { return o2c.DateOf(d.opts.Clock.Now()) }

func mask(iban string) string {
	if len(iban) <= 4 {
		return iban
	}
	return strings.Repeat("*", len(iban)-4) + iban[len(iban)-4:]
}

// endToEnd derives a collection's end-to-end ID: the invoice number and
// due line, made SEPA-safe, with a short hash keeping it unique.
func endToEnd(number string, seq int, id CollectionID) string {
	var b strings.Builder
	for _, r := range sepa.Latin(number) {
		if r != ' ' && r != '/' {
			b.WriteRune(r)
		}
	}
	base := b.String()
	if len(base) > 20 {
		base = base[:20]
	}
	h := sha256.Sum256([]byte(id.String()))
	return fmt.Sprintf("%s-%d-%s", base, seq, strings.ToUpper(hex.EncodeToString(h[:4])))
}

// Prepare plans a collection for every open due line (in euro, with an
// undisputed open amount) of every customer with a usable mandate that is
// not already planned or submitted, dated by [CollectionDate] (the due
// date, not before the earliest D-1 date nor before the notice period
// ends), and sends each its pre-notification. A customer with several
// mandates is collected on the oldest usable one. Planning is one
// transaction per mandate; notices are sent after it, and a notice that
// failed is sent again by the next Prepare. It returns the collections
// notified by this call.
func (d *DirectDebit) Prepare(ctx context.Context) ([]*Collection, error) {
	now := d.opts.Clock.Now()
	today := d.today()
	earliest := EarliestCollectionDate(now, d.opts.CutOff)
	ms, err := d.opts.Store.Mandates(ctx, o2c.CustomerID{}, true)
	if err != nil {
		return nil, err
	}
	chosen := map[o2c.CustomerID]*Mandate{}
	var order []*Mandate
	for _, m := range ms {
		if _, ok := chosen[m.Customer]; ok || m.UsableOn(today) != nil {
			continue
		}
		chosen[m.Customer] = m
		order = append(order, m)
	}
	for _, m := range order {
		err := d.opts.Tx.InTx(ctx, func(ctx context.Context) error {
			lines, err := d.opts.DueLines.DueLines(ctx, invoice.OpenItemFilter{Customer: m.Customer, Currency: o2c.EUR})
			if err != nil {
				return err
			}
			for _, l := range lines {
				amount := l.Undisputed()
				if !amount.IsPositive() || l.Kind == invoice.KindCreditNote {
					continue
				}
				busy, err := d.active(ctx, l.Invoice, l.Seq)
				if err != nil || busy {
					if err != nil {
						return err
					}
					continue
				}
				id := o2c.NewID[Collection]()
				c := &Collection{ID: id, Tenant: m.Tenant, Customer: m.Customer, Mandate: m.ID, Invoice: l.Invoice, Number: l.Number,
					Seq: l.Seq, EndToEndID: endToEnd(l.Number, l.Seq, id), Amount: amount,
					Date:       CollectionDate(l.DueDate, earliest, today, m.NoticeDays()),
					NotifiedOn: today, Status: Notified, CreatedAt: now, UpdatedAt: now}
				if err := d.opts.Store.CreateCollection(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return d.sendNotices(ctx)
}

// active reports whether a due line has a collection planned or submitted.
func (d *DirectDebit) active(ctx context.Context, inv invoice.ID, seq int) (bool, error) {
	cs, err := d.opts.Store.Collections(ctx, "", inv)
	if err != nil {
		return false, err
	}
	for _, c := range cs {
		if c.Seq == seq && (c.Status == Notified || c.Status == Submitted) {
			return true, nil
		}
	}
	return false, nil
}

func (d *DirectDebit) sendNotices(ctx context.Context) ([]*Collection, error) {
	cs, err := d.opts.Store.Collections(ctx, Notified, invoice.ID{})
	if err != nil {
		return nil, err
	}
	var out []*Collection
	for _, c := range cs {
		if c.NoticeSent {
			continue
		}
		m, err := d.opts.Store.GetMandate(ctx, c.Mandate)
		if err != nil {
			return out, err
		}
		n := PreNotice{Key: c.ID.String(), Tenant: c.Tenant, Customer: c.Customer, Mandate: m.Reference, CreditorID: m.CreditorID,
			Scheme: m.Scheme, Invoice: c.Number, Amount: c.Amount, Date: c.Date, IBAN: mask(m.IBAN)}
		if err := d.opts.Notifier.PreNotify(ctx, n); err != nil {
			return out, fmt.Errorf("collect: pre-notification of %s: %w", c.EndToEndID, err)
		}
		c, err = d.opts.Store.UpdateCollection(ctx, c.ID, func(c *Collection) error {
			c.NoticeSent, c.UpdatedAt = true, d.opts.Clock.Now()
			return nil
		})
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Submit makes the batches to send the bank now: every pre-notified
// collection due by the earliest D-1 collection date (plus Lookahead),
// one file per scheme, collected on its announced date or the earliest
// possible one if that passed. Each collection is checked again: the line
// must still be open (the amount is what is open now, at most what was
// announced; nothing open cancels it) and its mandate usable; a mandate's
// first collection (FRST) goes alone, later ones wait for the next batch.
// Each submitted collection is booked in invoicing as a direct-debit
// payment (key "sepa:<end-to-end ID>", value date the collection date)
// allocated to its due line, so dunning stops chasing it. All of it is one
// transaction with the batch; it returns no batch when nothing is due.
func (d *DirectDebit) Submit(ctx context.Context) ([]*Batch, error) {
	now := d.opts.Clock.Now()
	earliest := EarliestCollectionDate(now, d.opts.CutOff)
	horizon := earliest.AddDays(d.opts.Lookahead)
	var out []*Batch
	err := d.opts.Tx.InTx(ctx, func(ctx context.Context) error {
		out = nil
		cs, err := d.opts.Store.Collections(ctx, Notified, invoice.ID{})
		if err != nil {
			return err
		}
		type item struct {
			c   *Collection
			seq sepa.SequenceType
			dbt sepa.Debit
			cid sepa.CreditorID
		}
		byScheme := map[sepa.Scheme][]item{}
		firstTaken := map[MandateID]bool{}
		for _, c := range cs {
			if !c.NoticeSent || c.Date.After(horizon) {
				continue
			}
			date := c.Date
			if date.Before(earliest) {
				date = earliest
			}
			drop := func(why string) error {
				_, err := d.opts.Store.UpdateCollection(ctx, c.ID, func(c *Collection) error {
					c.Status, c.Reason, c.UpdatedAt = Cancelled, why, now
					return nil
				})
				return err
			}
			inv, err := d.opts.Invoicing.Get(ctx, c.Invoice)
			if err != nil {
				return err
			}
			amount := o2c.Zero(c.Amount.Currency())
			for _, l := range inv.DueLines() {
				if l.Seq == c.Seq {
					amount = l.Undisputed()
				}
			}
			if amount, _ = amount.Min(c.Amount); !amount.IsPositive() {
				if err := drop("nothing open on the due line"); err != nil {
					return err
				}
				continue
			}
			m, err := d.opts.Store.GetMandate(ctx, c.Mandate)
			if err != nil {
				return err
			}
			if m.UsableOn(date) != nil {
				if err := drop("mandate not usable: " + m.UsableOn(date).Error()); err != nil {
					return err
				}
				continue
			}
			if firstTaken[m.ID] {
				continue // the mandate's FRST is in this batch: the rest waits
			}
			seq := m.NextSequence()
			var amendment *sepa.Amendment
			if m, err = d.opts.Store.UpdateMandate(ctx, m.ID, func(m *Mandate) error {
				var err error
				amendment, err = m.Present(seq, date, now)
				return err
			}); err != nil {
				return err
			}
			if seq == sepa.FRST || seq == sepa.OOFF {
				firstTaken[m.ID] = true
			}
			key := "sepa:" + c.EndToEndID
			p, err := d.opts.Invoicing.RecordPayment(ctx, invoice.PaymentInput{Customer: c.Customer, Amount: amount, ValueDate: date,
				Method: invoice.MethodDirectDebit, PayerReference: c.EndToEndID, IdempotencyKey: key})
			if err != nil {
				return err
			}
			if _, err := d.opts.Invoicing.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: key,
				Lines: []invoice.AllocationLine{{Invoice: c.Invoice, Instalment: c.Seq, Amount: amount}}}); err != nil {
				return err
			}
			c.Amount, c.Date, c.Sequence, c.Payment = amount, date, seq, p.ID()
			byScheme[m.Scheme] = append(byScheme[m.Scheme], item{c: c, seq: seq, cid: m.CreditorID, dbt: sepa.Debit{
				EndToEndID: c.EndToEndID, Amount: amount,
				Mandate: sepa.MandateRef{ID: m.Reference, Signed: m.Signed, Amendment: amendment},
				Debtor:  sepa.Party{Name: m.DebtorName, IBAN: m.IBAN, BIC: m.BIC}, Remittance: c.Number}})
		}
		schemes := make([]sepa.Scheme, 0, len(byScheme))
		for s := range byScheme {
			schemes = append(schemes, s)
		}
		sort.Slice(schemes, func(i, j int) bool { return schemes[i] < schemes[j] })
		for _, scheme := range schemes {
			items := byScheme[scheme]
			b := &Batch{ID: o2c.NewID[Batch](), Tenant: d.opts.Store.TenantID(), Scheme: scheme, Format: d.opts.Format, Created: now.UTC()}
			b.MessageID = "DD-" + strings.ToUpper(strings.ReplaceAll(b.ID.String(), "-", ""))[:24]
			f := sepa.DirectDebitFile{MessageID: b.MessageID, Created: now, Creditor: d.opts.Creditor, CreditorID: items[0].cid, Scheme: scheme}
			groups := map[string]int{}
			total := o2c.Zero(o2c.EUR)
			for _, it := range items {
				if it.cid != f.CreditorID {
					return &o2c.ValidationError{Field: "mandates", Rule: "one creditor identifier per file", Value: string(it.cid)}
				}
				g := string(it.seq) + it.c.Date.String()
				i, ok := groups[g]
				if !ok {
					i = len(f.Batches)
					groups[g] = i
					f.Batches = append(f.Batches, sepa.DebitBatch{ID: fmt.Sprintf("%s-%d", b.MessageID, i+1), Sequence: it.seq, CollectionDate: it.c.Date})
				}
				f.Batches[i].Debits = append(f.Batches[i].Debits, it.dbt)
				total, _ = total.Add(it.dbt.Amount)
				b.Collections = append(b.Collections, it.c.ID)
			}
			xml, err := f.Marshal(d.opts.Format)
			if err != nil {
				return err
			}
			b.XML, b.Count, b.Total = xml, len(items), total
			if err := d.opts.Store.CreateBatch(ctx, b); err != nil {
				return err
			}
			for _, it := range items {
				c := it.c
				if _, err := d.opts.Store.UpdateCollection(ctx, c.ID, func(s *Collection) error {
					s.Status, s.Amount, s.Date, s.Sequence, s.Payment, s.Batch, s.UpdatedAt = Submitted, c.Amount, c.Date, c.Sequence, c.Payment, b.ID, now
					return nil
				}); err != nil {
					return err
				}
			}
			out = append(out, b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReturnOutcome says what one R-transaction did.
type ReturnOutcome struct {
	RTransaction sepa.RTransaction
	Reason       sepa.Reason
	// Collection is the collection it concerned (nil when unknown).
	Collection *Collection
	// Applied is false for a replay or an unknown end-to-end ID.
	Applied bool
	// MandateBlocked: the reason code blocked the mandate.
	MandateBlocked bool
	// FeeInvoice is the return-fee invoice issued, if any.
	FeeInvoice *invoice.Invoice
}

// ApplyReturns applies R-transactions read from the bank (see
// sepa.ParseRTransactions), each in one transaction and at most once: the
// collection's payment is reversed, so its invoice reopens and dunning
// takes it up again (a collection is made on or after the due date, so the
// reopened line is overdue); a reject before settlement does not count as
// a use of the mandate (the next collection is FRST again if it was the
// first); a reason that says so (MD01, AC04...) blocks the mandate; and a
// reason on the debtor's side (AM04, MS02...) charges the mandate's return
// fee, when the contract sets one, as an invoice issued to the customer
// due at once. Unknown end-to-end IDs are reported, not refused.
func (d *DirectDebit) ApplyReturns(ctx context.Context, rs []sepa.RTransaction) ([]ReturnOutcome, error) {
	out := make([]ReturnOutcome, 0, len(rs))
	for _, r := range rs {
		o := ReturnOutcome{RTransaction: r}
		o.Reason, _ = sepa.ReasonOf(r.Reason)
		err := d.opts.Tx.InTx(ctx, func(ctx context.Context) error {
			o.Applied, o.MandateBlocked, o.FeeInvoice = false, false, nil
			c, err := d.opts.Store.CollectionByEndToEnd(ctx, r.OriginalEndToEndID)
			if errors.Is(err, o2c.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			o.Collection = c
			if c.Status != Submitted {
				return nil
			}
			now := d.opts.Clock.Now()
			date := r.Date
			if date.IsZero() {
				date = d.today()
			}
			why := fmt.Sprintf("SEPA %s %s (%s) of %s", r.Kind, o.Reason.Code, o.Reason.Name, c.EndToEndID)
			if err := d.opts.Invoicing.ReversePayment(ctx, c.Payment, why); err != nil {
				return err
			}
			m, err := d.opts.Store.UpdateMandate(ctx, c.Mandate, func(m *Mandate) error {
				if r.Kind == sepa.Reject {
					m.Rejected(c.Sequence, now)
				}
				if o.Reason.BlockMandate {
					m.Block(o.Reason.Code+" "+o.Reason.Name, date, now)
				}
				return nil
			})
			if err != nil {
				return err
			}
			o.MandateBlocked = o.Reason.BlockMandate && m.Status == MandateBlocked
			if o.MandateBlocked {
				if err := d.cancelNotified(ctx, m.ID, "mandate blocked by "+o.Reason.Code); err != nil {
					return err
				}
			}
			var feeID invoice.ID
			if o.Reason.DebtorSide && !m.ReturnFee.Currency().IsZero() && m.ReturnFee.IsPositive() {
				fee, err := d.opts.Invoicing.CreateInvoice(ctx, invoice.Draft{Customer: c.Customer, Currency: m.ReturnFee.Currency(),
					Terms: invoice.ImmediateTerms(), Reference: c.Number,
					Notes: fmt.Sprintf("Direct debit %s of invoice %s returned: %s %s", c.EndToEndID, c.Number, o.Reason.Code, o.Reason.Name),
					Lines: []invoice.Line{{Description: d.opts.FeeDescription + " (" + o.Reason.Code + ", " + c.Number + ")",
						Quantity: decimal.NewFromInt(1), UnitPrice: m.ReturnFee, TaxCategory: tax.OutOfScope}}})
				if err != nil {
					return err
				}
				if o.FeeInvoice, err = d.opts.Invoicing.Issue(ctx, fee.ID(), date); err != nil {
					return err
				}
				feeID = fee.ID()
			}
			status := Returned
			if r.Kind == sepa.Reject {
				status = Rejected
			}
			o.Collection, err = d.opts.Store.UpdateCollection(ctx, c.ID, func(c *Collection) error {
				c.Status, c.Reason, c.FeeInvoice, c.UpdatedAt = status, o.Reason.Code, feeID, now
				return nil
			})
			o.Applied = err == nil
			return err
		})
		if err != nil {
			return out, err
		}
		out = append(out, o)
	}
	return out, nil
}
