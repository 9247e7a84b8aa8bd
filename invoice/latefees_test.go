package invoice_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Rate histories used as test data only: the library ships no rates. The
// figures are the published ones as the author knows them; a test only
// relies on the entries it names in its comments.

// ECB main refinancing operations rate, by the effective date of each
// decision.
func lateECBRates() invoice.ReferenceRateTable {
	return lateTable("ECB MRO",
		"2023-09-20", "4.50",
		"2024-06-12", "4.25",
		"2024-09-18", "3.65",
		"2024-10-23", "3.40",
		"2024-12-18", "3.15",
		"2025-02-05", "2.90",
		"2025-03-12", "2.65",
		"2025-04-23", "2.40",
		"2025-06-11", "2.15",
	)
}

// German base rate (Basiszinssatz), which changes only on 1 January and 1
// July.
func lateBasiszinsRates() invoice.ReferenceRateTable {
	return lateTable("Basiszinssatz",
		"2016-07-01", "-0.88",
		"2023-01-01", "1.62",
		"2023-07-01", "3.12",
		"2024-01-01", "3.62",
		"2024-07-01", "3.37",
		"2025-01-01", "2.27",
		"2025-07-01", "1.27",
	)
}

// Bank of England Bank Rate, by the date of each change.
func lateBankRates() invoice.ReferenceRateTable {
	return lateTable("BoE Bank Rate",
		"2023-08-03", "5.25",
		"2024-08-01", "5.00",
		"2024-11-07", "4.75",
		"2025-02-06", "4.50",
		"2025-05-08", "4.25",
		"2025-08-07", "4.00",
	)
}

// French legal interest rate for professional creditors, set each
// half-year.
func lateFrenchLegalRates() invoice.ReferenceRateTable {
	return lateTable("taux légal (professionnels)",
		"2024-01-01", "5.07",
		"2024-07-01", "4.92",
		"2025-01-01", "3.71",
		"2025-07-01", "2.76",
	)
}

func lateTable(name string, pairs ...string) invoice.ReferenceRateTable {
	t := invoice.ReferenceRateTable{Name: name}
	for i := 0; i < len(pairs); i += 2 {
		t.Rates = append(t.Rates, invoice.ReferenceRate{Effective: date(pairs[i]), Percent: decimal.RequireFromString(pairs[i+1])})
	}
	return t
}

func lateGBP(s string) o2c.Money { return o2c.MustMoney(s, "GBP") }

func lateDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// assertLateMoney asserts got is numerically want, in want's currency.
func assertLateMoney(t *testing.T, want, got o2c.Money, msgAndArgs ...any) {
	t.Helper()
	if !want.Equal(got) {
		assert.Fail(t, fmt.Sprintf("money: want %s, got %s", want, got), msgAndArgs...)
	}
}

// lateCharges computes a claim with half-up rounding and fails the test on
// error.
func lateCharges(t *testing.T, p invoice.LatePaymentPolicy, req invoice.LatePaymentRequest) invoice.LatePaymentClaim {
	t.Helper()
	c, err := invoice.LatePaymentCharges(p, req, o2c.RoundHalfUp)
	require.NoError(t, err)
	return c
}

func lateTotal(t *testing.T, c invoice.LatePaymentClaim) o2c.Money {
	t.Helper()
	total, err := c.Total()
	require.NoError(t, err)
	return total
}

// lateSegment is the part of a segment a test pins down.
type lateSegment struct {
	from, to     string
	days         int
	rateDate     string
	ref, rate    string
	numerator    string
	floorApplied bool
}

func requireSegments(t *testing.T, c invoice.LatePaymentClaim, want ...lateSegment) {
	t.Helper()
	require.Len(t, c.Segments, len(want))
	for i, w := range want {
		s := c.Segments[i]
		assert.Equal(t, date(w.from), s.From, "segment %d from", i)
		assert.Equal(t, date(w.to), s.To, "segment %d to", i)
		assert.Equal(t, w.days, s.Days, "segment %d days", i)
		assert.Equal(t, date(w.rateDate), s.RateDate, "segment %d rate date", i)
		assert.True(t, lateDec(w.ref).Equal(s.ReferenceRate.Percent), "segment %d reference rate %s, want %s", i, s.ReferenceRate.Percent, w.ref)
		assert.True(t, lateDec(w.rate).Equal(s.RatePercent), "segment %d rate %s, want %s", i, s.RatePercent, w.rate)
		assert.True(t, lateDec(w.numerator).Equal(s.Numerator), "segment %d numerator %s, want %s", i, s.Numerator, w.numerator)
		assert.Equal(t, w.floorApplied, s.FloorApplied, "segment %d floor applied", i)
	}
}

func TestLatePaymentFrance(t *testing.T) {
	// 10,000.00 EUR due 2026-03-31, paid 2026-05-30.
	// Days late: 1 April (day 1) to 30 May (included) = 30 + 30 = 60.
	// Rate: one half-year (H1 2026), so the ECB MRO rate in force on
	// 1 January 2026: 2.15 % (since 11 June 2025), + 10 points = 12.15 %.
	// Numerator: 10,000.00 × 12.15 × 60 = 7,290,000.
	// Interest: 7,290,000 / 36,500 = 199.726027... -> 199.73 half-up.
	// Recovery indemnity: 40.00 EUR. Total: 239.73 EUR.
	c := lateCharges(t, invoice.LatePaymentPolicyFrance(), invoice.LatePaymentRequest{
		Principal: eur("10000.00"), DueDate: date("2026-03-31"), Until: date("2026-05-30"), Rates: lateECBRates(),
	})
	assert.Equal(t, "FR", c.Jurisdiction)
	assert.Equal(t, 60, c.DaysLate)
	assert.True(t, c.IsLate())
	requireSegments(t, c, lateSegment{"2026-04-01", "2026-05-30", 60, "2026-01-01", "2.15", "12.15", "7290000", false})
	assert.Equal(t, date("2025-06-11"), c.Segments[0].ReferenceRate.Effective)
	assert.Equal(t, "199.726027 EUR", c.Segments[0].Interest.String())
	assert.True(t, lateDec("7290000").Equal(c.Numerator))
	assert.Equal(t, int64(36500), c.Divisor)
	assertLateMoney(t, eur("199.73"), c.Interest)
	assertLateMoney(t, eur("40.00"), c.RecoveryFee)
	assertLateMoney(t, eur("239.73"), lateTotal(t, c))
}

