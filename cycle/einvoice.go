package cycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/einvoice/facturx"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
)

// EInvoicing turns on e-invoices: every issued invoice and credit note is
// written as an EN 16931 document and handed to a platform, and the
// platform's lifecycle statuses act on disputes and dunning.
type EInvoicing struct {
	// Platform receives the documents and the 212 statuses (required).
	Platform einvoice.Platform
	// Options complete the documents: the seller (required), payment
	// means, mentions. The buyer comes from the customer record.
	Options einvoice.Options
	// Syntax is SyntaxCII (the default), SyntaxUBL, or SyntaxFacturX (a
	// PDF/A-3 with the CII embedded, see package einvoice/facturx).
	Syntax einvoice.Syntax
	// Language of the Factur-X page ("fr" by default, or "en").
	Language string
	// Timelines keep the lifecycle. Nil: the timelines of [Config.Stores]
	// when they have an EInvoiceTimelines method ([TimelineStores]; the
	// adapters/memory and adapters/sqlstore stores do), so that timelines
	// commit with the effects of their statuses; else an
	// einvoice.MemoryTimelines, lost when the process ends.
	Timelines einvoice.TimelineStore
}

// TimelineStores is what [Stores] may also implement to keep the
// e-invoice lifecycle timelines with the tenant's other records (bound to
// the same tenant, joining the same transactions); see
// [EInvoicing.Timelines].
type TimelineStores interface {
	EInvoiceTimelines() einvoice.TimelineStore
}

// Actor names what the lifecycle does in dispute timelines and blocks.
const lifecycleActor = "e-invoicing lifecycle"

// EventCorrectionRequired is appended to the outbox when the buyer refuses
// (210) or a platform rejects (213) an invoice: it needs a credit note or a
// corrected invoice. Its payload is the status update.
const EventCorrectionRequired = "einvoice.correction_required"

func (c *Cycle) setupEInvoicing(e *EInvoicing) error {
	if e.Platform == nil {
		return o2c.NewValidationError("einvoicing.platform", "is required")
	}
	if e.Options.Seller.Name == "" {
		return o2c.NewValidationError("einvoicing.options.seller", "is required")
	}
	switch e.Syntax {
	case "":
		e.Syntax = einvoice.SyntaxCII
	case einvoice.SyntaxCII, einvoice.SyntaxUBL, einvoice.SyntaxFacturX:
	default:
		return &o2c.ValidationError{Field: "einvoicing.syntax", Rule: "must be CII, UBL or Factur-X", Value: string(e.Syntax)}
	}
	if e.Timelines == nil {
		if ts, ok := c.stores.(TimelineStores); ok {
			e.Timelines = ts.EInvoiceTimelines()
		}
	}
	c.einv = e
	c.lifecycle = einvoice.NewLifecycle(einvoice.LifecycleOptions{Store: e.Timelines, Effects: lifecycleEffects{c}, Platform: e.Platform, Tx: c.tx})
	return nil
}

// Lifecycle returns the e-invoice lifecycle (nil without EInvoicing):
// Poll it to receive the platform's statuses.
func (c *Cycle) Lifecycle() *einvoice.Lifecycle { return c.lifecycle }

// EInvoiceHandler returns an outbox handler that hands the e-invoice of
// every issued invoice and credit note to the platform (invoice.issued,
// invoice.credit_note_issued) and sends 212 Encaissée for every payment
// applied (invoice.payment_applied), then passes every record to next
// (nil: none). Run it in the host's outbox.Dispatcher: the outbox delivers
// each event at least once and the platform is idempotent by submission
// and status ID (the invoice ID, the allocation ID), so each invoice is
// emitted exactly once. Without EInvoicing it only calls next.
func (c *Cycle) EInvoiceHandler(next outbox.Handler) outbox.Handler {
	return func(ctx context.Context, r outbox.Record) error {
		if c.einv != nil && r.Event.AggregateType == invoice.AggregateType {
			var err error
			switch r.Event.Type {
			case invoice.EventIssued, invoice.EventCreditNoteIssued:
				err = c.emitEInvoice(ctx, r.Event)
			case invoice.EventPaymentApplied:
				err = c.emitCollected(ctx, r.Event)
			}
			if err != nil {
				return err
			}
		}
		if next != nil {
			return next(ctx, r)
		}
		return nil
	}
}

