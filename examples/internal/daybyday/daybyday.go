// Package daybyday is the demo shared by examples/sqlite and
// examples/postgres: a small tenant whose order-to-cash cycle advances one
// business day each time AdvanceOneDay is called on the same database.
package daybyday

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/shopspring/decimal"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/credit"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/tax"
)

// FirstDay is the demo's first business day, a Monday.
var FirstDay = o2c.MustDate(2026, time.March, 2)

// demoCustomer is a customer of the demo tenant and how it pays.
type demoCustomer struct {
	details customer.Details
	limit   string
	// payAfterDue is how many days after the due date the customer pays
	// (negative: before it); never pays when neverPays.
	payAfterDue int
	neverPays   bool
}

var demoCustomers = []demoCustomer{
	{details: customer.Details{Number: "C-101", LegalName: "Prompt SARL", Country: "FR", Currency: o2c.EUR, Language: "fr",
		BillingContacts: []customer.Contact{{Email: "compta@prompt.example", Invoices: true, Reminders: true}},
		BankAccounts:    []customer.BankAccount{{IBAN: "FR7630006000011234567890189", Holder: "PROMPT SARL"}}},
		limit: "5000.00", payAfterDue: -4},
	{details: customer.Details{Number: "C-102", LegalName: "Slow GmbH", Country: "DE", Currency: o2c.EUR, Language: "en",
		BillingContacts: []customer.Contact{{Email: "ap@slow.example", Invoices: true, Reminders: true}},
		BankAccounts:    []customer.BankAccount{{IBAN: "DE89370400440532013000", Holder: "SLOW GMBH"}}},
		limit: "3000.00", payAfterDue: 10},
	{details: customer.Details{Number: "C-103", LegalName: "Silent Ltd", Country: "GB", Currency: o2c.EUR, Language: "en",
		BillingContacts: []customer.Contact{{Email: "finance@silent.example", Invoices: true, Reminders: true}},
		BankAccounts:    []customer.BankAccount{{IBAN: "GB29NWBK60161331926819", Holder: "SILENT LTD"}}},
		limit: "1000.00", neverPays: true},
}

// AdvanceOneDay runs the next business day of the demo tenant on db.
func AdvanceOneDay(ctx context.Context, w io.Writer, db *sqlstore.DB, clock *o2c.ManualClock) error {
	step := func(format string, args ...any) { fmt.Fprintf(w, "  "+format+"\n", args...) }
	acme, err := db.Tenant("acme")
	if err != nil {
		return err
	}

	// Where did the last run stop? One dunning run per business day.
	runs, err := acme.Dunning().Runs(ctx, 0)
	if err != nil {
		return err
	}
	dayNo, today := 1, FirstDay
	if len(runs) > 0 {
		dayNo, today = len(runs)+1, nextBusinessDay(runs[0].Date)
	}
	clock.Set(today.Time().Add(9 * time.Hour))
	fmt.Fprintf(w, "\n== Day %d: %s %s\n", dayNo, today.Weekday(), today)

	c, err := cycle.New(cycle.Config{
		Stores:      acme,
		Tx:          db,
		Notifier:    dunning.NewMemoryNotifier(), // adapters/email or adapters/webhook in production
		Clock:       clock,
		AutoApprove: true,
		Invoicing:   cycle.Invoicing{DefaultTerms: invoice.NetTerms(14)},
		Dunning:     dunning.Config{Creditor: dunning.Party{Name: "Acme SAS"}},
	})
	if err != nil {
		return err
	}

	// Customers: created on the first day, read back afterwards.
	customers := make([]*customer.Customer, 0, len(demoCustomers))
	created := 0
	for _, dc := range demoCustomers {
		cu, err := c.Customers().GetByNumber(ctx, dc.details.Number)
		if errors.Is(err, o2c.ErrNotFound) {
			if cu, err = createCustomer(ctx, acme, dc, clock.Now()); err != nil {
				return err
			}
			created++
		}
		if err != nil {
			return err
		}
		customers = append(customers, cu)
	}
	if created > 0 {
		step("customers: %d created with their credit limits", created)
	}

	// One order a day, customers in turn.
	who := (dayNo - 1) % len(customers)
	cu := customers[who]
	qty := decimal.NewFromInt(int64(2 + dayNo%4))
	o, err := c.Orders().Create(ctx, order.Details{Customer: cu.ID, Currency: o2c.EUR, Lines: []order.LineSpec{{
		SKU: "PUMP-7", Description: "Water pump P7", Quantity: qty, UnitPrice: o2c.MustMoney("95.00", "EUR"),
		TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}}})
	if err != nil {
		return err
	}
	if o, err = c.Orders().Place(ctx, o.ID(), "web-shop"); err != nil {
		return err
	}
	step("order for %s: %s x PUMP-7, %s gross, %s", cu.LegalName, qty, o.Totals().Gross, o.State())
	if d, ok := o.CreditDecision(); ok && o.State() == order.StateOnCreditHold {
		step("  held: %s", d.Message)
		if o, err = c.ReleaseOrder(ctx, o.ID(), "demo.credit", "reviewed: customer known, order released"); err != nil {
			return err
		}
		step("  released by demo.credit: %s", o.State())
	}

	// Shipped and delivered the same day; the delivery issues the invoice.
	line := order.LineQuantity{Line: 1, Quantity: qty}
	ref := fmt.Sprintf("D%03d", dayNo)
	if _, err := c.Orders().Ship(ctx, o.ID(), "SHIP-"+ref, line); err != nil {
		return err
	}
	_, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD-"+ref, line)
	if err != nil {
		return err
	}
	if inv == nil {
		return fmt.Errorf("the delivery of day %d billed nothing", dayNo)
	}
	step("shipped and delivered; invoice %s %s due %s", inv.Number(), inv.Gross(), inv.DueDate())

	// The bank statement of the day: each customer pays on its own habits.
	st, err := statementOf(ctx, acme.Invoices(), customers, today)
	if err != nil {
		return err
	}
	if len(st.Lines) == 0 {
		step("bank statement: nothing received")
	} else {
		_, rep, err := c.ReceiveStatement(ctx, st)
		if err != nil {
			return err
		}
		step("bank statement %s: %d payment(s) received, %d matched and applied, %d left for review",
			st.ID, len(st.Lines), len(rep.Applied), len(st.Lines)-len(rep.Applied))
	}

	// Dunning for the day: what is due, then the run that writes and sends it.
	proposal, err := c.Dunning().DryRun(ctx, today)
	if err != nil {
		return err
	}
	for _, l := range proposal.Letters {
		step("dunning: %s to %s, %s", l.LevelName, nameOf(customers, l.Customer), l.Total)
	}
	res, err := c.RunDunning(ctx, today)
	if err != nil {
		return err
	}
	step("dunning: %d letter(s) written and sent", len(res.Written))

	return printState(ctx, w, acme, dayNo, today)
}

