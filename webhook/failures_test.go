package webhook_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// hangingEndpoint accepts connections and reads them, never answering.
func hangingEndpoint(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/hook"
}

// Endpoints that fail (500), answer too late, hang and redirect: each
// attempt is made at the times of the schedule on the injected clock,
// then the delivery is failed, kept with its attempts and replayable;
// meanwhile a healthy subscription gets every event at once, and a
// failing one still gets other requests' first attempts (only the
// failing request's next message waits).
func TestFailingEndpointsFollowTheSchedule(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	clock := w.f.Clock
	healthy, failing, slow, redirect, target := newReceiver(t), newReceiver(t), newReceiver(t), newReceiver(t), newReceiver(t)
	failing.setAnswer(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(strings.Repeat("overloaded ", 2000)))
	})
	slow.setAnswer(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	redirect.setAnswer(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.srv.URL+"/elsewhere", http.StatusFound)
	})
	good := w.subscribe(w.f.Customer.ID, healthy)
	bad := map[string]*porting.Subscription{
		"failing":  w.subscribe(w.f.Customer.ID, failing),
		"slow":     w.subscribe(w.f.Customer.ID, slow),
		"redirect": w.subscribe(w.f.Customer.ID, redirect),
	}
	rc := newReceiver(t) // a stand-in for the hanging endpoint's secret
	hang := w.subscribe(w.f.Customer.ID, rc, func(in *porting.SubscriptionInput) { in.URL = hangingEndpoint(t) })
	bad["hanging"] = hang

	schedule := []time.Duration{time.Minute, 10 * time.Minute, time.Hour}
	w.run(webhook.Options{Schedule: schedule, Jitter: -1, Timeout: 150 * time.Millisecond})
	t0 := clock.Now()

	r := w.f.Create(t, "+12025550101")
	_, _, err := w.f.Service.AddComments(w.f.AsCustomer(), r.ID, 0, []porting.CommentInput{{Body: "second message of r"}})
	require.NoError(t, err)
	r2 := w.f.Create(t, "+12025550102")
	waitFor(t, "the healthy endpoint gets all three", func() bool { return healthy.count() == 3 })

	// attempts returns the attempt times of each of a subscription's
	// deliveries, by request and type.
	type key struct {
		req string
		typ porting.EventType
	}
	attempts := func(sub string) map[key][]time.Time {
		out := map[key][]time.Time{}
		for _, d := range w.deliveries(sub, "") {
			var at []time.Time
			for _, a := range d.Attempts {
				at = append(at, a.At)
			}
			out[key{d.RequestID, d.EventType}] = at
		}
		return out
	}
	waitAttempts := func(n int) {
		t.Helper()
		for name, s := range bad {
			waitFor(t, name+" attempted", func() bool {
				return len(attempts(s.ID)[key{r.ID, porting.EventCreated}]) == n
			})
		}
	}
	waitAttempts(1)
	for name, s := range bad {
		waitFor(t, name+": another request attempted", func() bool {
			return len(attempts(s.ID)[key{r2.ID, porting.EventCreated}]) == 1
		})
	}
	for name, s := range bad {
		got := attempts(s.ID)
		require.Equal(t, []time.Time{t0}, got[key{r.ID, porting.EventCreated}], name)
		require.Equal(t, []time.Time{t0}, got[key{r2.ID, porting.EventCreated}], "%s: another request is not held up", name)
		require.Empty(t, got[key{r.ID, porting.EventCommentAdded}], "%s: the request's next message waits", name)
	}

	// Meanwhile the healthy subscription gets new events at once.
	_, _, err = w.f.Service.AddComments(w.f.AsCustomer(), r2.ID, 0, []porting.CommentInput{{Body: "while they fail"}})
	require.NoError(t, err)
	waitFor(t, "a new event to the healthy endpoint", func() bool { return healthy.count() == 4 })

	// The schedule, on the clock.
	at := t0
	for i, wait := range schedule {
		clock.Set(at.Add(wait - time.Second))
		time.Sleep(30 * time.Millisecond)
		for name, s := range bad {
			require.Len(t, attempts(s.ID)[key{r.ID, porting.EventCreated}], i+1, "%s: no attempt before its time", name)
		}
		at = at.Add(wait)
		clock.Set(at)
		waitAttempts(i + 2)
		for name, s := range bad {
			got := attempts(s.ID)[key{r.ID, porting.EventCreated}]
			require.Equal(t, at, got[i+1], "%s: attempt %d", name, i+2)
		}
	}
	for name, s := range bad {
		waitFor(t, name+": the request's next message, once the first is over", func() bool {
			return len(attempts(s.ID)[key{r.ID, porting.EventCommentAdded}]) == 1
		})
		var failed *porting.Delivery
		for _, d := range w.deliveries(s.ID, porting.DeliveryFailed) {
			if d.RequestID == r.ID && d.EventType == porting.EventCreated {
				failed = d
			}
		}
		require.NotNil(t, failed, "%s: kept as failed", name)
		require.Equal(t, 4, failed.AttemptCount)
		for _, a := range failed.Attempts {
			switch name {
			case "failing":
				require.Equal(t, http.StatusInternalServerError, a.StatusCode)
				require.Equal(t, "HTTP 500", a.Error)
				require.LessOrEqual(t, len(a.Response), 256, "a bounded part of the answer")
				require.True(t, strings.HasPrefix(a.Response, "overloaded"))
			case "redirect":
				require.Equal(t, http.StatusFound, a.StatusCode)
				require.Contains(t, a.Error, "not followed")
			case "slow", "hanging":
				require.Zero(t, a.StatusCode)
				require.Equal(t, "timed out", a.Error)
				require.Less(t, a.Duration, 2*time.Second)
			}
		}
	}
	require.Zero(t, target.count(), "a redirect is not followed")
	require.Len(t, w.deliveries(good.ID, porting.DeliveryDelivered), 4)

	// A failed delivery is replayed with its message ID, once the
	// endpoint works again.
	failing.setAnswer(nil)
	var failed *porting.Delivery
	for _, d := range w.deliveries(bad["failing"].ID, porting.DeliveryFailed) {
		if d.RequestID == r.ID && d.EventType == porting.EventCreated {
			failed = d
		}
	}
	require.NotNil(t, failed)
	before := failing.count()
	_, err = w.f.Service.Redeliver(as(w.f.Customer.ID), bad["failing"].ID, failed.ID)
	require.NoError(t, err)
	waitFor(t, "the replay", func() bool {
		d, err := w.f.Store.Delivery(context.Background(), bad["failing"].ID, failed.ID)
		return err == nil && d.Status == porting.DeliveryDelivered
	})
	got := failing.received()
	require.Greater(t, len(got), before)
	var sameID int
	for _, g := range got {
		if g.ID == failed.ID {
			sameID++
			require.True(t, g.Verified)
		}
	}
	require.Equal(t, 5, sameID, "every attempt and the replay carry one webhook-id")
}
