package o2c_test

import (
	"encoding/json"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris and friends on machines without a zoneinfo database

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashcycle/sdk/o2c"
)

func mustParseDate(t *testing.T, s string) o2c.Date {
	t.Helper()
	d, err := o2c.ParseDate(s)
	require.NoError(t, err, s)
	return d
}

func TestNewDate(t *testing.T) {
	bad := []struct {
		y int
		m time.Month
		d int
	}{
		{2026, time.February, 30},
		{2026, time.February, 29}, // not a leap year
		{2100, time.February, 29}, // divisible by 100, not by 400
		{2026, 13, 1},
		{2026, 0, 1},
		{2026, time.April, 31},
		{2026, time.January, 0},
		{2026, time.January, 32},
		{2026, time.January, -1},
		{0, time.January, 1},
		{-1, time.January, 1},
		{10000, time.January, 1},
	}
	for _, c := range bad {
		d, err := o2c.NewDate(c.y, c.m, c.d)
		requireValidation(t, err, "date", nil)
		assert.True(t, d.IsZero(), "%v", c)
	}

	good := []struct {
		y int
		m time.Month
		d int
	}{
		{2028, time.February, 29}, {2000, time.February, 29}, {1, time.January, 1}, {9999, time.December, 31}, {2026, time.April, 30},
	}
	for _, c := range good {
		d, err := o2c.NewDate(c.y, c.m, c.d)
		require.NoError(t, err, "%v", c)
		assert.Equal(t, c.y, d.Year())
		assert.Equal(t, c.m, d.Month())
		assert.Equal(t, c.d, d.Day())
		assert.False(t, d.IsZero())
	}

	assert.Panics(t, func() { o2c.MustDate(2026, time.February, 30) })
	assert.Equal(t, "2026-11-23", o2c.MustDate(2026, time.November, 23).String())
	assert.Equal(t, "0001-01-01", o2c.MustDate(1, time.January, 1).String())
}

func TestParseDate(t *testing.T) {
	assert.Equal(t, o2c.MustDate(2026, time.November, 23), mustParseDate(t, "2026-11-23"))
	assert.Equal(t, o2c.MustDate(2026, time.November, 23), mustParseDate(t, " 2026-11-23\n"))
	assert.Equal(t, o2c.MustDate(2028, time.February, 29), mustParseDate(t, "2028-02-29"))

	for _, s := range []string{"", "2026-02-30", "2027-02-29", "2026-13-01", "2026-00-10", "0000-01-01", "2026-2-3", "2026/11/23", "23-11-2026", "20261123", "2026-11-23T00:00:00Z", "tomorrow"} {
		_, err := o2c.ParseDate(s)
		requireValidation(t, err, "date", nil)
	}
}

func TestDateOfAndDateIn(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	instant := time.Date(2026, time.November, 23, 23, 30, 0, 0, time.UTC)

	assert.Equal(t, o2c.MustDate(2026, time.November, 23), o2c.DateOf(instant))
	assert.Equal(t, o2c.MustDate(2026, time.November, 24), o2c.DateIn(instant, paris))
	assert.Equal(t, o2c.MustDate(2026, time.November, 23), o2c.DateIn(instant, nil), "nil means UTC")
	assert.Equal(t, o2c.MustDate(2026, time.November, 24), o2c.DateOf(instant.In(paris)), "DateOf uses t's own location")

	d := o2c.MustDate(2026, time.March, 29)
	assert.Equal(t, time.Date(2026, time.March, 29, 0, 0, 0, 0, time.UTC), d.Time())
	assert.Equal(t, time.Date(2026, time.March, 29, 0, 0, 0, 0, paris), d.In(paris))
	assert.Equal(t, time.Sunday, d.Weekday())
	assert.Equal(t, time.Monday, o2c.MustDate(2024, time.January, 1).Weekday())
}

