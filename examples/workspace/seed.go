package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
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

// demoCustomer is a customer of a seeded tenant and how it pays.
type demoCustomer struct {
	details customer.Details
	limit   string
	// payAfterDue: days after the due date the customer pays (negative:
	// before); never when neverPays. noReference: it pays without
	// quoting the invoice, so its payments wait for a person.
	payAfterDue int
	neverPays   bool
	noReference bool
	// orders: one order in every `every` weeks
	every int
}

func contact(email string) []customer.Contact {
	return []customer.Contact{{Name: "Accounts payable", Email: email, Invoices: true, Reminders: true}}
}

func account(iban, holder string) []customer.BankAccount {
	return []customer.BankAccount{{IBAN: iban, Holder: holder}}
}

var demoCustomers = []demoCustomer{
	{details: customer.Details{Number: "C-101", LegalName: "Prompt SARL", Country: "FR", Currency: o2c.EUR, Language: "fr", SIRET: "73282932000074",
		BillingAddress:  customer.Address{Lines: []string{"3 place Bellecour"}, Postcode: "69002", City: "Lyon"},
		BillingContacts: contact("compta@prompt.example"), BankAccounts: account("FR7630006000011234567890189", "PROMPT SARL")},
		limit: "20000.00", payAfterDue: -3, every: 1},
	{details: customer.Details{Number: "C-102", LegalName: "Rhône Bâtiment SA", Country: "FR", Currency: o2c.EUR, Language: "fr", SIRET: "54210765100011",
		BillingAddress:  customer.Address{Lines: []string{"48 quai Perrache"}, Postcode: "69002", City: "Lyon"},
		BillingContacts: contact("fournisseurs@rhone-batiment.example"), BankAccounts: account("FR7610107001011234567890129", "RHONE BATIMENT SA")},
		limit: "25000.00", payAfterDue: 12, every: 1},
	{details: customer.Details{Number: "C-103", LegalName: "Slow GmbH", Country: "DE", Currency: o2c.EUR, Language: "en", Segment: "export",
		BillingAddress:  customer.Address{Lines: []string{"Hauptstraße 5"}, Postcode: "10115", City: "Berlin"},
		BillingContacts: contact("ap@slow.example"), BankAccounts: account("DE89370400440532013000", "SLOW GMBH")},
		limit: "15000.00", payAfterDue: 26, every: 2},
	{details: customer.Details{Number: "C-104", LegalName: "Silent Ltd", Country: "GB", Currency: o2c.EUR, Language: "en", Segment: "UK",
		BillingAddress:  customer.Address{Lines: []string{"1 King Street"}, Postcode: "M2 4LQ", City: "Manchester"},
		BillingContacts: contact("finance@silent.example"), BankAccounts: account("GB29NWBK60161331926819", "SILENT LTD")},
		limit: "6000.00", neverPays: true, every: 4},
	{details: customer.Details{Number: "C-105", LegalName: "Vague Distribution SAS", Country: "FR", Currency: o2c.EUR, Language: "fr", SIRET: "40483304800014",
		BillingAddress:  customer.Address{Lines: []string{"7 rue de la Marne"}, Postcode: "44000", City: "Nantes"},
		BillingContacts: contact("paiements@vague.example"), BankAccounts: account("FR4714508000304123456789015", "VAGUE DISTRIBUTION")},
		limit: "12000.00", payAfterDue: 5, noReference: true, every: 2},
	{details: customer.Details{Number: "C-106", LegalName: "Nord Industrie SARL", Country: "FR", Currency: o2c.EUR, Language: "fr", SIRET: "38012986600014",
		BillingAddress:  customer.Address{Lines: []string{"22 rue Nationale"}, Postcode: "59000", City: "Lille"},
		BillingContacts: contact("compta@nord-industrie.example"), BankAccounts: account("FR7630004000031234567890143", "NORD INDUSTRIE")},
		limit: "18000.00", payAfterDue: 40, every: 2},
	{details: customer.Details{Number: "C-107", LegalName: "Atlantique Négoce SA", Country: "FR", Currency: o2c.EUR, Language: "fr", SIRET: "51300470500010",
		BillingAddress:  customer.Address{Lines: []string{"9 cours de l'Intendance"}, Postcode: "33000", City: "Bordeaux"},
		BillingContacts: contact("ap@atlantique.example"), BankAccounts: account("FR7611315000011234567890138", "ATLANTIQUE NEGOCE")},
		limit: "30000.00", payAfterDue: 0, every: 1},
	// no SIREN/SIRET and no billing address: the customer page shows
	// the readiness findings
	{details: customer.Details{Number: "C-108", LegalName: "Petit Commerce", Country: "FR", Currency: o2c.EUR, Language: "fr",
		BillingContacts: contact("gerant@petit-commerce.example"), BankAccounts: account("FR9417515900000812345678905", "PETIT COMMERCE")},
		limit: "2500.00", payAfterDue: 18, every: 3},
}