func TestLatePaymentFranceFloor(t *testing.T) {
	// 10,000.00 EUR due 2024-01-31, paid 2024-03-01.
	// Days late: 1 February to 1 March 2024 = 29 (leap February) + 1 = 30.
	// ECB MRO on 1 January 2024: 4.50 %, + 10 = 14.50 %.
	// Floor: 3 × the legal rate for professionals in force on 1 January
	// 2024 (5.07 %) = 15.21 % > 14.50 %, so 15.21 % applies.
	// Numerator: 10,000.00 × 15.21 × 30 = 4,563,000.
	// Interest: 4,563,000 / 36,500 = 125.013698... -> 125.01 half-up; + 40.00.
	req := invoice.LatePaymentRequest{
		Principal: eur("10000.00"), DueDate: date("2024-01-31"), Until: date("2024-03-01"),
		Rates: lateECBRates(), FloorRates: lateFrenchLegalRates(),
	}
	c := lateCharges(t, invoice.LatePaymentPolicyFrance(), req)
	assert.Equal(t, 30, c.DaysLate)
	requireSegments(t, c, lateSegment{"2024-02-01", "2024-03-01", 30, "2024-01-01", "4.50", "15.21", "4563000", true})
	assert.True(t, lateDec("15.21").Equal(c.Segments[0].FloorPercent))
	assertLateMoney(t, eur("125.01"), c.Interest)
	assertLateMoney(t, eur("165.01"), lateTotal(t, c))

	// Without the floor table the default rate applies alone:
	// 10,000.00 × 14.50 × 30 = 4,350,000; / 36,500 = 119.178082... -> 119.18.
	req.FloorRates = invoice.ReferenceRateTable{}
	c = lateCharges(t, invoice.LatePaymentPolicyFrance(), req)
	requireSegments(t, c, lateSegment{"2024-02-01", "2024-03-01", 30, "2024-01-01", "4.50", "14.50", "4350000", false})
	assertLateMoney(t, eur("119.18"), c.Interest)
}

func TestLatePaymentFranceAcrossHalfYears(t *testing.T) {
	// 10,000.00 EUR due 2025-06-15, paid 2025-07-15: 30 days late, across
	// 30 June / 1 July, with a rate change in between.
	// H1 2025 (16-30 June, 15 days): the ECB MRO rate in force on 1 January
	// 2025 is 3.15 %. The ECB cut to 2.15 % on 11 June 2025, but under
	// L441-10 the first half-year keeps the 1 January rate: 13.15 %.
	//   10,000.00 × 13.15 × 15 = 1,972,500 (54.041095... EUR)
	// H2 2025 (1-15 July, 15 days): rate in force on 1 July 2025, 2.15 %:
	// 12.15 %.
	//   10,000.00 × 12.15 × 15 = 1,822,500 (49.931506... EUR)
	// Interest: (1,972,500 + 1,822,500) / 36,500 = 3,795,000 / 36,500
	//   = 103.972602... -> 103.97; + 40.00 = 143.97 EUR.
	// The floor never binds here: 3 × 3.71 = 11.13 < 13.15 and
	// 3 × 2.76 = 8.28 < 12.15.
	c := lateCharges(t, invoice.LatePaymentPolicyFrance(), invoice.LatePaymentRequest{
		Principal: eur("10000.00"), DueDate: date("2025-06-15"), Until: date("2025-07-15"),
		Rates: lateECBRates(), FloorRates: lateFrenchLegalRates(),
	})
	assert.Equal(t, 30, c.DaysLate)
	requireSegments(t, c,
		lateSegment{"2025-06-16", "2025-06-30", 15, "2025-01-01", "3.15", "13.15", "1972500", false},
		lateSegment{"2025-07-01", "2025-07-15", 15, "2025-07-01", "2.15", "12.15", "1822500", false},
	)
	assert.True(t, lateDec("11.13").Equal(c.Segments[0].FloorPercent))
	assert.True(t, lateDec("8.28").Equal(c.Segments[1].FloorPercent))
	assert.Equal(t, "54.041096 EUR", c.Segments[0].Interest.String())
	assert.Equal(t, "49.931507 EUR", c.Segments[1].Interest.String())
	assert.True(t, lateDec("3795000").Equal(c.Numerator))
	assertLateMoney(t, eur("103.97"), c.Interest)
	assertLateMoney(t, eur("143.97"), lateTotal(t, c))
}

func TestLatePaymentEU(t *testing.T) {
	// 2,500.00 EUR due 2025-01-31, paid 2025-03-02.
	// Days late: 1 February to 2 March 2025 = 28 + 2 = 30.
	// ECB MRO in force on 1 January 2025: 3.15 % (the cut to 2.90 % on
	// 5 February does not count before 1 July), + 8 = 11.15 %.
	// Numerator: 2,500.00 × 11.15 × 30 = 836,250.
	// Interest: 836,250 / 36,500 = 22.910958... -> 22.91; + 40.00 = 62.91.
	c := lateCharges(t, invoice.LatePaymentPolicyEU(), invoice.LatePaymentRequest{
		Principal: eur("2500.00"), DueDate: date("2025-01-31"), Until: date("2025-03-02"), Rates: lateECBRates(),
	})
	assert.Equal(t, "EU", c.Jurisdiction)
	requireSegments(t, c, lateSegment{"2025-02-01", "2025-03-02", 30, "2025-01-01", "3.15", "11.15", "836250", false})
	assertLateMoney(t, eur("22.91"), c.Interest)
	assertLateMoney(t, eur("40.00"), c.RecoveryFee)
	assertLateMoney(t, eur("62.91"), lateTotal(t, c))
}

func TestLatePaymentGermany(t *testing.T) {
	// 5,000.00 EUR due 2025-05-31, paid 2025-08-29.
	// Days late: 30 (June) + 31 (July) + 29 (August) = 90.
	// June, H1 2025: base rate 2.27 % + 9 = 11.27 %, 30 days:
	//   5,000.00 × 11.27 × 30 = 1,690,500 (46.315068... EUR)
	// July-August, H2 2025: base rate 1.27 % + 9 = 10.27 %, 60 days:
	//   5,000.00 × 10.27 × 60 = 3,081,000 (84.410958... EUR)
	// Interest: 4,771,500 / 36,500 = 130.726027... -> 130.73.
	// Lump sum (BGB § 288 (5)): 40.00 EUR. Total 170.73 EUR.
	c := lateCharges(t, invoice.LatePaymentPolicyGermany(), invoice.LatePaymentRequest{
		Principal: eur("5000.00"), DueDate: date("2025-05-31"), Until: date("2025-08-29"), Rates: lateBasiszinsRates(),
	})
	assert.Equal(t, "DE", c.Jurisdiction)
	assert.Equal(t, 90, c.DaysLate)
	requireSegments(t, c,
		lateSegment{"2025-06-01", "2025-06-30", 30, "2025-01-01", "2.27", "11.27", "1690500", false},
		lateSegment{"2025-07-01", "2025-08-29", 60, "2025-07-01", "1.27", "10.27", "3081000", false},
	)
	assertLateMoney(t, eur("130.73"), c.Interest)
	assertLateMoney(t, eur("170.73"), lateTotal(t, c))
}