func TestAddDays(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-01"},
		{"2026-02-28", 1, "2026-03-01"},
		{"2028-02-28", 1, "2028-02-29"},
		{"2028-02-29", 1, "2028-03-01"},
		{"2026-12-31", 1, "2027-01-01"},
		{"2027-01-01", -1, "2026-12-31"},
		{"2026-03-01", -1, "2026-02-28"},
		{"2028-03-01", -1, "2028-02-29"},
		{"2026-03-28", 2, "2026-03-30"}, // across the EU DST change: still 2 calendar days
		{"2026-10-24", 2, "2026-10-26"},
		{"2026-01-01", 365, "2027-01-01"},
		{"2028-01-01", 365, "2028-12-31"},
		{"2026-11-23", 0, "2026-11-23"},
		{"2026-11-23", 60, "2027-01-22"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, mustParseDate(t, c.from).AddDays(c.n).String(), "%s %+d", c.from, c.n)
	}
}

func TestAddMonths(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-03-31", -1, "2026-02-28"},
		{"2028-03-31", -1, "2028-02-29"},
		{"2026-05-31", 1, "2026-06-30"},
		{"2026-01-30", 1, "2026-02-28"},
		{"2026-01-15", 1, "2026-02-15"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-01-15", -1, "2025-12-15"},
		{"2026-08-31", 6, "2027-02-28"},
		{"2026-01-31", 13, "2027-02-28"},
		{"2026-01-31", -25, "2023-12-31"},
		{"2026-02-28", 1, "2026-03-28"}, // end of February does not snap to end of March
		{"2026-11-23", 0, "2026-11-23"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, mustParseDate(t, c.from).AddMonths(c.n).String(), "%s %+d months", c.from, c.n)
	}

	assert.Equal(t, "2029-02-28", mustParseDate(t, "2028-02-29").AddYears(1).String())
	assert.Equal(t, "2032-02-29", mustParseDate(t, "2028-02-29").AddYears(4).String())
	assert.Equal(t, "2027-02-28", mustParseDate(t, "2028-02-29").AddYears(-1).String())
	assert.Equal(t, "2027-11-23", mustParseDate(t, "2026-11-23").AddYears(1).String())
}

func TestMonthBoundaries(t *testing.T) {
	cases := []struct{ in, start, end string }{
		{"2026-02-10", "2026-02-01", "2026-02-28"},
		{"2028-02-10", "2028-02-01", "2028-02-29"},
		{"2100-02-10", "2100-02-01", "2100-02-28"},
		{"2000-02-10", "2000-02-01", "2000-02-29"},
		{"2026-04-30", "2026-04-01", "2026-04-30"},
		{"2026-12-01", "2026-12-01", "2026-12-31"},
	}
	for _, c := range cases {
		d := mustParseDate(t, c.in)
		assert.Equal(t, c.start, d.StartOfMonth().String(), c.in)
		assert.Equal(t, c.end, d.EndOfMonth().String(), c.in)
		assert.True(t, d.EndOfMonth().IsEndOfMonth(), c.in)
		assert.Equal(t, d.EndOfMonth() == d, d.IsEndOfMonth(), c.in)
	}
	assert.False(t, mustParseDate(t, "2028-02-28").IsEndOfMonth())
	assert.True(t, mustParseDate(t, "2027-02-28").IsEndOfMonth())
}

func TestDaysUntil(t *testing.T) {
	cases := []struct {
		from, to string
		want     int
	}{
		{"2028-02-01", "2028-03-01", 29},
		{"2026-02-01", "2026-03-01", 28},
		{"2026-03-01", "2026-03-31", 30},
		{"2026-03-28", "2026-03-30", 2}, // EU DST change in between
		{"2026-10-24", "2026-10-26", 2},
		{"2026-01-01", "2027-01-01", 365},
		{"2028-01-01", "2029-01-01", 366},
		{"2026-11-23", "2026-11-23", 0},
		{"2026-03-31", "2026-03-01", -30},
		{"1900-01-01", "2000-01-01", 36524},
		{"0001-01-01", "9999-12-31", 3652058}, // far beyond what a time.Duration holds
		{"9999-12-31", "0001-01-01", -3652058},
	}
	for _, c := range cases {
		from, to := mustParseDate(t, c.from), mustParseDate(t, c.to)
		assert.Equal(t, c.want, from.DaysUntil(to), "%s -> %s", c.from, c.to)
		assert.Equal(t, c.want, o2c.DaysBetween(from, to))
		assert.Equal(t, to, from.AddDays(c.want), "AddDays undoes DaysUntil")
	}
}

func TestDateArithmeticProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := dateInYears(t, 11, 9989) // so that the steps below stay within years 1-9999
		n := rapid.IntRange(-3650, 3650).Draw(t, "n")
		e := d.AddDays(n)
		require.Equal(t, n, d.DaysUntil(e))
		require.Equal(t, -n, e.DaysUntil(d))
		require.Equal(t, cmpSign(n), d.Compare(e)*-1)

		months := rapid.IntRange(-120, 120).Draw(t, "months")
		m := d.AddMonths(months)
		// Always a real date, in the expected month, clamped only when needed.
		_, err := o2c.NewDate(m.Year(), m.Month(), m.Day())
		require.NoError(t, err)
		require.Equal(t, (d.Year()*12+int(d.Month())-1)+months, m.Year()*12+int(m.Month())-1)
		if d.Day() <= m.EndOfMonth().Day() {
			require.Equal(t, d.Day(), m.Day())
		} else {
			require.True(t, m.IsEndOfMonth())
		}
	})
}

func cmpSign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestDateCompare(t *testing.T) {
	dates := []string{"2025-12-31", "2026-01-01", "2026-01-02", "2026-02-01", "2027-01-01"}
	for i, a := range dates {
		for j, b := range dates {
			da, db := mustParseDate(t, a), mustParseDate(t, b)
			assert.Equal(t, cmpSign(i-j), da.Compare(db), "%s vs %s", a, b)
			assert.Equal(t, i < j, da.Before(db), "%s before %s", a, b)
			assert.Equal(t, i > j, da.After(db), "%s after %s", a, b)
			assert.Equal(t, i == j, da == db)
		}
	}
}

