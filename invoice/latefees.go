package invoice

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"time"

	"github.com/cashcycle/sdk/o2c"
	"github.com/shopspring/decimal"
)

// Late-payment charges: statutory interest on an invoice paid late and the
// fixed recovery fee, as pure functions. Nothing here reads a clock or
// ships a rate: the caller supplies the reference rates as a
// [ReferenceRateTable] and the date up to which interest runs.
//
// Counting days late: the day after the due date is day 1, and interest
// runs up to and including the payment date (or the as-of date of a debt
// still open). An invoice due 31 March and paid 30 May is 60 days late: 30
// days of April and 30 of May. Paid on or before the due date it is not
// late and every charge is zero.
//
// The arithmetic is simple interest, exact until one final rounding:
//
//	numerator = Σ over segments of principal × rate (in percent) × days
//	interest  = numerator / (100 × basis), rounded once to the minor unit
//
// where basis is 365 (actual/365, also in leap years) or 360 days. A
// segment is a run of late days that share one rate (see
// [InterestRateFixing]); the segments are returned so that the figure can
// be explained line by line.

// ErrNoReferenceRate reports that a reference-rate table has no rate in
// force on a date a computation needs (the table starts later). The
// concrete error is a *[NoReferenceRateError].
var ErrNoReferenceRate = errors.New("invoice: no reference rate in force on the date")

// NoReferenceRateError names the table and the date that had no rate. It
// matches [ErrNoReferenceRate] with errors.Is.
type NoReferenceRateError struct {
	Table string   // the table's Name
	Date  o2c.Date // the date whose rate was looked up
}

func (e *NoReferenceRateError) Error() string {
	name := e.Table
	if name == "" {
		name = "reference rate table"
	}
	return fmt.Sprintf("invoice: %s has no rate in force on %s", name, e.Date)
}

// Is reports whether target is ErrNoReferenceRate.
func (e *NoReferenceRateError) Is(target error) bool { return target == ErrNoReferenceRate }

// Bounds on rates and margins, so that absurd data is refused rather than
// computed: a rate is in percent per year, strictly between -100 and 100,
// with at most 8 decimals.
const lateRateDecimals = 8

// ReferenceRate is one entry of a [ReferenceRateTable]: from Effective on
// (that day included), the rate is Percent per year (2.15 means 2.15 %). A
// rate may be negative (the German base rate was -0.88 % from July 2016 to
// December 2022).
type ReferenceRate struct {
	Effective o2c.Date        `json:"effective"`
	Percent   decimal.Decimal `json:"percent"`
}

// ReferenceRateTable is a history of a reference rate that the caller
// supplies, this library ships none: for example the ECB main refinancing
// operations rate, the Bundesbank's Basiszinssatz, the Bank of England's
// Bank Rate, or the French legal interest rate for professional creditors.
// Each entry holds from its effective date until the next one; the entries
// may be in any order, but two entries may not share an effective date.
//
// Record every change of the rate with the day it took effect (an ECB
// decision's effective date, 1 January or 1 July for the Basiszinssatz and
// the French legal rate, the day of a Bank Rate change), not only the
// figures on the fixing dates: the [LatePaymentPolicy] decides which date's
// rate applies. A table that ends too early is not detected: the last entry
// stays in force, so keep it up to date.
type ReferenceRateTable struct {
	// Name says what the rates are ("ECB MRO"), printed in errors.
	Name  string          `json:"name"`
	Rates []ReferenceRate `json:"rates"`
}

// IsZero reports whether t has no name and no rates: a table not supplied.
func (t ReferenceRateTable) IsZero() bool { return t.Name == "" && len(t.Rates) == 0 }

// Validate reports the first rule t breaks as a *o2c.ValidationError
// naming the field ("rates", "rates[2].effective", "rates[0].percent"): at
// least one entry, no zero or duplicate effective dates, each rate strictly
// between -100 and 100 with at most 8 decimals.
func (t ReferenceRateTable) Validate() error {
	_, err := t.sorted()
	return err
}

// RateOn returns the entry in force on d: the one with the latest
// effective date on or before d. A d before the first entry is a
// *[NoReferenceRateError]; an invalid table is a *o2c.ValidationError.
func (t ReferenceRateTable) RateOn(d o2c.Date) (ReferenceRate, error) {
	idx, err := t.sorted()
	if err != nil {
		return ReferenceRate{}, err
	}
	if d.IsZero() {
		return ReferenceRate{}, &o2c.ValidationError{Field: "date", Rule: "is required"}
	}
	return idx.on(d)
}

// lateRateIndex is a validated table sorted by effective date.
type lateRateIndex struct {
	name  string
	rates []ReferenceRate
}