func TestLatePaymentGermanyNegativeBaseRate(t *testing.T) {
	// 1,000.00 EUR due 2020-01-31, paid 2020-03-01: 29 (leap February) + 1
	// = 30 days. Base rate -0.88 % (1 July 2016 to 31 December 2022),
	// + 9 = 8.12 %.
	// 1,000.00 × 8.12 × 30 = 243,600; / 36,500 = 6.673972... -> 6.67.
	c := lateCharges(t, invoice.LatePaymentPolicyGermany(), invoice.LatePaymentRequest{
		Principal: eur("1000.00"), DueDate: date("2020-01-31"), Until: date("2020-03-01"), Rates: lateBasiszinsRates(),
	})
	requireSegments(t, c, lateSegment{"2020-02-01", "2020-03-01", 30, "2020-01-01", "-0.88", "8.12", "243600", false})
	assertLateMoney(t, eur("6.67"), c.Interest)
}

func TestLatePaymentUK(t *testing.T) {
	// 10,000.00 GBP due 2025-03-15, paid 2025-09-15.
	// Days late: 16 March to 15 September 2025 = 16 + 30 + 31 + 30 + 31 +
	// 31 + 15 = 184.
	// Interest starts to run on 16 March 2025 (first half of 2025), so the
	// reference rate is Bank Rate in force on 31 December 2024: 4.75 %,
	// + 8 = 12.75 %, for the whole period: neither the Bank Rate cuts of
	// February, May and August 2025 nor 1 July change it.
	// Numerator: 10,000.00 × 12.75 × 184 = 23,460,000.
	// Interest: 23,460,000 / 36,500 = 642.739726... -> 642.74.
	// Fixed sum: the debt is 10,000 GBP or more: 100.00 GBP. Total 742.74.
	c := lateCharges(t, invoice.LatePaymentPolicyUK(), invoice.LatePaymentRequest{
		Principal: lateGBP("10000.00"), DueDate: date("2025-03-15"), Until: date("2025-09-15"), Rates: lateBankRates(),
	})
	assert.Equal(t, "GB", c.Jurisdiction)
	assert.Equal(t, 184, c.DaysLate)
	requireSegments(t, c, lateSegment{"2025-03-16", "2025-09-15", 184, "2024-12-31", "4.75", "12.75", "23460000", false})
	assert.Equal(t, date("2024-11-07"), c.Segments[0].ReferenceRate.Effective)
	assertLateMoney(t, lateGBP("642.74"), c.Interest)
	assertLateMoney(t, lateGBP("100.00"), c.RecoveryFee)
	assertLateMoney(t, lateGBP("742.74"), lateTotal(t, c))
}

func TestLatePaymentUKReferenceDate(t *testing.T) {
	rates := lateBankRates()
	tests := []struct {
		name, due, rateDate, ref string
	}{
		// Due 29 June: interest starts 30 June, in the first half-year:
		// rate on 31 December 2024 (4.75 %).
		{"interest starts on 30 June", "2025-06-29", "2024-12-31", "4.75"},
		// Due 30 June: interest starts 1 July: rate on 30 June 2025
		// (4.25 %, since 8 May).
		{"interest starts on 1 July", "2025-06-30", "2025-06-30", "4.25"},
		// Due 31 December 2025: interest starts 1 January 2026: rate on 31
		// December 2025 (4.00 % in this table, since 7 August).
		{"interest starts on 1 January", "2025-12-31", "2025-12-31", "4.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due := date(tt.due)
			c := lateCharges(t, invoice.LatePaymentPolicyUK(), invoice.LatePaymentRequest{
				Principal: lateGBP("500.00"), DueDate: due, Until: due.AddDays(200), Rates: rates,
			})
			require.Len(t, c.Segments, 1)
			assert.Equal(t, date(tt.rateDate), c.Segments[0].RateDate)
			assert.True(t, lateDec(tt.ref).Equal(c.Segments[0].ReferenceRate.Percent), "got %s", c.Segments[0].ReferenceRate.Percent)
			assert.Equal(t, 200, c.Segments[0].Days)
		})
	}
}

func TestLatePaymentUKRecoveryFeeBands(t *testing.T) {
	// Section 5A: under 1,000 GBP: 40; 1,000 to under 10,000: 70;
	// 10,000 or more: 100.
	tests := []struct{ debt, fee string }{
		{"0.01", "40.00"},
		{"999.99", "40.00"},
		{"1000.00", "70.00"},
		{"9999.99", "70.00"},
		{"10000.00", "100.00"},
		{"250000.00", "100.00"},
	}
	p := invoice.LatePaymentPolicyUK()
	for _, tt := range tests {
		t.Run(tt.debt, func(t *testing.T) {
			fee, err := p.RecoveryFee(lateGBP(tt.debt))
			require.NoError(t, err)
			assertLateMoney(t, lateGBP(tt.fee), fee)

			c := lateCharges(t, p, invoice.LatePaymentRequest{
				Principal: lateGBP(tt.debt), DueDate: date("2025-03-15"), Until: date("2025-03-16"), Rates: lateBankRates(),
			})
			assertLateMoney(t, lateGBP(tt.fee), c.RecoveryFee)
		})
	}
	// 999.99 GBP one day late: 999.99 × 12.75 × 1 = 12,749.8725;
	// / 36,500 = 0.349311... -> 0.35; + 40.00 = 40.35.
	c := lateCharges(t, p, invoice.LatePaymentRequest{
		Principal: lateGBP("999.99"), DueDate: date("2025-03-15"), Until: date("2025-03-16"), Rates: lateBankRates(),
	})
	assert.True(t, lateDec("12749.8725").Equal(c.Numerator))
	assertLateMoney(t, lateGBP("40.35"), lateTotal(t, c))
}

func TestLatePaymentBasis360(t *testing.T) {
	// The French example on a 360-day basis:
	// 10,000.00 × 12.15 × 60 = 7,290,000; / 36,000 = 202.50 exactly,
	// against 199.73 on 365 days (365/360 times more).
	p := invoice.LatePaymentPolicyFrance()
	p.Basis = invoice.InterestBasis360
	req := invoice.LatePaymentRequest{Principal: eur("10000.00"), DueDate: date("2026-03-31"), Until: date("2026-05-30"), Rates: lateECBRates()}
	c := lateCharges(t, p, req)
	assert.Equal(t, int64(36000), c.Divisor)
	assert.Equal(t, invoice.InterestBasis360, c.Basis)
	assertLateMoney(t, eur("202.50"), c.Interest)
	assert.Equal(t, "202.50 EUR", c.Segments[0].Interest.String())

	c365 := lateCharges(t, invoice.LatePaymentPolicyFrance(), req)
	assertLateMoney(t, eur("199.73"), c365.Interest)
}

