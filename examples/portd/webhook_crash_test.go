package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/internal/backends"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// The webhook crash test's knobs.
const (
	hookCrashCycles   = 8
	hookCrashWorkers  = 4
	hookCrashMinLoad  = 200 * time.Millisecond
	hookCrashMaxLoad  = 700 * time.Millisecond
	hookCrashFailRate = 10 // percent of deliveries the receiver answers 500
	// hookCrashSchedule keeps retries quick: the receiver's failures must
	// not outlast the test.
	hookCrashSchedule = "20ms,50ms,100ms,200ms,300ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms"
	// hookCrashLease is how soon a restarted portd, or the other one,
	// takes over the streams a killed portd delivered.
	hookCrashLease = 1500 * time.Millisecond
)

// hookArrival is one delivery as the receiver got it.
type hookArrival struct {
	sub      string // the subscription, from the URL path
	id       string // webhook-id
	verified bool
	msg      porting.Message
	accepted bool // answered 2xx
}

// hookReceiver is the endpoint of every subscription of the test, on
// loopback: it verifies each delivery's signature with its
// subscription's secret, answers 500 to some at random, and keeps them
// all in order of arrival.
type hookReceiver struct {
	srv *httptest.Server

	mu       sync.Mutex
	rng      *mrand.Rand
	secrets  map[string]string // subscription name -> secret
	arrivals []hookArrival
	last     time.Time // of the last arrival
}

func newHookReceiver(t *testing.T, seed uint64) *hookReceiver {
	rc := &hookReceiver{rng: mrand.New(mrand.NewPCG(seed, 1)), secrets: map[string]string{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *hookReceiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // portd was killed mid-delivery
	}
	sub := strings.TrimPrefix(r.URL.Path, "/hook/")
	rc.mu.Lock()
	defer rc.mu.Unlock()
	a := hookArrival{sub: sub, id: r.Header.Get("webhook-id")}
	a.verified = webhook.Verify(rc.secrets[sub], r.Header, body) == nil
	_ = json.Unmarshal(body, &a.msg)
	a.accepted = rc.rng.IntN(100) >= hookCrashFailRate
	rc.arrivals = append(rc.arrivals, a)
	rc.last = time.Now()
	if !a.accepted {
		w.WriteHeader(http.StatusInternalServerError)
	}
}

func (rc *hookReceiver) snapshot() ([]hookArrival, time.Time) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.arrivals), rc.last
}

// TestWebhookCrash runs portd as a process of its own (see TestMain) with
// webhooks to a receiver on loopback that fails a tenth of them, loads it
// with creates, transitions and comments, and kills it with SIGKILL at
// random moments, restarting it on the same data each time. On a store
// several processes share (PostgreSQL), two portd run at once, the load
// is split across them and each cycle kills one: the lease of each
// subscription makes one of them deliver it at a time, and the other
// takes over when that one dies. After the last restart, once delivery is
// quiet, the test opens the store in-process and requires, for every
// subscription: every event of the log it wants was delivered (answered
// 2xx) at least once, with a valid signature; an event came only ever
// with its own webhook-id; and no message of a request arrived before an
// earlier message of that request had been accepted (per-request order,
// which two processes delivering one subscription at once would break).
func TestWebhookCrash(t *testing.T) {
	for _, be := range backends.Durable() {
		instances := 1
		if be.Shared {
			instances = 2
		}
		t.Run(be.Name, func(t *testing.T) { testWebhookCrash(t, be.Durable(t), instances) })
	}
}

