package badger

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// sequencer hands out event sequence numbers and knows up to which one
// every transaction has settled (committed or failed). Sequence numbers are
// taken before a transaction commits, so they can commit out of order; a
// reader that may only see an event once nothing below it is still in
// flight never skips one.
type sequencer struct {
	mu       sync.Mutex
	next     uint64
	inFlight map[uint64]struct{}
}

func newSequencer(last uint64) *sequencer {
	return &sequencer{next: last + 1, inFlight: make(map[uint64]struct{})}
}

// take returns a new sequence number, in flight until settled.
func (q *sequencer) take() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := q.next
	q.next++
	q.inFlight[n] = struct{}{}
	return n
}

// settle marks sequence numbers as committed or abandoned.
func (q *sequencer) settle(seqs []uint64) {
	if len(seqs) == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, n := range seqs {
		delete(q.inFlight, n)
	}
}

// settled returns the highest sequence number below which nothing is in
// flight.
func (q *sequencer) settled() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	upTo := q.next - 1
	for n := range q.inFlight {
		if n <= upTo {
			upTo = n - 1
		}
	}
	return upTo
}

func sprintf(f string, args ...any) string { return fmt.Sprintf(f, args...) }

// jitter returns a random duration in [d/2, d).
func jitter(d int64) int64 { return d/2 + rand.Int64N(max(d/2, 1)) }
