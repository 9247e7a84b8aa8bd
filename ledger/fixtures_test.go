package ledger_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
)

// show renders an entry's lines as "D 411 1200.00" / "C 706 1000.00".
func show(e ledger.Entry) []string {
	var out []string
	for _, l := range e.Lines {
		if l.Debit.IsPositive() {
			out = append(out, fmt.Sprintf("D %s %s", l.Account, l.Debit.AmountString()))
		} else {
			out = append(out, fmt.Sprintf("C %s %s", l.Account, l.Credit.AmountString()))
		}
	}
	return out
}

// of returns the entries derived from events of type typ, in order.
func of(entries []ledger.Entry, typ string) []ledger.Entry {
	var out []ledger.Entry
	for _, e := range entries {
		if e.EventType == typ {
			out = append(out, e)
		}
	}
	return out
}

func receiptsBook(t *testing.T) *ledger.Book {
	cfg := ledger.FrenchPCG()
	cfg.VATBasis = ledger.VATOnReceipts
	b, err := ledger.NewBook(cfg)
	require.NoError(t, err)
	return b
}

// VAT on receipts, computed by hand: services of 500.00 at 20 % and 300.00
// at 10 % (VAT 100.00 and 30.00, gross 930.00) are paid in two parts.
// The first, 310.00, is a third of the gross: 100.00 × 310/930 = 33.33
// and 30.00 × 310/930 = 10.00 become due. The second, 620.00, settles the
// rest: 66.67 and 20.00, so that 44574 is back to zero and 44571 holds
// all 130.00.
func TestFixtureVATOnReceipts(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	c := o2c.NewCustomerID()
	inv := w.issue(c, o2c.EUR, nil, line("SVC", "1", "500.00", o2c.EUR, "20"), line("SVC", "1", "300.00", o2c.EUR, "10"))
	w.clock.Advance(10 * 24 * time.Hour)
	p1 := w.pay1(c, eur("310.00"), "bank-1")
	w.allocate(p1, inv, eur("310.00"), "a1")
	w.clock.Advance(20 * 24 * time.Hour)
	p2 := w.pay1(c, eur("620.00"), "bank-2")
	w.allocate(p2, inv, eur("620.00"), "a2")

	b := receiptsBook(t)
	entries := books(t, b, w.events())
	assert.Equal(t, []string{"D 411 930.00", "C 706 800.00", "C 44574 100.00", "C 44574 30.00"}, show(of(entries, invoice.EventIssued)[0]))
	applied := of(entries, invoice.EventPaymentApplied)
	require.Len(t, applied, 2)
	assert.Equal(t, []string{"D 4191 310.00", "C 411 310.00", "D 44574 33.33", "C 44571 33.33", "D 44574 10.00", "C 44571 10.00"}, show(applied[0]))
	assert.Equal(t, []string{"D 4191 620.00", "C 411 620.00", "D 44574 66.67", "C 44571 66.67", "D 44574 20.00", "C 44571 20.00"}, show(applied[1]))
	assert.Equal(t, o2c.MustDate(2026, 3, 12), applied[0].Date, "dated by the payment's value date")
	assert.True(t, balance(entries, "44574").IsZero())
	assert.Equal(t, "-130", balance(entries, "44571").String())
	assert.True(t, balance(entries, "411").IsZero())
}

// An early-payment discount granted as a credit note with the discount
// SKU: 2 % of 1,200.00 is 24.00, of which 20.00 net to 665 and 4.00 of
// VAT given back (Dr 44571). The customer pays 1,176.00; the invoice, the
// credit note and the payment then share one letter code on 411.
func TestFixtureDiscountWithVATAdjustment(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	c := o2c.NewCustomerID()
	inv := w.issue(c, o2c.EUR, nil, line("", "1", "1000.00", o2c.EUR, "20"))
	w.clock.Advance(8 * 24 * time.Hour)
	disc := line(ledger.SKUEarlyPaymentDiscount, "1", "20.00", o2c.EUR, "20")
	cn, err := w.svc.IssueCreditNote(w.ctx, invoice.CreditNoteInput{Invoice: inv.ID(), Lines: []invoice.Line{disc}, Reason: "2 % early payment", Key: "disc-1"})
	require.NoError(t, err)
	require.True(t, cn.Open().IsZero(), "issuing a credit note applies it to the open invoice")
	p := w.pay1(c, eur("1176.00"), "bank-1")
	w.allocate(p, inv, eur("1176.00"), "a1")

	b, err := ledger.NewBook(ledger.FrenchPCG())
	require.NoError(t, err)
	entries := books(t, b, w.events())
	assert.Equal(t, []string{"D 665 20.00", "D 44571 4.00", "C 411 24.00"}, showSorted(of(entries, invoice.EventCreditNoteIssued)[0]))
	assert.Equal(t, "-196", balance(entries, "44571").String(), "VAT collected: 200.00 less 4.00")
	assert.True(t, balance(entries, "411").IsZero())

	letters := ledger.Letters(entries, "411")
	codes := map[string]bool{}
	n := 0
	for _, e := range entries {
		for i, l := range e.Lines {
			if l.Account == "411" {
				n++
				codes[letters[ledger.LineRef{Key: e.Key, Seq: e.Seq, Line: i}].Code] = true
			}
		}
	}
	assert.Equal(t, 5, n, "invoice, credit note, credit applied (2 lines), payment")
	assert.Equal(t, map[string]bool{"AAA": true}, codes)
}

