package o2c

import (
	"sync"
	"time"
)

// Clock tells the time. Services take one so tests and simulations can
// replace the system clock; instants are always returned in UTC.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock, in UTC.
type SystemClock struct{}

// Now returns time.Now() in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// ClockOrSystem returns c, or the system clock when c is nil. Services call
// it on their options so that the zero value works.
func ClockOrSystem(c Clock) Clock {
	if c == nil {
		return SystemClock{}
	}
	return c
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f and returns its result in UTC.
func (f ClockFunc) Now() time.Time { return f().UTC() }

// ManualClock is a clock that moves only when told to, for tests and
// simulations. It is safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a ManualClock set to t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t.UTC()} }

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t.UTC()
	c.mu.Unlock()
}

// Advance moves the clock forward by d and returns the new time.
func (c *ManualClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// Today returns the calendar date of c.Now() in loc (nil means UTC).
func Today(c Clock, loc *time.Location) Date { return DateIn(ClockOrSystem(c).Now(), loc) }
