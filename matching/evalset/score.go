package evalset

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// Input returns what the engine matches day i's statement against:
// the customers, their groups (a parent and its divisions), and the
// invoices issued up to that day with what the truth of the earlier days
// left open (as if every earlier line had been booked right).
func (t *Timeline) Input(i int) matching.Input {
	var in matching.Input
	groups := map[o2c.CustomerID][]o2c.CustomerID{}
	for _, c := range t.Customers {
		info := matching.CustomerInfo{ID: c.ID, Name: c.Name}
		if c.IBAN != "" {
			info.IBANs = []string{c.IBAN}
		}
		in.Customers = append(in.Customers, info)
		if !c.Parent.IsZero() {
			if len(groups[c.Parent]) == 0 {
				groups[c.Parent] = []o2c.CustomerID{c.Parent}
			}
			groups[c.Parent] = append(groups[c.Parent], c.ID)
		}
	}
	for _, c := range t.Customers {
		if g := groups[c.ID]; len(g) > 0 {
			in.Groups = append(in.Groups, g)
		}
	}
	paid := map[invoice.ID]int64{}
	for _, d := range t.Days[:i] {
		for _, tr := range d.Truth {
			for _, a := range tr.Allocations {
				paid[a.Invoice] += a.Amount
			}
		}
	}
	issued := map[int]bool{}
	for _, d := range t.Days[:i+1] {
		for _, k := range d.Issued {
			issued[k] = true
		}
	}
	for k, inv := range t.Invoices {
		if !issued[k] {
			continue
		}
		it := t.Item(inv)
		open := inv.Gross - paid[inv.ID]
		if open <= 0 {
			continue
		}
		if open < inv.Gross {
			it.Open, it.Status = o2c.FromMinor(open, t.Currency), invoice.StatePartiallyPaid
		}
		in.Items = append(in.Items, it)
	}
	return in
}

// Replay runs match over each day of the timeline against [Timeline.Input]
// and adds every line's result to r.
func (t *Timeline) Replay(r *Report, match func(in matching.Input, lines []matching.Line) ([]matching.Result, error)) error {
	for i, d := range t.Days {
		if len(d.Lines) == 0 {
			continue
		}
		res, err := match(t.Input(i), d.Lines)
		if err != nil {
			return err
		}
		for k := range d.Lines {
			r.Add(d.Truth[k], res[k])
		}
	}
	return nil
}

// Item returns inv as the engine's open item (nothing paid yet).
func (t *Timeline) Item(inv Invoice) matching.Item {
	g := o2c.FromMinor(inv.Gross, t.Currency)
	it := matching.Item{OpenItem: invoice.OpenItem{Invoice: inv.ID, Number: inv.Number, Kind: invoice.KindInvoice, Status: invoice.StateIssued,
		Customer: inv.Customer, IssueDate: inv.Issued, DueDate: inv.Due, Gross: g, Open: g, Disputed: o2c.Zero(t.Currency)}}
	if ref, err := matching.RFReferenceForNumber(inv.Number); err == nil {
		it.Reference = ref
	}
	it.Discount = inv.Terms().Discount
	it.CustomerReference = inv.PO
	return it
}

// Outcome classifies one line's automatic decision against its truth.
type Outcome string

// Outcomes.
const (
	Right         Outcome = "right"          // applied automatically as the truth says
	WrongCustomer Outcome = "wrong_customer" // booked to another customer (or a non-payment booked)
	WrongInvoice  Outcome = "wrong_invoice"  // right customer, other invoices
	WrongAmount   Outcome = "wrong_amount"   // right invoices, other amounts
	Manual        Outcome = "manual"         // left for a person
)

// Classify compares an applied proposal (customer, allocations in minor
// units) with the truth.
func Classify(t Truth, p matching.Proposal) Outcome {
	if p.Customer != t.Customer {
		return WrongCustomer
	}
	want := map[invoice.ID]int64{}
	for _, a := range t.Allocations {
		want[a.Invoice] = a.Amount
	}
	got := map[invoice.ID]int64{}
	for _, a := range p.Allocations {
		m, _ := a.Amount.MinorUnits()
		got[a.Invoice] += m
	}
	if len(got) != len(want) {
		return WrongInvoice
	}
	for id, w := range want {
		g, ok := got[id]
		if !ok {
			return WrongInvoice
		}
		if g != w {
			return WrongAmount
		}
	}
	return Right
}

