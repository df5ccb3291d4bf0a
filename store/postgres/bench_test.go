package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portkit/portkit/internal/backends"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/internal/codec"
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

// The datasets: requests spread over 10 accounts under one root, each
// with 10 numbers in one sub request, as in the store package's
// benchmarks.
const (
	benchAccounts     = 10
	numbersPerRequest = 10
)

var benchEpoch = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

func benchAccount(i int) string { return fmt.Sprintf("acct%02d", i%benchAccounts) }

func benchNumber(i, j int) string { return fmt.Sprintf("+1202%07d", i*numbersPerRequest+j) }

// benchRequest builds the i-th request of a dataset.
func benchRequest(i int) *porting.PortRequest {
	acct := benchAccount(i)
	sub := porting.SubRequest{ID: fmt.Sprintf("%032x", 1<<40+i), SupportKey: fmt.Sprintf("sr_%06x", i), State: porting.StateUnconfirmed}
	r := &porting.PortRequest{
		ID: fmt.Sprintf("%032x", i+1), AccountID: acct, AccountPath: []string{"root", acct},
		SupportKey: fmt.Sprintf("pr_%06x", i), Name: fmt.Sprintf("Port request %d", i),
		State: porting.StateUnconfirmed, SubRequests: []porting.SubRequest{sub},
		Created: benchEpoch.Add(time.Duration(i) * time.Second), Updated: benchEpoch.Add(time.Duration(i) * time.Second),
	}
	for j := range numbersPerRequest {
		e := benchNumber(i, j)
		r.Numbers = append(r.Numbers, porting.PortNumber{
			Number:            porting.Number{Raw: e, E164: e, Valid: true, Region: "US", Type: porting.NumberTypeFixedLineOrMobile, Coverage: porting.CoverageNANPGeneric},
			PortabilityStatus: porting.PortabilityPending, SubRequestID: sub.ID,
		})
	}
	return r
}

func benchWrite(r *porting.PortRequest) porting.Write {
	return porting.Write{Events: []porting.Event{{ID: r.ID, Type: porting.EventCreated, At: r.Created, RequestID: r.ID, AccountID: r.AccountID}}}
}

// dataset returns a store holding requests [0, n), written by 8 writers.
func dataset(b *testing.B, n int) *postgres.Store {
	be := postgresBackend(b)
	return be.Dataset(b, fmt.Sprintf("postgres-bench-%d", n), func(s porting.Store) error {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += 8 {
					r := benchRequest(i)
					if err := s.CreateRequest(ctx, r, benchWrite(r)); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		return <-errs
	}).(*postgres.Store)
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

// fresh counts the requests the create benchmarks make, far from the
// datasets' numbers.
var (
	freshMu sync.Mutex
	fresh   = 500_000
)

func freshRequest() int {
	freshMu.Lock()
	defer freshMu.Unlock()
	fresh++
	return fresh
}

// paired times a store operation and its raw counterpart in each
// iteration, in alternating order, and reports both. prepare, when set,
// runs untimed before each raw operation.
func paired(b *testing.B, store, prepare, raw func()) {
	var storeNs, rawNs time.Duration
	timed := func(f func()) time.Duration { t := time.Now(); f(); return time.Since(t) }
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if prepare != nil {
			prepare()
		}
		if i%2 == 0 {
			storeNs += timed(store)
			rawNs += timed(raw)
		} else {
			rawNs += timed(raw)
			storeNs += timed(store)
		}
	}
	b.ReportMetric(float64(storeNs.Nanoseconds())/float64(b.N), "store-ns/op")
	b.ReportMetric(float64(rawNs.Nanoseconds())/float64(b.N), "raw-ns/op")
	b.ReportMetric(float64(rawNs)/float64(storeNs), "raw/store")
}

func pairedOps(b *testing.B, s *postgres.Store, n int) {
	ctx := context.Background()
	pool := s.Pool()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	b.Run("create", func(b *testing.B) {
		var raw *pgx.Batch
		paired(b, func() {
			r := benchRequest(freshRequest())
			if err := s.CreateRequest(ctx, r, benchWrite(r)); err != nil {
				b.Fatal(err)
			}
		}, func() {
			raw = rawCreate(b, benchRequest(freshRequest()))
		}, func() {
			if err := pool.SendBatch(ctx, raw).Close(); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("get", func(b *testing.B) {
		paired(b, func() {
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
		paired(b, func() {
			i := rng.IntN(n)
			if p, err := s.FindRequests(ctx, porting.Query{Number: benchNumber(i, i%numbersPerRequest)}); err != nil || len(p.Requests) != 1 {
				b.Fatal(err)
			}
		}, nil, func() {
			i := rng.IntN(n)
			rawFind(b, pool, porting.Query{Number: benchNumber(i, i%numbersPerRequest)}, 1)
		})
	})
	b.Run("list-50", func(b *testing.B) {
		paired(b, func() {
			if p, err := s.FindRequests(ctx, porting.Query{AccountID: benchAccount(rng.IntN(benchAccounts)), Limit: 50}); err != nil || len(p.Requests) != 50 {
				b.Fatal(err)
			}
		}, nil, func() {
			rawFind(b, pool, porting.Query{AccountID: benchAccount(rng.IntN(benchAccounts)), Limit: 50}, 50)
		})
	})
}

// rawCreate prepares the store's statements of a create, parameters and
// all.
func rawCreate(b *testing.B, r *porting.PortRequest) *pgx.Batch {
	l := postgres.LayoutOf(r)
	r.Revision = 1
	doc := codec.Encode(r)
	ev, err := json.Marshal(benchWrite(r).Events[0])
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
