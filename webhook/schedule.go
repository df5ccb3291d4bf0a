package webhook

import "time"

// DefaultSchedule is the retry schedule: the waits after each failed
// attempt, growing about fivefold and then doubling, for a day (eleven
// attempts over 23 hours 42 minutes). A delivery that still fails after
// the last is kept as failed, and may be replayed.
var DefaultSchedule = []time.Duration{
	5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 8 * time.Hour,
}

// DefaultJitter spreads each wait of the schedule by up to a fifth either
// way, so that the deliveries a dead endpoint failed together are not all
// tried again at the same moment.
const DefaultJitter = 0.2

// Exponential returns a schedule of n waits: first, then each factor
// times the one before, capped at max (0: no cap).
func Exponential(first time.Duration, factor float64, max time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	d := float64(first)
	for i := range out {
		out[i] = time.Duration(d)
		if max > 0 && out[i] > max {
			out[i] = max
		}
		d *= factor
	}
	return out
}

// retryAfter returns the wait after a delivery's tries-th failed attempt
// (from 1), spread by jitter with r in [0, 1); false once the schedule is
// over.
func retryAfter(schedule []time.Duration, tries int, jitter, r float64) (time.Duration, bool) {
	if tries < 1 || tries > len(schedule) {
		return 0, false
	}
	d := float64(schedule[tries-1])
	return time.Duration(d * (1 + jitter*(2*r-1))), true
}
