package provision

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// Reason is why a receivable is doubtful (créance douteuse).
type Reason string

// Reasons the host marks, and the overdue rule.
const (
	// ReasonCollectiveProceedings: the customer is in collective
	// proceedings (sauvegarde, redressement or liquidation judiciaire).
	ReasonCollectiveProceedings Reason = "collective_proceedings"
	// ReasonFormalNoticeUnanswered: a formal notice (mise en demeure) went
	// unanswered.
	ReasonFormalNoticeUnanswered Reason = "formal_notice_unanswered"
	// ReasonLitigation: the debt was handed to litigation or a collection
	// agency.
	ReasonLitigation Reason = "litigation"
	// ReasonOverdue: the item is more than DoubtfulOptions.OverdueDays
	// past due (the rule, not a mark).
	ReasonOverdue Reason = "overdue"
)

func (r Reason) valid() bool {
	switch r {
	case ReasonCollectiveProceedings, ReasonFormalNoticeUnanswered, ReasonLitigation:
		return true
	}
	return false
}

// Mark is a host's decision that a customer's receivables are doubtful
// from Since at Rate (the share of the amount excluding VAT the host
// expects to lose, 0 to 1), until Lifted (zero: still marked).
type Mark struct {
	Customer o2c.CustomerID
	Reason   Reason
	Since    o2c.Date
	Lifted   o2c.Date
	Rate     decimal.Decimal
	Note     string
}

func (m Mark) validate(i int) error {
	f := func(s string) string { return fmt.Sprintf("marks[%d].%s", i, s) }
	switch {
	case m.Customer.IsZero():
		return o2c.NewValidationError(f("customer"), "is required")
	case !m.Reason.valid():
		return &o2c.ValidationError{Field: f("reason"), Rule: "must be collective_proceedings, formal_notice_unanswered or litigation", Value: string(m.Reason)}
	case m.Since.IsZero():
		return o2c.NewValidationError(f("since"), "is required")
	case !m.Lifted.IsZero() && m.Lifted.Before(m.Since):
		return o2c.NewValidationError(f("lifted"), "must not be before since")
	case !m.Rate.IsPositive() || m.Rate.GreaterThan(one):
		return &o2c.ValidationError{Field: f("rate"), Rule: "must be above 0 and at most 1", Value: m.Rate.String()}
	}
	return nil
}

func (m Mark) activeOn(d o2c.Date) bool {
	return !m.Since.After(d) && (m.Lifted.IsZero() || m.Lifted.After(d))
}

// Receivable is a due line with its invoice's net and gross totals, whose
// ratio gives the part of the open amount that excludes VAT (the base of
// the provision: VAT on an unpaid invoice is recovered from the State,
// not lost).
type Receivable struct {
	Item       report.Item
	Net, Gross o2c.Money
}

// netOf returns the part of open that excludes VAT: open x Net / Gross
// (unrounded).
func (r Receivable) netOf(open decimal.Decimal) decimal.Decimal {
	if !r.Gross.IsPositive() {
		return open
	}
	return open.Mul(r.Net.Amount()).DivRound(r.Gross.Amount(), ratioDigits)
}

// ReceivablesFromInvoices builds receivables from documents, one per due
// line as [report.ItemsFromInvoices] does, with each invoice's totals.
func ReceivablesFromInvoices(invs []*invoice.Invoice) []Receivable {
	var out []Receivable
	for _, inv := range invs {
		items := report.ItemsFromInvoices([]*invoice.Invoice{inv})
		t := inv.Totals()
		for _, it := range items {
			out = append(out, Receivable{Item: it, Net: t.Net, Gross: t.Gross})
		}
	}
	return out
}

// DoubtfulOptions configure [Doubtful].
type DoubtfulOptions struct {
	// Currency of the closing (required): receivables in other currencies
	// are left out (convert them first).
	Currency o2c.Currency
	// OverdueDays, when positive, makes any item more than this many days
	// past due at the closing doubtful at OverdueRate.
	OverdueDays int
	OverdueRate decimal.Decimal
}

// ItemProvision is one doubtful item at a closing.
type ItemProvision struct {
	Invoice invoice.ID
	Seq     int
	Number  string
	// OpenGross is the open amount including VAT, OpenNet the part of it
	// excluding VAT (unrounded: the base).
	OpenGross o2c.Money
	OpenNet   decimal.Decimal
	Reason    Reason
	Rate      decimal.Decimal
}

// CustomerProvision is a customer's specific provision at a closing:
// the sum over its doubtful items of OpenNet x Rate, rounded half up to
// the minor unit once per customer.
type CustomerProvision struct {
	Customer  o2c.CustomerID
	Reasons   []Reason
	Items     []ItemProvision
	Base      o2c.Money // the doubtful items' open amounts excluding VAT, rounded
	Provision o2c.Money
}

// Closing is the specific provision on doubtful debts at a closing date,
// per customer (in customer ID order).
type Closing struct {
	Date      o2c.Date
	Currency  o2c.Currency
	Customers []CustomerProvision
	Total     o2c.Money
}

