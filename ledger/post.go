package ledger

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// Event types of this package: facts the SDK's aggregates do not record
// but the books need. Build them with [NewBankFeeEvent] and append them to
// the outbox like any event; the [Poster] posts them.
const (
	// EventBankFee: a bank fee recognised from a statement line. Payload
	// [BankFee]; the entry's key is the fee's Key.
	EventBankFee = "ledger.bank_fee"
)

// AggregateType is the aggregate type of this package's events.
const AggregateType = "ledger"

// BankFee is a fee the bank charged, as a statement shows it.
type BankFee struct {
	// Key identifies the fee at its source (the statement line's key):
	// the same key is posted once.
	Key string `json:"key"`
	// Amount charged: positive.
	Amount o2c.Money `json:"amount"`
	// Date the bank booked it.
	Date o2c.Date `json:"date"`
	// Reference printed on the statement.
	Reference string `json:"reference,omitempty"`
}

// NewBankFeeEvent returns the event that posts fee, stamped at. Errors
// are *o2c.ValidationError naming the field.
func NewBankFeeEvent(tenant o2c.TenantID, fee BankFee, at time.Time) (o2c.Event, error) {
	switch {
	case strings.TrimSpace(fee.Key) == "":
		return o2c.Event{}, o2c.NewValidationError("key", "is required")
	case !fee.Amount.IsPositive() || !fee.Amount.IsRounded():
		return o2c.Event{}, &o2c.ValidationError{Field: "amount", Rule: "must be positive and rounded to the currency's minor unit", Value: fee.Amount.String()}
	case fee.Date.IsZero():
		return o2c.Event{}, o2c.NewValidationError("date", "is required")
	}
	return o2c.NewEvent(tenant, AggregateType, fee.Key, EventBankFee, at, fee)
}

// KeyOf returns the idempotency key under which e's entries are posted:
// the event's ID, or for this package's events their own key (so that a
// fee appended twice is posted once).
func KeyOf(e o2c.Event) string {
	if e.AggregateType == AggregateType {
		return e.Type + ":" + e.AggregateID
	}
	return e.ID.String()
}

// Posts reports whether the posting rules derive entries from events of
// type typ.
func Posts(typ string) bool {
	switch typ {
	case invoice.EventIssued, invoice.EventCreditNoteIssued, invoice.EventPaymentApplied, invoice.EventReopened,
		invoice.EventCreditApplied, invoice.EventCreditUsed, invoice.EventCreditRefunded,
		invoice.EventResidualWrittenOff, invoice.EventWrittenOff,
		invoice.EventPaymentRecorded, invoice.EventPaymentRefunded, invoice.EventPaymentReversed, EventBankFee:
		return true
	}
	return false
}

