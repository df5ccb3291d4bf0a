package portingtest_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting/portingtest"
)

// Every function runs at once (each waits for all the others to arrive),
// and the results come back in order.
func TestRaceRunsAllAtOnceAndKeepsOrder(t *testing.T) {
	const n = 16
	var arrived sync.WaitGroup
	arrived.Add(n)
	got := portingtest.Race(n, func(i int) int {
		arrived.Done()
		done := make(chan struct{})
		go func() { arrived.Wait(); close(done) }()
		select {
		case <-done:
			return i * i
		case <-time.After(10 * time.Second):
			return -1 // not all running together
		}
	})
	want := make([]int, n)
	for i := range want {
		want[i] = i * i
	}
	require.Equal(t, want, got)
}
