package order_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/tax"
)

// TestOrderTotalsAddUpAndInvoicesAgree draws random orders under every
// rounding policy, fulfils random parts of them, and checks that the
// order's totals add up (lines and tax breakdown to the document totals)
// and that an invoice of what is billable, computed by the same engine at
// the order's policy, has exactly the totals the order announces.
func TestOrderTotalsAddUpAndInvoicesAgree(t *testing.T) {
	rates := map[tax.Category][]string{tax.Standard: {"20", "10", "5.5", "2.1"}, tax.ZeroRated: {"0"}, tax.ReverseCharge: {"0"}}
	cats := []tax.Category{tax.Standard, tax.ZeroRated, tax.ReverseCharge}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "lines")
		specs := make([]order.LineSpec, n)
		for i := range specs {
			cat := rapid.SampledFrom(cats).Draw(t, "category")
			specs[i] = order.LineSpec{
				SKU:             "SKU",
				Quantity:        decimal.New(rapid.Int64Range(1, 100_000).Draw(t, "qty"), -rapid.Int32Range(0, 3).Draw(t, "qtyExp")),
				UnitPrice:       o2c.FromMinor(rapid.Int64Range(0, 5_000_000).Draw(t, "price"), o2c.EUR).Mul(decimal.New(1, -rapid.Int32Range(0, 2).Draw(t, "priceExp"))),
				DiscountPercent: decimal.New(rapid.Int64Range(0, 100).Draw(t, "disc"), 0),
				TaxCategory:     cat,
				TaxRate:         decimal.RequireFromString(rapid.SampledFrom(rates[cat]).Draw(t, "rate")),
			}
		}
		policy := tax.RoundingPolicy{
			Method: rapid.SampledFrom([]tax.Method{tax.PerDocument, tax.PerLine}).Draw(t, "method"),
			Mode:   rapid.SampledFrom([]o2c.RoundingMode{o2c.RoundHalfUp, o2c.RoundHalfEven, o2c.RoundDown}).Draw(t, "mode"),
		}
		o, err := order.New("acme", order.Details{Customer: o2c.NewCustomerID(), Currency: o2c.EUR, Lines: specs, Rounding: policy}, now)
		if err != nil {
			t.Fatal(err)
		}
		tot := o.Totals()
		var net, tx, gross, base, groupTax decimal.Decimal
		for _, l := range tot.Lines {
			net, tx, gross = net.Add(l.Net.Amount()), tx.Add(l.Tax.Amount()), gross.Add(l.Gross.Amount())
		}
		for _, s := range tot.Breakdown {
			base, groupTax = base.Add(s.Base.Amount()), groupTax.Add(s.Tax.Amount())
		}
		for name, pair := range map[string][2]decimal.Decimal{
			"lines net": {net, tot.Net.Amount()}, "lines tax": {tx, tot.Tax.Amount()}, "lines gross": {gross, tot.Gross.Amount()},
			"bases": {base, tot.Net.Amount()}, "group taxes": {groupTax, tot.Tax.Amount()},
			"net + tax": {tot.Net.Amount().Add(tot.Tax.Amount()), tot.Gross.Amount()},
		} {
			if !pair[0].Equal(pair[1]) {
				t.Fatalf("%s: %s != %s", name, pair[0], pair[1])
			}
		}

		// fulfil a random part of every line
		if err := o.Place(now, ""); err != nil {
			t.Fatal(err)
		}
		if err := o.Approve(now, ""); err != nil {
			t.Fatal(err)
		}
		var ship, deliver []order.LineQuantity
		for _, l := range o.Lines() {
			s := l.Quantity.Mul(decimal.New(rapid.Int64Range(1, 100).Draw(t, "shipPct"), -2)).Truncate(3)
			if !s.IsPositive() {
				continue
			}
			ship = append(ship, order.LineQuantity{Line: l.No, Quantity: s})
			if d := s.Mul(decimal.New(rapid.Int64Range(0, 100).Draw(t, "deliverPct"), -2)).Truncate(3); d.IsPositive() {
				deliver = append(deliver, order.LineQuantity{Line: l.No, Quantity: d})
			}
		}
		if len(ship) == 0 || len(deliver) == 0 {
			return
		}
		if err := o.Ship(now, "S", ship); err != nil {
			t.Fatal(err)
		}
		if err := o.ConfirmDelivery(now, "D", deliver); err != nil {
			t.Fatal(err)
		}
		var invoice []tax.Line
		var invoiced []order.LineQuantity
		for _, b := range o.Billable() {
			invoice = append(invoice, b.TaxLine())
			invoiced = append(invoiced, order.LineQuantity{Line: b.Line, Quantity: b.Quantity})
		}
		inv, err := tax.Compute(o.Currency(), invoice, o.Rounding())
		if err != nil {
			t.Fatal(err)
		}
		if bt := o.BillableTotals(); !bt.Gross.Equal(inv.Gross) || !bt.Tax.Equal(inv.Tax) || !bt.Net.Equal(inv.Net) {
			t.Fatalf("invoice totals %s/%s/%s, order says %s/%s/%s", inv.Net, inv.Tax, inv.Gross, bt.Net, bt.Tax, bt.Gross)
		}
		if !o.Exposure().UninvoicedDelivery.Equal(inv.Gross) {
			t.Fatalf("uninvoiced deliveries %s, invoice gross %s", o.Exposure().UninvoicedDelivery, inv.Gross)
		}
		if err := o.MarkInvoiced(now, "I", invoiced); err != nil {
			t.Fatal(err)
		}
		if !o.Exposure().UninvoicedDelivery.IsZero() || len(o.Billable()) != 0 {
			t.Fatal("an invoiced delivery is still billable")
		}
	})
}
