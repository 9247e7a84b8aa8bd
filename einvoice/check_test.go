package einvoice_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

func TestFromInvoiceRefusesDraftsAndMissingParties(t *testing.T) {
	d := draft(t, invoice.KindInvoice, invoice.Draft{Lines: []invoice.Line{line("A", "1", "10", tax.Standard, "20")}})
	_, err := einvoice.FromInvoice(d, buyer(), options())
	require.ErrorIs(t, err, o2c.ErrValidation)

	issued := issue(t, d, "F-1", o2c.MustDate(2026, 3, 2))
	opt := options()
	opt.Seller.Name = ""
	opt.Seller.VATNumber, opt.Seller.LegalID, opt.Seller.ID = "", "", ""
	_, err = einvoice.FromInvoice(issued, einvoice.Party{}, opt)
	var ve *o2c.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, field := range []string{"BT-27 seller name", "BT-44 buyer name", "BT-55 buyer country", "BT-31 seller VAT identifier"} {
		assert.ErrorContains(t, err, field)
	}
}

func TestCheckFindsBrokenSums(t *testing.T) {
	doc := corpus(t)[0].doc
	require.NoError(t, doc.Check())
	bad := *doc
	bad.Totals.Payable = bad.Totals.Payable.Add(decimal.RequireFromString("0.01"))
	err := bad.Check()
	require.ErrorContains(t, err, "BR-CO-16")
	_, err = einvoice.WriteCII(&bad)
	require.ErrorIs(t, err, o2c.ErrValidation)
	_, err = einvoice.WriteUBL(&bad)
	require.ErrorIs(t, err, o2c.ErrValidation)

	bad = *doc
	bad.VAT = append([]einvoice.VATBreakdown(nil), doc.VAT...)
	bad.VAT[0].Tax = bad.VAT[0].Tax.Add(decimal.NewFromInt(1))
	assert.ErrorContains(t, bad.Check(), "BR-CO-14")
	assert.False(t, errors.Is(doc.Check(), o2c.ErrValidation))
}

func TestFromInvoiceKeepsTheInvoiceFigures(t *testing.T) {
	for _, c := range corpus(t) {
		t.Run(c.name, func(t *testing.T) {
			d := c.doc
			assert.True(t, d.Totals.Payable.IsPositive(), "payable %s", d.Totals.Payable)
			switch c.name {
			case "final-deduction-line":
				assert.Equal(t, "2520.00", d.Totals.Payable.StringFixed(2)) // (3000-900) × 1.2
				assert.True(t, d.Totals.Prepaid.IsZero())
			case "final-prepaid":
				assert.Equal(t, "2520.00", d.Totals.Payable.StringFixed(2))
				assert.Equal(t, "1080.00", d.Totals.Prepaid.StringFixed(2)) // the deposit's gross
				assert.Equal(t, "3600.00", d.Totals.TaxInclusive.StringFixed(2))
			case "credit-note":
				assert.Equal(t, einvoice.TypeCreditNote, d.Type)
				require.Len(t, d.Preceding, 1)
				assert.Equal(t, "F-2026-0001", d.Preceding[0].Number)
			case "deposit":
				assert.Equal(t, einvoice.TypePrepayment, d.Type)
			case "instalments":
				assert.Contains(t, d.PaymentTerms, "2 instalments")
			case "standard":
				subjects := map[string]bool{}
				for _, n := range d.Notes {
					subjects[n.Subject] = true
				}
				assert.True(t, subjects["PMD"] && subjects["PMT"] && subjects["AAB"])
				assert.Contains(t, d.PaymentTerms, "Escompte de 2 %")
			}
		})
	}
}