var otherCustomers = []demoCustomer{
	{details: customer.Details{Number: "N-001", LegalName: "Fjord Supplies AS", Country: "NO", Currency: o2c.EUR, Language: "en",
		BillingContacts: contact("ap@fjord.example")}, limit: "10000.00", payAfterDue: 5, every: 2},
	{details: customer.Details{Number: "N-002", LegalName: "Baltic Parts OÜ", Country: "EE", Currency: o2c.EUR, Language: "en",
		BillingContacts: contact("ap@baltic.example")}, limit: "8000.00", neverPays: true, every: 3},
}

type product struct {
	sku, desc, price string
}

var catalogue = []product{
	{"PUMP-7", "Water pump P7", "95.00"},
	{"VALVE-2", "Ball valve DN50", "42.50"},
	{"PIPE-12", "Steel pipe 12 m", "128.00"},
	{"FILTER-K", "Filter cartridge K", "18.90"},
	{"MOTOR-3", "Electric motor 3 kW", "410.00"},
}

// seedPlan says what to seed in one tenant.
type seedPlan struct {
	customers []demoCustomer
	weeks     int
	// work leaves today's work: orders on credit hold, a promise, a payment
	// waiting for a person.
	work bool
}

// seed fills a tenant with weeks of history ending before today: weekly
// orders, deliveries and invoices, bank statements paying them on each
// customer's habits, disputes opened and resolved, and Monday dunning
// runs whose letters go to the tenant's letter box. Today's dunning run
// is left for the operator. A tenant with customers is left as it is.
func seed(ctx context.Context, db *sqlstore.DB, env *tenantEnv, today o2c.Date, plan seedPlan) error {
	existing, err := env.Store.Customers().List(ctx, customer.ListOptions{Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	clock := o2c.NewManualClock(today.AddDays(-7 * plan.weeks).Time().Add(8 * time.Hour))
	c, err := newCycle(db, env.Store, clock, env.Letters, env.Name)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(len(env.ID)), 20))
	if err := env.Store.Dunning().SaveAssignment(ctx, &dunning.Assignment{Kind: dunning.AssignSegment, Key: "UK", Plan: "EN"}); err != nil {
		return err
	}
	custs := make([]*customer.Customer, len(plan.customers))
	for i, dc := range plan.customers {
		if custs[i], err = c.AddCustomer(ctx, dc.details); err != nil {
			return fmt.Errorf("customer %s: %w", dc.details.Number, err)
		}
		p, err := credit.NewProfile(custs[i].ID, o2c.MustMoney(dc.limit, "EUR"))
		if err != nil {
			return err
		}
		p.Since = today.AddDays(-7*plan.weeks - 400)
		if err := env.Store.CreditProfiles().CreateProfile(ctx, p); err != nil {
			return err
		}
	}

	// Mondays from weeks back to the last one before today
	monday := today.AddDays(-7 * plan.weeks)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDays(1)
	}
	reasons := []invoice.ReasonCode{invoice.ReasonPriceError, invoice.ReasonQuantityOrDeliveryMissing, invoice.ReasonPriceError,
		invoice.ReasonWrongCustomerData, invoice.ReasonQuality, invoice.ReasonDuplicateBilling, invoice.ReasonQuantityOrDeliveryMissing}
	type openDispute struct {
		inv    invoice.ID
		id     invoice.DisputeID
		opened o2c.Date
	}
	var disputes []openDispute
	sent := map[string]bool{} // invoices a statement paid already
	week := 0
	for d := monday; d.Before(today); d, week = d.AddDays(7), week+1 {
		clock.Set(d.Time().Add(9 * time.Hour))
		// the week's orders, delivered and invoiced the same day
		for i, dc := range plan.customers {
			if (week+i)%dc.every != 0 {
				continue
			}
			inv, err := seedOrder(ctx, c, custs[i].ID, rng, 1+rng.IntN(2))
			if err != nil {
				return fmt.Errorf("week of %s, %s: %w", d, dc.details.Number, err)
			}
			if age := d.DaysUntil(today); age > 10 && (rng.IntN(8) == 0 || age < 40 && rng.IntN(4) == 0) {
				amount := inv.Gross().MulRound(decimal.New(5, -1), o2c.RoundHalfUp)
				dp, err := c.Invoices().OpenDispute(ctx, inv.ID(), invoice.DisputeInput{Amount: amount,
					Reason: reasons[rng.IntN(len(reasons))], Notes: "customer called about this invoice", Actor: "m.martin"})
				if err != nil {
					return fmt.Errorf("dispute on %s: %w", inv.Number(), err)
				}
				disputes = append(disputes, openDispute{inv.ID(), dp.ID, d})
			}
		}
		// disputes open for three weeks or more are settled
		kept := disputes[:0]
		for _, od := range disputes {
			if od.opened.DaysUntil(d) < 21 || od.opened.DaysUntil(today) < 35 || rng.IntN(3) == 0 {
				kept = append(kept, od)
				continue
			}
			inv, err := c.Invoices().Get(ctx, od.inv)
			if err != nil {
				return err
			}
			res := invoice.Resolution{Actor: "m.martin", Note: "claim not founded: goods delivered as ordered"}
			if rng.IntN(2) == 0 {
				l := inv.Lines()[0]
				l.Quantity, l.OrderLineRef = decimal.NewFromInt(1), ""
				res.CreditLines, res.Note = []invoice.Line{l}, "one unit credited after review"
			}
			if _, err := c.Invoices().ResolveDispute(ctx, od.inv, od.id, res); err != nil {
				return fmt.Errorf("resolving a dispute of %s: %w", inv.Number(), err)
			}
		}
		disputes = kept
		// the week's bank statement
		if err := seedStatement(ctx, c, plan.customers, custs, d, today, sent); err != nil {
			return fmt.Errorf("statement of %s: %w", d, err)
		}
		// Monday's dunning run; none in the last ten days, so that today's
		// proposal has letters
		if d.DaysUntil(today) <= 10 {
			continue
		}
		if _, err := c.RunDunning(ctx, d); err != nil {
			return fmt.Errorf("dunning run of %s: %w", d, err)
		}
	}
	if !plan.work {
		return nil
	}
	// today's work: orders beyond their customers' limits wait on credit hold
	clock.Set(today.Time().Add(8 * time.Hour))
	for _, i := range []int{7, 3} {
		o, err := c.Orders().Create(ctx, order.Details{Customer: custs[i].ID, Currency: o2c.EUR, CustomerReference: "PO-" + today.String(),
			Lines: []order.LineSpec{lineOf(catalogue[4], 9)}})
		if err == nil {
			_, err = c.Orders().Place(ctx, o.ID(), "web-shop")
		}
		if err != nil {
			return err
		}
	}
	// a promise to pay from the slowest payer
	return env.Store.Dunning().SavePromise(ctx, &dunning.Promise{ID: o2c.NewID[dunning.Promise](), Customer: custs[5].ID,
		Currency: o2c.EUR, Amount: o2c.MustMoney("1500.00", "EUR"), Date: today.AddDays(9), Note: "promised on the phone by the CFO"})
}

