package ledger_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
)

// demoBook: French chart, services (SVC-) on receipts, goods (HW-) to 707,
// dollars converted with a small rate table.
func demoBook(t require.TestingT) *ledger.Book {
	cfg := ledger.FrenchPCG()
	cfg.Lines = []ledger.LineRule{{SKUPrefix: "SVC-", Account: "706", Basis: ledger.VATOnReceipts}, {SKUPrefix: "HW-", Account: "707"}}
	cfg.Rates = dailyRates{}
	b, err := ledger.NewBook(cfg)
	require.NoError(t, err)
	return b
}

// dailyRates: USD at 0.9000 EUR plus 0.0010 per day of the year.
type dailyRates struct{}

func (dailyRates) Rate(from, to o2c.Currency, on o2c.Date) (decimalT, error) {
	if from != o2c.USD || to != o2c.EUR {
		return decimalT{}, fmt.Errorf("no rate %s/%s", from, to)
	}
	return dec("0.9000").Add(dec("0.0010").Mul(decFromInt(o2c.MustDate(on.Year(), 1, 1).DaysUntil(on)))), nil
}

// demoYear runs a year of a small business through invoicing: weekly
// invoices to four customers (services and goods, some in two
// instalments, one customer in dollars), payments (on time, late,
// partial, combined), credit notes and discounts, a bounced payment, a
// refund, residual and bad-debt write-offs, and a bank fee a month. It
// returns the events in append order.
func demoYear(t require.TestingT) []o2c.Event {
	demoOnce.Do(func() { demoEvents = makeDemoYear(t) })
	require.NotEmpty(t, demoEvents)
	return append([]o2c.Event(nil), demoEvents...)
}

var (
	demoOnce   sync.Once
	demoEvents []o2c.Event
)

func makeDemoYear(t require.TestingT) []o2c.Event {
	w := newWorld(t, time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC))
	r := rand.New(rand.NewPCG(2026, 16))
	customers := []o2c.CustomerID{o2c.NewCustomerID(), o2c.NewCustomerID(), o2c.NewCustomerID(), o2c.NewCustomerID()}
	var open []*invoice.Invoice
	k := 0
	key := func(p string) string { k++; return fmt.Sprintf("%s-%d", p, k) }
	var fees []o2c.Event
	for week := 0; week < 52; week++ {
		c := customers[week%4]
		cur := o2c.EUR
		if week%4 == 3 {
			cur = o2c.USD
		}
		var sched []invoice.PercentInstalment
		if week%5 == 0 {
			sched = []invoice.PercentInstalment{{Percent: dec("50"), Terms: invoice.NetTerms(30)}, {Percent: dec("50"), Terms: invoice.NetTerms(60)}}
		}
		rate := "20"
		if cur == o2c.USD {
			rate = "0"
		}
		inv := w.issue(c, cur, sched,
			line("SVC-AUDIT", fmt.Sprint(1+r.IntN(5)), fmt.Sprintf("%d.%02d", 100+r.IntN(900), r.IntN(100)), cur, rate),
			line("HW-BOX", fmt.Sprint(1+r.IntN(3)), "49.90", cur, rate))
		open = append(open, inv)
		w.clock.Advance(2 * 24 * time.Hour)
		// settle an older invoice in one of several ways
		if len(open) > 3 {
			old := open[0]
			open = open[1:]
			old, err := w.svc.Get(w.ctx, old.ID())
			require.NoError(t, err)
			switch week % 7 {
			case 0: // credit note for one unit of goods, then the rest paid
				cn, err := w.svc.IssueCreditNote(w.ctx, invoice.CreditNoteInput{Invoice: old.ID(), Lines: []invoice.Line{line("HW-BOX", "1", "49.90", old.Currency(), rate)}, Reason: "returned", Key: key("cn")})
				require.NoError(t, err)
				_ = cn
				old, _ = w.svc.Get(w.ctx, old.ID())
				p := w.pay1(old.Customer(), old.Open(), key("bank"))
				w.allocate(p, old, old.Open(), key("a"))
			case 1: // short by a few cents: residual written off
				short, _ := old.Open().Sub(o2c.FromMinor(3, old.Currency()))
				p := w.pay1(old.Customer(), short, key("bank"))
				_, err := w.svc.Allocate(w.ctx, invoice.AllocateInput{Payment: p.ID(), Key: key("a"), Lines: []invoice.AllocationLine{{Invoice: old.ID(), Amount: short, CloseResidual: true}}})
				require.NoError(t, err)
			case 2: // paid, then the payment bounces, then paid again
				p := w.pay1(old.Customer(), old.Open(), key("bank"))
				w.allocate(p, old, old.Open(), key("a"))
				w.clock.Advance(24 * time.Hour)
				require.NoError(t, w.svc.ReversePayment(w.ctx, p.ID(), "R01 insufficient funds"))
				p2 := w.pay1(old.Customer(), old.Open(), key("bank"))
				w.allocate(p2, old, old.Open(), key("a"))
			case 3: // paid too much, the excess refunded
				over, _ := old.Open().Add(o2c.FromMinor(5000, old.Currency()))
				p := w.pay1(old.Customer(), over, key("bank"))
				w.allocate(p, old, old.Open(), key("a"))
				_, err := w.svc.Refund(w.ctx, invoice.RefundInput{Payment: p.ID(), Key: key("rf"), Amount: o2c.FromMinor(5000, old.Currency()), Reference: "refund"})
				require.NoError(t, err)
			case 4: // written off as a bad debt after a partial payment
				part := o2c.FromMinor(10000, old.Currency())
				p := w.pay1(old.Customer(), part, key("bank"))
				w.allocate(p, old, part, key("a"))
				_, err := w.svc.WriteOff(w.ctx, old.ID(), "insolvency closed", "cfo")
				require.NoError(t, err)
			default: // paid in two parts
				half := old.Open().MulRound(dec("0.5"), o2c.RoundHalfUp)
				p := w.pay1(old.Customer(), half, key("bank"))
				w.allocate(p, old, half, key("a"))
				w.clock.Advance(3 * 24 * time.Hour)
				old, _ = w.svc.Get(w.ctx, old.ID())
				p2 := w.pay1(old.Customer(), old.Open(), key("bank"))
				w.allocate(p2, old, old.Open(), key("a"))
			}
		}
		if week%4 == 0 {
			fee, err := ledger.NewBankFeeEvent("acme", ledger.BankFee{Key: key("fee"), Amount: eur("12.50"), Date: o2c.DateOf(w.clock.Now()), Reference: "FRAIS TENUE DE COMPTE"}, w.clock.Now())
			require.NoError(t, err)
			fees = append(fees, fee)
		}
		w.clock.Advance(5 * 24 * time.Hour)
	}
	// the fees come from statements, interleaved by time with the rest
	events := append(w.events(), fees...)
	sortByTime(events)
	return events
}

