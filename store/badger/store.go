package badger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	bdg "github.com/dgraph-io/badger/v4"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/codec"
	"github.com/portkit/portkit/store/internal/keyspace"
)

// errClosed is what every method of a closed Store returns.
var errClosed = fmt.Errorf("badger store: %w", porting.ErrClosed)

// Store is a porting.Store on Badger. It is safe for concurrent use.
// Besides porting.Store it implements the optional porting.ContentOpener
// and porting.SubscriptionStore (the latter's methods come from an
// embedded implementation shared with store/memory).
type Store struct {
	db        *bdg.DB
	opt       Options
	space     *space // nil: no guard (in memory, or turned off)
	seq       *sequencer
	stopGC    chan struct{}
	gcDone    sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
	mu        sync.RWMutex // guards closed against in-flight calls
	closed    bool
	subscriptions
}

var _ porting.Store = (*Store)(nil)

// Open opens (or creates) a store.
func Open(opt Options) (*Store, error) {
	if opt.Dir == "" && !opt.InMemory {
		return nil, errors.New("badger store: Options.Dir is required unless InMemory")
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.GCInterval == 0 {
		opt.GCInterval = defaultGCInterval
	}
	if opt.GCDiscardRatio <= 0 || opt.GCDiscardRatio >= 1 {
		opt.GCDiscardRatio = 0.5
	}
	if opt.MaxRetries <= 0 {
		opt.MaxRetries = defaultMaxRetries
	}
	if opt.MemTableSize <= 0 {
		opt.MemTableSize = defaultMemTableSize
	}
	var sp *space
	if !opt.InMemory && opt.MinFree >= 0 {
		if opt.MinFree == 0 {
			opt.MinFree = defaultReserve(opt.MemTableSize)
		}
		if opt.WarnFree <= 0 {
			opt.WarnFree = 2 * opt.MinFree
		}
		sp = &space{dir: opt.Dir, reserve: uint64(opt.MinFree), warn: uint64(opt.WarnFree), free: freeBytes, log: opt.Logger}
		if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
			return nil, err
		}
		if err := sp.check(); err != nil {
			return nil, err
		}
	}
	if !opt.InMemory {
		if err := removeEmptyLogs(opt.Dir, opt.Logger); err != nil {
			return nil, err
		}
	}
	bo := opt.badgerOptions()
	if !opt.InMemory && !opt.NoVerifyOnOpen {
		if err := verifyTables(opt.Dir, bo); err != nil {
			return nil, err
		}
	}
	db, err := openDB(bo)
	if err != nil {
		return nil, fmt.Errorf("badger store: open %s: %w", opt.Dir, err)
	}
	last, err := lastEventSeq(db)
	if err == nil {
		var dropped int
		if dropped, err = dropUnfinishedUploads(db); dropped > 0 {
			opt.Logger.Info("badger store: dropped the bytes of uploads that never committed", "uploads", dropped)
		}
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	s := &Store{db: db, opt: opt, seq: newSequencer(last), stopGC: make(chan struct{}), space: sp}
	s.subscriptions = subscriptions{Backend: backend{s}}
	if n, err := s.migrate(); err != nil {
		_ = db.Close()
		return nil, err
	} else if n > 0 {
		opt.Logger.Info("badger store: migrated documents to the current codec", "documents", n, "version", codec.Version)
	}
	// The deliveries of deleted subscriptions whose purge a crash cut
	// short.
	if err := s.PurgeDeleted(context.Background()); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("badger store: purging the deliveries of deleted webhooks: %w", err)
	}
	if !opt.InMemory && opt.GCInterval > 0 {
		s.gcDone.Add(1)
		go s.runGC()
	}
	return s, nil
}

// openDB opens Badger, turning a panic of its Open (it has some for data
// it cannot read) into an error.
func openDB(bo bdg.Options) (db *bdg.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, &DamagedError{Dir: bo.Dir, Table: "the directory", Err: fmt.Errorf("opening it panicked: %v", r)}
		}
	}()
	return bdg.Open(bo)
}

// DB returns the Badger database under the store, for backups
// (DB.Backup), metrics and benchmarks. Writing to it bypasses every
// invariant the store keeps.
func (s *Store) DB() *bdg.DB { return s.db }

