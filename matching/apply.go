package matching

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/telemetry"
)

// DuplicateStatementError reports a statement imported before; it matches
// [ErrDuplicateStatement].
type DuplicateStatementError struct {
	Statement   StatementID
	Fingerprint string
}

// Error names the statement imported before.
func (e *DuplicateStatementError) Error() string {
	return fmt.Sprintf("matching: statement already imported as %s (fingerprint %s)", e.Statement, e.Fingerprint)
}

// Is matches ErrDuplicateStatement.
func (e *DuplicateStatementError) Is(target error) bool { return target == ErrDuplicateStatement }

// LineError reports a line or proposal that cannot be applied; it matches
// its Err ([ErrAlreadyApplied], [ErrNotApplicable]).
type LineError struct {
	Line   LineID
	Reason string
	Err    error
}

// Error names the line and the reason.
func (e *LineError) Error() string {
	return fmt.Sprintf("matching: line %s: %s: %v", e.Line, e.Reason, e.Err)
}

// Unwrap returns the sentinel.
func (e *LineError) Unwrap() error { return e.Err }

// EndToEndSource resolves end-to-end ids the host issued (on direct-debit
// collections, payment requests) to invoices. The composition plugs in
// whatever issued them.
type EndToEndSource interface {
	// InvoiceForEndToEnd returns the invoice collected under id, and false
	// when the host did not issue id.
	InvoiceForEndToEnd(ctx context.Context, id string) (invoice.ID, bool, error)
}

// DiscountGranter settles the early-payment discount a payment took (by
// issuing a credit note, typically). It runs in the transaction that
// applies the payment; key is stable across retries.
type DiscountGranter interface {
	GrantDiscount(ctx context.Context, inv invoice.ID, discount o2c.Money, key string) error
}

// GroupSource returns the groups of customers that pay for each other's
// invoices (a parent and its divisions, a corporate group): the credit
// groups of the customer master. The cycle plugs the credit store in.
type GroupSource interface {
	PayerGroups(ctx context.Context) ([][]o2c.CustomerID, error)
}

// Stores are the stores a [Service] works with, all bound to one tenant
// and from one adapter.
type Stores struct {
	Matching  Store
	Invoices  invoice.Store
	Customers customer.Store
}

// ServiceOptions configure a [Service]. The zero value works.
type ServiceOptions struct {
	// Telemetry: logger, spans around Import, Propose and Apply, the
	// o2c.matching.payments_applied counter (zero: silent).
	Telemetry telemetry.Options
	// Engine tunes matching; set Engine.Tolerance to the invoice
	// service's tolerance so that proposed write-offs are accepted.
	Engine Options
	// Clock stamps imports (default: the system clock).
	Clock o2c.Clock
	// EndToEnd resolves end-to-end ids (nil: none are known).
	EndToEnd EndToEndSource
	// Discounts settles early-payment discounts (nil: a discount within
	// the write-off tolerance is written off, a larger one stays open on
	// the invoice and is reported in [Applied.DiscountOpen]).
	Discounts DiscountGranter
	// Reference returns the structured reference printed on an invoice
	// (default: [RFReferenceForNumber] of its number).
	Reference func(inv *invoice.Invoice) string
	// Groups supplies the customer groups whose members pay for each
	// other (nil: none); see [Input.Groups].
	Groups GroupSource
	// DeductionReason maps a payer's adjustment reason code (EDI 820
	// ADX02, camt AdjstmntAmtAndRsn/Rsn) to the reason of the dispute a
	// deduction opens (default: [DeductionReasonX12]).
	DeductionReason func(code string) invoice.ReasonCode
}

// Service runs cash application for one tenant: import statements
// (recognising one imported twice), propose matches, apply the confident
// ones and the confirmed suggestions through invoicing, and learn payers.
type Service struct {
	obs      *telemetry.T
	tx       o2c.Transactor
	stores   Stores
	invoices *invoice.Service
	tenant   o2c.TenantID
	opts     ServiceOptions
	clock    o2c.Clock
	// customRef: opts.Reference was given (references need the invoice).
	customRef bool
	index     serviceIndex
}