// showSorted is show with debits first (credit-note entries list the
// receivable first).
func showSorted(e ledger.Entry) []string {
	var d, c []string
	for _, s := range show(e) {
		if s[0] == 'D' {
			d = append(d, s)
		} else {
			c = append(c, s)
		}
	}
	return append(d, c...)
}

// A bad debt written off in France: an invoice of 1,000.00 + 20 % VAT,
// 300.00 paid, 900.00 irrecoverable. The VAT in the loss, 900 × 200/1200
// = 150.00, is regularised (Dr 44571); 750.00 is the loss (Dr 654).
// Without the relief, the whole 900.00 is the loss.
func TestFixtureBadDebtWithVATRegularisation(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	c := o2c.NewCustomerID()
	inv := w.issue(c, o2c.EUR, nil, line("", "1", "1000.00", o2c.EUR, "20"))
	p := w.pay1(c, eur("300.00"), "bank-1")
	w.allocate(p, inv, eur("300.00"), "a1")
	w.clock.Advance(200 * 24 * time.Hour)
	_, err := w.svc.WriteOff(w.ctx, inv.ID(), "liquidation closed for insufficient assets", "cfo")
	require.NoError(t, err)

	b, err := ledger.NewBook(ledger.FrenchPCG())
	require.NoError(t, err)
	entries := books(t, b, w.events())
	wo := of(entries, invoice.EventWrittenOff)
	require.Len(t, wo, 1)
	assert.Equal(t, []string{"D 44571 150.00", "D 654 750.00", "C 411 900.00"}, show(wo[0]))
	assert.Equal(t, "-50", balance(entries, "44571").String(), "VAT kept: on the 300.00 received")

	cfg := ledger.FrenchPCG()
	cfg.BadDebtVATRelief = false
	noRelief, err := ledger.NewBook(cfg)
	require.NoError(t, err)
	entries = books(t, noRelief, w.events())
	assert.Equal(t, []string{"D 654 900.00", "C 411 900.00"}, show(of(entries, invoice.EventWrittenOff)[0]))

	// on receipts, the VAT never became due on the part not received: the
	// pending 150.00 is reversed whatever the relief setting
	cfg.VATBasis = ledger.VATOnReceipts
	receipts, err := ledger.NewBook(cfg)
	require.NoError(t, err)
	entries = books(t, receipts, w.events())
	assert.Equal(t, []string{"D 44574 150.00", "D 654 750.00", "C 411 900.00"}, show(of(entries, invoice.EventWrittenOff)[0]))
	assert.True(t, balance(entries, "44574").IsZero())
	assert.Equal(t, "-50", balance(entries, "44571").String())
}

// rates is a host's rate table: EUR per unit of a currency, by date.
type rates map[string]string

func (r rates) Rate(from, to o2c.Currency, on o2c.Date) (decimal.Decimal, error) {
	s, ok := r[from.Code()+to.Code()+on.String()]
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("no rate %s/%s on %s", from, to, on)
	}
	return decimal.NewFromString(s)
}