func (t ReferenceRateTable) sorted() (lateRateIndex, error) {
	if len(t.Rates) == 0 {
		return lateRateIndex{}, &o2c.ValidationError{Field: "rates", Rule: "at least one rate is required"}
	}
	for i, r := range t.Rates {
		if r.Effective.IsZero() {
			return lateRateIndex{}, &o2c.ValidationError{Field: fmt.Sprintf("rates[%d].effective", i), Rule: "is required"}
		}
		if err := checkLatePercent(fmt.Sprintf("rates[%d].percent", i), r.Percent); err != nil {
			return lateRateIndex{}, err
		}
	}
	rates := slices.Clone(t.Rates)
	slices.SortStableFunc(rates, func(a, b ReferenceRate) int { return a.Effective.Compare(b.Effective) })
	for i := 1; i < len(rates); i++ {
		if rates[i].Effective == rates[i-1].Effective {
			return lateRateIndex{}, &o2c.ValidationError{Field: "rates", Rule: "effective dates must be unique", Value: rates[i].Effective.String()}
		}
	}
	return lateRateIndex{name: t.Name, rates: rates}, nil
}

func (x lateRateIndex) on(d o2c.Date) (ReferenceRate, error) {
	// i is the number of entries effective on or before d.
	i, found := slices.BinarySearchFunc(x.rates, d, func(r ReferenceRate, d o2c.Date) int { return r.Effective.Compare(d) })
	if found {
		return x.rates[i], nil
	}
	if i == 0 {
		return ReferenceRate{}, &NoReferenceRateError{Table: x.name, Date: d}
	}
	return x.rates[i-1], nil
}

func checkLatePercent(field string, p decimal.Decimal) error {
	switch {
	case p.Abs().GreaterThanOrEqual(hundred):
		return &o2c.ValidationError{Field: field, Rule: "must be strictly between -100 and 100 (percent per year)", Value: truncateValue(p.String())}
	case !p.Equal(p.Truncate(lateRateDecimals)):
		return &o2c.ValidationError{Field: field, Rule: fmt.Sprintf("must have at most %d decimals", lateRateDecimals), Value: truncateValue(p.String())}
	}
	return nil
}

// InterestBasis is the number of days in the year that late-payment
// interest divides by: the day count is always the actual number of
// calendar days late. The zero value is not a basis and is refused.
type InterestBasis int

const (
	// InterestBasis365 divides by 365 ("actual/365 fixed"), leap years
	// included: the usual reading for statutory late-payment interest in
	// France, Germany and the United Kingdom.
	InterestBasis365 InterestBasis = 365
	// InterestBasis360 divides by 360 ("actual/360"), when a contract says
	// so: it gives 365/360 times the interest of InterestBasis365.
	InterestBasis360 InterestBasis = 360
)

// IsValid reports whether b is InterestBasis365 or InterestBasis360.
func (b InterestBasis) IsValid() bool { return b == InterestBasis365 || b == InterestBasis360 }

// InterestRateFixing says which date's reference rate applies to a late
// day. It is a closed set: unmarshalling refuses any other value.
type InterestRateFixing string

const (
	// InterestRateEachHalfYear: every calendar half-year takes the reference
	// rate in force on its first day, 1 January for January to June and 1
	// July for July to December, whatever the rate does during the
	// half-year. A late period that spans half-years is split into one
	// segment per half-year, each with its own rate. This is the rule of
	// directive 2011/7/EU (articles 3 and 4) and of the French Code de
	// commerce (L441-10); the German base rate (BGB § 247) only changes on
	// those two days, so the same rule reads it correctly.
	InterestRateEachHalfYear InterestRateFixing = "each_half_year"
	// InterestRatePriorHalfYearEnd: one rate for the whole late period, the
	// reference rate in force on the last day of the half-year before the
	// one in which interest starts to run: 31 December for interest that
	// starts between 1 January and 30 June, 30 June for interest that
	// starts between 1 July and 31 December. Later changes of the reference
	// rate do not alter it. This is the United Kingdom's rule (Late Payment
	// of Commercial Debts (Rate of Interest) (No. 3) Order 2002, article 4).
	InterestRatePriorHalfYearEnd InterestRateFixing = "prior_half_year_end"
)

// IsValid reports whether f is one of the InterestRateFixing constants.
func (f InterestRateFixing) IsValid() bool {
	return f == InterestRateEachHalfYear || f == InterestRatePriorHalfYearEnd
}

const interestRateFixingRule = "must be one of each_half_year, prior_half_year_end"

// UnmarshalText implements encoding.TextUnmarshaler, refusing unknown
// values with a *o2c.ValidationError.
func (f *InterestRateFixing) UnmarshalText(b []byte) error {
	v := InterestRateFixing(b)
	if !v.IsValid() {
		return &o2c.ValidationError{Field: "fixing", Rule: interestRateFixingRule, Value: truncateValue(string(b))}
	}
	*f = v
	return nil
}

// RecoveryFeeBand is one line of a fixed recovery fee scale: a debt of at
// least MinDebt (in the policy's currency) owes Fee, up to the next band's
// MinDebt.
type RecoveryFeeBand struct {
	MinDebt o2c.Money `json:"min_debt"`
	Fee     o2c.Money `json:"fee"`
}

