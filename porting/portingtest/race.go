package portingtest

import (
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Race runs f(0) … f(n-1) in n goroutines, released together once all
// have started, so that they contend as hard as the scheduler allows, and
// returns their results in order. Use it to test an invariant under
// concurrent writers:
//
//	errs := portingtest.Race(64, func(i int) error {
//		_, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, portingtest.Input("x", number))
//		return err
//	})
func Race[T any](n int, f func(i int) T) []T {
	out := make([]T, n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			out[i] = f(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return out
}

// RequireClaims checks the outcome of a race for numbers: client i asked
// for the numbers want[i] and won[i] says whether its request was
// accepted. No number is on two accepted requests (the store's invariant)
// and every refused client asked for a number an accepted one holds (it
// was refused for that, not for nothing). It returns which client holds
// each number.
func RequireClaims(t testing.TB, want [][]string, won []bool) map[string]int {
	t.Helper()
	holder := map[string]int{}
	for i, ok := range won {
		if !ok {
			continue
		}
		for _, n := range want[i] {
			prev, taken := holder[n]
			require.False(t, taken, "%s is on the requests of clients %d and %d", n, prev, i)
			holder[n] = i
		}
	}
	for i, ok := range won {
		if !ok {
			require.True(t, slices.ContainsFunc(want[i], func(n string) bool { _, taken := holder[n]; return taken }),
				"client %d was refused %v, which no accepted request holds", i, want[i])
		}
	}
	return holder
}
