package invoice_test

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

func date(s string) o2c.Date {
	d, err := o2c.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func eur(s string) o2c.Money { return o2c.MustMoney(s, "EUR") }

func pct(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// requireValidationError asserts err is a *o2c.ValidationError on field,
// matching o2c.ErrValidation, and returns it.
func requireValidationError(t *testing.T, err error, field string) *o2c.ValidationError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, o2c.ErrValidation)
	var ve *o2c.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, field, ve.Field, "error: %v", err)
	return ve
}

func TestDueDate(t *testing.T) {
	tests := []struct {
		name    string
		invoice string
		terms   invoice.Terms
		want    string
	}{
		{"net 30", "2026-01-15", invoice.NetTerms(30), "2026-02-14"},
		{"net 0 is the invoice date", "2026-01-15", invoice.NetTerms(0), "2026-01-15"},
		{"net 60 across February", "2026-01-01", invoice.NetTerms(60), "2026-03-02"},
		{"net 30 across the year end", "2026-12-15", invoice.NetTerms(30), "2027-01-14"},
		{"immediate", "2026-01-15", invoice.ImmediateTerms(), "2026-01-15"},
		{"end of month then 45 days", "2026-01-15", invoice.EndOfMonthThenDaysTerms(45), "2026-03-17"},
		{"end of month then 45 days, invoice on the last day", "2026-01-31", invoice.EndOfMonthThenDaysTerms(45), "2026-03-17"},
		{"end of month then 30 days", "2026-01-31", invoice.EndOfMonthThenDaysTerms(30), "2026-03-02"},
		{"end of month then 0 days is the end of the invoice month", "2026-02-03", invoice.EndOfMonthThenDaysTerms(0), "2026-02-28"},
		{"45 days then end of month", "2026-01-15", invoice.DaysThenEndOfMonthTerms(45), "2026-03-31"},
		{"45 days then end of month, landing on a first", "2026-01-17", invoice.DaysThenEndOfMonthTerms(45), "2026-03-31"},
		{"45 days then end of month, landing in February", "2026-01-01", invoice.DaysThenEndOfMonthTerms(45), "2026-02-28"},
		{"30 days then end of month from 31 January", "2026-01-31", invoice.DaysThenEndOfMonthTerms(30), "2026-03-31"},
		{"30 days then end of month from 29 January", "2026-01-29", invoice.DaysThenEndOfMonthTerms(30), "2026-02-28"},
		{"1 month after end of month from 31 January", "2026-01-31", invoice.MonthsAfterEndOfMonthTerms(1), "2026-02-28"},
		{"2 months after end of month", "2026-01-10", invoice.MonthsAfterEndOfMonthTerms(2), "2026-03-31"},
		{"months after end of month from February stays end of month", "2026-02-28", invoice.MonthsAfterEndOfMonthTerms(1), "2026-03-31"},
		{"0 months after end of month is end of month", "2026-04-02", invoice.MonthsAfterEndOfMonthTerms(0), "2026-04-30"},
		{"3 months across the year end", "2026-11-05", invoice.MonthsAfterEndOfMonthTerms(3), "2027-02-28"},
		{"10th of the following month", "2026-01-15", invoice.DayOfFollowingMonthTerms(0, 10), "2026-02-10"},
		{"10th of the following month from the last day", "2026-01-31", invoice.DayOfFollowingMonthTerms(0, 10), "2026-02-10"},
		{"31st of the following month is clamped", "2026-01-15", invoice.DayOfFollowingMonthTerms(0, 31), "2026-02-28"},
		{"5th of the following month across the year end", "2026-12-20", invoice.DayOfFollowingMonthTerms(0, 5), "2027-01-05"},
		{"45 days end of month the 10th", "2026-01-15", invoice.DayOfFollowingMonthTerms(45, 10), "2026-04-10"},
		// Leap year 2028: February has 29 days.
		{"leap: net 30 from 31 January", "2028-01-31", invoice.NetTerms(30), "2028-03-01"},
		{"leap: net 60 from 1 January", "2028-01-01", invoice.NetTerms(60), "2028-03-01"},
		{"leap: end of month then 45 days", "2028-01-15", invoice.EndOfMonthThenDaysTerms(45), "2028-03-16"},
		{"leap: 30 days then end of month from 30 January", "2028-01-30", invoice.DaysThenEndOfMonthTerms(30), "2028-02-29"},
		{"leap: 30 days then end of month from 31 January", "2028-01-31", invoice.DaysThenEndOfMonthTerms(30), "2028-03-31"},
		{"leap: 1 month after end of month from 31 January", "2028-01-31", invoice.MonthsAfterEndOfMonthTerms(1), "2028-02-29"},
		{"leap: 12 months after end of February", "2028-02-29", invoice.MonthsAfterEndOfMonthTerms(12), "2029-02-28"},
		{"leap: 31st of February", "2028-01-10", invoice.DayOfFollowingMonthTerms(0, 31), "2028-02-29"},
		{"leap: end of month then 0 days in February", "2028-02-01", invoice.EndOfMonthThenDaysTerms(0), "2028-02-29"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := invoice.DueDate(date(tt.invoice), tt.terms)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
}

func TestDueDate_FortyFiveDaysEndOfMonthReadingsDiffer(t *testing.T) {
	inv := date("2026-01-15")
	eomThen, err := invoice.DueDate(inv, invoice.EndOfMonthThenDaysTerms(45))
	require.NoError(t, err)
	thenEOM, err := invoice.DueDate(inv, invoice.DaysThenEndOfMonthTerms(45))
	require.NoError(t, err)
	assert.Equal(t, "2026-03-17", eomThen.String(), "fin de mois + 45 jours")
	assert.Equal(t, "2026-03-31", thenEOM.String(), "45 jours fin de mois")
	// Both are admitted by French law for the same invoice.
	require.NoError(t, invoice.CheckFrenchLegalMaximum(inv, eomThen))
	require.NoError(t, invoice.CheckFrenchLegalMaximum(inv, thenEOM))
}

func TestDueDate_RefusesBadInput(t *testing.T) {
	inv := date("2026-01-15")
	tests := []struct {
		name  string
		terms invoice.Terms
		field string
	}{
		{"empty code", invoice.Terms{Kind: invoice.TermsNet, Days: 30}, "code"},
		{"blank code", invoice.Terms{Code: "  ", Kind: invoice.TermsNet, Days: 30}, "code"},
		{"code with a newline", invoice.Terms{Code: "NET\n30", Kind: invoice.TermsNet, Days: 30}, "code"},
		{"code too long", invoice.Terms{Code: strings.Repeat("X", 65), Kind: invoice.TermsNet, Days: 30}, "code"},
		{"empty kind", invoice.Terms{Code: "X"}, "kind"},
		{"unknown kind", invoice.Terms{Code: "X", Kind: "net_of_something"}, "kind"},
		{"negative days", invoice.NetTerms(-1), "days"},
		{"absurd days", invoice.NetTerms(invoice.MaxTermsDays + 1), "days"},
		{"negative days then end of month", invoice.DaysThenEndOfMonthTerms(-45), "days"},
		{"negative days after end of month", invoice.EndOfMonthThenDaysTerms(-1), "days"},
		{"negative months", invoice.MonthsAfterEndOfMonthTerms(-1), "months"},
		{"absurd months", invoice.MonthsAfterEndOfMonthTerms(invoice.MaxTermsMonths + 1), "months"},
		{"day of month 0", invoice.DayOfFollowingMonthTerms(0, 0), "day_of_month"},
		{"day of month 32", invoice.DayOfFollowingMonthTerms(0, 32), "day_of_month"},
		{"day of month negative", invoice.DayOfFollowingMonthTerms(0, -3), "day_of_month"},
		{"days on immediate terms", invoice.Terms{Code: "X", Kind: invoice.TermsImmediate, Days: 3}, "days"},
		{"months on net terms", invoice.Terms{Code: "X", Kind: invoice.TermsNet, Days: 30, Months: 1}, "months"},
		{"days on months terms", invoice.Terms{Code: "X", Kind: invoice.TermsMonthsAfterEndOfMonth, Months: 1, Days: 10}, "days"},
		{"day of month on net terms", invoice.Terms{Code: "X", Kind: invoice.TermsNet, Days: 30, DayOfMonth: 10}, "day_of_month"},
		{"discount of 100 %", withDiscount(invoice.NetTerms(30), "100", 10), "early_payment_discount.percent"},
		{"negative discount", withDiscount(invoice.NetTerms(30), "-2", 10), "early_payment_discount.percent"},
		{"discount with negative days", withDiscount(invoice.NetTerms(30), "2", -1), "early_payment_discount.days"},
		{"discount days without rate", withDiscount(invoice.NetTerms(30), "0", 10), "early_payment_discount.percent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireValidationError(t, tt.terms.Validate(), tt.field)
			_, err := invoice.DueDate(inv, tt.terms)
			requireValidationError(t, err, tt.field)
		})
	}

	t.Run("zero invoice date", func(t *testing.T) {
		_, err := invoice.DueDate(o2c.Date{}, invoice.NetTerms(30))
		requireValidationError(t, err, "invoice_date")
	})
	t.Run("due date beyond year 9999", func(t *testing.T) {
		_, err := invoice.DueDate(date("9999-12-01"), invoice.NetTerms(60))
		requireValidationError(t, err, "invoice_date")
	})
}

func withDiscount(t invoice.Terms, percent string, days int) invoice.Terms {
	t.Discount = invoice.EarlyPaymentDiscount{Percent: pct(percent), Days: days}
	return t
}

func TestTerms_ConstructorsAreValidAndNamed(t *testing.T) {
	tests := []struct {
		terms invoice.Terms
		code  string
	}{
		{invoice.ImmediateTerms(), "IMMEDIATE"},
		{invoice.NetTerms(30), "NET30"},
		{invoice.EndOfMonthThenDaysTerms(45), "EOM+45"},
		{invoice.DaysThenEndOfMonthTerms(45), "45EOM"},
		{invoice.MonthsAfterEndOfMonthTerms(2), "EOM+2M"},
		{invoice.DayOfFollowingMonthTerms(0, 10), "DOM10"},
		{invoice.DayOfFollowingMonthTerms(45, 10), "45+DOM10"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			require.NoError(t, tt.terms.Validate())
			assert.Equal(t, tt.code, tt.terms.Code)
			assert.NotEmpty(t, tt.terms.Description)
		})
	}
}

