package invoice_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Interest over the debt's history (issue #13): each sum bears interest
// for as long as it stayed unpaid, payments count at their value dates,
// and the rate changes per half-year where the law fixes it so. Every
// expected figure below is computed by hand in the comments from the rule
// the law text gives (rates from the test tables in latefees_test.go).

type lateSeg struct {
	from, to, principal, rate string
	days                      int
}

func lateSegments(c invoice.LatePaymentClaim) []lateSeg {
	var out []lateSeg
	for _, s := range c.Segments {
		out = append(out, lateSeg{s.From.String(), s.To.String(), s.Principal.AmountString(), s.RatePercent.String(), s.Days})
	}
	return out
}

func TestLatePaymentHistoryFrancePartialPayment(t *testing.T) {
	// L441-10 II: ECB MRO in force on 1 July 2025 (2.15, since 11 June
	// 2025) + 10 points = 12.15 % for the second half of 2025; actual/365.
	// 1,000.00 due 30 September 2025, 400.00 paid with value date 9
	// October, claimed as of 30 October:
	//   1 Oct - 9 Oct:   9 days on 1,000.00: 1000 × 12.15 × 9  = 109,350
	//   10 Oct - 30 Oct: 21 days on  600.00:  600 × 12.15 × 21 = 153,090
	//   (109,350 + 153,090) / 36,500 = 7.190136... -> 7.19
	// Charging today's 600.00 for all 30 days gives 600 × 12.15 × 30 /
	// 36,500 = 5.99: the 400.00 would stop bearing interest only today.
	req := invoice.LatePaymentRequest{
		Principal: eur("1000.00"), DueDate: date("2025-09-30"), Until: date("2025-10-30"), Rates: lateECBRates(),
		Payments: []invoice.LatePaymentPart{{Date: date("2025-10-09"), Amount: eur("400.00")}},
	}
	c, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), req, o2c.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, "7.19 EUR", c.Interest.String())
	assert.Equal(t, "40.00 EUR", c.RecoveryFee.String())
	assert.Equal(t, []lateSeg{
		{"2025-10-01", "2025-10-09", "1000.00", "12.15", 9},
		{"2025-10-10", "2025-10-30", "600.00", "12.15", 21},
	}, lateSegments(c))

	// the old computation, for the record: the open amount for the whole period
	old, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), invoice.LatePaymentRequest{
		Principal: eur("600.00"), DueDate: date("2025-09-30"), Until: date("2025-10-30"), Rates: lateECBRates()}, o2c.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, "5.99 EUR", old.Interest.String())
}

// lateHalfYearScenario: 10,000.00 due 15 June 2025, 4,000.00 paid with
// value date 10 July 2025, claimed as of 31 July 2025. Late days: 16-30
// June (15 days, first half-year), 1-10 July (10 days) and 11-31 July (21
// days, on 6,000.00).
func lateHalfYearScenario(cur string) invoice.LatePaymentRequest {
	return invoice.LatePaymentRequest{
		Principal: o2c.MustMoney("10000.00", cur), DueDate: date("2025-06-15"), Until: date("2025-07-31"),
		Payments: []invoice.LatePaymentPart{{Date: date("2025-07-10"), Amount: o2c.MustMoney("4000.00", cur)}},
	}
}

func TestLatePaymentHistoryFranceRateChange(t *testing.T) {
	// L441-10 II: the rate of each half-year is the ECB rate in force on
	// 1 January / 1 July. 1 January 2025: 3.15 (since 18 December 2024) ->
	// 13.15 %; 1 July 2025: 2.15 -> 12.15 %.
	//   10000 × 13.15 × 15 = 1,972,500
	//   10000 × 12.15 × 10 = 1,215,000
	//    6000 × 12.15 × 21 = 1,530,900
	//   4,718,400 / 36,500 = 129.271232... -> 129.27; plus 40.00 (D441-5)
	req := lateHalfYearScenario("EUR")
	req.Rates = lateECBRates()
	c, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), req, o2c.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, "129.27 EUR", c.Interest.String())
	assert.Equal(t, "40.00 EUR", c.RecoveryFee.String())
	assert.Equal(t, []lateSeg{
		{"2025-06-16", "2025-06-30", "10000.00", "13.15", 15},
		{"2025-07-01", "2025-07-10", "10000.00", "12.15", 10},
		{"2025-07-11", "2025-07-31", "6000.00", "12.15", 21},
	}, lateSegments(c))
	assert.Equal(t, 46, c.DaysLate)
}

func TestLatePaymentHistoryEURateChange(t *testing.T) {
	// Directive 2011/7/EU art. 2(6)-(7) and 3: ECB rate on 1 January / 1
	// July + 8 points: 11.15 % then 10.15 %.
	//   10000 × 11.15 × 15 = 1,672,500
	//   10000 × 10.15 × 10 = 1,015,000
	//    6000 × 10.15 × 21 = 1,278,900
	//   3,966,400 / 36,500 = 108.668493... -> 108.67; plus 40.00 (art. 6)
	req := lateHalfYearScenario("EUR")
	req.Rates = lateECBRates()
	c, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyEU(), req, o2c.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, "108.67 EUR", c.Interest.String())
	assert.Equal(t, "40.00 EUR", c.RecoveryFee.String())
	assert.Equal(t, []lateSeg{
		{"2025-06-16", "2025-06-30", "10000.00", "11.15", 15},
		{"2025-07-01", "2025-07-10", "10000.00", "10.15", 10},
		{"2025-07-11", "2025-07-31", "6000.00", "10.15", 21},
	}, lateSegments(c))
}