// NewService returns a service. Every store must be set and bound to the
// same tenant; invoices is the invoicing service of that tenant (built on
// the same adapter, so that tx spans both). Errors are *o2c.ValidationError.
func NewService(tx o2c.Transactor, stores Stores, invoices *invoice.Service, opts ServiceOptions) (*Service, error) {
	switch {
	case tx == nil:
		return nil, o2c.NewValidationError("tx", "is required")
	case stores.Matching == nil || stores.Invoices == nil || stores.Customers == nil:
		return nil, o2c.NewValidationError("stores", "matching, invoices and customers are required")
	case invoices == nil:
		return nil, o2c.NewValidationError("invoices", "is required")
	case stores.Matching.TenantID() != stores.Invoices.TenantID():
		return nil, o2c.NewValidationError("stores", "must be bound to the same tenant")
	}
	if err := opts.Engine.Validate(); err != nil {
		return nil, err
	}
	if opts.DeductionReason == nil {
		opts.DeductionReason = DeductionReasonX12
	}
	customRef := opts.Reference != nil
	if opts.Reference == nil {
		opts.Reference = func(inv *invoice.Invoice) string {
			r, _ := RFReferenceForNumber(inv.Number())
			return r
		}
	}
	return &Service{obs: telemetry.New(opts.Telemetry), tx: tx, stores: stores, invoices: invoices, tenant: stores.Matching.TenantID(), opts: opts, clock: o2c.ClockOrSystem(opts.Clock),
		customRef: customRef}, nil
}

// LineKey returns the key that identifies a movement across imports: the
// bank's reference for the entry on the account when it gives one,
// otherwise the movement's content and its occurrence among identical
// movements of the statement (n from 0).
func LineKey(account string, l Line, n int) string {
	h := sha256.New()
	if l.BankReference != "" {
		fmt.Fprintf(h, "ref|%s|%s|%s|%s", account, l.BankReference, l.Amount.String(), l.Direction)
	} else {
		fmt.Fprintf(h, "content|%s|%s|%s|%s|%s|%s|%s|%s|%d", account, l.BookingDate, l.ValueDate, l.Amount.String(), l.Direction,
			l.CounterpartyIBAN, l.RemittanceText, l.EndToEndID, n)
	}
	return "L" + hex.EncodeToString(h.Sum(nil))[:40]
}

func statementAccount(st Statement) string {
	if st.AccountIBAN != "" {
		return ibanKey(st.AccountIBAN)
	}
	return st.AccountOther
}

// lineKeys returns the keys of st's lines.
func lineKeys(st Statement) []string {
	acct := statementAccount(st)
	seen := map[string]int{}
	keys := make([]string, len(st.Lines))
	for i, l := range st.Lines {
		base := LineKey(acct, l, 0)
		n := seen[base]
		seen[base] = n + 1
		if n > 0 {
			base = LineKey(acct, l, n)
			if l.BankReference != "" { // the same bank reference twice: count it
				base = fmt.Sprintf("%s#%d", LineKey(acct, l, 0), n)
			}
		}
		keys[i] = base
	}
	return keys
}

// Fingerprint returns the fingerprint of a statement: a hash of its
// account, the bank's statement id and its lines' keys.
func Fingerprint(st Statement) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%s", statementAccount(st), st.ID, st.Sequence, st.Format)
	for _, k := range lineKeys(st) {
		fmt.Fprintf(h, "|%s", k)
	}
	return "S" + hex.EncodeToString(h.Sum(nil))[:40]
}

// ImportResult is what [Service.Import] stored.
type ImportResult struct {
	Statement *StatementRecord
	// Lines are the lines stored (new movements).
	Lines []*LineRecord
	// Duplicates counts lines skipped because an earlier statement
	// carried the same movement.
	Duplicates int
}