func TestTerms_JSON(t *testing.T) {
	terms := withDiscount(invoice.NetTerms(30), "2", 10)
	b, err := json.Marshal(terms)
	require.NoError(t, err)
	assert.JSONEq(t, `{"code":"NET30","description":"Net 30 days","kind":"net","days":30,
		"early_payment_discount":{"percent":"2","days":10}}`, string(b))

	var back invoice.Terms
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, terms.Code, back.Code)
	assert.Equal(t, terms.Kind, back.Kind)
	assert.Equal(t, terms.Days, back.Days)
	assert.True(t, terms.Discount.Percent.Equal(back.Discount.Percent))
	assert.Equal(t, 10, back.Discount.Days)

	t.Run("no discount is omitted", func(t *testing.T) {
		b, err := json.Marshal(invoice.DaysThenEndOfMonthTerms(45))
		require.NoError(t, err)
		assert.JSONEq(t, `{"code":"45EOM","description":"45 days, then end of month","kind":"days_then_end_of_month","days":45}`, string(b))
	})
	t.Run("unknown kind is refused", func(t *testing.T) {
		var got invoice.Terms
		err := json.Unmarshal([]byte(`{"code":"X","kind":"net60"}`), &got)
		requireValidationError(t, err, "kind")
	})
}

func TestBusinessCalendars_RealHolidays(t *testing.T) {
	fr, de, gb, us, target := invoice.FrenchBusinessCalendar(), invoice.GermanBusinessCalendar(),
		invoice.UKBusinessCalendar(), invoice.USBusinessCalendar(), invoice.TARGETBusinessCalendar()
	tests := []struct {
		name string
		cal  invoice.BusinessCalendar
		day  string
		want bool
	}{
		{"FR Christmas", fr, "2026-12-25", false},
		{"FR New Year", fr, "2027-01-01", false},
		{"FR Bastille Day", fr, "2026-07-14", false},
		{"FR Easter Monday", fr, "2026-04-06", false},
		{"FR Good Friday is worked", fr, "2026-04-03", true},
		{"FR Ascension", fr, "2026-05-14", false},
		{"FR Victory Day", fr, "2026-05-08", false},
		{"FR Saturday", fr, "2026-01-31", false},
		{"FR ordinary Tuesday", fr, "2026-03-31", true},
		{"DE Good Friday", de, "2026-04-03", false},
		{"DE Easter Monday", de, "2026-04-06", false},
		{"DE Bastille Day is worked", de, "2026-07-14", true},
		{"DE 26 December", de, "2027-12-27", true},
		{"GB Boxing Day substitute", gb, "2026-12-28", false},
		{"GB Christmas 2027 substitute", gb, "2027-12-27", false},
		{"GB Boxing Day 2027 substitute", gb, "2027-12-28", false},
		{"US Independence Day observed on Friday", us, "2026-07-03", false},
		{"US Thanksgiving", us, "2026-11-26", false},
		{"US day after Thanksgiving", us, "2026-11-27", true},
		{"TARGET Good Friday", target, "2026-04-03", false},
		{"TARGET 26 December", target, "2025-12-26", false},
		{"TARGET Bastille Day", target, "2026-07-14", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.cal.IsBusinessDay(date(tt.day)))
		})
	}
}