func testWebhookCrash(t *testing.T, place backends.Place, instances int) {
	started := time.Now()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PORTD_CRASH_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, "PORTD_CRASH_SEED")
	}
	t.Logf("webhook crash: seed=%d (PORTD_CRASH_SEED=%d replays it), %d portd", seed, seed, instances)
	rng := mrand.New(mrand.NewPCG(seed, 0))
	rc := newHookReceiver(t, seed)
	bin := portdBinary(t)
	flags := append(slices.Clone(place.Flags), "-webhooks-allow-private", "-webhook-poll", "100ms",
		"-webhook-schedule", hookCrashSchedule, "-webhook-lease", hookCrashLease.String())

	ps := make([]*portdProc, instances)
	for i := range ps {
		ps[i] = startPortd(t, bin, flags)
	}
	p := ps[0]
	account := p.account // the same in every portd of the place
	// Three subscriptions: every event, transitions only, comments only.
	for name, types := range map[string][]string{"all": nil, "transitions": {"port_request.transitioned"}, "comments": {"comment.added"}} {
		body, _ := json.Marshal(map[string]any{"data": map[string]any{"url": rc.srv.URL + "/hook/" + name, "event_types": types}})
		res, err := p.do("PUT", "/v2/accounts/"+account+"/port_webhooks", map[string]string{"X-Auth-Token": p.token}, body)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, res.status, "%s", res)
		var env crashEnvelope
		require.NoError(t, json.Unmarshal(res.body, &env))
		var hook struct{ Secret string }
		require.NoError(t, json.Unmarshal(env.Data, &hook))
		rc.mu.Lock()
		rc.secrets[name] = hook.Secret
		rc.mu.Unlock()
	}

	var numbers atomic.Int64
	writes := 0
	for cycle := 1; cycle <= hookCrashCycles; cycle++ {
		load := hookCrashMinLoad + time.Duration(rng.Int64N(int64(hookCrashMaxLoad-hookCrashMinLoad)))
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var done atomic.Int64
		for w := range hookCrashWorkers {
			wrng := mrand.New(mrand.NewPCG(seed, uint64(cycle*100+w)))
			wp := ps[w%len(ps)]
			wg.Add(1)
			go func() {
				defer wg.Done()
				done.Add(int64(hookLoad(wp, wrng, &numbers, stop)))
			}()
		}
		time.Sleep(load)
		victim := rng.IntN(len(ps))
		require.NoError(t, ps[victim].kill())
		close(stop)
		wg.Wait()
		require.True(t, ps[victim].killedBySignal(), "portd was killed by SIGKILL: %v\n%s", ps[victim].waitErr, ps[victim].logs)
		writes += int(done.Load())
		ps[victim] = startPortd(t, bin, flags)
		require.Equal(t, account, ps[victim].account)
	}

	// Quiet: nothing pending, and nothing arriving for a while.
	deadline := time.Now().Add(30 * time.Second)
	for {
		require.True(t, time.Now().Before(deadline), "delivery never went quiet\n%s", ps[0].logs)
		_, last := rc.snapshot()
		if time.Since(last) > 1500*time.Millisecond && hookPending(t, ps[0]) == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, q := range ps {
		require.NoError(t, q.kill())
	}
	arrivals, _ := rc.snapshot()
	checked, dups := hookCheck(t, place, arrivals)
	t.Logf("webhook crash: %d cycles, %d portd, %d acknowledged writes, %d arrivals (%d answered 500), %d event deliveries checked, %d delivered again (same webhook-id), %v",
		hookCrashCycles, instances, writes, len(arrivals), countRefused(arrivals), checked, dups, time.Since(started).Round(time.Millisecond))
}

func countRefused(as []hookArrival) int {
	n := 0
	for _, a := range as {
		if !a.accepted {
			n++
		}
	}
	return n
}

// hookPending counts the pending deliveries of every webhook of the
// master account.
func hookPending(t *testing.T, p *portdProc) int {
	t.Helper()
	h := map[string]string{"X-Auth-Token": p.token}
	res, err := p.do("GET", "/v2/accounts/"+p.account+"/port_webhooks", h, nil)
	require.NoError(t, err)
	var env crashEnvelope
	require.NoError(t, json.Unmarshal(res.body, &env))
	var hooks []struct{ ID string }
	require.NoError(t, json.Unmarshal(env.Data, &hooks))
	n := 0
	for _, hk := range hooks {
		res, err := p.do("GET", "/v2/accounts/"+p.account+"/port_webhooks/"+hk.ID+"/deliveries?status=pending", h, nil)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(res.body, &env))
		var ds []json.RawMessage
		require.NoError(t, json.Unmarshal(env.Data, &ds))
		n += len(ds)
	}
	return n
}

