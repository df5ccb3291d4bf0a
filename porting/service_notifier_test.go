package porting_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/memory"
)

// notifyingStore is a memory store shared by two Services, as a database
// is by two processes, that notifies its subscribers after every request
// write: a porting.EventNotifier.
type notifyingStore struct {
	*memory.Store
	mu   sync.Mutex
	subs []chan struct{}
}

func (s *notifyingStore) NotifyEvents(ctx context.Context) <-chan struct{} {
	c := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs = append(s.subs, c)
	s.mu.Unlock()
	return c
}

func (s *notifyingStore) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.subs {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

func (s *notifyingStore) CreateRequest(ctx context.Context, r *porting.PortRequest, w porting.Write) error {
	err := s.Store.CreateRequest(ctx, r, w)
	s.notify()
	return err
}

// A watcher wakes on the store's notification of another Service's write,
// long before its poll (an hour).
func TestServiceWatchEventsWakesOnTheStoresNotification(t *testing.T) {
	t.Parallel()
	store := &notifyingStore{Store: memory.New()}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	writer := porting.NewService(store, porting.Options{Logger: quiet})
	watcher := porting.NewService(store, porting.Options{Logger: quiet})
	sys := porting.AsSystem(t.Context())
	require.NoError(t, writer.PutAccount(sys, porting.Account{ID: "acme", Name: "Acme"}))

	events := make(chan porting.Event, 10)
	ctx, cancel := context.WithCancel(sys)
	defer cancel()
	go func() {
		_ = watcher.WatchEvents(ctx, "w", porting.EventHandlerFunc(func(_ context.Context, e porting.Event) error {
			events <- e
			return nil
		}), time.Hour)
	}()
	actor := porting.WithActor(t.Context(), porting.Actor{AccountID: "acme"})
	create := func(number string) {
		t.Helper()
		r, err := writer.Create(actor, "acme", porting.RequestInput{Name: "Main", Numbers: []porting.NumberInput{{Raw: number}}})
		require.NoError(t, err)
		select {
		case e := <-events:
			require.Equal(t, porting.EventCreated, e.Type)
			require.Equal(t, r.ID, e.RequestID)
		case <-time.After(10 * time.Second):
			t.Fatal("the watcher did not wake on the store's notification")
		}
	}
	// The first may be found by the watcher's first look; once it is
	// delivered, the watcher waits, and only the notification wakes it.
	create("+12025550100")
	create("+12025550101")
}
