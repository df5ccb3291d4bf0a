package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/postgres/postgrestest"
)

func openInternal(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), Options{URL: postgrestest.NewDatabase(t), MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// minimal returns a request with one number and the event of its creation.
func minimal(id, number string) (*porting.PortRequest, porting.Write) {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	r := &porting.PortRequest{ID: id, AccountID: "acct", AccountPath: []string{"acct"}, SupportKey: "pr_" + id,
		State: porting.StateUnconfirmed, Created: at, Updated: at,
		Numbers: []porting.PortNumber{{Number: porting.Number{E164: number}}}}
	return r, porting.Write{Events: []porting.Event{{ID: "ev-" + id, Type: porting.EventCreated, RequestID: id}}}
}

// eventIDs reads the whole visible event log, as IDs.
func eventIDs(t *testing.T, s *Store) []string {
	t.Helper()
	es, err := s.Events(context.Background(), 0, 100)
	require.NoError(t, err)
	ids := []string{}
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

// inFlight begins a writer that has written an event and not committed:
// it holds the writers' lock and has its transaction ID.
func inFlight(t *testing.T, s *Store, id string) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := s.pool.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback(ctx) })
	_, err = tx.Exec(ctx, sqlEventWriter)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, sqlAppendEvents, []string{`{"id":"` + id + `","type":"port_request.updated"}`})
	require.NoError(t, err)
	return tx
}

// An event committed while an older writer is in flight waits for it: the
// older one may still commit an event with a smaller Seq. Once it commits,
// both are read, the older first; once it rolls back, the later one is.
func TestEventsWaitForOlderWritersInFlight(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	early := inFlight(t, s, "early")
	r, w := minimal("late", "+12025550100")
	require.NoError(t, s.CreateRequest(ctx, r, w))
	require.Empty(t, eventIDs(t, s), "an event behind a writer in flight is visible")
	require.NoError(t, early.Commit(ctx))
	require.Equal(t, []string{"early", "ev-late"}, eventIDs(t, s))

	doomed := inFlight(t, s, "doomed")
	r, w = minimal("later", "+12025550101")
	require.NoError(t, s.CreateRequest(ctx, r, w))
	require.Equal(t, []string{"early", "ev-late"}, eventIDs(t, s))
	require.NoError(t, doomed.Rollback(ctx))
	require.Equal(t, []string{"early", "ev-late", "ev-later"}, eventIDs(t, s))
}

// Only the database's event writers hold events back: a long transaction
// that writes elsewhere (in this database, or another) does not, as it
// would if the horizon were the server's oldest transaction
// (pg_snapshot_xmin).
func TestEventsIgnoreOtherTransactions(t *testing.T) {
	ctx := context.Background()
	s := openInternal(t)
	other := openInternal(t)
	for _, st := range []*Store{s, other} {
		tx, err := st.pool.Begin(ctx)
		require.NoError(t, err)
		t.Cleanup(func() { _ = tx.Rollback(ctx) })
		_, err = tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES ('busy', 'yes')")
		require.NoError(t, err)
	}
	r, w := minimal("now", "+12025550102")
	require.NoError(t, s.CreateRequest(ctx, r, w))
	require.Equal(t, []string{"ev-now"}, eventIDs(t, s))
}

// Transaction IDs are 64 bits in the event log and in snapshots, 32 in
// pg_locks. Once the wraparound epoch is past 0 (after about 4 billion
// transactions, or a pg_upgrade that keeps it), an event committed before
// a writer in flight is still read, and a new subscription starts at the
// last event rather than at the start of the log.
func TestEventsAcrossTheXIDEpoch(t *testing.T) {
	ctx := context.Background()
	c := postgrestest.StartCluster(t, postgrestest.ClusterOptions{})
	require.NoError(t, c.Stop(postgrestest.Fast))
	require.NoError(t, c.SetXIDEpoch(1))
	require.NoError(t, c.Start())
	s, err := Open(ctx, Options{URL: c.URL("postgres"), MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() }) // after the writer's rollback: Close waits for its connection

	r, w := minimal("before", "+12025550103")
	require.NoError(t, s.CreateRequest(ctx, r, w))
	es, err := s.Events(ctx, 0, 10)
	require.NoError(t, err)
	require.Len(t, es, 1)
	require.Greater(t, es[0].Seq, uint64(1)<<(32+eventBits), "the epoch is in the sequence numbers")

	writer := inFlight(t, s, "in-flight")
	require.Equal(t, []string{"ev-before"}, eventIDs(t, s), "a writer in flight holds back only what comes after it")
	sub := &porting.Subscription{ID: "sub-epoch", AccountID: "acct", URL: "https://hooks.example.net/x", Enabled: true}
	require.NoError(t, s.CreateSubscription(ctx, sub, 0))
	cursor, err := s.DeliveryCursor(ctx, sub.ID)
	require.NoError(t, err)
	require.Equal(t, es[0].Seq, cursor, "a new subscription starts at the last event")
	require.NoError(t, writer.Commit(ctx))
	require.Equal(t, []string{"ev-before", "in-flight"}, eventIDs(t, s))
}
