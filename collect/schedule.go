package collect

import (
	"time"

	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/o2c"
)

// CutOff is a bank's daily cut-off for direct-debit files: a file received
// after it counts as received on the next TARGET2 business day.
type CutOff struct {
	// Hour and Minute of the cut-off, in Location (nil: UTC).
	Hour, Minute int
	Location     *time.Location
}

// received returns the TARGET2 business day a file sent at t counts as
// received on.
func (c CutOff) received(t time.Time) o2c.Date {
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	d := o2c.DateIn(t, loc)
	cut := time.Date(lt.Year(), lt.Month(), lt.Day(), c.Hour, c.Minute, 0, 0, loc)
	if !sepa.IsTARGETDay(d) || !lt.Before(cut) {
		d = nextTARGET(d.AddDays(1))
	}
	return d
}

func nextTARGET(d o2c.Date) o2c.Date {
	for !sepa.IsTARGETDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// EarliestCollectionDate returns the first collection date a file sent at
// t can ask for under the D-1 rule (Core and B2B): the file must reach the
// bank, before its cut-off, at least one TARGET2 business day before the
// collection date.
func EarliestCollectionDate(t time.Time, cut CutOff) o2c.Date {
	return nextTARGET(cut.received(t).AddDays(1))
}

// CollectionDate returns the date to collect a due line on: its due date,
// but not before the earliest date the file allows nor before the end of
// the debtor's pre-notification period (notified + noticeDays calendar
// days), moved to the next TARGET2 business day.
func CollectionDate(due, earliest, notified o2c.Date, noticeDays int) o2c.Date {
	d := due
	if earliest.After(d) {
		d = earliest
	}
	if n := notified.AddDays(noticeDays); !notified.IsZero() && n.After(d) {
		d = n
	}
	return nextTARGET(d)
}
