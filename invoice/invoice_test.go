package invoice_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

func vat20(desc, qty, price string) invoice.Line {
	return invoice.Line{Description: desc, Quantity: decimal.RequireFromString(qty), UnitPrice: eur(price), TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}
}

// rich returns an invoice that has been through everything a snapshot
// must carry: a schedule, payments (one reversed), a credit, disputes
// (one resolved, with a note), and events.
func rich(t *testing.T) *invoice.Invoice {
	t.Helper()
	inv, err := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{
		Customer: o2c.NewCustomerID(), Currency: o2c.EUR,
		Lines:    []invoice.Line{vat20("Widget", "3", "19.99"), vat20("Bolt", "2.5", "0.0125")},
		Terms:    invoice.NetTerms(30),
		Schedule: []invoice.PercentInstalment{{Percent: pct("30"), Terms: invoice.NetTerms(30)}, {Percent: pct("70"), Terms: invoice.EndOfMonthThenDaysTerms(45)}},
		Rounding: tax.RoundingPolicy{Method: tax.PerLine, Mode: o2c.RoundHalfEven},
		OrderRef: "SO-1", Reference: "PO 77", Notes: "Merci",
	}, now)
	require.NoError(t, err)
	require.NoError(t, inv.Issue("INV-2026-000042", date("2026-01-31"), invoice.BusinessDayShift{Calendar: invoice.FrenchBusinessCalendar(), Convention: invoice.FollowingBusinessDay}, now))
	p1 := o2c.NewID[invoice.Allocation]()
	require.NoError(t, inv.ApplyPayment(p1, o2c.NewID[invoice.Payment](), "VIR 42", eur("10.00"), 2, now))
	require.NoError(t, inv.ApplyPayment(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "", eur("5.00"), 0, now))
	_, err = inv.ReverseSettlement(p1, "bounced", now.Add(time.Hour))
	require.NoError(t, err)
	require.NoError(t, inv.RegisterCredit(invoice.CreditRef{CreditNote: o2c.NewID[invoice.Invoice](), Number: "CN-1", Gross: eur("2.40"), Key: "k"}, now))
	require.NoError(t, inv.ApplyCredit(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Invoice](), "CN-1", eur("2.40"), now))
	d1, err := inv.OpenDispute(invoice.DisputeInput{Amount: eur("12.00"), Reason: invoice.ReasonPriceError, Notes: "wrong price", Actor: "ann"}, now)
	require.NoError(t, err)
	require.NoError(t, inv.AddDisputeNote(d1.ID, "bob", "checking", now.Add(2*time.Hour)))
	_, err = inv.OpenDispute(invoice.DisputeInput{Amount: eur("1.00"), Reason: invoice.ReasonOther, Actor: "ann"}, now)
	require.NoError(t, err)
	require.NoError(t, inv.ResolveDispute(d1.ID, o2c.Money{}, invoice.ID{}, "bob", "price confirmed", now.Add(3*time.Hour)))
	return inv
}

func TestSnapshotRoundTripsThroughJSON(t *testing.T) {
	inv := rich(t)
	assert.Equal(t, invoice.StateDisputed, inv.Status())
	snap := inv.Snapshot()
	b, err := json.Marshal(snap)
	require.NoError(t, err)
	var back invoice.Snapshot
	require.NoError(t, json.Unmarshal(b, &back))
	re, err := invoice.FromSnapshot(back)
	require.NoError(t, err)
	b2, err := json.Marshal(re.Snapshot())
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))
	assert.Equal(t, string(b), string(b2), "byte for byte")
	assert.Empty(t, re.PendingEvents(), "events are not part of the snapshot")
	assert.NotEmpty(t, inv.PendingEvents())
	assert.True(t, re.Open().Equal(inv.Open()))
	assert.True(t, re.Disputed().Equal(inv.Disputed()))
	assert.Equal(t, inv.DueDate(), re.DueDate())
	assert.Equal(t, inv.Totals().Policy, re.Totals().Policy)

	// the copy is deep: changing the rebuilt invoice leaves the snapshot alone
	_, err = re.OpenDispute(invoice.DisputeInput{Amount: eur("1.00"), Reason: invoice.ReasonOther, Actor: "x"}, now)
	require.NoError(t, err)
	assert.Len(t, back.Disputes, 2)
}