func TestLatePaymentHistoryGermanyRateChange(t *testing.T) {
	// BGB § 288 (2) and § 247: Basiszinssatz + 9 points; the base rate
	// changes on 1 January and 1 July: 2.27 (1 January 2025) -> 11.27 %,
	// 1.27 (1 July 2025) -> 10.27 %.
	//   10000 × 11.27 × 15 = 1,690,500
	//   10000 × 10.27 × 10 = 1,027,000
	//    6000 × 10.27 × 21 = 1,294,020
	//   4,011,520 / 36,500 = 109.904657... -> 109.90; plus 40.00 (§ 288 (5))
	req := lateHalfYearScenario("EUR")
	req.Rates = lateBasiszinsRates()
	c, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyGermany(), req, o2c.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, "109.90 EUR", c.Interest.String())
	assert.Equal(t, "40.00 EUR", c.RecoveryFee.String())
	assert.Equal(t, []lateSeg{
		{"2025-06-16", "2025-06-30", "10000.00", "11.27", 15},
		{"2025-07-01", "2025-07-10", "10000.00", "10.27", 10},
		{"2025-07-11", "2025-07-31", "6000.00", "10.27", 21},
	}, lateSegments(c))
}

func TestLatePaymentHistoryUKOneRateDespiteBankRateChanges(t *testing.T) {
	// Late Payment Act s.4 and Rate of Interest (No. 3) Order 2002 art. 4:
	// Bank Rate on the 31 December or 30 June before interest starts, for
	// the whole period: first late day 16 June 2025, so 31 December 2024:
	// 4.75 (since 7 November 2024) + 8 = 12.75 %; the cuts of 8 May and 7
	// August 2025 change nothing. GBP 10,000.00 due 15 June, 4,000.00 paid
	// 10 July, claimed as of 31 August:
	//   16 Jun - 10 Jul: 25 days on 10,000.00: 10000 × 12.75 × 25 = 3,187,500
	//   11 Jul - 31 Aug: 52 days on  6,000.00:  6000 × 12.75 × 52 = 3,978,000
	//   7,165,500 / 36,500 = 196.315068... -> 196.32
	// Fixed sum (s.5A): the debt is 10,000.00 or more: 100.00.
	req := lateHalfYearScenario("GBP")
	req.Until = date("2025-08-31")
	req.Rates = lateBankRates()
	c, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyUK(), req, o2c.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, "196.32 GBP", c.Interest.String())
	assert.Equal(t, "100.00 GBP", c.RecoveryFee.String())
	assert.Equal(t, []lateSeg{
		{"2025-06-16", "2025-07-10", "10000.00", "12.75", 25},
		{"2025-07-11", "2025-08-31", "6000.00", "12.75", 52},
	}, lateSegments(c))
}

func TestLatePaymentHistoryPaidInFullStopsInterest(t *testing.T) {
	// 1,000.00 due 30 September 2025 (FR, 12.15 %), 400.00 paid 9 October
	// and 600.00 on 20 October; claimed on 30 October: nothing is late
	// after 20 October.
	//   1000 × 12.15 × 9 = 109,350; 600 × 12.15 × 11 = 80,190
	//   189,540 / 36,500 = 5.192876... -> 5.19
	req := invoice.LatePaymentRequest{
		Principal: eur("1000.00"), DueDate: date("2025-09-30"), Until: date("2025-10-30"), Rates: lateECBRates(),
		Payments: []invoice.LatePaymentPart{{Date: date("2025-10-20"), Amount: eur("600.00")}, {Date: date("2025-10-09"), Amount: eur("400.00")}},
	}
	c, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), req, o2c.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, "5.19 EUR", c.Interest.String())
	require.Len(t, c.Segments, 2)
	assert.Equal(t, "2025-10-20", c.Segments[1].To.String())

	// a payment before the due date reduces the principal from day 1
	req.Payments = []invoice.LatePaymentPart{{Date: date("2025-09-01"), Amount: eur("400.00")}}
	c, err = invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), req, o2c.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, "5.99 EUR", c.Interest.String(), "600 × 12.15 × 30 / 36,500")
}

func TestLatePaymentHistoryBadPayments(t *testing.T) {
	base := invoice.LatePaymentRequest{Principal: eur("100.00"), DueDate: date("2025-09-30"), Until: date("2025-10-30"), Rates: lateECBRates()}
	for name, ps := range map[string][]invoice.LatePaymentPart{
		"payments[0].date":   {{Amount: eur("1.00")}},
		"payments[0].amount": {{Date: date("2025-10-01"), Amount: eur("0.00")}},
		"payments":           {{Date: date("2025-10-01"), Amount: eur("60.00")}, {Date: date("2025-10-02"), Amount: eur("40.01")}},
	} {
		req := base
		req.Payments = ps
		_, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), req, o2c.RoundHalfUp)
		var ve *o2c.ValidationError
		require.True(t, errors.As(err, &ve), name)
		assert.Equal(t, name, ve.Field)
	}
	req := base
	req.Payments = []invoice.LatePaymentPart{{Date: date("2025-10-01"), Amount: o2c.MustMoney("1.00", "USD")}}
	_, err := invoice.LatePaymentCharges(invoice.LatePaymentPolicyFrance(), req, o2c.RoundHalfUp)
	var me *o2c.CurrencyMismatchError
	assert.True(t, errors.As(err, &me))
}
