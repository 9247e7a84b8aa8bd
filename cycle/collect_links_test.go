package cycle_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

func payKeys(t *testing.T) *collect.Keyring {
	k, err := collect.NewKeyring(collect.Key{ID: "t1", Secret: bytes.Repeat([]byte("k"), 32)})
	require.NoError(t, err)
	return k
}

// TestLettersAndEInvoicesCarryAPayLink: with Collecting, every dunning
// letter links to a signed token covering its items, and an open
// invoice's e-invoice carries one in its payment means text (BT-82).
func TestLettersAndEInvoicesCarryAPayLink(t *testing.T) {
	ctx := context.Background()
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	n := dunning.NewMemoryNotifier()
	cfg := cycleConfig(st, clock, cycle.BillPerDelivery, n)
	cfg.Collecting = &cycle.Collecting{Keys: payKeys(t), PayURL: "https://pay.acme.example/p"}
	cfg.EInvoicing = &cycle.EInvoicing{Platform: &einvoice.MemoryPlatform{}, Options: einvoice.Options{
		Seller:  einvoice.Party{Name: "Acme SAS", VATNumber: "FR44732829320", Address: einvoice.Address{City: "Paris", Postcode: "75002", Country: "FR"}},
		Payment: einvoice.PaymentMeans{IBAN: "FR7630006000011234567890189"},
	}}
	c, err := cycle.New(cfg)
	require.NoError(t, err)
	cu, err := customer.New("acme", customer.Details{Number: "C-1", LegalName: "Boulangerie Martin SARL", VATNumber: "FR83404833048", Country: "FR",
		BillingAddress:  customer.Address{Lines: []string{"3 place du Marché"}, City: "Grenoble", Postcode: "38000"},
		BillingContacts: []customer.Contact{{Email: "compta@martin.example", Invoices: true, Reminders: true}}}, march2)
	require.NoError(t, err)
	require.NoError(t, c.Customers().Create(ctx, cu))
	inv, err := c.Invoices().CreateInvoice(ctx, invoice.Draft{Customer: cu.ID, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Prestation", Quantity: dec("1"), UnitPrice: eur("434.85"), TaxCategory: tax.OutOfScope}}})
	require.NoError(t, err)
	inv, err = c.Invoices().Issue(ctx, inv.ID(), o2c.MustDate(2026, time.March, 2))
	require.NoError(t, err)

	asOf := inv.DueDate().AddDays(8) // a Thursday
	clock.Set(asOf.Time().Add(9 * time.Hour))
	res, err := c.RunDunning(ctx, asOf)
	require.NoError(t, err)
	require.NotEmpty(t, n.Letters(), "%+v", res)
	d := n.Letters()[0]
	require.True(t, strings.HasPrefix(d.Letter.PayURL, "https://pay.acme.example/p?t=cc1.t1."), d.Letter.PayURL)
	assert.Contains(t, d.Rendered.Text, d.Letter.PayURL)
	tok, _ := url.QueryUnescape(strings.SplitN(d.Letter.PayURL, "?t=", 2)[1])
	owed, err := c.PayLinks().Resolve(ctx, tok)
	require.NoError(t, err)
	require.Len(t, owed.Lines, 1)
	assert.Equal(t, inv.Number(), owed.Lines[0].Number)
	assert.Equal(t, "434.85 EUR", owed.Due.String())
	assert.Equal(t, cu.ID, owed.Claims.Customer)

	doc, err := c.EInvoice(ctx, inv.ID())
	require.NoError(t, err)
	assert.Equal(t, "58", doc.Payment.Code)
	assert.Equal(t, inv.Number(), doc.Payment.Reference, "BT-83 stays the invoice number")
	require.True(t, strings.HasPrefix(doc.Payment.Text, "Pay online: https://pay.acme.example/p?t=cc1.t1."), doc.Payment.Text)
	xml, err := einvoice.WriteCII(doc)
	require.NoError(t, err)
	assert.Contains(t, string(xml), "<ram:Information>Pay online: https://pay.acme.example/p?t=cc1.t1.")
	etok, _ := url.QueryUnescape(strings.TrimPrefix(doc.Payment.Text, "Pay online: https://pay.acme.example/p?t="))
	c2, err := c.PayLinks().Verify(etok)
	require.NoError(t, err)
	assert.Equal(t, inv.DueDate().AddYears(1).Time(), c2.Expires, "an e-invoice's link lives a year past its due date")
}
