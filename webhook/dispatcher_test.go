package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// A subscription receives the events written after it was made, each
// once, signed, in order, with what a receiver needs; the deliveries are
// recorded as delivered with their attempt.
func TestDeliversSignedInOrder(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	before := w.f.Create(t, "+12025550100") // before the subscription: not delivered
	rc := newReceiver(t)
	sub := w.subscribe(w.f.Customer.ID, rc)
	w.run(webhook.Options{})

	r := w.f.Create(t, "+12025550101")
	w.f.Move(t, r.ID, porting.StateSubmitted)
	w.f.Move(t, r.ID, porting.StatePending)
	_, _, err := w.f.Service.AddComments(w.f.AsCustomer(), r.ID, 0, []porting.CommentInput{{Body: "hello"}})
	require.NoError(t, err)
	waitFor(t, "four deliveries", func() bool { return rc.count() >= 4 })
	waitFor(t, "recorded as delivered", func() bool { return len(w.deliveries(sub.ID, porting.DeliveryDelivered)) == 4 })

	got := rc.received()
	require.Len(t, got, 4)
	var types []porting.EventType
	for i, g := range got {
		require.True(t, g.Verified, "delivery %d is signed with the subscription's secret", i)
		require.Equal(t, "/hook/"+w.f.Customer.ID, g.Path)
		require.Equal(t, g.Msg.ID, g.ID, "webhook-id is the message's ID")
		require.Equal(t, "application/json", g.Header.Get("Content-Type"))
		require.Equal(t, r.ID, g.Msg.Data.RequestID)
		require.Equal(t, []string{w.f.Authority.ID, w.f.Customer.ID}, g.Msg.Data.AccountPath)
		require.NotNil(t, g.Msg.Data.Request)
		if i > 0 {
			require.Greater(t, g.Msg.Data.Seq, got[i-1].Msg.Data.Seq, "in order")
		}
		types = append(types, g.Msg.Type)
	}
	require.Equal(t, []porting.EventType{porting.EventCreated, porting.EventTransitioned, porting.EventTransitioned, porting.EventCommentAdded}, types)
	require.Equal(t, porting.StateUnconfirmed, got[1].Msg.Data.PreviousState)
	require.Equal(t, porting.StateSubmitted, got[1].Msg.Data.State)
	require.Equal(t, "hello", got[3].Msg.Data.Comment.Body)
	for _, g := range got {
		require.NotEqual(t, before.ID, g.Msg.Data.RequestID)
	}
	for _, d := range w.deliveries(sub.ID, "") {
		require.Equal(t, porting.DeliveryDelivered, d.Status)
		require.Len(t, d.Attempts, 1)
		require.Equal(t, http.StatusOK, d.Attempts[0].StatusCode)
		require.Empty(t, d.Attempts[0].Error)
		require.Positive(t, d.Attempts[0].Duration, "the attempt says how long it took")
	}
}

// Subscriptions filter by event type and by account (with or without
// sub-accounts), and a disabled one is paused: its events wait for it.
func TestFiltersAndPause(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	all, own, types, paused := newReceiver(t), newReceiver(t), newReceiver(t), newReceiver(t)
	w.subscribe(w.f.Customer.ID, all)
	w.subscribe(w.f.Customer.ID, own, func(in *porting.SubscriptionInput) { in.Descendants = false })
	w.subscribe(w.f.Customer.ID, types, func(in *porting.SubscriptionInput) { in.EventTypes = []porting.EventType{porting.EventTransitioned} })
	p := w.subscribe(w.f.Customer.ID, paused, func(in *porting.SubscriptionInput) { in.Enabled = false })
	w.run(webhook.Options{})

	mine := w.f.Create(t, "+12025550101")
	subs, err := w.f.Service.Create(as("sub"), "sub", portingInput("+12025550102"))
	require.NoError(t, err)
	w.f.Move(t, mine.ID, porting.StateSubmitted)
	w.f.Move(t, subs.ID, porting.StateSubmitted)
	waitFor(t, "every event to the subscription of the whole tree", func() bool { return all.count() == 4 })
	waitFor(t, "the own account's", func() bool { return own.count() == 2 })
	waitFor(t, "the transitions", func() bool { return types.count() == 2 })
	for _, g := range own.received() {
		require.Equal(t, mine.ID, g.Msg.Data.RequestID)
	}
	for _, g := range types.received() {
		require.Equal(t, porting.EventTransitioned, g.Msg.Type)
	}
	require.Zero(t, paused.count())

	in := p.Input()
	in.Enabled = true
	_, err = w.f.Service.UpdateSubscription(as(w.f.Customer.ID), p.ID, 0, in)
	require.NoError(t, err)
	waitFor(t, "the paused subscription's events once it is enabled", func() bool { return paused.count() == 4 })
}

func portingInput(numbers ...string) porting.RequestInput {
	in := porting.RequestInput{Name: fmt.Sprintf("Port of %d", len(numbers))}
	for _, n := range numbers {
		in.Numbers = append(in.Numbers, porting.NumberInput{Raw: n})
	}
	return in
}

// A test delivery is sent at once, signed, and not recorded.
func TestTestDelivery(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t)
	sub := w.subscribe(w.f.Customer.ID, rc)
	d := webhook.New(w.f.Service, w.f.Store, webhook.Options{AllowPrivate: true, Logger: quiet})
	a, err := d.Test(context.Background(), sub)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, a.StatusCode)
	require.Empty(t, a.Error)
	require.Positive(t, a.Duration)
	got := rc.received()
	require.Len(t, got, 1)
	require.True(t, got[0].Verified)
	require.Equal(t, webhook.TestEvent, got[0].Msg.Type)
	require.Empty(t, w.deliveries(sub.ID, ""))

	rc.setAnswer(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	a, err = d.Test(context.Background(), sub)
	require.NoError(t, err)
	require.Equal(t, http.StatusTeapot, a.StatusCode)
	require.Equal(t, "HTTP 418", a.Error)
}
