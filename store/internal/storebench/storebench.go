// Package storebench is what the store benchmarks share: the datasets'
// requests, a writer of them, and the timing of a store's operation beside
// the raw database's that does the same (store's BenchmarkBadgerVsRaw,
// store/postgres's BenchmarkStoreVsRaw).
package storebench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
)

// The datasets: requests spread over Accounts accounts under one root,
// each with NumbersPerRequest numbers in one sub request.
const (
	Accounts          = 10
	NumbersPerRequest = 10
)

// Epoch is the creation time of a dataset's first request; the i-th is
// i seconds later.
var Epoch = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// Account is the account of the i-th request.
func Account(i int) string { return fmt.Sprintf("acct%02d", i%Accounts) }

// Number is the j-th number of the i-th request.
func Number(i, j int) string { return fmt.Sprintf("+1202%07d", i*NumbersPerRequest+j) }

// Request builds the i-th request of a dataset.
func Request(i int) *porting.PortRequest {
	acct := Account(i)
	sub := porting.SubRequest{ID: fmt.Sprintf("%032x", 1<<40+i), SupportKey: fmt.Sprintf("sr_%06x", i), State: porting.StateUnconfirmed}
	r := &porting.PortRequest{
		ID: fmt.Sprintf("%032x", i+1), AccountID: acct, AccountPath: []string{"root", acct},
		SupportKey: fmt.Sprintf("pr_%06x", i), Name: fmt.Sprintf("Port request %d", i),
		State: porting.StateUnconfirmed, SubRequests: []porting.SubRequest{sub},
		Created: Epoch.Add(time.Duration(i) * time.Second), Updated: Epoch.Add(time.Duration(i) * time.Second),
	}
	for j := range NumbersPerRequest {
		e := Number(i, j)
		r.Numbers = append(r.Numbers, porting.PortNumber{
			Number:            porting.Number{Raw: e, E164: e, Valid: true, Region: "US", Type: porting.NumberTypeFixedLineOrMobile, Coverage: porting.CoverageNANPGeneric},
			PortabilityStatus: porting.PortabilityPending, SubRequestID: sub.ID,
		})
	}
	return r
}

// Write is what goes with the creation of r: its event.
func Write(r *porting.PortRequest) porting.Write {
	return porting.Write{Events: []porting.Event{{ID: r.ID, Type: porting.EventCreated, At: r.Created, RequestID: r.ID, AccountID: r.AccountID}}}
}

// fresh counts the requests the create benchmarks make.
var fresh atomic.Int64

// Fresh returns the index of a request no dataset holds (far from their
// numbers), for a benchmark that creates one.
func Fresh() int { return 500_000 + int(fresh.Add(1)) }

// Populate creates requests [0, n) in s with 8 writers.
func Populate(s porting.Store, n int) error {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				r := Request(i)
				if err := s.CreateRequest(ctx, r, Write(r)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// Paired times a store operation and its raw counterpart in each
// iteration, in alternating order (whichever runs second may wait for the
// first one's writes), and reports both, and their ratio (raw/store: the
// store's share of the raw throughput). prepare, when set, runs untimed
// before each raw operation.
func Paired(b *testing.B, store, prepare, raw func()) {
	var storeNs, rawNs time.Duration
	timed := func(f func()) time.Duration { t := time.Now(); f(); return time.Since(t) }
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if prepare != nil {
			prepare()
		}
		if i%2 == 0 {
			storeNs += timed(store)
			rawNs += timed(raw)
		} else {
			rawNs += timed(raw)
			storeNs += timed(store)
		}
	}
	b.ReportMetric(float64(storeNs.Nanoseconds())/float64(b.N), "store-ns/op")
	b.ReportMetric(float64(rawNs.Nanoseconds())/float64(b.N), "raw-ns/op")
	b.ReportMetric(float64(rawNs)/float64(storeNs), "raw/store")
}
