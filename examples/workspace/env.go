package main

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// dayClock is the workspace's clock: the demo's "today" with the wall
// clock's time of day, so that a demo started with -today keeps a fixed
// business date while records still get distinct times.
type dayClock struct{ day o2c.Date }

func (c dayClock) Now() time.Time {
	now := time.Now().UTC()
	since := now.Sub(now.Truncate(24 * time.Hour))
	return c.day.Time().Add(since)
}

// tenantEnv is one tenant of the workspace: its stores and its cycle.
type tenantEnv struct {
	ID      o2c.TenantID
	Name    string
	Store   *sqlstore.Store
	Cycle   *cycle.Cycle
	Letters *letterBox
}

// readiness are the rules the customer page checks master data against.
var readiness = customer.ReadinessRules{SellerCountry: "FR", RequireSIRENForFrance: true}

// newCycle wires the cycle of one tenant on db with clock.
func newCycle(db *sqlstore.DB, st *sqlstore.Store, clock o2c.Clock, letters dunning.Notifier, creditor string) (*cycle.Cycle, error) {
	return cycle.New(cycle.Config{
		Stores:      st,
		Tx:          db,
		Notifier:    letters,
		Clock:       clock,
		AutoApprove: true,
		Readiness:   readiness,
		Invoicing: cycle.Invoicing{
			DefaultTerms: invoice.NetTerms(30),
			Terms:        map[string]invoice.Terms{"NET30": invoice.NetTerms(30), "NET45": invoice.NetTerms(45), "NET15": invoice.NetTerms(15)},
		},
		Dunning: dunning.Config{
			Plans:       []dunning.Plan{dunning.PlanFrance(), dunning.PlanEnglish()},
			DefaultPlan: "FR",
			Calendar:    invoice.FrenchBusinessCalendar(),
			Rates:       ecbRate(),
			Creditor: dunning.Party{Name: creditor, Address: []string{"12 rue des Lilas", "69003 Lyon"},
				Email: "credit@cashcycle.example", Phone: "+33 4 72 00 00 00"},
		},
	})
}

// ecbRate is the ECB main refinancing rate, the reference of the French
// late-payment interest (rate + 10 points).
func ecbRate() invoice.ReferenceRateTable {
	rate := func(y int, m time.Month, d int, pct string) invoice.ReferenceRate {
		return invoice.ReferenceRate{Effective: o2c.MustDate(y, m, d), Percent: decimal.RequireFromString(pct)}
	}
	return invoice.ReferenceRateTable{Name: "ECB MRO", Rates: []invoice.ReferenceRate{
		rate(2024, time.September, 18, "3.65"),
		rate(2024, time.October, 23, "3.40"),
		rate(2024, time.December, 18, "3.15"),
		rate(2025, time.February, 5, "2.90"),
		rate(2025, time.March, 12, "2.65"),
		rate(2025, time.April, 23, "2.40"),
		rate(2025, time.June, 11, "2.15"),
	}}
}

// openTenant opens a tenant of db and wires its cycle on clock.
func openTenant(db *sqlstore.DB, id o2c.TenantID, name string, clock o2c.Clock, lettersDir string) (*tenantEnv, error) {
	st, err := db.Tenant(id)
	if err != nil {
		return nil, err
	}
	box, err := newLetterBox(lettersDir, id)
	if err != nil {
		return nil, err
	}
	c, err := newCycle(db, st, clock, box, name)
	if err != nil {
		return nil, fmt.Errorf("tenant %s: %w", id, err)
	}
	return &tenantEnv{ID: id, Name: name, Store: st, Cycle: c, Letters: box}, nil
}

// lastBusinessDay is d, or the Friday before when d falls on a weekend.
func lastBusinessDay(d o2c.Date) o2c.Date {
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDays(-1)
	}
	return d
}

var _ = context.Background
