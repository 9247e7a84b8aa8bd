package credit

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
)

// Factor names of the default scorecard.
const (
	FactorDaysBeyondTerms = "avg_days_beyond_terms" // amount-weighted average days paid after the due date
	FactorLateShare       = "late_share_percent"    // share of invoices paid (or still open) after the due date
	FactorWorstDelay      = "worst_delay_days"      // worst delay in the last 12 months
	FactorTrend           = "recent_delay_days"     // amount-weighted average delay of the last 3 months
	FactorDisputes        = "dispute_ratio_percent" // disputed share of the amounts invoiced
	FactorSeniority       = "seniority_years"       // years since the relationship began
	FactorUtilisation     = "utilisation_percent"   // exposure over limit
	FactorRating          = "external_rating"       // an external rating mapped to 0-100 by the caller
	FactorAltman          = "altman_z2"             // Altman's Z'' = 6.56 X1 + 3.26 X2 + 6.72 X3 + 1.05 X4
)

// Direction says whether a factor's higher values are better or worse.
type Direction string

// Directions.
const (
	LowerIsBetter  Direction = "lower_is_better"
	HigherIsBetter Direction = "higher_is_better"
)

// Band gives Points (0-100) to values up to Bound (LowerIsBetter) or from
// Bound (HigherIsBetter).
type Band struct {
	Bound  decimal.Decimal `json:"bound"`
	Points int             `json:"points"`
}

// Factor is one line of a scorecard: a named input, its weight, and bands
// turning its value into points; a value no band takes gets Else.
type Factor struct {
	Name      string    `json:"name"`
	Weight    int       `json:"weight"`
	Direction Direction `json:"direction"`
	Bands     []Band    `json:"bands"`
	Else      int       `json:"else"`
}

// ClassBand maps scores from MinScore up to a risk class, and the class to
// the months of average invoicing the recommended limit covers.
type ClassBand struct {
	MinScore    decimal.Decimal `json:"min_score"`
	Class       RiskClass       `json:"class"`
	LimitMonths decimal.Decimal `json:"limit_months"`
}

