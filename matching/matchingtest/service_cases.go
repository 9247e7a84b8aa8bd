package matchingtest

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

func init() {
	serviceCases = append(serviceCases,
		serviceCase{"RemittanceAmounts", testRemittanceAmounts},
		serviceCase{"RemittanceNamesOldestFirst", testRemittanceNamesOldestFirst},
		serviceCase{"CreditNoteNetted", testCreditNoteNetted},
		serviceCase{"CreditNoteAlreadyApplied", testCreditNoteAlreadyApplied},
		serviceCase{"DeductionDisputed", testDeductionDisputed},
		serviceCase{"DeductionWithinTolerance", testDeductionWithinTolerance},
		serviceCase{"RemittanceOverPayment", testRemittanceOverPayment},
		serviceCase{"RemittanceMismatch", testRemittanceMismatch},
		serviceCase{"PartialConfirmed", testPartialConfirmed},
		serviceCase{"OverPaymentConfirmed", testOverPaymentConfirmed},
		serviceCase{"EDI820AdviceLinked", testEDI820AdviceLinked},
		serviceCase{"CSVAdviceLinked", testCSVAdviceLinked},
	)
}

// Money returns an amount in EUR.
func Money(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

// MoneyPtr returns a pointer to an amount in EUR.
func MoneyPtr(s string) *o2c.Money { m := Money(s); return &m }

// Doc returns an invoice document of a remittance paying remitted.
func Doc(number, remitted string) matching.RemittanceDocument {
	return matching.RemittanceDocument{Kind: matching.DocumentInvoice, Number: number, Remitted: MoneyPtr(remitted)}
}

func withDocs(l matching.Line, docs ...matching.RemittanceDocument) matching.Line {
	l.Documents = docs
	return l
}

// applyAll applies the statement's auto lines and fails on any failure.
func (w *World) applyAll(t *testing.T, imp *matching.ImportResult) matching.ApplyReport {
	t.Helper()
	rep, err := w.Svc.Apply(w.Ctx, imp.Statement.ID)
	require.NoError(t, err)
	require.Empty(t, rep.Failed)
	return rep
}

func assertOpen(t *testing.T, w *World, inv *invoice.Invoice, open string, state invoice.State) {
	t.Helper()
	got := w.Get(t, inv.ID())
	assert.True(t, got.Open().Equal(Money(open)), "%s open %s, want %s", inv.Number(), got.Open(), open)
	assert.Equal(t, state, got.Status(), inv.Number())
}

func unapplied(t *testing.T, w *World, p invoice.PaymentID) o2c.Money {
	t.Helper()
	pay, err := w.Stores.Payments.Get(w.Ctx, p)
	require.NoError(t, err)
	return pay.Unapplied()
}

// The advice's per-invoice amounts drive allocation: one invoice paid in
// part (no reason given: the rest stays open), one in full.
func testRemittanceAmounts(t *testing.T, w *World) {
	a := w.Issue(t, w.Acme, "1000.00") // 1200.00
	b := w.Issue(t, w.Acme, "400.00")  // 480.00
	c := w.Issue(t, w.Acme, "500.00")  // 600.00: same customer, not named
	imp, res := w.Import(t, StatementOf("S-RA", withDocs(Credit("1480.00", "Acme Industries", AcmeIBAN, "", "RA1"),
		Doc(a.Number(), "1000.00"), Doc(b.Number(), "480.00"))))
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Note)
	best := res[0].Proposals[0]
	assert.Equal(t, matching.KindRemittance, best.Kind)
	require.Len(t, best.Allocations, 2)
	rep := w.applyAll(t, imp)
	require.Len(t, rep.Applied, 1)
	assertOpen(t, w, a, "200.00", invoice.StatePartiallyPaid)
	assertOpen(t, w, b, "0.00", invoice.StatePaid)
	assertOpen(t, w, c, "600.00", invoice.StateIssued)
	assert.True(t, unapplied(t, w, rep.Applied[0].Payment).IsZero())
	w.CheckBooks(t)
}

