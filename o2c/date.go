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

// NewDate returns the date, refusing impossible ones (2026-02-30) with a
// *[ValidationError].
func NewDate(year int, month time.Month, day int) (Date, error) {
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if t.Year() != year || t.Month() != month || t.Day() != day || year < 1 || year > 9999 {
		return Date{}, &ValidationError{Field: "date", Rule: "must be a real calendar date between years 1 and 9999", Value: fmt.Sprintf("%04d-%02d-%02d", year, int(month), day)}
	}
	return Date{year, month, day}, nil
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

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	return Date{t.Year(), t.Month(), t.Day()}
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

// AddDays returns d plus n calendar days (n may be negative).
func (d Date) AddDays(n int) Date { return fromTime(d.Time().AddDate(0, 0, n)) }

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

// String returns "2026-11-23", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.year, int(d.month), d.day)
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

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

// MarshalJSON encodes "2026-11-23", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
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
// casts to DATE), or NULL for the zero Date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
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
		*d = DateOf(v)
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
