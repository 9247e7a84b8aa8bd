// Package factoring finances receivables through a factor: a [Contract]
// (advance rate, commission, concentration caps, notified or confidential),
// the portfolio eligible as of a date ([Eligible]: not disputed, not past
// the contract's overdue limit, not an excluded debtor, insured where the
// contract requires it, not already assigned), an assignment schedule
// (bordereau de cession, [NewSchedule]) written as CSV or JSON, and the
// advance, reserve and commission of each schedule.
//
// Figures, per schedule (amounts including VAT, as factors finance them):
//
//	Assigned   = sum of the open amounts of the receivables on the schedule
//	Excess     = per debtor, what exceeds its concentration cap (the lower of
//	             CapShare x the eligible total before caps and CapAmount)
//	Funded     = Assigned - Excess
//	Commission = Assigned x CommissionRate + FeePerItem x items, half up
//	Advance    = Funded x AdvanceRate (half up) - Commission
//	Reserve    = Assigned - Advance - Commission (the guarantee fund and
//	             the unfunded excess, released as debtors pay)
//
// so Advance + Reserve + Commission = Assigned to the cent.
//
// Assigned receivables stay the seller's documents; [Assignment] records
// say which invoice went to which factor on which schedule, so that dunning
// and cash application can follow the contract (in notified factoring the
// debtor pays the factor). The stores for contracts and assignments are in
// the risk store.
package factoring

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
)

// Mode says whether debtors are told of the assignment.
type Mode string

// Modes.
const (
	// Notified: invoices carry the factor's subrogation notice and debtors
	// pay the factor.
	Notified Mode = "notified"
	// Confidential: debtors keep paying the seller, who passes the money on.
	Confidential Mode = "confidential"
)

var one = decimal.NewFromInt(1)

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Contract is a factoring contract.
type Contract struct {
	// Code identifies the contract (required, 1-64 of A-Z a-z 0-9 . _ -).
	Code string `json:"code"`
	// Factor names the factor (required).
	Factor string `json:"factor"`
	// Currency of the receivables financed (required).
	Currency o2c.Currency `json:"currency"`
	Mode     Mode         `json:"mode"`
	// AdvanceRate is the share of the funded amount paid at once (0 to 1).
	AdvanceRate decimal.Decimal `json:"advance_rate"`
	// CommissionRate is the factoring fee on the assigned amount (0 to 1),
	// FeePerItem a fixed fee per receivable (optional).
	CommissionRate decimal.Decimal `json:"commission_rate"`
	FeePerItem     o2c.Money       `json:"fee_per_item,omitzero"`
	// MaxDaysOverdue: a receivable more than this many days past due is not
	// eligible (0: only receivables not yet due).
	MaxDaysOverdue int `json:"max_days_overdue"`
	// CapShare caps any one debtor's funded amount at this share of the
	// eligible total (0: no cap); CapAmount at this amount (zero: no cap).
	CapShare  decimal.Decimal `json:"cap_share"`
	CapAmount o2c.Money       `json:"cap_amount,omitzero"`
	// Excluded debtors are never eligible.
	Excluded []o2c.CustomerID `json:"excluded,omitempty"`
	// RequireInsurance: only debtors with credit-insurance cover in force
	// are eligible.
	RequireInsurance bool `json:"require_insurance,omitempty"`
	// Version is set by stores.
	Version int64 `json:"version"`
}