func TestFromSnapshotRefusesBrokenInvariants(t *testing.T) {
	good := rich(t).Snapshot()
	cases := map[string]func(s *invoice.Snapshot){
		"open differs from instalments": func(s *invoice.Snapshot) { s.Open = eur("1.00") },
		"instalment above its amount": func(s *invoice.Snapshot) {
			s.Instalments[0].Open, _ = s.Instalments[0].Amount.Add(eur("0.01"))
		},
		"unknown status":            func(s *invoice.Snapshot) { s.Status = "lost" },
		"no tenant":                 func(s *invoice.Snapshot) { s.Tenant = "" },
		"disputed without disputes": func(s *invoice.Snapshot) { s.Disputes = nil },
		"settlement not counted":    func(s *invoice.Snapshot) { s.Settlements = s.Settlements[:1] },
		"issued without number":     func(s *invoice.Snapshot) { s.Number = "" },
		"credit_of on an invoice":   func(s *invoice.Snapshot) { s.CreditOf = &invoice.CreditOf{Number: "x"} },
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(good)
			require.NoError(t, err)
			var s invoice.Snapshot
			require.NoError(t, json.Unmarshal(b, &s))
			breakIt(&s)
			_, err = invoice.FromSnapshot(s)
			require.ErrorIs(t, err, o2c.ErrValidation)
		})
	}
}

// TestRandomOperationsKeepTheInvariants applies random sequences of
// payments, credits, disputes, resolutions, reversals and write-offs: after
// each, successful or refused, the invoice passes FromSnapshot's checks
// (open = instalments' open = gross - active settlements, disputes within
// the open amount, the state matching the disputes), nothing is negative,
// and a refused operation changed nothing.
func TestRandomOperationsKeepTheInvariants(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cents := rapid.Int64Range(1, 1_000_000).Draw(rt, "gross")
		inv, err := invoice.NewDraft("acme", invoice.KindInvoice, invoice.Draft{
			Customer: o2c.NewCustomerID(), Currency: o2c.EUR, Terms: invoice.NetTerms(30),
			Lines:    []invoice.Line{zeroLine(o2c.FromMinor(cents, o2c.EUR).AmountString())},
			Schedule: []invoice.PercentInstalment{{Percent: pct("33.33"), Terms: invoice.NetTerms(10)}, {Percent: pct("66.67"), Terms: invoice.NetTerms(40)}},
		}, now)
		if err != nil {
			rt.Fatal(err)
		}
		if err := inv.Issue("T-1", o2c.DateOf(now), invoice.BusinessDayShift{}, now); err != nil {
			rt.Fatal(err)
		}
		amount := func(label string) o2c.Money {
			return o2c.FromMinor(rapid.Int64Range(-5, cents+5).Draw(rt, label), o2c.EUR)
		}
		steps := rapid.IntRange(1, 25).Draw(rt, "steps")
		for range steps {
			before, _ := json.Marshal(inv.Snapshot())
			var err error
			switch rapid.IntRange(0, 6).Draw(rt, "op") {
			case 0:
				err = inv.ApplyPayment(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Payment](), "", amount("pay"), rapid.IntRange(0, 2).Draw(rt, "instalment"), now)
			case 1:
				err = inv.ApplyCredit(o2c.NewID[invoice.Allocation](), o2c.NewID[invoice.Invoice](), "CN", amount("credit"), now)
			case 2:
				_, err = inv.OpenDispute(invoice.DisputeInput{Amount: amount("dispute"), Reason: invoice.ReasonOther, Actor: "a"}, now)
			case 3:
				if d, ok := openDispute(inv); ok {
					err = inv.ResolveDispute(d.ID, o2c.Money{}, invoice.ID{}, "b", "", now)
				}
			case 4:
				sts := inv.Settlements()
				if len(sts) > 0 {
					s := sts[rapid.IntRange(0, len(sts)-1).Draw(rt, "which")]
					_, err = inv.ReverseSettlement(s.ID, "bounced", now)
				}
			case 5:
				if rapid.IntRange(0, 9).Draw(rt, "rarely") == 0 {
					err = inv.WriteOff("lost", "cfo", now)
				}
			case 6:
				err = inv.WriteOffResidual(o2c.NewID[invoice.Allocation](), invoice.Tolerance{Amounts: []o2c.Money{eur("1.00")}, Percent: pct("1")}, "residual", now)
			}
			after, _ := json.Marshal(inv.Snapshot())
			if err != nil && string(before) != string(after) {
				rt.Fatalf("a refused operation changed the invoice: %v", err)
			}
			if _, err := invoice.FromSnapshot(inv.Snapshot()); err != nil {
				rt.Fatalf("invariant broken: %v", err)
			}
			if inv.Open().IsNegative() || inv.Undisputed().IsNegative() {
				rt.Fatalf("negative open %s or undisputed %s", inv.Open(), inv.Undisputed())
			}
			if inv.Open().IsZero() && inv.Status().IsOpen() {
				rt.Fatalf("nothing open but state %s", inv.Status())
			}
			if !inv.Open().IsZero() && (inv.Status() == invoice.StatePaid || inv.Status() == invoice.StateSettledByCredit) {
				rt.Fatalf("%s open but state %s", inv.Open(), inv.Status())
			}
		}
	})
}

