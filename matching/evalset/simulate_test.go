package evalset_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/matching/evalset"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// simulation runs a timeline through matching.Service on the memory
// adapter the way a host runs it: invoices issued each day through
// invoicing, one statement a day imported, proposed and applied, and a
// clerk who confirms the right suggestion when one is offered and rejects
// the others (learning on: applied and rejected matches teach payers).
type simulation struct {
	ctx   context.Context
	tl    *evalset.Timeline
	clock *o2c.ManualClock
	inv   *invoice.Service
	svc   *matching.Service
	ids   map[invoice.ID]invoice.ID // generated id -> issued invoice id
	auto  *evalset.Report
	// Confirmed and Rejected count the clerk's decisions.
	confirmed, rejected, manualBooked int
	// debug, when set, sees every wrong automatic decision.
	debug func(l matching.Line, tr evalset.Truth, r matching.Result)
}

func newSimulation(t *testing.T, tl *evalset.Timeline) *simulation {
	t.Helper()
	ctx := context.Background()
	clock := o2c.NewManualClock(tl.Days[0].Date.Time().Add(9 * time.Hour))
	db := memory.New(memory.WithClock(clock))
	tn := db.MustTenant("sim")
	tol := tolerance(tl.Currency)
	inv, err := invoice.NewService(db, invoice.Stores{Invoices: tn.Invoices(), Payments: tn.Payments(), Numbers: tn.InvoiceNumbers()},
		invoice.Options{Clock: clock, Tolerance: tol, Numbering: invoice.Numbering{Invoice: tl.Numbering}})
	require.NoError(t, err)
	for _, c := range tl.Customers {
		d := customer.Details{Number: c.Number, LegalName: c.Name}
		if c.IBAN != "" {
			d.BankAccounts = []customer.BankAccount{{IBAN: c.IBAN, Holder: c.Name}}
		}
		cu, err := customer.New("sim", d, clock.Now())
		require.NoError(t, err)
		cu.ID = c.ID
		require.NoError(t, tn.Customers().Create(ctx, cu))
	}
	svc, err := matching.NewService(db, matching.Stores{Matching: tn.Matching(), Invoices: tn.Invoices(), Customers: tn.Customers()}, inv,
		matching.ServiceOptions{Clock: clock, Engine: matching.Options{Tolerance: tol}, Groups: groupsOf(tl)})
	require.NoError(t, err)
	return &simulation{ctx: ctx, tl: tl, clock: clock, inv: inv, svc: svc, ids: map[invoice.ID]invoice.ID{},
		auto: evalset.NewReport(string(tl.Options.Profile) + "/" + string(tl.Options.Level) + " 90 days")}
}

// groups are the tenant's customer groups (a parent and its divisions),
// as its credit groups would declare them.
type groups [][]o2c.CustomerID

func (g groups) PayerGroups(context.Context) ([][]o2c.CustomerID, error) { return g, nil }

func groupsOf(tl *evalset.Timeline) groups {
	by := map[o2c.CustomerID][]o2c.CustomerID{}
	var out groups
	for _, c := range tl.Customers {
		if !c.Parent.IsZero() {
			if len(by[c.Parent]) == 0 {
				by[c.Parent] = []o2c.CustomerID{c.Parent}
			}
			by[c.Parent] = append(by[c.Parent], c.ID)
		}
	}
	for _, c := range tl.Customers {
		if g := by[c.ID]; len(g) > 0 {
			out = append(out, g)
		}
	}
	return out
}

func (s *simulation) issue(t *testing.T, k int, day o2c.Date) {
	g := s.tl.Invoices[k]
	net := o2c.FromMinor(g.Net, s.tl.Currency)
	d, err := s.inv.CreateInvoice(s.ctx, invoice.Draft{Customer: g.Customer, Currency: s.tl.Currency, Terms: g.Terms(), Reference: g.PO,
		Lines: []invoice.Line{{Description: "Goods", Quantity: decimal.NewFromInt(1), UnitPrice: net, TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}}})
	require.NoError(t, err)
	iss, err := s.inv.Issue(s.ctx, d.ID(), g.Issued)
	require.NoError(t, err)
	gross, _ := iss.Gross().MinorUnits()
	require.Equal(t, g.Number, iss.Number(), "the generator predicts the invoice numbers")
	require.Equal(t, g.Gross, gross)
	s.ids[g.ID] = iss.ID()
}

// truth maps a generated truth onto the issued invoices' ids.
func (s *simulation) truth(tr evalset.Truth) evalset.Truth {
	out := tr
	out.Allocations = nil
	for _, a := range tr.Allocations {
		out.Allocations = append(out.Allocations, evalset.Alloc{Invoice: s.ids[a.Invoice], Amount: a.Amount})
	}
	return out
}