// A remittance that names invoices without amounts is applied oldest
// first within what it names, the last one in part.
func testRemittanceNamesOldestFirst(t *testing.T, w *World) {
	a := w.Issue(t, w.Acme, "1000.00") // 1200.00
	b := w.Issue(t, w.Acme, "400.00")  // 480.00
	c := w.Issue(t, w.Acme, "500.00")  // 600.00
	other := w.Issue(t, w.Acme, "100.00")
	named := func(n string) matching.RemittanceDocument {
		return matching.RemittanceDocument{Kind: matching.DocumentInvoice, Number: n}
	}
	imp, res := w.Import(t, StatementOf("S-NO", withDocs(Credit("1500.00", "Acme Industries", AcmeIBAN, "", "NO1"),
		named(c.Number()), named(a.Number()), named(b.Number()))))
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Note)
	w.applyAll(t, imp)
	assertOpen(t, w, a, "0.00", invoice.StatePaid)
	assertOpen(t, w, b, "180.00", invoice.StatePartiallyPaid)
	assertOpen(t, w, c, "600.00", invoice.StateIssued)
	assertOpen(t, w, other, "120.00", invoice.StateIssued)
	w.CheckBooks(t)
}

// payInFull records and allocates a payment settling inv.
func (w *World) payInFull(t *testing.T, inv *invoice.Invoice, key string) {
	t.Helper()
	p, err := w.Invoices.RecordPayment(w.Ctx, invoice.PaymentInput{Customer: inv.Customer(), Amount: inv.Open(), ValueDate: Day,
		Method: invoice.MethodTransfer, IdempotencyKey: key})
	require.NoError(t, err)
	_, err = w.Invoices.Allocate(w.Ctx, invoice.AllocateInput{Payment: p.ID(), Key: key,
		Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: inv.Open()}}})
	require.NoError(t, err)
	w.Received, err = w.Received.Add(inv.Open())
	require.NoError(t, err)
}

func (w *World) creditNote(t *testing.T, inv *invoice.Invoice, net, key string) *invoice.Invoice {
	t.Helper()
	cn, err := w.Invoices.IssueCreditNote(w.Ctx, invoice.CreditNoteInput{Invoice: inv.ID(), Reason: "returned goods", Key: key,
		Lines: []invoice.Line{{Description: "Goods returned", Quantity: decimal.NewFromInt(1), UnitPrice: Money(net),
			TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}}})
	require.NoError(t, err)
	return cn
}

// A credit note the remittance names is netted: its open credit settles
// part of the invoice paid, the payment the rest.
func testCreditNoteNetted(t *testing.T, w *World) {
	x := w.Issue(t, w.Acme, "500.00") // 600.00, paid, then credited: the credit stays open
	w.payInFull(t, x, "pay-x")
	cn := w.creditNote(t, x, "100.00", "cn-x") // 120.00 open credit
	require.True(t, cn.Open().Equal(Money("120.00")))
	a := w.Issue(t, w.Acme, "1000.00") // 1200.00
	imp, res := w.Import(t, StatementOf("S-CN", withDocs(Credit("1080.00", "Acme Industries", AcmeIBAN, "", "CN1"),
		Doc(a.Number(), "1200.00"),
		matching.RemittanceDocument{Kind: matching.DocumentCreditNote, Number: cn.Number(), Remitted: MoneyPtr("-120.00")})))
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Note)
	rep := w.applyAll(t, imp)
	require.Len(t, rep.Applied, 1)
	require.Len(t, rep.Applied[0].Credits, 1)
	assertOpen(t, w, a, "0.00", invoice.StatePaid)
	got := w.Get(t, cn.ID())
	assert.True(t, got.Open().IsZero(), "credit note open %s", got.Open())
	assert.True(t, unapplied(t, w, rep.Applied[0].Payment).IsZero())
	w.CheckBooks(t)
}

