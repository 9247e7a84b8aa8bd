package postmortem_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/report"
	"github.com/cashcycle/sdk/risk/postmortem"
)

func rules(r postmortem.Report) []postmortem.Rule {
	var out []postmortem.Rule
	for _, f := range r.Findings {
		out = append(out, f.Rule)
	}
	return out
}

func TestPostMortemFindsPlantedCausesAndRanksThem(t *testing.T) {
	g := newGenerator(17)
	h := g.customer(true, planted{release: true, gap: true, masterData: true})
	rep, err := postmortem.Analyze(h, postmortem.Options{})
	require.NoError(t, err)
	assert.Equal(t, []postmortem.Rule{
		postmortem.RuleHoldReleasedAboveLimit, // planted: released 14,000 over a 10,000 limit
		postmortem.RuleReminderGap,            // planted: 30 days after due before the first reminder
		postmortem.RuleExposureOverLimit,      // follows from the release
		postmortem.RuleMasterDataGap,          // planted: invoice 5 without postcode and contact
	}, rules(rep))
	assert.Contains(t, rep.Findings[0].Detail, "by sales.director 1")
	assert.Contains(t, rep.Findings[1].Detail, "30 days without a reminder after due")
	assert.Contains(t, rep.Findings[3].Detail, "billing_address.postcode")
	assert.Equal(t, postmortem.KindDefault, rep.Timeline[len(rep.Timeline)-1].Kind)
	for i := 1; i < len(rep.Timeline); i++ {
		require.False(t, rep.Timeline[i].Date.Before(rep.Timeline[i-1].Date), "timeline in date order")
	}
}

func TestPostMortemEachCauseAlone(t *testing.T) {
	g := newGenerator(3)
	for name, tc := range map[string]struct {
		p    planted
		want []postmortem.Rule
	}{
		"release":     {planted{release: true}, []postmortem.Rule{postmortem.RuleHoldReleasedAboveLimit, postmortem.RuleExposureOverLimit}},
		"gap":         {planted{gap: true}, []postmortem.Rule{postmortem.RuleReminderGap}},
		"master data": {planted{masterData: true}, []postmortem.Rule{postmortem.RuleMasterDataGap}},
		"none":        {planted{}, nil},
	} {
		rep, err := postmortem.Analyze(g.customer(true, tc.p), postmortem.Options{})
		require.NoError(t, err, name)
		assert.Equal(t, tc.want, rules(rep), name)
	}
}

func TestPostMortemReportsNothingOnCleanCustomers(t *testing.T) {
	g := newGenerator(99)
	for i := 0; i < 50; i++ {
		rep, err := postmortem.Analyze(g.customer(false, planted{}), postmortem.Options{})
		require.NoError(t, err)
		require.Empty(t, rep.Findings, "customer %d: %+v", i, rep.Findings)
		require.NotEmpty(t, rep.Timeline)
	}
}

func TestSummarizeCountsRecurringCauses(t *testing.T) {
	g := newGenerator(5)
	var reps []postmortem.Report
	for _, p := range []planted{{release: true, gap: true}, {gap: true}, {gap: true, masterData: true}, {}} {
		r, err := postmortem.Analyze(g.customer(true, p), postmortem.Options{})
		require.NoError(t, err)
		reps = append(reps, r)
	}
	clean, err := postmortem.Analyze(g.customer(false, planted{}), postmortem.Options{})
	require.NoError(t, err)
	reps = append(reps, clean) // no default: not counted
	s, err := postmortem.Summarize(reps, report.Period{From: o2c.MustDate(2026, time.January, 1), To: o2c.MustDate(2026, time.December, 31)})
	require.NoError(t, err)
	assert.Equal(t, 4, s.Defaults)
	assert.Equal(t, 1, s.Clean)
	require.NotEmpty(t, s.Causes)
	assert.Equal(t, postmortem.Cause{Rule: postmortem.RuleReminderGap, Defaults: 3, Occurrences: 3}, s.Causes[0])
	assert.Equal(t, postmortem.RuleHoldReleasedAboveLimit, s.Causes[1].Rule)
}