func sortByTime(es []o2c.Event) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].OccurredAt.Before(es[j-1].OccurredAt); j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// checkDemoFEC writes the FEC of entries and checks it against the format
// rules: CheckFEC (columns and names, separators, dates, amounts,
// continuity per journal, balance per entry, chronological order), plus
// what the file must say about this year.
func checkDemoFEC(t *testing.T, b *ledger.Book, entries []ledger.Entry) {
	var buf bytes.Buffer
	require.NoError(t, b.WriteFEC(&buf, entries, ledger.FECOptions{}))
	sum, err := ledger.CheckFEC(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, '\t', sum.Separator)
	assert.Equal(t, len(entries), sum.Entries)
	assert.True(t, sum.Debit.Equal(sum.Credit))
	assert.Equal(t, []string{"BQ", "OD", "VE"}, keys(sum.Journals))
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n")
	assert.Equal(t, strings.Join(ledger.FECColumns, "\t"), lines[0])
	var usd, lettered int
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		require.Len(t, f, 18)
		assert.True(t, strings.HasPrefix(f[3], "2026") || strings.HasPrefix(f[3], "2027"), "EcritureDate %s", f[3])
		if f[17] == "USD" {
			usd++
		}
		if f[13] != "" {
			lettered++
		}
	}
	assert.Positive(t, usd, "dollar lines carry Montantdevise and Idevise")
	assert.Positive(t, lettered, "settled receivables are lettered")

	// the pipe variant passes too
	buf.Reset()
	require.NoError(t, b.WriteFEC(&buf, entries, ledger.FECOptions{Pipe: true}))
	sum2, err := ledger.CheckFEC(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, '|', sum2.Separator)
	assert.Equal(t, sum.Lines, sum2.Lines)

	tb := b.TrialBalance(entries, o2c.Date{}, o2c.Date{})
	assert.True(t, tb.Balanced())
	for m := time.January; m <= time.December; m++ {
		p := ledger.Month(o2c.MustDate(2026, m, 1))
		assert.True(t, b.TrialBalance(entries, p.From, p.To).Balanced(), "month %d", m)
	}
}

func keys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// The FEC of the demo year, posted as a store would post it.
func TestFECDemoYear(t *testing.T) {
	b := demoBook(t)
	entries := books(t, b, demoYear(t))
	require.Greater(t, len(entries), 150)
	checkDemoFEC(t, b, entries)
}

// CheckFEC is not a rubber stamp: each rule it checks fails on a file
// that breaks it.
func TestCheckFECRefusesBrokenFiles(t *testing.T) {
	b := demoBook(t)
	var buf bytes.Buffer
	require.NoError(t, b.WriteFEC(&buf, books(t, b, demoYear(t)), ledger.FECOptions{}))
	good := strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n")
	field := func(line, col int, v string) []string {
		out := append([]string(nil), good...)
		f := strings.Split(out[line], "\t")
		f[col] = v
		out[line] = strings.Join(f, "\t")
		return out
	}
	for name, lines := range map[string][]string{
		"renamed column":   append([]string{strings.Replace(good[0], "EcritureLet", "Lettrage", 1)}, good[1:]...),
		"dot decimal":      field(1, 11, strings.Replace(strings.Split(good[1], "\t")[11], ",", ".", 1)),
		"thousands":        field(1, 11, "1 200,00"),
		"date format":      field(1, 3, "2026-01-02"),
		"impossible date":  field(1, 3, "20260231"),
		"unbalanced":       field(1, 11, "999999,99"),
		"gap in numbering": field(len(good)-1, 2, "100000"),
		"17 columns":       append(append([]string(nil), good[:2]...), strings.Join(strings.Split(good[2], "\t")[:17], "\t")),
		"not chronological": func() []string {
			out := append([]string(nil), good...)
			out[1], out[len(out)-1] = out[len(out)-1], out[1]
			return out
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ledger.CheckFEC(strings.NewReader(strings.Join(lines, "\r\n") + "\r\n"))
			var fe *ledger.FECError
			require.ErrorAs(t, err, &fe)
		})
	}
}
