package webhook_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// A change of a subscription's filter applies to the events written after
// it, at once: the worker does not read them with the filter it had
// (Poll is an hour: no look at the store on a timer helps).
func TestFilterChangeAppliesToTheNextEvent(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t)
	sub := w.subscribe(w.f.Customer.ID, rc, func(in *porting.SubscriptionInput) {
		in.EventTypes = []porting.EventType{porting.EventCreated}
	})
	w.run(webhook.Options{Poll: time.Hour})
	r := w.f.Create(t, "+12025550101")
	waitFor(t, "the creation", func() bool { return rc.count() == 1 })

	in := sub.Input()
	in.EventTypes = append(in.EventTypes, porting.EventCommentAdded)
	_, err := w.f.Service.UpdateSubscription(as(w.f.Customer.ID), sub.ID, 0, in)
	require.NoError(t, err)
	_, _, err = w.f.Service.AddComments(w.f.AsCustomer(), r.ID, 0, []porting.CommentInput{{Body: "wanted now"}})
	require.NoError(t, err)
	waitFor(t, "the comment, wanted since before it was posted", func() bool { return rc.count() == 2 })
	got := rc.received()
	require.Equal(t, porting.EventCommentAdded, got[1].Msg.Type)
	require.Equal(t, "wanted now", got[1].Msg.Data.Comment.Body)
}

// While a backlog is due, the worker still looks at the subscription
// every Poll: a URL changed in the middle of 150 deliveries to a slow
// endpoint takes the next ones, not those after the backlog.
func TestURLChangeDuringABacklog(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	old, moved := newReceiver(t), newReceiver(t)
	gate := make(chan struct{})
	old.setAnswer(func(w http.ResponseWriter, _ *http.Request) {
		<-gate // each answer waits for the test
		w.WriteHeader(http.StatusOK)
	})
	sub := w.subscribe(w.f.Customer.ID, old)
	moved.secret, moved.now = sub.Secret, w.f.Clock.Now
	const n = 150
	for i := range n {
		w.f.Create(t, fmt.Sprintf("+1202555%04d", 1000+i)) // a request each: all due at once
	}
	w.run(webhook.Options{Poll: 20 * time.Millisecond})
	t.Cleanup(func() { close(gate) }) // before the dispatcher stops
	release := func() {
		t.Helper()
		select {
		case gate <- struct{}{}:
		case <-time.After(20 * time.Second):
			t.Fatal("no delivery waits at the old endpoint")
		}
	}
	for range 5 {
		release()
	}
	waitFor(t, "the sixth delivery at the old endpoint", func() bool { return old.count() == 6 })

	in := sub.Input()
	in.URL = moved.srv.URL + "/moved"
	_, err := w.f.Service.UpdateSubscription(as(w.f.Customer.ID), sub.ID, 0, in)
	require.NoError(t, err)
	// Answer the old endpoint's deliveries slowly (a Poll and more
	// apart) until one reaches the new URL.
	for after := 0; moved.count() == 0; after++ {
		require.Less(t, after, 5, "deliveries still go to the old URL %d deliveries after the change", after)
		select {
		case gate <- struct{}{}:
		case <-time.After(50 * time.Millisecond):
		}
		time.Sleep(30 * time.Millisecond)
	}
	require.Less(t, old.count(), 15, "the backlog did not drain to the old URL")
	waitFor(t, "the rest at the new URL", func() bool { return moved.count()+old.count() == n })
	waitFor(t, "every one recorded as delivered", func() bool { return len(w.deliveries(sub.ID, porting.DeliveryDelivered)) == n })
	require.Equal(t, n, old.count()+moved.count(), "each once")
	for _, g := range moved.received() {
		require.Equal(t, "/moved", g.Path)
		require.True(t, g.Verified)
	}
}