// Validate reports the first rule c breaks as a *o2c.ValidationError
// naming the field.
func (c Contract) Validate() error {
	bad := func(field, rule, v string) error {
		return &o2c.ValidationError{Field: "contract." + field, Rule: rule, Value: v}
	}
	rate := func(d decimal.Decimal) bool { return !d.IsNegative() && !d.GreaterThan(one) }
	switch {
	case !codePattern.MatchString(c.Code):
		return bad("code", "must be 1-64 letters, digits, '.', '_' or '-'", c.Code)
	case strings.TrimSpace(c.Factor) == "" || len(c.Factor) > 200:
		return bad("factor", "must be 1-200 bytes", c.Factor)
	case c.Currency.IsZero():
		return &o2c.ValidationError{Field: "contract.currency", Rule: "is required", Err: o2c.ErrUnknownCurrency}
	case c.Mode != Notified && c.Mode != Confidential:
		return bad("mode", "must be notified or confidential", string(c.Mode))
	case !c.AdvanceRate.IsPositive() || c.AdvanceRate.GreaterThan(one):
		return bad("advance_rate", "must be above 0 and at most 1", c.AdvanceRate.String())
	case !rate(c.CommissionRate):
		return bad("commission_rate", "must be between 0 and 1", c.CommissionRate.String())
	case !c.FeePerItem.Currency().IsZero() && (c.FeePerItem.Currency() != c.Currency || c.FeePerItem.IsNegative()):
		return bad("fee_per_item", "must be a non-negative amount in the contract's currency", c.FeePerItem.String())
	case c.MaxDaysOverdue < 0:
		return bad("max_days_overdue", "must not be negative", fmt.Sprint(c.MaxDaysOverdue))
	case !rate(c.CapShare):
		return bad("cap_share", "must be between 0 and 1", c.CapShare.String())
	case !c.CapAmount.Currency().IsZero() && (c.CapAmount.Currency() != c.Currency || !c.CapAmount.IsPositive()):
		return bad("cap_amount", "must be a positive amount in the contract's currency", c.CapAmount.String())
	}
	return nil
}

// Exclusion says why a receivable is not eligible.
type Exclusion string

// Reasons a receivable is left out.
const (
	ExcludedDebtor    Exclusion = "excluded_debtor"
	ExcludedDisputed  Exclusion = "disputed"
	ExcludedOverdue   Exclusion = "overdue"
	ExcludedUninsured Exclusion = "uninsured"
	ExcludedAssigned  Exclusion = "already_assigned"
	ExcludedCurrency  Exclusion = "currency"
)

// Receivable is one due line in a portfolio.
type Receivable struct {
	Invoice   invoice.ID     `json:"invoice"`
	Seq       int            `json:"seq"`
	Number    string         `json:"number"`
	Debtor    o2c.CustomerID `json:"debtor"`
	IssueDate o2c.Date       `json:"issue_date"`
	DueDate   o2c.Date       `json:"due_date"`
	// Open is the amount open as of the portfolio's date.
	Open o2c.Money `json:"open"`
}

// Key identifies the receivable (invoice and due line).
func (r Receivable) Key() invoice.DueLineKey {
	return invoice.DueLineKey{Invoice: r.Invoice, Seq: r.Seq}
}

// Left is a receivable left out, and why.
type Left struct {
	Receivable
	Reason Exclusion `json:"reason"`
}

// DebtorTotal is one debtor's share of the eligible portfolio.
type DebtorTotal struct {
	Debtor o2c.CustomerID `json:"debtor"`
	// Eligible is the sum of its eligible receivables; Cap the most that
	// is funded; Excess what is above the cap.
	Eligible o2c.Money `json:"eligible"`
	Cap      o2c.Money `json:"cap"`
	Excess   o2c.Money `json:"excess"`
	Capped   bool      `json:"capped"`
}

// Portfolio is what is eligible under a contract as of a date.
type Portfolio struct {
	Contract string       `json:"contract"`
	AsOf     o2c.Date     `json:"as_of"`
	Currency o2c.Currency `json:"currency"`
	// Eligible receivables, by due date then number; Left the others.
	Eligible []Receivable `json:"eligible"`
	Left     []Left       `json:"left,omitempty"`
	// Debtors in debtor ID order.
	Debtors []DebtorTotal `json:"debtors"`
	// Total is the eligible total, Excess the sum of the debtors' excesses,
	// Funded = Total - Excess.
	Total  o2c.Money `json:"total"`
	Excess o2c.Money `json:"excess"`
	Funded o2c.Money `json:"funded"`
}

// Input is what [Eligible] reads.
type Input struct {
	Contract Contract
	AsOf     o2c.Date
	// Items are the seller's receivables with their history.
	Items []report.Item
	// Insured reports whether a debtor has cover in force on AsOf (needed
	// when the contract requires insurance; nil: nobody is insured).
	Insured func(o2c.CustomerID) bool
	// Assigned are the receivables already assigned (to any contract).
	Assigned map[invoice.DueLineKey]bool
}