// Customer returns the customer's provision (a zero provision when it has
// none).
func (c Closing) Customer(id o2c.CustomerID) CustomerProvision {
	for _, p := range c.Customers {
		if p.Customer == id {
			return p
		}
	}
	return CustomerProvision{Customer: id, Base: o2c.Zero(c.Currency), Provision: o2c.Zero(c.Currency)}
}

// Doubtful computes the French specific provision on doubtful debts
// (provision pour créances douteuses) at closing: every open item of a
// customer marked doubtful on that day (by the host: collective
// proceedings, formal notice unanswered, litigation) is provisioned at the
// mark's rate (the highest when several marks hold), and, with the
// overdue rule on, any item more than OverdueDays past due at OverdueRate
// (the higher rate wins). The base is the open amount excluding VAT.
// Errors: *o2c.ValidationError for bad options, marks or items.
func Doubtful(recs []Receivable, marks []Mark, closing o2c.Date, opts DoubtfulOptions) (Closing, error) {
	switch {
	case closing.IsZero():
		return Closing{}, o2c.NewValidationError("closing", "is required")
	case opts.Currency.IsZero():
		return Closing{}, &o2c.ValidationError{Field: "currency", Rule: "is required", Err: o2c.ErrUnknownCurrency}
	case opts.OverdueDays < 0:
		return Closing{}, &o2c.ValidationError{Field: "overdue_days", Rule: "must not be negative", Value: fmt.Sprint(opts.OverdueDays)}
	case opts.OverdueDays > 0 && (!opts.OverdueRate.IsPositive() || opts.OverdueRate.GreaterThan(one)):
		return Closing{}, &o2c.ValidationError{Field: "overdue_rate", Rule: "must be above 0 and at most 1 when overdue_days is set", Value: opts.OverdueRate.String()}
	}
	for i, m := range marks {
		if err := m.validate(i); err != nil {
			return Closing{}, err
		}
	}
	cur := opts.Currency
	byCust := map[o2c.CustomerID]*CustomerProvision{}
	for i, r := range recs {
		if err := r.Item.Validate(); err != nil {
			return Closing{}, fmt.Errorf("provision: receivable %d: %w", i, err)
		}
		if r.Item.Currency != cur {
			continue
		}
		open, ok := r.Item.OpenAt(closing)
		if !ok || !open.IsPositive() {
			continue
		}
		reason, rate := Reason(""), decimal.Zero
		for _, m := range marks {
			if m.Customer == r.Item.Customer && m.activeOn(closing) && m.Rate.GreaterThan(rate) {
				reason, rate = m.Reason, m.Rate
			}
		}
		if opts.OverdueDays > 0 && r.Item.DueDate.DaysUntil(closing) > opts.OverdueDays && opts.OverdueRate.GreaterThan(rate) {
			reason, rate = ReasonOverdue, opts.OverdueRate
		}
		if rate.IsZero() {
			continue
		}
		cp := byCust[r.Item.Customer]
		if cp == nil {
			cp = &CustomerProvision{Customer: r.Item.Customer}
			byCust[r.Item.Customer] = cp
		}
		cp.Items = append(cp.Items, ItemProvision{Invoice: r.Item.Invoice, Seq: r.Item.Seq, Number: r.Item.Number,
			OpenGross: open, OpenNet: r.netOf(open.Amount()), Reason: reason, Rate: rate})
		if !slices.Contains(cp.Reasons, reason) {
			cp.Reasons = append(cp.Reasons, reason)
		}
	}
	out := Closing{Date: closing, Currency: cur, Total: o2c.Zero(cur)}
	for _, cp := range byCust {
		base, prov := decimal.Zero, decimal.Zero
		for _, it := range cp.Items {
			base = base.Add(it.OpenNet)
			prov = prov.Add(it.OpenNet.Mul(it.Rate))
		}
		cp.Base = money(base, cur).Round(o2c.RoundHalfUp)
		cp.Provision = money(prov, cur).Round(o2c.RoundHalfUp)
		slices.Sort(cp.Reasons)
		out.Customers = append(out.Customers, *cp)
		out.Total, _ = out.Total.Add(cp.Provision)
	}
	slices.SortFunc(out.Customers, func(a, b CustomerProvision) int { return strings.Compare(a.Customer.String(), b.Customer.String()) })
	return out, nil
}

// CustomerMovement is the change of one customer's provision between two
// closings: Opening + Allowance - Reversal - Used = Closing.
type CustomerMovement struct {
	Customer o2c.CustomerID
	Opening  o2c.Money
	// Allowance is the new provision charged (dotation, 6817 / 491).
	Allowance o2c.Money
	// Reversal is provision no longer needed (reprise, 491 / 7817):
	// the customer paid, the mark was lifted, the rate fell.
	Reversal o2c.Money
	// Used is provision released because the debt it covered was written
	// off between the closings (reprise utilisée, 491 / 7817; the loss
	// itself is booked by the write-off, 654).
	Used    o2c.Money
	Closing o2c.Money
}

