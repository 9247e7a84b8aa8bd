package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/shopspring/decimal"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// demoCustomer is a customer of the demo and its invoices. Dates are
// counted from the run date, so that the demo tells the same story for
// any -date.
type demoCustomer struct {
	details  customer.Details
	invoices []demoInvoice
}

type demoInvoice struct {
	net      string // taxed at 20 %
	dueIn    int    // days from the run date to the due date (negative: overdue)
	paid     string // paid on account, when not empty
	disputed bool   // fully disputed by the customer
}

func demoCustomers() []demoCustomer {
	fr := func(number, name, street, postcode, city, email string) customer.Details {
		return customer.Details{Number: number, LegalName: name, Country: "FR", Language: "fr", Currency: o2c.EUR,
			BillingAddress:  customer.Address{Lines: []string{street}, Postcode: postcode, City: city},
			BillingContacts: []customer.Contact{{Name: "Comptabilité fournisseurs", Email: email, Invoices: true, Reminders: true}}}
	}
	uk := func(number, name, street, postcode, city, email string, cur o2c.Currency) customer.Details {
		return customer.Details{Number: number, LegalName: name, Country: "GB", Language: "en", Currency: cur, Segment: "UK",
			BillingAddress:  customer.Address{Lines: []string{street}, Postcode: postcode, City: city},
			BillingContacts: []customer.Contact{{Name: "Accounts payable", Email: email, Invoices: true, Reminders: true}}}
	}
	return []demoCustomer{
		// two reminders already sent: the formal notice is due, with
		// interest and the 40 EUR indemnity per invoice
		{fr("C-001", "Dupont SARL", "3 place Bellecour", "69002", "Lyon", "compta@dupont.example"),
			[]demoInvoice{{net: "1500.00", dueIn: -39}, {net: "500.00", dueIn: -8}}},
		// partly paid, a courtesy note sent before the due date: first reminder
		{fr("C-002", "Martin et Fils SAS", "18 rue Nationale", "59000", "Lille", "factures@martin.example"),
			[]demoInvoice{{net: "950.00", dueIn: -12, paid: "400.00"}}},
		// the only invoice is disputed: no letter
		{fr("C-003", "Bernard Logistique", "7 quai de la Fosse", "44000", "Nantes", "ap@bernard.example"),
			[]demoInvoice{{net: "2000.00", dueIn: -20, disputed: true}}},
		// English preset: first reminder sent, second due
		{uk("C-004", "Harbour Trading Ltd", "1 Dock Road", "E16 1AA", "London", "ap@harbour.example", o2c.GBP),
			[]demoInvoice{{net: "1250.00", dueIn: -25}}},
		// English preset: due in two days, a courtesy reminder
		{uk("C-005", "Northwind Ltd", "22 King Street", "M2 4WU", "Manchester", "finance@northwind.example", o2c.GBP),
			[]demoInvoice{{net: "400.00", dueIn: 2}}},
		// nothing due for weeks: not dunned
		{fr("C-006", "Leroy Services", "5 cours Mirabeau", "13100", "Aix-en-Provence", "compta@leroy.example"),
			[]demoInvoice{{net: "300.00", dueIn: 30}}},
	}
}

// earlierRuns are the days, counted back from the run date, on which the
// demo tenant ran dunning before: their letters are the history that puts
// customers at their current levels.
var earlierRuns = []int{-29, -19, -15}

// seed creates the demo customers, issues their invoices, records the
// partial payment and the dispute, assigns the English plan to the UK
// segment and runs dunning on the earlier days with history (a service
// whose notifier only accepts the letters).
func seed(ctx context.Context, w io.Writer, tn *sqlstore.Store, tx o2c.Transactor, history *dunning.Service, calendar invoice.BusinessCalendar, asOf o2c.Date) error {
	fmt.Fprintf(w, "seeding tenant %s with demo customers and invoices (dates counted from %s)\n", tn.TenantID(), asOf)
	invoices, err := invoice.NewService(tx, invoice.Stores{Invoices: tn.Invoices(), Payments: tn.Payments(), Numbers: tn.InvoiceNumbers()}, invoice.Options{})
	if err != nil {
		return err
	}
	if err := tn.Dunning().SaveAssignment(ctx, &dunning.Assignment{Kind: dunning.AssignSegment, Key: "UK", Plan: "EN"}); err != nil {
		return err
	}
	for _, dc := range demoCustomers() {
		c, err := customer.New(tn.TenantID(), dc.details, time.Now())
		if err != nil {
			return err
		}
		if err := tn.Customers().Create(ctx, c); err != nil {
			return err
		}
		for _, di := range dc.invoices {
			inv, err := issue(ctx, invoices, c, di, asOf)
			if err != nil {
				return err
			}
			note := ""
			if di.paid != "" {
				if err := payOnAccount(ctx, invoices, inv, di.paid, asOf); err != nil {
					return err
				}
				note = fmt.Sprintf(", %s %s paid on account", di.paid, c.Currency.Code())
			}
			if di.disputed {
				if _, err := invoices.OpenDispute(ctx, inv.ID(), invoice.DisputeInput{Amount: inv.Gross(), Reason: invoice.ReasonQuality,
					Notes: "goods damaged on delivery", Actor: "customer service"}); err != nil {
					return err
				}
				note = ", disputed in full"
			}
			fmt.Fprintf(w, "  %s %-20s (%s) %s %12s due %s%s\n", c.Number, c.LegalName, c.Language, inv.Number(), inv.Gross(), inv.DueDate(), note)
		}
	}
	for _, days := range earlierRuns {
		day := previousBusinessDay(calendar, asOf.AddDays(days))
		res, err := history.Run(ctx, day)
		if err != nil {
			return fmt.Errorf("earlier run of %s: %w", day, err)
		}
		fmt.Fprintf(w, "  earlier run of %s: %s sent then\n", day, plural(len(res.Written), "letter"))
	}
	return nil
}

// issue creates and issues the invoice so that it falls due dueIn days
// from the run date (30 days net).
func issue(ctx context.Context, invoices *invoice.Service, c *customer.Customer, di demoInvoice, asOf o2c.Date) (*invoice.Invoice, error) {
	d, err := invoices.CreateInvoice(ctx, invoice.Draft{Customer: c.ID, Currency: c.Currency, Terms: invoice.NetTerms(30),
		Lines: []invoice.Line{{Description: "Maintenance contract", Quantity: decimal.NewFromInt(1), UnitPrice: o2c.MustMoney(di.net, c.Currency.Code()),
			TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}}})
	if err != nil {
		return nil, err
	}
	return invoices.Issue(ctx, d.ID(), asOf.AddDays(di.dueIn-30))
}

func payOnAccount(ctx context.Context, invoices *invoice.Service, inv *invoice.Invoice, amount string, asOf o2c.Date) error {
	m := o2c.MustMoney(amount, inv.Currency().Code())
	p, err := invoices.RecordPayment(ctx, invoice.PaymentInput{Customer: inv.Customer(), Amount: m, ValueDate: asOf.AddDays(-5),
		Method: invoice.MethodTransfer, PayerReference: inv.Number() + " acompte", IdempotencyKey: "demo-payment-" + inv.Number()})
	if err != nil {
		return err
	}
	_, err = invoices.Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "demo-allocation-" + inv.Number(),
		Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: m}}})
	return err
}

// previousBusinessDay moves d back to the closest business day (a run on
// another day proposes nothing).
func previousBusinessDay(calendar invoice.BusinessCalendar, d o2c.Date) o2c.Date {
	for !calendar.IsBusinessDay(d) {
		d = d.AddDays(-1)
	}
	return d
}