func TestBusinessDayShift_Apply(t *testing.T) {
	fr := invoice.FrenchBusinessCalendar()
	tests := []struct {
		name string
		cal  invoice.BusinessCalendar
		conv invoice.BusinessDayConvention
		day  string
		want string
	}{
		{"business day stays", fr, invoice.FollowingBusinessDay, "2026-03-31", "2026-03-31"},
		{"Christmas moves to Monday", fr, invoice.FollowingBusinessDay, "2026-12-25", "2026-12-28"},
		{"Christmas back to Thursday", fr, invoice.PrecedingBusinessDay, "2026-12-25", "2026-12-24"},
		{"New Year moves to Monday", fr, invoice.FollowingBusinessDay, "2027-01-01", "2027-01-04"},
		{"New Year back across the year end", fr, invoice.PrecedingBusinessDay, "2027-01-01", "2026-12-31"},
		{"14 July moves to Wednesday", fr, invoice.FollowingBusinessDay, "2026-07-14", "2026-07-15"},
		{"14 July back to Monday", fr, invoice.PrecedingBusinessDay, "2026-07-14", "2026-07-13"},
		{"FR Easter Monday forward", fr, invoice.FollowingBusinessDay, "2026-04-06", "2026-04-07"},
		{"FR Easter Monday back to Good Friday", fr, invoice.PrecedingBusinessDay, "2026-04-06", "2026-04-03"},
		{"DE Easter Monday back past Good Friday", invoice.GermanBusinessCalendar(), invoice.PrecedingBusinessDay, "2026-04-06", "2026-04-02"},
		{"GB Christmas past both substitutes", invoice.UKBusinessCalendar(), invoice.FollowingBusinessDay, "2027-12-25", "2027-12-29"},
		{"US Independence Day Saturday back past observed Friday", invoice.USBusinessCalendar(), invoice.PrecedingBusinessDay, "2026-07-04", "2026-07-02"},
		{"Saturday 31 October, following leaves the month", fr, invoice.FollowingBusinessDay, "2026-10-31", "2026-11-02"},
		{"Saturday 31 October, modified following stays", fr, invoice.ModifiedFollowingBusinessDay, "2026-10-31", "2026-10-30"},
		{"modified following inside the month", fr, invoice.ModifiedFollowingBusinessDay, "2026-07-14", "2026-07-15"},
		{"nil calendar func means weekdays", invoice.BusinessCalendarFunc(nil), invoice.FollowingBusinessDay, "2026-12-25", "2026-12-25"},
		{"zero cal adapter means weekdays", invoice.CalBusinessCalendar{}, invoice.FollowingBusinessDay, "2026-01-31", "2026-02-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := invoice.BusinessDayShift{Calendar: tt.cal, Convention: tt.conv}.Apply(date(tt.day))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}

	t.Run("zero shift moves nothing", func(t *testing.T) {
		got, err := invoice.BusinessDayShift{}.Apply(date("2026-12-25"))
		require.NoError(t, err)
		assert.Equal(t, "2026-12-25", got.String())
	})
	t.Run("no business day within the limit", func(t *testing.T) {
		never := invoice.BusinessCalendarFunc(func(o2c.Date) bool { return false })
		for _, conv := range []invoice.BusinessDayConvention{invoice.FollowingBusinessDay, invoice.PrecedingBusinessDay, invoice.ModifiedFollowingBusinessDay} {
			_, err := invoice.BusinessDayShift{Calendar: never, Convention: conv}.Apply(date("2026-12-25"))
			requireValidationError(t, err, "calendar")
			assert.ErrorIs(t, err, invoice.ErrNoBusinessDay)
		}
	})
	t.Run("MaxDays bounds the move", func(t *testing.T) {
		_, err := invoice.BusinessDayShift{Calendar: fr, MaxDays: 2}.Apply(date("2026-12-25"))
		assert.ErrorIs(t, err, invoice.ErrNoBusinessDay)
		got, err := invoice.BusinessDayShift{Calendar: fr, MaxDays: 3}.Apply(date("2026-12-25"))
		require.NoError(t, err)
		assert.Equal(t, "2026-12-28", got.String())
	})
	t.Run("bad settings", func(t *testing.T) {
		_, err := invoice.BusinessDayShift{Calendar: fr, MaxDays: -1}.Apply(date("2026-12-25"))
		requireValidationError(t, err, "max_days")
		_, err = invoice.BusinessDayShift{Calendar: fr, Convention: 9}.Apply(date("2026-12-25"))
		requireValidationError(t, err, "convention")
		_, err = invoice.BusinessDayShift{Calendar: fr}.Apply(o2c.Date{})
		requireValidationError(t, err, "date")
	})
}

func TestBusinessDayConvention_Text(t *testing.T) {
	for _, c := range []invoice.BusinessDayConvention{invoice.FollowingBusinessDay, invoice.PrecedingBusinessDay, invoice.ModifiedFollowingBusinessDay} {
		b, err := c.MarshalText()
		require.NoError(t, err)
		var back invoice.BusinessDayConvention
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, c, back)
	}
	var c invoice.BusinessDayConvention
	requireValidationError(t, c.UnmarshalText([]byte("nearest")), "convention")
	_, err := invoice.BusinessDayConvention(7).MarshalText()
	requireValidationError(t, err, "convention")
}

func TestShiftedDueDate(t *testing.T) {
	fr := invoice.FrenchBusinessCalendar()
	tests := []struct {
		name    string
		invoice string
		terms   invoice.Terms
		shift   invoice.BusinessDayShift
		want    string
	}{
		{"net 30 on Christmas moves to Monday", "2026-11-25", invoice.NetTerms(30), invoice.BusinessDayShift{Calendar: fr}, "2026-12-28"},
		{"net 30 on Christmas, preceding", "2026-11-25", invoice.NetTerms(30), invoice.BusinessDayShift{Calendar: fr, Convention: invoice.PrecedingBusinessDay}, "2026-12-24"},
		{"no shift keeps the holiday", "2026-11-25", invoice.NetTerms(30), invoice.BusinessDayShift{}, "2026-12-25"},
		{"45EOM on Saturday 31 October, modified following", "2026-09-16", invoice.DaysThenEndOfMonthTerms(45), invoice.BusinessDayShift{Calendar: fr, Convention: invoice.ModifiedFollowingBusinessDay}, "2026-10-30"},
		{"preceding never goes before the invoice date", "2026-01-31", invoice.ImmediateTerms(), invoice.BusinessDayShift{Calendar: fr, Convention: invoice.PrecedingBusinessDay}, "2026-02-02"},
		{"modified following never goes before the invoice date", "2026-01-31", invoice.ImmediateTerms(), invoice.BusinessDayShift{Calendar: fr, Convention: invoice.ModifiedFollowingBusinessDay}, "2026-02-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := invoice.ShiftedDueDate(date(tt.invoice), tt.terms, tt.shift)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
	t.Run("bad terms", func(t *testing.T) {
		_, err := invoice.ShiftedDueDate(date("2026-01-15"), invoice.NetTerms(-3), invoice.BusinessDayShift{Calendar: fr})
		requireValidationError(t, err, "days")
	})
}

func TestBusinessCalendar_ConcurrentUse(t *testing.T) {
	shift := invoice.BusinessDayShift{Calendar: invoice.FrenchBusinessCalendar()}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inv := date("2026-01-01").AddDays(g)
			for i := range 200 {
				got, err := invoice.ShiftedDueDate(inv.AddDays(i), invoice.NetTerms(30), shift)
				assert.NoError(t, err)
				assert.True(t, shift.Calendar.IsBusinessDay(got))
			}
		}()
	}
	wg.Wait()
}

func TestInstalmentsByPercent(t *testing.T) {
	inv := date("2026-01-15")
	parts := func(percents ...string) []invoice.PercentInstalment {
		out := make([]invoice.PercentInstalment, len(percents))
		for i, p := range percents {
			out[i] = invoice.PercentInstalment{Percent: pct(p), Terms: invoice.NetTerms(30 * (i + 1))}
		}
		return out
	}
	amounts := func(is []invoice.Instalment) []string {
		out := make([]string, len(is))
		for i, in := range is {
			out[i] = in.Amount.String()
		}
		return out
	}

	t.Run("30/30/40 of 1000.00 EUR", func(t *testing.T) {
		got, err := invoice.InstalmentsByPercent(eur("1000.00"), inv, parts("30", "30", "40"), invoice.BusinessDayShift{})
		require.NoError(t, err)
		assert.Equal(t, []invoice.Instalment{
			{Seq: 1, DueDate: date("2026-02-14"), Amount: eur("300.00")},
			{Seq: 2, DueDate: date("2026-03-16"), Amount: eur("300.00")},
			{Seq: 3, DueDate: date("2026-04-15"), Amount: eur("400.00")},
		}, got)
	})
	t.Run("each instalment has its own terms and the shift", func(t *testing.T) {
		ps := []invoice.PercentInstalment{
			{Percent: pct("50"), Terms: invoice.ImmediateTerms()},
			{Percent: pct("50"), Terms: invoice.DaysThenEndOfMonthTerms(45)},
		}
		got, err := invoice.InstalmentsByPercent(eur("100.00"), date("2026-01-31"), ps, invoice.BusinessDayShift{Calendar: invoice.FrenchBusinessCalendar()})
		require.NoError(t, err)
		assert.Equal(t, "2026-02-02", got[0].DueDate.String(), "Saturday invoice, immediate: Monday")
		assert.Equal(t, "2026-03-31", got[1].DueDate.String())
	})
	t.Run("no cent lost", func(t *testing.T) {
		tests := []struct {
			total    o2c.Money
			percents []string
			want     []string
		}{
			{eur("100.01"), []string{"50", "50"}, []string{"50.01 EUR", "50.00 EUR"}},
			{eur("10.00"), []string{"33.33", "33.33", "33.34"}, []string{"3.33 EUR", "3.33 EUR", "3.34 EUR"}},
			{eur("0.05"), []string{"10", "10", "80"}, []string{"0.01 EUR", "0.00 EUR", "0.04 EUR"}},
			{o2c.MustMoney("1000", "JPY"), []string{"33.33", "33.33", "33.34"}, []string{"333 JPY", "333 JPY", "334 JPY"}},
			{o2c.MustMoney("1.000", "KWD"), []string{"12.5", "87.5"}, []string{"0.125 KWD", "0.875 KWD"}},
		}
		for _, tt := range tests {
			got, err := invoice.InstalmentsByPercent(tt.total, inv, parts(tt.percents...), invoice.BusinessDayShift{})
			require.NoError(t, err)
			assert.Equal(t, tt.want, amounts(got), "%s in %v", tt.total, tt.percents)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		tests := []struct {
			name  string
			total o2c.Money
			parts []invoice.PercentInstalment
			field string
		}{
			{"no parts", eur("100.00"), nil, "parts"},
			{"sum below 100", eur("100.00"), parts("30", "30", "39.99"), "parts"},
			{"sum above 100", eur("100.00"), parts("60", "60"), "parts"},
			{"zero percent", eur("100.00"), parts("0", "100"), "parts[0].percent"},
			{"negative percent", eur("100.00"), parts("120", "-20"), "parts[0].percent"},
			{"too many decimals", eur("100.00"), parts("33.333333333", "66.666666667"), "parts[0].percent"},
			{"unrounded total", eur("100.005"), parts("100"), "total"},
			{"negative total", eur("-100.00"), parts("100"), "total"},
			{"zero total", eur("0"), parts("100"), "total"},
			{"no currency", o2c.Money{}, parts("100"), "total"},
			{"bad terms in a part", eur("100.00"), []invoice.PercentInstalment{
				{Percent: pct("50"), Terms: invoice.NetTerms(30)},
				{Percent: pct("50"), Terms: invoice.NetTerms(-30)},
			}, "parts[1].terms.days"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := invoice.InstalmentsByPercent(tt.total, inv, tt.parts, invoice.BusinessDayShift{})
				requireValidationError(t, err, tt.field)
				assert.Nil(t, got)
			})
		}
	})
}

func TestInstalmentsByAmount(t *testing.T) {
	inv := date("2026-01-15")
	part := func(m o2c.Money, days int) invoice.AmountInstalment {
		return invoice.AmountInstalment{Amount: m, Terms: invoice.NetTerms(days)}
	}
	t.Run("last takes the remainder", func(t *testing.T) {
		got, err := invoice.InstalmentsByAmount(eur("1000.00"), inv,
			[]invoice.AmountInstalment{part(eur("300.00"), 0), part(eur("200.00"), 30), part(o2c.Money{}, 60)}, invoice.BusinessDayShift{})
		require.NoError(t, err)
		assert.Equal(t, []invoice.Instalment{
			{Seq: 1, DueDate: date("2026-01-15"), Amount: eur("300.00")},
			{Seq: 2, DueDate: date("2026-02-14"), Amount: eur("200.00")},
			{Seq: 3, DueDate: date("2026-03-16"), Amount: eur("500.00")},
		}, got)
	})
	t.Run("a last amount below the remainder is topped up", func(t *testing.T) {
		got, err := invoice.InstalmentsByAmount(eur("1000.00"), inv,
			[]invoice.AmountInstalment{part(eur("300.00"), 0), part(eur("100.00"), 30)}, invoice.BusinessDayShift{})
		require.NoError(t, err)
		assert.Equal(t, "700.00 EUR", got[1].Amount.String())
	})
	t.Run("amounts that make up the total are kept", func(t *testing.T) {
		got, err := invoice.InstalmentsByAmount(eur("1000.00"), inv,
			[]invoice.AmountInstalment{part(eur("999.99"), 0), part(eur("0.01"), 30)}, invoice.BusinessDayShift{})
		require.NoError(t, err)
		assert.Equal(t, "999.99 EUR", got[0].Amount.String())
		assert.Equal(t, "0.01 EUR", got[1].Amount.String())
	})
	t.Run("bad input", func(t *testing.T) {
		tests := []struct {
			name  string
			parts []invoice.AmountInstalment
			field string
		}{
			{"no parts", nil, "parts"},
			{"exceeds the total", []invoice.AmountInstalment{part(eur("600.00"), 0), part(eur("400.01"), 30)}, "parts"},
			{"first part alone exceeds", []invoice.AmountInstalment{part(eur("1000.01"), 0), part(o2c.Money{}, 30)}, "parts"},
			{"last would be zero", []invoice.AmountInstalment{part(eur("1000.00"), 0), part(o2c.Money{}, 30)}, "parts[1].amount"},
			{"zero before the last", []invoice.AmountInstalment{part(eur("0"), 0), part(eur("1000.00"), 30)}, "parts[0].amount"},
			{"negative", []invoice.AmountInstalment{part(eur("-10.00"), 0), part(o2c.Money{}, 30)}, "parts[0].amount"},
			{"unrounded", []invoice.AmountInstalment{part(eur("10.001"), 0), part(o2c.Money{}, 30)}, "parts[0].amount"},
			{"bad terms", []invoice.AmountInstalment{part(eur("10.00"), 0), {Terms: invoice.DayOfFollowingMonthTerms(0, 40)}}, "parts[1].terms.day_of_month"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := invoice.InstalmentsByAmount(eur("1000.00"), inv, tt.parts, invoice.BusinessDayShift{})
				requireValidationError(t, err, tt.field)
				assert.Nil(t, got)
			})
		}
	})
	t.Run("currency mismatch", func(t *testing.T) {
		_, err := invoice.InstalmentsByAmount(eur("1000.00"), inv,
			[]invoice.AmountInstalment{part(o2c.MustMoney("100.00", "USD"), 0), part(o2c.Money{}, 30)}, invoice.BusinessDayShift{})
		require.ErrorIs(t, err, o2c.ErrCurrencyMismatch)
	})
}

