package matching

import (
	"errors"
	"math"
	"sort"
)

// The probability model: a logistic regression over features of a
// proposal, so that [Proposal.Probability] estimates how often a proposal
// like it is right. The features (all in 0-1 or small counts):
//
//   - FeatureScore: the engine's evidence score ([Proposal.Confidence]),
//     which sums the reference found (exact, RF, number, suffix, PO,
//     fuzzy), the amount relation (equal, discount, tolerance, partial,
//     over) and the payer evidence (IBAN, learned mapping, name);
//   - FeatureLead: how far the proposal is ahead of the best other one
//     (negative when behind), the rivals' strength;
//   - FeatureNameOnly: the payer is known by its name only;
//   - FeatureAmountOnly: found by amount within the payer's items, no
//     reference;
//   - FeatureUnapplied: unapplied cash, no invoice;
//   - FeatureSeveral: several invoices in one payment;
//   - FeatureAdjusted: a write-off, a discount or a deduction is part of it;
//   - FeatureOver: an over-payment (invoices and unapplied cash);
//   - FeatureRivals: log(1 + the number of other proposals).
//
// [DefaultModel] was fitted on the engine's own generator
// ([Generate], profiles medium and hard), never on the independent
// evaluation sets; [FitModel] refits it on a tenant's own confirmed and
// rejected decisions, pulled towards the default where they are few.
const (
	FeatureBias = iota
	FeatureScore
	FeatureLead
	FeatureNameOnly
	FeatureAmountOnly
	FeatureUnapplied
	FeatureSeveral
	FeatureAdjusted
	FeatureOver
	FeatureRivals
	// NumFeatures is the length of [Features].
	NumFeatures
)

// Features are what the model reads of one proposal.
type Features [NumFeatures]float64

// FeaturesOf returns the features of proposal i of r.
func FeaturesOf(r Result, i int) Features {
	p := r.Proposals[i]
	var f Features
	f[FeatureBias] = 1
	f[FeatureScore] = p.Confidence
	lead := 1.0
	for k, o := range r.Proposals {
		if k != i {
			lead = min(lead, p.Confidence-o.Confidence)
		}
	}
	f[FeatureLead] = lead
	if p.nameOnly {
		f[FeatureNameOnly] = 1
	}
	switch p.Kind {
	case KindAmount:
		f[FeatureAmountOnly] = 1
	case KindUnapplied:
		f[FeatureUnapplied] = 1
	}
	if len(p.Allocations) > 1 {
		f[FeatureSeveral] = 1
	}
	for _, a := range p.Allocations {
		if a.WriteOff.IsPositive() || a.Discount.IsPositive() || a.Deduction != nil {
			f[FeatureAdjusted] = 1
		}
	}
	if len(p.Allocations) > 0 && p.Unapplied.IsPositive() {
		f[FeatureOver] = 1
	}
	f[FeatureRivals] = math.Log1p(float64(len(r.Proposals) - 1))
	return f
}

// Model is a logistic model: the probability that a proposal is right is
// 1 / (1 + exp(-w·f)).
type Model struct {
	Weights Features `json:"weights"`
}

// defaultWeights were fitted by TestDefaultModel on matching.Generate
// (seeds 101 and 102, medium and hard profiles, every proposal of every
// line labelled right or wrong against the generator's truth), with a
// ridge of strength 1 towards zero.
var defaultWeights = Features{-2.52, 6.53, 12.44, 1.17, -2.28, -2.28, 1.88, 0.44, -2.69, -2.69}

// DefaultModel returns the model fitted on the engine's own generator.
func DefaultModel() Model { return Model{Weights: defaultWeights} }