// Scorecard is the scoring model as data. [DefaultScorecard] documents the
// defaults (docs/credit.md lists them).
type Scorecard struct {
	Factors []Factor    `json:"factors"`
	Classes []ClassBand `json:"classes"` // by MinScore, highest first; the last has MinScore 0
	// LimitStep rounds the recommended limit down to a multiple (e.g. 100).
	LimitStep decimal.Decimal `json:"limit_step"`
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func bands(pairs ...string) []Band {
	out := make([]Band, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		var p int
		fmt.Sscan(pairs[i+1], &p)
		out = append(out, Band{Bound: d(pairs[i]), Points: p})
	}
	return out
}

// DefaultScorecard returns the default model: payment behaviour weighs 55,
// disputes 10, seniority 10, utilisation 10, external rating 10 and
// Altman's Z″ 5 (absent optional inputs leave their weight to the
// others); scores from 80 are class A, 65 B, 50 C, 35 D, below E; the
// recommended limit is 3, 2, 1.5, 1 and 0 months of average invoicing,
// rounded down to 100.
func DefaultScorecard() Scorecard {
	return Scorecard{
		Factors: []Factor{
			{Name: FactorDaysBeyondTerms, Weight: 25, Direction: LowerIsBetter, Bands: bands("0", "100", "5", "80", "15", "55", "30", "30", "60", "10"), Else: 0},
			{Name: FactorLateShare, Weight: 10, Direction: LowerIsBetter, Bands: bands("0", "100", "10", "80", "25", "60", "50", "30"), Else: 0},
			{Name: FactorWorstDelay, Weight: 10, Direction: LowerIsBetter, Bands: bands("0", "100", "15", "75", "30", "50", "60", "25", "90", "10"), Else: 0},
			{Name: FactorTrend, Weight: 10, Direction: LowerIsBetter, Bands: bands("0", "100", "5", "80", "15", "50", "30", "25"), Else: 0},
			{Name: FactorDisputes, Weight: 10, Direction: LowerIsBetter, Bands: bands("0", "100", "2", "80", "5", "60", "10", "30"), Else: 0},
			{Name: FactorSeniority, Weight: 10, Direction: HigherIsBetter, Bands: bands("5", "100", "3", "80", "1", "50"), Else: 20},
			{Name: FactorUtilisation, Weight: 10, Direction: LowerIsBetter, Bands: bands("50", "100", "75", "75", "90", "50", "100", "25"), Else: 0},
			{Name: FactorRating, Weight: 10, Direction: HigherIsBetter, Bands: bands("80", "100", "60", "75", "40", "50", "20", "25"), Else: 0},
			{Name: FactorAltman, Weight: 5, Direction: HigherIsBetter, Bands: bands("2.6", "100", "1.1", "50"), Else: 0},
		},
		Classes: []ClassBand{
			{MinScore: d("80"), Class: RiskA, LimitMonths: d("3")},
			{MinScore: d("65"), Class: RiskB, LimitMonths: d("2")},
			{MinScore: d("50"), Class: RiskC, LimitMonths: d("1.5")},
			{MinScore: d("35"), Class: RiskD, LimitMonths: d("1")},
			{MinScore: d("0"), Class: RiskE, LimitMonths: d("0")},
		},
		LimitStep: d("100"),
	}
}

// Validate checks the model: known factor names once each, positive
// weights, points 0-100, bands ordered so that points never rise as the
// value gets worse (which makes worse behaviour never score better), and
// class bands from the highest MinScore down to 0.
func (sc Scorecard) Validate() error {
	seen := map[string]bool{}
	for i, f := range sc.Factors {
		field := fmt.Sprintf("factors[%d]", i)
		switch {
		case !knownFactor(f.Name):
			return invalid(field+".name", "must be one of the Factor* names", f.Name)
		case seen[f.Name]:
			return invalid(field+".name", "appears twice", f.Name)
		case f.Weight <= 0:
			return invalid(field+".weight", "must be positive", fmt.Sprint(f.Weight))
		case f.Direction != LowerIsBetter && f.Direction != HigherIsBetter:
			return invalid(field+".direction", "must be lower_is_better or higher_is_better", string(f.Direction))
		case f.Else < 0 || f.Else > 100:
			return invalid(field+".else", "must be 0-100", fmt.Sprint(f.Else))
		}
		seen[f.Name] = true
		for j, b := range f.Bands {
			bf := fmt.Sprintf("%s.bands[%d]", field, j)
			if b.Points < 0 || b.Points > 100 {
				return invalid(bf+".points", "must be 0-100", fmt.Sprint(b.Points))
			}
			if j > 0 {
				prev := f.Bands[j-1]
				worse := b.Bound.GreaterThan(prev.Bound)
				if f.Direction == HigherIsBetter {
					worse = b.Bound.LessThan(prev.Bound)
				}
				if !worse || b.Points > prev.Points {
					return invalid(bf, "bands go from the best values to the worst, points never rising", b.Bound.String())
				}
			}
		}
		if n := len(f.Bands); n > 0 && f.Else > f.Bands[n-1].Points {
			return invalid(field+".else", "must not exceed the last band's points", fmt.Sprint(f.Else))
		}
	}
	if len(sc.Classes) == 0 {
		return invalid("classes", "at least one class band is needed", "")
	}
	for i, c := range sc.Classes {
		if c.Class.IsZero() || c.LimitMonths.IsNegative() {
			return invalid(fmt.Sprintf("classes[%d]", i), "needs a class and limit months not negative", c.Class.String())
		}
		if i > 0 && !c.MinScore.LessThan(sc.Classes[i-1].MinScore) {
			return invalid(fmt.Sprintf("classes[%d].min_score", i), "must fall from one band to the next", c.MinScore.String())
		}
	}
	if !sc.Classes[len(sc.Classes)-1].MinScore.IsZero() {
		return invalid("classes", "the last band must start at 0", "")
	}
	if sc.LimitStep.IsNegative() {
		return invalid("limit_step", "must not be negative", sc.LimitStep.String())
	}
	return nil
}

func knownFactor(n string) bool {
	switch n {
	case FactorDaysBeyondTerms, FactorLateShare, FactorWorstDelay, FactorTrend, FactorDisputes,
		FactorSeniority, FactorUtilisation, FactorRating, FactorAltman:
		return true
	}
	return false
}

func (f Factor) points(v decimal.Decimal) int {
	for _, b := range f.Bands {
		if (f.Direction == LowerIsBetter && v.LessThanOrEqual(b.Bound)) || (f.Direction == HigherIsBetter && v.GreaterThanOrEqual(b.Bound)) {
			return b.Points
		}
	}
	return f.Else
}

// InvoiceRecord is one invoice of a customer's history for scoring.
type InvoiceRecord struct {
	// Amount invoiced (gross), in the input's currency.
	Amount  o2c.Money
	DueDate o2c.Date
	// PaidOn is when it was settled in full; zero while open (its delay
	// then runs to the scoring date).
	PaidOn o2c.Date
	// Disputed: a dispute was raised on it.
	Disputed bool
}

// Financials are the ratios of Altman's Z″ (non-manufacturers and
// emerging markets): X1 working capital / total assets, X2 retained
// earnings / total assets, X3 EBIT / total assets, X4 book equity / total
// liabilities.
type Financials struct {
	X1, X2, X3, X4 decimal.Decimal
}

// Z returns Z″ = 6.56 X1 + 3.26 X2 + 6.72 X3 + 1.05 X4.
func (f Financials) Z() decimal.Decimal {
	return d("6.56").Mul(f.X1).Add(d("3.26").Mul(f.X2)).Add(d("6.72").Mul(f.X3)).Add(d("1.05").Mul(f.X4))
}

// ScoreInput is what a score is computed from. Amounts are in Currency.
type ScoreInput struct {
	AsOf     o2c.Date
	Currency o2c.Currency
	// Invoices is the payment history; those due in the 12 months up to
	// AsOf (and those already paid that fall due later) count.
	Invoices []InvoiceRecord
	// Since is when the relationship began (zero: seniority not scored).
	Since o2c.Date
	// Exposure and Limit give utilisation (zero Limit: not scored).
	Exposure o2c.Money
	Limit    o2c.Money
	// Rating is an external rating mapped to 0-100 (nil: not scored).
	Rating *decimal.Decimal
	// Financials give Altman's Z'' (nil: not scored).
	Financials *Financials
	// Insurance caps the recommended limit while in force.
	Insurance *Insurance
}

// Contribution is one factor's part of a score.
type Contribution struct {
	Factor string          `json:"factor"`
	Value  decimal.Decimal `json:"value"`
	Points int             `json:"points"`
	Weight int             `json:"weight"`
	// Contribution is Points x Weight / (sum of the present factors'
	// weights), in hundredths; the contributions sum to the score.
	Contribution decimal.Decimal `json:"contribution"`
}

// Score is a scorecard's verdict.
type Score struct {
	// Score is 0-100 with two decimals.
	Score decimal.Decimal `json:"score"`
	Class RiskClass       `json:"class"`
	// MonthlyInvoiced is the average invoiced per month over the window.
	MonthlyInvoiced o2c.Money `json:"monthly_invoiced"`
	// RecommendedLimit is MonthlyInvoiced x the class's months, rounded
	// down to LimitStep, capped by insurance in force.
	RecommendedLimit  o2c.Money      `json:"recommended_limit"`
	CappedByInsurance bool           `json:"capped_by_insurance"`
	Contributions     []Contribution `json:"contributions"`
}

type behaviour struct {
	avgDelay, lateShare, worst, recent, disputes decimal.Decimal
	hasRecent                                    bool
	total                                        decimal.Decimal
	n                                            int
}

func measure(in ScoreInput) (behaviour, error) {
	var b behaviour
	from, recentFrom := in.AsOf.AddMonths(-12), in.AsOf.AddMonths(-3)
	var weighted, recentW, recentAmt, disputed decimal.Decimal
	late := 0
	for i, r := range in.Invoices {
		if r.Amount.Currency() != in.Currency {
			return b, &o2c.CurrencyMismatchError{Op: fmt.Sprintf("score invoices[%d]", i), Left: in.Currency, Right: r.Amount.Currency()}
		}
		if !r.PaidOn.IsZero() && r.PaidOn.After(in.AsOf) {
			return b, invalid(fmt.Sprintf("invoices[%d].paid_on", i), "must not be after the scoring date", r.PaidOn.String())
		}
		if r.DueDate.IsZero() || !r.DueDate.After(from) || (r.DueDate.After(in.AsOf) && r.PaidOn.IsZero()) {
			continue
		}
		end := r.PaidOn
		if end.IsZero() {
			end = in.AsOf
		}
		delay := max(r.DueDate.DaysUntil(end), 0)
		amt := r.Amount.Amount().Abs()
		dd := decimal.NewFromInt(int64(delay))
		b.n++
		b.total = b.total.Add(amt)
		weighted = weighted.Add(amt.Mul(dd))
		if delay > 0 {
			late++
		}
		if dd.GreaterThan(b.worst) {
			b.worst = dd
		}
		if r.DueDate.After(recentFrom) {
			b.hasRecent = true
			recentW, recentAmt = recentW.Add(amt.Mul(dd)), recentAmt.Add(amt)
		}
		if r.Disputed {
			disputed = disputed.Add(amt)
		}
	}
	if b.n == 0 {
		return b, nil
	}
	hundred := decimal.NewFromInt(100)
	if b.total.IsPositive() {
		b.avgDelay = weighted.DivRound(b.total, 4)
		b.disputes = disputed.Mul(hundred).DivRound(b.total, 4)
	}
	if recentAmt.IsPositive() {
		b.recent = recentW.DivRound(recentAmt, 4)
	}
	b.lateShare = decimal.NewFromInt(int64(late*100)).DivRound(decimal.NewFromInt(int64(b.n)), 4)
	return b, nil
}

// Score scores in under sc: each present factor's value is banded into
// points, weighted, and the weighted points summed to a score of 0-100;
// the score sets the class and the class the recommended limit. It is a
// pure function. Errors: an invalid scorecard or input.
func (sc Scorecard) Score(in ScoreInput) (Score, error) {
	if err := sc.Validate(); err != nil {
		return Score{}, err
	}
	if in.AsOf.IsZero() || in.Currency.IsZero() {
		return Score{}, invalid("score_input", "needs AsOf and Currency", "")
	}
	b, err := measure(in)
	if err != nil {
		return Score{}, err
	}
	values := map[string]decimal.Decimal{}
	if b.n > 0 {
		values[FactorDaysBeyondTerms], values[FactorLateShare], values[FactorWorstDelay] = b.avgDelay, b.lateShare, b.worst
		values[FactorDisputes] = b.disputes
		if b.hasRecent {
			values[FactorTrend] = b.recent
		}
	}
	if !in.Since.IsZero() && !in.Since.After(in.AsOf) {
		values[FactorSeniority] = decimal.NewFromInt(int64(in.Since.DaysUntil(in.AsOf))).DivRound(decimal.NewFromInt(365), 4)
	}
	if in.Limit.IsPositive() {
		if in.Exposure.Currency() != in.Limit.Currency() {
			return Score{}, &o2c.CurrencyMismatchError{Op: "utilisation", Left: in.Limit.Currency(), Right: in.Exposure.Currency()}
		}
		values[FactorUtilisation] = in.Exposure.Amount().Mul(decimal.NewFromInt(100)).DivRound(in.Limit.Amount(), 4)
	}
	if in.Rating != nil {
		if in.Rating.IsNegative() || in.Rating.GreaterThan(decimal.NewFromInt(100)) {
			return Score{}, invalid("rating", "must be 0-100", in.Rating.String())
		}
		values[FactorRating] = *in.Rating
	}
	if in.Financials != nil {
		values[FactorAltman] = in.Financials.Z().Round(4)
	}
	var out Score
	totalW := 0
	for _, f := range sc.Factors {
		if v, ok := values[f.Name]; ok {
			totalW += f.Weight
			out.Contributions = append(out.Contributions, Contribution{Factor: f.Name, Value: v, Points: f.points(v), Weight: f.Weight})
		}
	}
	out.Score = decimal.Zero
	if totalW > 0 {
		out.Score = apportion(out.Contributions, totalW)
	}
	cls := sc.Classes[len(sc.Classes)-1]
	for _, c := range sc.Classes {
		if out.Score.GreaterThanOrEqual(c.MinScore) {
			cls = c
			break
		}
	}
	out.Class = cls.Class
	monthly := b.total.DivRound(decimal.NewFromInt(12), in.Currency.Digits())
	if out.MonthlyInvoiced, err = o2c.MoneyOf(monthly, in.Currency); err != nil {
		return Score{}, err
	}
	rec := monthly.Mul(cls.LimitMonths)
	if sc.LimitStep.IsPositive() {
		rec = rec.Div(sc.LimitStep).Floor().Mul(sc.LimitStep)
	}
	if out.RecommendedLimit, err = o2c.MoneyOf(rec, in.Currency); err != nil {
		return Score{}, err
	}
	out.RecommendedLimit = out.RecommendedLimit.RoundTo(in.Currency.Digits(), o2c.RoundDown)
	if in.Insurance.ActiveOn(in.AsOf) {
		if in.Insurance.Amount.Currency() != in.Currency {
			return Score{}, &o2c.CurrencyMismatchError{Op: "insurance cap", Left: in.Currency, Right: in.Insurance.Amount.Currency()}
		}
		if in.Insurance.Amount.Amount().LessThan(out.RecommendedLimit.Amount()) {
			out.RecommendedLimit, out.CappedByInsurance = in.Insurance.Amount, true
		}
	}
	return out, nil
}

// apportion sets each contribution to its share of the score in
// hundredths, by the largest-remainder method, so that they sum exactly
// to the score (the exact weighted sum rounded half-up to hundredths).
func apportion(cs []Contribution, totalW int) decimal.Decimal {
	exact := make([]decimal.Decimal, len(cs))
	sum := decimal.Zero
	for i, c := range cs {
		exact[i] = decimal.NewFromInt(int64(c.Points * c.Weight * 100)).Div(decimal.NewFromInt(int64(totalW))) // in hundredths
		sum = sum.Add(exact[i])
	}
	target := sum.Round(0).IntPart()
	floors := make([]int64, len(cs))
	var given int64
	idx := make([]int, len(cs))
	for i := range cs {
		floors[i] = exact[i].Floor().IntPart()
		given += floors[i]
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return exact[idx[a]].Sub(decimal.NewFromInt(floors[idx[a]])).GreaterThan(exact[idx[b]].Sub(decimal.NewFromInt(floors[idx[b]])))
	})
	for k := 0; given < target && k < len(idx); k++ {
		floors[idx[k]]++
		given++
	}
	for i := range cs {
		cs[i].Contribution = decimal.New(floors[i], -2)
	}
	return decimal.New(target, -2)
}