func TestDiscountedAmount(t *testing.T) {
	inv := date("2026-01-15")
	twoTen := invoice.EarlyPaymentDiscount{Percent: pct("2"), Days: 10}
	tests := []struct {
		name         string
		gross        string
		paid         string
		d            invoice.EarlyPaymentDiscount
		mode         o2c.RoundingMode
		wantSettle   string
		wantDiscount string
	}{
		{"paid on the deadline", "1000.00", "2026-01-25", twoTen, o2c.RoundHalfUp, "980.00 EUR", "20.00 EUR"},
		{"paid on the invoice date", "1000.00", "2026-01-15", twoTen, o2c.RoundHalfUp, "980.00 EUR", "20.00 EUR"},
		{"paid in advance", "1000.00", "2026-01-10", twoTen, o2c.RoundHalfUp, "980.00 EUR", "20.00 EUR"},
		{"paid the day after the deadline", "1000.00", "2026-01-26", twoTen, o2c.RoundHalfUp, "1000.00 EUR", "0.00 EUR"},
		{"half-up rounds the discount", "33.33", "2026-01-20", twoTen, o2c.RoundHalfUp, "32.66 EUR", "0.67 EUR"},
		{"down rounds the discount down", "33.33", "2026-01-20", twoTen, o2c.RoundDown, "32.67 EUR", "0.66 EUR"},
		{"half-up on a tie", "12.25", "2026-01-20", twoTen, o2c.RoundHalfUp, "12.00 EUR", "0.25 EUR"},
		{"half-even on a tie", "12.25", "2026-01-20", twoTen, o2c.RoundHalfEven, "12.01 EUR", "0.24 EUR"},
		{"fractional rate", "1000.00", "2026-01-20", invoice.EarlyPaymentDiscount{Percent: pct("1.5"), Days: 10}, o2c.RoundHalfUp, "985.00 EUR", "15.00 EUR"},
		{"no discount", "1000.00", "2026-01-15", invoice.EarlyPaymentDiscount{}, o2c.RoundHalfUp, "1000.00 EUR", "0.00 EUR"},
		{"zero gross", "0.00", "2026-01-15", twoTen, o2c.RoundHalfUp, "0.00 EUR", "0.00 EUR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			settle, discount, err := invoice.DiscountedAmount(eur(tt.gross), inv, date(tt.paid), tt.d, tt.mode)
			require.NoError(t, err)
			assert.Equal(t, tt.wantSettle, settle.String())
			assert.Equal(t, tt.wantDiscount, discount.String())
			sum, err := settle.Add(discount)
			require.NoError(t, err)
			assert.True(t, sum.Equal(eur(tt.gross)), "settle + discount = gross")
		})
	}
	t.Run("JPY rounds to whole yen", func(t *testing.T) {
		settle, discount, err := invoice.DiscountedAmount(o2c.MustMoney("1234", "JPY"), inv, inv, twoTen, o2c.RoundHalfUp)
		require.NoError(t, err)
		assert.Equal(t, "1209 JPY", settle.String())
		assert.Equal(t, "25 JPY", discount.String())
	})
	t.Run("bad input", func(t *testing.T) {
		tests := []struct {
			name  string
			gross o2c.Money
			inv   o2c.Date
			paid  o2c.Date
			d     invoice.EarlyPaymentDiscount
			mode  o2c.RoundingMode
			field string
		}{
			{"negative gross", eur("-1.00"), inv, inv, twoTen, o2c.RoundHalfUp, "gross"},
			{"unrounded gross", eur("1.005"), inv, inv, twoTen, o2c.RoundHalfUp, "gross"},
			{"no currency", o2c.Money{}, inv, inv, twoTen, o2c.RoundHalfUp, "gross"},
			{"no invoice date", eur("1.00"), o2c.Date{}, inv, twoTen, o2c.RoundHalfUp, "invoice_date"},
			{"no payment date", eur("1.00"), inv, o2c.Date{}, twoTen, o2c.RoundHalfUp, "payment_date"},
			{"unknown rounding mode", eur("1.00"), inv, inv, twoTen, o2c.RoundingMode(42), "rounding_mode"},
			{"rate of 100", eur("1.00"), inv, inv, invoice.EarlyPaymentDiscount{Percent: pct("100"), Days: 10}, o2c.RoundHalfUp, "discount.percent"},
			{"negative days", eur("1.00"), inv, inv, invoice.EarlyPaymentDiscount{Percent: pct("2"), Days: -1}, o2c.RoundHalfUp, "discount.days"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, _, err := invoice.DiscountedAmount(tt.gross, tt.inv, tt.paid, tt.d, tt.mode)
				requireValidationError(t, err, tt.field)
			})
		}
	})
}

