package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/memory"
)

// Of processes sharing a store, one at a time runs what is leased: two
// runners of one stream never run it at once, and when the one running
// it stops, the other takes over within a lease's time.
func TestLeasedRunsOneAtATime(t *testing.T) {
	store := memory.New()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	const ttl = 300 * time.Millisecond
	var running, overlaps atomic.Int32
	ran := map[string]*atomic.Int32{"a": {}, "b": {}}
	job := func(holder string) func(context.Context) {
		return func(ctx context.Context) {
			if running.Add(1) > 1 {
				overlaps.Add(1)
			}
			ran[holder].Add(1)
			<-ctx.Done()
			running.Add(-1)
		}
	}
	ctxA, stopA := context.WithCancel(t.Context())
	ctxB, stopB := context.WithCancel(t.Context())
	defer stopB()
	var wg sync.WaitGroup
	for holder, ctx := range map[string]context.Context{"a": ctxA, "b": ctxB} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			leased(ctx, store, porting.SystemStream("job"), holder, ttl, quiet, job(holder))
		}()
	}
	require.Eventually(t, func() bool { return running.Load() == 1 }, 2*time.Second, 10*time.Millisecond)
	time.Sleep(2 * ttl) // renewals keep it where it is
	first := "a"
	if ran["b"].Load() > 0 {
		first = "b"
	}
	require.EqualValues(t, 1, ran[first].Load(), "the holder keeps running it across renewals")
	if first == "a" {
		stopA()
	} else {
		stopB()
	}
	other := map[string]string{"a": "b", "b": "a"}[first]
	require.Eventually(t, func() bool { return ran[other].Load() == 1 && running.Load() == 1 }, 2*ttl, 10*time.Millisecond,
		"the other takes over once the first lets go")
	stopA()
	stopB()
	wg.Wait()
	require.Zero(t, overlaps.Load(), "never two at once")
}

// stallingStore answers AcquireLease until told to stall, then blocks
// until the caller's context ends: a database that stopped answering.
type stallingStore struct {
	*memory.Store
	stall atomic.Bool
}

func (s *stallingStore) AcquireLease(ctx context.Context, stream, holder string, now, until time.Time) (porting.Lease, error) {
	if s.stall.Load() {
		<-ctx.Done()
		return porting.Lease{}, ctx.Err()
	}
	return s.Store.AcquireLease(ctx, stream, holder, now, until)
}

// When renewals go unanswered, what is leased stops before the lease runs
// out, so that another process taking it over then never runs alongside.
func TestLeasedStopsBeforeTheLeaseRunsOut(t *testing.T) {
	store := &stallingStore{Store: memory.New()}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	const ttl = 1200 * time.Millisecond
	started := make(chan time.Time, 1)
	stopped := make(chan time.Time, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go leased(ctx, store, porting.SystemStream("job"), "a", ttl, quiet, func(ctx context.Context) {
		select {
		case started <- time.Now():
		default:
		}
		store.stall.Store(true) // every renewal from now on hangs
		<-ctx.Done()
		select {
		case stopped <- time.Now():
		default:
		}
	})
	begun := <-started
	select {
	case end := <-stopped:
		require.Less(t, end.Sub(begun), ttl, "stopped before the lease taken at the start ran out")
	case <-time.After(3 * ttl):
		t.Fatal("still running though its lease was never renewed")
	}
}