// LatePaymentPolicy is a late-payment regime as data: which reference rate,
// how many points on top, which date fixes the rate, the day-count basis,
// an optional floor and the fixed recovery fee. The presets
// ([LatePaymentPolicyFrance], [LatePaymentPolicyEU],
// [LatePaymentPolicyGermany], [LatePaymentPolicyUK]) are plain values: copy
// one and change a field for a contractual rate or another member state
// (a contract adding 12 points instead of 8 is MarginPercent 12).
//
// The rate of a segment is the reference rate plus MarginPercent; when a
// floor table is supplied, it is at least FloorMultiple times the floor
// rate; a rate that would come out negative counts as zero.
type LatePaymentPolicy struct {
	// Jurisdiction is a short name: an ISO 3166 country code or "EU".
	Jurisdiction string `json:"jurisdiction"`
	// Reference names the legal texts, for letters and logs.
	Reference string `json:"reference"`
	// ReferenceRateName names the rate the caller's table must hold.
	ReferenceRateName string `json:"reference_rate"`
	// MarginPercent is added to the reference rate, in percentage points
	// (10 means 10 points).
	MarginPercent decimal.Decimal `json:"margin_percent"`
	// Fixing says which date's reference rate applies to a late day.
	Fixing InterestRateFixing `json:"fixing"`
	// Basis is the day-count basis, 365 or 360.
	Basis InterestBasis `json:"basis"`
	// FloorMultiple, when not zero, makes the rate at least FloorMultiple
	// times the rate of the floor table the caller supplies (France: 3
	// times the legal interest rate), read on the same date as the
	// reference rate. Without a floor table it has no effect.
	FloorMultiple decimal.Decimal `json:"floor_multiple,omitzero"`
	// FloorRateName names the rate the floor table must hold.
	FloorRateName string `json:"floor_rate,omitempty"`
	// Currency is the currency of the recovery fees.
	Currency o2c.Currency `json:"currency,omitzero"`
	// RecoveryFees is the fixed fee scale, by increasing MinDebt; a debt
	// below the first band, or an empty scale, owes no fee. The fee is due
	// once per late invoice, however late.
	RecoveryFees []RecoveryFeeBand `json:"recovery_fees,omitempty"`
}

func lateFlatRecoveryFee(amount string, cur o2c.Currency) []RecoveryFeeBand {
	return []RecoveryFeeBand{{MinDebt: o2c.Zero(cur), Fee: o2c.MustMoney(amount, cur.Code())}}
}

// LatePaymentPolicyFrance returns the French statutory default between
// businesses (Code de commerce, article L441-10 II; the 40 EUR fixed
// indemnity is set by article D441-5): the ECB main refinancing operations
// rate plus 10 points, fixed per half-year on 1 January and 1 July, actual
// days over 365, and 40 EUR per late invoice.
//
// The same article lets a contract set another rate, but never below three
// times the French legal interest rate. Read strictly, that floor binds the
// contractual rate only; this preset can also apply it to the default rate:
// pass the legal rate for professional creditors (a new figure each
// half-year, in force on 1 January and 1 July) as the floor table, and each
// half-year's rate is the higher of ECB + 10 and 3 × the legal rate. Leave
// the floor table empty to apply the default rate alone. For a contractual
// rate, copy the policy and change MarginPercent (the floor still applies
// when the table is given). Public buyers follow other rules, not covered
// here.
func LatePaymentPolicyFrance() LatePaymentPolicy {
	return LatePaymentPolicy{
		Jurisdiction:      "FR",
		Reference:         "Code de commerce L441-10 II and D441-5",
		ReferenceRateName: "ECB main refinancing operations rate",
		MarginPercent:     decimal.NewFromInt(10),
		Fixing:            InterestRateEachHalfYear,
		Basis:             InterestBasis365,
		FloorMultiple:     decimal.NewFromInt(3),
		FloorRateName:     "French legal interest rate (taux de l'intérêt légal), professional creditors",
		Currency:          o2c.EUR,
		RecoveryFees:      lateFlatRecoveryFee("40.00", o2c.EUR),
	}
}

// LatePaymentPolicyEU returns the minimum the late-payment directive
// 2011/7/EU requires member states to grant between undertakings: the ECB
// main refinancing operations rate plus 8 points (article 2, points 6 and
// 7), fixed per half-year on 1 January and 1 July (article 3), actual days
// over 365, and at least 40 EUR per late invoice (article 6). Member states
// may grant more (France adds 10 points, Germany 9): prefer the national
// preset where there is one. Outside the euro area the directive uses the
// national central bank's equivalent rate; copy the policy and change
// ReferenceRateName and Currency.
func LatePaymentPolicyEU() LatePaymentPolicy {
	return LatePaymentPolicy{
		Jurisdiction:      "EU",
		Reference:         "Directive 2011/7/EU art. 2(6)-(7), 3 and 6",
		ReferenceRateName: "ECB main refinancing operations rate",
		MarginPercent:     decimal.NewFromInt(8),
		Fixing:            InterestRateEachHalfYear,
		Basis:             InterestBasis365,
		Currency:          o2c.EUR,
		RecoveryFees:      lateFlatRecoveryFee("40.00", o2c.EUR),
	}
}

