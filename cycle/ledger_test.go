package cycle_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/outbox"
	"github.com/cashcycle/sdk/tax"
)

// With Config.Ledger, the cycle's LedgerHandler posts every event of the
// outbox to the books, and the trial balance's receivable equals what
// invoicing says is open; delivering the outbox again posts nothing more.
func TestCycleLedger(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			clock := o2c.NewManualClock(march2)
			st := b.open(t, clock)
			cfg := cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier())
			books := ledger.FrenchPCG()
			cfg.Ledger = &books
			c, err := cycle.New(cfg)
			require.NoError(t, err)

			cu := o2c.NewCustomerID()
			d, err := c.Invoices().CreateInvoice(ctx, invoice.Draft{Customer: cu, Currency: o2c.EUR, Terms: invoice.NetTerms(30),
				Lines: []invoice.Line{{Description: "Audit", Quantity: dec("2"), UnitPrice: eur("450.00"), TaxCategory: tax.Standard, TaxRate: dec("20")}}})
			require.NoError(t, err)
			inv, err := c.Invoices().Issue(ctx, d.ID(), o2c.Date{})
			require.NoError(t, err)
			p, err := c.Invoices().RecordPayment(ctx, invoice.PaymentInput{Customer: cu, Amount: eur("400.00"), ValueDate: o2c.DateOf(clock.Now()),
				Method: invoice.MethodTransfer, IdempotencyKey: "bank-1"})
			require.NoError(t, err)
			_, err = c.Invoices().Allocate(ctx, invoice.AllocateInput{Payment: p.ID(), Key: "a1", Lines: []invoice.AllocationLine{{Invoice: inv.ID(), Amount: eur("400.00")}}})
			require.NoError(t, err)

			ob, ok := st.Outbox().(outbox.DispatchStore)
			require.True(t, ok)
			var seen []outbox.Record
			record := func(ctx context.Context, r outbox.Record) error { seen = append(seen, r); return nil }
			disp := &outbox.Dispatcher{Store: ob, Handler: c.LedgerHandler(record), Clock: clock}
			for {
				n, err := disp.Dispatch(ctx)
				require.NoError(t, err)
				if n == 0 {
					break
				}
			}
			tb, err := c.TrialBalance(ctx, ledger.Period{})
			require.NoError(t, err)
			require.True(t, tb.Balanced())
			rows := map[string]string{}
			for _, r := range tb.Rows {
				rows[r.Account] = r.Balance.AmountString()
			}
			assert.Equal(t, map[string]string{"411": "680.00", "4191": "0.00", "44571": "-180.00", "512": "400.00", "706": "-900.00"}, rows)

			// every record reached the next handler; delivering them all
			// again (at least once) posts nothing more
			_, store := c.Ledger()
			before, err := store.Entries(ctx, ledger.Period{})
			require.NoError(t, err)
			assert.Len(t, before, 3)
			require.NotEmpty(t, seen)
			for _, r := range seen {
				require.NoError(t, c.LedgerHandler(nil)(ctx, r))
			}
			after, err := store.Entries(ctx, ledger.Period{})
			require.NoError(t, err)
			assert.Equal(t, before, after)
		})
	}
}

func TestCycleLedgerConfigurationIsValidated(t *testing.T) {
	clock := o2c.NewManualClock(march2)
	st := backends[0].open(t, clock)
	cfg := cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier())
	books := ledger.FrenchPCG()
	books.Lines = []ledger.LineRule{{SKUPrefix: "HW", Account: "7071"}}
	cfg.Ledger = &books
	_, err := cycle.New(cfg)
	require.ErrorIs(t, err, ledger.ErrUnknownAccount)

	_, err = cycle.New(cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier()))
	require.NoError(t, err, "no ledger: nothing to validate")
}