// An export invoice of USD 1,000.00 booked in EUR at 0.9000 (900.00), paid
// a month later when the dollar is worth 0.9200: the bank gets 920.00,
// the receivable is cleared at its booked 900.00 and 20.00 is an exchange
// gain (766). Paid at 0.8800 instead, 20.00 is a loss (666).
func TestFixtureExchangeDifference(t *testing.T) {
	for _, tc := range []struct {
		rate string
		want []string
	}{
		{"0.9200", []string{"D 4191 920.00", "C 411 900.00", "C 766 20.00"}},
		{"0.8800", []string{"D 4191 880.00", "C 411 900.00", "D 666 20.00"}},
	} {
		t.Run(tc.rate, func(t *testing.T) {
			w := newWorld(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
			c := o2c.NewCustomerID()
			inv := w.issue(c, o2c.USD, nil, line("", "4", "250.00", o2c.USD, "0"))
			w.clock.Advance(30 * 24 * time.Hour)
			p := w.pay1(c, o2c.MustMoney("1000.00", "USD"), "wire-1")
			w.allocate(p, inv, o2c.MustMoney("1000.00", "USD"), "a1")

			cfg := ledger.FrenchPCG()
			cfg.Rates = rates{"USDEUR2026-03-02": "0.9000", "USDEUR2026-04-01": tc.rate}
			b, err := ledger.NewBook(cfg)
			require.NoError(t, err)
			entries := books(t, b, w.events())
			issued := of(entries, invoice.EventIssued)[0]
			assert.Equal(t, []string{"D 411 900.00", "C 706 900.00"}, show(issued))
			assert.Equal(t, "1000.00 USD", issued.Lines[0].Amount.String(), "the line keeps the dollars (Montantdevise)")
			assert.Equal(t, []string{"D 512 " + tc.want[0][7:], "C 4191 " + tc.want[0][7:]}, show(of(entries, invoice.EventPaymentRecorded)[0]))
			assert.Equal(t, tc.want, show(of(entries, invoice.EventPaymentApplied)[0]))
			assert.True(t, balance(entries, "411").IsZero(), "the receivable is cleared in euros too")
			assert.True(t, balance(entries, "4191").IsZero())
		})
	}

	// without rates, a foreign document is refused rather than booked at 1:1
	w := newWorld(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	w.issue(o2c.NewCustomerID(), o2c.USD, nil, line("", "1", "10.00", o2c.USD, "0"))
	b, err := ledger.NewBook(ledger.FrenchPCG())
	require.NoError(t, err)
	_, err = b.Entries(w.events()[0])
	require.ErrorIs(t, err, o2c.ErrCurrencyMismatch)
}

// A deposit of 360.00 (300.00 + 20 % VAT) on an order, then the final
// invoice of 1,000.00 net deducting it: the deposit invoice credits the
// advances account 4191 instead of revenue; the final invoice credits the
// whole revenue and debits 4191 back, and the customer owes the rest
// (840.00).
func TestFixtureDepositAndDeduction(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	c := o2c.NewCustomerID()
	dep, err := w.svc.CreateDeposit(w.ctx, invoice.DepositInput{OrderRef: "SO-1", Customer: c, Amount: eur("360.00"),
		TaxCategory: mustCategory(t, "S"), TaxRate: dec("20"), Terms: invoice.ImmediateTerms(), Issue: true})
	require.NoError(t, err)
	deduction := line("", "-1", "300.00", o2c.EUR, "20")
	deduction.DepositRef = dep.ID()
	w.clock.Advance(30 * 24 * time.Hour)
	final := w.issue(c, o2c.EUR, nil, line("", "1", "1000.00", o2c.EUR, "20"), deduction)
	require.Equal(t, "840.00 EUR", final.Gross().String())

	b, err := ledger.NewBook(ledger.FrenchPCG())
	require.NoError(t, err)
	entries := books(t, b, w.events())
	issued := of(entries, invoice.EventIssued)
	require.Len(t, issued, 2)
	assert.Equal(t, []string{"D 411 360.00", "C 4191 300.00", "C 44571 60.00"}, show(issued[0]))
	assert.Equal(t, []string{"D 411 840.00", "C 706 1000.00", "D 4191 300.00", "C 44571 140.00"}, show(issued[1]))
	assert.True(t, balance(entries, "4191").IsZero(), "the advance is used up")
}

// Late-payment interest and the 40.00 recovery indemnity, invoiced with
// the package's SKUs (out of the scope of VAT), go to 7627 and 758.
func TestFixtureLateChargesInvoiced(t *testing.T) {
	w := newWorld(t, time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	w.issue(o2c.NewCustomerID(), o2c.EUR, nil, line(ledger.SKULateInterest, "1", "7.19", o2c.EUR, "0"), line(ledger.SKURecoveryIndemnity, "1", "40.00", o2c.EUR, "0"))
	b, err := ledger.NewBook(ledger.FrenchPCG())
	require.NoError(t, err)
	entries := books(t, b, w.events())
	assert.Equal(t, []string{"D 411 47.19", "C 7627 7.19", "C 758 40.00"}, show(entries[0]))
}

// A bank fee from a statement: Dr 627 / Cr 512, in the bank journal; the
// same fee (same key) is one idempotency key however often it is appended.
func TestFixtureBankFee(t *testing.T) {
	fee := ledger.BankFee{Key: "camt-2026-05/12", Amount: eur("12.50"), Date: o2c.MustDate(2026, 5, 31), Reference: "FRAIS TENUE DE COMPTE"}
	e1, err := ledger.NewBankFeeEvent("acme", fee, time.Now())
	require.NoError(t, err)
	e2, err := ledger.NewBankFeeEvent("acme", fee, time.Now())
	require.NoError(t, err)
	assert.NotEqual(t, e1.ID, e2.ID)
	assert.Equal(t, ledger.KeyOf(e1), ledger.KeyOf(e2))
	b, err := ledger.NewBook(ledger.FrenchPCG())
	require.NoError(t, err)
	es, err := b.Entries(e1)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, "BQ", es[0].Journal)
	assert.Equal(t, []string{"D 627 12.50", "C 512 12.50"}, show(es[0]))

	for _, bad := range []ledger.BankFee{{Amount: eur("1.00"), Date: fee.Date}, {Key: "k", Amount: eur("-1.00"), Date: fee.Date}, {Key: "k", Amount: eur("1.00")}} {
		_, err := ledger.NewBankFeeEvent("acme", bad, time.Now())
		require.ErrorIs(t, err, o2c.ErrValidation)
	}
}