func TestCheckFrenchLegalMaximum(t *testing.T) {
	tests := []struct {
		name    string
		invoice string
		due     string
		ok      bool
	}{
		{"60 days", "2026-01-15", "2026-03-16", true},
		{"end of month then 45 days", "2026-01-15", "2026-03-17", true},
		{"45 days then end of month", "2026-01-15", "2026-03-31", true},
		{"one day beyond every reading", "2026-01-15", "2026-04-01", false},
		{"immediate", "2026-01-15", "2026-01-15", true},
		// Invoice 1 January: 60 days is 2 March, EOM+45 is 17 March, 45 days
		// then EOM is 28 February; the latest, 17 March, wins.
		{"1 January, EOM+45 is the latest", "2026-01-01", "2026-03-17", true},
		{"1 January, one day late", "2026-01-01", "2026-03-18", false},
		// Invoice 31 December: 60 days is 1 March, EOM+45 is 14 February,
		// 45 days then EOM is 28 February: 60 days wins.
		{"31 December, 60 days is the latest", "2025-12-31", "2026-03-01", true},
		{"31 December, one day late", "2025-12-31", "2026-03-02", false},
		{"leap year 60 days", "2028-01-01", "2028-03-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := invoice.CheckFrenchLegalMaximum(date(tt.invoice), date(tt.due))
			if tt.ok {
				require.NoError(t, err)
				return
			}
			ve := requireValidationError(t, err, "due_date")
			assert.ErrorIs(t, err, invoice.ErrTermsExceedLimit)
			assert.Contains(t, ve.Rule, "L441-10")
			assert.Equal(t, tt.due, ve.Value)
		})
	}
	t.Run("due before the invoice date", func(t *testing.T) {
		err := invoice.CheckFrenchLegalMaximum(date("2026-01-15"), date("2026-01-14"))
		requireValidationError(t, err, "due_date")
		assert.False(t, errors.Is(err, invoice.ErrTermsExceedLimit))
	})
	t.Run("zero dates", func(t *testing.T) {
		requireValidationError(t, invoice.CheckFrenchLegalMaximum(o2c.Date{}, date("2026-01-14")), "invoice_date")
		requireValidationError(t, invoice.CheckFrenchLegalMaximum(date("2026-01-14"), o2c.Date{}), "due_date")
	})
}

