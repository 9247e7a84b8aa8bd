package cycle_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
)

// TestLettersOfferTransferAndMandate: with Collecting, a letter offers the
// pay link, the creditor's account with each invoice's RF reference (the
// one matching recognises on the way back), and the host's mandate
// signup page, except to a customer who already has a usable mandate.
func TestLettersOfferTransferAndMandate(t *testing.T) {
	ctx := context.Background()
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	letters := dunning.NewMemoryNotifier()
	cfg := cycleConfig(st, clock, cycle.BillPerDelivery, letters)
	cfg.Collecting = &cycle.Collecting{Keys: payKeys(t), PayURL: "https://pay.acme.example/p",
		Creditor: sepa.Party{Name: "Acme SAS", IBAN: creditorIBAN, BIC: "AGRIFRPP"}, PreNotifier: &preNotices{},
		CutOff:     collect.CutOff{Hour: 16},
		MandateURL: func(c o2c.CustomerID) string { return "https://acme.example/mandate?c=" + c.String() }}
	c, err := cycle.New(cfg)
	require.NoError(t, err)
	h := &ddHarness{t: t, c: c, clock: clock, notices: &preNotices{}, letters: letters}
	plain := newCustomer(t, c, "acme", clock.Now(), 1, "100000.00")
	debited, _ := h.customerWithMandate(2, "DE89370400440532013000")
	inv1 := h.invoice(plain.ID, "434.85")
	h.invoice(debited.ID, "200.00")

	asOf := inv1.DueDate().AddDays(8)
	clock.Set(asOf.Time().Add(9 * time.Hour))
	_, err = c.RunDunning(ctx, asOf)
	require.NoError(t, err)
	byCustomer := map[o2c.CustomerID]dunning.Delivery{}
	for _, d := range letters.Letters() {
		byCustomer[d.Letter.Customer] = d
	}
	require.Len(t, byCustomer, 2)

	d := byCustomer[plain.ID]
	require.NotNil(t, d.Letter.Bank)
	assert.Equal(t, creditorIBAN, d.Letter.Bank.IBAN)
	want, err := matching.RFReferenceForNumber(inv1.Number())
	require.NoError(t, err)
	require.Len(t, d.Letter.Items, 1)
	assert.Equal(t, want, d.Letter.Items[0].Reference)
	assert.True(t, matching.ValidRF(d.Letter.Items[0].Reference))
	assert.Contains(t, d.Rendered.Text, want)
	assert.Contains(t, d.Rendered.Text, "FR76 3000 6000 0112 3456 7890 189")
	assert.Equal(t, "https://acme.example/mandate?c="+plain.ID.String(), d.Letter.MandateURL)
	assert.Contains(t, d.Rendered.Text, d.Letter.MandateURL)
	assert.Contains(t, d.Rendered.Text, d.Letter.PayURL)

	d = byCustomer[debited.ID]
	assert.Empty(t, d.Letter.MandateURL, "a customer with a usable mandate is not asked to sign another")
	assert.NotContains(t, d.Rendered.Text, "https://acme.example/mandate")
}
