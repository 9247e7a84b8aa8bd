package cycle_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	sqlstore "github.com/cashcycle/sdk/adapters/sqlstore"
	"github.com/cashcycle/sdk/adapters/sqlstore/sqltest"
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

// tenantStores is what both adapters' tenant handles offer: the stores
// and the transactor.
type tenantStores interface {
	cycle.Stores
	o2c.Transactor
}

// Both adapters' tenant handles satisfy cycle.Stores structurally.
var (
	_ tenantStores = (*memory.Store)(nil)
	_ tenantStores = (*sqlstore.Store)(nil)
)

type backend struct {
	name string
	open func(t *testing.T, clock o2c.Clock) tenantStores
}

var backends = []backend{
	{"memory", func(_ *testing.T, clock o2c.Clock) tenantStores {
		return memory.New(memory.WithClock(clock)).MustTenant("acme")
	}},
	{"sqlite", func(t *testing.T, clock o2c.Clock) tenantStores {
		return sqltest.SQLite(t, sqlstore.Options{Clock: clock}).MustTenant("acme")
	}},
	{"postgres", func(t *testing.T, clock o2c.Clock) tenantStores {
		return sqltest.Postgres(t, sqlstore.Options{Clock: clock}).MustTenant("acme")
	}},
}

var march2 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday

func eur(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

// cycleConfig is the configuration the tests use: French plan, a 5.00 EUR
// / 1 % write-off tolerance, NET7 and NET30 terms, orders auto-approved.
func cycleConfig(st tenantStores, clock o2c.Clock, policy cycle.InvoicingPolicy, n dunning.Notifier) cycle.Config {
	return cycle.Config{
		Stores:   st,
		Tx:       st,
		Notifier: n,
		Clock:    clock,
		Invoicing: cycle.Invoicing{
			Policy:    policy,
			Terms:     map[string]invoice.Terms{"NET7": invoice.NetTerms(7), "NET30": invoice.NetTerms(30)},
			Tolerance: invoice.Tolerance{Amounts: []o2c.Money{eur("5.00")}, Percent: dec("1")},
		},
		AutoApprove: true,
		Credit:      credit.Options{Policy: credit.Policy{OverdueDays: 30}},
		Dunning:     dunning.Config{Plans: []dunning.Plan{dunning.PlanFrance()}, DefaultPlan: "FR", Creditor: dunning.Party{Name: "Acme SAS"}},
	}
}

// ibanGB returns a valid British IBAN for account number n.
func ibanGB(n int) string {
	bban := fmt.Sprintf("NWBK601613%08d", n)
	digits := ""
	for _, r := range bban + "GB00" {
		if r >= 'A' && r <= 'Z' {
			digits += fmt.Sprint(int(r-'A') + 10)
		} else {
			digits += string(r)
		}
	}
	v, _ := new(big.Int).SetString(digits, 10)
	check := 98 - new(big.Int).Mod(v, big.NewInt(97)).Int64()
	return fmt.Sprintf("GB%02d%s", check, bban)
}

// newCustomer creates customer n with a credit limit.
func newCustomer(t testing.TB, c *cycle.Cycle, tenant o2c.TenantID, now time.Time, n int, limit string) *customer.Customer {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("Customer %03d Industries", n)
	cu, err := customer.New(tenant, customer.Details{
		Number: fmt.Sprintf("C-%05d", n), LegalName: name,
		BankAccounts: []customer.BankAccount{{IBAN: ibanGB(n), Holder: name}},
	}, now)
	require.NoError(t, err)
	require.NoError(t, c.Customers().Create(ctx, cu))
	prof, err := credit.NewProfile(cu.ID, eur(limit))
	require.NoError(t, err)
	require.NoError(t, c.Stores().CreditProfiles().CreateProfile(ctx, prof))
	return cu
}

// orderDetails is a two-line order: 10 x 12.50 at 20 % and 3 x 100.00
// less 10 % at 5.5 % (gross 150.00 + 284.85 = 434.85 EUR).
func orderDetails(cust o2c.CustomerID, terms string) order.Details {
	return order.Details{
		Customer: cust, Currency: o2c.EUR, PaymentTerms: terms,
		Lines: []order.LineSpec{
			{SKU: "BOLT", Description: "Steel bolt M8", Quantity: dec("10"), UnitPrice: eur("12.50"), TaxCategory: tax.Standard, TaxRate: dec("20")},
			{SKU: "BOOK", Description: "Manual", Quantity: dec("3"), UnitPrice: eur("100.00"), DiscountPercent: dec("10"), TaxCategory: tax.Standard, TaxRate: dec("5.5")},
		},
	}
}

// bankLine is a credit on the tenant's account from cu.
func bankLine(cu *customer.Customer, d o2c.Date, amount o2c.Money, text, ref string) matching.Line {
	return matching.Line{BookingDate: d, ValueDate: d, Amount: amount, Direction: matching.Credit,
		CounterpartyName: cu.LegalName, CounterpartyIBAN: cu.BankAccounts[0].IBAN, RemittanceText: text, BankReference: ref}
}

func bankStatement(id string, d o2c.Date, lines ...matching.Line) matching.Statement {
	return matching.Statement{Format: matching.FormatCAMT053, ID: id, AccountIBAN: "FR7630006000011234567890189", Currency: o2c.EUR,
		From: d, To: d, Lines: lines}
}