// hookLoad writes until stop or until portd goes away: creates requests,
// moves them, comments on them. It returns how many writes were
// acknowledged.
func hookLoad(p *portdProc, rng *mrand.Rand, numbers *atomic.Int64, stop <-chan struct{}) int {
	acked := 0
	var mine []string
	ok := func(res crashResult, err error, code int) bool {
		if err == nil && res.status == code {
			acked++
			return true
		}
		return false
	}
	for {
		select {
		case <-stop:
			return acked
		default:
		}
		switch {
		case len(mine) == 0 || rng.IntN(4) == 0:
			n := numbers.Add(1)
			body := fmt.Appendf(nil, `{"data":{"name":"hook %d","numbers":{"+1202%03d%04d":{}}}}`, n, 560+n/10000, n%10000)
			res, err := p.kazoo("PUT", "", 0, "application/json", body)
			if err != nil {
				return acked
			}
			if ok(res, err, http.StatusCreated) {
				var env crashEnvelope
				var rep crashRep
				if json.Unmarshal(res.body, &env) == nil && json.Unmarshal(env.Data, &rep) == nil {
					mine = append(mine, rep.ID)
				}
			}
		case rng.IntN(2) == 0:
			id := mine[rng.IntN(len(mine))]
			body := fmt.Appendf(nil, `{"data":{"content":"note %x","is_private":%t}}`, rng.Uint32(), rng.IntN(3) == 0)
			res, err := p.kazoo("PUT", "/"+id+"/comments", 0, "application/json", body)
			if err != nil {
				return acked
			}
			ok(res, err, http.StatusCreated)
		default:
			id := mine[rng.IntN(len(mine))]
			to := []string{"submitted", "pending", "rejected", "canceled", "submitted"}[rng.IntN(5)]
			res, err := p.kazoo("PATCH", "/"+id+"/"+to, 0, "", nil)
			if err != nil {
				return acked
			}
			ok(res, err, http.StatusOK) // a move the lifecycle refuses is fine
		}
	}
}

// hookCheck checks the arrivals against the event log of the killed
// portd's store, and returns how many event deliveries it checked and
// how many were accepted more than once.
func hookCheck(t *testing.T, place backends.Place, arrivals []hookArrival) (checked, dups int) {
	store, err := place.Open()
	require.NoError(t, err)
	defer func() { require.NoError(t, store.Close()) }()
	svc := porting.NewService(store, porting.Options{})
	ctx := porting.AsSystem(context.Background())
	subs, err := svc.Subscriptions(ctx, "")
	require.NoError(t, err)
	require.Len(t, subs, 3)
	var events []porting.Event
	for after := uint64(0); ; {
		es, err := svc.Events(ctx, after, 1000)
		require.NoError(t, err)
		if len(es) == 0 {
			break
		}
		events = append(events, es...)
		after = es[len(es)-1].Seq
	}
	require.NotEmpty(t, events)

	for _, sub := range subs {
		name := strings.TrimPrefix(sub.URL[strings.LastIndex(sub.URL, "/hook/"):], "/hook/")
		// What the subscription wants, by the rule.
		want := map[string]porting.Event{} // by event ID
		var order []porting.Event
		for _, e := range events {
			sees, err := svc.Sees(ctx, sub.AccountID, e)
			require.NoError(t, err)
			if sub.Wants(e.Type, e.AccountPath) && sees {
				want[e.ID] = e
				order = append(order, e)
			}
		}
		require.NotEmpty(t, want, "subscription %s wants some events", name)

		accepted := map[string]bool{} // event ID -> accepted at least once
		for i, a := range arrivals {
			if a.sub != name {
				continue
			}
			require.True(t, a.verified, "%s: arrival %d has a bad signature", name, i)
			require.Equal(t, a.msg.ID, a.id, "%s: arrival %d: webhook-id is the message's", name, i)
			e, ok := want[a.msg.ID]
			require.True(t, ok, "%s: arrival %d (%s %s) is not an event it wants", name, i, a.msg.Type, a.msg.ID)
			require.Equal(t, e.Seq, a.msg.Data.Seq, "%s: event %s came with another event's data", name, e.ID)
			// Per-request order: every earlier event of the request was
			// accepted before this one arrived.
			for _, prev := range order {
				if prev.Seq >= e.Seq {
					break
				}
				if prev.RequestID == e.RequestID {
					require.True(t, accepted[prev.ID], "%s: event %d of request %s arrived before event %d was delivered",
						name, e.Seq, e.RequestID, prev.Seq)
				}
			}
			if a.accepted {
				if accepted[a.msg.ID] {
					dups++
				}
				accepted[a.msg.ID] = true
			}
		}
		for _, e := range order {
			require.True(t, accepted[e.ID], "%s: event %d (%s of %s) was never delivered", name, e.Seq, e.Type, e.RequestID)
			checked++
		}
	}
	return checked, dups
}
