package provision_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/risk/provision"
)

func TestPostMovementThroughTheLedgerOnce(t *testing.T) {
	ctx := context.Background()
	chart := ledger.PCG() // carries 491, 6817 and 7817
	store := ledger.NewKernelStore(memory.New().MustTenant("acme").Kernel())
	mv := provision.Movement{From: o2c.MustDate(2025, 12, 31), To: o2c.MustDate(2026, 6, 30), Currency: o2c.EUR,
		Opening: eur("2000"), Allowance: eur("1325"), Reversal: eur("500"), Used: eur("1000"), Closing: eur("1825")}
	ok, err := provision.PostMovement(ctx, store, chart, mv, "OD")
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = provision.PostMovement(ctx, store, chart, mv, "OD")
	require.NoError(t, err)
	assert.False(t, ok, "posted once")
	es, err := store.Entries(ctx, ledger.Period{})
	require.NoError(t, err)
	require.Len(t, es, 1)
	sum := map[string]decimal.Decimal{}
	for _, l := range es[0].Lines {
		sum[l.Account] = sum[l.Account].Add(l.Signed())
	}
	assert.True(t, sum["6817"].Equal(decimal.NewFromInt(1325)), sum["6817"].String())
	assert.True(t, sum["491"].Equal(decimal.NewFromInt(175)), "491 net credit 1325 - 1500 = -175 → debit 175: %s", sum["491"])
	assert.True(t, sum["7817"].Equal(decimal.NewFromInt(-1500)), sum["7817"].String())

	// a closing in a locked period is refused
	require.NoError(t, store.Lock(ctx, ledger.Month(o2c.MustDate(2026, 12, 31))))
	mv.From, mv.To = mv.To, o2c.MustDate(2026, 12, 31)
	_, err = provision.PostMovement(ctx, store, chart, mv, "OD")
	assert.ErrorIs(t, err, ledger.ErrPeriodLocked)
}
