package porting

import "time"

// Clock tells the time. The default is the system clock; tests inject a
// fixed one (see portingtest).
type Clock interface {
	// Now returns the current time.
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now().UTC() }

// Timer is an optional Clock capability, in the manner of
// database/sql/driver's optional interfaces: a clock that also says when
// a duration has passed on it. The waits of WatchEvents (its backoff) and
// of package webhook (its retry schedule) run on the Clock when it is a
// Timer, so a test clock that moves only when told drives them too (see
// portingtest.Clock); on any other Clock they wait in real time.
type Timer interface {
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// After returns a channel that receives once d has passed on c: c's own
// timer when c is a Timer, else the system's.
func After(c Clock, d time.Duration) <-chan time.Time {
	if t, ok := c.(Timer); ok {
		return t.After(d)
	}
	return time.After(d)
}

// Backoff is an exponential backoff: Min after the first failure, twice
// that after the second, and so on up to Max.
type Backoff struct {
	Min, Max time.Duration
}

// Delay returns the wait after the given number of consecutive failures
// (from 1); none for 0.
func (b Backoff) Delay(failures int) time.Duration {
	if failures <= 0 || b.Min <= 0 {
		return 0
	}
	d := b.Min
	for i := 1; i < failures && d < b.Max; i++ {
		d *= 2
	}
	if b.Max > 0 && d > b.Max {
		d = b.Max
	}
	return d
}
