package o2c

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Date is a civil date (year, month, day) with no time zone: an invoice
// date, a due date, a value date. Dates compare with ==, and the zero Date
// ([Date.IsZero]) means "no date". Instants elsewhere in this module are UTC
// time.Time values.
type Date struct {
	year  int
	month time.Month
	day   int
}

// MinYear and MaxYear bound the dates this module accepts: 0001-01-01 to
// 9999-12-31, the range "YYYY-MM-DD" text (and so every store) can hold.
const (
	MinYear = 1
	MaxYear = 9999
)

// NewDate returns the date, refusing impossible ones (2026-02-30) and
// years outside [MinYear, MaxYear] with a *[ValidationError] (the latter
// wrapping [ErrDateOutOfRange]).
func NewDate(year int, month time.Month, day int) (Date, error) {
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if t.Year() != year || t.Month() != month || t.Day() != day {
		return Date{}, &ValidationError{Field: "date", Rule: "must be a real calendar date", Value: fmt.Sprintf("%04d-%02d-%02d", year, int(month), day)}
	}
	d := Date{year, month, day}
	if err := d.Validate(); err != nil {
		return Date{}, err
	}
	return d, nil
}

// Validate reports a date outside 0001-01-01 to 9999-12-31 as a
// *[ValidationError] wrapping [ErrDateOutOfRange]; the zero Date and every
// date in range are valid. [DateOf] and the arithmetic methods ([Date.AddDays],
// [Date.AddMonths], ...) return out-of-range dates rather than fail (they
// are used in expressions); such a date is refused by [Date.MarshalText],
// [Date.MarshalJSON] and [Date.Value], so no store ever holds one, and
// [DateFrom] and [Date.AddDaysChecked] refuse them at once.
func (d Date) Validate() error {
	if d.IsZero() || (d.year >= MinYear && d.year <= MaxYear) {
		return nil
	}
	return &ValidationError{Field: "date", Rule: fmt.Sprintf("must be between years %d and %d", MinYear, MaxYear), Value: d.String(), Err: ErrDateOutOfRange}
}

// MustDate is NewDate for constants in code and tests; it panics on error.
func MustDate(year int, month time.Month, day int) Date {
	d, err := NewDate(year, month, day)
	if err != nil {
		panic(err)
	}
	return d
}

// ParseDate parses "2026-11-23" (ISO 8601 calendar date).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, &ValidationError{Field: "date", Rule: "must read YYYY-MM-DD", Value: s}
	}
	return NewDate(t.Year(), t.Month(), t.Day())
}

// DateOf returns the calendar date of t in t's location. The date may be
// out of range (t after 9999-12-31 or before year 1): see [Date.Validate],
// or use [DateFrom], which refuses it.
func DateOf(t time.Time) Date {
	return Date{t.Year(), t.Month(), t.Day()}
}

// DateFrom is [DateOf] that refuses a date outside 0001-01-01 to
// 9999-12-31 with a *[ValidationError] wrapping [ErrDateOutOfRange].
func DateFrom(t time.Time) (Date, error) {
	d := DateOf(t)
	if err := d.Validate(); err != nil {
		return Date{}, err
	}
	return d, nil
}

// DateIn returns the calendar date of the instant t in loc (nil means UTC).
func DateIn(t time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = time.UTC
	}
	return DateOf(t.In(loc))
}

func fromTime(t time.Time) Date { return Date{t.Year(), t.Month(), t.Day()} }

// Year, Month and Day return the date's parts.
func (d Date) Year() int { return d.year }

// Month returns the month.
func (d Date) Month() time.Month { return d.month }

// Day returns the day of the month.
func (d Date) Day() int { return d.day }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, time.UTC) }

// In returns midnight in loc at the start of d.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, loc)
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays returns d plus n calendar days (n may be negative). The result
// may be out of range (see [Date.Validate]); [Date.AddDaysChecked] refuses it.
func (d Date) AddDays(n int) Date { return fromTime(d.Time().AddDate(0, 0, n)) }

