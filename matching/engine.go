package matching

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Sentinel errors of cash application. Typed errors carrying them say
// which record was involved; match them with [errors.Is].
var (
	// ErrInvalidReference: a structured reference cannot be built from
	// the input (see [NewRFReference]).
	ErrInvalidReference = errors.New("matching: invalid reference")
	// ErrDuplicateStatement: the statement was imported before (same
	// fingerprint); nothing was imported again.
	ErrDuplicateStatement = errors.New("matching: statement already imported")
	// ErrAlreadyApplied: the line was applied already; nothing changed.
	ErrAlreadyApplied = errors.New("matching: line already applied")
	// ErrNotApplicable: the proposal or line cannot be applied (a debit,
	// a line with no customer, a proposal that is no longer open).
	ErrNotApplicable = errors.New("matching: not applicable")
)

// Item is an open invoice as the engine sees it: the open item from
// invoicing, the structured reference printed on it, and its
// early-payment discount.
type Item struct {
	invoice.OpenItem
	// Reference is the structured creditor reference printed on the
	// invoice (RF..., a national reference), in any form; empty: none.
	// [RFReferenceForNumber] gives the SDK's default.
	Reference string
	// Discount is the invoice's early-payment discount (zero: none).
	Discount invoice.EarlyPaymentDiscount
	// CustomerReference is the customer's own reference for the invoice
	// (its purchase order number, from the order); payers quote it
	// instead of the invoice number. Empty: none.
	CustomerReference string
}

// CustomerInfo is what the engine knows of a customer: its name and the
// IBANs of its bank accounts (the customer master's).
type CustomerInfo struct {
	ID    o2c.CustomerID
	Name  string
	IBANs []string
}

// MappingKind says what a learned mapping keys on.
type MappingKind string

// Mapping kinds.
const (
	// MappingIBAN maps a payer's IBAN (compact form) to a customer.
	MappingIBAN MappingKind = "iban"
	// MappingName maps a payer's normalised name (see [NormalizeName]) to
	// a customer.
	MappingName MappingKind = "name"
)

// Mapping is a payer -> customer association learned from applied and
// rejected matches, with its evidence: the customers it has pointed to,
// how often each was confirmed or rejected, and when the payer was last
// seen. Only a [Mapping.Firm] mapping identifies a payer for sure.
type Mapping struct {
	Kind MappingKind `json:"kind"`
	Key  string      `json:"key"`
	// Customer is the customer most recently confirmed (or, before any
	// confirmation, the one rejected).
	Customer o2c.CustomerID `json:"customer"`
	// Confirmations counts the applied matches that taught it, for all
	// customers; Rejections the rejected proposals.
	Confirmations int `json:"confirmations"`
	Rejections    int `json:"rejections,omitempty"`
	// Customers is the evidence per customer the key has pointed to, in
	// the order first seen.
	Customers []MappingCustomer `json:"customers,omitempty"`
	// LastSeen is the value date of the latest line that taught it.
	LastSeen o2c.Date `json:"last_seen,omitzero"`
	Version  int64    `json:"version"`
}

// MappingCustomer is a learned mapping's evidence for one customer.
type MappingCustomer struct {
	Customer      o2c.CustomerID `json:"customer"`
	Confirmations int            `json:"confirmations"`
	Rejections    int            `json:"rejections,omitempty"`
}

// MappingEvidence is one observation about a payer key: a match to
// Customer was applied (Rejected false) or a proposal to Customer was
// rejected by a person.
type MappingEvidence struct {
	Kind     MappingKind
	Key      string
	Customer o2c.CustomerID
	Rejected bool
	// Seen is the line's value date (zero: unknown).
	Seen o2c.Date
}