// Entries derives the journal entries of event e under the book's rules:
// a pure function of the event (and of the host's exchange rates), so
// posting the same event again gives the same entries. Events the rules do
// not post (order events, invoice.paid, payment.allocated: the invoice
// side posts allocations) give none. Entries are validated (balanced,
// accounts of the chart) and carry no number or valid date yet.
//
// What each event posts (PCG accounts of [FrenchPCG]; sales journal VE,
// bank BQ, miscellaneous OD):
//
//   - invoice.issued: Dr 411 per instalment (with its due date) / Cr the
//     line accounts (706, 707, 7627, 758, 4191 for a deposit invoice; a
//     deposit deduction line debits 4191) / Cr 44571 (44574 on receipts)
//     per rate. invoice.credit_note_issued: the mirror (665 for a discount).
//   - payment.recorded: Dr 512 / Cr 4191 (unapplied cash, customer).
//   - invoice.payment_applied: Dr 4191 / Cr 411 at the invoice's rate, the
//     difference to 766/666; pending VAT moved to 44571 by the share of
//     the document now settled. invoice.reopened: the reverse.
//   - invoice.credit_applied: Dr 411 (credit note) / Cr 411 (invoice);
//     credit_used, credit_refunded move a credit note's pending VAT; a
//     refunded credit is Dr 411 / Cr 512.
//   - invoice.residual_written_off: Dr 658 / Cr 411.
//   - invoice.written_off: Dr 654 (net part) / Dr 44571 (VAT part, when
//     BadDebtVATRelief) / Dr 44574 (pending VAT never due) / Cr 411.
//   - payment.refunded: Dr 4191 / Cr 512; payment.reversed: Dr 4191 / Cr 512
//     (its allocations come back through invoice.reopened).
//   - ledger.bank_fee: Dr 627 / Cr 512.
func (b *Book) Entries(e o2c.Event) ([]Entry, error) {
	if !Posts(e.Type) {
		return nil, nil
	}
	var out []Entry
	var err error
	switch e.AggregateType {
	case invoice.AggregateType:
		var p invoice.EventPayload
		if err := e.Decode(&p); err != nil {
			return nil, payloadError(e, err)
		}
		out, err = b.invoiceEntries(e, p)
	case invoice.PaymentAggregateType:
		var p invoice.PaymentEventPayload
		if err := e.Decode(&p); err != nil {
			return nil, payloadError(e, err)
		}
		out, err = b.paymentEntries(e, p)
	case AggregateType:
		var f BankFee
		if err := e.Decode(&f); err != nil {
			return nil, payloadError(e, err)
		}
		out, err = b.bankFeeEntries(e, f)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, en := range out {
		if err := en.Validate(b.cfg.Chart); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func payloadError(e o2c.Event, err error) error {
	return &o2c.ValidationError{Field: "event.payload", Rule: "must decode as the payload of " + e.Type, Value: e.ID.String(), Err: err}
}

// draft is an entry being built: signed amounts in the document's
// currency (positive: debit), each with its rate to the functional
// currency.
type draft struct {
	b     *Book
	cur   o2c.Currency
	lines []dline
	fx    bool // the conversion difference is an exchange difference
}

type dline struct {
	account, customer, document string
	due                         o2c.Date
	amt                         decimal.Decimal
	rate                        decimal.Decimal
}

func (d *draft) add(account, customer, document string, due o2c.Date, amt, rate decimal.Decimal) {
	if amt.IsZero() {
		return
	}
	d.lines = append(d.lines, dline{account, customer, document, due, amt, rate})
}

// rate returns the rate of cur to the functional currency on date.
func (b *Book) rate(cur o2c.Currency, on o2c.Date) (decimal.Decimal, error) {
	if cur == b.cfg.Functional {
		return decimal.NewFromInt(1), nil
	}
	if b.cfg.Rates == nil {
		return decimal.Decimal{}, &o2c.ValidationError{Field: "rates", Rule: "are needed to book a document in " + cur.Code() + " in " + b.cfg.Functional.Code(), Err: o2c.ErrCurrencyMismatch}
	}
	r, err := b.cfg.Rates.Rate(cur, b.cfg.Functional, on)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("ledger: rate %s/%s on %s: %w", cur.Code(), b.cfg.Functional.Code(), on, err)
	}
	if !r.IsPositive() {
		return decimal.Decimal{}, &o2c.ValidationError{Field: "rates", Rule: "must be positive", Value: r.String()}
	}
	return r, nil
}

// entry converts the draft into an entry (false when it has no lines).
func (d *draft) entry(head Entry) (Entry, bool) {
	if len(d.lines) == 0 {
		return Entry{}, false
	}
	fc := d.b.cfg.Functional
	digits := fc.Digits()
	fun := make([]decimal.Decimal, len(d.lines))
	var diff decimal.Decimal
	for i, l := range d.lines {
		fun[i] = o2c.RoundHalfUp.Round(l.amt.Mul(l.rate), digits)
		diff = diff.Add(fun[i])
	}
	e := head
	if !diff.IsZero() && !d.fx {
		// rounding of a conversion: the largest line absorbs it
		big := 0
		for i := range fun {
			if fun[i].Abs().GreaterThan(fun[big].Abs()) {
				big = i
			}
		}
		fun[big] = fun[big].Sub(diff)
		diff = decimal.Zero
	}
	for i, l := range d.lines {
		if fun[i].IsZero() {
			continue
		}
		e.Lines = append(e.Lines, line(l.account, l.customer, l.document, l.due, fun[i], fc, l.amt, d.cur))
	}
	if !diff.IsZero() {
		// debits exceed credits: an exchange gain; the other way, a loss
		acct := d.b.cfg.Accounts[RoleFXGain]
		if diff.IsNegative() {
			acct = d.b.cfg.Accounts[RoleFXLoss]
		}
		e.Lines = append(e.Lines, line(acct, "", "", o2c.Date{}, diff.Neg(), fc, decimal.Zero, d.cur))
	}
	if len(e.Lines) < 2 {
		return Entry{}, false
	}
	return e, true
}

func line(account, customer, document string, due o2c.Date, signed decimal.Decimal, fc o2c.Currency, txn decimal.Decimal, cur o2c.Currency) Line {
	l := Line{Account: account, Customer: customer, Document: document, DueDate: due, Debit: o2c.Zero(fc), Credit: o2c.Zero(fc)}
	m, _ := o2c.MoneyOf(signed.Abs(), fc)
	if signed.IsPositive() {
		l.Debit = m
	} else {
		l.Credit = m
	}
	l.Amount, _ = o2c.MoneyOf(txn.Abs(), cur)
	return l
}

// dateOf returns d, or the UTC day of at when d is zero.
func dateOf(d o2c.Date, at time.Time) o2c.Date {
	if d.IsZero() {
		return o2c.DateOf(at)
	}
	return d
}

// bucket is the VAT of one category and rate on one basis.
type bucket struct {
	cat     tax.Category
	rate    decimal.Decimal
	pending bool
	tax     decimal.Decimal
}

// docView is what the rules read of an invoice payload.
type docView struct {
	sign     decimal.Decimal // +1 invoice or deposit, −1 credit note
	gross    decimal.Decimal
	buckets  []bucket
	revenue  map[string]decimal.Decimal
	accounts []string
}

func (b *Book) view(p invoice.EventPayload) docView {
	v := docView{sign: decimal.NewFromInt(1), gross: p.Gross.Amount(), revenue: map[string]decimal.Decimal{}}
	if p.Kind == invoice.KindCreditNote {
		v.sign = decimal.NewFromInt(-1)
	}
	for _, l := range p.Lines {
		acct, basis := b.lineAccount(l.SKU, l.Category, p.Customer, l.Deposit, p.Kind == invoice.KindDeposit)
		if _, ok := v.revenue[acct]; !ok {
			v.accounts = append(v.accounts, acct)
		}
		v.revenue[acct] = v.revenue[acct].Add(l.Net.Amount())
		pending := basis == VATOnReceipts
		i := slices.IndexFunc(v.buckets, func(x bucket) bool {
			return x.cat == l.Category && x.rate.Equal(l.Rate) && x.pending == pending
		})
		if i < 0 {
			v.buckets = append(v.buckets, bucket{cat: l.Category, rate: l.Rate, pending: pending})
			i = len(v.buckets) - 1
		}
		v.buckets[i].tax = v.buckets[i].tax.Add(l.Tax.Amount())
	}
	return v
}

// movedBy returns the pending VAT of bk counted as due once the document's
// open amount is open: tax × (gross − open) / gross, rounded half up. It
// reaches the whole tax exactly when nothing is open, so the moves of a
// document's settlements add up to its pending VAT.
func (v docView) movedBy(bk bucket, open decimal.Decimal, digits int32) decimal.Decimal {
	if v.gross.IsZero() {
		return decimal.Zero
	}
	share := v.gross.Sub(open)
	return o2c.RoundHalfUp.Round(bk.tax.Mul(share).Div(v.gross), digits)
}

// vatMove adds the lines moving pending VAT to VAT due as the open amount
// goes from before to after.
func (b *Book) vatMove(d *draft, v docView, before, after, rate decimal.Decimal) {
	digits := d.cur.Digits()
	for _, bk := range v.buckets {
		if !bk.pending {
			continue
		}
		delta := v.movedBy(bk, after, digits).Sub(v.movedBy(bk, before, digits)).Mul(v.sign)
		d.add(b.vatAccount(bk.cat, bk.rate, true), "", "", o2c.Date{}, delta, rate)
		d.add(b.vatAccount(bk.cat, bk.rate, false), "", "", o2c.Date{}, delta.Neg(), rate)
	}
}

func (b *Book) invoiceEntries(e o2c.Event, p invoice.EventPayload) ([]Entry, error) {
	cur := p.Gross.Currency()
	if cur.IsZero() {
		return nil, payloadError(e, fmt.Errorf("no currency on the gross"))
	}
	v := b.view(p)
	doc := e.AggregateID
	rec := b.cfg.Accounts[RoleReceivable]
	issueRate, err := b.rate(cur, p.IssueDate)
	if err != nil {
		return nil, err
	}
	amount := p.Amount.Amount()
	open := p.Open.Amount()
	d := &draft{b: b, cur: cur}
	head := Entry{Key: KeyOf(e), EventType: e.Type, Journal: b.journals.Misc.Code, PieceRef: p.Number, PieceDate: p.IssueDate}
	name := docName(p.Kind)
	switch e.Type {
	case invoice.EventIssued, invoice.EventCreditNoteIssued:
		head.Journal, head.Date, head.Label = b.journals.Sales.Code, p.IssueDate, name+" "+p.Number
		if p.Kind == invoice.KindCreditNote {
			d.add(rec, p.Customer, doc, p.IssueDate, v.sign.Mul(v.gross), issueRate)
		} else {
			for _, in := range p.Instalments {
				d.add(rec, p.Customer, doc, in.DueDate, in.Amount.Amount(), issueRate)
			}
		}
		for _, acct := range v.accounts {
			d.add(acct, customerIfAux(b, acct, p.Customer), doc, o2c.Date{}, v.sign.Mul(v.revenue[acct]).Neg(), issueRate)
		}
		for _, bk := range v.buckets {
			d.add(b.vatAccount(bk.cat, bk.rate, bk.pending), "", "", o2c.Date{}, v.sign.Mul(bk.tax).Neg(), issueRate)
		}
	case invoice.EventPaymentApplied, invoice.EventReopened:
		sign := decimal.NewFromInt(1)
		before := open.Add(amount)
		head.Date, head.Label = dateOf(p.ValueDate, e.OccurredAt), "Règlement "+p.Number
		if e.Type == invoice.EventReopened {
			sign, before = sign.Neg(), open.Sub(amount)
			head.Date, head.Label = o2c.DateOf(e.OccurredAt), "Annulation règlement "+p.Number
		}
		payRate, err := b.rate(cur, dateOf(p.ValueDate, e.OccurredAt))
		if err != nil {
			return nil, err
		}
		d.fx = true
		d.add(b.cfg.Accounts[RoleUnappliedCash], p.Customer, p.Source, o2c.Date{}, sign.Mul(amount), payRate)
		receivable(d, rec, p, doc, sign.Neg(), amount, issueRate)
		b.vatMove(d, v, before, open, issueRate)
	case invoice.EventCreditApplied:
		head.Date, head.Label = o2c.DateOf(e.OccurredAt), "Imputation avoir sur "+p.Number
		d.add(rec, p.Customer, p.Source, o2c.Date{}, amount, issueRate)
		receivable(d, rec, p, doc, decimal.NewFromInt(-1), amount, issueRate)
		b.vatMove(d, v, open.Add(amount), open, issueRate)
	case invoice.EventCreditUsed:
		head.Date, head.Label = o2c.DateOf(e.OccurredAt), "TVA avoir "+p.Number
		b.vatMove(d, v, open.Add(amount), open, issueRate)
	case invoice.EventCreditRefunded:
		head.Journal, head.Date, head.Label = b.journals.Bank.Code, o2c.DateOf(e.OccurredAt), "Remboursement avoir "+p.Number
		d.add(rec, p.Customer, doc, o2c.Date{}, amount, issueRate)
		d.add(b.cfg.Accounts[RoleBank], "", "", o2c.Date{}, amount.Neg(), issueRate)
		b.vatMove(d, v, open.Add(amount), open, issueRate)
	case invoice.EventResidualWrittenOff:
		head.Date, head.Label = o2c.DateOf(e.OccurredAt), "Écart de règlement "+p.Number
		d.add(b.cfg.Accounts[RoleSmallDifference], "", "", o2c.Date{}, amount, issueRate)
		receivable(d, rec, p, doc, decimal.NewFromInt(-1), amount, issueRate)
		b.vatMove(d, v, open.Add(amount), open, issueRate)
	case invoice.EventWrittenOff:
		head.Date, head.Label = o2c.DateOf(e.OccurredAt), "Créance irrécouvrable "+p.Number
		b.writeOff(d, v, p, amount, issueRate)
		receivable(d, rec, p, doc, decimal.NewFromInt(-1), amount, issueRate)
	}
	en, ok := d.entry(head)
	if !ok {
		return nil, nil
	}
	return []Entry{en}, nil
}

// receivable adds the receivable lines of a settlement of amount (sign −1:
// it reduces what is owed; +1: a reversal), one per instalment it
// concerns with that instalment's due date when the payload says how it
// split, else one line without a due date.
func receivable(d *draft, account string, p invoice.EventPayload, doc string, sign, amount, rate decimal.Decimal) {
	due := map[int]o2c.Date{}
	for _, in := range p.Instalments {
		due[in.Seq] = in.DueDate
	}
	var sum decimal.Decimal
	ok := len(p.Parts) > 0
	for _, pt := range p.Parts {
		sum = sum.Add(pt.Amount.Amount())
		if _, known := due[pt.Seq]; !known {
			ok = false
		}
	}
	if !ok || !sum.Equal(amount) {
		d.add(account, p.Customer, doc, o2c.Date{}, sign.Mul(amount), rate)
		return
	}
	for _, pt := range p.Parts {
		d.add(account, p.Customer, doc, due[pt.Seq], sign.Mul(pt.Amount.Amount()), rate)
	}
}

// writeOff adds the debits of a bad-debt write-off of amount (the whole
// open amount): the VAT in it (when relief applies; pending VAT always,
// since it never became due) and the loss.
func (b *Book) writeOff(d *draft, v docView, p invoice.EventPayload, amount, rate decimal.Decimal) {
	digits := d.cur.Digits()
	loss := amount
	for _, bk := range v.buckets {
		var part decimal.Decimal
		switch {
		case bk.pending:
			part = bk.tax.Sub(v.movedBy(bk, amount, digits))
		case b.cfg.BadDebtVATRelief && !v.gross.IsZero():
			part = o2c.RoundHalfUp.Round(amount.Mul(bk.tax).Div(v.gross), digits)
		}
		if part.IsZero() {
			continue
		}
		d.add(b.vatAccount(bk.cat, bk.rate, bk.pending), "", "", o2c.Date{}, part, rate)
		loss = loss.Sub(part)
	}
	d.add(b.cfg.Accounts[RoleBadDebt], "", "", o2c.Date{}, loss, rate)
}

// customerIfAux names the customer on the deposit account's lines (an
// auxiliary account, like the receivable).
func customerIfAux(b *Book, acct, customer string) string {
	if acct == b.cfg.Accounts[RoleDeposit] || acct == b.cfg.Accounts[RoleUnappliedCash] {
		return customer
	}
	return ""
}

func docName(k invoice.Kind) string {
	switch k {
	case invoice.KindCreditNote:
		return "Avoir"
	case invoice.KindDeposit:
		return "Facture d'acompte"
	}
	return "Facture"
}

func (b *Book) paymentEntries(e o2c.Event, p invoice.PaymentEventPayload) ([]Entry, error) {
	cur := p.Amount.Currency()
	rate, err := b.rate(cur, p.ValueDate)
	if err != nil {
		return nil, err
	}
	unapplied, bank := b.cfg.Accounts[RoleUnappliedCash], b.cfg.Accounts[RoleBank]
	doc := e.AggregateID
	ref := p.Key
	if ref == "" {
		ref = shortRef(doc)
	}
	head := Entry{Key: KeyOf(e), EventType: e.Type, Journal: b.journals.Bank.Code, PieceRef: ref, PieceDate: p.ValueDate}
	d := &draft{b: b, cur: cur}
	switch e.Type {
	case invoice.EventPaymentRecorded:
		head.Date, head.Label = p.ValueDate, "Encaissement"
		d.add(bank, "", "", o2c.Date{}, p.Amount.Amount(), rate)
		d.add(unapplied, p.Customer, doc, o2c.Date{}, p.Amount.Amount().Neg(), rate)
	case invoice.EventPaymentRefunded:
		if p.Refund == nil {
			return nil, payloadError(e, fmt.Errorf("no refund"))
		}
		head.Date, head.Label = o2c.DateOf(p.Refund.At), "Remboursement trop-perçu"
		if p.Refund.Reference != "" {
			head.PieceRef, head.PieceDate = p.Refund.Reference, head.Date
		}
		d.add(unapplied, p.Customer, doc, o2c.Date{}, p.Refund.Amount.Amount(), rate)
		d.add(bank, "", "", o2c.Date{}, p.Refund.Amount.Amount().Neg(), rate)
	case invoice.EventPaymentReversed:
		head.Date, head.Label = o2c.DateOf(e.OccurredAt), "Rejet de paiement"
		d.add(unapplied, p.Customer, doc, o2c.Date{}, p.Amount.Amount(), rate)
		d.add(bank, "", "", o2c.Date{}, p.Amount.Amount().Neg(), rate)
	}
	en, ok := d.entry(head)
	if !ok {
		return nil, nil
	}
	return []Entry{en}, nil
}

func (b *Book) bankFeeEntries(e o2c.Event, f BankFee) ([]Entry, error) {
	rate, err := b.rate(f.Amount.Currency(), f.Date)
	if err != nil {
		return nil, err
	}
	ref := f.Reference
	if ref == "" {
		ref = f.Key
	}
	d := &draft{b: b, cur: f.Amount.Currency()}
	d.add(b.cfg.Accounts[RoleBankFees], "", "", o2c.Date{}, f.Amount.Amount(), rate)
	d.add(b.cfg.Accounts[RoleBank], "", "", o2c.Date{}, f.Amount.Amount().Neg(), rate)
	en, ok := d.entry(Entry{Key: KeyOf(e), EventType: e.Type, Journal: b.journals.Bank.Code, Date: f.Date, PieceRef: ref, PieceDate: f.Date, Label: "Frais bancaires " + ref})
	if !ok {
		return nil, nil
	}
	return []Entry{en}, nil
}

func shortRef(id string) string {
	if len(id) > 13 {
		return id[len(id)-12:]
	}
	return id
}