func TestToleranceIsTheLowerOfAmountAndPercent(t *testing.T) {
	tol := invoice.Tolerance{Amounts: []o2c.Money{eur("5.00"), o2c.MustMoney("500", "JPY")}, Percent: pct("0.5")}
	require.NoError(t, tol.Validate())
	for _, c := range []struct{ gross, want string }{
		{"10000.00 EUR", "5.00 EUR"}, // 0.5 % is 50.00: the amount is lower
		{"1000.00 EUR", "5.00 EUR"},  // 0.5 % is exactly 5.00
		{"200.00 EUR", "1.00 EUR"},   // 0.5 % is 1.00: lower than 5.00
		{"199.99 EUR", "0.99 EUR"},   // 0.99995 rounded down: never more than the percent allows
		{"0.10 EUR", "0.00 EUR"},     // 0.0005: nothing
		{"1000.00 USD", "0.00 USD"},  // no amount for USD: nothing
		{"1000000 JPY", "500 JPY"},   // 5000 by percent, 500 by amount
	} {
		assert.Equal(t, c.want, tol.Limit(mustParse(t, c.gross)).String(), c.gross)
	}
	assert.Equal(t, "0.00 EUR", invoice.Tolerance{}.Limit(eur("100.00")).String(), "the zero tolerance lets nothing go")
	require.ErrorIs(t, invoice.Tolerance{Percent: pct("101")}.Validate(), o2c.ErrValidation)
	require.ErrorIs(t, invoice.Tolerance{Amounts: []o2c.Money{eur("1.00"), eur("2.00")}}.Validate(), o2c.ErrValidation)
	require.ErrorIs(t, invoice.Tolerance{Amounts: []o2c.Money{eur("-1.00")}}.Validate(), o2c.ErrValidation)
}

func mustParse(t *testing.T, s string) o2c.Money {
	t.Helper()
	m, err := o2c.ParseMoney(s)
	require.NoError(t, err)
	return m
}

func TestNumberFormats(t *testing.T) {
	n := invoice.Numbering{}
	assert.Equal(t, "INV-2026-000123", n.For(invoice.KindInvoice).Format(2026, 123))
	assert.Equal(t, "INV-2026", n.For(invoice.KindDeposit).Series(2026), "deposits share the invoices' series")
	assert.Equal(t, "CN-2027-000001", n.For(invoice.KindCreditNote).Format(2027, 1))
	custom := invoice.Numbering{Invoice: invoice.NumberFormat{Prefix: "FA", Width: 4}, Deposit: invoice.NumberFormat{Prefix: "AC", Yearly: true, Width: 3}}
	require.NoError(t, custom.Validate())
	assert.Equal(t, "FA-0007", custom.For(invoice.KindInvoice).Format(2026, 7))
	assert.Equal(t, "FA", custom.For(invoice.KindInvoice).Series(2026), "not yearly: one series forever")
	assert.Equal(t, "FA-123456", custom.For(invoice.KindInvoice).Format(2026, 123456), "past the width, every digit is kept")
	assert.Equal(t, "AC-2026-012", custom.For(invoice.KindDeposit).Format(2026, 12))
	require.ErrorIs(t, invoice.Numbering{Invoice: invoice.NumberFormat{Prefix: "IN V"}}.Validate(), o2c.ErrValidation)
	require.ErrorIs(t, invoice.Numbering{CreditNote: invoice.NumberFormat{Prefix: "CN", Width: 13}}.Validate(), o2c.ErrValidation)
	require.NoError(t, invoice.CheckSeries("INV-2026"))
	require.ErrorIs(t, invoice.CheckSeries(""), o2c.ErrValidation)
}

