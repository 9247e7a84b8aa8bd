package invoice

import (
	"errors"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/o2c"
	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/ecb"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/us"
)

// BusinessCalendar tells which days are business days (days on which a
// payment can be made and is expected). It is the only thing the due-date
// engine needs from a calendar; implement it over your own company calendar,
// or use [CalBusinessCalendar] and the ready-made national calendars.
//
// Implementations must be safe for concurrent use if the caller shares them
// between goroutines; the ones in this package are.
type BusinessCalendar interface {
	IsBusinessDay(d o2c.Date) bool
}

// BusinessCalendarFunc adapts a function to [BusinessCalendar].
type BusinessCalendarFunc func(d o2c.Date) bool

// IsBusinessDay calls f(d). A nil f treats Monday to Friday as business days.
func (f BusinessCalendarFunc) IsBusinessDay(d o2c.Date) bool {
	if f == nil {
		return isWeekday(d)
	}
	return f(d)
}

func isWeekday(d o2c.Date) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// CalBusinessCalendar adapts a *cal.BusinessCalendar from
// github.com/rickar/cal/v2 to [BusinessCalendar]: a day is a business day
// when cal reports it as a workday (its workdays, minus the observed dates
// of its holidays). The zero value (nil Calendar) treats Monday to Friday as
// business days with no holidays.
//
// Add holidays to Calendar before sharing it between goroutines (regional
// days such as Good Friday in Alsace-Moselle, a company's closing days);
// cal's calendars are read-only afterwards.
type CalBusinessCalendar struct {
	Calendar *cal.BusinessCalendar
}

// IsBusinessDay reports whether d is a workday of the wrapped calendar.
func (c CalBusinessCalendar) IsBusinessDay(d o2c.Date) bool {
	if c.Calendar == nil {
		return isWeekday(d)
	}
	// cal compares the holiday's year, month and day with the date's, so
	// midnight UTC names the civil date unambiguously.
	return c.Calendar.IsWorkday(d.Time())
}

func newCalCalendar(name string, holidays []*cal.Holiday) CalBusinessCalendar {
	bc := cal.NewBusinessCalendar() // Monday to Friday
	bc.Name = name
	bc.AddHoliday(holidays...)
	return CalBusinessCalendar{Calendar: bc}
}

// FrenchBusinessCalendar returns a new calendar of business days in
// metropolitan France: Monday to Friday minus the eleven national public
// holidays (jours fériés: 1 January, Easter Monday, 1 May, 8 May, Ascension,
// Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December).
// Whit Monday counts as a holiday although many firms work it (journée de
// solidarité); Good Friday and 26 December (Alsace-Moselle only) do not.
func FrenchBusinessCalendar() CalBusinessCalendar {
	return newCalCalendar("FR", fr.Holidays)
}

// GermanBusinessCalendar returns a new calendar of business days in
// Germany: Monday to Friday minus the nine nationwide public holidays (New
// Year, Good Friday, Easter Monday, 1 May, Ascension, Whit Monday, 3
// October, 25 and 26 December). Holidays of single Länder are not included.
func GermanBusinessCalendar() CalBusinessCalendar {
	return newCalCalendar("DE", de.Holidays)
}

// UKBusinessCalendar returns a new calendar of business days in England and
// Wales: Monday to Friday minus the bank holidays, with their substitute
// days when a holiday falls on a weekend (Christmas on a Saturday is
// observed the following Monday). Scottish and Northern Irish holidays are
// not included.
func UKBusinessCalendar() CalBusinessCalendar {
	return newCalCalendar("GB", gb.Holidays)
}

// USBusinessCalendar returns a new calendar of business days in the United
// States: Monday to Friday minus the eleven federal holidays, on their
// observed dates (a Saturday holiday is observed the Friday before, a
// Sunday one the Monday after).
func USBusinessCalendar() CalBusinessCalendar {
	return newCalCalendar("US", us.Holidays)
}

// TARGETBusinessCalendar returns a new calendar of TARGET2 settlement days,
// the days on which euro payments settle between banks: Monday to Friday
// minus 1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December.
func TARGETBusinessCalendar() CalBusinessCalendar {
	return newCalCalendar("TARGET", ecb.Holidays)
}

// BusinessDayConvention says where a date that is not a business day moves.
// The zero value is [FollowingBusinessDay].
type BusinessDayConvention uint8

const (
	// FollowingBusinessDay moves to the next business day.
	FollowingBusinessDay BusinessDayConvention = iota
	// PrecedingBusinessDay moves to the previous business day.
	PrecedingBusinessDay
	// ModifiedFollowingBusinessDay moves to the next business day unless
	// that is in the next month, in which case it moves to the previous
	// business day: an end-of-month due date stays in its month.
	ModifiedFollowingBusinessDay
)

