package matching

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// KindRemittance is a proposal that follows the payer's remittance (the
// line's [Line.Documents], from camt RmtInf/Strd or a linked remittance
// advice): its allocations are the advice's per-document amounts.
const KindRemittance Kind = "remittance"

// ErrRemittanceMismatch: a remittance's documents do not add up to the
// payment (see [RemittanceMismatchError]).
var ErrRemittanceMismatch = errors.New("matching: remittance does not add up to the payment")

// RemittanceMismatchError reports a remittance whose documents (invoices
// and debit notes paid, less credit notes netted) do not add up to the
// payment amount. It matches [ErrRemittanceMismatch].
type RemittanceMismatchError struct {
	// Source names the remittance (an advice's trace number, "line").
	Source string
	// Payment is the amount paid; Documents what the documents add up to.
	Payment, Documents o2c.Money
}

// Error names both amounts.
func (e *RemittanceMismatchError) Error() string {
	return fmt.Sprintf("matching: remittance %s: documents add up to %s, the payment is %s", e.Source, e.Documents, e.Payment)
}

// Is matches ErrRemittanceMismatch and o2c.ErrValidation.
func (e *RemittanceMismatchError) Is(target error) bool {
	return target == ErrRemittanceMismatch || target == o2c.ErrValidation
}

// CreditUse is part of a credit note's open credit that a remittance nets
// against one of the invoices it pays.
type CreditUse struct {
	CreditNote invoice.ID `json:"credit_note"`
	Number     string     `json:"number"`
	Invoice    invoice.ID `json:"invoice"`
	Amount     o2c.Money  `json:"amount"`
}

// Deduction is a short payment the payer explains with a reason code
// (EDI 820 ADX, camt AdjstmntAmtAndRsn): applying the proposal leaves it
// open and opens a dispute on the invoice with Reason.
type Deduction struct {
	Amount o2c.Money `json:"amount"`
	// Code is the payer's reason code as given.
	Code string `json:"code"`
	// Reason is the dispute reason it maps to.
	Reason invoice.ReasonCode `json:"reason"`
}

// DocumentAmount returns what a remittance document says was paid for it:
// the remitted amount, or else the amount due less discount and
// adjustment. ok is false when the document states no amount.
func DocumentAmount(d RemittanceDocument) (amount o2c.Money, ok bool) {
	if d.Remitted != nil {
		return d.Remitted.Abs(), true
	}
	if d.DuePayable == nil {
		return o2c.Money{}, false
	}
	a := d.DuePayable.Abs()
	for _, m := range []*o2c.Money{d.Discount, d.Adjustment} {
		if m != nil {
			if v, err := a.Sub(*m); err == nil {
				a = v
			}
		}
	}
	return a, true
}

// CheckRemittance checks that docs add up to amount: invoices, debit notes
// and other documents paid, less credit notes netted (credit note amounts
// count as deductions whatever their sign). A document in another
// currency is a *o2c.CurrencyMismatchError, a sum that differs a
// *RemittanceMismatchError naming source. Documents that state no amount
// cannot be checked: when any lacks one, CheckRemittance returns nil.
func CheckRemittance(source string, amount o2c.Money, docs []RemittanceDocument) error {
	sum := o2c.Zero(amount.Currency())
	for _, d := range docs {
		a, ok := DocumentAmount(d)
		if !ok {
			return nil
		}
		var err error
		if d.Kind == DocumentCreditNote {
			sum, err = sum.Sub(a)
		} else {
			sum, err = sum.Add(a)
		}
		if err != nil {
			return err
		}
	}
	if !sum.Equal(amount) {
		return &RemittanceMismatchError{Source: source, Payment: amount, Documents: sum}
	}
	return nil
}

