package cycle_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/cycle"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/telemetry"
	"github.com/cashcycle/sdk/telemetry/telemetrytest"
)

// A configuration that cannot produce a valid letter (no creditor: an
// empty sender block and a subject ending in a dash) is refused when the
// cycle is built, naming the field.
func TestNewRefusesLettersWithoutCreditor(t *testing.T) {
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	cfg := cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier())
	cfg.Dunning.Creditor = dunning.Party{}
	_, err := cycle.New(cfg)
	var ve *o2c.ValidationError
	require.True(t, errors.As(err, &ve), "got %v", err)
	assert.Equal(t, "creditor.name", ve.Field)
}

// The statement report, the dunning run and the service-level reads tell
// what they did and did not do; spans and counters are emitted.
func TestCycleExplainsWhatItDidNotDo(t *testing.T) {
	ctx := context.Background()
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	rec := telemetrytest.New()
	cfg := cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier())
	cfg.Telemetry = rec.Options()
	c, err := cycle.New(cfg)
	require.NoError(t, err)

	// credit limits through the service: a small limit holds the order
	payer := newCustomer(t, c, "acme", clock.Now(), 1, "100000.00")
	p, err := c.CreditChecker().SetLimit(ctx, payer.ID, eur("100.00"))
	require.NoError(t, err)
	assert.Equal(t, "100.00 EUR", p.Limit.String())
	o, err := c.Orders().Create(ctx, orderDetails(payer.ID, "NET7"))
	require.NoError(t, err)
	o, err = c.Orders().Place(ctx, o.ID(), "test")
	require.NoError(t, err)
	d, ok := o.CreditDecision()
	require.True(t, ok)
	assert.Equal(t, "hold", d.Outcome.String())
	assert.Equal(t, int64(1), rec.Counter(telemetry.CreditHolds))
	_, err = c.ReleaseOrder(ctx, o.ID(), "anna", "ok")
	require.NoError(t, err)
	_, err = c.Ship(ctx, o.ID(), "SHIP", lq(1, "10"), lq(2, "3"))
	require.NoError(t, err)
	_, inv, err := c.ConfirmDelivery(ctx, o.ID(), "POD", lq(1, "10"), lq(2, "3"))
	require.NoError(t, err)
	require.NotNil(t, inv)

	// invoices read through the invoicing service
	got, err := c.Invoices().Get(ctx, inv.ID())
	require.NoError(t, err)
	assert.Equal(t, inv.Number(), got.Number())
	list, err := c.Invoices().List(ctx, invoice.Filter{Customer: payer.ID})
	require.NoError(t, err)
	assert.Len(t, list, 1)

	// a payment by name only waits for a person, and the report says why
	asOf := o2c.MustDate(2026, 3, 6) // a Friday
	clock.Set(asOf.Time().Add(9 * time.Hour))
	line := bankLine(payer, asOf, eur("100.00"), "acompte", "B-1")
	line.CounterpartyIBAN = ""
	_, rep, err := c.ReceiveStatement(ctx, bankStatement("ST-1", asOf, line))
	require.NoError(t, err)
	assert.Empty(t, rep.Applied)
	require.Len(t, rep.Waiting, 1)
	w := rep.Waiting[0]
	require.NotNil(t, w.Best, "the best proposal is in the report")
	assert.Equal(t, payer.ID, w.Best.Proposal.Customer)
	assert.Contains(t, w.Why, "below the auto-apply threshold 0.90")
	assert.Equal(t, int64(0), rec.Counter(telemetry.PaymentsApplied))

	// dunning on a Saturday says so and writes nothing
	sat := o2c.MustDate(2026, 3, 21)
	res, err := c.RunDunning(ctx, sat)
	require.NoError(t, err)
	assert.True(t, res.NotBusinessDay)
	assert.Empty(t, res.Written)
	assert.Contains(t, res.Note, "is not a business day")
	assert.Contains(t, res.Note, "2026-03-23")

	// aging as named per-bucket rows, and DSO
	a, err := c.Aging(ctx, o2c.MustDate(2026, 3, 23), o2c.EUR, reportDefaults())
	require.NoError(t, err)
	b, ok := a.Bucket("1-30")
	require.True(t, ok)
	assert.Equal(t, inv.Gross().String(), b.Amount.String())
	assert.Equal(t, inv.Gross().String(), a.Total.String())
	require.Len(t, a.Customers, 1)
	dso, err := c.DSO(ctx, o2c.MustDate(2026, 3, 23), o2c.Date{}, o2c.EUR)
	require.NoError(t, err)
	assert.True(t, dso.Countback.IsPositive(), "countback %s", dso.Countback)

	names := strings.Join(rec.SpanNames(), ",")
	for _, n := range []string{"credit.CheckOrder", "cycle.ReleaseOrder", "cycle.Ship", "cycle.ConfirmDelivery", "cycle.ReceiveStatement", "cycle.RunDunning", "cycle.Aging", "cycle.DSO", "matching.Apply", "dunning.Run", "order.Create", "order.Place", "order.Update", "o2c.store.tx"} {
		assert.Contains(t, names, n)
	}
}

// With RunNextBusinessDay a run asked for on a Sunday runs for Monday.
func TestRunDunningNextBusinessDay(t *testing.T) {
	ctx := context.Background()
	clock := o2c.NewManualClock(march2)
	st := memory.New(memory.WithClock(clock)).MustTenant("acme")
	cfg := cycleConfig(st, clock, cycle.BillPerDelivery, dunning.NewMemoryNotifier())
	cfg.Dunning.RunNextBusinessDay = true
	c, err := cycle.New(cfg)
	require.NoError(t, err)
	res, err := c.RunDunning(ctx, o2c.MustDate(2026, 3, 22))
	require.NoError(t, err)
	assert.True(t, res.NotBusinessDay)
	assert.Equal(t, "2026-03-23", res.Run.Date.String())
	assert.Contains(t, res.Note, "ran for the next business day, 2026-03-23")
}

func reportDefaults() report.AgingOptions { return report.AgingOptions{} }