// Record adds ev to m (of the same kind and key). Stores call it so that
// every adapter keeps evidence the same way.
func (m *Mapping) Record(ev MappingEvidence) {
	m.Kind, m.Key = ev.Kind, ev.Key
	i := -1
	for k := range m.Customers {
		if m.Customers[k].Customer == ev.Customer {
			i = k
		}
	}
	if i < 0 {
		// a mapping stored before evidence was kept: its confirmations
		// were all for its customer
		if len(m.Customers) == 0 && !m.Customer.IsZero() && m.Confirmations > 0 {
			m.Customers = append(m.Customers, MappingCustomer{Customer: m.Customer, Confirmations: m.Confirmations, Rejections: m.Rejections})
			if m.Customer == ev.Customer {
				i = 0
			}
		}
		if i < 0 {
			m.Customers = append(m.Customers, MappingCustomer{Customer: ev.Customer})
			i = len(m.Customers) - 1
		}
	}
	if ev.Rejected {
		m.Rejections++
		m.Customers[i].Rejections++
		if m.Customer.IsZero() {
			m.Customer = ev.Customer
		}
	} else {
		m.Confirmations++
		m.Customers[i].Confirmations++
		m.Customer = ev.Customer
	}
	if ev.Seen.After(m.LastSeen) {
		m.LastSeen = ev.Seen
	}
}

// Evidence returns the mapping's evidence per customer (a mapping stored
// before evidence was kept counts all its confirmations for Customer).
func (m Mapping) Evidence() []MappingCustomer {
	if len(m.Customers) == 0 && !m.Customer.IsZero() {
		return []MappingCustomer{{Customer: m.Customer, Confirmations: m.Confirmations, Rejections: m.Rejections}}
	}
	return m.Customers
}

// Contradicted reports whether the key was confirmed for more than one
// customer: a name shared by several customers, an account that changed
// hands. A contradicted mapping never identifies a payer again.
func (m Mapping) Contradicted() bool {
	n := 0
	for _, c := range m.Evidence() {
		if c.Confirmations > 0 {
			n++
		}
	}
	return n > 1
}

// Firm reports whether the mapping identifies its payer for sure: it was
// confirmed for exactly one customer, never for another, and that
// customer's confirmations outnumber its rejections. (The engine further
// refuses a learned name that the customer master gives to several
// customers.)
func (m Mapping) Firm() bool {
	if m.Contradicted() {
		return false
	}
	for _, c := range m.Evidence() {
		if c.Customer == m.Customer {
			return c.Confirmations > 0 && c.Confirmations > c.Rejections
		}
	}
	return false
}

// MappingKey returns the key a mapping of kind is stored under for a raw
// IBAN or name: the compact IBAN, or the normalised name.
func MappingKey(kind MappingKind, raw string) string {
	if kind == MappingIBAN {
		return ibanKey(raw)
	}
	return strings.Join(NormalizeName(raw), " ")
}

func ibanKey(s string) string {
	return NormalizeNumber(s)
}

// Input is what the engine matches against.
type Input struct {
	// Items are the open invoices (any customers, any currencies).
	Items []Item
	// Customers are the customer master records (names, IBANs).
	Customers []CustomerInfo
	// Mappings are the payer mappings learned so far.
	Mappings []Mapping
	// Groups are groups of customers that pay for each other (a parent
	// and its divisions, the credit groups of the customer master): a
	// payer named after one member corroborates any member's invoice.
	Groups [][]o2c.CustomerID
	// EndToEnd maps end-to-end ids the host issued (on direct debits,
	// payment requests) to the invoice they collect.
	EndToEnd map[string]invoice.ID
}

// Options tune the engine. The zero value works.
type Options struct {
	// AutoThreshold is the confidence (0-1) from which a proposal is
	// applied automatically (default 0.9).
	AutoThreshold float64
	// Margin is how far ahead of the next different proposal the best one
	// must be to be applied automatically (default 0.1).
	Margin float64
	// Tolerance decides which short payments are closed by a write-off
	// (bank fees); use the invoice service's tolerance.
	Tolerance invoice.Tolerance
	// DiscountRounding rounds early-payment discounts (default half up,
	// as [invoice.DiscountedAmount]).
	DiscountRounding o2c.RoundingMode
	// MaxSubsetSize bounds how many invoices one payment may combine in
	// the amount search (default 4).
	MaxSubsetSize int
	// MaxSubsetIterations caps the amount search per line (default
	// 200000); a capped search is reported on the result.
	MaxSubsetIterations int
	// MinFuzzyLength is the shortest normalised invoice number that may be
	// matched with a typo (default 8): shorter ones are too ambiguous.
	MinFuzzyLength int
	// NameThreshold is the similarity (0-1) from which a payer's name
	// identifies a customer (default 0.8).
	NameThreshold float64
	// MaxProposals bounds the ranked proposals kept per line (default 5).
	MaxProposals int
	// Model estimates each proposal's [Proposal.Probability] (nil:
	// [DefaultModel]; a tenant's own fit: [FitModel]).
	Model *Model
}