// LatePaymentPolicyGermany returns the German rule for a debt for
// payment where no consumer is a party (BGB § 288 paragraph 2): the base
// rate (Basiszinssatz, BGB § 247, published by the Deutsche Bundesbank and
// adjusted only on 1 January and 1 July) plus 9 points, actual days over
// 365, and the 40 EUR lump sum of § 288 paragraph 5, which is credited
// against any later claim for the costs of legal pursuit.
func LatePaymentPolicyGermany() LatePaymentPolicy {
	return LatePaymentPolicy{
		Jurisdiction:      "DE",
		Reference:         "BGB § 288 (2) and (5), § 247",
		ReferenceRateName: "Basiszinssatz (Deutsche Bundesbank)",
		MarginPercent:     decimal.NewFromInt(9),
		Fixing:            InterestRateEachHalfYear,
		Basis:             InterestBasis365,
		Currency:          o2c.EUR,
		RecoveryFees:      lateFlatRecoveryFee("40.00", o2c.EUR),
	}
}

// LatePaymentPolicyUK returns statutory interest under the Late Payment of
// Commercial Debts (Interest) Act 1998: 8 points over the Bank of England's
// official dealing rate (Bank Rate) in force on 31 December or 30 June
// before the day interest starts to run, one rate for the whole period
// (Rate of Interest (No. 3) Order 2002, article 4; see
// [InterestRatePriorHalfYearEnd]), actual days over 365, and the fixed sum
// of section 5A by size of debt: 40 GBP below 1,000 GBP, 70 GBP from
// 1,000 GBP to below 10,000 GBP, 100 GBP from 10,000 GBP. The reasonable
// costs of recovery beyond the fixed sum that section 5A also allows are
// not computed here.
func LatePaymentPolicyUK() LatePaymentPolicy {
	return LatePaymentPolicy{
		Jurisdiction:      "GB",
		Reference:         "Late Payment of Commercial Debts (Interest) Act 1998 s.4 and s.5A; Rate of Interest (No. 3) Order 2002 art. 4",
		ReferenceRateName: "Bank of England Bank Rate (official dealing rate)",
		MarginPercent:     decimal.NewFromInt(8),
		Fixing:            InterestRatePriorHalfYearEnd,
		Basis:             InterestBasis365,
		Currency:          o2c.GBP,
		RecoveryFees: []RecoveryFeeBand{
			{MinDebt: o2c.MustMoney("0.00", "GBP"), Fee: o2c.MustMoney("40.00", "GBP")},
			{MinDebt: o2c.MustMoney("1000.00", "GBP"), Fee: o2c.MustMoney("70.00", "GBP")},
			{MinDebt: o2c.MustMoney("10000.00", "GBP"), Fee: o2c.MustMoney("100.00", "GBP")},
		},
	}
}

// Validate reports the first rule p breaks as a *o2c.ValidationError whose
// Field is the JSON name of the offending field ("basis", "fixing",
// "recovery_fees[1].min_debt"); it never panics. Fee bands in another
// currency than Currency wrap o2c.ErrCurrencyMismatch.
func (p LatePaymentPolicy) Validate() error {
	if err := checkLatePercent("margin_percent", p.MarginPercent); err != nil {
		return err
	}
	if !p.Fixing.IsValid() {
		return &o2c.ValidationError{Field: "fixing", Rule: interestRateFixingRule, Value: truncateValue(string(p.Fixing))}
	}
	if !p.Basis.IsValid() {
		return &o2c.ValidationError{Field: "basis", Rule: "must be 365 or 360", Value: fmt.Sprint(int(p.Basis))}
	}
	if p.FloorMultiple.IsNegative() || p.FloorMultiple.GreaterThan(hundred) || !p.FloorMultiple.Equal(p.FloorMultiple.Truncate(lateRateDecimals)) {
		return &o2c.ValidationError{Field: "floor_multiple", Rule: fmt.Sprintf("must be between 0 and 100 with at most %d decimals", lateRateDecimals), Value: truncateValue(p.FloorMultiple.String())}
	}
	if len(p.RecoveryFees) > 0 && p.Currency.IsZero() {
		return &o2c.ValidationError{Field: "currency", Rule: "is required when there are recovery fees", Err: o2c.ErrUnknownCurrency}
	}
	for i, b := range p.RecoveryFees {
		for _, f := range []struct {
			name string
			m    o2c.Money
		}{{"min_debt", b.MinDebt}, {"fee", b.Fee}} {
			field := fmt.Sprintf("recovery_fees[%d].%s", i, f.name)
			switch {
			case f.m.Currency() != p.Currency:
				return &o2c.ValidationError{Field: field, Rule: "must be in the policy's currency " + p.Currency.Code(), Value: f.m.String(), Err: o2c.ErrCurrencyMismatch}
			case f.m.IsNegative():
				return &o2c.ValidationError{Field: field, Rule: "must not be negative", Value: f.m.String()}
			case !f.m.IsRounded():
				return &o2c.ValidationError{Field: field, Rule: "must be rounded to the currency's minor unit", Value: f.m.String(), Err: o2c.ErrInvalidAmount}
			}
		}
		if i > 0 && !b.MinDebt.Amount().GreaterThan(p.RecoveryFees[i-1].MinDebt.Amount()) {
			return &o2c.ValidationError{Field: fmt.Sprintf("recovery_fees[%d].min_debt", i), Rule: "must be greater than the previous band's", Value: b.MinDebt.String()}
		}
	}
	return nil
}

