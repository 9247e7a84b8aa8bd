package credit_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/tax"
)

var asOf = o2c.MustDate(2026, 6, 30)

func genInput(t *rapid.T) credit.ScoreInput {
	in := credit.ScoreInput{AsOf: asOf, Currency: o2c.EUR}
	n := rapid.IntRange(0, 12).Draw(t, "n")
	for i := range n {
		due := asOf.AddDays(-rapid.IntRange(0, 400).Draw(t, fmt.Sprintf("due%d", i)))
		r := credit.InvoiceRecord{Amount: o2c.FromMinor(rapid.Int64Range(1, 1_000_000).Draw(t, fmt.Sprintf("amt%d", i)), o2c.EUR),
			DueDate: due, Disputed: rapid.Bool().Draw(t, fmt.Sprintf("disp%d", i))}
		if rapid.IntRange(0, 4).Draw(t, fmt.Sprintf("open%d", i)) > 0 {
			r.PaidOn = due.AddDays(rapid.IntRange(-30, due.DaysUntil(asOf)).Draw(t, fmt.Sprintf("paid%d", i)))
		}
		in.Invoices = append(in.Invoices, r)
	}
	if rapid.Bool().Draw(t, "since") {
		in.Since = asOf.AddDays(-rapid.IntRange(0, 4000).Draw(t, "days"))
	}
	if rapid.Bool().Draw(t, "limit") {
		in.Limit = o2c.FromMinor(rapid.Int64Range(1, 10_000_000).Draw(t, "lim"), o2c.EUR)
		in.Exposure = o2c.FromMinor(rapid.Int64Range(0, 20_000_000).Draw(t, "exp"), o2c.EUR)
	}
	if rapid.Bool().Draw(t, "rating") {
		r := decimal.NewFromInt(int64(rapid.IntRange(0, 100).Draw(t, "r")))
		in.Rating = &r
	}
	if rapid.Bool().Draw(t, "fin") {
		x := func(l string) decimal.Decimal { return decimal.New(int64(rapid.IntRange(-100, 100).Draw(t, l)), -2) }
		in.Financials = &credit.Financials{X1: x("x1"), X2: x("x2"), X3: x("x3"), X4: x("x4")}
	}
	return in
}

// Paying an invoice later (or leaving it open) never raises the score.
func TestPropertyPayingLaterNeverRaisesScore(t *testing.T) {
	sc := credit.DefaultScorecard()
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t)
		if len(in.Invoices) == 0 {
			return
		}
		before, err := sc.Score(in)
		require.NoError(t, err)
		i := rapid.IntRange(0, len(in.Invoices)-1).Draw(t, "which")
		later := in
		later.Invoices = append([]credit.InvoiceRecord(nil), in.Invoices...)
		r := &later.Invoices[i]
		if r.PaidOn.IsZero() {
			return // open: already as late as can be
		}
		if rapid.Bool().Draw(t, "leave open") {
			r.PaidOn = o2c.Date{}
		} else {
			r.PaidOn = r.PaidOn.AddDays(rapid.IntRange(0, r.PaidOn.DaysUntil(asOf)).Draw(t, "delay"))
		}
		after, err := sc.Score(later)
		require.NoError(t, err)
		require.False(t, after.Score.GreaterThan(before.Score), "score rose from %s to %s", before.Score, after.Score)
	})
}

// The contributions always sum to the score, which stays within 0-100.
func TestPropertyContributionsSumToScore(t *testing.T) {
	sc := credit.DefaultScorecard()
	rapid.Check(t, func(t *rapid.T) {
		s, err := sc.Score(genInput(t))
		require.NoError(t, err)
		sum := decimal.Zero
		for _, c := range s.Contributions {
			sum = sum.Add(c.Contribution)
		}
		require.True(t, sum.Equal(s.Score), "contributions %s, score %s", sum, s.Score)
		require.False(t, s.Score.IsNegative() || s.Score.GreaterThan(decimal.NewFromInt(100)), s.Score.String())
	})
}