func TestTermsLimit(t *testing.T) {
	eu := invoice.EUDirectiveTermsLimit()
	inv := date("2026-01-15")
	require.NoError(t, eu.Check(inv, date("2026-03-16")))
	err := eu.Check(inv, date("2026-03-17"))
	ve := requireValidationError(t, err, "due_date")
	assert.ErrorIs(t, err, invoice.ErrTermsExceedLimit)
	assert.Contains(t, ve.Rule, "2011/7/EU")
	assert.Contains(t, ve.Rule, "expressly agreed")

	latest, err := invoice.FrenchTermsLimit().LatestDueDate(inv)
	require.NoError(t, err)
	assert.Equal(t, "2026-03-31", latest.String())

	// A jurisdiction added as data.
	thirty := invoice.TermsLimit{Jurisdiction: "XX", Reference: "Test Act s.1", MaxDays: 30}
	require.NoError(t, thirty.Check(inv, date("2026-02-14")))
	assert.ErrorIs(t, thirty.Check(inv, date("2026-02-15")), invoice.ErrTermsExceedLimit)

	_, err = invoice.TermsLimit{}.LatestDueDate(inv)
	requireValidationError(t, err, "max_days")
	_, err = invoice.TermsLimit{MaxDays: 60, MaxDaysEndOfMonth: -1}.LatestDueDate(inv)
	requireValidationError(t, err, "max_days_end_of_month")
}

