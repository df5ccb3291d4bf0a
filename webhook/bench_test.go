package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/portkit/portkit/internal/backends"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// benchReceiver counts the deliveries it gets and the delay of each from
// its event's time (the write's) to its arrival.
type benchReceiver struct {
	srv *httptest.Server

	mu     sync.Mutex
	n      int
	delays []time.Duration
	full   chan struct{} // closed once want deliveries arrived
	want   int
}

func newBenchReceiver(b *testing.B, want int) *benchReceiver {
	rc := &benchReceiver{full: make(chan struct{}), want: want}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		arrived := time.Now()
		var m struct {
			Timestamp time.Time `json:"timestamp"`
		}
		_ = json.Unmarshal(body, &m)
		rc.mu.Lock()
		rc.n++
		rc.delays = append(rc.delays, arrived.Sub(m.Timestamp))
		if rc.n == rc.want {
			close(rc.full)
		}
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	b.Cleanup(rc.srv.Close)
	return rc
}

// benchWorld is a Service on a backend's store, on the system clock,
// with receivers subscribed to every event of one account.
func benchWorld(b *testing.B, be backends.Backend, receivers, want int) (*porting.Service, porting.Store, []*benchReceiver) {
	store := be.Open(b)
	svc := porting.NewService(store, porting.Options{Logger: quiet, MaxSubscriptions: 100})
	sys := porting.AsSystem(context.Background())
	if err := svc.PutAccount(sys, porting.Account{ID: "acct", Name: "Account", PortAuthority: true}); err != nil {
		b.Fatal(err)
	}
	var rcs []*benchReceiver
	for range receivers {
		rc := newBenchReceiver(b, want)
		if _, err := svc.CreateSubscription(sys, "acct", porting.SubscriptionInput{URL: rc.srv.URL, Enabled: true}); err != nil {
			b.Fatal(err)
		}
		rcs = append(rcs, rc)
	}
	return svc, store, rcs
}

// writeComments writes n comment events, per of them in each write,
// spread over requests (each holds at most 2,000 comments).
func writeComments(b *testing.B, svc *porting.Service, n, per int) {
	ctx := porting.WithActor(context.Background(), porting.Actor{AccountID: "acct", Name: "bench"})
	var req string
	inReq := 0
	for written, i := 0, 0; written < n; i++ {
		if req == "" || inReq+per > porting.DefaultMaxComments {
			r, err := svc.Create(ctx, "acct", porting.RequestInput{Name: "bench",
				Numbers: []porting.NumberInput{{Raw: fmt.Sprintf("+1202555%04d", i%10000)}}})
			if err != nil {
				b.Fatal(err)
			}
			req, inReq = r.ID, 0
			written++ // its created event
			continue
		}
		k := min(per, n-written)
		ins := make([]porting.CommentInput, k)
		for j := range ins {
			ins[j] = porting.CommentInput{Body: "comment"}
		}
		if _, _, err := svc.AddComments(ctx, req, 0, ins); err != nil {
			b.Fatal(err)
		}
		written += k
		inReq += k
	}
}

// runDispatcher runs a dispatcher until the benchmark ends.
func runDispatcher(b *testing.B, svc *porting.Service, store porting.Store) {
	d := webhook.New(svc, store.(porting.SubscriptionStore), webhook.Options{AllowPrivate: true, Logger: quiet, Poll: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = d.Run(ctx); close(done) }()
	b.Cleanup(func() { cancel(); <-done })
}

// BenchmarkDelivery measures delivered events per second: b.N events are
// in the log when the dispatcher starts, and the clock stops once every
// receiver has them all (1 receiver, then 50, each its own
// subscription and endpoint on loopback).
func BenchmarkDelivery(b *testing.B) {
	for _, be := range backends.All() {
		for _, n := range []int{1, 50} {
			b.Run(fmt.Sprintf("%s/receivers=%d", be.Name, n), func(b *testing.B) {
				svc, store, rcs := benchWorld(b, be, n, b.N)
				writeComments(b, svc, b.N, 100)
				b.ResetTimer()
				start := time.Now()
				runDispatcher(b, svc, store)
				for _, rc := range rcs {
					<-rc.full
				}
				elapsed := time.Since(start)
				b.StopTimer()
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
				b.ReportMetric(float64(b.N*n)/elapsed.Seconds(), "deliveries/s")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// BenchmarkCommitToDelivery measures the delay from a write (its event's
// time) to the arrival of its message at every receiver, one write at a
// time: each of the b.N writes waits until its message has arrived
// everywhere. It reports p50 and p99 in milliseconds.
func BenchmarkCommitToDelivery(b *testing.B) {
	for _, be := range backends.All() {
		for _, n := range []int{1, 50} {
			b.Run(fmt.Sprintf("%s/receivers=%d", be.Name, n), func(b *testing.B) {
				svc, store, rcs := benchWorld(b, be, n, b.N+1)
				runDispatcher(b, svc, store)
				ctx := porting.WithActor(context.Background(), porting.Actor{AccountID: "acct", Name: "bench"})
				r, err := svc.Create(ctx, "acct", porting.RequestInput{Name: "bench", Numbers: []porting.NumberInput{{Raw: "+12025550100"}}})
				if err != nil {
					b.Fatal(err)
				}
				waitAll := func(want int) {
					for _, rc := range rcs {
						for {
							rc.mu.Lock()
							got := rc.n
							rc.mu.Unlock()
							if got >= want {
								break
							}
							time.Sleep(20 * time.Microsecond)
						}
					}
				}
				waitAll(1)
				b.ResetTimer()
				for i := range b.N {
					if i > 0 && i%porting.DefaultMaxComments == 0 {
						b.StopTimer()
						r, err = svc.Create(ctx, "acct", porting.RequestInput{Name: "bench",
							Numbers: []porting.NumberInput{{Raw: fmt.Sprintf("+1202555%04d", 101+i/porting.DefaultMaxComments)}}})
						if err != nil {
							b.Fatal(err)
						}
						waitAll(i + 2 + i/porting.DefaultMaxComments - 1)
						b.StartTimer()
					}
					if _, _, err := svc.AddComments(ctx, r.ID, 0, []porting.CommentInput{{Body: "comment"}}); err != nil {
						b.Fatal(err)
					}
					waitAll(i + 2 + i/porting.DefaultMaxComments)
				}
				b.StopTimer()
				var all []time.Duration
				for _, rc := range rcs {
					rc.mu.Lock()
					all = append(all, rc.delays[1:]...)
					rc.mu.Unlock()
				}
				slices.Sort(all)
				b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}
