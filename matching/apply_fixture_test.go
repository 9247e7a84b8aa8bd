package matching_test

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// fixture is a tenant on the memory adapter with invoicing and cash
// application wired, and two customers.
type fixture struct {
	ctx      context.Context
	tenant   *memory.Store
	invoices *invoice.Service
	svc      *matching.Service
	acme     *customer.Customer // IBAN FR7630006000011234567890189
	globex   *customer.Customer // IBAN DE89370400440532013000
}

const (
	acmeIBAN   = "FR7630006000011234567890189"
	globexIBAN = "DE89370400440532013000"
)

func newFixture(opts matching.ServiceOptions) (*fixture, error) {
	ctx := context.Background()
	clock := o2c.NewManualClock(time.Date(2026, time.April, 1, 9, 0, 0, 0, time.UTC))
	db := memory.New(memory.WithClock(clock))
	tn := db.MustTenant("acme-corp")
	tol := invoice.Tolerance{Amounts: []o2c.Money{o2c.MustMoney("5.00", "EUR")}, Percent: decimal.NewFromInt(1)}
	inv, err := invoice.NewService(db, invoice.Stores{Invoices: tn.Invoices(), Payments: tn.Payments(), Numbers: tn.InvoiceNumbers()},
		invoice.Options{Clock: clock, Tolerance: tol})
	if err != nil {
		return nil, err
	}
	f := &fixture{ctx: ctx, tenant: tn, invoices: inv}
	mk := func(number, name, iban string) (*customer.Customer, error) {
		c, err := customer.New("acme-corp", customer.Details{Number: number, LegalName: name,
			BankAccounts: []customer.BankAccount{{IBAN: iban, Holder: name}}}, clock.Now())
		if err != nil {
			return nil, err
		}
		return c, tn.Customers().Create(ctx, c)
	}
	if f.acme, err = mk("C-1", "Acme Industries SAS", acmeIBAN); err != nil {
		return nil, err
	}
	if f.globex, err = mk("C-2", "Globex Handel GmbH", globexIBAN); err != nil {
		return nil, err
	}
	opts.Clock = clock
	opts.Engine.Tolerance = tol
	f.svc, err = matching.NewService(db, matching.Stores{Matching: tn.Matching(), Invoices: tn.Invoices(), Customers: tn.Customers()}, inv, opts)
	return f, err
}

// issue creates and issues an invoice of net (taxed at 20 %) on date.
func (f *fixture) issue(c *customer.Customer, net string, date o2c.Date, terms invoice.Terms) (*invoice.Invoice, error) {
	d, err := f.invoices.CreateInvoice(f.ctx, invoice.Draft{Customer: c.ID, Currency: o2c.EUR, Terms: terms,
		Lines: []invoice.Line{{Description: "Goods", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney(net, "EUR"),
			TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}}})
	if err != nil {
		return nil, err
	}
	return f.invoices.Issue(f.ctx, d.ID(), date)
}

func (f *fixture) get(id invoice.ID) *invoice.Invoice {
	inv, err := f.tenant.Invoices().Get(f.ctx, id)
	if err != nil {
		return nil
	}
	return inv
}

func statement(id string, lines ...matching.Line) matching.Statement {
	return matching.Statement{Format: matching.FormatCAMT053, ID: id, AccountIBAN: "FR7611111111111111111111111", Currency: o2c.EUR,
		From: o2c.MustDate(2026, time.April, 2), To: o2c.MustDate(2026, time.April, 2), Lines: lines}
}

func credit(amount, name, iban, text, bankRef string) matching.Line {
	d := o2c.MustDate(2026, time.April, 2)
	return matching.Line{BookingDate: d, ValueDate: d, Amount: o2c.MustMoney(amount, "EUR"), Direction: matching.Credit,
		CounterpartyName: name, CounterpartyIBAN: iban, RemittanceText: text, BankReference: bankRef}
}

var april1 = o2c.MustDate(2026, time.April, 1)