func (s *simulation) run(t *testing.T) {
	backlog := s.tl.Days[0]
	// issue in number order: the backlog's issue dates are not ordered
	for _, k := range backlog.Issued {
		s.issue(t, k, backlog.Date)
	}
	for di, day := range s.tl.Days[1:] {
		s.clock.Set(day.Date.Time().Add(9 * time.Hour))
		for _, k := range day.Issued {
			s.issue(t, k, day.Date)
		}
		if len(day.Lines) == 0 {
			continue
		}
		st := matching.Statement{Format: matching.FormatCAMT053, ID: fmt.Sprintf("SIM-%d", di), AccountOther: "OPERATING", Currency: s.tl.Currency,
			From: day.Date, To: day.Date, Lines: day.Lines}
		imp, err := s.svc.Import(s.ctx, st)
		require.NoError(t, err)
		require.Len(t, imp.Lines, len(day.Lines), "every line is a new movement")
		res, err := s.svc.Propose(s.ctx, imp.Statement.ID)
		require.NoError(t, err)
		recs, err := s.svc.Lines(s.ctx, imp.Statement.ID)
		require.NoError(t, err)
		_, err = s.svc.Apply(s.ctx, imp.Statement.ID)
		require.NoError(t, err)
		for i, r := range recs {
			tr := s.truth(day.Truth[r.Index])
			s.auto.Add(tr, res[i])
			if b, ok := res[i].Best(); s.debug != nil && ok && (res[i].Decision == matching.DecisionAuto || res[i].Decision == matching.DecisionUnapplied) &&
				(!tr.IsPayment() || evalset.Classify(tr, b) != evalset.Right) {
				s.debug(r.Line, tr, res[i])
			}
			if res[i].Decision == matching.DecisionNone && tr.IsPayment() {
				s.manual(t, r, tr)
				continue
			}
			if res[i].Decision != matching.DecisionSuggest {
				continue
			}
			ps, err := s.svc.Proposals(s.ctx, r.ID)
			require.NoError(t, err)
			confirmed := false
			for _, p := range ps {
				if !confirmed && tr.IsPayment() && evalset.Classify(tr, p.Proposal) == evalset.Right {
					if _, err := s.svc.Confirm(s.ctx, p.ID); err == nil {
						confirmed = true
						s.confirmed++
						continue
					}
				}
				if !confirmed {
					require.NoError(t, s.svc.Reject(s.ctx, p.ID))
					s.rejected++
				}
			}
			if !confirmed && tr.IsPayment() {
				s.manual(t, r, tr)
			}
		}
	}
}

// manual books a payment the way a clerk does when no proposal is right:
// by hand in invoicing, as the truth says (the books stay true for the
// next days; the engine learns nothing from it).
func (s *simulation) manual(t *testing.T, r *matching.LineRecord, tr evalset.Truth) {
	t.Helper()
	s.manualBooked++
	pay, err := s.inv.RecordPayment(s.ctx, invoice.PaymentInput{Customer: tr.Customer, Amount: r.Line.Amount, ValueDate: r.Line.ValueDate,
		Method: invoice.MethodTransfer, IdempotencyKey: "clerk:" + r.Key})
	require.NoError(t, err)
	var lines []invoice.AllocationLine
	for _, a := range tr.Allocations {
		lines = append(lines, invoice.AllocationLine{Invoice: a.Invoice, Amount: o2c.FromMinor(a.Amount, s.tl.Currency)})
	}
	if len(lines) == 0 {
		return
	}
	if _, err = s.inv.Allocate(s.ctx, invoice.AllocateInput{Payment: pay.ID(), Key: "clerk:" + r.Key, Lines: lines}); err != nil {
		// an earlier wrong automatic decision took part of the invoice:
		// the payment stays unapplied, as a clerk would leave it
		t.Logf("clerk could not allocate line %s: %v", r.Key, err)
	}
}

// TestSimulation90Days runs every profile's medium level for 90 days
// through the Service with learning on, and holds it to the safety
// targets: wrong automatic decisions at most 0.1 % of payments, none to
// the wrong customer where names are shared.
func TestSimulation90Days(t *testing.T) {
	for _, p := range evalset.Profiles {
		t.Run(string(p), func(t *testing.T) {
			o := evalset.Options{Profile: p, Level: evalset.Medium, Seed: 11, Customers: 60, PerDay: 12}
			if testing.Short() {
				o.Customers, o.PerDay = 30, 4 // the same 90 days, fewer payments
			}
			tl, err := evalset.Generate(o)
			require.NoError(t, err)
			s := newSimulation(t, tl)
			s.run(t)
			r := s.auto
			t.Logf("%s; clerk confirmed %d, rejected %d, booked by hand %d", r.Summary(), s.confirmed, s.rejected, s.manualBooked)
			if testing.Verbose() {
				th, ok := matching.DefaultModel().Threshold(r.Examples, 0.999)
				t.Logf("\n%s%s%s  probability needed for 99.9 %% precision (95 %% lower bound): %.4f (reached: %v)", r.KindTable(), r.CalibrationTable(), r.ProbabilityTable(), th, ok)
			}
			require.LessOrEqual(t, r.WrongRate(), 0.001, r.Summary())
			if p == evalset.SharedNames {
				require.Zero(t, r.Wrong[evalset.WrongCustomer], r.Summary())
			}
		})
	}
}