func createCustomer(ctx context.Context, acme *sqlstore.Store, dc demoCustomer, now time.Time) (*customer.Customer, error) {
	cu, err := customer.New(acme.TenantID(), dc.details, now)
	if err != nil {
		return nil, err
	}
	if err := acme.Customers().Create(ctx, cu); err != nil {
		return nil, err
	}
	p, err := credit.NewProfile(cu.ID, o2c.MustMoney(dc.limit, "EUR"))
	if err != nil {
		return nil, err
	}
	return cu, acme.CreditProfiles().CreateProfile(ctx, p)
}

// statementOf builds the day's bank statement: one credit per open invoice
// its customer pays today, the invoice number in the remittance text.
func statementOf(ctx context.Context, invoices invoice.Store, customers []*customer.Customer, today o2c.Date) (matching.Statement, error) {
	st := matching.Statement{Format: matching.FormatCAMT053, ID: "STMT-" + today.String(), Currency: o2c.EUR,
		AccountIBAN: "FR1420041010050500013M02606", From: today, To: today}
	for i, cu := range customers {
		habit := demoCustomers[i]
		if habit.neverPays {
			continue
		}
		open, err := invoices.OpenItems(ctx, invoice.OpenItemFilter{Customer: cu.ID})
		if err != nil {
			return st, err
		}
		for _, it := range open {
			if today.Before(it.DueDate.AddDays(habit.payAfterDue)) {
				continue
			}
			line := matching.Line{BookingDate: today, ValueDate: today, Amount: it.Open, Direction: matching.Credit,
				CounterpartyName: cu.LegalName, RemittanceText: "Invoice " + it.Number,
				BankReference: fmt.Sprintf("B-%s-%d", today, len(st.Lines)+1)}
			if len(cu.BankAccounts) > 0 {
				line.CounterpartyIBAN = cu.BankAccounts[0].IBAN
			}
			st.Lines = append(st.Lines, line)
		}
	}
	return st, nil
}

// printState prints the tenant's figures so far.
func printState(ctx context.Context, w io.Writer, acme *sqlstore.Store, dayNo int, today o2c.Date) error {
	orders := 0
	for q := (order.Query{Limit: order.MaxLimit}); ; q.Offset += q.Limit {
		page, err := acme.Orders().List(ctx, q)
		if err != nil {
			return err
		}
		orders += len(page)
		if len(page) < q.Limit {
			break
		}
	}
	invs, err := acme.Invoices().List(ctx, invoice.Filter{})
	if err != nil {
		return err
	}
	paid := 0
	for _, inv := range invs {
		if inv.Status() == invoice.StatePaid {
			paid++
		}
	}
	payments, err := acme.Payments().List(ctx, invoice.PaymentFilter{})
	if err != nil {
		return err
	}
	letters, err := acme.Dunning().History(ctx, dunning.HistoryFilter{})
	if err != nil {
		return err
	}
	open, err := acme.Invoices().OpenItems(ctx, invoice.OpenItemFilter{})
	if err != nil {
		return err
	}
	balance, overdue := o2c.Zero(o2c.EUR), o2c.Zero(o2c.EUR)
	for _, it := range open {
		if balance, err = balance.Add(it.Open); err != nil {
			return err
		}
		if it.DueDate.Before(today) {
			if overdue, err = overdue.Add(it.Open); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(w, "state after day %d (%s): orders %d, invoices %d (%d paid), payments %d, dunning letters %d, open balance %s (overdue %s)\n",
		dayNo, today, orders, len(invs), paid, len(payments), len(letters), balance, overdue)
	return nil
}

func nameOf(customers []*customer.Customer, id o2c.CustomerID) string {
	for _, cu := range customers {
		if cu.ID == id {
			return cu.LegalName
		}
	}
	return id.String()
}

// nextBusinessDay is the next Monday-to-Friday day after d.
func nextBusinessDay(d o2c.Date) o2c.Date {
	for d = d.AddDays(1); d.Weekday() == time.Saturday || d.Weekday() == time.Sunday; d = d.AddDays(1) {
	}
	return d
}
