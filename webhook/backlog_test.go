package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	badgerstore "github.com/portkit/portkit/store/badger"
	"github.com/portkit/portkit/webhook"
)

// bulky returns the input of a request whose messages carry about size
// bytes of an unknown field.
func bulky(i, size int) porting.RequestInput {
	in := portingInput(fmt.Sprintf("+1202555%04d", 1000+i))
	in.Extra = map[string]json.RawMessage{"notes": json.RawMessage(strconv.Quote(strings.Repeat("n", size)))}
	return in
}

// A backlog of requests whose messages are about 20 kB each, on Badger
// (in memory: a write holds about 1.2 MB): one read of the log brings
// more than a write can hold, and every message arrives all the same.
func TestBacklogOfLargeMessagesOnBadger(t *testing.T) {
	t.Parallel()
	store, err := badgerstore.Open(badgerstore.Options{InMemory: true, Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	svc := porting.NewService(store, porting.Options{Logger: quiet})
	sys := porting.AsSystem(context.Background())
	require.NoError(t, svc.PutAccount(sys, porting.Account{ID: "acct", Name: "Account"}))
	rc := newReceiver(t)
	sub, err := svc.CreateSubscription(sys, "acct", porting.SubscriptionInput{URL: rc.srv.URL + "/hook", Enabled: true})
	require.NoError(t, err)
	rc.secret = sub.Secret
	const n = 100
	for i := range n {
		_, err := svc.Create(as("acct"), "acct", bulky(i, 20_000))
		require.NoError(t, err)
	}
	runTillEnd(t, webhook.New(svc, store, webhook.Options{Logger: quiet, AllowPrivate: true, Poll: 20 * time.Millisecond}))

	waitFor(t, "every message", func() bool { return rc.count() >= n })
	waitFor(t, "every one recorded as delivered", func() bool {
		page, err := svc.SubscriptionDeliveries(sys, sub.ID, porting.DeliveryQuery{Status: porting.DeliveryDelivered, Limit: porting.MaxPageSize})
		require.NoError(t, err)
		return len(page.Deliveries) == n
	})
	require.Equal(t, n, rc.count(), "each once")
	seen := map[string]bool{}
	for _, g := range rc.received() {
		require.True(t, g.Verified)
		require.Greater(t, len(g.Body), 20_000)
		seen[g.ID] = true
	}
	require.Len(t, seen, n)
}

// tooLargeStore refuses an Enqueue or UpdateDeliveries whose payloads
// add up to more than limit bytes, as a store with a small write limit
// would.
type tooLargeStore struct {
	porting.SubscriptionStore
	limit                    int
	refusedNew, refusedSaved atomic.Int32
}

func (s *tooLargeStore) tooLarge(ds []*porting.Delivery) error {
	size := 0
	for _, d := range ds {
		size += len(d.Payload)
	}
	if size > s.limit {
		return &porting.TooLargeError{What: "one write to the store (bytes)", Limit: int64(s.limit)}
	}
	return nil
}

func (s *tooLargeStore) Enqueue(ctx context.Context, stream string, from, to uint64, ds []*porting.Delivery) error {
	if err := s.tooLarge(ds); err != nil {
		s.refusedNew.Add(1)
		return err
	}
	return s.SubscriptionStore.Enqueue(ctx, stream, from, to, ds)
}

func (s *tooLargeStore) UpdateDeliveries(ctx context.Context, ds []*porting.Delivery) error {
	if err := s.tooLarge(ds); err != nil {
		s.refusedSaved.Add(1)
		return err
	}
	return s.SubscriptionStore.UpdateDeliveries(ctx, ds)
}

// Writes the store refuses as too large are tried again smaller, and a
// single message too large to store is passed over: the stream goes on
// past both.
func TestEnqueueTooLargeForTheStore(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t)
	sub := w.subscribe(w.f.Customer.ID, rc)
	// A write holds one message of 20 kB: any two are refused.
	store := &tooLargeStore{SubscriptionStore: w.f.Store, limit: 30_000}
	var huge string
	for i := range 12 {
		size := 20_000
		if i == 5 {
			size = 40_000 // more than a write holds
		}
		r, err := w.f.Service.Create(w.f.AsCustomer(), w.f.Customer.ID, bulky(i, size))
		require.NoError(t, err)
		if i == 5 {
			huge = r.ID
		}
	}
	runTillEnd(t, webhook.New(w.f.Service, store, webhook.Options{Logger: quiet, AllowPrivate: true, Poll: 20 * time.Millisecond}))

	waitFor(t, "the eleven that fit", func() bool { return rc.count() >= 11 })
	waitFor(t, "their results written", func() bool { return len(w.deliveries(sub.ID, porting.DeliveryDelivered)) == 11 })
	require.Positive(t, store.refusedNew.Load(), "the store refused deliveries")
	require.Positive(t, store.refusedSaved.Load(), "the store refused results")
	r := w.f.Create(t, "+12025559999")
	waitFor(t, "a message after them", func() bool { return rc.count() == 12 })
	got := rc.received()
	waitFor(t, "nothing pending", func() bool { return len(w.deliveries(sub.ID, porting.DeliveryPending)) == 0 })
	require.Equal(t, r.ID, got[11].Msg.Data.RequestID)
	for _, g := range got {
		require.NotEqual(t, huge, g.Msg.Data.RequestID, "the message too large to store is passed over")
	}
}