func TestLatePaymentDayCounting(t *testing.T) {
	p := invoice.LatePaymentPolicyFrance()
	due := date("2026-03-31")
	tests := []struct {
		until    string
		daysLate int
	}{
		{"2026-03-01", 0}, // paid a month early
		{"2026-03-30", 0},
		{"2026-03-31", 0}, // paid on the due date: not late
		{"2026-04-01", 1}, // the day after the due date is day 1
		{"2026-04-30", 30},
		{"2026-05-30", 60},
		{"2027-03-31", 365},
	}
	for _, tt := range tests {
		t.Run(tt.until, func(t *testing.T) {
			c := lateCharges(t, p, invoice.LatePaymentRequest{Principal: eur("1000.00"), DueDate: due, Until: date(tt.until), Rates: lateECBRates()})
			assert.Equal(t, tt.daysLate, c.DaysLate)
			if tt.daysLate == 0 {
				assert.False(t, c.IsLate())
				assert.Empty(t, c.Segments)
				assertLateMoney(t, eur("0"), c.Interest)
				assertLateMoney(t, eur("0"), c.RecoveryFee)
				assertLateMoney(t, eur("0"), lateTotal(t, c))
				return
			}
			assert.Equal(t, due.AddDays(1), c.Segments[0].From)
			assert.Equal(t, date(tt.until), c.Segments[len(c.Segments)-1].To)
			assertLateMoney(t, eur("40.00"), c.RecoveryFee)
		})
	}
}

// lateFlatPolicy is a contractual policy: a flat rate (a one-entry table
// plus margin 0), no fee.
func lateFlatPolicy() invoice.LatePaymentPolicy {
	return invoice.LatePaymentPolicy{Jurisdiction: "contract", Fixing: invoice.InterestRateEachHalfYear, Basis: invoice.InterestBasis365}
}

func TestLatePaymentRoundsOnceWithTheGivenMode(t *testing.T) {
	flat1 := lateTable("flat", "2000-01-01", "1")
	// 182.50 EUR at 1 % for 1 day: 182.50 × 1 × 1 / 36,500 = 0.005 exactly,
	// a tie, which each mode resolves its own way.
	req := invoice.LatePaymentRequest{Principal: eur("182.50"), DueDate: date("2026-03-31"), Until: date("2026-04-01"), Rates: flat1}
	for mode, want := range map[o2c.RoundingMode]string{
		o2c.RoundHalfUp:   "0.01",
		o2c.RoundHalfEven: "0.00",
		o2c.RoundDown:     "0.00",
		o2c.RoundUp:       "0.01",
		o2c.RoundFloor:    "0.00",
		o2c.RoundCeiling:  "0.01",
	} {
		c, err := invoice.LatePaymentCharges(lateFlatPolicy(), req, mode)
		require.NoError(t, err)
		assertLateMoney(t, eur(want), c.Interest, "mode %s", mode)
		assert.Equal(t, mode, c.Rounding)
	}

	// 146.00 EUR at 1 % due 2025-06-29, paid 2025-07-01: one day in each
	// half-year, each 146.00 × 1 × 1 / 36,500 = 0.004. Rounding each
	// segment would give 0.00 + 0.00; rounding once gives
	// 292 / 36,500 = 0.008 -> 0.01.
	c := lateCharges(t, lateFlatPolicy(), invoice.LatePaymentRequest{Principal: eur("146.00"), DueDate: date("2025-06-29"), Until: date("2025-07-01"), Rates: flat1})
	require.Len(t, c.Segments, 2)
	assert.Equal(t, "0.004 EUR", c.Segments[0].Interest.String())
	assertLateMoney(t, eur("0.01"), c.Interest)

	// Yen have no minor unit: 1,000,000 JPY × 12.15 × 60 / 36,500
	// = 19,972.6027... -> 19,973 JPY.
	jpy := lateFlatPolicy()
	jpy.MarginPercent = lateDec("10")
	c = lateCharges(t, jpy, invoice.LatePaymentRequest{Principal: o2c.MustMoney("1000000", "JPY"), DueDate: date("2026-03-31"), Until: date("2026-05-30"), Rates: lateECBRates()})
	assertLateMoney(t, o2c.MustMoney("19973", "JPY"), c.Interest)
}

func TestLatePaymentNegativeRateCountsAsZero(t *testing.T) {
	// A policy with no margin on a negative reference rate owes nothing.
	c := lateCharges(t, lateFlatPolicy(), invoice.LatePaymentRequest{
		Principal: eur("1000.00"), DueDate: date("2020-01-31"), Until: date("2020-03-01"), Rates: lateBasiszinsRates(),
	})
	require.Len(t, c.Segments, 1)
	assert.True(t, c.Segments[0].RatePercent.IsZero())
	assert.True(t, c.Numerator.IsZero())
	assertLateMoney(t, eur("0.00"), c.Interest)
}

func TestLatePaymentLongPeriodSplitsEveryHalfYear(t *testing.T) {
	// Due 2023-12-31, as of 2025-12-31: 731 days (2024 is a leap year) in
	// four half-years, each at the ECB rate in force on its first day + 10:
	//   H1 2024: 182 days at 14.50 (4.50 on 1 January 2024)
	//   H2 2024: 184 days at 14.25 (4.25 on 1 July 2024)
	//   H1 2025: 181 days at 13.15 (3.15 on 1 January 2025)
	//   H2 2025: 184 days at 12.15 (2.15 on 1 July 2025)
	// Numerator on 1,000.00: 1000 × (14.50×182 + 14.25×184 + 13.15×181
	//   + 12.15×184) = 1000 × (2,639 + 2,622 + 2,380.15 + 2,235.60)
	//   = 9,876,750.
	// Interest: 9,876,750 / 36,500 = 270.595890... -> 270.60.
	c := lateCharges(t, invoice.LatePaymentPolicyFrance(), invoice.LatePaymentRequest{
		Principal: eur("1000.00"), DueDate: date("2023-12-31"), Until: date("2025-12-31"), Rates: lateECBRates(),
	})
	assert.Equal(t, 731, c.DaysLate)
	requireSegments(t, c,
		lateSegment{"2024-01-01", "2024-06-30", 182, "2024-01-01", "4.50", "14.50", "2639000", false},
		lateSegment{"2024-07-01", "2024-12-31", 184, "2024-07-01", "4.25", "14.25", "2622000", false},
		lateSegment{"2025-01-01", "2025-06-30", 181, "2025-01-01", "3.15", "13.15", "2380150", false},
		lateSegment{"2025-07-01", "2025-12-31", 184, "2025-07-01", "2.15", "12.15", "2235600", false},
	)
	assert.True(t, lateDec("9876750").Equal(c.Numerator), "numerator %s", c.Numerator)
	assertLateMoney(t, eur("270.60"), c.Interest)
}

