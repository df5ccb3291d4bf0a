package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"

	"github.com/portkit/portkit/internal/backends"
	"github.com/stretchr/testify/require"

	bdg "github.com/dgraph-io/badger/v4"

	"github.com/portkit/portkit/porting"
	badgerstore "github.com/portkit/portkit/store/badger"
	"github.com/portkit/portkit/store/internal/keyspace"
	"github.com/portkit/portkit/store/internal/storebench"
)

// The store benchmarks: create a 10-number request, get one by ID, get one
// by number, list a page of 50, on both stores with 1,000 and 100,000
// requests already stored; and beside them raw Badger doing the same key
// reads and writes on the same data, as the baseline of the Badger store
// (BenchmarkBadgerVsRaw).
//
//	go test -run '^$' -bench . -benchtime 2000x ./store/
//
// The Badger store runs as a server would: on disk, SyncWrites on (and
// off, to show the cost without the disk). The datasets are written once
// per run (without fsync, then reopened).

var benchSizes = []int{1_000, 100_000}

// settle collects the garbage of what ran before, so that a benchmark
// does not pay for it.
func settle() { runtime.GC() }

// dataset returns a store of the backend holding n requests.
func dataset(b *testing.B, be backends.Backend, n int) porting.Store {
	return be.Dataset(b, fmt.Sprintf("store-bench-%d", n), func(s porting.Store) error { return storebench.Populate(s, n) })
}

func TestMain(m *testing.M) {
	code := m.Run()
	backends.Cleanup()
	os.Exit(code)
}

