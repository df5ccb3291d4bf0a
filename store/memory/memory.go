// Package memory is a porting.Store in memory: for tests, fixtures and
// small deployments that can lose their data on restart. It is safe for
// concurrent use: writes take a lock, reads share one.
package memory

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/keyspace"
)

// errClosed is what every method of a closed Store returns.
var errClosed = fmt.Errorf("memory store: %w", porting.ErrClosed)

// Store is an in-memory porting.Store. Keys live in a hash map; the keys
// that are scanned in order are also kept in a skip list per scan prefix
// (keyspace.ScanPrefix), so a scan costs what its own prefix holds however
// much else is stored. Documents are kept as values and copied on the way
// out. Besides porting.Store it implements the optional
// porting.RequestViewer and porting.SubscriptionStore (the latter's
// methods come from an embedded implementation shared with store/badger).
type Store struct {
	mu      sync.RWMutex
	vals    map[string][]byte
	order   map[string]*skiplist // scan prefix -> its keys
	rng     *rand.Rand           // skip list heights
	docs    map[string]*porting.PortRequest
	content map[string][]byte
	seq     uint64
	closed  bool
	subscriptions
}

var (
	_ porting.Store         = (*Store)(nil)
	_ porting.RequestViewer = (*Store)(nil)
)

// New returns an empty Store.
func New() *Store {
	s := &Store{
		vals: make(map[string][]byte), order: make(map[string]*skiplist), rng: rand.New(rand.NewPCG(1, 2)),
		docs: make(map[string]*porting.PortRequest), content: make(map[string][]byte),
	}
	s.subscriptions = subscriptions{Backend: backend{s}}
	return s
}

// read runs f under the read lock.
func (s *Store) read(ctx context.Context, f func(r keyspace.Reader) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errClosed
	}
	return f(txn{s})
}

// write runs f under the write lock. The keyspace functions check before
// they write, so a failed f has changed nothing.
func (s *Store) write(ctx context.Context, f func(tx keyspace.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	return f(txn{s})
}

// PutAccount implements porting.Store.
func (s *Store) PutAccount(ctx context.Context, a porting.Account) error {
	return s.write(ctx, func(tx keyspace.Txn) error { return keyspace.PutAccount(tx, a) })
}

// Account implements porting.Store.
func (s *Store) Account(ctx context.Context, id string) (a porting.Account, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		a, err = keyspace.GetAccount(rd, id)
		return err
	})
	return a, err
}

// CreateRequest implements porting.Store.
func (s *Store) CreateRequest(ctx context.Context, r *porting.PortRequest, w porting.Write) error {
	return s.write(ctx, func(tx keyspace.Txn) error { return keyspace.Create(tx, r, w) })
}

// Request implements porting.Store.
func (s *Store) Request(ctx context.Context, id string) (r *porting.PortRequest, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		r, err = rd.LoadRequest(id)
		return err
	})
	return r.Clone(), err
}

// ViewRequest implements porting.RequestViewer: stored documents are never
// modified (a write stores a new copy), so the stored one is lent as is.
func (s *Store) ViewRequest(ctx context.Context, id string) (r *porting.PortRequest, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		r, err = rd.LoadRequest(id)
		return err
	})
	return r, err
}

// UpdateRequest implements porting.Store.
func (s *Store) UpdateRequest(ctx context.Context, r *porting.PortRequest, w porting.Write) error {
	rev := r.Revision
	err := s.write(ctx, func(tx keyspace.Txn) error { return keyspace.Update(tx, r, w) })
	if err != nil {
		r.Revision = rev
	}
	return err
}

// DeleteRequest implements porting.Store.
func (s *Store) DeleteRequest(ctx context.Context, r *porting.PortRequest, w porting.Write) error {
	return s.write(ctx, func(tx keyspace.Txn) error { return keyspace.Delete(tx, r, w) })
}

// FindRequests implements porting.Store.
func (s *Store) FindRequests(ctx context.Context, q porting.Query) (p porting.Page, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		p, err = keyspace.Find(rd, q)
		return err
	})
	for i, r := range p.Requests {
		p.Requests[i] = r.Clone()
	}
	return p, err
}

// ClaimedNumbers implements porting.Store.
func (s *Store) ClaimedNumbers(ctx context.Context, numbers []string) (m map[string]porting.Claim, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		m, err = keyspace.Claimed(rd, numbers)
		return err
	})
	return m, err
}

// Timeline implements porting.Store.
func (s *Store) Timeline(ctx context.Context, requestID string, q porting.TimelineQuery) (p porting.TimelinePage, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		p, err = keyspace.Timeline(rd, requestID, q)
		return err
	})
	return p, err
}