// Close stops the value-log GC and closes the database. Every
// acknowledged write is on disk afterwards. Close may be called more than
// once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.stopGC)
		s.gcDone.Wait()
		s.closeErr = s.db.Close()
	})
	return s.closeErr
}

// runGC garbage-collects the value log every GCInterval until Close.
func (s *Store) runGC() {
	defer s.gcDone.Done()
	t := time.NewTicker(s.opt.GCInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stopGC:
			return
		case <-t.C:
			s.collectGarbage()
		}
	}
}

// collectGarbage rewrites value log files while there are ones worth it.
func (s *Store) collectGarbage() {
	for i := 0; i < 16; i++ {
		select {
		case <-s.stopGC:
			return
		default:
		}
		if err := s.db.RunValueLogGC(s.opt.GCDiscardRatio); err != nil {
			if !errors.Is(err, bdg.ErrNoRewrite) && !errors.Is(err, bdg.ErrRejected) {
				s.opt.Logger.Warn("badger store: value log GC", "err", err)
			}
			return
		}
	}
}

// begin guards a call against Close.
func (s *Store) begin(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, errClosed
	}
	return s.mu.RUnlock, nil
}

// view runs f in a read-only transaction.
func (s *Store) view(ctx context.Context, f func(rd keyspace.Reader) error) error {
	end, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer end()
	txn := s.db.NewTransaction(false)
	defer txn.Discard()
	return f(&tx{s: s, txn: txn})
}

// update runs f in a read-write transaction and commits it, retrying (on
// fresh data) when it lost a race, up to MaxRetries times and never past
// ctx.
func (s *Store) update(ctx context.Context, f func(t keyspace.Txn) error) error {
	end, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer end()
	for attempt := 0; ; attempt++ {
		t := &tx{s: s, txn: s.db.NewTransaction(true)}
		err := f(t)
		if err == nil {
			err = t.commit()
		}
		t.txn.Discard()
		s.seq.settle(t.seqs)
		if err != nil {
			t.dropContent()
		}
		if !errors.Is(err, bdg.ErrConflict) {
			return s.mapError(err)
		}
		if attempt >= s.opt.MaxRetries {
			return fmt.Errorf("badger store: gave up after %d conflicting attempts: %w", attempt+1, porting.ErrConflict)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff(attempt)):
		}
	}
}

// backoff spreads retries of racing writers: up to 1ms, 2ms, 4ms... 32ms.
func backoff(attempt int) time.Duration {
	d := time.Duration(1<<min(attempt, 5)) * time.Millisecond
	return time.Duration(jitter(int64(d)))
}

// mapError turns Badger's errors into porting's where one applies.
func (s *Store) mapError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bdg.ErrTxnTooBig):
		return fmt.Errorf("badger store: %w: %w", &porting.TooLargeError{What: "one write to the store (bytes)", Limit: s.db.MaxBatchSize()}, err)
	case errors.Is(err, bdg.ErrDBClosed):
		return errClosed
	}
	return err
}

// PutAccount implements porting.Store.
func (s *Store) PutAccount(ctx context.Context, a porting.Account) error {
	return s.update(ctx, func(t keyspace.Txn) error { return keyspace.PutAccount(t, a) })
}

// Account implements porting.Store.
func (s *Store) Account(ctx context.Context, id string) (a porting.Account, err error) {
	err = s.view(ctx, func(rd keyspace.Reader) error {
		a, err = keyspace.GetAccount(rd, id)
		return err
	})
	return a, err
}

// CreateRequest implements porting.Store.
func (s *Store) CreateRequest(ctx context.Context, r *porting.PortRequest, w porting.Write) error {
	return s.update(ctx, func(t keyspace.Txn) error { return keyspace.Create(t, r, w) })
}

// Request implements porting.Store.
func (s *Store) Request(ctx context.Context, id string) (r *porting.PortRequest, err error) {
	err = s.view(ctx, func(rd keyspace.Reader) error {
		r, err = rd.LoadRequest(id)
		return err
	})
	return r, err
}