var conventionNames = [...]string{"following", "preceding", "modified_following"}

// String returns "following", "preceding" or "modified_following".
func (c BusinessDayConvention) String() string {
	if int(c) < len(conventionNames) {
		return conventionNames[c]
	}
	return fmt.Sprintf("BusinessDayConvention(%d)", uint8(c))
}

// MarshalText implements encoding.TextMarshaler; an unknown convention is
// an error.
func (c BusinessDayConvention) MarshalText() ([]byte, error) {
	if int(c) >= len(conventionNames) {
		return nil, &o2c.ValidationError{Field: "convention", Rule: "must be following, preceding or modified_following", Value: c.String()}
	}
	return []byte(conventionNames[c]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler for the names String
// returns.
func (c *BusinessDayConvention) UnmarshalText(b []byte) error {
	for i, n := range conventionNames {
		if n == string(b) {
			*c = BusinessDayConvention(i)
			return nil
		}
	}
	return &o2c.ValidationError{Field: "convention", Rule: "must be following, preceding or modified_following", Value: string(b)}
}

// DefaultMaxShiftDays is how far [BusinessDayShift] looks for a business
// day when its MaxDays is zero. The national calendars in this package
// have runs of at most four non-business days (Easter, Christmas on a
// weekend with substitute days), far below it.
const DefaultMaxShiftDays = 10

// ErrNoBusinessDay reports that a calendar has no business day within the
// distance a [BusinessDayShift] may move a date. It comes wrapped in a
// *o2c.ValidationError naming the calendar.
var ErrNoBusinessDay = errors.New("invoice: no business day within the shift limit")

// BusinessDayShift moves a due date that falls on a non-business day. The
// zero value (nil Calendar) moves nothing, so it can be passed wherever no
// shift is wanted.
type BusinessDayShift struct {
	// Calendar decides which days are business days; nil means no shift.
	Calendar BusinessCalendar
	// Convention says which way to move; the zero value moves forward.
	Convention BusinessDayConvention
	// MaxDays bounds the move, in calendar days; zero means
	// [DefaultMaxShiftDays]. A date that would move further is an error
	// wrapping [ErrNoBusinessDay], never a silent far-away date.
	MaxDays int
}

// Apply returns d if it is a business day (or if s has no calendar),
// otherwise the business day the convention names.
func (s BusinessDayShift) Apply(d o2c.Date) (o2c.Date, error) {
	if d.IsZero() {
		return o2c.Date{}, &o2c.ValidationError{Field: "date", Rule: "is required"}
	}
	if s.Calendar == nil || s.Calendar.IsBusinessDay(d) {
		return d, nil
	}
	limit := s.MaxDays
	if limit == 0 {
		limit = DefaultMaxShiftDays
	}
	if limit < 0 {
		return o2c.Date{}, &o2c.ValidationError{Field: "max_days", Rule: "must not be negative", Value: fmt.Sprint(s.MaxDays)}
	}
	switch s.Convention {
	case FollowingBusinessDay:
		return s.seek(d, 1, limit)
	case PrecedingBusinessDay:
		return s.seek(d, -1, limit)
	case ModifiedFollowingBusinessDay:
		next, err := s.seek(d, 1, limit)
		if err == nil && next.Month() == d.Month() {
			return next, nil
		}
		prev, perr := s.seek(d, -1, limit)
		if perr == nil && prev.Month() == d.Month() {
			return prev, nil
		}
		// Neither stays in the month (a month without business days):
		// fall back to the following business day if there is one.
		if err == nil {
			return next, nil
		}
		return o2c.Date{}, err
	default:
		return o2c.Date{}, &o2c.ValidationError{Field: "convention", Rule: "must be following, preceding or modified_following", Value: s.Convention.String()}
	}
}

func (s BusinessDayShift) seek(d o2c.Date, step, limit int) (o2c.Date, error) {
	for i := 1; i <= limit; i++ {
		c := d.AddDays(step * i)
		if s.Calendar.IsBusinessDay(c) {
			return c, nil
		}
	}
	dir := "after"
	if step < 0 {
		dir = "before"
	}
	return o2c.Date{}, &o2c.ValidationError{
		Field: "calendar",
		Rule:  fmt.Sprintf("has no business day within %d days %s the date", limit, dir),
		Value: d.String(),
		Err:   ErrNoBusinessDay,
	}
}
