package ledger_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/ledger"
	"github.com/cashcycle/sdk/o2c"
)

func TestPresetsAreValid(t *testing.T) {
	for _, cfg := range []ledger.Config{ledger.FrenchPCG(), ledger.IFRSConfig(o2c.USD)} {
		b, err := ledger.NewBook(cfg)
		require.NoError(t, err, cfg.Chart.Name())
		for _, r := range ledger.Roles() {
			_, ok := b.Chart().Account(b.Account(r))
			assert.True(t, ok, "%s: role %s", cfg.Chart.Name(), r)
		}
	}
	// the PCG accounts the issue names
	for _, n := range []string{"411", "4191", "44571", "44574", "512", "627", "654", "665", "706", "707", "7627", "758", "766", "666"} {
		_, ok := ledger.PCG().Account(n)
		assert.True(t, ok, n)
	}
}

func TestConfigurationRefusesUnknownAccounts(t *testing.T) {
	for name, mutate := range map[string]func(c *ledger.Config){
		"role":        func(c *ledger.Config) { c.Accounts[ledger.RoleBank] = "5121" },
		"line rule":   func(c *ledger.Config) { c.Lines = []ledger.LineRule{{SKUPrefix: "X", Account: "709"}} },
		"vat account": func(c *ledger.Config) { c.VAT = []ledger.VATAccount{{Due: "445711"}} },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := ledger.FrenchPCG()
			mutate(&cfg)
			if name == "vat account" {
				cfg.VAT[0].Category = mustCategory(t, "S")
			}
			_, err := ledger.NewBook(cfg)
			var ue *ledger.UnknownAccountError
			require.ErrorAs(t, err, &ue)
			require.ErrorIs(t, err, ledger.ErrUnknownAccount)
		})
	}
	// extending the chart makes the same rule valid
	chart, err := ledger.PCG().With(ledger.Account{Number: "445711", Name: "TVA collectée 20 %", Type: ledger.Liability})
	require.NoError(t, err)
	cfg := ledger.FrenchPCG()
	cfg.Chart = chart
	cfg.VAT = []ledger.VATAccount{{Category: mustCategory(t, "S"), Rate: dec("20"), Due: "445711"}}
	_, err = ledger.NewBook(cfg)
	require.NoError(t, err)

	cfg = ledger.FrenchPCG()
	delete(cfg.Accounts, ledger.RoleFXLoss)
	_, err = ledger.NewBook(cfg)
	require.ErrorIs(t, err, o2c.ErrValidation)
}

func TestChartRefusesBadAccounts(t *testing.T) {
	for _, a := range []ledger.Account{
		{Number: "41", Name: "Too short", Type: ledger.Asset},
		{Number: "A411", Name: "Letter first", Type: ledger.Asset},
		{Number: "411", Name: "", Type: ledger.Asset},
		{Number: "411", Name: "Tab\tin name", Type: ledger.Asset},
		{Number: "411", Name: "No type"},
	} {
		_, err := ledger.NewChart("x", []ledger.Account{a})
		require.ErrorIs(t, err, o2c.ErrValidation, a.Number+" "+a.Name)
	}
	_, err := ledger.NewChart("x", []ledger.Account{{"411", "Clients", ledger.Asset}, {"411", "Clients bis", ledger.Asset}})
	require.ErrorIs(t, err, o2c.ErrValidation)
}

func TestOpenDate(t *testing.T) {
	jan, feb := ledger.Month(o2c.MustDate(2026, 1, 1)), ledger.Month(o2c.MustDate(2026, 2, 1))
	assert.Equal(t, o2c.MustDate(2026, 3, 10), ledger.OpenDate(o2c.MustDate(2026, 3, 10), []ledger.Period{jan, feb}))
	assert.Equal(t, o2c.MustDate(2026, 2, 1), ledger.OpenDate(o2c.MustDate(2026, 1, 20), []ledger.Period{jan}))
	assert.Equal(t, o2c.MustDate(2026, 3, 1), ledger.OpenDate(o2c.MustDate(2026, 1, 20), []ledger.Period{feb, jan}), "chained locks")
	require.Error(t, ledger.Period{From: o2c.MustDate(2026, 2, 1), To: o2c.MustDate(2026, 1, 1)}.Validate())
}