// --- properties ---

var propCurrencies = []string{"JPY", "EUR", "USD", "KWD", "BHD", "CLF"} // 0, 2, 3 and 4 minor digits

func genInvoiceDate(t *rapid.T, label string) o2c.Date {
	return date("1900-01-01").AddDays(rapid.IntRange(0, 300*366).Draw(t, label))
}

func genTerms(t *rapid.T) invoice.Terms {
	switch rapid.IntRange(0, 5).Draw(t, "kind") {
	case 0:
		return invoice.ImmediateTerms()
	case 1:
		return invoice.NetTerms(rapid.IntRange(0, 400).Draw(t, "days"))
	case 2:
		return invoice.EndOfMonthThenDaysTerms(rapid.IntRange(0, 400).Draw(t, "days"))
	case 3:
		return invoice.DaysThenEndOfMonthTerms(rapid.IntRange(0, 400).Draw(t, "days"))
	case 4:
		return invoice.MonthsAfterEndOfMonthTerms(rapid.IntRange(0, invoice.MaxTermsMonths).Draw(t, "months"))
	default:
		return invoice.DayOfFollowingMonthTerms(rapid.IntRange(0, 400).Draw(t, "days"), rapid.IntRange(1, 31).Draw(t, "day"))
	}
}

func TestProperty_PercentInstalmentsSumToTotal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur, err := o2c.ParseCurrency(rapid.SampledFrom(propCurrencies).Draw(t, "currency"))
		require.NoError(t, err)
		total := o2c.FromMinor(rapid.Int64Range(1, 1_000_000_000_000_000).Draw(t, "units"), cur)
		// Percentages with k decimals summing to 100: cut 100·10^k into n
		// positive integer parts.
		k := rapid.IntRange(0, 4).Draw(t, "percentDecimals")
		scale := int64(100)
		for range k {
			scale *= 10
		}
		n := rapid.IntRange(1, 12).Draw(t, "n")
		cuts := rapid.SliceOfNDistinct(rapid.Int64Range(1, scale-1), n-1, n-1, rapid.ID[int64]).Draw(t, "cuts")
		bounds := append([]int64{0}, cuts...)
		bounds = append(bounds, scale)
		sortInt64(bounds)
		parts := make([]invoice.PercentInstalment, n)
		for i := range parts {
			parts[i] = invoice.PercentInstalment{Percent: decimal.New(bounds[i+1]-bounds[i], -int32(k)), Terms: genTerms(t)}
		}
		inv := genInvoiceDate(t, "invoiceDate")

		got, err := invoice.InstalmentsByPercent(total, inv, parts, invoice.BusinessDayShift{})
		require.NoError(t, err)
		require.Len(t, got, n)
		sum := o2c.Zero(cur)
		unit := decimal.New(1, -cur.Digits())
		for i, in := range got {
			require.Equal(t, i+1, in.Seq)
			require.Equal(t, cur, in.Amount.Currency())
			require.True(t, in.Amount.IsRounded())
			require.False(t, in.Amount.IsNegative())
			exact := total.Amount().Mul(parts[i].Percent).Shift(-2)
			require.True(t, in.Amount.Amount().Sub(exact).Abs().LessThan(unit), "instalment %d: %s vs exact %s", i+1, in.Amount, exact)
			want, err := invoice.DueDate(inv, parts[i].Terms)
			require.NoError(t, err)
			require.Equal(t, want, in.DueDate)
			sum, err = sum.Add(in.Amount)
			require.NoError(t, err)
		}
		require.True(t, sum.Equal(total), "sum %s != total %s", sum, total)
	})
}

func TestProperty_AmountInstalmentsSumToTotal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur, err := o2c.ParseCurrency(rapid.SampledFrom(propCurrencies).Draw(t, "currency"))
		require.NoError(t, err)
		units := rapid.Int64Range(2, 1_000_000_000_000).Draw(t, "units")
		total := o2c.FromMinor(units, cur)
		n := rapid.IntRange(2, 10).Draw(t, "n")
		parts := make([]invoice.AmountInstalment, n)
		left := units - 1 // keep at least one unit for the last part
		for i := range n - 1 {
			if left < 1 {
				parts = parts[:i+1]
				break
			}
			u := rapid.Int64Range(1, max(1, left/2)).Draw(t, "part")
			left -= u
			parts[i] = invoice.AmountInstalment{Amount: o2c.FromMinor(u, cur), Terms: invoice.NetTerms(30 * i)}
		}
		parts[len(parts)-1] = invoice.AmountInstalment{Terms: invoice.NetTerms(90)}

		got, err := invoice.InstalmentsByAmount(total, date("2026-01-15"), parts, invoice.BusinessDayShift{})
		require.NoError(t, err)
		sum := o2c.Zero(cur)
		for i, in := range got {
			require.True(t, in.Amount.IsPositive())
			if i < len(got)-1 {
				require.True(t, in.Amount.Equal(parts[i].Amount))
			}
			sum, err = sum.Add(in.Amount)
			require.NoError(t, err)
		}
		require.True(t, sum.Equal(total), "sum %s != total %s", sum, total)
	})
}

