package webhook_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// Two dispatchers on one store: a subscription is delivered by one at a
// time, so each event reaches the endpoint once; a stream whose holder
// died (its lease left behind) is taken over once the lease runs out on
// the clock.
func TestLeases(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t)
	sub := w.subscribe(w.f.Customer.ID, rc)
	dead := newReceiver(t)
	orphan := w.subscribe(w.f.Customer.ID, dead)
	now := w.f.Clock.Now()
	_, err := w.f.Store.AcquireLease(context.Background(), orphan.ID, "a-process-that-died", now, now.Add(time.Minute))
	require.NoError(t, err)

	w.run(webhook.Options{Holder: "one", LeaseTTL: time.Minute})
	w.run(webhook.Options{Holder: "two", LeaseTTL: time.Minute})
	var ids []string
	for i := range 20 {
		r := w.f.Create(t, fmt.Sprintf("+1202555%04d", 100+i))
		ids = append(ids, r.ID)
	}
	waitFor(t, "twenty deliveries", func() bool { return rc.count() >= 20 })
	time.Sleep(50 * time.Millisecond)
	seen := map[string]int{}
	for _, g := range rc.received() {
		seen[g.ID]++
	}
	require.Len(t, seen, 20)
	for id, n := range seen {
		require.Equal(t, 1, n, "message %s delivered by both dispatchers", id)
	}
	require.Len(t, w.deliveries(sub.ID, porting.DeliveryDelivered), 20)

	require.Zero(t, dead.count(), "nobody delivers while the dead holder's lease lasts")
	w.f.Clock.Advance(time.Minute)
	waitFor(t, "the stream taken over", func() bool { return dead.count() == 20 })
	l, err := w.f.Store.AcquireLease(context.Background(), orphan.ID, "someone-else", w.f.Clock.Now(), w.f.Clock.Now().Add(time.Minute))
	require.ErrorIs(t, err, porting.ErrLeaseHeld)
	require.Contains(t, []string{"one", "two"}, l.Holder)
}