// RecoveryFee returns the fixed fee p's scale sets for a late debt of the
// given amount, in p.Currency: the fee of the last band whose MinDebt is at
// most debt, or zero when debt is below every band or the scale is empty
// (zero in debt's currency then). debt must not be negative and must be in
// p.Currency when there is a scale (convert it first; otherwise a
// *o2c.CurrencyMismatchError). It does not check that the debt is late.
func (p LatePaymentPolicy) RecoveryFee(debt o2c.Money) (o2c.Money, error) {
	if err := p.Validate(); err != nil {
		return o2c.Money{}, prefixField("policy", err)
	}
	switch {
	case debt.Currency().IsZero():
		return o2c.Money{}, &o2c.ValidationError{Field: "debt", Rule: "currency is required", Err: o2c.ErrUnknownCurrency}
	case debt.IsNegative():
		return o2c.Money{}, &o2c.ValidationError{Field: "debt", Rule: "must not be negative", Value: debt.String()}
	}
	return p.recoveryFee(debt)
}

// recoveryFee is RecoveryFee for a validated policy and debt.
func (p LatePaymentPolicy) recoveryFee(debt o2c.Money) (o2c.Money, error) {
	if len(p.RecoveryFees) == 0 {
		return o2c.Zero(debt.Currency()), nil
	}
	if debt.Currency() != p.Currency {
		return o2c.Money{}, &o2c.CurrencyMismatchError{Op: "recovery fee", Left: p.Currency, Right: debt.Currency()}
	}
	fee := o2c.Zero(p.Currency)
	for _, b := range p.RecoveryFees {
		if debt.Amount().LessThan(b.MinDebt.Amount()) {
			break
		}
		fee = b.Fee
	}
	return fee, nil
}

// LatePaymentRequest is what [LatePaymentCharges] needs to know about one
// late debt (an invoice, or one due line of an invoice paid in
// instalments) and its history.
type LatePaymentRequest struct {
	// Principal is the amount that fell due on DueDate: positive and
	// rounded to its currency's minor unit. Without Payments it is unpaid
	// for the whole late period.
	Principal o2c.Money
	// Payments are what was paid (or credited) on the debt, each at its
	// value date: a sum paid on day P bears interest up to and including P
	// and no longer from P+1, so interest runs on each sum for as long as
	// it stayed unpaid (Code de commerce L441-10, directive 2011/7/EU art.
	// 3, BGB § 288, Late Payment Act s.4). Payments dated on or before
	// DueDate reduce the principal from the first late day. Together they
	// must not exceed Principal. Order does not matter.
	Payments []LatePaymentPart
	// DueDate is the last day the debtor could pay without being late.
	DueDate o2c.Date
	// Until is the payment date, or the as-of date for a debt still open.
	// Interest runs up to and including it. On or before DueDate nothing is
	// owed.
	Until o2c.Date
	// Rates holds the policy's reference rate (see
	// LatePaymentPolicy.ReferenceRateName). Required.
	Rates ReferenceRateTable
	// FloorRates optionally holds the policy's floor rate (see
	// LatePaymentPolicy.FloorRateName); only for a policy with a FloorMultiple.
	FloorRates ReferenceRateTable
	// DebtInFeeCurrency is Principal converted into the policy's Currency
	// at a rate of the caller's choosing. It is required when Principal is
	// in another currency and the policy has recovery fees, and only then:
	// it selects the fee band. The fee is then in the policy's currency and
	// the claim's Total reports the mismatch; convert the fee yourself.
	DebtInFeeCurrency o2c.Money
}

// LatePaymentPart is a sum paid on a late debt at its value date.
type LatePaymentPart struct {
	Date   o2c.Date  `json:"date"`
	Amount o2c.Money `json:"amount"`
}

// LateInterestSegment is a run of consecutive late days charged at one
// rate on one outstanding amount: a line of the interest computation (a
// period a dunning letter shows).
type LateInterestSegment struct {
	// Principal is the amount outstanding on each day of the segment: the
	// request's Principal less the payments dated before From.
	Principal o2c.Money `json:"principal"`
	// From and To are the first and last late day of the segment, both
	// included.
	From o2c.Date `json:"from"`
	To   o2c.Date `json:"to"`
	// Days is the number of days from From to To, both included.
	Days int `json:"days"`
	// RateDate is the date whose rates apply (1 January or 1 July under
	// InterestRateEachHalfYear; 31 December or 30 June before the first late
	// day under InterestRatePriorHalfYearEnd).
	RateDate o2c.Date `json:"rate_date"`
	// ReferenceRate is the entry of the reference table in force on RateDate.
	ReferenceRate ReferenceRate `json:"reference_rate"`
	// FloorPercent is FloorMultiple times the floor table's rate in force on
	// RateDate; zero when no floor table was supplied.
	FloorPercent decimal.Decimal `json:"floor_percent"`
	// FloorApplied reports that the floor was above reference + margin and
	// became the rate.
	FloorApplied bool `json:"floor_applied,omitempty"`
	// RatePercent is the annual rate charged, in percent: the reference
	// rate plus the margin, raised to the floor, and never below zero.
	RatePercent decimal.Decimal `json:"rate_percent"`
	// Numerator is the segment's Principal × RatePercent × Days, exactly;
	// the segment's interest is Numerator / (100 × basis).
	Numerator decimal.Decimal `json:"numerator"`
	// Interest is that quotient to 6 decimals (half-even), for display. The
	// claim's interest is not the sum of these but the exact sum of the
	// numerators divided and rounded once.
	Interest o2c.Money `json:"interest"`
}

