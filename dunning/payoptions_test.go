package dunning_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// payOptionsRun runs the French plan day by day until the first letter
// goes out for one customer with two overdue invoices, and returns it.
func payOptionsRun(t *testing.T, cfg func(*dunning.Config)) dunning.Delivery {
	t.Helper()
	ctx := context.Background()
	due := o2c.MustDate(2026, time.March, 2)
	clock := o2c.NewManualClock(due.Time().Add(8 * time.Hour))
	acme := memory.New(memory.WithClock(clock)).MustTenant("acme")
	cust := o2c.NewCustomerID()
	led := &ledger{credits: map[o2c.CustomerID]o2c.Money{}}
	led.add(openItem(cust, "FA-2026-0042", "1200.00", due.AddDays(-30), due))
	led.add(openItem(cust, "FA-2026-0043", "300.00", due.AddDays(-30), due))
	notifier := dunning.NewMemoryNotifier()
	c := dunning.Config{
		Store: acme.Dunning(), Tx: acme, Items: led, Credits: led, Notifier: notifier,
		Plans: []dunning.Plan{dunning.PlanFrance()}, DefaultPlan: "FR",
		Calendar: invoice.FrenchBusinessCalendar(), Rates: ecb,
		Creditor: dunning.Party{Name: "Acme SAS"}, DefaultLanguage: "fr", Clock: clock,
	}
	cfg(&c)
	svc, err := dunning.NewService(c)
	require.NoError(t, err)
	for d := due; !d.After(due.AddDays(40)); d = d.AddDays(1) {
		clock.Set(d.Time().Add(8 * time.Hour))
		_, err := svc.Run(ctx, d)
		require.NoError(t, err)
		if ls := notifier.Letters(); len(ls) > 0 {
			return ls[0]
		}
	}
	t.Fatal("no letter in 40 days")
	return dunning.Delivery{}
}

// A letter offers every way to pay the tenant has: the pay link, the
// creditor's account with the reference to quote per invoice, and the
// mandate signup page; in the text, the HTML and therefore the PDF.
func TestLetterOffersThePaymentOptions(t *testing.T) {
	refs := map[string]string{"FA-2026-0042": "RF18539007547034", "FA-2026-0043": "RF712348231"}
	d := payOptionsRun(t, func(c *dunning.Config) {
		c.PayURL = func(l dunning.Letter) string { return "https://pay.example/p?t=" + l.Key }
		c.Bank = &dunning.BankAccount{IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP"}
		c.ItemReference = func(n string) (string, error) { return refs[n], nil }
		c.MandateURL = func(_ context.Context, l dunning.Letter) string {
			return "https://acme.example/mandate/" + l.Customer.String()
		}
	})
	l := d.Letter
	require.NotNil(t, l.Bank)
	assert.Equal(t, "Acme SAS", l.Bank.Holder, "the holder defaults to the creditor")
	require.Len(t, l.Items, 2)
	for _, it := range l.Items {
		assert.Equal(t, refs[it.Number], it.Reference)
	}
	text := d.Rendered.Text
	assert.Contains(t, text, "Pour régler en ligne : https://pay.example/p?t=")
	assert.Contains(t, text, "Par virement à Acme SAS, IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP")
	assert.Contains(t, text, "facture FA-2026-0042 : RF18539007547034")
	assert.Contains(t, text, "facture FA-2026-0043 : RF712348231")
	assert.Contains(t, text, "signez un mandat : https://acme.example/mandate/"+l.Customer.String())
	assert.Contains(t, d.Rendered.HTML, `<a href="https://acme.example/mandate/`+l.Customer.String()+`">`)
	assert.Contains(t, d.Rendered.HTML, "RF18539007547034")
}

// Without options the letter says nothing about them; a customer the
// host offers no mandate page to gets no mandate line.
func TestLetterWithoutPaymentOptions(t *testing.T) {
	d := payOptionsRun(t, func(c *dunning.Config) {
		c.MandateURL = func(context.Context, dunning.Letter) string { return "" }
	})
	assert.Nil(t, d.Letter.Bank)
	assert.NotContains(t, d.Rendered.Text, "IBAN")
	assert.NotContains(t, d.Rendered.Text, "mandat")
	assert.NotContains(t, d.Rendered.Text, "en ligne")
}

// A wrong IBAN would send customers' money nowhere: refused at
// construction with a typed error naming the field.
func TestBankAccountIBANCheckedAtConstruction(t *testing.T) {
	acme := memory.New().MustTenant("acme")
	led := &ledger{credits: map[o2c.CustomerID]o2c.Money{}}
	_, err := dunning.NewService(dunning.Config{
		Store: acme.Dunning(), Tx: acme, Items: led, Credits: led, Notifier: dunning.NewMemoryNotifier(),
		Plans: []dunning.Plan{dunning.PlanFrance()}, DefaultPlan: "FR", Rates: ecb,
		Creditor: dunning.Party{Name: "Acme SAS"},
		Bank:     &dunning.BankAccount{IBAN: "FR7630006000011234567890188"}, // check digits off by one
	})
	var ve *o2c.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, "bank.iban", ve.Field)
}