func TestLatePaymentNoReferenceRate(t *testing.T) {
	// An ECB table that starts on 5 February 2025 has no rate in force on
	// 1 January 2025, the date that fixes the first half of 2025.
	late := lateTable("ECB from Feb 2025", "2025-02-05", "2.90")
	_, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), invoice.LatePaymentRequest{
		Principal: eur("100.00"), DueDate: date("2025-03-31"), Until: date("2025-04-30"), Rates: late,
	}, o2c.RoundHalfUp)
	require.ErrorIs(t, err, invoice.ErrNoReferenceRate)
	var nre *invoice.NoReferenceRateError
	require.ErrorAs(t, err, &nre)
	assert.Equal(t, "ECB from Feb 2025", nre.Table)
	assert.Equal(t, date("2025-01-01"), nre.Date)
	assert.Contains(t, err.Error(), "2025-01-01")

	// The floor table is looked up on the same date and fails the same way.
	_, err = invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), invoice.LatePaymentRequest{
		Principal: eur("100.00"), DueDate: date("2023-12-31"), Until: date("2024-01-31"), Rates: lateECBRates(),
		FloorRates: lateTable("legal", "2024-07-01", "4.92"),
	}, o2c.RoundHalfUp)
	require.ErrorAs(t, err, &nre)
	assert.Equal(t, "legal", nre.Table)

	// Not late: no rate is needed.
	c, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), invoice.LatePaymentRequest{
		Principal: eur("100.00"), DueDate: date("2025-03-31"), Until: date("2025-03-31"), Rates: late,
	}, o2c.RoundHalfUp)
	require.NoError(t, err)
	assert.False(t, c.IsLate())
}

func TestReferenceRateTableRateOn(t *testing.T) {
	// Entries in any order.
	tbl := lateTable("unsorted", "2025-06-11", "2.15", "2024-12-18", "3.15", "2025-02-05", "2.90")
	for _, tt := range []struct{ on, want, effective string }{
		{"2024-12-18", "3.15", "2024-12-18"}, // the effective day itself
		{"2025-01-01", "3.15", "2024-12-18"},
		{"2025-02-04", "3.15", "2024-12-18"},
		{"2025-02-05", "2.90", "2025-02-05"},
		{"2025-06-10", "2.90", "2025-02-05"},
		{"2030-01-01", "2.15", "2025-06-11"}, // the last entry stays in force
	} {
		r, err := tbl.RateOn(date(tt.on))
		require.NoError(t, err, tt.on)
		assert.True(t, lateDec(tt.want).Equal(r.Percent), "%s: got %s", tt.on, r.Percent)
		assert.Equal(t, date(tt.effective), r.Effective, tt.on)
	}
	_, err := tbl.RateOn(date("2024-12-17"))
	require.ErrorIs(t, err, invoice.ErrNoReferenceRate)
	_, err = tbl.RateOn(o2c.Date{})
	requireValidationError(t, err, "date")
}

func TestReferenceRateTableValidate(t *testing.T) {
	require.NoError(t, lateECBRates().Validate())
	tests := []struct {
		name  string
		table invoice.ReferenceRateTable
		field string
	}{
		{"empty", invoice.ReferenceRateTable{Name: "x"}, "rates"},
		{"zero date", invoice.ReferenceRateTable{Rates: []invoice.ReferenceRate{{Percent: lateDec("1")}}}, "rates[0].effective"},
		{"duplicate date", lateTable("dup", "2025-01-01", "1", "2025-07-01", "2", "2025-01-01", "3"), "rates"},
		{"absurd rate", lateTable("x", "2025-01-01", "100"), "rates[0].percent"},
		{"absurd negative rate", lateTable("x", "2025-01-01", "2", "2025-07-01", "-150"), "rates[1].percent"},
		{"too many decimals", lateTable("x", "2025-01-01", "2.123456789"), "rates[0].percent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireValidationError(t, tt.table.Validate(), tt.field)
			_, err := tt.table.RateOn(date("2026-01-01"))
			requireValidationError(t, err, tt.field)
		})
	}
}

func TestLatePaymentBadInput(t *testing.T) {
	good := func() (invoice.LatePaymentPolicy, invoice.LatePaymentRequest) {
		return invoice.LatePaymentPolicyFrance(), invoice.LatePaymentRequest{
			Principal: eur("1000.00"), DueDate: date("2026-03-31"), Until: date("2026-05-30"), Rates: lateECBRates(),
		}
	}
	tests := []struct {
		name   string
		change func(p *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest)
		mode   o2c.RoundingMode
		field  string
	}{
		{"negative principal", func(_ *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest) { r.Principal = eur("-1000.00") }, o2c.RoundHalfUp, "principal"},
		{"zero principal", func(_ *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest) { r.Principal = eur("0.00") }, o2c.RoundHalfUp, "principal"},
		{"principal without currency", func(_ *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest) { r.Principal = o2c.Money{} }, o2c.RoundHalfUp, "principal"},
		{"unrounded principal", func(_ *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest) { r.Principal = eur("1000.005") }, o2c.RoundHalfUp, "principal"},
		{"no due date", func(_ *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest) { r.DueDate = o2c.Date{} }, o2c.RoundHalfUp, "due_date"},
		{"no payment or as-of date", func(_ *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest) { r.Until = o2c.Date{} }, o2c.RoundHalfUp, "until"},
		{"unknown rounding mode", func(*invoice.LatePaymentPolicy, *invoice.LatePaymentRequest) {}, o2c.RoundingMode(42), "rounding_mode"},
		{"no rates", func(_ *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest) {
			r.Rates = invoice.ReferenceRateTable{}
		}, o2c.RoundHalfUp, "rates.rates"},
		{"duplicate rate", func(_ *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest) {
			r.Rates.Rates = append(r.Rates.Rates, r.Rates.Rates[0])
		}, o2c.RoundHalfUp, "rates.rates"},
		{"bad floor table", func(_ *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest) {
			r.FloorRates = lateTable("x", "2025-01-01", "101")
		}, o2c.RoundHalfUp, "floor_rates.rates[0].percent"},
		{"floor table for a policy without floor", func(p *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest) {
			*p = invoice.LatePaymentPolicyEU()
			r.FloorRates = lateFrenchLegalRates()
		}, o2c.RoundHalfUp, "floor_rates"},
		{"unknown basis", func(p *invoice.LatePaymentPolicy, _ *invoice.LatePaymentRequest) { p.Basis = 366 }, o2c.RoundHalfUp, "policy.basis"},
		{"zero basis", func(p *invoice.LatePaymentPolicy, _ *invoice.LatePaymentRequest) { p.Basis = 0 }, o2c.RoundHalfUp, "policy.basis"},
		{"unknown fixing", func(p *invoice.LatePaymentPolicy, _ *invoice.LatePaymentRequest) { p.Fixing = "daily" }, o2c.RoundHalfUp, "policy.fixing"},
		{"absurd margin", func(p *invoice.LatePaymentPolicy, _ *invoice.LatePaymentRequest) { p.MarginPercent = lateDec("250") }, o2c.RoundHalfUp, "policy.margin_percent"},
		{"negative floor multiple", func(p *invoice.LatePaymentPolicy, _ *invoice.LatePaymentRequest) { p.FloorMultiple = lateDec("-3") }, o2c.RoundHalfUp, "policy.floor_multiple"},
		{"fees without currency", func(p *invoice.LatePaymentPolicy, _ *invoice.LatePaymentRequest) { p.Currency = o2c.Currency{} }, o2c.RoundHalfUp, "policy.currency"},
		{"fee in another currency", func(p *invoice.LatePaymentPolicy, _ *invoice.LatePaymentRequest) {
			p.RecoveryFees = []invoice.RecoveryFeeBand{{MinDebt: eur("0"), Fee: lateGBP("40.00")}}
		}, o2c.RoundHalfUp, "policy.recovery_fees[0].fee"},
		{"negative fee", func(p *invoice.LatePaymentPolicy, _ *invoice.LatePaymentRequest) {
			p.RecoveryFees = []invoice.RecoveryFeeBand{{MinDebt: eur("0"), Fee: eur("-40.00")}}
		}, o2c.RoundHalfUp, "policy.recovery_fees[0].fee"},
		{"bands out of order", func(p *invoice.LatePaymentPolicy, _ *invoice.LatePaymentRequest) {
			p.RecoveryFees = []invoice.RecoveryFeeBand{{MinDebt: eur("1000.00"), Fee: eur("70.00")}, {MinDebt: eur("1000.00"), Fee: eur("40.00")}}
		}, o2c.RoundHalfUp, "policy.recovery_fees[1].min_debt"},
		{"conversion not needed", func(_ *invoice.LatePaymentPolicy, r *invoice.LatePaymentRequest) {
			r.DebtInFeeCurrency = eur("1000.00")
		}, o2c.RoundHalfUp, "debt_in_fee_currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, req := good()
			tt.change(&p, &req)
			c, err := invoice.LatePaymentCharges(p, req, tt.mode)
			requireValidationError(t, err, tt.field)
			assert.Equal(t, invoice.LatePaymentClaim{}, c)
		})
	}
}