// Content implements porting.Store.
func (s *Store) Content(ctx context.Context, requestID, contentID string) (b []byte, err error) {
	err = s.read(ctx, func(keyspace.Reader) error {
		data, ok := s.content[contentKey(requestID, contentID)]
		if !ok {
			return fmt.Errorf("content %s of %s: %w", contentID, requestID, porting.ErrNotFound)
		}
		b = append([]byte(nil), data...)
		return nil
	})
	return b, err
}

// Events implements porting.Store. Writes hold the lock while they assign
// sequence numbers and commit, so every event below the last is visible.
func (s *Store) Events(ctx context.Context, after uint64, limit int) (es []porting.Event, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		es, err = keyspace.Events(rd, after, s.seq, limit)
		return err
	})
	return es, err
}

// EventCursor implements porting.Store.
func (s *Store) EventCursor(ctx context.Context, consumer string) (seq uint64, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		seq, err = keyspace.GetCursor(rd, consumer)
		return err
	})
	return seq, err
}

// SetEventCursor implements porting.Store.
func (s *Store) SetEventCursor(ctx context.Context, consumer string, seq uint64) error {
	return s.write(ctx, func(tx keyspace.Txn) error { return keyspace.SetCursor(tx, consumer, seq) })
}

// IndexKeys lists every key besides accounts, documents, events,
// cursors and subscriptions, for the conformance suite's check that
// nothing is left behind.
func (s *Store) IndexKeys(ctx context.Context) (keys []string, err error) {
	err = s.read(ctx, func(rd keyspace.Reader) error {
		for k := range s.vals {
			if !strings.HasPrefix(k, keyspace.PrefixAccount) && !strings.HasPrefix(k, keyspace.PrefixEvent) &&
				!strings.HasPrefix(k, keyspace.PrefixCursor) && !keyspace.IsSubscriptionKey(k) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for k := range s.content {
			keys = append(keys, "content:"+k)
		}
		return nil
	})
	return keys, err
}

// Close implements porting.Store. The data is gone afterwards.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

func contentKey(requestID, contentID string) string { return requestID + "/" + contentID }

// txn is the keyspace view of the Store, used under its lock.
type txn struct{ s *Store }

func (t txn) Get(key string) ([]byte, bool, error) {
	v, ok := t.s.vals[key]
	return v, ok, nil
}

func (t txn) Iterate(prefix, start string) keyspace.Iterator {
	l, ok := t.s.order[prefix]
	if !ok {
		return &iterator{} // nothing under this prefix
	}
	return l.iterate(prefix, start, t.s.vals)
}

// LoadRequest returns the stored document itself: keyspace does not
// modify it, and the Store's methods copy it before returning it.
func (t txn) LoadRequest(id string) (*porting.PortRequest, error) {
	r, ok := t.s.docs[id]
	if !ok {
		return nil, fmt.Errorf("port request %s: %w", id, porting.ErrNotFound)
	}
	return r, nil
}

func (t txn) Set(key string, val []byte) error {
	if _, had := t.s.vals[key]; !had {
		if p := keyspace.ScanPrefix(key); p != "" {
			l, ok := t.s.order[p]
			if !ok {
				l = newSkiplist()
				t.s.order[p] = l
			}
			l.insert(key, t.s.rng)
		}
	}
	t.s.vals[key] = val
	return nil
}

func (t txn) Delete(key string) error {
	if _, had := t.s.vals[key]; had {
		delete(t.s.vals, key)
		if p := keyspace.ScanPrefix(key); p != "" {
			if l := t.s.order[p]; l != nil {
				l.delete(key)
				if l.len == 0 {
					delete(t.s.order, p)
				}
			}
		}
	}
	return nil
}

func (t txn) StoreRequest(r *porting.PortRequest) error {
	t.s.docs[r.ID] = r.Clone()
	t.s.vals[keyspace.RequestKey(r.ID)] = nil
	return nil
}

func (t txn) DeleteRequestDoc(id string) error {
	delete(t.s.docs, id)
	delete(t.s.vals, keyspace.RequestKey(id))
	return nil
}

func (t txn) PutContent(requestID, contentID string, data []byte) error {
	t.s.content[contentKey(requestID, contentID)] = append([]byte(nil), data...)
	return nil
}

func (t txn) DeleteContent(requestID, contentID string) error {
	delete(t.s.content, contentKey(requestID, contentID))
	return nil
}

func (t txn) AppendEvents(events []porting.Event) error {
	for _, e := range events {
		t.s.seq++
		e.Seq = t.s.seq
		b, err := keyspace.EncodeEvent(e)
		if err != nil {
			return err
		}
		if err := t.Set(keyspace.EventKey(e.Seq), b); err != nil {
			return err
		}
	}
	return nil
}