// DeductionReasonX12 maps a payer's adjustment reason code to a dispute
// reason: the ANSI X12 adjustment reason codes (element 426, as sent in
// EDI 820 ADX02) for pricing, quantity, quality, duplicate billing and
// customer data; anything else is [invoice.ReasonOther].
func DeductionReasonX12(code string) invoice.ReasonCode {
	switch strings.ToUpper(strings.TrimSpace(code)) {
	case "01", "02", "03", "09", "24", "29", "33", "43":
		return invoice.ReasonPriceError
	case "06", "22", "41", "42", "59":
		return invoice.ReasonQuantityOrDeliveryMissing
	case "04", "05", "07", "08", "11", "12", "25":
		return invoice.ReasonQuality
	case "19":
		return invoice.ReasonDuplicateBilling
	case "18", "40":
		return invoice.ReasonWrongCustomerData
	}
	return invoice.ReasonOther
}

type remitDoc struct {
	doc    RemittanceDocument
	inv    *invoice.Invoice
	paid   o2c.Money
	stated bool
}

// remitContext is what the remittance step needs from Propose's input.
type remitContext struct {
	in       *Input
	byNumber map[string][]invoice.ID // normalised number -> open invoices
	custs    map[o2c.CustomerID]*CustomerInfo
	used     map[invoice.ID]o2c.Money // settled by earlier auto lines of the batch
}

func newRemitContext(in *Input) *remitContext {
	rc := &remitContext{in: in, byNumber: map[string][]invoice.ID{}, custs: map[o2c.CustomerID]*CustomerInfo{},
		used: map[invoice.ID]o2c.Money{}}
	for _, it := range in.Items {
		if n := NormalizeNumber(it.Number); n != "" {
			rc.byNumber[n] = append(rc.byNumber[n], it.Invoice)
		}
	}
	for i := range in.Customers {
		rc.custs[in.Customers[i].ID] = &in.Customers[i]
	}
	return rc
}

// resolve finds the document a remittance names: by its exact number,
// else by its normalised number among the open invoices.
func (s *Service) resolve(ctx context.Context, rc *remitContext, d RemittanceDocument) (*invoice.Invoice, error) {
	num := strings.TrimSpace(d.Number)
	if num == "" {
		return nil, o2c.NotFound("document", "(no number)")
	}
	inv, err := s.stores.Invoices.GetByNumber(ctx, num)
	if err == nil || !errors.Is(err, o2c.ErrNotFound) {
		return inv, err
	}
	if ids := rc.byNumber[NormalizeNumber(num)]; len(ids) == 1 {
		return s.stores.Invoices.Get(ctx, ids[0])
	}
	return nil, o2c.NotFound("document", num)
}

// payerEvidence says whether the line's payer is cust by something other
// than the documents it names: an IBAN of the customer (master or learned)
// or a name that resembles the customer's.
func (s *Service) payerEvidence(rc *remitContext, l Line, cust o2c.CustomerID) (string, bool) {
	if iban := ibanKey(l.CounterpartyIBAN); iban != "" {
		for _, m := range rc.in.Mappings {
			if m.Kind == MappingIBAN && ibanKey(m.Key) == iban && m.Customer == cust {
				return "IBAN " + iban + " learned for the customer", true
			}
		}
		if c := rc.custs[cust]; c != nil {
			for _, x := range c.IBANs {
				if ibanKey(x) == iban {
					return "IBAN " + iban + " is the customer's", true
				}
			}
		}
	}
	c := rc.custs[cust]
	if c == nil {
		return "", false
	}
	thr := s.opts.Engine.withDefaults().NameThreshold
	for _, name := range []string{l.CounterpartyName, l.UltimateParty} {
		if name == "" {
			continue
		}
		if sim := NameSimilarity(NormalizeName(name), NormalizeName(c.Name)); sim >= thr {
			return fmt.Sprintf("payer %q is the customer (%.0f %%)", name, sim*100), true
		}
	}
	return "", false
}

func sumMoney(a, b o2c.Money) o2c.Money {
	if a.Currency().IsZero() {
		return b
	}
	if b.Currency().IsZero() {
		return a
	}
	s, _ := a.Add(b)
	return s
}

func minMoney(a, b o2c.Money) o2c.Money {
	m, _ := a.Min(b)
	return m
}

func subMoney(a, b o2c.Money) o2c.Money {
	d, _ := a.Sub(b)
	return d
}

