package evalset_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/matching/evalset"
	"github.com/cashcycle/sdk/o2c"
)

func tolerance(cur o2c.Currency) invoice.Tolerance {
	return invoice.Tolerance{Amounts: []o2c.Money{o2c.FromMinor(500, cur)}, Percent: decimal.NewFromInt(1)}
}

// TestSnapshotProfiles runs the engine over each profile and level, day
// by day against the open items the truth leaves (a perfect clerk, no
// learning), and holds it to
// the safety targets: wrong automatic decisions at most 0.1 % of
// payments, none to the wrong customer where names are shared.
func TestSnapshotProfiles(t *testing.T) {
	for _, p := range evalset.Profiles {
		for _, lv := range []evalset.Level{evalset.Easy, evalset.Medium, evalset.Hard} {
			tl, err := evalset.Generate(evalset.Options{Profile: p, Level: lv, Seed: 7})
			require.NoError(t, err)
			r := evalset.NewReport(string(p) + "/" + string(lv))
			require.NoError(t, tl.Replay(r, func(in matching.Input, lines []matching.Line) ([]matching.Result, error) {
				return matching.Match(in, lines, matching.Options{Tolerance: tolerance(tl.Currency)})
			}))
			t.Log(r.Summary())
			if testing.Verbose() {
				th, ok := matching.DefaultModel().Threshold(r.Examples, 0.999)
				t.Logf("\n%s%s%s  probability needed for 99.9 %% precision (95 %% lower bound): %.4f (reached: %v)", r.KindTable(), r.CalibrationTable(), r.ProbabilityTable(), th, ok)
			}
			require.LessOrEqual(t, r.WrongRate(), 0.001, r.Summary())
			if p == evalset.SharedNames {
				require.Zero(t, r.Wrong[evalset.WrongCustomer], r.Summary())
			}
		}
	}
}

func TestGenerateIsReproducible(t *testing.T) {
	a, err := evalset.Generate(evalset.Options{Profile: evalset.ACHCTX, Seed: 3, Days: 5})
	require.NoError(t, err)
	b, err := evalset.Generate(evalset.Options{Profile: evalset.ACHCTX, Seed: 3, Days: 5})
	require.NoError(t, err)
	require.Equal(t, a, b)
	_, err = evalset.Generate(evalset.Options{Profile: "nope"})
	require.ErrorIs(t, err, o2c.ErrValidation)
}