// Eligible returns the contract's eligible portfolio as of in.AsOf: each
// receivable open that day (issued, open amount positive) in the
// contract's currency, with no dispute open that day, at most
// MaxDaysOverdue days past due, of a debtor neither excluded nor (when
// required) uninsured, not already assigned; then the concentration caps.
// Errors: *o2c.ValidationError for a bad contract, date or item.
func Eligible(in Input) (Portfolio, error) {
	c := in.Contract
	if err := c.Validate(); err != nil {
		return Portfolio{}, err
	}
	if in.AsOf.IsZero() {
		return Portfolio{}, o2c.NewValidationError("as_of", "is required")
	}
	cur := c.Currency
	p := Portfolio{Contract: c.Code, AsOf: in.AsOf, Currency: cur}
	byDebtor := map[o2c.CustomerID]decimal.Decimal{}
	total := decimal.Zero
	for i, it := range in.Items {
		if err := it.Validate(); err != nil {
			return Portfolio{}, fmt.Errorf("factoring: item %d: %w", i, err)
		}
		open, ok := it.OpenAt(in.AsOf)
		if !ok || !open.IsPositive() {
			continue
		}
		r := Receivable{Invoice: it.Invoice, Seq: it.Seq, Number: it.Number, Debtor: it.Customer, IssueDate: it.IssueDate, DueDate: it.DueDate, Open: open}
		why := Exclusion("")
		switch {
		case it.Currency != cur:
			why = ExcludedCurrency
		case in.Assigned[r.Key()]:
			why = ExcludedAssigned
		case slices.Contains(c.Excluded, it.Customer):
			why = ExcludedDebtor
		case disputedOn(it, in.AsOf):
			why = ExcludedDisputed
		case it.DueDate.DaysUntil(in.AsOf) > c.MaxDaysOverdue:
			why = ExcludedOverdue
		case c.RequireInsurance && (in.Insured == nil || !in.Insured(it.Customer)):
			why = ExcludedUninsured
		}
		if why != "" {
			p.Left = append(p.Left, Left{Receivable: r, Reason: why})
			continue
		}
		p.Eligible = append(p.Eligible, r)
		byDebtor[it.Customer] = byDebtor[it.Customer].Add(open.Amount())
		total = total.Add(open.Amount())
	}
	sortReceivables(p.Eligible)
	slices.SortFunc(p.Left, func(a, b Left) int { return cmpReceivable(a.Receivable, b.Receivable) })
	m := func(d decimal.Decimal) o2c.Money { v, _ := o2c.MoneyOf(d, cur); return v }
	capOf := func() (decimal.Decimal, bool) {
		var cp decimal.Decimal
		has := false
		if c.CapShare.IsPositive() {
			cp, has = o2c.RoundHalfUp.Round(total.Mul(c.CapShare), cur.Digits()), true
		}
		if !c.CapAmount.Currency().IsZero() && (!has || c.CapAmount.Amount().LessThan(cp)) {
			cp, has = c.CapAmount.Amount(), true
		}
		return cp, has
	}
	cp, hasCap := capOf()
	excess := decimal.Zero
	for d, amt := range byDebtor {
		dt := DebtorTotal{Debtor: d, Eligible: m(amt), Cap: m(amt), Excess: o2c.Zero(cur)}
		if hasCap && amt.GreaterThan(cp) {
			dt.Cap, dt.Excess, dt.Capped = m(cp), m(amt.Sub(cp)), true
			excess = excess.Add(amt.Sub(cp))
		}
		p.Debtors = append(p.Debtors, dt)
	}
	slices.SortFunc(p.Debtors, func(a, b DebtorTotal) int { return strings.Compare(a.Debtor.String(), b.Debtor.String()) })
	p.Total, p.Excess, p.Funded = m(total), m(excess), m(total.Sub(excess))
	return p, nil
}

func disputedOn(it report.Item, d o2c.Date) bool {
	for _, x := range it.Disputes {
		if !x.Opened.After(d) && (x.Resolved.IsZero() || x.Resolved.After(d)) {
			return true
		}
	}
	return false
}

func cmpReceivable(a, b Receivable) int {
	if c := a.DueDate.Compare(b.DueDate); c != 0 {
		return c
	}
	if c := strings.Compare(a.Number, b.Number); c != 0 {
		return c
	}
	if c := strings.Compare(a.Invoice.String(), b.Invoice.String()); c != 0 {
		return c
	}
	return a.Seq - b.Seq
}

func sortReceivables(rs []Receivable) { slices.SortFunc(rs, cmpReceivable) }

