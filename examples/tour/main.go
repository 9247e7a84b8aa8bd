// Command tour: credit hold and release, delivery, invoice, camt.053 payment, dunning, aging.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/tax"
	"github.com/shopspring/decimal"
)

//go:embed statement.xml
var statement []byte

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal("tour: ", err)
	}
}

func run(ctx context.Context, w io.Writer) error {
	clock := o2c.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	acme := memory.New(memory.WithClock(clock)).MustTenant("acme") // or sqlstore.OpenSQLite(ctx, path, ...)
	c, err := cycle.New(cycle.Config{Stores: acme, Tx: acme, Notifier: dunning.NewMemoryNotifier(), Clock: clock, AutoApprove: true,
		Dunning: dunning.Config{Creditor: dunning.Party{Name: "Acme SAS", Address: []string{"12 rue des Lilas", "69003 Lyon"}}}})
	if err != nil {
		return err
	}
	globex, err := c.AddCustomer(ctx, customer.Details{Number: "C-001", LegalName: "Globex SAS", Country: "FR", Currency: o2c.EUR,
		BankAccounts: []customer.BankAccount{{IBAN: "FR7630006000011234567890189", Holder: "GLOBEX SAS"}}})
	if err == nil {
		_, err = c.CreditChecker().SetLimit(ctx, globex.ID, o2c.MustMoney("500.00", "EUR"))
	}
	bolts := order.LineSpec{SKU: "BOLT-M8", Description: "Steel bolt M8 (box of 100)", Quantity: decimal.NewFromInt(40),
		UnitPrice: o2c.MustMoney("12.50", "EUR"), TaxCategory: tax.Standard, TaxRate: decimal.NewFromInt(20)}
	var o *order.Order
	if err == nil {
		o, err = c.Orders().Create(ctx, order.Details{Customer: globex.ID, Currency: o2c.EUR, Lines: []order.LineSpec{bolts}})
	}
	if err == nil {
		o, err = c.Orders().Place(ctx, o.ID(), "web-shop")
	}
	if err != nil {
		return err
	}
	d, _ := o.CreditDecision()
	fmt.Fprintf(w, "order %s: %s (%s)\n", o.Totals().Gross, o.State(), d.Message)
	all := order.LineQuantity{Line: 1, Quantity: bolts.Quantity}
	if o, err = c.ReleaseOrder(ctx, o.ID(), "anna.credit", "director approved"); err == nil {
		_, err = c.Ship(ctx, o.ID(), "SHIP-1", all)
	}
	if err != nil {
		return err
	}
	_, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD-1", all)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "released by anna.credit, shipped, delivered and invoiced: %s %s due %s\n", inv.Number(), inv.Gross(), inv.DueDate())
	clock.Set(time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC))
	got, err := c.ReceiveStatements(ctx, bytes.NewReader(statement), "") // format detected
	if err != nil {
		return err
	}
	rep := got[0].Report
	fmt.Fprintf(w, "statement %s: %d line(s) applied, %d waiting for a person\n", got[0].Statement.ID, len(rep.Applied), len(rep.Waiting))
	for _, l := range rep.Waiting {
		fmt.Fprintf(w, "  line %d waits: %s\n", l.Index+1, l.Why)
	}
	if inv, err = c.Invoices().Get(ctx, inv.ID()); err != nil {
		return err
	}
	fmt.Fprintf(w, "invoice %s: %s, open %s\n", inv.Number(), inv.Status(), inv.Open())
	res, err := c.RunDunning(ctx, o2c.DateOf(clock.Now()))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "dunning: %d letter(s) written %s\n", len(res.Written), res.Note)
	aging, err := c.Aging(ctx, o2c.DateOf(clock.Now()), o2c.EUR, report.AgingOptions{})
	for _, b := range append(aging.Buckets, cycle.BucketAmount{Label: "total", Amount: aging.Total}) {
		fmt.Fprintf(w, "  %-8s %10s\n", b.Label, b.Amount)
	}
	return err
}
