package einvoice_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// TestDraftFromReadDocuments: a document read back from CII becomes an
// invoice draft whose totals are the document's; one the model cannot
// express exactly is refused by name.
func TestDraftFromReadDocuments(t *testing.T) {
	for _, c := range corpus(t) {
		t.Run(c.name, func(t *testing.T) {
			cii, err := einvoice.WriteCII(c.doc)
			require.NoError(t, err)
			doc, err := einvoice.ReadCII(cii)
			require.NoError(t, err)
			policy := tax.RoundingPolicy{}
			if c.name == "instalments" {
				policy = tax.RoundingPolicy{Method: tax.PerLine, Mode: o2c.RoundHalfEven}
			}
			dr, err := doc.Draft(o2c.NewCustomerID(), invoice.NetTerms(30), policy)
			switch c.name {
			case "allowances-charges":
				require.ErrorIs(t, err, o2c.ErrValidation)
				assert.ErrorContains(t, err, "BG-20")
				return
			}
			require.NoError(t, err)
			var kind invoice.Kind = invoice.KindInvoice
			if c.name == "deposit" {
				kind = invoice.KindDeposit
			}
			inv, err := invoice.NewDraft("acme", kind, dr, now)
			if c.name == "final-deduction-line" {
				// a negative line deducts a deposit invoice of this
				// system, which a foreign document cannot name
				require.ErrorIs(t, err, o2c.ErrValidation)
				assert.ErrorContains(t, err, "quantity")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, doc.Totals.TaxInclusive.StringFixed(2), inv.Gross().AmountString())
		})
	}

	doc := corpus(t)[0].doc
	bad := *doc
	bad.Totals.Tax = bad.Totals.Tax.Add(decimalOne)
	bad.Totals.TaxInclusive = bad.Totals.TaxInclusive.Add(decimalOne)
	_, err := bad.Draft(o2c.NewCustomerID(), invoice.NetTerms(30), tax.RoundingPolicy{})
	assert.ErrorContains(t, err, "BT-110")
}