func TestZeroDate(t *testing.T) {
	var zero o2c.Date
	assert.True(t, zero.IsZero())
	assert.Equal(t, "", zero.String())

	b, err := json.Marshal(zero)
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))

	type doc struct {
		Due  o2c.Date `json:"due"`
		Paid o2c.Date `json:"paid"`
	}
	b, err = json.Marshal(doc{Due: o2c.MustDate(2026, time.December, 31)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"due":"2026-12-31","paid":null}`, string(b))
	var back doc
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, o2c.MustDate(2026, time.December, 31), back.Due)
	assert.True(t, back.Paid.IsZero())

	d := o2c.MustDate(2026, time.May, 5)
	require.NoError(t, json.Unmarshal([]byte("null"), &d))
	assert.True(t, d.IsZero())
	d = o2c.MustDate(2026, time.May, 5)
	require.NoError(t, json.Unmarshal([]byte(`""`), &d))
	assert.True(t, d.IsZero(), `"" is no date`)

	txt, err := zero.MarshalText()
	require.NoError(t, err)
	assert.Empty(t, txt)

	v, err := zero.Value()
	require.NoError(t, err)
	assert.Nil(t, v)
}

func TestDateJSONErrors(t *testing.T) {
	for _, in := range []string{`20261123`, `"2026-13-01"`, `"2026-02-30"`, `"23/11/2026"`, `{}`, `true`} {
		d := o2c.MustDate(2026, time.May, 5)
		err := json.Unmarshal([]byte(in), &d)
		requireValidation(t, err, "date", nil)
		assert.Equal(t, o2c.MustDate(2026, time.May, 5), d, "a failed decode leaves the value alone: %s", in)
	}
}

func TestDateScan(t *testing.T) {
	want := o2c.MustDate(2026, time.November, 23)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)

	srcs := []any{
		"2026-11-23",
		[]byte("2026-11-23"),
		"2026-11-23T00:00:00Z",
		[]byte("2026-11-23 00:00:00+00:00"),
		time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC),
		time.Date(2026, time.November, 23, 0, 0, 0, 0, paris), // midnight Paris is 22 November in UTC
		time.Date(2026, time.November, 23, 23, 59, 59, 0, time.UTC),
	}
	for _, src := range srcs {
		var d o2c.Date
		require.NoError(t, d.Scan(src), "%#v", src)
		assert.Equal(t, want, d, "%#v", src)
	}

	d := want
	require.NoError(t, d.Scan(nil))
	assert.True(t, d.IsZero())
	d = want
	require.NoError(t, d.Scan(""))
	assert.True(t, d.IsZero())

	requireValidation(t, d.Scan("2026-02-30"), "date", nil)
	requireValidation(t, d.Scan([]byte("garbage")), "date", nil)
	require.Error(t, d.Scan(int64(20261123)))
	require.Error(t, d.Scan(3.14))
}

// A date after 9999-12-31 or before 0001-01-01 cannot be written as
// "YYYY-MM-DD" and read back: the checked constructors refuse it with
// ErrDateOutOfRange, and every codec refuses to write one, so no store can
// hold a date it cannot read.
func TestDateOutOfRange(t *testing.T) {
	last := o2c.MustDate(9999, time.December, 31)
	first := o2c.MustDate(1, time.January, 1)
	require.NoError(t, last.Validate())
	require.NoError(t, first.Validate())
	require.NoError(t, o2c.Date{}.Validate(), "the zero Date means no date and is valid")

	_, err := o2c.NewDate(10000, time.January, 1)
	requireValidation(t, err, "date", o2c.ErrDateOutOfRange)
	_, err = o2c.NewDate(0, time.December, 31)
	requireValidation(t, err, "date", o2c.ErrDateOutOfRange)

	far := time.Date(10000, time.January, 1, 0, 0, 0, 0, time.UTC)
	_, err = o2c.DateFrom(far)
	requireValidation(t, err, "date", o2c.ErrDateOutOfRange)
	_, err = o2c.DateFrom(time.Date(0, time.June, 1, 0, 0, 0, 0, time.UTC))
	requireValidation(t, err, "date", o2c.ErrDateOutOfRange)
	d, err := o2c.DateFrom(time.Date(9999, time.December, 31, 23, 59, 59, 0, time.UTC))
	require.NoError(t, err)
	assert.Equal(t, last, d)

	_, err = last.AddDaysChecked(1)
	requireValidation(t, err, "date", o2c.ErrDateOutOfRange)
	_, err = first.AddDaysChecked(-1)
	requireValidation(t, err, "date", o2c.ErrDateOutOfRange)
	_, err = last.AddMonthsChecked(1)
	requireValidation(t, err, "date", o2c.ErrDateOutOfRange)
	d, err = last.AddDaysChecked(-365)
	require.NoError(t, err)
	assert.Equal(t, "9998-12-31", d.String())

	for name, bad := range map[string]o2c.Date{
		"DateOf after 9999":   o2c.DateOf(far),
		"AddDays past 9999":   last.AddDays(1),
		"AddMonths past 9999": last.AddMonths(1),
		"AddYears past 9999":  o2c.MustDate(2026, time.May, 5).AddYears(8000),
		"AddDays before 1":    first.AddDays(-1),
	} {
		t.Run(name, func(t *testing.T) {
			assert.False(t, bad.IsZero())
			requireValidation(t, bad.Validate(), "date", o2c.ErrDateOutOfRange)
			assert.NotEmpty(t, bad.String(), "still printable for diagnostics")
			_, err := json.Marshal(bad)
			require.ErrorIs(t, err, o2c.ErrDateOutOfRange)
			_, err = json.Marshal(struct {
				Promise o2c.Date `json:"promise"`
			}{bad})
			require.ErrorIs(t, err, o2c.ErrDateOutOfRange, "refused inside a document too")
			_, err = bad.MarshalText()
			requireValidation(t, err, "date", o2c.ErrDateOutOfRange)
			_, err = bad.Value()
			requireValidation(t, err, "date", o2c.ErrDateOutOfRange)
		})
	}
	assert.Equal(t, "10000-01-01", last.AddDays(1).String())
	assert.Equal(t, "-0001-12-31", first.AddDays(-367).String())

	var s o2c.Date
	requireValidation(t, s.Scan(far), "date", o2c.ErrDateOutOfRange)
	requireValidation(t, s.Scan("10000-01-01"), "date", nil)
}
