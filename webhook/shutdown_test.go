package webhook_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/webhook"
)

// stuckStore is a SubscriptionStore whose writes of results and lease
// releases hang, once stuck, until their context ends: a database that
// stopped answering.
type stuckStore struct {
	porting.SubscriptionStore
	stuck atomic.Bool
	hung  atomic.Int32 // calls that hung
}

func (s *stuckStore) hang(ctx context.Context) error {
	s.hung.Add(1)
	<-ctx.Done()
	return ctx.Err()
}

func (s *stuckStore) UpdateDeliveries(ctx context.Context, ds []*porting.Delivery) error {
	if s.stuck.Load() {
		return s.hang(ctx)
	}
	return s.SubscriptionStore.UpdateDeliveries(ctx, ds)
}

func (s *stuckStore) ReleaseLease(ctx context.Context, stream, holder string) error {
	if s.stuck.Load() {
		return s.hang(ctx)
	}
	return s.SubscriptionStore.ReleaseLease(ctx, stream, holder)
}

// Run returns once its context ends even when the store no longer
// answers: the last write of results and the release of the lease give
// up after ShutdownTimeout.
func TestShutdownWithAStoreThatHangs(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rc := newReceiver(t)
	w.subscribe(w.f.Customer.ID, rc)
	store := &stuckStore{SubscriptionStore: w.f.Store}
	d := webhook.New(w.f.Service, store, webhook.Options{Logger: quiet, Poll: 20 * time.Millisecond, AllowPrivate: true,
		ShutdownTimeout: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()

	store.stuck.Store(true) // its result will not be written
	w.f.Create(t, "+12025550101")
	waitFor(t, "the delivery", func() bool { return rc.count() == 1 })
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return: a write after shutdown waits for the store for ever")
	}
	require.Positive(t, store.hung.Load(), "the store was asked, and hung")
}