// Movement is the change of the provision from one closing to the next.
type Movement struct {
	From, To  o2c.Date
	Currency  o2c.Currency
	Customers []CustomerMovement
	// Totals of the columns.
	Opening, Allowance, Reversal, Used, Closing o2c.Money
}

// Move computes the movement of the provision from prev to next (same
// currency, prev before next). Used is, for each item provisioned at prev
// and written off in (prev.Date, next.Date], the part of the write-off
// excluding VAT times the item's rate at prev (at most what was
// provisioned on it), summed per customer, rounded half up, at most the
// customer's opening provision. What remains is compared with the closing
// provision: an increase is an allowance, a decrease a reversal. recs
// give the write-offs.
func Move(prev, next Closing, recs []Receivable) (Movement, error) {
	switch {
	case prev.Currency != next.Currency:
		return Movement{}, &o2c.CurrencyMismatchError{Op: "provision movement", Left: prev.Currency, Right: next.Currency}
	case !prev.Date.Before(next.Date):
		return Movement{}, &o2c.ValidationError{Field: "next.date", Rule: "must be after the previous closing", Value: next.Date.String()}
	}
	cur := prev.Currency
	type key struct {
		inv invoice.ID
		seq int
	}
	recOf := map[key]Receivable{}
	for _, r := range recs {
		recOf[key{r.Item.Invoice, r.Item.Seq}] = r
	}
	ids := map[o2c.CustomerID]bool{}
	for _, c := range prev.Customers {
		ids[c.Customer] = true
	}
	for _, c := range next.Customers {
		ids[c.Customer] = true
	}
	z := o2c.Zero(cur)
	mv := Movement{From: prev.Date, To: next.Date, Currency: cur, Opening: z, Allowance: z, Reversal: z, Used: z, Closing: z}
	for id := range ids {
		p, n := prev.Customer(id), next.Customer(id)
		used := decimal.Zero
		for _, it := range p.Items {
			r, ok := recOf[key{it.Invoice, it.Seq}]
			if !ok {
				continue
			}
			wo := writtenOff(r.Item, prev.Date, next.Date)
			if wo.IsZero() {
				continue
			}
			part := decimal.Min(r.netOf(wo), it.OpenNet).Mul(it.Rate)
			used = used.Add(part)
		}
		usedM := money(used, cur).Round(o2c.RoundHalfUp)
		if c, _ := usedM.Cmp(p.Provision); c > 0 {
			usedM = p.Provision
		}
		remaining, _ := p.Provision.Sub(usedM)
		cm := CustomerMovement{Customer: id, Opening: p.Provision, Used: usedM, Closing: n.Provision, Allowance: z, Reversal: z}
		diff, _ := n.Provision.Sub(remaining)
		if diff.IsPositive() {
			cm.Allowance = diff
		} else {
			cm.Reversal = diff.Neg()
		}
		mv.Customers = append(mv.Customers, cm)
		mv.Opening, _ = mv.Opening.Add(cm.Opening)
		mv.Allowance, _ = mv.Allowance.Add(cm.Allowance)
		mv.Reversal, _ = mv.Reversal.Add(cm.Reversal)
		mv.Used, _ = mv.Used.Add(cm.Used)
		mv.Closing, _ = mv.Closing.Add(cm.Closing)
	}
	slices.SortFunc(mv.Customers, func(a, b CustomerMovement) int { return strings.Compare(a.Customer.String(), b.Customer.String()) })
	return mv, nil
}

// Accounts of the French chart (PCG) the provision moves through.
const (
	AccountAllowance = "6817" // Dotations aux dépréciations des actifs circulants
	AccountProvision = "491"  // Dépréciations des comptes de clients
	AccountReversal  = "7817" // Reprises sur dépréciations des actifs circulants
)

// JournalLine is one line of the entry a movement calls for.
type JournalLine struct {
	Account string
	Label   string
	Debit   o2c.Money
	Credit  o2c.Money
}

// Entry returns the balanced journal lines of the movement, dated To:
// the allowance 6817 debit / 491 credit, the reversals (unused and used)
// 491 debit / 7817 credit. Nothing is returned for a zero column. Post
// them through a ledger (package ledger, when the host has one).
func (m Movement) Entry() []JournalLine {
	z := o2c.Zero(m.Currency)
	var out []JournalLine
	if m.Allowance.IsPositive() {
		out = append(out,
			JournalLine{Account: AccountAllowance, Label: "Dotation dépréciation créances douteuses " + m.To.String(), Debit: m.Allowance, Credit: z},
			JournalLine{Account: AccountProvision, Label: "Dotation dépréciation créances douteuses " + m.To.String(), Debit: z, Credit: m.Allowance})
	}
	if back, _ := m.Reversal.Add(m.Used); back.IsPositive() {
		out = append(out,
			JournalLine{Account: AccountProvision, Label: "Reprise dépréciation créances douteuses " + m.To.String(), Debit: back, Credit: z},
			JournalLine{Account: AccountReversal, Label: "Reprise dépréciation créances douteuses " + m.To.String(), Debit: z, Credit: back})
	}
	return out
}