// UpdateRequest implements porting.Store.
func (s *Store) UpdateRequest(ctx context.Context, r *porting.PortRequest, w porting.Write) error {
	rev := r.Revision
	err := s.update(ctx, func(t keyspace.Txn) error {
		r.Revision = rev // a retry starts from the revision the caller read
		return keyspace.Update(t, r, w)
	})
	if err != nil {
		r.Revision = rev // the write did not happen, whichever step failed
	}
	return err
}

// DeleteRequest implements porting.Store.
func (s *Store) DeleteRequest(ctx context.Context, r *porting.PortRequest, w porting.Write) error {
	return s.update(ctx, func(t keyspace.Txn) error { return keyspace.Delete(t, r, w) })
}

// FindRequests implements porting.Store.
func (s *Store) FindRequests(ctx context.Context, q porting.Query) (p porting.Page, err error) {
	err = s.view(ctx, func(rd keyspace.Reader) error {
		p, err = keyspace.Find(rd, q)
		return err
	})
	return p, err
}

// ClaimedNumbers implements porting.Store.
func (s *Store) ClaimedNumbers(ctx context.Context, numbers []string) (m map[string]porting.Claim, err error) {
	err = s.view(ctx, func(rd keyspace.Reader) error {
		m, err = keyspace.Claimed(rd, numbers)
		return err
	})
	return m, err
}

// Timeline implements porting.Store.
func (s *Store) Timeline(ctx context.Context, requestID string, q porting.TimelineQuery) (p porting.TimelinePage, err error) {
	err = s.view(ctx, func(rd keyspace.Reader) error {
		p, err = keyspace.Timeline(rd, requestID, q)
		return err
	})
	return p, err
}

// Content implements porting.Store.
func (s *Store) Content(ctx context.Context, requestID, contentID string) (b []byte, err error) {
	err = s.view(ctx, func(rd keyspace.Reader) error {
		b, err = rd.(*tx).readContent(requestID, contentID)
		return err
	})
	return b, err
}

// Events implements porting.Store.
func (s *Store) Events(ctx context.Context, after uint64, limit int) (es []porting.Event, err error) {
	upTo := s.seq.settled() // before the snapshot: everything up to it has committed
	err = s.view(ctx, func(rd keyspace.Reader) error {
		es, err = keyspace.Events(rd, after, upTo, limit)
		return err
	})
	return es, err
}

// EventCursor implements porting.Store.
func (s *Store) EventCursor(ctx context.Context, consumer string) (seq uint64, err error) {
	err = s.view(ctx, func(rd keyspace.Reader) error {
		seq, err = keyspace.GetCursor(rd, consumer)
		return err
	})
	return seq, err
}

// SetEventCursor implements porting.Store.
func (s *Store) SetEventCursor(ctx context.Context, consumer string, seq uint64) error {
	return s.update(ctx, func(t keyspace.Txn) error { return keyspace.SetCursor(t, consumer, seq) })
}

// IndexKeys lists every key besides accounts, events, cursors and
// subscriptions, for the conformance suite's check that nothing is left
// behind.
func (s *Store) IndexKeys(ctx context.Context) (keys []string, err error) {
	err = s.view(ctx, func(keyspace.Reader) error {
		txn := s.db.NewTransaction(false)
		defer txn.Discard()
		it := txn.NewIterator(bdg.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := string(it.Item().Key())
			if !strings.HasPrefix(k, keyspace.PrefixAccount) && !strings.HasPrefix(k, keyspace.PrefixEvent) &&
				!strings.HasPrefix(k, keyspace.PrefixCursor) && !keyspace.IsSubscriptionKey(k) {
				keys = append(keys, k)
			}
		}
		return nil
	})
	return keys, err
}

// lastEventSeq finds the highest event sequence number stored.
func lastEventSeq(db *bdg.DB) (uint64, error) {
	var last uint64
	err := db.View(func(txn *bdg.Txn) error {
		it := txn.NewIterator(bdg.IteratorOptions{Reverse: true, Prefix: []byte(keyspace.PrefixEvent)})
		defer it.Close()
		it.Seek(append([]byte(keyspace.PrefixEvent), 0xff))
		if !it.Valid() {
			return nil
		}
		k := it.Item().Key()
		if !bytes.HasPrefix(k, []byte(keyspace.PrefixEvent)) {
			return nil
		}
		seq, err := keyspace.EventSeq(string(k))
		last = seq
		return err
	})
	return last, err
}
