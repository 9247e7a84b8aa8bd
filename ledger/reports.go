package ledger

import (
	"fmt"
	"slices"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// LineRef names one line of one entry: the entry's key and seq, and the
// line's index.
type LineRef struct {
	Key  string
	Seq  int
	Line int
}

// Lettering is the letter code a line was given and the date of the entry
// that completed the group (FEC EcritureLet, DateLet).
type Lettering struct {
	Code string
	Date o2c.Date
}

// Letters letters the receivable account (account) of entries, given in
// posting order: per customer, lines are taken in that order and, each
// time the customer's unlettered lines on the account add up to zero, they
// all get the next code (AAA, AAB, ...; codes run per account). This is
// the French "lettrage" at its simplest: an invoice and the payments that
// settle it share a code once the customer owes nothing more on them.
// Lines of a customer whose balance has not returned to zero stay
// unlettered.
func Letters(entries []Entry, account string) map[LineRef]Lettering {
	type open struct {
		refs []LineRef
		sum  decimal.Decimal
	}
	pending := map[string]*open{}
	out := map[LineRef]Lettering{}
	next := 0
	for _, e := range entries {
		for i, l := range e.Lines {
			if l.Account != account || l.Customer == "" {
				continue
			}
			o := pending[l.Customer]
			if o == nil {
				o = &open{}
				pending[l.Customer] = o
			}
			o.refs = append(o.refs, LineRef{e.Key, e.Seq, i})
			o.sum = o.sum.Add(l.Signed())
			if o.sum.IsZero() {
				code := letterCode(next)
				next++
				for _, r := range o.refs {
					out[r] = Lettering{Code: code, Date: e.Date}
				}
				delete(pending, l.Customer)
			}
		}
	}
	return out
}

// letterCode returns the n-th code: AAA, AAB, ..., ZZZ, AAAA, ...
func letterCode(n int) string {
	width, span := 3, 26*26*26
	for n >= span {
		n -= span
		width++
		span *= 26
	}
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('A' + n%26)
		n /= 26
	}
	return string(b)
}

// TrialRow is one account of a trial balance: its debits and credits in
// the period and the balance (debits − credits; negative: a credit
// balance).
type TrialRow struct {
	Account string    `json:"account"`
	Name    string    `json:"name"`
	Debit   o2c.Money `json:"debit"`
	Credit  o2c.Money `json:"credit"`
	Balance o2c.Money `json:"balance"`
}

// TrialBalance is the trial balance of a period: a row per account moved
// in it, in account order, and the totals. Debit always equals Credit.
type TrialBalance struct {
	From, To o2c.Date
	Rows     []TrialRow
	Debit    o2c.Money
	Credit   o2c.Money
}

// Balanced reports whether total debits equal total credits.
func (t TrialBalance) Balanced() bool { return t.Debit.Equal(t.Credit) }

// TrialBalance sums entries dated from from to to (both included; a zero
// bound is open) per account. Names come from the book's chart.
func (b *Book) TrialBalance(entries []Entry, from, to o2c.Date) TrialBalance {
	fc := b.cfg.Functional
	type acc struct{ d, c decimal.Decimal }
	sums := map[string]*acc{}
	for _, e := range entries {
		if (!from.IsZero() && e.Date.Before(from)) || (!to.IsZero() && e.Date.After(to)) {
			continue
		}
		for _, l := range e.Lines {
			a := sums[l.Account]
			if a == nil {
				a = &acc{}
				sums[l.Account] = a
			}
			a.d = a.d.Add(l.Debit.Amount())
			a.c = a.c.Add(l.Credit.Amount())
		}
	}
	t := TrialBalance{From: from, To: to, Debit: o2c.Zero(fc), Credit: o2c.Zero(fc)}
	var td, tc decimal.Decimal
	for n, a := range sums {
		acct, _ := b.cfg.Chart.Account(n)
		t.Rows = append(t.Rows, TrialRow{Account: n, Name: acct.Name, Debit: money(a.d, fc), Credit: money(a.c, fc), Balance: money(a.d.Sub(a.c), fc)})
		td, tc = td.Add(a.d), tc.Add(a.c)
	}
	sort.Slice(t.Rows, func(i, j int) bool { return t.Rows[i].Account < t.Rows[j].Account })
	t.Debit, t.Credit = money(td, fc), money(tc, fc)
	return t
}