func eur(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

func zeroRated(price o2c.Money) []order.LineSpec {
	return []order.LineSpec{{SKU: "X", Quantity: decimal.NewFromInt(1), UnitPrice: price, TaxCategory: tax.ZeroRated, TaxRate: decimal.Zero}}
}

// An order that fits under the limit is never held for the limit, whatever
// the exposure around it (in EUR and USD) and the rules.
func TestPropertyFittingOrderNeverHeldForLimit(t *testing.T) {
	rates, err := credit.NewRateTable(credit.Rate{From: o2c.USD, To: o2c.EUR, Rate: decimal.RequireFromString("0.9137")})
	require.NoError(t, err)
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		db := memory.New()
		s := db.MustTenant("acme")
		clock := o2c.NewManualClock(time.Date(2026, 6, 30, 9, 0, 0, 0, time.UTC))
		rules := credit.Rules{Horizon: rapid.IntRange(0, 60).Draw(t, "horizon"), KeepDisputed: rapid.Bool().Draw(t, "keep"), ExcludeHeld: rapid.Bool().Draw(t, "excl")}
		checker, err := credit.NewChecker(credit.Options{Store: s.CreditProfiles(), Source: credit.StoreSource{Orders: s.Orders(), Invoices: s.Invoices()},
			Rates: rates, Rules: rules, Clock: clock, Policy: credit.Policy{Points: map[credit.Point]credit.Checks{credit.PointOrder: {Limit: true}}}})
		require.NoError(t, err)
		orders, _ := order.NewService(s.Orders(), order.Options{Clock: clock})
		cust := o2c.NewCustomerID()
		for i := range rapid.IntRange(0, 5).Draw(t, "orders") {
			cur := rapid.SampledFrom([]o2c.Currency{o2c.EUR, o2c.USD}).Draw(t, fmt.Sprintf("cur%d", i))
			d := order.Details{Customer: cust, Currency: cur, Lines: zeroRated(o2c.FromMinor(rapid.Int64Range(1, 500_000).Draw(t, fmt.Sprintf("p%d", i)), cur)),
				RequestedDelivery: asOf.AddDays(rapid.IntRange(0, 90).Draw(t, fmt.Sprintf("rd%d", i)))}
			o, err := orders.Create(ctx, d)
			require.NoError(t, err)
			_, err = orders.Place(ctx, o.ID(), "")
			require.NoError(t, err)
		}
		probe, err := order.New("acme", order.Details{Customer: cust, Currency: o2c.EUR, Lines: zeroRated(o2c.FromMinor(rapid.Int64Range(1, 500_000).Draw(t, "new"), o2c.EUR))}, clock.Now())
		require.NoError(t, err)
		require.NoError(t, probe.Place(clock.Now(), ""))
		first, err := checker.Check(ctx, probe, credit.PointOrder)
		require.NoError(t, err)
		// a limit at or above what the order brings the exposure to
		l, err := first.Projected.Add(o2c.FromMinor(rapid.Int64Range(0, 100_000).Draw(t, "headroom"), o2c.EUR))
		require.NoError(t, err)
		require.NoError(t, s.CreditProfiles().CreateProfile(ctx, &credit.Profile{Customer: cust, Limit: l}))
		res, err := checker.Check(ctx, probe, credit.PointOrder)
		require.NoError(t, err)
		require.Equal(t, order.CreditApproved, res.Outcome, res.Message())
		require.True(t, res.Over.IsZero())
	})
}

