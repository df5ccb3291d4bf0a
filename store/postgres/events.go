package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portkit/portkit/porting"
)

// The event log keeps porting's promise, that an event is returned only
// once every event with a smaller Seq that will ever commit has committed,
// without making writers wait for each other.
//
// A write's events get the sequence numbers (xid << 20) + 1, + 2, ...,
// where xid is the writing transaction's ID (pg_current_xact_id()): the
// order of transaction IDs, which PostgreSQL hands out in increasing order
// as transactions first write. Before it writes anything (so before it
// has an ID), a write takes a shared advisory lock, eventLock, held until
// it ends, which writers share without waiting for each other; a reader
// can see in pg_locks which transactions of the database hold it: the
// writers in flight.
//
// Events then reads in two statements, sent together: the first finds the
// horizon, the second, with a snapshot taken after the first, returns the
// events below it. The horizon is the smallest of the first statement's
// snapshot's xmax (the next ID PostgreSQL will hand out) and of the IDs
// its snapshot lists in progress that may be event writers. An ID in
// progress is passed over only when it is known not to be one: its
// transaction holds the lock on its own ID (pg_locks) but not eventLock,
// which every writer takes before it has an ID, and so never writes an
// event. Any other, a writer or one that cannot be told (PostgreSQL hands
// an ID out a moment before it enters its lock; or it ended meanwhile),
// holds the horizon back, for this read only. So every ID below the
// horizon had ended before the second statement began, or writes no
// events: committed, its events are in that snapshot, or rolled back,
// they never will be. Every writer still to come gets a larger ID. Nothing
// ever appears behind a reader's cursor, and other transactions, of this
// database or another, do not hold events back (as the server's oldest
// transaction, pg_snapshot_xmin, would). pg_locks names 32-bit IDs, the
// snapshot 64-bit ones (with the wraparound epoch): they are matched on
// their low 32 bits.
//
// The two statements are one implicit transaction at READ COMMITTED
// (Open sets it as the connections' default): the second statement's
// snapshot is later than the first's. (At REPEATABLE READ they would
// share one, which the horizon also keeps correct.)
//
// Transaction IDs follow the order in which conflicting writes commit: a
// write waits for the writes it conflicts with (on its request, on a
// number) under advisory locks, before it writes anything, so before it
// has an ID (write.go).

// eventLock is the advisory lock every write holds, shared, while it is
// in flight: (classid, objid) of pg_locks, "port" and "evts" in ASCII.
const (
	eventLockClass = 0x706f7274
	eventLockID    = 0x65767473
)

var (
	// sqlEventWriter takes eventLock, shared, for the transaction.
	sqlEventWriter = fmt.Sprintf("SELECT pg_advisory_xact_lock_shared(%d, %d)", eventLockClass, eventLockID)

	// sqlEventHorizon sets portkit.event_horizon, for the transaction,
	// to the first sequence number not yet safe to read.
	sqlEventHorizon = fmt.Sprintf(`WITH snap AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
	locks AS MATERIALIZED (SELECT locktype, classid, objid, objsubid, database, virtualtransaction, transactionid, mode, granted
		FROM pg_locks),
	writers AS (
		SELECT l.virtualtransaction FROM locks l
		WHERE l.locktype = 'advisory' AND l.classid = %[1]d AND l.objid = %[2]d AND l.objsubid = 2
			AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())),
	others AS (
		SELECT l.transactionid::text::bigint AS xid32 FROM locks l
		WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
			AND NOT EXISTS (SELECT 1 FROM writers w WHERE w.virtualtransaction = l.virtualtransaction)),
	held AS (
		SELECT x::text::bigint AS xid FROM snap, pg_snapshot_xip(snap.s) AS x
		WHERE (x::text::bigint & 4294967295) NOT IN (SELECT xid32 FROM others))
	SELECT set_config('portkit.event_horizon',
		(least((SELECT min(xid) FROM held), (SELECT pg_snapshot_xmax(s)::text::bigint FROM snap)) << %[3]d)::text, true)`,
		eventLockClass, eventLockID, eventBits)

	// sqlEvents reads the events after $1 below the horizon, $2 at most.
	sqlEvents = `SELECT seq, body::text FROM events
		WHERE seq > $1 AND seq < current_setting('portkit.event_horizon')::bigint ORDER BY seq LIMIT $2`
)

// Events implements porting.Store.
func (s *Store) Events(ctx context.Context, after uint64, limit int) ([]porting.Event, error) {
	if limit <= 0 {
		limit = 100
	}
	if after >= math.MaxInt64 {
		return nil, s.check(ctx) // no sequence number is that large
	}
	var out []porting.Event
	err := s.read(ctx, "reading events", func() error {
		out = out[:0]
		b := &pgx.Batch{}
		b.Queue(sqlEventHorizon)
		var seq int64
		var body []byte
		b.Queue(sqlEvents, int64(after), limit).Query(func(rows pgx.Rows) error {
			_, err := pgx.ForEachRow(rows, []any{&seq, &body}, func() error {
				var e porting.Event
				if err := json.Unmarshal(body, &e); err != nil {
					return fmt.Errorf("event %d: %w", seq, err)
				}
				e.Seq = uint64(seq)
				out = append(out, e)
				return nil
			})
			return err
		})
		return s.pool.SendBatch(ctx, b).Close()
	})
	if len(out) == 0 {
		out = nil
	}
	return out, err
}