// LateInterestSegmentDigits is the number of decimals of
// LateInterestSegment.Interest.
const LateInterestSegmentDigits = 6

// LatePaymentClaim is what a late invoice owes under a policy, with the
// arithmetic that produced it.
type LatePaymentClaim struct {
	// Jurisdiction is the policy's.
	Jurisdiction string `json:"jurisdiction"`
	// Principal, DueDate and Until are the request's.
	Principal o2c.Money `json:"principal"`
	DueDate   o2c.Date  `json:"due_date"`
	Until     o2c.Date  `json:"until"`
	// DaysLate counts the days from the day after DueDate to Until, both
	// included; 0 when Until is on or before DueDate.
	DaysLate int `json:"days_late"`
	// Basis is the policy's day-count basis.
	Basis InterestBasis `json:"basis"`
	// Segments split the late days by rate and by outstanding amount (at
	// each payment), in date order; their Days sum to DaysLate less the
	// days after the debt was paid in full. Empty when not late.
	Segments []LateInterestSegment `json:"segments,omitempty"`
	// Numerator is the exact sum of the segments' numerators and Divisor is
	// 100 × Basis (36500 or 36000): the interest before rounding is exactly
	// Numerator / Divisor.
	Numerator decimal.Decimal `json:"numerator"`
	Divisor   int64           `json:"divisor"`
	// Interest is Numerator / Divisor rounded once to the minor unit of
	// Principal's currency with Rounding.
	Interest o2c.Money        `json:"interest"`
	Rounding o2c.RoundingMode `json:"rounding"`
	// RecoveryFee is the fixed fee: in the policy's currency, zero (in
	// Principal's currency) when not late or when the policy has none.
	RecoveryFee o2c.Money `json:"recovery_fee"`
}

// IsLate reports whether the invoice was late (DaysLate > 0).
func (c LatePaymentClaim) IsLate() bool { return c.DaysLate > 0 }

// Total returns Interest + RecoveryFee, or a *o2c.CurrencyMismatchError
// when the fee is in another currency than the debt (see
// LatePaymentRequest.DebtInFeeCurrency).
func (c LatePaymentClaim) Total() (o2c.Money, error) {
	return c.Interest.Add(c.RecoveryFee)
}