// After a random history of orders, deliveries, invoices, payments and
// disputes, the exposure kept from events equals the one recomputed from
// the stores.
func TestPropertyIncrementalEqualsRecompute(t *testing.T) {
	rates, err := credit.NewRateTable(credit.Rate{From: o2c.USD, To: o2c.EUR, Rate: decimal.RequireFromString("0.9137")})
	require.NoError(t, err)
	rapid.Check(t, func(t *rapid.T) {
		ctx := context.Background()
		clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		db := memory.New(memory.WithClock(clock))
		s := db.MustTenant("acme")
		src := credit.StoreSource{Orders: s.Orders(), Invoices: s.Invoices()}
		tracker, err := credit.NewTracker("acme", src)
		require.NoError(t, err)
		orders, _ := order.NewService(s.Orders(), order.Options{Clock: clock, AutoApprove: true})
		invs, err := invoice.NewService(db, invoice.Stores{Invoices: s.Invoices(), Payments: s.Payments(), Numbers: s.InvoiceNumbers()}, invoice.Options{Clock: clock})
		require.NoError(t, err)
		customers := []o2c.CustomerID{o2c.NewCustomerID(), o2c.NewCustomerID()}
		var placed []order.ID
		var issued []*invoice.Invoice
		steps := rapid.IntRange(1, 25).Draw(t, "steps")
		for i := range steps {
			clock.Advance(time.Duration(rapid.IntRange(0, 72).Draw(t, fmt.Sprintf("h%d", i))) * time.Hour)
			cust := rapid.SampledFrom(customers).Draw(t, fmt.Sprintf("c%d", i))
			cur := rapid.SampledFrom([]o2c.Currency{o2c.EUR, o2c.USD}).Draw(t, fmt.Sprintf("cur%d", i))
			price := o2c.FromMinor(rapid.Int64Range(100, 900_000).Draw(t, fmt.Sprintf("p%d", i)), cur)
			switch rapid.IntRange(0, 6).Draw(t, fmt.Sprintf("op%d", i)) {
			case 0, 1: // place an order
				o, err := orders.Create(ctx, order.Details{Customer: cust, Currency: cur, Lines: []order.LineSpec{{SKU: "A",
					Quantity: decimal.NewFromInt(4), UnitPrice: price, TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}},
					RequestedDelivery: o2c.DateOf(clock.Now()).AddDays(rapid.IntRange(0, 60).Draw(t, fmt.Sprintf("rd%d", i)))})
				require.NoError(t, err)
				_, err = orders.Place(ctx, o.ID(), "")
				require.NoError(t, err)
				placed = append(placed, o.ID())
			case 2: // ship and deliver part of an order, then maybe invoice it
				if len(placed) == 0 {
					continue
				}
				id := rapid.SampledFrom(placed).Draw(t, fmt.Sprintf("o%d", i))
				q := []order.LineQuantity{{Line: 1, Quantity: decimal.NewFromInt(1)}}
				ref := fmt.Sprintf("S%d", i)
				if _, err := orders.Ship(ctx, id, ref, q...); err != nil {
					continue // nothing left to ship, or not approved
				}
				_, err := orders.ConfirmDelivery(ctx, id, "D"+ref, q...)
				require.NoError(t, err)
				if rapid.Bool().Draw(t, fmt.Sprintf("bill%d", i)) {
					_, err = orders.MarkInvoiced(ctx, id, "INV"+ref, q...)
					require.NoError(t, err)
				}
			case 3: // cancel an order
				if len(placed) > 0 {
					_, _ = orders.Cancel(ctx, rapid.SampledFrom(placed).Draw(t, fmt.Sprintf("x%d", i)), "ops", "customer changed mind")
				}
			case 4: // issue an invoice, maybe paid in instalments (30/60/90)
				draft := invoice.Draft{Customer: cust, Currency: cur, Terms: invoice.NetTerms(30),
					Lines: []invoice.Line{{Description: "G", Quantity: decimal.NewFromInt(1), UnitPrice: price, TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}}}
				if rapid.Bool().Draw(t, fmt.Sprintf("sched%d", i)) {
					draft.Schedule = []invoice.PercentInstalment{{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(30)},
						{Percent: decimal.NewFromInt(30), Terms: invoice.NetTerms(60)}, {Percent: decimal.NewFromInt(40), Terms: invoice.NetTerms(90)}}
				}
				d, err := invs.CreateInvoice(ctx, draft)
				require.NoError(t, err)
				inv, err := invs.Issue(ctx, d.ID(), o2c.Date{})
				require.NoError(t, err)
				issued = append(issued, inv)
			case 5: // pay part of an invoice
				if len(issued) == 0 {
					continue
				}
				inv, err := s.Invoices().Get(ctx, rapid.SampledFrom(issued).Draw(t, fmt.Sprintf("i%d", i)).ID())
				require.NoError(t, err)
				amt := inv.Undisputed().Amount().Div(decimal.NewFromInt(2)).Round(2)
				if !amt.IsPositive() {
					continue
				}
				m, _ := o2c.MoneyOf(amt, inv.Currency())
				p, err := invs.RecordPayment(ctx, invoice.PaymentInput{Customer: inv.Customer(), Amount: m, ValueDate: o2c.DateOf(clock.Now()),
					Method: invoice.MethodTransfer, IdempotencyKey: fmt.Sprintf("k%d", i)})
				require.NoError(t, err)
				_, err = invs.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: fmt.Sprintf("a%d", i), Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: m}}})
				require.NoError(t, err)
			case 6: // dispute part of an invoice
				if len(issued) == 0 {
					continue
				}
				inv, err := s.Invoices().Get(ctx, rapid.SampledFrom(issued).Draw(t, fmt.Sprintf("d%d", i)).ID())
				require.NoError(t, err)
				amt := inv.Undisputed().Amount().Div(decimal.NewFromInt(3)).Round(2)
				if !amt.IsPositive() || !inv.Status().IsOpen() {
					continue
				}
				m, _ := o2c.MoneyOf(amt, inv.Currency())
				_, err = invs.OpenDispute(ctx, inv.ID(), invoice.DisputeInput{Amount: m, Reason: invoice.ReasonPriceError, Actor: "portal"})
				require.NoError(t, err)
			}
		}
		recs, err := s.Outbox().Pending(ctx, 10000)
		require.NoError(t, err)
		for _, r := range recs {
			require.NoError(t, tracker.Apply(ctx, r.Event))
		}
		// applying everything again changes nothing (at-least-once delivery)
		for _, r := range recs {
			require.NoError(t, tracker.Apply(ctx, r.Event))
		}
		// later, so that instalments fall due at different times
		clock.Advance(time.Duration(rapid.IntRange(0, 24*120).Draw(t, "later")) * time.Hour)
		asOf := o2c.DateOf(clock.Now())
		horizon := rapid.IntRange(0, 30).Draw(t, "horizon")
		for _, c := range customers {
			want, err := src.Position(ctx, c)
			require.NoError(t, err)
			got, err := tracker.Position(ctx, c)
			require.NoError(t, err)
			for _, rules := range []credit.Rules{{}, {Horizon: horizon, KeepDisputed: true}, {ExcludeHeld: true, ExcludeDeliveries: true}} {
				we, err := credit.Compute(want, o2c.EUR, asOf, rules, rates, order.ID{})
				require.NoError(t, err)
				ge, err := credit.Compute(got, o2c.EUR, asOf, rules, rates, order.ID{})
				require.NoError(t, err)
				require.Equal(t, we.String(), ge.String())
			}
			require.Equal(t, len(want.Orders), len(got.Orders))
			require.Equal(t, len(want.Items), len(got.Items))
		}
		// a checker on the tracker (which folds receivables) decides as one
		// on the stores
		for i, c := range customers {
			probe, err := order.New("acme", order.Details{Customer: c, Currency: o2c.EUR, Lines: zeroRated(o2c.FromMinor(rapid.Int64Range(1, 500_000).Draw(t, fmt.Sprintf("probe%d", i)), o2c.EUR))}, clock.Now())
			require.NoError(t, err)
			require.NoError(t, probe.Place(clock.Now(), ""))
			policy := credit.Policy{OverdueDays: rapid.IntRange(0, 40).Draw(t, fmt.Sprintf("overdue%d", i)),
				Points: map[credit.Point]credit.Checks{credit.PointOrder: {Limit: true, Overdue: true}}}
			limit := o2c.FromMinor(rapid.Int64Range(0, 5_000_000).Draw(t, fmt.Sprintf("limit%d", i)), o2c.EUR)
			rules := credit.Rules{Horizon: horizon, KeepDisputed: rapid.Bool().Draw(t, fmt.Sprintf("keep%d", i))}
			results := make([]credit.Result, 0, 2)
			for _, source := range []credit.Source{src, tracker} {
				checker, err := credit.NewChecker(credit.Options{Store: s.CreditProfiles(), Source: source, Rates: rates, Rules: rules,
					Policy: policy, DefaultLimit: limit, Clock: clock})
				require.NoError(t, err)
				res, err := checker.Check(ctx, probe, credit.PointOrder)
				require.NoError(t, err)
				results = append(results, res)
			}
			want, got := results[0], results[1]
			require.Equal(t, want.Exposure.String(), got.Exposure.String())
			require.Equal(t, want.Projected.String(), got.Projected.String())
			require.Equal(t, want.OverdueItems, got.OverdueItems)
			require.Equal(t, want.Overdue.String(), got.Overdue.String())
			require.Equal(t, want.OldestOverdueDays, got.OldestOverdueDays)
			require.Equal(t, want.Outcome, got.Outcome)
			require.Equal(t, want.Message(), got.Message())
		}
		// a full recompute seeds a tracker to the same figures
		all, err := src.All(ctx)
		require.NoError(t, err)
		fresh, _ := credit.NewTracker("acme", nil)
		fresh.Reset(all)
		for _, c := range customers {
			a, _ := fresh.Position(ctx, c)
			b, _ := tracker.Position(ctx, c)
			ae, err := credit.Compute(a, o2c.EUR, asOf, credit.Rules{}, rates, order.ID{})
			require.NoError(t, err)
			be, _ := credit.Compute(b, o2c.EUR, asOf, credit.Rules{}, rates, order.ID{})
			require.Equal(t, ae.String(), be.String())
		}
	})
}
