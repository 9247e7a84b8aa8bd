package matching_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

func custID(n int) o2c.CustomerID {
	id, err := o2c.ParseCustomerID(fmt.Sprintf("0190b6a0-0000-7000-8000-c%011d", n))
	if err != nil {
		panic(err)
	}
	return id
}

// summary writes results out: decisions, proposals, confidences, reasons.
func summary(rs []matching.Result) []string {
	var out []string
	for _, r := range rs {
		s := fmt.Sprintf("%d %s %s:", r.Line, r.Decision, r.Customer)
		for _, p := range r.Proposals {
			s += fmt.Sprintf(" [%s %s %.6f unapplied %s", p.Kind, p.Customer, p.Confidence, p.Unapplied)
			for _, a := range p.Allocations {
				s += fmt.Sprintf(" %s %s/%s/%s", a.Number, a.Amount, a.Discount, a.WriteOff)
			}
			s += " (" + p.Reason() + ")]"
		}
		out = append(out, s)
	}
	return out
}

// An index kept current with Update matches exactly as one built afresh
// from the same input, whatever happened in between: invoices issued,
// paid in part or in full, disputed, reopened, payers learned, groups
// formed.
func TestIndexUpdateMatchesRebuild(t *testing.T) {
	custs := []matching.CustomerInfo{
		{ID: custID(1), Name: "Acme Industries SAS", IBANs: []string{"FR7630006000011234567890189"}},
		{ID: custID(2), Name: "Globex Trading Ltd", IBANs: []string{"DE89370400440532013000"}},
		{ID: custID(3), Name: "Initech GmbH"},
	}
	amounts := []string{"100.00", "250.00", "250.00", "480.00", "1200.00"}
	rapid.Check(t, func(t *rapid.T) {
		var in matching.Input
		in.Customers = custs
		ix, err := matching.NewIndex(in, matching.Options{Tolerance: testTolerance()})
		require.NoError(t, err)
		steps, issued := rapid.IntRange(1, 25).Draw(t, "steps"), 0
		for s := 0; s < steps; s++ {
			switch op := rapid.IntRange(0, 5).Draw(t, "op"); {
			case op <= 1 || len(in.Items) == 0: // issue
				issued++
				n := issued
				c := rapid.IntRange(0, len(custs)-1).Draw(t, "customer")
				gross := o2c.MustMoney(amounts[rapid.IntRange(0, len(amounts)-1).Draw(t, "amount")], "EUR")
				number := fmt.Sprintf("INV-2026-%06d", n)
				ref, _ := matching.RFReferenceForNumber(number)
				it := matching.Item{OpenItem: invoice.OpenItem{Invoice: o2c.MustParseID[invoice.Invoice](fmt.Sprintf("0190b6a0-0000-7000-8000-%012d", n)),
					Number: number, Kind: invoice.KindInvoice, Status: invoice.StateIssued, Customer: custs[c].ID,
					IssueDate: o2c.MustDate(2026, time.March, 1), DueDate: o2c.MustDate(2026, time.March, 31), Gross: gross, Open: gross,
					Disputed: o2c.Zero(o2c.EUR)}, Reference: ref}
				if rapid.Bool().Draw(t, "discount") {
					it.Discount = invoice.EarlyPaymentDiscount{Percent: decimal.NewFromInt(2), Days: 10}
				}
				if rapid.Bool().Draw(t, "po") {
					it.CustomerReference = fmt.Sprintf("PO-%05d", 7000+n)
				}
				in.Items = append(in.Items, it)
			case op == 2: // a payment: part or all
				k := rapid.IntRange(0, len(in.Items)-1).Draw(t, "paid")
				it := &in.Items[k]
				if rapid.Bool().Draw(t, "in full") {
					it.Open, it.Status = o2c.Zero(o2c.EUR), invoice.StatePaid
				} else if it.Open.IsPositive() {
					it.Open, _ = it.Open.Sub(o2c.MustMoney("50.00", "EUR"))
					it.Status = invoice.StatePartiallyPaid
					if !it.Open.IsPositive() {
						it.Open, it.Status = o2c.Zero(o2c.EUR), invoice.StatePaid
					}
				}
			case op == 3: // a dispute, or a payment reversed
				k := rapid.IntRange(0, len(in.Items)-1).Draw(t, "changed")
				it := &in.Items[k]
				if rapid.Bool().Draw(t, "dispute") {
					it.Status = invoice.StateDisputed
				} else {
					it.Open, it.Status = it.Gross, invoice.StateIssued
				}
			case op == 4: // a payer learned
				c := rapid.IntRange(0, len(custs)-1).Draw(t, "learned")
				m := matching.Mapping{Kind: matching.MappingName, Key: "acme"}
				m.Record(matching.MappingEvidence{Kind: matching.MappingName, Key: "acme", Customer: custs[c].ID})
				m.Record(matching.MappingEvidence{Kind: matching.MappingName, Key: "acme", Customer: custs[c].ID})
				in.Mappings = []matching.Mapping{m}
			default: // a group formed or dissolved
				if len(in.Groups) == 0 {
					in.Groups = [][]o2c.CustomerID{{custs[1].ID, custs[2].ID}}
				} else {
					in.Groups = nil
				}
			}
			if rapid.Bool().Draw(t, "drop settled") { // a store lists open items only
				var open []matching.Item
				for _, it := range in.Items {
					if it.Status.IsOpen() {
						open = append(open, it)
					}
				}
				in.Items = open
			}
			ix.Update(in)
			fresh, err := matching.NewIndex(in, matching.Options{Tolerance: testTolerance()})
			require.NoError(t, err)
			require.Equal(t, fresh.Len(), ix.Len(), "step %d: %d items", s, len(in.Items))
			var lines []matching.Line
			for _, it := range in.Items {
				iban := ""
				if ibans := custs[0].IBANs; rapid.Bool().Draw(t, "iban") {
					iban = ibans[0]
				}
				lines = append(lines, line(it.Gross.Amount().StringFixed(2), iban, "Payment "+it.Number),
					line(it.Open.Amount().StringFixed(2), iban, ""), line("50.00", iban, it.CustomerReference))
			}
			lines = append(lines, line("500.00", custs[1].IBANs[0], ""), line("250.00", custs[0].IBANs[0], "ACME"))
			require.Equal(t, summary(fresh.Match(lines)), summary(ix.Match(lines)))
		}
	})
}