// Probability returns the model's probability that a proposal with
// features f is right.
func (m Model) Probability(f Features) float64 {
	z := 0.0
	for i := range f {
		z += m.Weights[i] * f[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// Example is one decided proposal: its features and whether it was right
// (applied and confirmed, or a suggestion a person confirmed) or wrong
// (a suggestion a person rejected, an applied match reversed).
type Example struct {
	Features Features
	Right    bool
}

// ErrNoExamples: a fit or a threshold needs decided proposals.
var ErrNoExamples = errors.New("matching: no decided proposals to learn from")

// FitModel fits a model to examples by maximum a posteriori: the
// logistic log-likelihood plus a Gaussian prior centred on prior's
// weights with precision strength (0: plain maximum likelihood, which
// needs both right and wrong examples), by Newton's method. A tenant's
// few decisions thus move the default only as far as they show.
func FitModel(examples []Example, prior Model, strength float64) (Model, error) {
	if len(examples) == 0 {
		return Model{}, ErrNoExamples
	}
	w := prior.Weights
	const n = NumFeatures
	for iter := 0; iter < 50; iter++ {
		var g [n]float64
		var h [n][n]float64
		for i := 0; i < n; i++ {
			g[i] = -strength * (w[i] - prior.Weights[i])
			h[i][i] = strength + 1e-6
		}
		for _, ex := range examples {
			p := Model{Weights: w}.Probability(ex.Features)
			y := 0.0
			if ex.Right {
				y = 1
			}
			for i := 0; i < n; i++ {
				g[i] += (y - p) * ex.Features[i]
				for j := 0; j < n; j++ {
					h[i][j] += p * (1 - p) * ex.Features[i] * ex.Features[j]
				}
			}
		}
		step, ok := solve(h, g)
		if !ok {
			return Model{}, errors.New("matching: the model cannot be fitted (singular information matrix)")
		}
		// damped: halve the step until the objective improves
		cur := objective(examples, w, prior.Weights, strength)
		scale := 1.0
		var next Features
		for k := 0; k < 30; k++ {
			for i := 0; i < n; i++ {
				next[i] = w[i] + scale*step[i]
			}
			if objective(examples, next, prior.Weights, strength) >= cur-1e-12 {
				break
			}
			scale /= 2
		}
		moved := 0.0
		for i := 0; i < n; i++ {
			moved = math.Max(moved, math.Abs(next[i]-w[i]))
		}
		w = next
		if moved < 1e-8 {
			break
		}
	}
	return Model{Weights: w}, nil
}

// objective is the log-posterior FitModel maximises.
func objective(examples []Example, w, prior Features, strength float64) float64 {
	o := 0.0
	for i := range w {
		d := w[i] - prior[i]
		o -= strength * d * d / 2
	}
	for _, ex := range examples {
		z := 0.0
		for i := range w {
			z += w[i] * ex.Features[i]
		}
		// log sigmoid(z) or log(1 - sigmoid(z)), computed stably
		if !ex.Right {
			z = -z
		}
		if z > 0 {
			o -= math.Log1p(math.Exp(-z))
		} else {
			o += z - math.Log1p(math.Exp(z))
		}
	}
	return o
}

// solve solves h x = g by Gaussian elimination with partial pivoting.
func solve(h [NumFeatures][NumFeatures]float64, g [NumFeatures]float64) ([NumFeatures]float64, bool) {
	const n = NumFeatures
	var x [n]float64
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(h[r][c]) > math.Abs(h[p][c]) {
				p = r
			}
		}
		if math.Abs(h[p][c]) < 1e-12 {
			return x, false
		}
		h[c], h[p] = h[p], h[c]
		g[c], g[p] = g[p], g[c]
		for r := c + 1; r < n; r++ {
			f := h[r][c] / h[c][c]
			for k := c; k < n; k++ {
				h[r][k] -= f * h[c][k]
			}
			g[r] -= f * g[c]
		}
	}
	for r := n - 1; r >= 0; r-- {
		s := g[r]
		for k := r + 1; k < n; k++ {
			s -= h[r][k] * x[k]
		}
		x[r] = s / h[r][r]
	}
	return x, true
}

// Threshold returns the lowest probability from which the proposals of
// examples are right with at least the target precision (0.999 for
// 99.9 %), judged by the one-sided 95 % lower bound (Wilson) of the share
// right among the examples at or above it, so that a handful of lucky
// examples does not lower it. ok is false when no threshold reaches the
// target on these examples (keep the default then).
func (m Model) Threshold(examples []Example, target float64) (t float64, ok bool) {
	if len(examples) == 0 {
		return 1, false
	}
	type pr struct {
		p     float64
		right bool
	}
	ps := make([]pr, len(examples))
	for i, ex := range examples {
		ps[i] = pr{m.Probability(ex.Features), ex.Right}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].p > ps[j].p })
	right, best := 0, 1.0
	for i, x := range ps {
		if x.right {
			right++
		}
		if i+1 < len(ps) && ps[i+1].p == x.p {
			continue // a threshold keeps all examples of equal probability
		}
		if wilsonLower(right, i+1) >= target {
			best, ok = x.p, true
		}
	}
	return best, ok
}

// wilsonLower is the one-sided 95 % Wilson lower bound of k successes in n.
func wilsonLower(k, n int) float64 {
	const z = 1.6449
	p, nn := float64(k)/float64(n), float64(n)
	return (p + z*z/(2*nn) - z*math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn))) / (1 + z*z/nn)
}

// CalibrationBin is one row of a calibration table: the proposals whose
// predicted probability fell in [From, To), their mean prediction and
// the share that was right.
type CalibrationBin struct {
	From, To  float64
	N, Right  int
	Predicted float64
}

// Observed returns the share right.
func (b CalibrationBin) Observed() float64 {
	if b.N == 0 {
		return 0
	}
	return float64(b.Right) / float64(b.N)
}

// Calibration bins predicted probabilities by decile and counts how many
// were right: a calibrated model's Predicted and Observed agree.
type Calibration [10]CalibrationBin

// Add records one prediction and whether it was right.
func (c *Calibration) Add(p float64, right bool) {
	d := min(int(p*10), 9)
	b := &c[d]
	b.From, b.To = float64(d)/10, float64(d+1)/10
	b.Predicted = (b.Predicted*float64(b.N) + p) / float64(b.N+1)
	b.N++
	if right {
		b.Right++
	}
}