func TestDraftValidation(t *testing.T) {
	cust := o2c.NewCustomerID()
	base := func() invoice.Draft {
		return invoice.Draft{Customer: cust, Currency: o2c.EUR, Lines: []invoice.Line{vat20("Widget", "1", "10.00")}, Terms: invoice.NetTerms(30)}
	}
	cases := []struct {
		name, field string
		change      func(d *invoice.Draft)
	}{
		{"no customer", "customer", func(d *invoice.Draft) { d.Customer = o2c.CustomerID{} }},
		{"no currency", "currency", func(d *invoice.Draft) { d.Currency = o2c.Currency{} }},
		{"no lines", "lines", func(d *invoice.Draft) { d.Lines = nil }},
		{"blank description", "lines[0].description", func(d *invoice.Draft) { d.Lines[0].Description = " " }},
		{"zero quantity", "lines[0].quantity", func(d *invoice.Draft) { d.Lines[0].Quantity = decimal.Zero }},
		{"negative price", "lines[0].unit_price", func(d *invoice.Draft) { d.Lines[0].UnitPrice = eur("-1.00") }},
		{"discount above 100", "lines[0].discount_percent", func(d *invoice.Draft) { d.Lines[0].DiscountPercent = pct("101") }},
		{"standard rate of 0", "lines[0].tax_rate", func(d *invoice.Draft) { d.Lines[0].TaxRate = decimal.Zero }},
		{"bad terms", "terms.days", func(d *invoice.Draft) { d.Terms.Days = -1 }},
		{"schedule not summing to 100", "schedule.parts", func(d *invoice.Draft) {
			d.Schedule = []invoice.PercentInstalment{{Percent: pct("50"), Terms: invoice.NetTerms(10)}}
		}},
		{"control characters in notes", "notes", func(d *invoice.Draft) { d.Notes = "a\x00b" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := base()
			c.change(&d)
			_, err := invoice.NewDraft("acme", invoice.KindInvoice, d, now)
			requireValidationError(t, err, c.field)
		})
	}
	_, err := invoice.NewDraft("", invoice.KindInvoice, base(), now)
	requireValidationError(t, err, "tenant")
	_, err = invoice.NewDraft("acme", invoice.KindCreditNote, base(), now)
	requireValidationError(t, err, "kind")
	d := base()
	d.Lines = append(d.Lines, invoice.Line{Description: "Book", Quantity: decimal.NewFromInt(1), UnitPrice: eur("5.00"), TaxCategory: tax.Standard, TaxRate: pct("5.5")})
	_, err = invoice.NewDraft("acme", invoice.KindDeposit, d, now)
	requireValidationError(t, err, "lines")
	usd := base()
	usd.Lines[0].UnitPrice = o2c.MustMoney("10.00", "USD")
	_, err = invoice.NewDraft("acme", invoice.KindInvoice, usd, now)
	require.ErrorIs(t, err, o2c.ErrCurrencyMismatch)
}

