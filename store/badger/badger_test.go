package badger_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	badgerstore "github.com/portkit/portkit/store/badger"
	"github.com/portkit/portkit/store/storetest"
)

func TestConformanceOnDisk(t *testing.T) {
	storetest.Test(t, func(t *testing.T) porting.Store {
		s, err := badgerstore.Open(badgerstore.Options{Dir: t.TempDir()})
		require.NoError(t, err)
		return s
	})
}

func TestConformanceInMemory(t *testing.T) {
	storetest.Test(t, func(t *testing.T) porting.Store {
		s, err := badgerstore.Open(badgerstore.Options{InMemory: true})
		require.NoError(t, err)
		return s
	})
}

func newRequest(i int) *porting.PortRequest {
	now := time.Date(2026, 3, 2, 14, 0, i, 0, time.UTC)
	sub := porting.SubRequest{ID: fmt.Sprintf("sub%d", i), SupportKey: fmt.Sprintf("sr_%06x", i), State: porting.StateUnconfirmed}
	e := fmt.Sprintf("+1202555%04d", i)
	return &porting.PortRequest{
		ID: fmt.Sprintf("req%d", i), AccountID: "acct", AccountPath: []string{"acct"}, SupportKey: fmt.Sprintf("pr_%06x", i),
		Name: "r", State: porting.StateUnconfirmed, SubRequests: []porting.SubRequest{sub},
		Numbers: []porting.PortNumber{{Number: porting.Number{E164: e, Valid: true}, SubRequestID: sub.ID}},
		Created: now, Updated: now,
	}
}

// A store reopened after Close sees every acknowledged write, and event
// sequence numbers carry on from where they were.
func TestReopenSeesAcknowledgedWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := badgerstore.Open(badgerstore.Options{Dir: dir})
	require.NoError(t, err)
	require.NoError(t, s.PutAccount(ctx, porting.Account{ID: "acct", Name: "A"}))
	for i := range 20 {
		r := newRequest(i)
		require.NoError(t, s.CreateRequest(ctx, r, porting.Write{
			Events:  []porting.Event{{ID: r.ID, Type: porting.EventCreated, RequestID: r.ID}},
			Content: map[string][]byte{"c" + r.ID: []byte("bytes of " + r.ID)},
		}))
	}
	r, err := s.Request(ctx, "req3")
	require.NoError(t, err)
	r.Name = "renamed"
	require.NoError(t, s.UpdateRequest(ctx, r, porting.Write{}))
	require.NoError(t, s.SetEventCursor(ctx, "c", 7))
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close twice")
	_, err = s.Request(ctx, "req3")
	require.ErrorIs(t, err, porting.ErrClosed)

	s, err = badgerstore.Open(badgerstore.Options{Dir: dir})
	require.NoError(t, err)
	defer s.Close()
	got, err := s.Request(ctx, "req3")
	require.NoError(t, err)
	require.Equal(t, "renamed", got.Name)
	require.Equal(t, int64(2), got.Revision)
	page, err := s.FindRequests(ctx, porting.Query{AccountID: "acct", Limit: 100})
	require.NoError(t, err)
	require.Len(t, page.Requests, 20)
	claims, err := s.ClaimedNumbers(ctx, []string{"+12025550019"})
	require.NoError(t, err)
	require.Equal(t, "req19", claims["+12025550019"].RequestID)
	cur, err := s.EventCursor(ctx, "c")
	require.NoError(t, err)
	require.Equal(t, uint64(7), cur)
	events, err := s.Events(ctx, 0, 100)
	require.NoError(t, err)
	require.Len(t, events, 20)
	r = newRequest(100)
	require.NoError(t, s.CreateRequest(ctx, r, porting.Write{Events: []porting.Event{{ID: "x", RequestID: r.ID}}}))
	events, err = s.Events(ctx, 20, 10)
	require.NoError(t, err)
	require.Len(t, events, 1)
	require.Equal(t, uint64(21), events[0].Seq, "sequence carries on after reopen")
}

// The in-memory mode opens with a small footprint: about 10 MiB, not
// Badger's default 85 MiB.
func TestInMemoryFootprint(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s, err := badgerstore.Open(badgerstore.Options{InMemory: true})
	require.NoError(t, err)
	defer s.Close()
	runtime.GC()
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap grew by %.1f MiB on open", float64(grew)/(1<<20))
	require.Less(t, grew, int64(16<<20))
}

// A write too big for a transaction is porting.ErrTooLarge, not a crash.
func TestInMemoryWriteTooBig(t *testing.T) {
	s, err := badgerstore.Open(badgerstore.Options{InMemory: true})
	require.NoError(t, err)
	defer s.Close()
	r := newRequest(1)
	r.Numbers = nil
	for i := range 20_000 {
		r.Numbers = append(r.Numbers, porting.PortNumber{Number: porting.Number{E164: fmt.Sprintf("+1303%07d", i), Valid: true}, SubRequestID: r.SubRequests[0].ID})
	}
	err = s.CreateRequest(context.Background(), r, porting.Write{})
	require.ErrorIs(t, err, porting.ErrTooLarge)
	_, err = s.Request(context.Background(), r.ID)
	require.ErrorIs(t, err, porting.ErrNotFound)
}

// A cancelled context stops a write before it starts.
func TestWriteHonoursContext(t *testing.T) {
	s, err := badgerstore.Open(badgerstore.Options{InMemory: true})
	require.NoError(t, err)
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = s.CreateRequest(ctx, newRequest(1), porting.Write{})
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Request(context.Background(), "req1")
	require.ErrorIs(t, err, porting.ErrNotFound)
}

// Value-log GC runs on a ticker; Close stops it promptly, even mid-run.
func TestCloseStopsValueLogGC(t *testing.T) {
	ctx := context.Background()
	s, err := badgerstore.Open(badgerstore.Options{Dir: t.TempDir(), GCInterval: time.Millisecond, NoSyncWrites: true})
	require.NoError(t, err)
	r := newRequest(1)
	r.Attachments = []porting.Attachment{{ID: "a", Name: "a.pdf", ContentID: "c1"}}
	require.NoError(t, s.CreateRequest(ctx, r, porting.Write{Content: map[string][]byte{"c1": make([]byte, 2<<20)}}))
	r.Attachments = nil
	require.NoError(t, s.UpdateRequest(ctx, r, porting.Write{}))
	start := time.Now()
	require.NoError(t, s.Close())
	require.Less(t, time.Since(start), 5*time.Second)
	_, err = s.Content(ctx, r.ID, "c1")
	require.ErrorIs(t, err, porting.ErrClosed)
}
