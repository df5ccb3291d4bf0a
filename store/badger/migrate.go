package badger

import (
	"bytes"
	"fmt"

	bdg "github.com/dgraph-io/badger/v4"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/codec"
	"github.com/portkit/portkit/store/internal/keyspace"
)

// migrate rewrites, in the current codec version, every request document
// of an older one, moving the comments and transitions that documents
// once held inline to the request's timeline. It runs when the store
// opens, one document per transaction, so a crash midway leaves every
// document either migrated or as it was (and the next Open goes on).
func (s *Store) migrate() (migrated int, err error) {
	var ids []string
	err = s.db.View(func(txn *bdg.Txn) error {
		it := txn.NewIterator(bdg.IteratorOptions{Prefix: []byte(keyspace.PrefixRequest), PrefetchValues: false})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			old := false
			if err := it.Item().Value(func(b []byte) error {
				old = codec.NeedsMigration(b)
				return nil
			}); err != nil {
				return err
			}
			if old {
				ids = append(ids, string(bytes.TrimPrefix(it.Item().Key(), []byte(keyspace.PrefixRequest))))
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.db.Update(func(txn *bdg.Txn) error {
			t := &tx{s: s, txn: txn}
			item, err := txn.Get([]byte(keyspace.RequestKey(id)))
			if err != nil {
				return err
			}
			var r *porting.PortRequest
			var legacy []porting.TimelineEntry
			if err := item.Value(func(b []byte) (err error) {
				r, legacy, err = codec.DecodeDocument(b)
				return err
			}); err != nil {
				return err
			}
			if err := keyspace.AppendTimeline(t, id, legacy); err != nil {
				return err
			}
			return t.StoreRequest(r)
		}); err != nil {
			return migrated, fmt.Errorf("badger store: migrating port request %s to codec version %d: %w", id, codec.Version, err)
		}
		migrated++
	}
	return migrated, nil
}