// LatePaymentCharges computes the interest and the recovery fee a late
// invoice owes under policy p, rounding the interest once, at the end, to
// the minor unit of the principal's currency with mode.
//
// Days late: the day after req.DueDate is day 1, and interest runs up to
// and including req.Until. Paid on or before the due date, the claim is
// zero (no segments, zero interest and fee). Otherwise the late days are
// split into segments by p.Fixing, each charged at its own rate (see
// [LateInterestSegment]), and
//
//	interest = round( Σ Principal × rate × days / (100 × basis) )
//
// with the sum taken exactly. The recovery fee is added once per late
// invoice, whatever the number of days.
//
// Errors: a *o2c.ValidationError naming the field for bad input (a
// principal that is not positive or not rounded, a missing date, an
// unknown rounding mode, "policy.basis" and other policy fields, an invalid
// table, a floor table for a policy without a floor); a
// *[NoReferenceRateError] (errors.Is [ErrNoReferenceRate]) when a table has
// no rate in force on a date needed; a *o2c.CurrencyMismatchError for a
// principal in another currency than the policy's fees without
// DebtInFeeCurrency. It never panics.
func LatePaymentCharges(p LatePaymentPolicy, req LatePaymentRequest, mode o2c.RoundingMode) (LatePaymentClaim, error) {
	if err := p.Validate(); err != nil {
		return LatePaymentClaim{}, prefixField("policy", err)
	}
	principal := req.Principal
	switch {
	case principal.Currency().IsZero():
		return LatePaymentClaim{}, &o2c.ValidationError{Field: "principal", Rule: "currency is required", Err: o2c.ErrUnknownCurrency}
	case !principal.IsPositive():
		return LatePaymentClaim{}, &o2c.ValidationError{Field: "principal", Rule: "must be positive", Value: principal.String()}
	case !principal.IsRounded():
		return LatePaymentClaim{}, &o2c.ValidationError{Field: "principal", Rule: "must be rounded to the currency's minor unit", Value: principal.String(), Err: o2c.ErrInvalidAmount}
	case req.DueDate.IsZero():
		return LatePaymentClaim{}, &o2c.ValidationError{Field: "due_date", Rule: "is required"}
	case req.Until.IsZero():
		return LatePaymentClaim{}, &o2c.ValidationError{Field: "until", Rule: "is required (the payment date or the as-of date)"}
	case mode > o2c.RoundCeiling:
		return LatePaymentClaim{}, &o2c.ValidationError{Field: "rounding_mode", Rule: "must be a known rounding mode", Value: mode.String()}
	}
	rates, err := req.Rates.sorted()
	if err != nil {
		return LatePaymentClaim{}, prefixField("rates", err)
	}
	var floor *lateRateIndex
	if !req.FloorRates.IsZero() {
		if p.FloorMultiple.IsZero() {
			return LatePaymentClaim{}, &o2c.ValidationError{Field: "floor_rates", Rule: "must be empty: the policy has no floor (floor_multiple is zero)"}
		}
		idx, err := req.FloorRates.sorted()
		if err != nil {
			return LatePaymentClaim{}, prefixField("floor_rates", err)
		}
		floor = &idx
	}
	feeDebt, err := p.feeDebt(req)
	if err != nil {
		return LatePaymentClaim{}, err
	}
	payments, err := latePayments(req)
	if err != nil {
		return LatePaymentClaim{}, err
	}

	cur := principal.Currency()
	claim := LatePaymentClaim{
		Jurisdiction: p.Jurisdiction,
		Principal:    principal,
		DueDate:      req.DueDate,
		Until:        req.Until,
		Basis:        p.Basis,
		Numerator:    decimal.Zero,
		Divisor:      100 * int64(p.Basis),
		Interest:     o2c.Zero(cur),
		Rounding:     mode,
		RecoveryFee:  o2c.Zero(cur),
	}
	if !req.Until.After(req.DueDate) {
		return claim, nil
	}
	claim.DaysLate = req.DueDate.DaysUntil(req.Until)

	first := req.DueDate.AddDays(1)
	for from := first; !from.After(req.Until); {
		to, rateDate := req.Until, from
		switch p.Fixing {
		case InterestRateEachHalfYear:
			if end := lateHalfYearEnd(from); end.Before(to) {
				to = end
			}
			rateDate = lateHalfYearStart(from)
		case InterestRatePriorHalfYearEnd:
			rateDate = lateHalfYearStart(first).AddDays(-1)
		}
		// split the rate's run at each payment: the outstanding amount
		// changes the day after a payment's value date
		for sub := from; !sub.After(to); {
			outstanding, next := lateOutstanding(principal, payments, sub)
			end := to
			if !next.IsZero() && next.Before(end) {
				end = next
			}
			if !outstanding.IsPositive() {
				break // paid in full: no interest from here on
			}
			seg, err := p.segment(outstanding, sub, end, rateDate, rates, floor)
			if err != nil {
				return LatePaymentClaim{}, err
			}
			claim.Segments = append(claim.Segments, seg)
			claim.Numerator = claim.Numerator.Add(seg.Numerator)
			sub = end.AddDays(1)
		}
		from = to.AddDays(1)
	}
	interest, err := o2c.MoneyOf(roundLateRatio(claim.Numerator, claim.Divisor, cur.Digits(), mode), cur)
	if err != nil {
		return LatePaymentClaim{}, err
	}
	claim.Interest = interest
	if claim.RecoveryFee, err = p.recoveryFee(feeDebt); err != nil {
		return LatePaymentClaim{}, err
	}
	if claim.RecoveryFee.IsZero() {
		claim.RecoveryFee = o2c.Zero(cur)
	}
	return claim, nil
}

// latePayments validates the request's payments and returns them sorted
// by date.
func latePayments(req LatePaymentRequest) ([]LatePaymentPart, error) {
	ps := append([]LatePaymentPart(nil), req.Payments...)
	total := o2c.Zero(req.Principal.Currency())
	for i, pm := range ps {
		f := fmt.Sprintf("payments[%d]", i)
		switch {
		case pm.Date.IsZero():
			return nil, &o2c.ValidationError{Field: f + ".date", Rule: "is required (the value date)"}
		case pm.Amount.Currency() != req.Principal.Currency():
			return nil, &o2c.CurrencyMismatchError{Op: f, Left: req.Principal.Currency(), Right: pm.Amount.Currency()}
		case !pm.Amount.IsPositive():
			return nil, &o2c.ValidationError{Field: f + ".amount", Rule: "must be positive", Value: pm.Amount.String()}
		case !pm.Amount.IsRounded():
			return nil, &o2c.ValidationError{Field: f + ".amount", Rule: "must be rounded to the currency's minor unit", Value: pm.Amount.String(), Err: o2c.ErrInvalidAmount}
		}
		total, _ = total.Add(pm.Amount)
	}
	if c, _ := total.Cmp(req.Principal); c > 0 {
		return nil, &o2c.ValidationError{Field: "payments", Rule: "must not add up to more than the principal", Value: total.String()}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Date.Before(ps[j].Date) })
	return ps, nil
}

// lateOutstanding returns what is outstanding on day d (principal less the
// payments dated before d) and the last day it stays so (the next
// payment's date, zero when none follows).
func lateOutstanding(principal o2c.Money, payments []LatePaymentPart, d o2c.Date) (o2c.Money, o2c.Date) {
	out := principal
	for _, pm := range payments {
		if pm.Date.Before(d) {
			out, _ = out.Sub(pm.Amount)
			continue
		}
		return out, pm.Date
	}
	return out, o2c.Date{}
}