func (o Options) withDefaults() Options {
	if o.AutoThreshold <= 0 {
		o.AutoThreshold = 0.9
	}
	if o.Margin <= 0 {
		o.Margin = 0.1
	}
	if o.MaxSubsetSize <= 0 {
		o.MaxSubsetSize = 4
	}
	if o.MaxSubsetIterations <= 0 {
		o.MaxSubsetIterations = 200_000
	}
	if o.MinFuzzyLength <= 0 {
		o.MinFuzzyLength = 8
	}
	if o.NameThreshold <= 0 {
		o.NameThreshold = 0.8
	}
	if o.MaxProposals <= 0 {
		o.MaxProposals = 5
	}
	if o.Model == nil {
		m := DefaultModel()
		o.Model = &m
	}
	return o
}

// Validate checks the options: thresholds within 0-1 and a valid tolerance.
func (o Options) Validate() error {
	switch {
	case o.AutoThreshold < 0 || o.AutoThreshold > 1:
		return &o2c.ValidationError{Field: "auto_threshold", Rule: "must be from 0 to 1", Value: fmt.Sprint(o.AutoThreshold)}
	case o.Margin < 0 || o.Margin > 1:
		return &o2c.ValidationError{Field: "margin", Rule: "must be from 0 to 1", Value: fmt.Sprint(o.Margin)}
	case o.NameThreshold < 0 || o.NameThreshold > 1:
		return &o2c.ValidationError{Field: "name_threshold", Rule: "must be from 0 to 1", Value: fmt.Sprint(o.NameThreshold)}
	case o.MaxSubsetSize > 12:
		return &o2c.ValidationError{Field: "max_subset_size", Rule: "must be at most 12", Value: fmt.Sprint(o.MaxSubsetSize)}
	}
	return o.Tolerance.Validate()
}

// Decision is what the engine decided for a line.
type Decision string

// Decisions.
const (
	// DecisionAuto: the best proposal allocates the line to invoices and is
	// confident and clear enough to be applied without a person.
	DecisionAuto Decision = "auto"
	// DecisionUnapplied: no invoice fits, but the customer is known for
	// sure: the money becomes unapplied cash on the customer.
	DecisionUnapplied Decision = "unapplied"
	// DecisionSuggest: proposals exist but need a person's confirmation.
	DecisionSuggest Decision = "suggest"
	// DecisionNone: nothing fits.
	DecisionNone Decision = "none"
	// DecisionSkipped: not a customer payment (a debit, a reversal, an
	// amount that cannot be read).
	DecisionSkipped Decision = "skipped"
)

// Kind says how a proposal was found.
type Kind string

// Proposal kinds.
const (
	KindReference Kind = "reference" // a structured reference or end-to-end id
	KindNumber    Kind = "number"    // invoice numbers in the remittance text
	KindAmount    Kind = "amount"    // the amount within the payer's open items
	KindUnapplied Kind = "unapplied" // unapplied cash on a known customer
)

// Allocation is the part of a line a proposal puts on one invoice.
type Allocation struct {
	Invoice invoice.ID `json:"invoice"`
	Number  string     `json:"number"`
	// Amount is what the payment settles on the invoice.
	Amount o2c.Money `json:"amount"`
	// Discount is the early-payment discount the payment took (zero: none).
	Discount o2c.Money `json:"discount"`
	// WriteOff is the short payment to write off within tolerance (zero: none).
	WriteOff o2c.Money `json:"write_off"`
	// Deduction is a short payment the payer explained with a reason:
	// applying leaves it open and disputes it (nil: none).
	Deduction *Deduction `json:"deduction,omitempty"`
}