// String formats the trial balance as a fixed-width table.
func (t TrialBalance) String() string {
	s := fmt.Sprintf("%-8s %-40s %14s %14s %14s\n", "Account", "Name", "Debit", "Credit", "Balance")
	for _, r := range t.Rows {
		name := r.Name
		if len([]rune(name)) > 40 {
			name = string([]rune(name)[:39]) + "…"
		}
		s += fmt.Sprintf("%-8s %-40s %14s %14s %14s\n", r.Account, name, r.Debit.AmountString(), r.Credit.AmountString(), r.Balance.AmountString())
	}
	s += fmt.Sprintf("%-8s %-40s %14s %14s\n", "", "Total", t.Debit.AmountString(), t.Credit.AmountString())
	return s
}

func money(d decimal.Decimal, cur o2c.Currency) o2c.Money {
	m, _ := o2c.MoneyOf(d, cur)
	return m
}

// Balances returns, per customer, the balance (debits − credits) of
// account in entries dated up to asOf (zero: all), in the functional
// currency.
func Balances(entries []Entry, account string, asOf o2c.Date) map[string]decimal.Decimal {
	out := map[string]decimal.Decimal{}
	for _, e := range entries {
		if !asOf.IsZero() && e.Date.After(asOf) {
			continue
		}
		for _, l := range e.Lines {
			if l.Account == account {
				out[l.Customer] = out[l.Customer].Add(l.Signed())
			}
		}
	}
	return out
}

// AgeBucket holds ages (days past due) within [Min, Max]; use
// math.MinInt32 and math.MaxInt32 for open ends, like report.Bucket.
type AgeBucket struct {
	Label    string
	Min, Max int
}

// AgedRow is a customer's open receivables per bucket, in the document
// currency.
type AgedRow struct {
	Customer string
	Currency o2c.Currency
	Amounts  []decimal.Decimal
	Total    decimal.Decimal
}

// AgedReceivable is the aged receivable ledger computed from the general
// ledger alone: the receivable account's lines dated up to asOf, summed
// per document and instalment due date (each receivable line names its
// document and the due date of the instalment it concerns; a line without
// a due date settles the document's earliest instalments first), aged by
// days past the due date. What is open is in the document's currency.
// Instalments with nothing open, and documents with credit (an unused
// credit note), are left out, as in the receivables aging. Rows are per
// customer and currency, sorted.
func AgedReceivable(entries []Entry, account string, asOf o2c.Date, buckets []AgeBucket) []AgedRow {
	type docAcc struct {
		customer string
		cur      o2c.Currency
		byDue    map[o2c.Date]decimal.Decimal
		undated  decimal.Decimal
	}
	docs := map[string]*docAcc{}
	var order []string
	for _, e := range entries {
		if e.Date.After(asOf) {
			continue
		}
		for _, l := range e.Lines {
			if l.Account != account || l.Document == "" {
				continue
			}
			d := docs[l.Document]
			if d == nil {
				d = &docAcc{customer: l.Customer, cur: l.Amount.Currency(), byDue: map[o2c.Date]decimal.Decimal{}}
				docs[l.Document] = d
				order = append(order, l.Document)
			}
			amt := l.Amount.Amount()
			if l.Credit.IsPositive() {
				amt = amt.Neg()
			}
			if l.DueDate.IsZero() {
				d.undated = d.undated.Add(amt)
			} else {
				d.byDue[l.DueDate] = d.byDue[l.DueDate].Add(amt)
			}
		}
	}
	rows := map[string]*AgedRow{}
	for _, id := range order {
		d := docs[id]
		dues := make([]o2c.Date, 0, len(d.byDue))
		for due := range d.byDue {
			dues = append(dues, due)
		}
		slices.SortFunc(dues, func(a, b o2c.Date) int { return a.Compare(b) })
		left := d.undated.Neg() // undated credits, taken earliest first
		for _, due := range dues {
			open := d.byDue[due]
			if take := decimal.Min(open, left); take.IsPositive() {
				open, left = open.Sub(take), left.Sub(take)
			}
			if !open.IsPositive() {
				continue
			}
			k := d.customer + "|" + d.cur.Code()
			r := rows[k]
			if r == nil {
				r = &AgedRow{Customer: d.customer, Currency: d.cur, Amounts: make([]decimal.Decimal, len(buckets))}
				rows[k] = r
			}
			age := due.DaysUntil(asOf)
			for bi, bk := range buckets {
				if age >= bk.Min && age <= bk.Max {
					r.Amounts[bi] = r.Amounts[bi].Add(open)
					break
				}
			}
			r.Total = r.Total.Add(open)
		}
	}
	out := make([]AgedRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Customer != out[j].Customer {
			return out[i].Customer < out[j].Customer
		}
		return out[i].Currency.Code() < out[j].Currency.Code()
	})
	return out
}
