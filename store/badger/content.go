package badger

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	bdg "github.com/dgraph-io/badger/v4"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/keyspace"
)

// chunkSize is the size of one stored piece of attachment bytes. Pieces
// are written in their own small batches, before the transaction that
// references them, so an 8 MB attachment fits even the in-memory mode's
// small transactions.
const chunkSize = 256 << 10

func contentPrefix(requestID, contentID string) string {
	return "b/" + requestID + "/" + contentID + "/"
}

// uploadPrefix holds a marker per upload in flight: written in the batch
// of an upload's chunks, deleted by the transaction that references them.
// A marker found when the store opens is an upload whose transaction never
// committed (the process died between the two), and its chunks are
// dropped then.
const uploadPrefix = "u/"

func uploadKey(requestID, contentID string) []byte {
	return []byte(uploadPrefix + requestID + "/" + contentID)
}

func chunkKey(requestID, contentID string, i int) []byte {
	return fmt.Appendf(nil, "%s%06d", contentPrefix(requestID, contentID), i)
}

// PutContent writes attachment bytes. Content IDs are fresh for every
// upload, so nothing references the chunks until the transaction commits;
// if it does not, update drops them, and if the process dies first, the
// upload's marker makes Open drop them.
func (t *tx) PutContent(requestID, contentID string, data []byte) error {
	release, err := t.s.space.take(writeCost(len(data)+64, 0))
	if err != nil {
		return err
	}
	defer release()
	wb := t.s.db.NewWriteBatch()
	defer wb.Cancel()
	marker := uploadKey(requestID, contentID)
	if err := wb.Set(marker, nil); err != nil {
		return err
	}
	t.content = append(t.content, marker)
	for i := 0; i == 0 || i*chunkSize < len(data); i++ {
		k := chunkKey(requestID, contentID, i)
		end := min(len(data), (i+1)*chunkSize)
		if err := wb.Set(k, data[i*chunkSize:end]); err != nil {
			return err
		}
		t.content = append(t.content, k)
	}
	if err := wb.Flush(); err != nil {
		return err
	}
	// Committed with the request that references the chunks, or not at all.
	return t.txn.Delete(marker)
}

// DeleteContent deletes the chunks of attachment bytes in the transaction.
func (t *tx) DeleteContent(requestID, contentID string) error {
	prefix := []byte(contentPrefix(requestID, contentID))
	it := t.txn.NewIterator(bdg.IteratorOptions{Prefix: prefix}) // keys only
	var keys [][]byte
	for it.Rewind(); it.Valid(); it.Next() {
		keys = append(keys, it.Item().KeyCopy(nil))
	}
	it.Close()
	for _, k := range keys {
		if err := t.txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// dropContent deletes chunks written for a transaction that did not
// commit.
func (t *tx) dropContent() {
	if len(t.content) == 0 {
		return
	}
	wb := t.s.db.NewWriteBatch()
	defer wb.Cancel()
	// Backwards, so that each upload's marker (written first) goes after
	// its chunks: should the batch be cut short, the marker still names
	// what is left for Open to drop.
	for _, k := range slices.Backward(t.content) {
		_ = wb.Delete(k)
	}
	if err := wb.Flush(); err != nil {
		t.s.opt.Logger.Warn("badger store: dropping unreferenced attachment bytes", "err", err)
	}
	t.content = nil
}

// dropUnfinishedUploads deletes the chunks of every upload whose
// transaction never committed, and their markers. It runs when the store
// opens, before anything else can write.
func dropUnfinishedUploads(db *bdg.DB) (dropped int, err error) {
	var markers [][]byte
	err = db.View(func(txn *bdg.Txn) error {
		it := txn.NewIterator(bdg.IteratorOptions{Prefix: []byte(uploadPrefix)}) // keys only
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			markers = append(markers, it.Item().KeyCopy(nil))
		}
		return nil
	})
	if err != nil || len(markers) == 0 {
		return 0, err
	}
	wb := db.NewWriteBatch()
	defer wb.Cancel()
	for _, m := range markers {
		requestID, contentID, _ := strings.Cut(strings.TrimPrefix(string(m), uploadPrefix), "/")
		err = db.View(func(txn *bdg.Txn) error {
			it := txn.NewIterator(bdg.IteratorOptions{Prefix: []byte(contentPrefix(requestID, contentID))}) // keys only
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				if err := wb.Delete(it.Item().KeyCopy(nil)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
		if err := wb.Delete(m); err != nil {
			return 0, err
		}
	}
	return len(markers), wb.Flush()
}

// readContent reassembles attachment bytes.
func (t *tx) readContent(requestID, contentID string) ([]byte, error) {
	it := t.txn.NewIterator(bdg.IteratorOptions{Prefix: []byte(contentPrefix(requestID, contentID))})
	defer it.Close()
	var out []byte
	found := false
	for it.Rewind(); it.Valid(); it.Next() {
		found = true
		if err := it.Item().Value(func(v []byte) error { out = append(out, v...); return nil }); err != nil {
			return nil, err
		}
	}
	if !found {
		return nil, fmt.Errorf("content %s of %s: %w", contentID, requestID, porting.ErrNotFound)
	}
	return out, nil
}

// OpenContent implements porting.ContentOpener: the bytes are read a
// chunk at a time, each in a transaction of its own, so a slow client
// holds neither the whole attachment nor a transaction open.
func (s *Store) OpenContent(ctx context.Context, requestID, contentID string) (io.ReadCloser, error) {
	r := &contentReader{s: s, ctx: ctx, requestID: requestID, contentID: contentID}
	if err := r.fetch(); err != nil {
		return nil, err
	}
	return r, nil
}

// contentReader streams the chunks of one content ID.
type contentReader struct {
	s                    *Store
	ctx                  context.Context
	requestID, contentID string
	next                 int    // the chunk fetch reads
	chunk                []byte // the chunk read last
	buf                  []byte // what is left of it
	eof                  bool
}

// fetch reads the next chunk into buf. Past the last chunk it sets eof,
// unless the first chunk is gone too: then the bytes were deleted while
// they were read, which is ErrNotFound (as it is for bytes never stored).
func (r *contentReader) fetch() error {
	return r.s.view(r.ctx, func(rd keyspace.Reader) error {
		txn := rd.(*tx).txn
		item, err := txn.Get(chunkKey(r.requestID, r.contentID, r.next))
		if errors.Is(err, bdg.ErrKeyNotFound) && r.next > 0 {
			if _, err = txn.Get(chunkKey(r.requestID, r.contentID, 0)); err == nil {
				r.eof = true
				return nil
			}
		}
		if errors.Is(err, bdg.ErrKeyNotFound) {
			return fmt.Errorf("content %s of %s: %w", r.contentID, r.requestID, porting.ErrNotFound)
		}
		if err != nil {
			return err
		}
		r.next++
		r.chunk, err = item.ValueCopy(r.chunk[:0])
		r.buf = r.chunk
		return err
	})
}

// Read implements io.Reader.
func (r *contentReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.eof {
			return 0, io.EOF
		}
		if err := r.fetch(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// Close implements io.Closer.
func (r *contentReader) Close() error { return nil }
