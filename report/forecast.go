package report

import (
	"sort"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// PaymentProfile is how late a customer pays in one currency, learnt from
// the payments recorded on or before the forecast date.
type PaymentProfile struct {
	Customer o2c.CustomerID
	Currency o2c.Currency
	// DaysLate is the amount-weighted average of (payment date − due
	// date) over the customer's payments, rounded to whole days half up
	// (negative: pays early). For customers without history it is the
	// forecast's default and Default is true.
	DaysLate int
	Default  bool
	// Paid is the amount of payments the average is taken over.
	Paid     o2c.Money
	Payments int
}

// ForecastOptions configure a forecast. The zero value works.
type ForecastOptions struct {
	// DefaultDaysLate is assumed for a customer without payment history
	// in the item's currency (default 0: pays on the due date).
	DefaultDaysLate int
}

// ForecastItem is one open due line and when its cash is expected.
type ForecastItem struct {
	Invoice invoice.ID
	// Seq is the due line (instalment) of the invoice.
	Seq      int
	Number   string
	Customer o2c.CustomerID
	DueDate  o2c.Date
	Expected o2c.Date
	Amount   o2c.Money
}

// CashIn is the cash expected on one day in one currency.
type CashIn struct {
	Date   o2c.Date
	Amount o2c.Money
	Items  int
}

// Forecast is the expected cash-in from the items open as of AsOf.
type Forecast struct {
	AsOf     o2c.Date
	Profiles []PaymentProfile // customer, then currency order
	Items    []ForecastItem   // expected date, then invoice number order
	// ByDate sums Items per expected date and currency, in date then
	// currency code order.
	ByDate []CashIn
}

// CashForecast forecasts when the items open as of asOf will be paid:
// each item's open amount is expected on its due date plus its customer's
// [PaymentProfile].DaysLate in the item's currency (learnt from payments
// dated on or before asOf and not reversed by then), but never before
// asOf+1 (what is still open at the end of asOf is not paid by then).
// Disputed amounts are forecast like the rest.
func CashForecast(items []Item, asOf o2c.Date, opts ForecastOptions) (Forecast, error) {
	if asOf.IsZero() {
		return Forecast{}, o2c.NewValidationError("as_of", "is required")
	}
	if err := validateItems(items); err != nil {
		return Forecast{}, err
	}
	type pk struct {
		cust o2c.CustomerID
		cur  o2c.Currency
	}
	type hist struct {
		weighted, paid decimal.Decimal
		n              int
	}
	hs := map[pk]*hist{}
	for i := range items {
		it := &items[i]
		for _, m := range it.Movements {
			if m.Kind != MovementPayment || !m.activeOn(asOf) {
				continue
			}
			k := pk{it.Customer, it.Currency}
			h := hs[k]
			if h == nil {
				h = &hist{}
				hs[k] = h
			}
			late := decimal.NewFromInt(int64(it.DueDate.DaysUntil(m.Date)))
			h.weighted = h.weighted.Add(late.Mul(m.Amount.Amount()))
			h.paid = h.paid.Add(m.Amount.Amount())
			h.n++
		}
	}
	profiles := map[pk]PaymentProfile{}
	profile := func(k pk) PaymentProfile {
		if p, ok := profiles[k]; ok {
			return p
		}
		p := PaymentProfile{Customer: k.cust, Currency: k.cur, DaysLate: opts.DefaultDaysLate, Default: true, Paid: o2c.Zero(k.cur)}
		if h := hs[k]; h != nil && h.paid.IsPositive() {
			avg := o2c.RoundHalfUp.Round(h.weighted.DivRound(h.paid, 16), 0)
			p.DaysLate, p.Default, p.Paid, p.Payments = int(avg.IntPart()), false, money(h.paid, k.cur), h.n
		}
		profiles[k] = p
		return p
	}
	for k := range hs {
		profile(k)
	}
	f := Forecast{AsOf: asOf}
	earliest := asOf.AddDays(1)
	type dk struct {
		d   o2c.Date
		cur o2c.Currency
	}
	sums := map[dk]*CashIn{}
	for i := range items {
		it := &items[i]
		if it.IssueDate.After(asOf) {
			continue
		}
		open := it.openAt(asOf)
		if !open.IsPositive() {
			continue
		}
		p := profile(pk{it.Customer, it.Currency})
		exp := it.DueDate.AddDays(p.DaysLate)
		if exp.Before(earliest) {
			exp = earliest
		}
		amt := money(open, it.Currency)
		f.Items = append(f.Items, ForecastItem{Invoice: it.Invoice, Seq: it.Seq, Number: it.Number, Customer: it.Customer, DueDate: it.DueDate, Expected: exp, Amount: amt})
		k := dk{exp, it.Currency}
		c := sums[k]
		if c == nil {
			c = &CashIn{Date: exp, Amount: o2c.Zero(it.Currency)}
			sums[k] = c
		}
		c.Amount, _ = c.Amount.Add(amt)
		c.Items++
	}
	sort.SliceStable(f.Items, func(i, j int) bool {
		a, b := f.Items[i], f.Items[j]
		if a.Expected != b.Expected {
			return a.Expected.Before(b.Expected)
		}
		if a.Number != b.Number {
			return a.Number < b.Number
		}
		return a.Seq < b.Seq
	})
	for _, c := range sums {
		f.ByDate = append(f.ByDate, *c)
	}
	sort.Slice(f.ByDate, func(i, j int) bool {
		a, b := f.ByDate[i], f.ByDate[j]
		if a.Date != b.Date {
			return a.Date.Before(b.Date)
		}
		return a.Amount.Currency().Code() < b.Amount.Currency().Code()
	})
	for _, p := range profiles {
		f.Profiles = append(f.Profiles, p)
	}
	sort.Slice(f.Profiles, func(i, j int) bool {
		a, b := f.Profiles[i], f.Profiles[j]
		if a.Customer != b.Customer {
			return a.Customer.String() < b.Customer.String()
		}
		return a.Currency.Code() < b.Currency.Code()
	})
	return f, nil
}
