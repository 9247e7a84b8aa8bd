package invoice

import (
	"context"
	"fmt"
	"regexp"

	"github.com/cashcycle/sdk/o2c"
)

// NumberStore hands out document numbers: one gapless, strictly
// increasing sequence per tenant (the store's) and series. Adapters keep a
// row per series and draw under the row's lock, inside the caller's
// transaction, so a number drawn by an issue that rolls back is drawn again
// by the next issue: no gap, no repeat, whatever the concurrency.
// [github.com/cashcycle/sdk/invoice/invoicetest] proves it for each adapter.
type NumberStore interface {
	// TenantID returns the tenant the store is bound to.
	TenantID() o2c.TenantID
	// Next draws the next number of series: 1 for a new series, then one
	// more than the last number drawn by a committed transaction. It joins
	// the transaction carried by ctx (see o2c.Transactor). A series must
	// pass [CheckSeries] (a *o2c.ValidationError otherwise).
	Next(ctx context.Context, series string) (int64, error)
	// Last returns the last number drawn in series, 0 if none.
	Last(ctx context.Context, series string) (int64, error)
}

// seriesPattern is what a series name may look like: 1 to 64 letters,
// digits, '-', '_', '/' and '.'.
var seriesPattern = regexp.MustCompile(`^[A-Za-z0-9/._-]{1,64}$`)

// CheckSeries returns a *o2c.ValidationError unless series is 1 to 64
// letters, digits, '-', '_', '/' and '.'. Stores call it.
func CheckSeries(series string) error {
	if !seriesPattern.MatchString(series) {
		return invalid("series", "must be 1-64 letters, digits, '-', '_', '/' or '.'", series)
	}
	return nil
}

// NumberFormat is how numbers of one kind of document look. With Prefix
// "INV", Yearly and Width 6, the 123rd invoice of 2026 is INV-2026-000123
// and the series restarts at 1 in 2027 (series "INV-2026", "INV-2027").
// Without Yearly the series is the prefix alone and never restarts
// (INV-000123).
type NumberFormat struct {
	// Prefix starts every number: 1 to 16 letters, digits, '-', '_', '/'.
	Prefix string `json:"prefix"`
	// Yearly puts the issue year in the number and restarts the sequence
	// each year.
	Yearly bool `json:"yearly"`
	// Width is the minimum number of digits, zero-padded (1 to 12; 0
	// means 6). Numbers past the width keep all their digits.
	Width int `json:"width"`
}

var prefixPattern = regexp.MustCompile(`^[A-Za-z0-9/_-]{1,16}$`)

// Validate checks the prefix and the width.
func (f NumberFormat) Validate() error {
	if !prefixPattern.MatchString(f.Prefix) {
		return invalid("numbering.prefix", "must be 1-16 letters, digits, '-', '_' or '/'", f.Prefix)
	}
	if f.Width < 0 || f.Width > 12 {
		return invalid("numbering.width", "must be from 1 to 12 (0 means 6)", fmt.Sprint(f.Width))
	}
	return nil
}

// Series returns the series a document issued in year draws from.
func (f NumberFormat) Series(year int) string {
	if f.Yearly {
		return fmt.Sprintf("%s-%04d", f.Prefix, year)
	}
	return f.Prefix
}

// Format returns the n-th number of the series for year.
func (f NumberFormat) Format(year int, n int64) string {
	w := f.Width
	if w == 0 {
		w = 6
	}
	return fmt.Sprintf("%s-%0*d", f.Series(year), w, n)
}

// Numbering gives each kind of document its number format. A zero field
// takes its default: invoices INV-2026-000001, credit notes CN-2026-000001,
// deposit invoices in the invoices' series (French practice: one
// chronological sequence for all invoices).
type Numbering struct {
	Invoice    NumberFormat `json:"invoice"`
	CreditNote NumberFormat `json:"credit_note"`
	Deposit    NumberFormat `json:"deposit"`
}

// For returns the format of kind k, with defaults applied.
func (n Numbering) For(k Kind) NumberFormat {
	def := NumberFormat{Prefix: "INV", Yearly: true, Width: 6}
	switch k {
	case KindCreditNote:
		if n.CreditNote.Prefix != "" {
			return n.CreditNote
		}
		return NumberFormat{Prefix: "CN", Yearly: true, Width: 6}
	case KindDeposit:
		if n.Deposit.Prefix != "" {
			return n.Deposit
		}
		if n.Invoice.Prefix != "" {
			return n.Invoice
		}
		return def
	default:
		if n.Invoice.Prefix != "" {
			return n.Invoice
		}
		return def
	}
}

// Validate checks each format in use.
func (n Numbering) Validate() error {
	for _, k := range []Kind{KindInvoice, KindCreditNote, KindDeposit} {
		if err := n.For(k).Validate(); err != nil {
			return prefixField(string(k), err)
		}
	}
	return nil
}