// EInvoice returns the EN 16931 document of an issued invoice, as the
// cycle emits it.
func (c *Cycle) EInvoice(ctx context.Context, id invoice.ID) (*einvoice.Document, error) {
	if c.einv == nil {
		return nil, o2c.NewValidationError("einvoicing", "is not configured")
	}
	inv, err := c.stores.Invoices().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	cust, err := c.stores.Customers().Get(ctx, inv.Customer())
	if err != nil {
		return nil, err
	}
	opt := c.einv.Options
	if co := inv.CreditOf(); co != nil && opt.PrecedingDate.IsZero() {
		if orig, err := c.stores.Invoices().Get(ctx, co.Invoice); err == nil {
			opt.PrecedingDate = orig.IssueDate()
		}
	}
	c.paymentMeans(ctx, inv, &opt.Payment)
	return einvoice.FromInvoice(inv, einvoice.PartyFromCustomer(cust), opt)
}

func (c *Cycle) emitEInvoice(ctx context.Context, ev o2c.Event) error {
	id, err := o2c.ParseID[invoice.Invoice](ev.AggregateID)
	if err != nil {
		return outbox.Permanent(err)
	}
	doc, err := c.EInvoice(ctx, id)
	if err != nil {
		if errors.Is(err, o2c.ErrValidation) {
			return outbox.Permanent(err) // the document breaks EN 16931: a person must fix the data
		}
		return err
	}
	var data []byte
	ext := ".cii.xml"
	switch c.einv.Syntax {
	case einvoice.SyntaxUBL:
		ext = ".ubl.xml"
		data, err = einvoice.WriteUBL(doc)
	case einvoice.SyntaxFacturX:
		ext = ".pdf"
		data, _, err = facturx.Write(doc, facturx.Options{Language: c.einv.Language})
	default:
		data, err = einvoice.WriteCII(doc)
	}
	if err != nil {
		return outbox.Permanent(err)
	}
	err = c.einv.Platform.Send(ctx, einvoice.Submission{
		ID: id.String(), Invoice: doc.Number, Type: doc.Type, Syntax: c.einv.Syntax,
		Filename: safeName(doc.Number) + ext, Data: data,
	})
	if err == nil {
		c.log.DebugContext(ctx, "cycle: e-invoice sent", "invoice", doc.Number)
	}
	return err
}

func (c *Cycle) emitCollected(ctx context.Context, ev o2c.Event) error {
	var p invoice.EventPayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return outbox.Permanent(err)
	}
	if p.Kind == invoice.KindCreditNote || p.Number == "" || !p.Amount.IsPositive() {
		return nil
	}
	date := p.ValueDate // the day the money arrived, which VAT on receipts needs
	if date.IsZero() {
		date = o2c.DateIn(ev.OccurredAt, c.loc)
	}
	_, err := c.lifecycle.Collected(ctx, p.Number, p.Allocation, p.Amount, date, ev.OccurredAt)
	return err
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

// lifecycleEffects carries out the lifecycle's effects on invoicing and
// dunning. Each is idempotent: the dispute, block or promise it would make
// is looked for first.
type lifecycleEffects struct{ c *Cycle }

