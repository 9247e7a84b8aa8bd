package o2c_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/o2c"
)

var (
	_ o2c.Clock = o2c.SystemClock{}
	_ o2c.Clock = o2c.ClockFunc(nil)
	_ o2c.Clock = (*o2c.ManualClock)(nil)
)

func TestSystemClock(t *testing.T) {
	before := time.Now()
	now := o2c.SystemClock{}.Now()
	after := time.Now()
	assert.Equal(t, time.UTC, now.Location())
	assert.False(t, now.Before(before.Truncate(time.Microsecond)))
	assert.False(t, now.After(after))
}

func TestClockOrSystem(t *testing.T) {
	assert.Equal(t, o2c.SystemClock{}, o2c.ClockOrSystem(nil))
	c := o2c.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	assert.Same(t, c, o2c.ClockOrSystem(c))
}

func TestClockFunc(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, paris)
	c := o2c.ClockFunc(func() time.Time { return at })
	assert.Equal(t, time.UTC, c.Now().Location())
	assert.True(t, c.Now().Equal(at))
	assert.Equal(t, 9, c.Now().Hour())
}

func TestManualClock(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	start := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
	c := o2c.NewManualClock(start.In(paris))

	assert.Equal(t, start, c.Now(), "stored in UTC")
	assert.Equal(t, time.UTC, c.Now().Location())
	assert.Equal(t, start, c.Now(), "does not move by itself")

	got := c.Advance(45 * time.Minute)
	assert.Equal(t, start.Add(45*time.Minute), got)
	assert.Equal(t, got, c.Now())

	got = c.Advance(-2 * time.Hour)
	assert.Equal(t, start.Add(-75*time.Minute), got)

	c.Set(time.Date(2027, 2, 28, 12, 0, 0, 0, paris))
	assert.Equal(t, time.Date(2027, 2, 28, 11, 0, 0, 0, time.UTC), c.Now())
	assert.Equal(t, time.UTC, c.Now().Location())

	var zero o2c.ManualClock
	assert.True(t, zero.Now().IsZero(), "the zero ManualClock is usable")
	assert.Equal(t, time.Date(1, 1, 1, 1, 0, 0, 0, time.UTC), zero.Advance(time.Hour))
}

func TestManualClockConcurrent(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := o2c.NewManualClock(start)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.Advance(time.Second)
				_ = c.Now()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, start.Add(400*time.Second), c.Now())
}

func TestToday(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	honolulu, err := time.LoadLocation("Pacific/Honolulu")
	require.NoError(t, err)

	c := o2c.NewManualClock(time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC))
	assert.Equal(t, o2c.MustDate(2026, time.November, 23), o2c.Today(c, nil))
	assert.Equal(t, o2c.MustDate(2026, time.November, 23), o2c.Today(c, time.UTC))
	assert.Equal(t, o2c.MustDate(2026, time.November, 24), o2c.Today(c, paris))
	assert.Equal(t, o2c.MustDate(2026, time.November, 24), o2c.Today(c, tokyo))

	c.Set(time.Date(2026, 12, 31, 0, 30, 0, 0, time.UTC))
	assert.Equal(t, o2c.MustDate(2026, time.December, 30), o2c.Today(c, honolulu))
	c.Advance(24 * time.Hour)
	assert.Equal(t, o2c.MustDate(2027, time.January, 1), o2c.Today(c, nil))

	// A nil clock is the system clock.
	before := o2c.DateOf(time.Now().UTC())
	today := o2c.Today(nil, nil)
	after := o2c.DateOf(time.Now().UTC())
	assert.False(t, today.Before(before))
	assert.False(t, today.After(after))
}
