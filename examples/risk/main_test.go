package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/risk/factoring"
)

func TestRiskDemoPrintsMatrixPostMortemAndSchedule(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	t.Log("\n" + s)
	for _, want := range []string{
		"IFRS 9 provision matrix as of 2026-12-31 (roll rates over 2025-12-31..2026-12-31, forward factor 1.1, floor 0.002)",
		"  not due ", "  over 90 ",
		"Post-mortem: Drift SAS, written_off on 2026-12-01",
		"1. [hold_released_above_limit] hold released 1 time(s) above the credit limit (by sales.director 1)",
		"2. [reminder_gap]",
		"[master_data_gap] invoice sent while master data was incomplete: F-0181 issued on 2026-07-01 with billing_address.postcode missing",
		"[broken_promise] 1 promise(s) to pay broken",
		"Factoring schedule B-2026-12-31 to Demo Factor (notified)",
		"cap: Slow GmbH",
	} {
		assert.Contains(t, s, want)
	}
	assert.NotContains(t, s, "Tardy BV    due", "an excluded debtor is never on the schedule")
}

// The figures printed are the packages' own: the schedule adds up and the
// provision is the sum of its rows.
func TestRiskDemoFiguresAddUp(t *testing.T) {
	tn := demo()
	c := factoring.Contract{Code: "X", Factor: "F", Currency: o2c.EUR, Mode: factoring.Confidential, AdvanceRate: decimal.NewFromInt(1), MaxDaysOverdue: 30}
	p, err := factoring.Eligible(factoring.Input{Contract: c, AsOf: yearEnd, Items: tn.items})
	require.NoError(t, err)
	for _, r := range p.Eligible {
		assert.False(t, r.DueDate.AddDays(30).Before(yearEnd), "%s is at most 30 days late", r.Number)
	}
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	var assigned, excess, commission, advance, reserve string
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.Contains(l, "assigned ") && strings.Contains(l, "reserve ") {
			f := strings.Fields(l)
			assigned, excess, commission, advance, reserve = f[1], f[3], f[5], f[7], f[9]
		}
	}
	sum, err := o2c.Sum(o2c.EUR, o2c.MustMoney(advance, "EUR"), o2c.MustMoney(reserve, "EUR"), o2c.MustMoney(commission, "EUR"))
	require.NoError(t, err)
	assert.True(t, sum.Equal(o2c.MustMoney(assigned, "EUR")), "advance + reserve + commission = assigned (%s)", assigned)
	assert.NotEqual(t, "0.00", excess, "the concentration cap bites in the demo")
}
