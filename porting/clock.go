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