func TestLatePaymentForeignCurrencyDebt(t *testing.T) {
	// A USD invoice under the French policy: the 40 EUR indemnity cannot be
	// added to USD interest without a conversion.
	req := invoice.LatePaymentRequest{
		Principal: o2c.MustMoney("10000.00", "USD"), DueDate: date("2026-03-31"), Until: date("2026-05-30"), Rates: lateECBRates(),
	}
	_, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), req, o2c.RoundHalfUp)
	require.ErrorIs(t, err, o2c.ErrCurrencyMismatch)

	// With the debt converted into EUR the fee is 40 EUR; interest stays
	// in USD (199.73 USD, same arithmetic as the EUR example), and Total
	// refuses to add the two.
	req.DebtInFeeCurrency = eur("8600.00")
	c := lateCharges(t, invoice.LatePaymentPolicyFrance(), req)
	assertLateMoney(t, o2c.MustMoney("199.73", "USD"), c.Interest)
	assertLateMoney(t, eur("40.00"), c.RecoveryFee)
	_, err = c.Total()
	require.ErrorIs(t, err, o2c.ErrCurrencyMismatch)

	// A conversion into the wrong currency is a mismatch too.
	req.DebtInFeeCurrency = lateGBP("7400.00")
	_, err = invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), req, o2c.RoundHalfUp)
	require.ErrorIs(t, err, o2c.ErrCurrencyMismatch)

	// UK: a 12,000.00 EUR debt worth 9,990.00 GBP is in the 70 GBP band,
	// not the 100 GBP band its EUR figure would suggest.
	c = lateCharges(t, invoice.LatePaymentPolicyUK(), invoice.LatePaymentRequest{
		Principal: eur("12000.00"), DueDate: date("2025-03-15"), Until: date("2025-04-14"), Rates: lateBankRates(), DebtInFeeCurrency: lateGBP("9990.00"),
	})
	assertLateMoney(t, lateGBP("70.00"), c.RecoveryFee)
	assert.Equal(t, o2c.EUR, c.Interest.Currency())

	// A policy without fees needs no conversion: the fee is zero in the
	// debt's currency and Total works.
	c = lateCharges(t, lateFlatPolicyWithMargin("8"), invoice.LatePaymentRequest{
		Principal: o2c.MustMoney("100.00", "CHF"), DueDate: date("2026-03-31"), Until: date("2026-04-30"), Rates: lateECBRates(),
	})
	assertLateMoney(t, o2c.MustMoney("0", "CHF"), c.RecoveryFee)
	_, err = c.Total()
	require.NoError(t, err)
}

func lateFlatPolicyWithMargin(m string) invoice.LatePaymentPolicy {
	p := lateFlatPolicy()
	p.MarginPercent = lateDec(m)
	return p
}

func TestRecoveryFee(t *testing.T) {
	fee, err := invoice.LatePaymentPolicyFrance().RecoveryFee(eur("0.01"))
	require.NoError(t, err)
	assertLateMoney(t, eur("40.00"), fee)

	_, err = invoice.LatePaymentPolicyFrance().RecoveryFee(lateGBP("100.00"))
	require.ErrorIs(t, err, o2c.ErrCurrencyMismatch)
	var cme *o2c.CurrencyMismatchError
	require.ErrorAs(t, err, &cme)

	_, err = invoice.LatePaymentPolicyFrance().RecoveryFee(eur("-1.00"))
	requireValidationError(t, err, "debt")
	_, err = invoice.LatePaymentPolicyFrance().RecoveryFee(o2c.Money{})
	requireValidationError(t, err, "debt")

	// A debt below the first band owes nothing.
	p := invoice.LatePaymentPolicyUK()
	p.RecoveryFees = p.RecoveryFees[1:]
	fee, err = p.RecoveryFee(lateGBP("999.99"))
	require.NoError(t, err)
	assert.True(t, fee.IsZero())

	// No scale at all: zero in the debt's currency, any currency.
	fee, err = lateFlatPolicy().RecoveryFee(o2c.MustMoney("5", "JPY"))
	require.NoError(t, err)
	assertLateMoney(t, o2c.MustMoney("0", "JPY"), fee)
}

func TestLatePaymentPresetsAreValidData(t *testing.T) {
	presets := map[string]invoice.LatePaymentPolicy{
		"FR": invoice.LatePaymentPolicyFrance(),
		"EU": invoice.LatePaymentPolicyEU(),
		"DE": invoice.LatePaymentPolicyGermany(),
		"GB": invoice.LatePaymentPolicyUK(),
	}
	for code, p := range presets {
		t.Run(code, func(t *testing.T) {
			require.NoError(t, p.Validate())
			assert.Equal(t, code, p.Jurisdiction)
			assert.NotEmpty(t, p.Reference)
			assert.NotEmpty(t, p.ReferenceRateName)
			assert.Equal(t, invoice.InterestBasis365, p.Basis)

			// Policies are data: they survive JSON.
			b, err := json.Marshal(p)
			require.NoError(t, err)
			var back invoice.LatePaymentPolicy
			require.NoError(t, json.Unmarshal(b, &back))
			require.NoError(t, back.Validate())
			assert.True(t, p.MarginPercent.Equal(back.MarginPercent))
			assert.True(t, p.FloorMultiple.Equal(back.FloorMultiple))
			assert.Equal(t, p.Fixing, back.Fixing)
			assert.Equal(t, p.Currency, back.Currency)
			require.Len(t, back.RecoveryFees, len(p.RecoveryFees))
			for i := range p.RecoveryFees {
				assert.True(t, p.RecoveryFees[i].Fee.Equal(back.RecoveryFees[i].Fee))
				assert.True(t, p.RecoveryFees[i].MinDebt.Equal(back.RecoveryFees[i].MinDebt))
			}
		})
	}
	// Each call returns a fresh value: changing one does not change the preset.
	p := invoice.LatePaymentPolicyUK()
	p.RecoveryFees[0].Fee = lateGBP("1.00")
	assertLateMoney(t, lateGBP("40.00"), invoice.LatePaymentPolicyUK().RecoveryFees[0].Fee)

	var f invoice.InterestRateFixing
	requireValidationError(t, json.Unmarshal([]byte(`"daily"`), &f), "fixing")
}