// A credit note that already reduced the invoice it corrects is netted
// implicitly: the payment settles what is left, nothing is unapplied.
func testCreditNoteAlreadyApplied(t *testing.T, w *World) {
	a := w.Issue(t, w.Acme, "1000.00")         // 1200.00
	cn := w.creditNote(t, a, "200.00", "cn-a") // 240.00, applied to a at once
	assertOpen(t, w, a, "960.00", invoice.StatePartiallyPaid)
	imp, res := w.Import(t, StatementOf("S-CA", withDocs(Credit("960.00", "Acme Industries", AcmeIBAN, "", "CA1"),
		Doc(a.Number(), "1200.00"),
		matching.RemittanceDocument{Kind: matching.DocumentCreditNote, Number: cn.Number(), Remitted: MoneyPtr("240.00")})))
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Note)
	rep := w.applyAll(t, imp)
	assertOpen(t, w, a, "0.00", invoice.StatePaid)
	assert.True(t, unapplied(t, w, rep.Applied[0].Payment).IsZero())
	w.CheckBooks(t)
}

// A deduction with a reason code leaves the residual open and disputes
// it with the mapped reason.
func testDeductionDisputed(t *testing.T, w *World) {
	a := w.Issue(t, w.Acme, "1000.00") // 1200.00
	doc := matching.RemittanceDocument{Kind: matching.DocumentInvoice, Number: a.Number(), DuePayable: MoneyPtr("1200.00"),
		Adjustment: MoneyPtr("150.00"), AdjustmentReason: "06", Remitted: MoneyPtr("1050.00")}
	imp, res := w.Import(t, StatementOf("S-DD", withDocs(Credit("1050.00", "Acme Industries", AcmeIBAN, "", "DD1"), doc)))
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Note)
	rep := w.applyAll(t, imp)
	require.Len(t, rep.Applied[0].Disputes, 1)
	got := w.Get(t, a.ID())
	assert.Equal(t, invoice.StateDisputed, got.Status())
	assert.True(t, got.Open().Equal(Money("150.00")), "open %s", got.Open())
	ds := got.Disputes()
	require.Len(t, ds, 1)
	assert.Equal(t, invoice.ReasonQuantityOrDeliveryMissing, ds[0].Reason)
	assert.True(t, ds[0].Amount.Equal(Money("150.00")))
	assert.Contains(t, ds[0].Notes, `"06"`)
	w.CheckBooks(t)
}

// A deduction within the write-off tolerance is written off as a short
// payment always was.
func testDeductionWithinTolerance(t *testing.T, w *World) {
	a := w.Issue(t, w.Acme, "1000.00") // 1200.00, tolerance 5.00
	doc := matching.RemittanceDocument{Kind: matching.DocumentInvoice, Number: a.Number(), DuePayable: MoneyPtr("1200.00"),
		Adjustment: MoneyPtr("3.00"), AdjustmentReason: "01"}
	imp, res := w.Import(t, StatementOf("S-DT", withDocs(Credit("1197.00", "Acme Industries", AcmeIBAN, "", "DT1"), doc)))
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Note)
	rep := w.applyAll(t, imp)
	assert.Empty(t, rep.Applied[0].Disputes)
	assert.Equal(t, []invoice.ID{a.ID()}, rep.Applied[0].WrittenOff)
	got := w.Get(t, a.ID())
	assert.Equal(t, invoice.StatePaid, got.Status())
	assert.Empty(t, got.Disputes())
	w.CheckBooks(t)
}

// A remittance paying more than an invoice's open amount settles it in
// full; the excess stays unapplied cash on the customer.
func testRemittanceOverPayment(t *testing.T, w *World) {
	a := w.Issue(t, w.Acme, "1000.00") // 1200.00
	imp, res := w.Import(t, StatementOf("S-OP", withDocs(Credit("1300.00", "Acme Industries", AcmeIBAN, "", "OP1"),
		Doc(a.Number(), "1300.00"))))
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Note)
	assert.True(t, res[0].Proposals[0].Unapplied.Equal(Money("100.00")))
	rep := w.applyAll(t, imp)
	assertOpen(t, w, a, "0.00", invoice.StatePaid)
	assert.True(t, unapplied(t, w, rep.Applied[0].Payment).Equal(Money("100.00")))
	w.CheckBooks(t)
}