// feeDebt returns the amount that selects the fee band: the principal, or
// its conversion into the policy's currency.
func (p LatePaymentPolicy) feeDebt(req LatePaymentRequest) (o2c.Money, error) {
	conv := req.DebtInFeeCurrency
	given := !conv.Currency().IsZero() || !conv.IsZero()
	if len(p.RecoveryFees) == 0 || req.Principal.Currency() == p.Currency {
		if given {
			return o2c.Money{}, &o2c.ValidationError{Field: "debt_in_fee_currency", Rule: "must be empty when the principal is in the fee currency or the policy has no fee", Value: conv.String()}
		}
		return req.Principal, nil
	}
	if !given {
		return o2c.Money{}, &o2c.CurrencyMismatchError{Op: "recovery fee (set debt_in_fee_currency)", Left: p.Currency, Right: req.Principal.Currency()}
	}
	switch {
	case conv.Currency() != p.Currency:
		return o2c.Money{}, &o2c.CurrencyMismatchError{Op: "recovery fee debt_in_fee_currency", Left: p.Currency, Right: conv.Currency()}
	case !conv.IsPositive():
		return o2c.Money{}, &o2c.ValidationError{Field: "debt_in_fee_currency", Rule: "must be positive", Value: conv.String()}
	}
	return conv, nil
}

// segment charges the late days from..to at the rate fixed on rateDate.
func (p LatePaymentPolicy) segment(principal o2c.Money, from, to, rateDate o2c.Date, rates lateRateIndex, floor *lateRateIndex) (LateInterestSegment, error) {
	ref, err := rates.on(rateDate)
	if err != nil {
		return LateInterestSegment{}, err
	}
	seg := LateInterestSegment{
		Principal:     principal,
		From:          from,
		To:            to,
		Days:          from.DaysUntil(to) + 1,
		RateDate:      rateDate,
		ReferenceRate: ref,
		FloorPercent:  decimal.Zero,
		RatePercent:   ref.Percent.Add(p.MarginPercent),
	}
	if floor != nil {
		f, err := floor.on(rateDate)
		if err != nil {
			return LateInterestSegment{}, err
		}
		seg.FloorPercent = f.Percent.Mul(p.FloorMultiple)
		if seg.FloorPercent.GreaterThan(seg.RatePercent) {
			seg.RatePercent, seg.FloorApplied = seg.FloorPercent, true
		}
	}
	if seg.RatePercent.IsNegative() {
		seg.RatePercent = decimal.Zero
	}
	seg.Numerator = principal.Amount().Mul(seg.RatePercent).Mul(decimal.NewFromInt(int64(seg.Days)))
	divisor := 100 * int64(p.Basis)
	interest, err := o2c.MoneyOf(roundLateRatio(seg.Numerator, divisor, LateInterestSegmentDigits, o2c.RoundHalfEven), principal.Currency())
	if err != nil {
		return LateInterestSegment{}, err
	}
	seg.Interest = interest
	return seg, nil
}

// lateHalfYearStart returns 1 January or 1 July of d's half-year.
func lateHalfYearStart(d o2c.Date) o2c.Date {
	first := time.January
	if d.Month() > time.June {
		first = time.July
	}
	return d.AddMonths(int(first) - int(d.Month())).StartOfMonth()
}

// lateHalfYearEnd returns 30 June or 31 December of d's half-year.
func lateHalfYearEnd(d o2c.Date) o2c.Date { return lateHalfYearStart(d).AddMonths(5).EndOfMonth() }

// roundLateRatio returns num / div rounded to digits decimals with mode,
// exactly: the quotient is never approximated before rounding, so a value
// that is exactly halfway is recognised as such and a value just below a
// boundary is never pushed over it. div must be positive.
func roundLateRatio(num decimal.Decimal, div int64, digits int32, mode o2c.RoundingMode) decimal.Decimal {
	// num / div × 10^digits = coefficient × 10^(exponent + digits) / div.
	n := num.Coefficient()
	d := big.NewInt(div)
	if e := int64(num.Exponent()) + int64(digits); e >= 0 {
		n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(e), nil))
	} else {
		d.Mul(d, new(big.Int).Exp(big.NewInt(10), big.NewInt(-e), nil))
	}
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	// q is the quotient truncated toward zero and r/d the fraction dropped
	// (same sign as n). Replace the fraction by 0, 0.25, 0.5 or 0.75 (for
	// none, under a half, exactly a half, over a half), signed: every
	// RoundingMode rounds that stand-in as it would round the exact value.
	var frac int64
	if r.Sign() != 0 {
		twice := new(big.Int).Lsh(new(big.Int).Abs(r), 1)
		frac = int64(25 * (2 + twice.Cmp(d))) // 25, 50 or 75
		if r.Sign() < 0 {
			frac = -frac
		}
	}
	stand := q.Mul(q, big.NewInt(100))
	stand.Add(stand, big.NewInt(frac))
	return mode.Round(decimal.NewFromBigInt(stand, -(digits+2)), digits)
}