func lineOf(p product, qty int) order.LineSpec {
	return order.LineSpec{SKU: p.sku, Description: p.desc, Quantity: decimal.NewFromInt(int64(qty)),
		UnitPrice: o2c.MustMoney(p.price, "EUR"), TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}
}

// seedOrder places an order, releases it if credit holds it, ships and
// delivers it: the delivery issues the invoice.
func seedOrder(ctx context.Context, c *cycle.Cycle, cust o2c.CustomerID, rng *rand.Rand, lines int) (*invoice.Invoice, error) {
	d := order.Details{Customer: cust, Currency: o2c.EUR}
	for range lines {
		d.Lines = append(d.Lines, lineOf(catalogue[rng.IntN(len(catalogue))], 2+rng.IntN(12)))
	}
	o, err := c.Orders().Create(ctx, d)
	if err == nil {
		o, err = c.Orders().Place(ctx, o.ID(), "web-shop")
	}
	if err == nil && o.State() == order.StateOnCreditHold {
		o, err = c.ReleaseOrder(ctx, o.ID(), "m.martin", "known customer, order released")
	}
	if err != nil {
		return nil, err
	}
	var all []order.LineQuantity
	for _, l := range o.Lines() {
		all = append(all, order.LineQuantity{Line: l.No, Quantity: l.Quantity})
	}
	if _, err := c.Ship(ctx, o.ID(), "SHIP-"+o.ID().String()[:8], all...); err != nil {
		return nil, err
	}
	_, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD-"+o.ID().String()[:8], all...)
	if err == nil && inv == nil {
		err = errors.New("the delivery billed nothing")
	}
	return inv, err
}