// Import stores a statement and its new lines, in one transaction. A
// statement imported before (same fingerprint) is a
// *DuplicateStatementError and nothing is stored; a line whose movement an
// earlier statement carried (same [LineKey]) is skipped and counted.
func (s *Service) Import(ctx context.Context, st Statement) (*ImportResult, error) {
	if len(st.Lines) == 0 {
		return nil, o2c.NewValidationError("lines", "a statement needs at least one line")
	}
	fp := Fingerprint(st)
	keys := lineKeys(st)
	var out *ImportResult
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if prev, err := s.stores.Matching.FindStatement(ctx, fp); err == nil {
			return &DuplicateStatementError{Statement: prev.ID, Fingerprint: fp}
		} else if !errors.Is(err, o2c.ErrNotFound) {
			return err
		}
		rec := &StatementRecord{ID: o2c.NewID[StatementRecord](), Tenant: s.tenant, Fingerprint: fp, Format: st.Format, BankID: st.ID,
			AccountIBAN: st.AccountIBAN, AccountOther: st.AccountOther, Currency: st.Currency, From: st.From, To: st.To,
			ImportedAt: s.clock.Now().UTC().Truncate(time.Microsecond)}
		res := &ImportResult{Statement: rec}
		for i, l := range st.Lines {
			if _, err := s.stores.Matching.FindLine(ctx, keys[i]); err == nil {
				res.Duplicates++
				continue
			} else if !errors.Is(err, o2c.ErrNotFound) {
				return err
			}
			res.Lines = append(res.Lines, &LineRecord{ID: o2c.NewID[LineRecord](), Tenant: s.tenant, Statement: rec.ID, Index: i,
				Key: keys[i], Line: l, Status: LineNew})
		}
		rec.Lines, rec.Duplicates = len(res.Lines), res.Duplicates
		if err := s.stores.Matching.CreateStatement(ctx, rec, res.Lines); err != nil {
			if errors.Is(err, o2c.ErrConflict) {
				if prev, ferr := s.stores.Matching.FindStatement(ctx, fp); ferr == nil {
					return &DuplicateStatementError{Statement: prev.ID, Fingerprint: fp}
				}
			}
			return err
		}
		out = res
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// input loads what the engine matches against: open invoices (with their
// references and discounts), customers, learned mappings.
func (s *Service) input(ctx context.Context, lines []*LineRecord) (Input, error) {
	var in Input
	items, err := s.items(ctx)
	if err != nil {
		return Input{}, err
	}
	in.Items = items
	for off := 0; ; off += 1000 {
		cs, err := s.stores.Customers.List(ctx, customer.ListOptions{Limit: 1000, Offset: off})
		if err != nil {
			return Input{}, err
		}
		for _, c := range cs {
			info := CustomerInfo{ID: c.ID, Name: c.LegalName}
			for _, a := range c.BankAccounts {
				info.IBANs = append(info.IBANs, a.IBAN)
			}
			in.Customers = append(in.Customers, info)
		}
		if len(cs) < 1000 {
			break
		}
	}
	ms, err := s.stores.Matching.Mappings(ctx)
	if err != nil {
		return Input{}, err
	}
	in.Mappings = ms
	if s.opts.Groups != nil {
		if in.Groups, err = s.opts.Groups.PayerGroups(ctx); err != nil {
			return Input{}, err
		}
	}
	if s.opts.EndToEnd != nil {
		in.EndToEnd = map[string]invoice.ID{}
		for _, l := range lines {
			if id := l.Line.EndToEndID; id != "" {
				inv, ok, err := s.opts.EndToEnd.InvoiceForEndToEnd(ctx, id)
				if err != nil {
					return Input{}, err
				}
				if ok {
					in.EndToEnd[id] = inv
				}
			}
		}
	}
	return in, nil
}

// Propose matches the statement's lines that are not applied yet against
// the open invoices, in one transaction: each line gets its ranked
// proposals (replacing earlier ones) and a status (auto, suggested,
// unmatched, skipped). It returns the engine's results, in line order.
func (s *Service) Propose(ctx context.Context, statement StatementID) ([]Result, error) {
	var out []Result
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if _, err := s.stores.Matching.GetStatement(ctx, statement); err != nil {
			return err
		}
		recs, err := s.stores.Matching.ListLines(ctx, LineFilter{Statement: statement,
			Statuses: []LineStatus{LineNew, LineAuto, LineSuggested, LineUnmatched}})
		if err != nil {
			return err
		}
		in, err := s.input(ctx, recs)
		if err != nil {
			return err
		}
		lines := make([]Line, len(recs))
		for i, r := range recs {
			lines[i] = r.Line
		}
		if out, err = s.match(in, lines); err != nil {
			return err
		}
		rc := newRemitContext(&in)
		for i, r := range recs {
			res, err := s.remittance(ctx, rc, r.Line, out[i])
			if err != nil {
				return err
			}
			model := s.opts.Engine.withDefaults().Model
			for k := range res.Proposals { // the remittance may have replaced them
				res.Proposals[k].Probability = model.Probability(FeaturesOf(res, k))
			}
			out[i] = res
			ps := make([]*ProposalRecord, len(res.Proposals))
			for k, p := range res.Proposals {
				ps[k] = &ProposalRecord{ID: o2c.NewID[ProposalRecord](), Tenant: s.tenant, Line: r.ID, Rank: k, Decision: res.Decision, Proposal: p, Status: ProposalOpen}
			}
			if err := s.stores.Matching.ReplaceProposals(ctx, r.ID, ps); err != nil {
				return err
			}
			status := LineSuggested
			switch res.Decision {
			case DecisionAuto, DecisionUnapplied:
				status = LineAuto
			case DecisionNone:
				status = LineUnmatched
			case DecisionSkipped:
				status = LineSkipped
			}
			if _, err := s.stores.Matching.UpdateLine(ctx, r.ID, func(l *LineRecord) error {
				l.Status, l.Note = status, res.Note
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Applied is what applying a proposal booked.
type Applied struct {
	Line        LineID
	Proposal    ProposalID
	Payment     invoice.PaymentID
	Allocations []invoice.Allocation
	// WrittenOff lists the invoices whose short payment was written off.
	WrittenOff []invoice.ID
	// DiscountOpen is the early-payment discount left open on invoices
	// (no DiscountGranter and above the write-off tolerance).
	DiscountOpen map[invoice.ID]o2c.Money
	// Credits are the credit notes netted against invoices.
	Credits []CreditUse
	// Disputes opened for the payer's deductions.
	Disputes []OpenedDispute
}

// ApplyReport is what [Service.Apply] did.
type ApplyReport struct {
	Applied []Applied
	// Failed lines, with the error each gave; they keep their status.
	Failed map[LineID]error
	// AlreadyApplied lists the lines another Apply or Confirm booked
	// first (concurrently, or since the lines were listed); nothing was
	// booked for them by this call.
	AlreadyApplied []LineID
	// Waiting lists the statement's lines that wait for a person (only
	// suggested, or unmatched), each with its best proposal and why it was
	// not applied: nothing was booked for them.
	Waiting []Waiting
}

// Apply books every line of the statement that Propose decided
// automatically (status auto), each in its own transaction, through
// invoicing: the payment is recorded under an idempotency key derived
// from the line (so that a retry never books it twice), allocated to the
// proposal's invoices, short payments within tolerance written off; the
// payer is learned. A line that fails is reported and keeps its status.
func (s *Service) Apply(ctx context.Context, statement StatementID) (rep ApplyReport, err error) {
	ctx, end := s.obs.Start(ctx, "matching.Apply")
	defer func() {
		s.obs.Add(ctx, telemetry.PaymentsApplied, int64(len(rep.Applied)))
		s.obs.Logger().DebugContext(ctx, "matching: applied", "applied", len(rep.Applied), "failed", len(rep.Failed), "waiting", len(rep.Waiting), "err", err)
		err = end(err)
	}()
	return s.applyStatement(ctx, statement)
}

func (s *Service) applyStatement(ctx context.Context, statement StatementID) (ApplyReport, error) {
	rep := ApplyReport{Failed: map[LineID]error{}}
	recs, err := s.stores.Matching.ListLines(ctx, LineFilter{Statement: statement, Statuses: []LineStatus{LineAuto}})
	if err != nil {
		return rep, err
	}
	for _, r := range recs {
		ps, err := s.stores.Matching.OpenProposals(ctx, r.ID)
		if err != nil {
			return rep, err
		}
		if len(ps) == 0 {
			rep.Failed[r.ID] = &LineError{Line: r.ID, Reason: "no open proposal", Err: ErrNotApplicable}
			continue
		}
		a, err := s.apply(ctx, r.ID, ps[0].ID)
		if errors.Is(err, ErrAlreadyApplied) || (err != nil && s.appliedMeanwhile(ctx, r.ID)) {
			rep.AlreadyApplied = append(rep.AlreadyApplied, r.ID)
			continue
		}
		if err != nil {
			rep.Failed[r.ID] = err
			continue
		}
		rep.Applied = append(rep.Applied, *a)
	}
	rep.Waiting, err = s.waiting(ctx, statement)
	return rep, err
}

// appliedMeanwhile reports whether the line is applied now: a concurrent
// Apply that booked it first superseded the proposal this call read.
func (s *Service) appliedMeanwhile(ctx context.Context, id LineID) bool {
	l, err := s.stores.Matching.GetLine(ctx, id)
	return err == nil && l.Status == LineApplied
}

// Confirm applies a proposal a person chose (any open proposal of a line
// not yet applied) exactly as Apply does, and teaches the payer's IBAN and
// name. A proposal no longer open, or a line applied already, is a
// *LineError matching [ErrNotApplicable] or [ErrAlreadyApplied].
func (s *Service) Confirm(ctx context.Context, proposal ProposalID) (*Applied, error) {
	p, err := s.stores.Matching.GetProposal(ctx, proposal)
	if err != nil {
		return nil, err
	}
	return s.apply(ctx, p.Line, proposal)
}

// Reject marks a proposal rejected (it is no longer offered) and records
// the rejection in the payer's learned mappings, in one transaction.
func (s *Service) Reject(ctx context.Context, proposal ProposalID) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		p, err := s.stores.Matching.UpdateProposal(ctx, proposal, func(p *ProposalRecord) error {
			if p.Status != ProposalOpen {
				return &LineError{Line: p.Line, Reason: "proposal is " + string(p.Status), Err: ErrNotApplicable}
			}
			p.Status = ProposalRejected
			return nil
		})
		if err != nil {
			return err
		}
		rec, err := s.stores.Matching.GetLine(ctx, p.Line)
		if err != nil {
			return err
		}
		return s.learnRejection(ctx, rec.Line, p.Proposal.Customer)
	})
}

func truncateRef(s string) string {
	if len(s) <= invoice.MaxRefLength {
		return s
	}
	cut := invoice.MaxRefLength
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut]
}

// apply books proposal pid of line id in one transaction.
func (s *Service) apply(ctx context.Context, id LineID, pid ProposalID) (*Applied, error) {
	var out *Applied
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		// Claim the line first: UpdateLine locks it until the transaction
		// ends, so concurrent applications of one line queue here and each
		// re-checks the status the previous one committed. Only the first
		// books, reports and learns.
		rec, err := s.stores.Matching.UpdateLine(ctx, id, func(l *LineRecord) error {
			if l.Status == LineApplied {
				return &LineError{Line: id, Reason: "applied already (payment " + l.Payment.String() + ")", Err: ErrAlreadyApplied}
			}
			return nil
		})
		if err != nil {
			return err
		}
		pr, err := s.stores.Matching.GetProposal(ctx, pid)
		if err != nil {
			return err
		}
		switch {
		case pr.Line != id:
			return &LineError{Line: id, Reason: "proposal " + pid.String() + " is for another line", Err: ErrNotApplicable}
		case pr.Status != ProposalOpen:
			return &LineError{Line: id, Reason: "proposal is " + string(pr.Status), Err: ErrNotApplicable}
		case rec.Line.Direction != Credit:
			return &LineError{Line: id, Reason: "not a credit", Err: ErrNotApplicable}
		case pr.Proposal.Customer.IsZero():
			return &LineError{Line: id, Reason: "proposal names no customer", Err: ErrNotApplicable}
		}
		a, err := s.book(ctx, rec, pr)
		if err != nil {
			return err
		}
		if _, err := s.stores.Matching.UpdateProposal(ctx, pid, func(p *ProposalRecord) error {
			p.Status = ProposalApplied
			return nil
		}); err != nil {
			return err
		}
		if _, err := s.stores.Matching.UpdateLine(ctx, id, func(l *LineRecord) error {
			l.Status, l.Payment, l.Applied, l.Note = LineApplied, a.Payment, pid, pr.Proposal.Reason()
			return nil
		}); err != nil {
			return err
		}
		if err := s.learn(ctx, rec.Line, pr.Proposal.Customer); err != nil {
			return err
		}
		out = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// book records the payment and its allocations through invoicing.
func (s *Service) book(ctx context.Context, rec *LineRecord, pr *ProposalRecord) (*Applied, error) {
	l := rec.Line
	key := "matching:" + rec.Key
	date := l.ValueDate
	if date.IsZero() {
		date = l.BookingDate
	}
	pay, err := s.invoices.RecordPayment(ctx, invoice.PaymentInput{Customer: pr.Proposal.Customer, Amount: l.Amount, ValueDate: date,
		Method: invoice.MethodTransfer, PayerReference: truncateRef(l.RemittanceText), IdempotencyKey: key})
	if err != nil {
		return nil, err
	}
	a := &Applied{Line: rec.ID, Proposal: pr.ID, Payment: pay.ID()}
	// credit notes the remittance nets go first, then the payment
	for i, c := range pr.Proposal.Credits {
		if _, err := s.invoices.AllocateCredit(ctx, invoice.AllocateCreditInput{CreditNote: c.CreditNote, Key: fmt.Sprintf("%s:credit:%d", key, i),
			Lines: []invoice.AllocationLine{{Invoice: c.Invoice, Amount: c.Amount}}}); err != nil {
			return nil, err
		}
		a.Credits = append(a.Credits, c)
	}
	allocs := pr.Proposal.Allocations
	var lines []invoice.AllocationLine
	for _, al := range allocs {
		if al.Amount.IsPositive() {
			lines = append(lines, invoice.AllocationLine{Invoice: al.Invoice, Amount: al.Amount})
		}
	}
	if len(lines) > 0 {
		if a.Allocations, err = s.invoices.Allocate(ctx, invoice.AllocateInput{Payment: pay.ID(), Key: key, Lines: lines}); err != nil {
			return nil, err
		}
	}
	for _, al := range allocs {
		if al.WriteOff.IsPositive() {
			if _, err := s.invoices.WriteOffResidual(ctx, al.Invoice, "short payment within tolerance (bank fees), statement line "+rec.Key); err != nil {
				return nil, err
			}
			a.WrittenOff = append(a.WrittenOff, al.Invoice)
		}
		if al.Discount.IsPositive() {
			if err := s.settleDiscount(ctx, rec, al, a); err != nil {
				return nil, err
			}
		}
		if d := al.Deduction; d != nil && d.Amount.IsPositive() {
			inv, err := s.stores.Invoices.Get(ctx, al.Invoice)
			if err != nil {
				return nil, err
			}
			amount := minMoney(d.Amount, inv.Undisputed())
			if !amount.IsPositive() || !inv.Status().IsOpen() {
				continue
			}
			dp, err := s.invoices.OpenDispute(ctx, al.Invoice, invoice.DisputeInput{Amount: amount, Reason: d.Reason, Actor: "cash application",
				Notes: truncateRef(fmt.Sprintf("payer deducted %s with reason code %q (statement line %s)", amount.AmountString(), d.Code, rec.Key))})
			if err != nil {
				return nil, err
			}
			a.Disputes = append(a.Disputes, OpenedDispute{Invoice: al.Invoice, Dispute: dp.ID, Amount: amount, Code: d.Code, Reason: d.Reason})
		}
	}
	return a, nil
}

// OpenedDispute is a dispute that applying a payment opened for a
// deduction the payer made.
type OpenedDispute struct {
	Invoice invoice.ID
	Dispute invoice.DisputeID
	Amount  o2c.Money
	// Code is the payer's reason code; Reason the dispute's.
	Code   string
	Reason invoice.ReasonCode
}

func (s *Service) settleDiscount(ctx context.Context, rec *LineRecord, al Allocation, a *Applied) error {
	if s.opts.Discounts != nil {
		return s.opts.Discounts.GrantDiscount(ctx, al.Invoice, al.Discount, "matching-discount:"+rec.Key)
	}
	inv, err := s.stores.Invoices.Get(ctx, al.Invoice)
	if err != nil {
		return err
	}
	if c, _ := inv.Open().Cmp(s.opts.Engine.Tolerance.Limit(inv.Gross())); c <= 0 {
		if _, err := s.invoices.WriteOffResidual(ctx, al.Invoice, "early-payment discount taken, statement line "+rec.Key); err != nil {
			return err
		}
		a.WrittenOff = append(a.WrittenOff, al.Invoice)
		return nil
	}
	if a.DiscountOpen == nil {
		a.DiscountOpen = map[invoice.ID]o2c.Money{}
	}
	a.DiscountOpen[al.Invoice] = al.Discount
	return nil
}

// Lines returns the statement's lines (all statuses), in order.
func (s *Service) Lines(ctx context.Context, statement StatementID) ([]*LineRecord, error) {
	return s.stores.Matching.ListLines(ctx, LineFilter{Statement: statement})
}

// Proposals returns a line's open proposals, best first.
func (s *Service) Proposals(ctx context.Context, line LineID) ([]*ProposalRecord, error) {
	return s.stores.Matching.OpenProposals(ctx, line)
}

// payerName returns the name key of a line's payer ("" when none).
func payerName(l Line) string {
	k := strings.TrimSpace(MappingKey(MappingName, l.CounterpartyName))
	if len(k) > 200 {
		k = strings.TrimSpace(truncateRef(k))
	}
	return k
}