// AddDaysChecked is [Date.AddDays] that refuses a result outside
// 0001-01-01 to 9999-12-31 with a *[ValidationError] wrapping
// [ErrDateOutOfRange].
func (d Date) AddDaysChecked(n int) (Date, error) {
	e := d.AddDays(n)
	if err := e.Validate(); err != nil {
		return Date{}, err
	}
	return e, nil
}

// AddMonthsChecked is [Date.AddMonths] that refuses a result out of range
// like [Date.AddDaysChecked].
func (d Date) AddMonthsChecked(n int) (Date, error) {
	e := d.AddMonths(n)
	if err := e.Validate(); err != nil {
		return Date{}, err
	}
	return e, nil
}

// AddMonths returns d plus n months, clamped to the end of the target month:
// 31 January plus one month is 28 (or 29) February, never 3 March. This is
// how payment terms expressed in months are read.
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.year, d.month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := daysIn(first.Year(), first.Month())
	day := d.day
	if day > last {
		day = last
	}
	return Date{first.Year(), first.Month(), day}
}

// AddYears returns d plus n years, clamped like AddMonths (29 February plus
// one year is 28 February).
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// StartOfMonth returns the first day of d's month.
func (d Date) StartOfMonth() Date { return Date{d.year, d.month, 1} }

// EndOfMonth returns the last day of d's month.
func (d Date) EndOfMonth() Date { return Date{d.year, d.month, daysIn(d.year, d.month)} }

// IsEndOfMonth reports whether d is the last day of its month.
func (d Date) IsEndOfMonth() bool { return d.day == daysIn(d.year, d.month) }

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// DaysUntil returns the number of days from d to e: positive when e is
// later (DaysUntil of 1 March to 31 March is 30).
func (d Date) DaysUntil(e Date) int {
	// Not e.Time().Sub(d.Time()): a time.Duration saturates at about 292
	// years, and dates range over years 1 to 9999.
	return int((e.Time().Unix() - d.Time().Unix()) / 86400)
}

// DaysBetween returns e minus d in days (the same as d.DaysUntil(e)).
func DaysBetween(d, e Date) int { return d.DaysUntil(e) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.year != e.year:
		return cmpInt(d.year, e.year)
	case d.month != e.month:
		return cmpInt(int(d.month), int(e.month))
	default:
		return cmpInt(d.day, e.day)
	}
}

func cmpInt(a, b int) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// String returns "2026-11-23", or "" for the zero Date. An out-of-range
// date prints with its real year ("10000-01-01", "-0001-12-31") for
// diagnostics; it cannot be marshalled.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.year < 0 {
		return fmt.Sprintf("-%04d-%02d-%02d", -d.year, int(d.month), d.day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.year, int(d.month), d.day)
}

// MarshalText implements encoding.TextMarshaler. A date out of range (see
// [Date.Validate]) is refused, as it could not be read back.
func (d Date) MarshalText() ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// MarshalJSON encodes "2026-11-23", or null for the zero Date. A date out
// of range (see [Date.Validate]) is refused, as it could not be read back.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON decodes a "YYYY-MM-DD" string or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &ValidationError{Field: "date", Rule: "must be a JSON string YYYY-MM-DD", Value: truncate(string(b))}
	}
	return d.UnmarshalText([]byte(s))
}

// Value implements driver.Valuer as "YYYY-MM-DD" text (which PostgreSQL
// casts to DATE), or NULL for the zero Date. A date out of range (see
// [Date.Validate]) is refused, like MarshalJSON does.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d.String(), nil
}

// Scan implements sql.Scanner from DATE (time.Time) or text columns.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		p, err := DateFrom(v)
		if err != nil {
			return err
		}
		*d = p
		return nil
	case string:
		if len(v) > 10 && (v[10] == 'T' || v[10] == ' ') { // "2026-11-23T00:00:00Z" from some drivers
			v = v[:10]
		}
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.Scan(string(v))
	default:
		return fmt.Errorf("o2c: cannot scan %T into Date", src)
	}
}