// lateExactHalfUp is an independent oracle: num / div rounded half-up to 2
// decimals, with big.Rat, for non-negative num.
func lateExactHalfUp(num decimal.Decimal, div int64) decimal.Decimal {
	r := new(big.Rat).Quo(num.Rat(), new(big.Rat).SetInt64(div))
	r.Mul(r, big.NewRat(100, 1))
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom()) // floor, r >= 0
	return decimal.NewFromBigInt(q, -2)
}

type latePreset struct {
	policy invoice.LatePaymentPolicy
	rates  invoice.ReferenceRateTable
	floor  invoice.ReferenceRateTable
	cur    string
}

func latePresets() []latePreset {
	return []latePreset{
		{invoice.LatePaymentPolicyFrance(), lateECBRates(), invoice.ReferenceRateTable{}, "EUR"},
		{invoice.LatePaymentPolicyFrance(), lateECBRates(), lateFrenchLegalRates(), "EUR"},
		{invoice.LatePaymentPolicyEU(), lateECBRates(), invoice.ReferenceRateTable{}, "EUR"},
		{invoice.LatePaymentPolicyGermany(), lateBasiszinsRates(), invoice.ReferenceRateTable{}, "EUR"},
		{invoice.LatePaymentPolicyUK(), lateBankRates(), invoice.ReferenceRateTable{}, "GBP"},
	}
}

// Dates covered by every test table: 2024-01-01 plus up to ~3 years.
func genLateDate(t *rapid.T, label string) o2c.Date {
	return date("2024-01-01").AddDays(rapid.IntRange(0, 1100).Draw(t, label))
}

func genLateMoney(t *rapid.T, cur, label string) o2c.Money {
	return o2c.FromMinor(rapid.Int64Range(1, 1_000_000_000_00).Draw(t, label), o2c.MustMoney("0", cur).Currency())
}

func TestLatePaymentPropertyArithmetic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := latePresets()
		ps = append(ps, latePreset{func() invoice.LatePaymentPolicy {
			p := invoice.LatePaymentPolicyFrance()
			p.Basis = invoice.InterestBasis360
			return p
		}(), lateECBRates(), invoice.ReferenceRateTable{}, "EUR"})
		pr := ps[rapid.IntRange(0, len(ps)-1).Draw(t, "preset")]
		due := genLateDate(t, "due")
		until := due.AddDays(rapid.IntRange(-30, 800).Draw(t, "days"))
		principal := genLateMoney(t, pr.cur, "principal")
		c, err := invoice.LatePaymentCharges(pr.policy, invoice.LatePaymentRequest{
			Principal: principal, DueDate: due, Until: until, Rates: pr.rates, FloorRates: pr.floor,
		}, o2c.RoundHalfUp)
		require.NoError(t, err)

		if !until.After(due) {
			require.Equal(t, 0, c.DaysLate)
			require.Empty(t, c.Segments)
			require.True(t, c.Interest.IsZero() && c.RecoveryFee.IsZero())
			return
		}
		require.Equal(t, due.DaysUntil(until), c.DaysLate)
		require.Equal(t, int64(100*int(pr.policy.Basis)), c.Divisor)

		// Segments tile the late period without gap or overlap, and their
		// exact numerators add up to the claim's.
		next, days, sum, display := due.AddDays(1), 0, decimal.Zero, decimal.Zero
		for _, s := range c.Segments {
			require.Equal(t, next, s.From)
			require.False(t, s.To.Before(s.From))
			require.Equal(t, s.From.DaysUntil(s.To)+1, s.Days)
			require.False(t, s.RatePercent.IsNegative())
			require.True(t, principal.Amount().Mul(s.RatePercent).Mul(decimal.NewFromInt(int64(s.Days))).Equal(s.Numerator))
			if pr.policy.Fixing == invoice.InterestRateEachHalfYear {
				// One half-year per segment, fixed on its first day.
				require.Equal(t, s.From.Year(), s.To.Year())
				require.Equal(t, s.From.Month() <= time.June, s.To.Month() <= time.June)
				require.Equal(t, s.From.Year(), s.RateDate.Year())
				require.Equal(t, 1, s.RateDate.Day())
			}
			next = s.To.AddDays(1)
			days += s.Days
			sum = sum.Add(s.Numerator)
			display = display.Add(s.Interest.Amount())
		}
		require.Equal(t, until.AddDays(1), next)
		require.Equal(t, c.DaysLate, days)
		require.True(t, sum.Equal(c.Numerator), "Σ numerators %s != %s", sum, c.Numerator)

		// The interest is the exact quotient rounded once.
		require.True(t, lateExactHalfUp(c.Numerator, c.Divisor).Equal(c.Interest.Amount()), "interest %s, numerator %s", c.Interest, c.Numerator)
		// The 6-decimal display figures stay within their own rounding of
		// the exact total.
		exact := c.Numerator.DivRound(decimal.NewFromInt(c.Divisor), 20)
		tol := decimal.New(5, -7).Mul(decimal.NewFromInt(int64(len(c.Segments))))
		require.True(t, display.Sub(exact).Abs().LessThanOrEqual(tol), "display Σ %s vs exact %s", display, exact)
		require.True(t, c.Interest.Amount().Sub(exact).Abs().LessThanOrEqual(decimal.New(5, -3)))

		total, err := c.Total()
		require.NoError(t, err)
		require.True(t, total.Amount().Equal(c.Interest.Amount().Add(c.RecoveryFee.Amount())))
	})
}