// Report is how a run did on a profile.
type Report struct {
	Name     string
	Lines    int
	Payments int
	// Auto counts payments applied automatically and right.
	Auto int
	// Wrong counts wrong automatic decisions by outcome.
	Wrong map[Outcome]int
	// Suggested counts lines left for a person with proposals; Top1 those
	// whose first proposal was right.
	Suggested, Top1 int
	// Calibration: per confidence decile (0-0.1, ..., 0.9-1.0) of the
	// first proposal, how many lines and how many were right.
	Calibration [10][2]int
	// Probability is the calibration of the model's probability
	// ([matching.Proposal.Probability]) of the first proposal.
	Probability matching.Calibration
	// Examples are the first proposals' features and whether they were
	// right (to derive a threshold: [matching.Model.Threshold]).
	Examples []matching.Example
	// ByKind counts payments and right automatic decisions per kind.
	ByKind map[Kind][2]int
}

// NewReport returns an empty report.
func NewReport(name string) *Report {
	return &Report{Name: name, Wrong: map[Outcome]int{}, ByKind: map[Kind][2]int{}}
}

// Add records one line's engine result against its truth. applied tells
// whether the decision was automatic (auto or unapplied).
func (r *Report) Add(t Truth, res matching.Result) {
	r.Lines++
	bk := r.ByKind[t.Kind]
	if t.IsPayment() {
		r.Payments++
		bk[0]++
	}
	best, ok := res.Best()
	right := ok && t.IsPayment() && Classify(t, best) == Right
	if ok {
		r.Probability.Add(best.Probability, right)
		r.Examples = append(r.Examples, matching.Example{Features: matching.FeaturesOf(res, 0), Right: right})
		d := min(int(best.Confidence*10), 9)
		r.Calibration[d][0]++
		if right {
			r.Calibration[d][1]++
		}
	}
	switch res.Decision {
	case matching.DecisionAuto, matching.DecisionUnapplied:
		o := WrongCustomer
		if t.IsPayment() {
			o = Classify(t, best)
		}
		if o == Right {
			r.Auto++
			bk[1]++
		} else {
			r.Wrong[o]++
		}
	case matching.DecisionSuggest:
		r.Suggested++
		if right {
			r.Top1++
		}
	}
	r.ByKind[t.Kind] = bk
}

// WrongTotal returns the wrong automatic decisions.
func (r *Report) WrongTotal() int {
	n := 0
	for _, v := range r.Wrong {
		n += v
	}
	return n
}

// AutoRate returns the share of payments applied automatically and right.
func (r *Report) AutoRate() float64 { return ratio(r.Auto, r.Payments) }

// WrongRate returns wrong automatic decisions over payments.
func (r *Report) WrongRate() float64 { return ratio(r.WrongTotal(), r.Payments) }

// Top1Rate returns the share of suggestions whose first proposal is right.
func (r *Report) Top1Rate() float64 { return ratio(r.Top1, r.Suggested) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Summary returns one line of figures.
func (r *Report) Summary() string {
	return fmt.Sprintf("%-28s lines %5d payments %5d auto %5.1f %% wrong %d (%.3f %%: customer %d, invoice %d, amount %d) suggested %d top-1 %5.1f %%",
		r.Name, r.Lines, r.Payments, 100*r.AutoRate(), r.WrongTotal(), 100*r.WrongRate(), r.Wrong[WrongCustomer], r.Wrong[WrongInvoice], r.Wrong[WrongAmount],
		r.Suggested, 100*r.Top1Rate())
}

// CalibrationTable returns the calibration by decile as text: predicted
// confidence range, lines, observed share right.
func (r *Report) CalibrationTable() string {
	var b strings.Builder
	for d, c := range r.Calibration {
		if c[0] == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %.1f-%.1f: %5d lines, %5.1f %% right\n", float64(d)/10, float64(d+1)/10, c[0], 100*ratio(c[1], c[0]))
	}
	return b.String()
}

// ProbabilityTable returns the calibration of the model's probability by
// decile as text: range, lines, mean predicted, observed share right.
func (r *Report) ProbabilityTable() string {
	var b strings.Builder
	for _, c := range r.Probability {
		if c.N == 0 {
			continue
		}
		fmt.Fprintf(&b, "  p %.1f-%.1f: %5d lines, predicted %5.1f %%, observed %5.1f %%\n", c.From, c.To, c.N, 100*c.Predicted, 100*c.Observed())
	}
	return b.String()
}

// KindTable returns payments and automatic right decisions per kind.
func (r *Report) KindTable() string {
	var ks []string
	for k := range r.ByKind {
		ks = append(ks, string(k))
	}
	sort.Strings(ks)
	var b strings.Builder
	for _, k := range ks {
		v := r.ByKind[Kind(k)]
		fmt.Fprintf(&b, "  %-24s payments %4d auto %4d\n", k, v[0], v[1])
	}
	return b.String()
}