func TestProperty_DueDateNeverBeforeInvoiceDate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		inv := genInvoiceDate(t, "invoiceDate")
		terms := genTerms(t)
		due, err := invoice.DueDate(inv, terms)
		require.NoError(t, err)
		require.False(t, due.Before(inv), "%s under %s gives %s", inv, terms.Code, due)
		switch terms.Kind {
		case invoice.TermsImmediate:
			require.Equal(t, inv, due)
		case invoice.TermsNet:
			require.Equal(t, terms.Days, inv.DaysUntil(due))
		case invoice.TermsEndOfMonthThenDays:
			require.Equal(t, terms.Days, inv.EndOfMonth().DaysUntil(due))
		case invoice.TermsDaysThenEndOfMonth:
			require.True(t, due.IsEndOfMonth())
			require.Equal(t, inv.AddDays(terms.Days).StartOfMonth(), due.StartOfMonth())
		case invoice.TermsMonthsAfterEndOfMonth:
			require.True(t, due.IsEndOfMonth())
			require.Equal(t, inv.StartOfMonth().AddMonths(terms.Months), due.StartOfMonth())
		case invoice.TermsDayOfFollowingMonth:
			require.Equal(t, inv.AddDays(terms.Days).StartOfMonth().AddMonths(1), due.StartOfMonth())
			require.Equal(t, min(terms.DayOfMonth, due.EndOfMonth().Day()), due.Day())
		}
	})
}

func TestProperty_DueDateNeverPanicsOnArbitraryTerms(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		terms := invoice.Terms{
			Code:       rapid.String().Draw(t, "code"),
			Kind:       invoice.TermsKind(rapid.SampledFrom([]string{"", "net", "immediate", "end_of_month_then_days", "days_then_end_of_month", "months_after_end_of_month", "day_of_following_month", "bogus"}).Draw(t, "kind")),
			Days:       rapid.Int().Draw(t, "days"),
			Months:     rapid.Int().Draw(t, "months"),
			DayOfMonth: rapid.Int().Draw(t, "dayOfMonth"),
		}
		inv := genInvoiceDate(t, "invoiceDate")
		due, err := invoice.DueDate(inv, terms)
		if err != nil {
			require.ErrorIs(t, err, o2c.ErrValidation)
			return
		}
		require.False(t, due.Before(inv))
	})
}

func TestProperty_ShiftLandsOnNearbyBusinessDay(t *testing.T) {
	cals := []invoice.CalBusinessCalendar{
		invoice.FrenchBusinessCalendar(), invoice.GermanBusinessCalendar(), invoice.UKBusinessCalendar(),
		invoice.USBusinessCalendar(), invoice.TARGETBusinessCalendar(),
	}
	rapid.Check(t, func(t *rapid.T) {
		cal := cals[rapid.IntRange(0, len(cals)-1).Draw(t, "calendar")]
		conv := invoice.BusinessDayConvention(rapid.IntRange(0, 2).Draw(t, "convention"))
		d := date("2000-01-01").AddDays(rapid.IntRange(0, 60*366).Draw(t, "date"))
		got, err := invoice.BusinessDayShift{Calendar: cal, Convention: conv}.Apply(d)
		require.NoError(t, err)
		require.True(t, cal.IsBusinessDay(got), "%s from %s is not a business day of %s", got, d, cal.Calendar.Name)
		moved := d.DaysUntil(got)
		require.LessOrEqual(t, moved, 10)
		require.GreaterOrEqual(t, moved, -10)
		switch conv {
		case invoice.FollowingBusinessDay:
			require.GreaterOrEqual(t, moved, 0)
		case invoice.PrecedingBusinessDay:
			require.LessOrEqual(t, moved, 0)
		case invoice.ModifiedFollowingBusinessDay:
			require.Equal(t, d.Month(), got.Month())
		}
		if cal.IsBusinessDay(d) {
			require.Equal(t, d, got)
		}
	})
}

func TestProperty_FrenchLegalMaximumAcceptsBothReadings(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		inv := genInvoiceDate(t, "invoiceDate")
		for _, terms := range []invoice.Terms{invoice.NetTerms(60), invoice.EndOfMonthThenDaysTerms(45), invoice.DaysThenEndOfMonthTerms(45)} {
			due, err := invoice.DueDate(inv, terms)
			require.NoError(t, err)
			require.NoError(t, invoice.CheckFrenchLegalMaximum(inv, due), terms.Code)
		}
		latest, err := invoice.FrenchTermsLimit().LatestDueDate(inv)
		require.NoError(t, err)
		require.ErrorIs(t, invoice.CheckFrenchLegalMaximum(inv, latest.AddDays(1)), invoice.ErrTermsExceedLimit)
	})
}

func sortInt64(s []int64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// --- benchmarks ---

func BenchmarkDueDate(b *testing.B) {
	inv := o2c.MustDate(2026, time.January, 15)
	terms := []invoice.Terms{
		invoice.NetTerms(30), invoice.EndOfMonthThenDaysTerms(45), invoice.DaysThenEndOfMonthTerms(45),
		invoice.MonthsAfterEndOfMonthTerms(2), invoice.DayOfFollowingMonthTerms(45, 10),
	}
	for _, tt := range terms {
		b.Run(tt.Code, func(b *testing.B) {
			for b.Loop() {
				if _, err := invoice.DueDate(inv, tt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("NET30 shifted FR", func(b *testing.B) {
		shift := invoice.BusinessDayShift{Calendar: invoice.FrenchBusinessCalendar()}
		inv := o2c.MustDate(2026, time.November, 25) // due on Christmas
		for b.Loop() {
			if _, err := invoice.ShiftedDueDate(inv, invoice.NetTerms(30), shift); err != nil {
				b.Fatal(err)
			}
		}
	})
}