// Documents that do not add up to the payment are never applied
// automatically; the line waits for a person with the reason.
func testRemittanceMismatch(t *testing.T, w *World) {
	a := w.Issue(t, w.Acme, "1000.00") // 1200.00
	b := w.Issue(t, w.Acme, "400.00")  // 480.00
	imp, res := w.Import(t, StatementOf("S-MM", withDocs(Credit("1500.00", "Acme Industries", AcmeIBAN, "", "MM1"),
		Doc(a.Number(), "1200.00"), Doc(b.Number(), "480.00"))))
	require.Equal(t, matching.DecisionSuggest, res[0].Decision)
	assert.Contains(t, res[0].Note, "add up to 1680.00")
	rep := w.applyAll(t, imp)
	assert.Empty(t, rep.Applied)
	assertOpen(t, w, a, "1200.00", invoice.StateIssued)
	w.CheckBooks(t)
}

// confirmAllocating confirms the line's proposal that allocates to inv.
func (w *World) confirmAllocating(t *testing.T, imp *matching.ImportResult, inv *invoice.Invoice) *matching.Applied {
	t.Helper()
	ps, err := w.Svc.Proposals(w.Ctx, imp.Lines[0].ID)
	require.NoError(t, err)
	for _, p := range ps {
		if len(p.Proposal.Allocations) == 1 && p.Proposal.Allocations[0].Invoice == inv.ID() {
			a, err := w.Svc.Confirm(w.Ctx, p.ID)
			require.NoError(t, err)
			return a
		}
	}
	t.Fatalf("no proposal allocates to %s: %+v", inv.Number(), ps)
	return nil
}

// A payment naming its invoice that pays less is applied in part when
// applied (automatically, or confirmed by a person): the rest stays open.
func testPartialConfirmed(t *testing.T, w *World) {
	a := w.Issue(t, w.Acme, "1000.00") // 1200.00
	imp, res := w.Import(t, StatementOf("S-PC", Credit("700.00", "Acme Industries", AcmeIBAN, "Invoice "+a.Number(), "PC1")))
	require.NotEqual(t, matching.DecisionNone, res[0].Decision)
	var app *matching.Applied
	if res[0].Decision == matching.DecisionAuto {
		rep := w.applyAll(t, imp)
		require.Len(t, rep.Applied, 1)
		app = &rep.Applied[0]
	} else {
		app = w.confirmAllocating(t, imp, a)
	}
	assertOpen(t, w, a, "500.00", invoice.StatePartiallyPaid)
	assert.True(t, unapplied(t, w, app.Payment).IsZero())
	w.CheckBooks(t)
}

// A payment naming its invoice that pays more settles it in full; the
// rest is unapplied cash on the customer.
func testOverPaymentConfirmed(t *testing.T, w *World) {
	a := w.Issue(t, w.Acme, "1000.00") // 1200.00
	imp, res := w.Import(t, StatementOf("S-OC", Credit("1250.00", "Acme Industries", AcmeIBAN, "Invoice "+a.Number(), "OC1")))
	require.NotEqual(t, matching.DecisionNone, res[0].Decision)
	var app *matching.Applied
	if res[0].Decision == matching.DecisionAuto {
		rep := w.applyAll(t, imp)
		require.Len(t, rep.Applied, 1)
		app = &rep.Applied[0]
	} else {
		app = w.confirmAllocating(t, imp, a)
	}
	assertOpen(t, w, a, "0.00", invoice.StatePaid)
	assert.True(t, unapplied(t, w, app.Payment).Equal(Money("50.00")))
	w.CheckBooks(t)
}

