//go:build !race

package main

// raceDetector reports whether the test binary (and so the portd it runs)
// was built with the race detector, whose own memory grows with every
// goroutine it has seen: RSS says nothing of portd's then.
const raceDetector = false