// storeOps runs the four operations on a Store holding n requests.
func storeOps(b *testing.B, s porting.Store, n int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	b.Run("create", func(b *testing.B) {
		settle()
		b.ReportAllocs()
		for b.Loop() {
			r := storebench.Request(storebench.Fresh())
			if err := s.CreateRequest(ctx, r, storebench.Write(r)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("get", func(b *testing.B) {
		settle()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Request(ctx, fmt.Sprintf("%032x", rng.IntN(n)+1)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("by-number", func(b *testing.B) {
		settle()
		b.ReportAllocs()
		for b.Loop() {
			i := rng.IntN(n)
			p, err := s.FindRequests(ctx, porting.Query{Number: storebench.Number(i, i%storebench.NumbersPerRequest)})
			if err != nil || len(p.Requests) != 1 {
				b.Fatal(err, len(p.Requests))
			}
		}
	})
	b.Run("list-50", func(b *testing.B) {
		settle()
		b.ReportAllocs()
		for b.Loop() {
			p, err := s.FindRequests(ctx, porting.Query{AccountID: storebench.Account(rng.IntN(storebench.Accounts)), Limit: 50})
			if err != nil || len(p.Requests) != 50 {
				b.Fatal(err, len(p.Requests))
			}
		}
	})
}

// BenchmarkStore runs the four operations on every backend.
func BenchmarkStore(b *testing.B) {
	for _, be := range backends.All() {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/n=%d", be.Name, n), func(b *testing.B) {
				storeOps(b, dataset(b, be, n), n)
			})
		}
	}
}

// badgerBackend is the Badger store's entry in the list of backends.
func badgerBackend(b *testing.B) backends.Backend {
	for _, be := range backends.All() {
		if be.Name == "badger" {
			return be
		}
	}
	b.Fatal("no badger backend")
	return backends.Backend{}
}

// BenchmarkBadgerVsRaw runs each operation through the Badger store and,
// in the same iteration, as raw Badger key reads and writes on the same
// database (keys and values prepared outside the timer): the disk's fsync
// latency wanders, so only a paired measurement compares the two fairly.
// It reports both costs and raw-ns/store-ns, the store's share of raw
// throughput (1 = as fast as raw Badger).
func BenchmarkBadgerVsRaw(b *testing.B) {
	for _, n := range benchSizes {
		for _, sync := range []bool{true, false} {
			b.Run(fmt.Sprintf("n=%d/sync=%v", n, sync), func(b *testing.B) {
				s := dataset(b, badgerBackend(b), n).(*badgerstore.Store)
				if !sync { // the same data, without the fsync of every commit
					dir := s.DB().Opts().Dir
					require.NoError(b, s.Close())
					var err error
					s, err = badgerstore.Open(badgerstore.Options{Dir: dir, GCInterval: -1, NoSyncWrites: true})
					require.NoError(b, err)
					defer s.Close()
				}
				pairedOps(b, s, n)
			})
		}
	}
}

func pairedOps(b *testing.B, s *badgerstore.Store, n int) {
	ctx := context.Background()
	db := s.DB()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	doc := rawDoc(b, db)
	b.Run("create", func(b *testing.B) {
		var w rawWrite
		storebench.Paired(b, func() {
			r := storebench.Request(storebench.Fresh())
			if err := s.CreateRequest(ctx, r, storebench.Write(r)); err != nil {
				b.Fatal(err)
			}
		}, func() {
			i := storebench.Fresh()
			w = rawCreate(storebench.Request(i), uint64(1<<40+i), doc)
		}, func() { rawPut(b, db, w) })
	})
	b.Run("get", func(b *testing.B) {
		storebench.Paired(b, func() {
			if _, err := s.Request(ctx, fmt.Sprintf("%032x", rng.IntN(n)+1)); err != nil {
				b.Fatal(err)
			}
		}, nil, func() { rawGet(b, db, fmt.Sprintf("%032x", rng.IntN(n)+1)) })
	})
	b.Run("by-number", func(b *testing.B) {
		storebench.Paired(b, func() {
			i := rng.IntN(n)
			if p, err := s.FindRequests(ctx, porting.Query{Number: storebench.Number(i, i%storebench.NumbersPerRequest)}); err != nil || len(p.Requests) != 1 {
				b.Fatal(err)
			}
		}, nil, func() {
			i := rng.IntN(n)
			rawByNumber(b, db, storebench.Number(i, i%storebench.NumbersPerRequest))
		})
	})
	b.Run("list-50", func(b *testing.B) {
		storebench.Paired(b, func() {
			if p, err := s.FindRequests(ctx, porting.Query{AccountID: storebench.Account(rng.IntN(storebench.Accounts)), Limit: 50}); err != nil || len(p.Requests) != 50 {
				b.Fatal(err)
			}
		}, nil, func() { rawList(b, db, storebench.Account(rng.IntN(storebench.Accounts)), 50) })
	})
}

// rawWrite is one create as raw Badger operations.
type rawWrite struct {
	reads [][]byte
	sets  [][2][]byte
}

func rawCreate(r *porting.PortRequest, seq uint64, enc []byte) rawWrite {
	var w rawWrite
	w.reads = append(w.reads, []byte(keyspace.RequestKey(r.ID)))
	for k, v := range keyspace.Entries(r) {
		switch k[:2] {
		case keyspace.PrefixClaim:
			w.reads = append(w.reads, []byte(k), []byte(keyspace.PrefixDone+k[2:]))
		case keyspace.PrefixKey:
			w.reads = append(w.reads, []byte(k))
		}
		w.sets = append(w.sets, [2][]byte{[]byte(k), []byte(v)})
	}
	ev, _ := keyspace.EncodeEvent(storebench.Write(r).Events[0])
	w.sets = append(w.sets, [2][]byte{[]byte(keyspace.RequestKey(r.ID)), enc}, [2][]byte{[]byte(keyspace.EventKey(seq)), ev})
	return w
}

// rawDoc returns a stored document's bytes, to stand in for the encoding
// of a new one.
func rawDoc(b *testing.B, db *bdg.DB) []byte {
	var doc []byte
	if err := db.View(func(txn *bdg.Txn) error {
		item, err := txn.Get([]byte(keyspace.RequestKey(fmt.Sprintf("%032x", 1))))
		if err == nil {
			doc, err = item.ValueCopy(nil)
		}
		return err
	}); err != nil {
		b.Fatal(err)
	}
	return doc
}

func rawPut(b *testing.B, db *bdg.DB, w rawWrite) {
	txn := db.NewTransaction(true)
	defer txn.Discard()
	for _, k := range w.reads {
		if _, err := txn.Get(k); !errors.Is(err, bdg.ErrKeyNotFound) {
			b.Fatal("raw create: key exists", err)
		}
	}
	for _, kv := range w.sets {
		if err := txn.Set(kv[0], kv[1]); err != nil {
			b.Fatal(err)
		}
	}
	if err := txn.Commit(); err != nil {
		b.Fatal(err)
	}
}

func rawGetIn(b *testing.B, txn *bdg.Txn, id string) {
	item, err := txn.Get([]byte(keyspace.RequestKey(id)))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := item.ValueCopy(nil); err != nil {
		b.Fatal(err)
	}
}

func rawGet(b *testing.B, db *bdg.DB, id string) {
	txn := db.NewTransaction(false)
	defer txn.Discard()
	rawGetIn(b, txn, id)
}

func rawByNumber(b *testing.B, db *bdg.DB, e164 string) {
	prefix := []byte(keyspace.PrefixNumber + e164 + "/")
	txn := db.NewTransaction(false)
	defer txn.Discard()
	it := txn.NewIterator(bdg.IteratorOptions{Prefix: prefix})
	defer it.Close()
	found := 0
	for it.Rewind(); it.Valid(); it.Next() {
		rawGetIn(b, txn, string(it.Item().Key()[len(prefix):]))
		found++
	}
	if found != 1 {
		b.Fatal("raw by-number: found", found)
	}
}

func rawList(b *testing.B, db *bdg.DB, acct string, limit int) {
	prefix := []byte("i/o/" + acct + "/*/c/")
	txn := db.NewTransaction(false)
	defer txn.Discard()
	it := txn.NewIterator(bdg.IteratorOptions{Prefix: prefix})
	defer it.Close()
	found := 0
	for it.Rewind(); it.Valid() && found < limit; it.Next() {
		k := it.Item().Key()
		rawGetIn(b, txn, string(k[len(prefix)+17:]))
		found++
	}
	if found != limit {
		b.Fatal("raw list: found", found)
	}
}