// An EDI 820 remittance advice received apart from its ACH payment is
// linked to the statement line by trace number, amount and payer, and
// drives allocation: a deduction with reason code 06 is disputed.
func testEDI820AdviceLinked(t *testing.T, w *World) {
	a := w.Issue(t, w.Acme, "1000.00") // 1200.00
	b := w.Issue(t, w.Acme, "400.00")  // 480.00
	imp, _ := w.Import(t, StatementOf("S-820", Credit("1530.00", "ACME INDUSTRIES", AcmeIBAN, "ACH CTX 0012345678901", "E1")))
	edi := "ST*820*0001~BPR*C*1530.00*C*ACH*CTX*************20260402~TRN*1*0012345678901~CUR*PR*EUR~N1*PR*ACME INDUSTRIES SAS~ENT*1~" +
		"RMR*IV*" + a.Number() + "*PI*1050.00*1200.00~ADX*-150.00*06~RMR*IV*" + b.Number() + "*PI*480.00*480.00~SE*9*0001~"
	advs, err := matching.ParseEDI820(strings.NewReader(edi), matching.EDI820Options{})
	require.NoError(t, err)
	require.Len(t, advs, 1)

	_, _, err = w.Svc.LinkAdvice(w.Ctx, matching.Advice{Trace: "UNKNOWN", Amount: Money("999.00"), Documents: []matching.RemittanceDocument{Doc("X-1", "999.00")}})
	require.ErrorIs(t, err, matching.ErrNoPayment)

	line, res, err := w.Svc.LinkAdvice(w.Ctx, advs[0])
	require.NoError(t, err)
	assert.Equal(t, imp.Lines[0].ID, line.ID)
	require.Len(t, res, 1)
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Note)
	rep := w.applyAll(t, imp)
	require.Len(t, rep.Applied, 1)
	require.Len(t, rep.Applied[0].Disputes, 1)
	assert.Equal(t, invoice.ReasonQuantityOrDeliveryMissing, rep.Applied[0].Disputes[0].Reason)
	got := w.Get(t, a.ID())
	assert.Equal(t, invoice.StateDisputed, got.Status())
	assert.True(t, got.Open().Equal(Money("150.00")))
	assertOpen(t, w, b, "0.00", invoice.StatePaid)
	w.CheckBooks(t)
}

// A customer portal's CSV advice is linked by its payment reference and
// amount; its credit note is netted.
func testCSVAdviceLinked(t *testing.T, w *World) {
	x := w.Issue(t, w.Globex, "100.00") // 120.00, paid then credited: 60.00 open credit
	w.payInFull(t, x, "pay-gx")
	cn := w.creditNote(t, x, "50.00", "cn-gx")
	g1 := w.Issue(t, w.Globex, "500.00") // 600.00
	g2 := w.Issue(t, w.Globex, "250.00") // 300.00
	imp, _ := w.Import(t, StatementOf("S-CSV", Credit("840.00", "Globex Handel", GlobexIBAN, "PORTAL PAY-77", "G1")))
	csv := "ref,doc,type,amount\nPAY-77," + g1.Number() + ",invoice,600.00\nPAY-77," + g2.Number() + ",invoice,300.00\nPAY-77," +
		cn.Number() + ",credit,-60.00\n"
	advs, err := matching.ParseAdviceCSV(strings.NewReader(csv), matching.AdviceCSVMapping{Trace: "ref", Number: "doc", Kind: "type",
		Remitted: "amount", Currency: o2c.EUR})
	require.NoError(t, err)
	require.Len(t, advs, 1)
	_, res, err := w.Svc.LinkAdvice(w.Ctx, advs[0])
	require.NoError(t, err)
	require.Equal(t, matching.DecisionAuto, res[0].Decision, res[0].Note)
	rep := w.applyAll(t, imp)
	require.Len(t, rep.Applied, 1)
	assertOpen(t, w, g1, "0.00", invoice.StatePaid)
	assertOpen(t, w, g2, "0.00", invoice.StatePaid)
	assert.True(t, w.Get(t, cn.ID()).Open().IsZero())
	w.CheckBooks(t)
}