// seedStatement receives the bank statement of day d: each customer pays
// what fell due on its habits. Payments without a reference wait for a
// person; those older than two weeks were confirmed by the clerk.
func seedStatement(ctx context.Context, c *cycle.Cycle, plan []demoCustomer, custs []*customer.Customer, d, today o2c.Date, sent map[string]bool) error {
	st := matching.Statement{Format: matching.FormatCAMT053, ID: "STMT-" + d.String(), Currency: o2c.EUR,
		AccountIBAN: "FR1420041010050500013M02606", From: d, To: d}
	for i, dc := range plan {
		if dc.neverPays || len(custs[i].BankAccounts) == 0 {
			continue
		}
		open, err := c.Invoices().OpenItems(ctx, invoice.OpenItemFilter{Customer: custs[i].ID})
		if err != nil {
			return err
		}
		for _, it := range open {
			if d.Before(it.DueDate.AddDays(dc.payAfterDue)) || !it.Undisputed().IsPositive() || sent[it.Number] {
				continue
			}
			line := matching.Line{BookingDate: d, ValueDate: d, Amount: it.Undisputed(), Direction: matching.Credit,
				CounterpartyName: custs[i].LegalName, CounterpartyIBAN: custs[i].BankAccounts[0].IBAN, RemittanceText: "Invoice " + it.Number,
				BankReference: fmt.Sprintf("B-%s-%d", d, len(st.Lines)+1)}
			if dc.noReference {
				// from an account the tenant does not know, without a
				// reference: only its name says who paid
				line.CounterpartyIBAN, line.RemittanceText = "FR7630001007941234567890185", "VIR SEPA REGLEMENT FOURNISSEUR"
				if d.DaysUntil(today) < 14 {
					line.CounterpartyIBAN = "" // lately through a bank that gives no account
				}
			}
			st.Lines = append(st.Lines, line)
			sent[it.Number] = true
		}
	}
	if len(st.Lines) == 0 {
		return nil
	}
	_, rep, err := c.ReceiveStatement(ctx, st)
	if err != nil {
		return err
	}
	if d.DaysUntil(today) < 14 {
		return nil
	}
	for _, w := range rep.Waiting {
		ps, err := c.Matching().Proposals(ctx, w.Line)
		if err != nil {
			return err
		}
		if len(ps) > 0 && len(ps[0].Proposal.Allocations) > 0 {
			if _, err := c.Matching().Confirm(ctx, ps[0].ID); err != nil {
				return err
			}
		}
	}
	return nil
}
