package matching_test

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/matching"
)

func runProfile(t *testing.T, p matching.Profile, seed uint64) matching.Score {
	t.Helper()
	ds, err := matching.Generate(matching.GeneratorOptions{Seed: seed, Profile: p, Customers: 300, Invoices: 6000, Lines: 2000})
	require.NoError(t, err)
	res, err := matching.Match(ds.Input, ds.Statement.Lines, matching.Options{Tolerance: testTolerance()})
	require.NoError(t, err)
	s := ds.Evaluate(res)
	t.Logf("%s seed %d: %d lines, %d payments, auto %d (%.2f %%), wrong %d (%.3f %%), precision %.4f, recall %.4f",
		p, seed, s.Lines, s.Payments, s.AutoApplied, 100*s.AutoRate(), s.WrongAuto, 100*s.WrongRate(), s.Precision, s.Recall)
	var cases []string
	for c := range s.ByCase {
		cases = append(cases, string(c))
	}
	sort.Strings(cases)
	for _, c := range cases {
		v := s.ByCase[matching.Case(c)]
		t.Logf("  %-30s payments %4d auto %4d", c, v[0], v[1])
	}
	return s
}

// TestAccuracyFixedSeed asserts the acceptance targets on a fixed seed:
// medium >= 95 % of payments auto-applied with no wrong automatic
// decision; hard >= 85 % with wrong automatic decisions below 0.1 %.
func TestAccuracyFixedSeed(t *testing.T) {
	checkTargets(t, 20260410)
}

// TestAccuracySeveralSeeds asserts the same targets over a few seeds.
func TestAccuracySeveralSeeds(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		checkTargets(t, seed)
	}
}

func checkTargets(t *testing.T, seed uint64) {
	t.Helper()
	e := runProfile(t, matching.ProfileEasy, seed)
	require.GreaterOrEqual(t, e.AutoRate(), 0.99)
	require.Zero(t, e.WrongAuto)
	m := runProfile(t, matching.ProfileMedium, seed)
	require.GreaterOrEqual(t, m.AutoRate(), 0.95, "medium auto-applied")
	require.Zero(t, m.WrongAuto, "medium wrong auto-applications")
	require.Equal(t, 1.0, m.Precision)
	h := runProfile(t, matching.ProfileHard, seed)
	require.GreaterOrEqual(t, h.AutoRate(), 0.85, "hard auto-applied")
	require.Less(t, h.WrongRate(), 0.001, "hard wrong auto-applications")
	require.Greater(t, h.Recall, 0.85)
}
