package webhook_test

import (
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
