package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/postgres"
	"github.com/portkit/portkit/store/postgres/postgrestest"
)

// request returns a request with one number.
func request(id, number string) *porting.PortRequest {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	return &porting.PortRequest{ID: id, AccountID: "acct", AccountPath: []string{"acct"}, SupportKey: "pr_" + id,
		State: porting.StateUnconfirmed, Created: at, Updated: at,
		Numbers: []porting.PortNumber{{Number: porting.Number{E164: number}}}}
}

// While the database is down every call fails with porting.ErrUnavailable
// (503 over HTTP), quickly; once it is back the same store serves again,
// without being reopened, and nothing acknowledged is lost.
func TestUnavailableWhileTheDatabaseIsDown(t *testing.T) {
	ctx := context.Background()
	c := postgrestest.StartCluster(t, postgrestest.ClusterOptions{})
	s, err := postgres.Open(ctx, postgres.Options{URL: c.URL("postgres"), MaxConns: 4})
	require.NoError(t, err)
	defer s.Close()
	kept := request("kept", "+12025550100")
	require.NoError(t, s.CreateRequest(ctx, kept, porting.Write{}))

	require.NoError(t, c.Stop(postgrestest.Immediate))
	calls := map[string]func(ctx context.Context) error{
		"Request": func(ctx context.Context) error { _, err := s.Request(ctx, kept.ID); return err },
		"CreateRequest": func(ctx context.Context) error {
			return s.CreateRequest(ctx, request("lost", "+12025550101"), porting.Write{})
		},
		"UpdateRequest":  func(ctx context.Context) error { return s.UpdateRequest(ctx, kept.Clone(), porting.Write{}) },
		"FindRequests":   func(ctx context.Context) error { _, err := s.FindRequests(ctx, porting.Query{}); return err },
		"ClaimedNumbers": func(ctx context.Context) error { _, err := s.ClaimedNumbers(ctx, []string{"+12025550100"}); return err },
		"Events":         func(ctx context.Context) error { _, err := s.Events(ctx, 0, 10); return err },
		"SetEventCursor": func(ctx context.Context) error { return s.SetEventCursor(ctx, "c", 1) },
		"PutAccount":     func(ctx context.Context) error { return s.PutAccount(ctx, porting.Account{ID: "a"}) },
	}
	for name, call := range calls {
		callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		start := time.Now()
		err := call(callCtx)
		cancel()
		require.ErrorIs(t, err, porting.ErrUnavailable, "%s while the database is down", name)
		require.Less(t, time.Since(start), 5*time.Second, "%s waited for the database", name)
	}

	require.NoError(t, c.Start())
	got, err := s.Request(ctx, kept.ID)
	require.NoError(t, err, "the store serves again by itself")
	require.Equal(t, kept, got)
	require.Eventually(t, func() bool {
		return s.CreateRequest(ctx, request("after", "+12025550102"), porting.Write{}) == nil
	}, 10*time.Second, 50*time.Millisecond)
	_, err = s.Request(ctx, "lost")
	require.ErrorIs(t, err, porting.ErrNotFound, "a write refused while down was not made")
}

// Every process asking for a setting gets the first value stored, however
// many ask at once.
func TestSettingFirstValueStays(t *testing.T) {
	s := open(t)
	const n = 16
	got := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = s.Setting(context.Background(), "portd/link_key", fmt.Sprint("value ", i))
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, got[0], got[i])
	}
	again, err := s.Setting(context.Background(), "portd/link_key", "another")
	require.NoError(t, err)
	require.Equal(t, got[0], again)
	other, err := s.Setting(context.Background(), "portd/master_account", "m")
	require.NoError(t, err)
	require.Equal(t, "m", other)
}

// A store is told of the events another store (another process) writes
// to the same database.
func TestNotifyEventsOfOtherProcesses(t *testing.T) {
	ctx := context.Background()
	url := postgrestest.NewDatabase(t)
	a, err := postgres.Open(ctx, postgres.Options{URL: url})
	require.NoError(t, err)
	defer a.Close()
	b, err := postgres.Open(ctx, postgres.Options{URL: url})
	require.NoError(t, err)
	defer b.Close()

	subCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	notified := b.NotifyEvents(subCtx)
	// The listener says so once it listens (events may have been written before).
	select {
	case <-notified:
	case <-time.After(10 * time.Second):
		t.Fatal("no notification once listening")
	}
	for i, id := range []string{"r1", "r2", "r3"} {
		r := request(id, fmt.Sprintf("+1202555010%d", i))
		require.NoError(t, a.CreateRequest(ctx, r, porting.Write{Events: []porting.Event{{ID: "ev-" + id, Type: porting.EventCreated}}}))
		select {
		case <-notified:
		case <-time.After(10 * time.Second):
			t.Fatalf("no notification of event %d", i)
		}
	}
	// A write without events notifies nobody.
	require.NoError(t, a.CreateRequest(ctx, request("quiet", "+12025550109"), porting.Write{}))
	select {
	case <-notified:
		t.Fatal("notified of a write without events")
	case <-time.After(200 * time.Millisecond):
	}
}