// remittance builds the proposal the line's documents describe and puts
// it first. It is auto when every document is found, all belong to one
// customer, the amounts add up and the payer is that customer by its IBAN
// or name; a suggestion otherwise (with the reason in the note). A line
// without documents keeps the engine's result.
func (s *Service) remittance(ctx context.Context, rc *remitContext, l Line, res Result) (Result, error) {
	if l.Direction != Credit || l.Reversal || len(l.Documents) == 0 || !l.Amount.IsPositive() {
		return res, nil
	}
	cur := l.Amount.Currency()
	var problems []string
	mismatch := CheckRemittance("of the line", l.Amount, l.Documents)
	if mismatch != nil {
		problems = append(problems, mismatch.Error())
	}
	var invs, cns []remitDoc
	var cust o2c.CustomerID
	for _, d := range l.Documents {
		inv, err := s.resolve(ctx, rc, d)
		if errors.Is(err, o2c.ErrNotFound) {
			problems = append(problems, "document "+d.Number+" not found")
			continue
		}
		if err != nil {
			return res, err
		}
		isCN := inv.Kind() == invoice.KindCreditNote
		switch {
		case isCN != (d.Kind == DocumentCreditNote):
			problems = append(problems, fmt.Sprintf("document %s is a %s, the remittance says %s", d.Number, inv.Kind(), d.Kind))
			continue
		case inv.Currency() != cur:
			problems = append(problems, "document "+d.Number+" is in "+inv.Currency().Code())
			continue
		case !isCN && !inv.Status().IsOpen():
			problems = append(problems, "invoice "+inv.Number()+" is "+string(inv.Status()))
			continue
		}
		if cust.IsZero() {
			cust = inv.Customer()
		} else if inv.Customer() != cust {
			problems = append(problems, "the documents belong to several customers")
			continue
		}
		r := remitDoc{doc: d, inv: inv}
		r.paid, r.stated = DocumentAmount(d)
		if isCN {
			cns = append(cns, r)
		} else {
			invs = append(invs, r)
		}
	}
	if len(invs) == 0 {
		if len(problems) > 0 {
			res.Note = strings.TrimPrefix(res.Note+"; remittance: "+strings.Join(problems, "; "), "; ")
		}
		return res, nil
	}
	// Invoices with stated amounts in the payer's order, then those named
	// without an amount, oldest first: they share what is left.
	sort.SliceStable(invs, func(i, j int) bool {
		a, b := invs[i], invs[j]
		if a.stated != b.stated {
			return a.stated
		}
		if a.stated {
			return false
		}
		if a.inv.DueDate() != b.inv.DueDate() {
			return a.inv.DueDate().Before(b.inv.DueDate())
		}
		if a.inv.IssueDate() != b.inv.IssueDate() {
			return a.inv.IssueDate().Before(b.inv.IssueDate())
		}
		return a.inv.Number() < b.inv.Number()
	})
	type creditLeft struct {
		cn   *invoice.Invoice
		left o2c.Money
	}
	var pool []*creditLeft
	for _, c := range cns {
		open := c.inv.Open()
		if c.stated {
			open = minMoney(open, c.paid)
		}
		if open.IsPositive() {
			pool = append(pool, &creditLeft{cn: c.inv, left: open})
		}
	}
	p := Proposal{Kind: KindRemittance, Customer: cust}
	cash := l.Amount
	var named []string
	for _, r := range invs {
		open := subMoney(r.inv.Undisputed(), sumMoney(o2c.Zero(cur), rc.used[r.inv.ID()]))
		if !open.IsPositive() {
			problems = append(problems, "invoice "+r.inv.Number()+" has nothing open")
			continue
		}
		want := open
		if r.stated {
			want = minMoney(r.paid, open)
			paidBefore := subMoney(subMoney(r.inv.Gross(), r.inv.Credited()), open)
			if r.paid.Amount().GreaterThan(open.Amount()) && paidBefore.IsPositive() {
				// more than is open on an invoice payments already
				// reduced: a remittance sent again with a duplicate
				// payment
				problems = append(problems, fmt.Sprintf("remittance pays %s on %s, only %s open (paid before?)", r.paid.AmountString(), r.inv.Number(), open.AmountString()))
			}
		}
		rest := want
		credited := o2c.Zero(cur)
		for _, c := range pool {
			if !rest.IsPositive() {
				break
			}
			if !c.left.IsPositive() {
				continue
			}
			use := minMoney(c.left, rest)
			p.Credits = append(p.Credits, CreditUse{CreditNote: c.cn.ID(), Number: c.cn.Number(), Invoice: r.inv.ID(), Amount: use})
			c.left, rest, credited = subMoney(c.left, use), subMoney(rest, use), sumMoney(credited, use)
		}
		pay := minMoney(rest, cash)
		cash = subMoney(cash, pay)
		a := Allocation{Invoice: r.inv.ID(), Number: r.inv.Number(), Amount: pay, Discount: o2c.Zero(cur), WriteOff: o2c.Zero(cur)}
		residual := subMoney(subMoney(open, credited), pay)
		if residual.IsPositive() {
			switch limit := s.opts.Engine.Tolerance.Limit(r.inv.Gross()); {
			case r.stated && r.doc.Discount != nil && r.doc.Discount.IsPositive() && (r.doc.Adjustment == nil || !r.doc.Adjustment.IsPositive()):
				a.Discount = minMoney(*r.doc.Discount, residual)
			case residual.Amount().LessThanOrEqual(limit.Amount()) && limit.Currency() == cur:
				a.WriteOff = residual
			case r.stated && r.doc.Adjustment != nil && r.doc.Adjustment.IsPositive():
				ded := minMoney(*r.doc.Adjustment, residual)
				reason := s.opts.DeductionReason(r.doc.AdjustmentReason)
				a.Deduction = &Deduction{Amount: ded, Code: r.doc.AdjustmentReason, Reason: reason}
				if r.doc.Discount != nil && r.doc.Discount.IsPositive() {
					a.Discount = minMoney(*r.doc.Discount, subMoney(residual, ded))
				}
			}
		}
		if a.Amount.IsPositive() || a.Discount.IsPositive() || a.WriteOff.IsPositive() || a.Deduction != nil {
			p.Allocations = append(p.Allocations, a)
		}
		desc := r.inv.Number()
		if r.stated {
			desc += " (" + r.paid.AmountString() + ")"
		}
		named = append(named, desc)
	}
	p.Unapplied = cash
	p.Reasons = append(p.Reasons, "remittance names "+strings.Join(named, ", "))
	for _, c := range p.Credits {
		p.Reasons = append(p.Reasons, "credit note "+c.Number+" netted ("+c.Amount.AmountString()+")")
	}
	for _, a := range p.Allocations {
		if a.Deduction != nil {
			p.Reasons = append(p.Reasons, fmt.Sprintf("deduction %s on %s, payer reason %q: disputed as %s", a.Deduction.Amount.AmountString(), a.Number, a.Deduction.Code, a.Deduction.Reason))
		}
	}
	if cash.IsPositive() {
		p.Reasons = append(p.Reasons, cash.AmountString()+" more than the documents: unapplied cash")
	}
	why, evidence := s.payerEvidence(rc, l, cust)
	if evidence {
		p.Reasons = append(p.Reasons, why)
	} else {
		problems = append(problems, "no payer evidence beyond the documents")
	}
	res.Customer = cust
	auto := len(problems) == 0 && (len(p.Allocations) > 0 || len(p.Credits) > 0)
	if auto {
		p.Confidence = 0.99
		res.Decision = DecisionAuto
		for _, a := range p.Allocations {
			rc.used[a.Invoice] = sumMoney(rc.used[a.Invoice], a.Amount)
		}
		for _, c := range p.Credits {
			rc.used[c.Invoice] = sumMoney(rc.used[c.Invoice], c.Amount)
		}
	} else {
		p.Confidence = 0.6
		p.Reasons = append(p.Reasons, problems...)
		res.Decision = DecisionSuggest
		res.Note = strings.TrimPrefix(res.Note+"; remittance: "+strings.Join(problems, "; "), "; ")
	}
	ps := []Proposal{p}
	for _, e := range res.Proposals {
		if allocKey(e) != allocKey(p) {
			ps = append(ps, e)
		}
	}
	res.Proposals = ps
	return res, nil
}
