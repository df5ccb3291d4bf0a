package badger

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/keyspace"
)

// backlog stores a subscription with n pending deliveries.
func backlog(t *testing.T, s *Store, id string, n int) *porting.Subscription {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	sub := &porting.Subscription{ID: id, AccountID: "acct", URL: "https://hooks.example.net/", Enabled: true,
		Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Created: now, Updated: now}
	require.NoError(t, s.CreateSubscription(ctx, sub, 0))
	const per = 500
	for from := 0; from < n; from += per {
		var ds []*porting.Delivery
		for seq := from + 1; seq <= min(from+per, n); seq++ {
			ds = append(ds, &porting.Delivery{Stream: id, Seq: uint64(seq), ID: fmt.Sprintf("msg-%d", seq),
				EventType: porting.EventCreated, RequestID: fmt.Sprintf("req-%d", seq), Payload: []byte(`{"a":1}`),
				NextAttempt: now, Created: now, Updated: now})
		}
		require.NoError(t, s.Enqueue(ctx, id, uint64(from), uint64(min(from+per, n)), ds))
	}
	return sub
}

// keysOf lists the store's keys that belong to a stream.
func keysOf(t *testing.T, s *Store, stream string) []string {
	var out []string
	for _, k := range keysWith(t, s, "") {
		if keyspace.IsSubscriptionKey(k) && strings.Contains(k, stream) {
			out = append(out, k)
		}
	}
	return out
}

// A webhook with 10,000 deliveries (more than one Badger write holds) is
// deleted, and no key of its stream is left.
func TestDeleteSubscriptionWithABacklog(t *testing.T) {
	s, err := Open(Options{InMemory: true})
	require.NoError(t, err)
	defer s.Close()
	sub := backlog(t, s, "sub-big", 10_000)
	keep := backlog(t, s, "sub-kept", 3)
	require.Greater(t, len(keysOf(t, s, sub.ID)), 30_000, "three keys a delivery")

	require.NoError(t, s.DeleteSubscription(context.Background(), sub))
	require.Empty(t, keysOf(t, s, sub.ID))
	require.Len(t, keysOf(t, s, keep.ID), 3*3+3, "the other's three deliveries (three keys each), its cursor and subscription (two keys)")
}

// A purge a crash cut short: the subscription is gone at once, its
// deliveries are read no more, and the next Open deletes them.
func TestOpenFinishesAPurge(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir})
	require.NoError(t, err)
	sub := backlog(t, s, "sub-big", 2_000)
	ctx := context.Background()
	// The delete's first write alone, as when the process died after it.
	require.NoError(t, s.update(ctx, func(tx keyspace.Txn) error { return keyspace.DeleteSubscription(tx, sub) }))
	_, err = s.Subscription(ctx, sub.ID)
	require.ErrorIs(t, err, porting.ErrNotFound)
	_, err = s.Delivery(ctx, sub.ID, "msg-1")
	require.ErrorIs(t, err, porting.ErrNotFound, "the deliveries of a deleted webhook are not read")
	page, err := s.Deliveries(ctx, sub.ID, porting.DeliveryQuery{})
	require.NoError(t, err)
	require.Empty(t, page.Deliveries)
	pending, err := s.PendingDeliveries(ctx, sub.ID, 0, 10)
	require.NoError(t, err)
	require.Empty(t, pending)
	require.NotEmpty(t, keysOf(t, s, sub.ID), "left to purge")
	require.NoError(t, s.Close())

	s, err = Open(Options{Dir: dir})
	require.NoError(t, err)
	defer s.Close()
	require.Empty(t, keysOf(t, s, sub.ID))
}

// A webhook made again under the ID of one whose purge was cut short
// starts afresh: the purge is finished first.
func TestCreateFinishesAPurge(t *testing.T) {
	s, err := Open(Options{InMemory: true})
	require.NoError(t, err)
	defer s.Close()
	sub := backlog(t, s, "sub-big", 1_000)
	ctx := context.Background()
	require.NoError(t, s.update(ctx, func(tx keyspace.Txn) error { return keyspace.DeleteSubscription(tx, sub) }))
	again := sub.Clone()
	again.Revision = 0
	require.NoError(t, s.CreateSubscription(ctx, again, 0))
	pending, err := s.PendingDeliveries(ctx, sub.ID, 0, 10)
	require.NoError(t, err)
	require.Empty(t, pending)
	require.Len(t, keysOf(t, s, sub.ID), 3, "the subscription (two keys) and its cursor")
}