// Schedule is an assignment schedule (bordereau de cession): the
// receivables assigned to the factor in one remittance and what the
// factor pays for them.
type Schedule struct {
	Contract string       `json:"contract"`
	Factor   string       `json:"factor"`
	Mode     Mode         `json:"mode"`
	Number   string       `json:"number"`
	Date     o2c.Date     `json:"date"`
	Currency o2c.Currency `json:"currency"`
	Lines    []Receivable `json:"lines"`
	// Figures (see the package documentation).
	Assigned   o2c.Money `json:"assigned"`
	Excess     o2c.Money `json:"excess"`
	Funded     o2c.Money `json:"funded"`
	Commission o2c.Money `json:"commission"`
	Advance    o2c.Money `json:"advance"`
	Reserve    o2c.Money `json:"reserve"`
}

// NewSchedule assigns the whole eligible portfolio p under contract c as
// schedule number on p's date and computes its figures. Errors:
// *o2c.ValidationError for a bad contract or number, a portfolio of
// another contract or an empty one.
func NewSchedule(c Contract, p Portfolio, number string) (Schedule, error) {
	if err := c.Validate(); err != nil {
		return Schedule{}, err
	}
	switch {
	case !codePattern.MatchString(number):
		return Schedule{}, &o2c.ValidationError{Field: "number", Rule: "must be 1-64 letters, digits, '.', '_' or '-'", Value: number}
	case p.Contract != c.Code || p.Currency != c.Currency:
		return Schedule{}, &o2c.ValidationError{Field: "portfolio.contract", Rule: "must be the contract's portfolio", Value: p.Contract}
	case len(p.Eligible) == 0:
		return Schedule{}, o2c.NewValidationError("portfolio.eligible", "has nothing to assign")
	}
	cur := c.Currency
	s := Schedule{Contract: c.Code, Factor: c.Factor, Mode: c.Mode, Number: number, Date: p.AsOf, Currency: cur,
		Lines: slices.Clone(p.Eligible), Assigned: p.Total, Excess: p.Excess, Funded: p.Funded}
	comm := p.Total.MulRound(c.CommissionRate, o2c.RoundHalfUp)
	if !c.FeePerItem.Currency().IsZero() {
		comm, _ = comm.Add(c.FeePerItem.Mul(decimal.NewFromInt(int64(len(s.Lines)))))
	}
	s.Commission = comm
	adv := p.Funded.MulRound(c.AdvanceRate, o2c.RoundHalfUp)
	s.Advance, _ = adv.Sub(comm)
	s.Reserve, _ = p.Total.Sub(adv)
	return s, nil
}

// Assignment records that a receivable was assigned to a factor on a
// schedule.
type Assignment struct {
	Contract string         `json:"contract"`
	Schedule string         `json:"schedule"`
	Invoice  invoice.ID     `json:"invoice"`
	Seq      int            `json:"seq"`
	Debtor   o2c.CustomerID `json:"debtor"`
	Amount   o2c.Money      `json:"amount"`
	Date     o2c.Date       `json:"date"`
}

// Assignments returns the records that mark the schedule's receivables
// as assigned.
func (s Schedule) Assignments() []Assignment {
	out := make([]Assignment, len(s.Lines))
	for i, l := range s.Lines {
		out[i] = Assignment{Contract: s.Contract, Schedule: s.Number, Invoice: l.Invoice, Seq: l.Seq, Debtor: l.Debtor, Amount: l.Open, Date: s.Date}
	}
	return out
}

// CSVHeader is the header row of [Schedule.CSV].
var CSVHeader = []string{"schedule", "date", "contract", "factor", "debtor", "invoice_number", "invoice_id", "due_line", "issue_date", "due_date", "amount", "currency"}

// CSV writes the schedule's lines as CSV (comma-separated, a header row,
// amounts with a decimal point and the currency's minor digits, dates
// YYYY-MM-DD), followed by no totals: the totals are in the JSON form.
func (s Schedule) CSV() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(CSVHeader); err != nil {
		return nil, err
	}
	for _, l := range s.Lines {
		rec := []string{s.Number, s.Date.String(), s.Contract, s.Factor, l.Debtor.String(), l.Number, l.Invoice.String(),
			fmt.Sprint(l.Seq), l.IssueDate.String(), l.DueDate.String(), l.Open.AmountString(), s.Currency.Code()}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// JSON returns the schedule, lines and figures, as indented JSON.
func (s Schedule) JSON() ([]byte, error) { return json.MarshalIndent(s, "", "  ") }
