package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portkit/portkit/internal/backends"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/codec"
	"github.com/portkit/portkit/store/internal/storebench"
	"github.com/portkit/portkit/store/postgres"
)

// BenchmarkStoreVsRaw runs the store benchmarks' four operations (create
// a 10-number request, get one by ID, find one by number, list a page of
// 50 of an account) on the PostgreSQL store holding 1,000 and 100,000
// requests, and in the same iteration raw pgx running the same
// statements on the same database, with their parameters prepared outside
// the timer (documents encoded, rows laid out): what the store adds is
// encoding and decoding documents, laying out rows, and checking errors.
// It reports both costs and raw/store, the store's share of raw pgx
// throughput (1 = as fast as raw pgx).
//
//	go test -run '^$' -bench StoreVsRaw -benchtime 2000x ./store/postgres/
//
// The database is on a server with fsync on (postgrestest.SharedDurable),
// as a production one is; the datasets are written once per run.
func BenchmarkStoreVsRaw(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			s := dataset(b, n)
			pairedOps(b, s, n)
		})
	}
}

// dataset returns a store holding requests [0, n), written by 8 writers.
func dataset(b *testing.B, n int) *postgres.Store {
	be := postgresBackend(b)
	return be.Dataset(b, fmt.Sprintf("postgres-bench-%d", n), func(s porting.Store) error { return storebench.Populate(s, n) }).(*postgres.Store)
}

func postgresBackend(b *testing.B) backends.Backend {
	for _, be := range backends.All() {
		if be.Name == "postgres" {
			return be
		}
	}
	b.Fatal("no postgres backend")
	return backends.Backend{}
}

func pairedOps(b *testing.B, s *postgres.Store, n int) {
	ctx := context.Background()
	pool := s.Pool()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	b.Run("create", func(b *testing.B) {
		var raw *pgx.Batch
		storebench.Paired(b, func() {
			r := storebench.Request(storebench.Fresh())
			if err := s.CreateRequest(ctx, r, storebench.Write(r)); err != nil {
				b.Fatal(err)
			}
		}, func() {
			raw = rawCreate(b, storebench.Request(storebench.Fresh()))
		}, func() {
			if err := pool.SendBatch(ctx, raw).Close(); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("get", func(b *testing.B) {
		storebench.Paired(b, func() {
			if _, err := s.Request(ctx, fmt.Sprintf("%032x", rng.IntN(n)+1)); err != nil {
				b.Fatal(err)
			}
		}, nil, func() {
			var doc []byte
			if err := pool.QueryRow(ctx, "SELECT doc FROM requests WHERE id = $1", fmt.Sprintf("%032x", rng.IntN(n)+1)).Scan(&doc); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("by-number", func(b *testing.B) {
		storebench.Paired(b, func() {
			i := rng.IntN(n)
			if p, err := s.FindRequests(ctx, porting.Query{Number: storebench.Number(i, i%storebench.NumbersPerRequest)}); err != nil || len(p.Requests) != 1 {
				b.Fatal(err)
			}
		}, nil, func() {
			i := rng.IntN(n)
			rawFind(b, pool, porting.Query{Number: storebench.Number(i, i%storebench.NumbersPerRequest)}, 1)
		})
	})
	b.Run("list-50", func(b *testing.B) {
		storebench.Paired(b, func() {
			if p, err := s.FindRequests(ctx, porting.Query{AccountID: storebench.Account(rng.IntN(storebench.Accounts)), Limit: 50}); err != nil || len(p.Requests) != 50 {
				b.Fatal(err)
			}
		}, nil, func() {
			rawFind(b, pool, porting.Query{AccountID: storebench.Account(rng.IntN(storebench.Accounts)), Limit: 50}, 50)
		})
	})
}

// rawCreate prepares the store's statements of a create, parameters and
// all.
func rawCreate(b *testing.B, r *porting.PortRequest) *pgx.Batch {
	l := postgres.LayoutOf(r)
	r.Revision = 1
	doc := codec.Encode(r)
	ev, err := json.Marshal(storebench.Write(r).Events[0])
	if err != nil {
		b.Fatal(err)
	}
	batch := &pgx.Batch{}
	batch.Queue(postgres.SQLEventWriter)
	batch.Queue(postgres.SQLLock, l.Locks, r.ID)
	batch.Queue(postgres.SQLInsertRequest, r.ID, r.AccountID, string(r.State), r.Created.UnixNano(), r.Updated.UnixNano(), 0, doc)
	batch.Queue(postgres.SQLAddNumbers, r.ID, l.Numbers, l.Holds)
	batch.Queue(postgres.SQLAddKeys, r.ID, l.Keys)
	batch.Queue(postgres.SQLSetAncestors, r.ID, l.Path, string(r.State), r.Created.UnixNano(), r.Updated.UnixNano())
	batch.Queue(postgres.SQLAppendEvents, []string{string(ev)})
	return batch
}

// rawFind runs the store's SQL of a listing's first page and reads its
// rows without decoding them.
func rawFind(b *testing.B, pool *pgxpool.Pool, q porting.Query, want int) {
	sql, args, _, _ := postgres.FindSQL(q)
	rows, err := pool.Query(context.Background(), sql, args...)
	if err != nil {
		b.Fatal(err)
	}
	var doc []byte
	var ns int64
	var id string
	found := 0
	if _, err := pgx.ForEachRow(rows, []any{&doc, &ns, &id}, func() error { found++; return nil }); err != nil {
		b.Fatal(err)
	}
	if found < want {
		b.Fatal("raw find: found", found)
	}
}
