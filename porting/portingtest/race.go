package portingtest

import "sync"

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