// EventCursor implements porting.Store.
func (s *Store) EventCursor(ctx context.Context, consumer string) (uint64, error) {
	var seq int64
	err := s.read(ctx, "reading the event cursor of "+consumer, func() error {
		err := s.pool.QueryRow(ctx, "SELECT seq FROM event_cursors WHERE consumer = $1", consumer).Scan(&seq)
		if errors.Is(err, pgx.ErrNoRows) {
			seq = 0
			return nil
		}
		return err
	})
	return uint64(seq), err
}

// SetEventCursor implements porting.Store.
func (s *Store) SetEventCursor(ctx context.Context, consumer string, seq uint64) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO event_cursors (consumer, seq) VALUES ($1, $2)
		ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq`, consumer, int64(seq))
	if err != nil {
		return s.fail("saving the event cursor of "+consumer, err)
	}
	return nil
}

// The notifications of new events: after a write with events commits,
// the store sends NOTIFY portkit_events on its own (coalescing bursts: at
// most one every notifyInterval, none while one is on its way), and a
// listener in every process that asked for notifications (NotifyEvents)
// LISTENs on one connection of its own, and passes them on. NOTIFY is not
// part of the writes: a NOTIFY in a transaction takes a lock, held until
// its commit, that serialises every committing transaction that notified.
const (
	notifyChannel  = "portkit_events"
	notifyInterval = 5 * time.Millisecond
	// The listener connects again when its connection is lost, after
	// listenRetry at first, up to listenRetryMax while it keeps failing.
	listenRetry    = 250 * time.Millisecond
	listenRetryMax = 5 * time.Second
)

// notifier sends this process's notifications and listens for every
// process's.
type notifier struct {
	s      *Store
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	kick   chan struct{} // a write with events committed

	mu        sync.Mutex
	listening bool
	subs      map[chan struct{}]struct{}
}

// notifications returns the store's notifier, started on first use (a
// notifier started after Close is stopped at once).
func (s *Store) notifications() *notifier {
	s.notifyOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		n := &notifier{s: s, ctx: ctx, cancel: cancel, kick: make(chan struct{}, 1), subs: map[chan struct{}]struct{}{}}
		n.wg.Add(1)
		go n.send()
		s.notifier.Store(n)
		if s.closed.Load() {
			n.stop()
		}
	})
	return s.notifier.Load()
}

// written tells the notifier that a write with n events committed.
func (s *Store) written(n int) {
	if n == 0 || s.closed.Load() {
		return
	}
	select {
	case s.notifications().kick <- struct{}{}:
	default: // one is pending already
	}
}

// send sends a NOTIFY for each burst of kicks.
func (n *notifier) send() {
	defer n.wg.Done()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-n.kick:
		}
		ctx, cancel := context.WithTimeout(n.ctx, 5*time.Second)
		_, err := n.s.pool.Exec(ctx, "SELECT pg_notify($1, '')", notifyChannel)
		cancel()
		if err != nil && n.ctx.Err() == nil {
			n.s.log.Warn("postgres store: notifying other processes of new events (they will poll)", "err", err)
		}
		select {
		case <-n.ctx.Done():
			return
		case <-time.After(notifyInterval):
		}
	}
}

// NotifyEvents implements porting.EventNotifier: the channel receives a
// value after events are written by any process sharing the database,
// and after the listener's connection comes back (events may have been
// written meanwhile).
func (s *Store) NotifyEvents(ctx context.Context) <-chan struct{} {
	n := s.notifications()
	c := make(chan struct{}, 1)
	n.mu.Lock()
	n.subs[c] = struct{}{}
	if !n.listening && !s.closed.Load() {
		n.listening = true
		n.wg.Add(1)
		go n.listen()
	}
	n.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
		case <-n.ctx.Done():
		}
		n.mu.Lock()
		delete(n.subs, c)
		n.mu.Unlock()
	}()
	return c
}

// broadcast hands a notification to every subscriber that has none
// pending.
func (n *notifier) broadcast() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for c := range n.subs {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// listen LISTENs on a connection of its own, outside the pool, until the
// store closes, connecting again whenever the connection is lost.
func (n *notifier) listen() {
	defer n.wg.Done()
	wait := listenRetry
	for n.ctx.Err() == nil {
		listened, err := n.listenOnce()
		if n.ctx.Err() != nil {
			return
		}
		if listened {
			wait = listenRetry
		}
		n.s.log.Warn("postgres store: listening for events of other processes (polling meanwhile)", "err", err, "retry_in", wait)
		select {
		case <-n.ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, listenRetryMax)
	}
}

// listenOnce listens until the connection fails; listened reports
// whether it got as far as listening.
func (n *notifier) listenOnce() (listened bool, err error) {
	conn, err := pgx.ConnectConfig(n.ctx, n.s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(n.ctx, "LISTEN "+notifyChannel); err != nil {
		return false, err
	}
	n.broadcast() // whatever was written while nobody listened
	for {
		if _, err := conn.WaitForNotification(n.ctx); err != nil {
			return true, err
		}
		n.broadcast()
	}
}

// stop ends the notifier's goroutines.
func (n *notifier) stop() {
	n.cancel()
	n.wg.Wait()
}