func (e lifecycleEffects) Apply(ctx context.Context, ef einvoice.Effect) error {
	c := e.c
	inv, err := c.stores.Invoices().GetByNumber(ctx, ef.Update.Invoice)
	if err != nil {
		return err
	}
	u := ef.Update
	switch ef.Kind {
	case einvoice.EffectOpenDispute:
		if len(openLifecycleDisputes(inv)) > 0 {
			return nil
		}
		return e.openDispute(ctx, inv, inv.Undisputed(), u)
	case einvoice.EffectCloseDispute:
		return e.closeDisputes(ctx, inv, u)
	case einvoice.EffectReduceDispute:
		if err := e.closeDisputes(ctx, inv, u); err != nil {
			return err
		}
		if inv, err = c.stores.Invoices().Get(ctx, inv.ID()); err != nil {
			return err
		}
		rest, err := inv.Gross().Sub(u.Amount)
		if err != nil {
			return err
		}
		if m, err := rest.Min(inv.Undisputed()); err == nil {
			rest = m
		}
		return e.openDispute(ctx, inv, rest, u)
	case einvoice.EffectSuspendDunning:
		return e.block(ctx, inv, "208", u)
	case einvoice.EffectResumeDunning:
		blocks, err := c.stores.Dunning().Blocks(ctx, inv.Customer())
		if err != nil {
			return err
		}
		for _, b := range blocks {
			if b.Invoice == inv.ID() && strings.HasPrefix(b.Reason, lifecycleActor+": 208") {
				if err := c.stores.Dunning().DeleteBlock(ctx, b.ID); err != nil && !errors.Is(err, o2c.ErrNotFound) {
					return err
				}
			}
		}
		return nil
	case einvoice.EffectStopDunning:
		made, err := e.blockMade(ctx, inv, fmt.Sprint(int(u.Status)), u)
		if err != nil || !made {
			return err
		}
		ev, err := o2c.NewEvent(c.stores.TenantID(), invoice.AggregateType, inv.ID().String(), EventCorrectionRequired, c.clock.Now(), u)
		if err != nil {
			return err
		}
		return c.stores.Outbox().Append(ctx, ev)
	case einvoice.EffectPromise:
		note := fmt.Sprintf("%s: 211 %s", lifecycleActor, u.Invoice)
		ps, err := c.stores.Dunning().Promises(ctx, inv.Customer())
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.Note == note {
				return nil
			}
		}
		date := u.Date
		if date.IsZero() {
			date = o2c.DateIn(u.At, c.loc)
		}
		p := dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: inv.Customer(), Currency: inv.Currency(), Amount: u.Amount, Date: date, Note: note}
		if p.Amount.Currency().IsZero() {
			p.Amount = o2c.Money{}
		}
		return c.stores.Dunning().SavePromise(ctx, &p)
	}
	return nil
}

func openLifecycleDisputes(inv *invoice.Invoice) []invoice.Dispute {
	var out []invoice.Dispute
	for _, d := range inv.Disputes() {
		if d.Status == invoice.DisputeOpen && d.OpenedBy == lifecycleActor {
			out = append(out, d)
		}
	}
	return out
}

func (e lifecycleEffects) openDispute(ctx context.Context, inv *invoice.Invoice, amount o2c.Money, u einvoice.StatusUpdate) error {
	if !amount.IsPositive() {
		return nil
	}
	note := u.Status.String()
	if u.Reason != "" {
		note += ": " + u.Reason
	}
	_, err := e.c.invoices.OpenDispute(ctx, inv.ID(), invoice.DisputeInput{Amount: amount, Reason: invoice.ReasonOther, Notes: note, Actor: lifecycleActor})
	return err
}

func (e lifecycleEffects) closeDisputes(ctx context.Context, inv *invoice.Invoice, u einvoice.StatusUpdate) error {
	for _, d := range openLifecycleDisputes(inv) {
		if _, err := e.c.invoices.ResolveDispute(ctx, inv.ID(), d.ID, invoice.Resolution{Actor: lifecycleActor, Note: u.Status.String()}); err != nil {
			return err
		}
	}
	return nil
}

func (e lifecycleEffects) block(ctx context.Context, inv *invoice.Invoice, code string, u einvoice.StatusUpdate) error {
	_, err := e.blockMade(ctx, inv, code, u)
	return err
}

// blockMade blocks dunning of the invoice for good unless a lifecycle
// block with that status code is there; it reports whether it made one.
func (e lifecycleEffects) blockMade(ctx context.Context, inv *invoice.Invoice, code string, u einvoice.StatusUpdate) (bool, error) {
	prefix := lifecycleActor + ": " + code
	blocks, err := e.c.stores.Dunning().Blocks(ctx, inv.Customer())
	if err != nil {
		return false, err
	}
	for _, b := range blocks {
		if b.Invoice == inv.ID() && strings.HasPrefix(b.Reason, prefix) {
			return false, nil
		}
	}
	reason := prefix + " " + u.Status.Label()
	if u.Reason != "" {
		reason += ": " + u.Reason
	}
	if len(reason) > 500 {
		reason = reason[:500]
	}
	b := dunning.Block{ID: o2c.NewID[dunning.Block](), Customer: inv.Customer(), Invoice: inv.ID(), Reason: reason}
	return true, e.c.stores.Dunning().SaveBlock(ctx, &b)
}