// Proposal is one way to apply a line, with its confidence and its reasons.
type Proposal struct {
	Kind     Kind           `json:"kind"`
	Customer o2c.CustomerID `json:"customer"`
	// Allocations, empty for unapplied cash.
	Allocations []Allocation `json:"allocations,omitempty"`
	// Unapplied is what stays unapplied cash on the customer.
	Unapplied o2c.Money `json:"unapplied"`
	// Confidence from 0 to 1: the engine's evidence score, which
	// decides (see [Options.AutoThreshold]).
	Confidence float64 `json:"confidence"`
	// Probability is the model's estimate that the proposal is right
	// (see [Model]; [Options.Model]).
	Probability float64 `json:"probability"`
	// Reasons in words, most important first.
	Reasons []string `json:"reasons"`
	// nameOnly: the proposal rests on the payer's name alone.
	nameOnly bool
	// Credits are credit notes the payer's remittance nets against the
	// allocated invoices; applying uses them before the payment.
	Credits []CreditUse `json:"credits,omitempty"`
}

// Reason returns the reasons joined with "; ".
func (p Proposal) Reason() string { return strings.Join(p.Reasons, "; ") }

// Result is the engine's outcome for one line.
type Result struct {
	// Line is the index of the line in the input.
	Line     int
	Decision Decision
	// Proposals, best first. With DecisionAuto or DecisionUnapplied, the
	// first is the one to apply.
	Proposals []Proposal
	// Customer is the payer's customer when the engine identified it.
	Customer o2c.CustomerID
	// SearchCapped reports that the combination search hit its iteration
	// cap: a combination may exist that was not tried.
	SearchCapped bool
	// Note explains a skipped or unmatched line.
	Note string
}

// Best returns the first proposal, if any.
func (r Result) Best() (Proposal, bool) {
	if len(r.Proposals) == 0 {
		return Proposal{}, false
	}
	return r.Proposals[0], true
}

// Match matches lines against in: it builds an [Index] and runs
// [Index.Match]. Use an Index directly to match several batches against
// the same open items.
func Match(in Input, lines []Line, opts Options) ([]Result, error) {
	ix, err := NewIndex(in, opts)
	if err != nil {
		return nil, err
	}
	return ix.Match(lines), nil
}

// rank sorts proposals by confidence (then fewer allocations, then
// invoice number, so that the order is deterministic), drops duplicates,
// and decides.
func decide(ps []Proposal, opts Options) (Decision, []Proposal) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Confidence != ps[j].Confidence {
			return ps[i].Confidence > ps[j].Confidence
		}
		if len(ps[i].Allocations) != len(ps[j].Allocations) {
			return len(ps[i].Allocations) < len(ps[j].Allocations)
		}
		return allocKey(ps[i]) < allocKey(ps[j])
	})
	seen := map[string]bool{}
	out := ps[:0]
	for _, p := range ps {
		k := string(p.Kind) + "|" + allocKey(p)
		if p.Kind != KindUnapplied {
			k = allocKey(p)
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	if len(out) > opts.MaxProposals {
		out = out[:opts.MaxProposals]
	}
	if len(out) == 0 {
		return DecisionNone, nil
	}
	best := out[0]
	if best.nameOnly || best.Confidence+1e-9 < opts.AutoThreshold {
		// name-only evidence never applies without a person
		return DecisionSuggest, out
	}
	for _, p := range out[1:] {
		if p.Kind == KindUnapplied && best.Kind != KindUnapplied {
			continue // the fallback is no rival
		}
		if best.Confidence-p.Confidence < opts.Margin-1e-9 {
			return DecisionSuggest, out
		}
	}
	if best.Kind == KindUnapplied {
		return DecisionUnapplied, out
	}
	return DecisionAuto, out
}

func allocKey(p Proposal) string {
	var b strings.Builder
	b.WriteString(p.Customer.String())
	for _, a := range p.Allocations {
		b.WriteByte('|')
		b.WriteString(a.Invoice.String())
		b.WriteByte(':')
		b.WriteString(a.Amount.AmountString())
	}
	return b.String()
}

func clamp01(f float64) float64 {
	switch {
	case f < 0:
		return 0
	case f > 1:
		return 1
	}
	return f
}