func TestCreditNotesNeverCreditMoreThanInvoiced(t *testing.T) {
	inv := issued(t, "100.00")
	cn1, err := invoice.NewCreditNote(inv, []invoice.Line{zeroLine("60.00")}, "damaged", "", now)
	require.NoError(t, err)
	require.NoError(t, inv.RegisterCredit(invoice.CreditRef{CreditNote: cn1.ID(), Number: "CN-1", Gross: cn1.Gross()}, now))
	cn2, err := invoice.NewCreditNote(inv, []invoice.Line{zeroLine("40.01")}, "more", "", now)
	require.NoError(t, err)
	before, _ := json.Marshal(inv.Snapshot())
	err = inv.RegisterCredit(invoice.CreditRef{CreditNote: cn2.ID(), Number: "CN-2", Gross: cn2.Gross()}, now)
	var ae *invoice.AmountError
	require.ErrorAs(t, err, &ae)
	require.ErrorIs(t, err, invoice.ErrOverCredit)
	assert.Equal(t, "40.01 EUR", ae.Requested.String())
	assert.Equal(t, "40.00 EUR", ae.Available.String())
	after, _ := json.Marshal(inv.Snapshot())
	assert.Equal(t, string(before), string(after))
	cn3, err := invoice.NewCreditNote(inv, []invoice.Line{zeroLine("40.00")}, "the rest", "", now)
	require.NoError(t, err)
	require.NoError(t, inv.RegisterCredit(invoice.CreditRef{CreditNote: cn3.ID(), Number: "CN-3", Gross: cn3.Gross()}, now))
	assert.Equal(t, "100.00 EUR", inv.Credited().String())
	assert.Equal(t, invoice.KindCreditNote, cn3.Kind())
	assert.Equal(t, inv.ID(), cn3.CreditOf().Invoice)
	_, err = invoice.NewCreditNote(cn3, []invoice.Line{zeroLine("1.00")}, "x", "", now)
	requireValidationError(t, err, "invoice")
}

func TestPaymentNeverGivesMoreThanItHas(t *testing.T) {
	p, err := invoice.NewPayment("acme", invoice.PaymentInput{Customer: o2c.NewCustomerID(), Amount: eur("100.00"), ValueDate: date("2026-01-14"),
		Method: invoice.MethodTransfer, IdempotencyKey: "k"}, now)
	require.NoError(t, err)
	a, b := o2c.NewID[invoice.Invoice](), o2c.NewID[invoice.Invoice]()
	allocs, err := p.Allocate("r1", []invoice.AllocationRequest{{Invoice: a, Amount: eur("60.00")}, {Invoice: b, Amount: eur("30.00")}}, now)
	require.NoError(t, err)
	require.Len(t, allocs, 2)
	assert.Equal(t, "10.00 EUR", p.Unapplied().String())
	assert.Equal(t, invoice.PaymentPartiallyApplied, p.Status())
	_, err = p.Allocate("r2", []invoice.AllocationRequest{{Invoice: a, Amount: eur("10.01")}}, now)
	require.ErrorIs(t, err, invoice.ErrInsufficientFunds)
	_, err = p.Allocate("r1", []invoice.AllocationRequest{{Invoice: a, Amount: eur("1.00")}}, now)
	require.ErrorIs(t, err, invoice.ErrIdempotencyKeyReused)
	_, changed, err := p.ReverseAllocation(allocs[0].ID, "wrong invoice", now)
	require.NoError(t, err)
	assert.True(t, changed)
	assert.Equal(t, "70.00 EUR", p.Unapplied().String())
	_, changed, err = p.ReverseAllocation(allocs[0].ID, "wrong invoice", now)
	require.NoError(t, err)
	assert.False(t, changed)
	r, err := p.Refund("rf", eur("70.00"), "SEPA", now)
	require.NoError(t, err)
	assert.Equal(t, "70.00 EUR", r.Amount.String())
	assert.Equal(t, invoice.PaymentApplied, p.Status())
	_, err = p.Reverse("bounced", now)
	requireValidationError(t, err, "payment")
	assert.Equal(t, []string{invoice.EventPaymentRecorded, invoice.EventPaymentAllocated, invoice.EventPaymentAllocationReversed, invoice.EventPaymentRefunded},
		eventTypes(p.PendingEvents()))

	snap := p.Snapshot()
	js, err := json.Marshal(snap)
	require.NoError(t, err)
	var back invoice.PaymentSnapshot
	require.NoError(t, json.Unmarshal(js, &back))
	re, err := invoice.PaymentFromSnapshot(back)
	require.NoError(t, err)
	js2, err := json.Marshal(re.Snapshot())
	require.NoError(t, err)
	assert.Equal(t, string(js), string(js2))
	assert.Equal(t, "0.00 EUR", back.Unapplied().String())
	back.Refunds[0].Amount = eur("170.00")
	_, err = invoice.PaymentFromSnapshot(back)
	require.ErrorIs(t, err, o2c.ErrValidation, "refunds beyond the amount")
}

func eventTypes(es []o2c.Event) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Type
	}
	return out
}
