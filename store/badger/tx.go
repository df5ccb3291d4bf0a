package badger

import (
	"errors"
	"fmt"

	bdg "github.com/dgraph-io/badger/v4"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/codec"
	"github.com/portkit/portkit/store/internal/keyspace"
)

// tx is the keyspace view of one Badger transaction.
type tx struct {
	s    *Store
	txn  *bdg.Txn
	seqs []uint64 // event sequence numbers taken by this transaction
	// content lists chunk keys written outside the transaction, to drop
	// if it does not commit.
	content [][]byte
	// bytes counts what the transaction writes, for the space guard.
	bytes uint64
}

// writeCost is what writing one key costs on disk, beyond its key and
// value: Badger's entry header, and the memtable's copy of it in the
// table it is flushed to (counted as twice the entry).
func writeCost(key, val int) uint64 { return 2 * uint64(key+val+32) }

// set writes a key, counting its cost.
func (t *tx) set(key, val []byte) error {
	t.bytes += writeCost(len(key), len(val))
	return t.txn.Set(key, val)
}

// commit commits the transaction once the space guard has room for it.
func (t *tx) commit() error {
	release, err := t.s.space.take(t.bytes)
	if err != nil {
		return err
	}
	defer release()
	return t.txn.Commit()
}

func (t *tx) Get(key string) ([]byte, bool, error) {
	item, err := t.txn.Get([]byte(key))
	if errors.Is(err, bdg.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	v, err := item.ValueCopy(nil)
	return v, err == nil, err
}

func (t *tx) Set(key string, val []byte) error { return t.set([]byte(key), val) }

func (t *tx) Delete(key string) error {
	t.bytes += writeCost(len(key), 0)
	return t.txn.Delete([]byte(key))
}

func (t *tx) Iterate(prefix, start string) keyspace.Iterator {
	it := t.txn.NewIterator(bdg.IteratorOptions{PrefetchValues: false, Prefix: []byte(prefix)})
	if start < prefix {
		start = prefix
	}
	it.Seek([]byte(start))
	return &iterator{it: it}
}

// LoadRequest reads a document through the transaction (so a write that
// read it conflicts with a concurrent writer) and decodes it: every call
// returns a fresh copy.
func (t *tx) LoadRequest(id string) (*porting.PortRequest, error) {
	item, err := t.txn.Get([]byte(keyspace.RequestKey(id)))
	if errors.Is(err, bdg.ErrKeyNotFound) {
		return nil, fmt.Errorf("port request %s: %w", id, porting.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var r *porting.PortRequest
	err = item.Value(func(b []byte) (err error) {
		r, err = codec.Decode(b)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("port request %s: %w", id, err)
	}
	return r, nil
}

func (t *tx) StoreRequest(r *porting.PortRequest) error {
	return t.set([]byte(keyspace.RequestKey(r.ID)), codec.Encode(r))
}

func (t *tx) DeleteRequestDoc(id string) error {
	return t.txn.Delete([]byte(keyspace.RequestKey(id)))
}

func (t *tx) AppendEvents(events []porting.Event) error {
	for _, e := range events {
		e.Seq = t.s.seq.take()
		t.seqs = append(t.seqs, e.Seq)
		b, err := keyspace.EncodeEvent(e)
		if err != nil {
			return err
		}
		if err := t.set([]byte(keyspace.EventKey(e.Seq)), b); err != nil {
			return err
		}
	}
	return nil
}

// iterator adapts a Badger iterator.
type iterator struct{ it *bdg.Iterator }

func (i *iterator) Valid() bool            { return i.it.Valid() }
func (i *iterator) Key() string            { return string(i.it.Item().Key()) }
func (i *iterator) Value() ([]byte, error) { return i.it.Item().ValueCopy(nil) }
func (i *iterator) Next()                  { i.it.Next() }
func (i *iterator) Close()                 { i.it.Close() }