func TestLatePaymentPropertyMonotonic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ps := latePresets()
		pr := ps[rapid.IntRange(0, len(ps)-1).Draw(t, "preset")]
		due := genLateDate(t, "due")
		d1 := rapid.IntRange(0, 700).Draw(t, "days1")
		d2 := d1 + rapid.IntRange(0, 100).Draw(t, "more days")
		p1 := genLateMoney(t, pr.cur, "principal1")
		p2, err := p1.Add(o2c.FromMinor(rapid.Int64Range(0, 1_000_000_00).Draw(t, "more principal"), p1.Currency()))
		require.NoError(t, err)
		mode := o2c.RoundingMode(rapid.IntRange(0, int(o2c.RoundCeiling)).Draw(t, "mode"))

		claim := func(p o2c.Money, days int) invoice.LatePaymentClaim {
			c, err := invoice.LatePaymentCharges(pr.policy, invoice.LatePaymentRequest{
				Principal: p, DueDate: due, Until: due.AddDays(days), Rates: pr.rates, FloorRates: pr.floor,
			}, mode)
			require.NoError(t, err)
			return c
		}
		base := claim(p1, d1)
		for name, other := range map[string]invoice.LatePaymentClaim{"more days": claim(p1, d2), "more principal": claim(p2, d1)} {
			require.True(t, other.Numerator.GreaterThanOrEqual(base.Numerator), "%s: numerator fell", name)
			require.True(t, other.Interest.Amount().GreaterThanOrEqual(base.Interest.Amount()), "%s: interest %s < %s", name, other.Interest, base.Interest)
			require.True(t, other.RecoveryFee.Amount().GreaterThanOrEqual(base.RecoveryFee.Amount()), "%s: fee fell", name)
		}
	})
}

func TestLatePaymentPropertySplitPeriod(t *testing.T) {
	// Under the half-year rule a day's rate depends only on the day, so
	// interest from due to until is exactly interest from due to mid plus
	// interest from mid to until (before rounding), wherever mid falls.
	rapid.Check(t, func(t *rapid.T) {
		ps := latePresets()[:4] // the half-year presets
		pr := ps[rapid.IntRange(0, len(ps)-1).Draw(t, "preset")]
		due := genLateDate(t, "due")
		mid := due.AddDays(rapid.IntRange(0, 400).Draw(t, "first part"))
		until := mid.AddDays(rapid.IntRange(0, 400).Draw(t, "second part"))
		principal := genLateMoney(t, pr.cur, "principal")
		numerator := func(from, to o2c.Date) decimal.Decimal {
			c, err := invoice.LatePaymentCharges(pr.policy, invoice.LatePaymentRequest{
				Principal: principal, DueDate: from, Until: to, Rates: pr.rates, FloorRates: pr.floor,
			}, o2c.RoundHalfEven)
			require.NoError(t, err)
			return c.Numerator
		}
		whole := numerator(due, until)
		parts := numerator(due, mid).Add(numerator(mid, until))
		require.True(t, whole.Equal(parts), "whole %s != parts %s", whole, parts)
	})
}

func TestLatePaymentNeverPanics(t *testing.T) {
	// Arbitrary input, mostly well-formed so that the computation itself is
	// exercised too: it returns a claim or a typed error, never a panic.
	var ok int
	rapid.Check(t, func(t *rapid.T) {
		// rare is true about one draw in twenty: an invalid value then.
		rare := func(label string) bool { return rapid.IntRange(0, 19).Draw(t, label) == 7 }
		percent := func(label string) decimal.Decimal {
			if rare(label + " absurd") {
				return decimal.New(rapid.Int64Range(10000, 1<<40).Draw(t, label+" absurd value"), -2)
			}
			return decimal.New(rapid.Int64Range(-9999, 9999).Draw(t, label), -2)
		}
		p := invoice.LatePaymentPolicy{
			MarginPercent: percent("margin"),
			Fixing:        invoice.InterestRateEachHalfYear,
			Basis:         rapid.SampledFrom([]invoice.InterestBasis{365, 360}).Draw(t, "basis"),
			FloorMultiple: decimal.New(rapid.Int64Range(0, 5).Draw(t, "floor multiple"), 0),
		}
		if rapid.Bool().Draw(t, "uk fixing") {
			p.Fixing = invoice.InterestRatePriorHalfYearEnd
		}
		if rare("bad fixing") {
			p.Fixing = "daily"
		}
		if rare("bad basis") {
			p.Basis = invoice.InterestBasis(rapid.IntRange(-400, 400).Draw(t, "any basis"))
		}
		day := func(label string) o2c.Date {
			if rare(label + " zero") {
				return o2c.Date{}
			}
			return o2c.MustDate(1, time.January, 1).AddDays(rapid.IntRange(0, 3_652_058).Draw(t, label))
		}
		table := func(label string) invoice.ReferenceRateTable {
			tb := invoice.ReferenceRateTable{Name: label}
			for i := range rapid.IntRange(0, 4).Draw(t, label+" size") {
				eff := day(fmt.Sprintf("%s %d", label, i))
				if i == 0 && rapid.Bool().Draw(t, label+" from year 1") {
					eff = o2c.MustDate(1, time.January, 1)
				}
				tb.Rates = append(tb.Rates, invoice.ReferenceRate{Effective: eff, Percent: percent(fmt.Sprintf("%s rate %d", label, i))})
			}
			return tb
		}
		principal := rapid.Int64Range(1, 1<<62).Draw(t, "principal")
		if rare("bad principal") {
			principal = -principal
		}
		req := invoice.LatePaymentRequest{
			Principal: o2c.FromMinor(principal, o2c.EUR),
			DueDate:   day("due"),
			Until:     day("until"),
			Rates:     table("rates"),
		}
		if rapid.IntRange(0, 3).Draw(t, "with floor") == 1 {
			req.FloorRates = table("floor")
		}
		// Keep long periods affordable: at most ~55 years of half-years.
		if !req.DueDate.IsZero() && !req.Until.IsZero() && req.DueDate.DaysUntil(req.Until) > 20000 {
			req.DueDate = req.Until.AddDays(-20000)
		}
		mode := o2c.RoundingMode(rapid.IntRange(0, int(o2c.RoundCeiling)).Draw(t, "mode"))
		if rare("bad mode") {
			mode = o2c.RoundingMode(rapid.IntRange(int(o2c.RoundCeiling)+1, 255).Draw(t, "any mode"))
		}
		c, err := invoice.LatePaymentCharges(p, req, mode)
		if err != nil {
			var ve *o2c.ValidationError
			require.True(t, errors.As(err, &ve) || errors.Is(err, invoice.ErrNoReferenceRate) || errors.Is(err, o2c.ErrCurrencyMismatch), "untyped error %v", err)
			require.Equal(t, invoice.LatePaymentClaim{}, c)
			return
		}
		ok++
		require.True(t, c.Interest.IsRounded())
		require.False(t, c.Interest.IsNegative())
	})
	require.Positive(t, ok, "no draw got past validation")
}

func BenchmarkLatePaymentCharges(b *testing.B) {
	p := invoice.LatePaymentPolicyFrance()
	req := invoice.LatePaymentRequest{
		Principal: eur("10000.00"), DueDate: date("2024-01-31"), Until: date("2025-12-31"),
		Rates: lateECBRates(), FloorRates: lateFrenchLegalRates(),
	}
	for b.Loop() {
		if _, err := invoice.LatePaymentCharges(p, req, o2c.RoundHalfUp); err != nil {
			b.Fatal(err)
		}
	}
}
