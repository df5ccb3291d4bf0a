// Package backends is the one list of portkit's porting.Store backends
// that the module's own tests and benchmarks run on: the store
// benchmarks, the HTTP races and portd's crash test take every backend
// from here, so a new backend is added in one place. (Each backend's own
// package runs the conformance suite, store/storetest, on itself.)
package backends

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/portkit/portkit/porting"
	badgerstore "github.com/portkit/portkit/store/badger"
	"github.com/portkit/portkit/store/memory"
	"github.com/portkit/portkit/store/postgres"
	"github.com/portkit/portkit/store/postgres/postgrestest"
)

// Backend is one Store implementation.
type Backend struct {
	// Name is the backend's name, as portd's -store flag takes it.
	Name string
	// Open returns a new, empty store for one test or benchmark. The
	// store is closed, and its data removed, when tb ends. A backend that
	// needs a server the machine lacks (PostgreSQL) skips tb, saying how
	// to enable it (see postgrestest).
	Open func(tb testing.TB) porting.Store
	// Durable, for a backend whose data outlives its process, makes a new,
	// empty place for that data, removed when tb ends. It is nil for a
	// backend that keeps nothing.
	Durable func(tb testing.TB) Place
	// Dataset returns a store holding what fill writes, opened as a
	// server opens it (durable writes on), for benchmarks. The backend may
	// write the data faster than a server would (without syncing each
	// write) and keep it, under key, for the rest of the process (see
	// Cleanup). The store is closed when tb ends.
	Dataset func(tb testing.TB, key string, fill func(porting.Store) error) porting.Store
	// Shared is true for a backend several processes may use at once (a
	// database server), so several portd may serve one Place.
	Shared bool
}

// Place is where a durable store keeps its data.
type Place struct {
	// Flags are the portd flags that serve the place: -store and where.
	Flags []string
	// Open opens the store in this process (while no portd runs on it).
	Open func() (porting.Store, error)
}

// All returns every backend.
func All() []Backend {
	return []Backend{
		{Name: "memory", Open: openMemory, Dataset: memoryDataset},
		{Name: "badger", Open: openBadger, Durable: badgerPlace, Dataset: badgerDataset},
		{Name: "postgres", Open: openPostgres, Durable: postgresPlace, Dataset: postgresDataset, Shared: true},
	}
}

// Durable returns the backends whose data outlives the process.
func Durable() []Backend {
	var out []Backend
	for _, b := range All() {
		if b.Durable != nil {
			out = append(out, b)
		}
	}
	return out
}

func openMemory(tb testing.TB) porting.Store {
	s := memory.New()
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// quiet is the logger of stores under test: their warnings are the
// test's to assert, not to print.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func openBadger(tb testing.TB) porting.Store {
	s, err := badgerstore.Open(badgerstore.Options{Dir: tb.TempDir(), Logger: quiet})
	if err != nil {
		tb.Fatalf("backends: open badger: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func badgerPlace(tb testing.TB) Place {
	dir := tb.TempDir()
	return Place{
		Flags: []string{"-store", "badger", "-data", dir},
		Open: func() (porting.Store, error) {
			return badgerstore.Open(badgerstore.Options{Dir: filepath.Join(dir, "badger"), Logger: quiet})
		},
	}
}

func memoryDataset(tb testing.TB, _ string, fill func(porting.Store) error) porting.Store {
	s := openMemory(tb)
	if err := fill(s); err != nil {
		tb.Fatalf("backends: filling the memory store: %v", err)
	}
	return s
}

var (
	datasetsMu sync.Mutex
	datasets   = map[string]string{} // key -> Badger directory, or PostgreSQL database URL
	drops      []func()              // what Cleanup removes besides directories
)

func badgerDataset(tb testing.TB, key string, fill func(porting.Store) error) porting.Store {
	datasetsMu.Lock()
	dir, ok := datasets[key]
	if !ok {
		var err error
		if dir, err = os.MkdirTemp("", "portkit-dataset-"); err != nil {
			datasetsMu.Unlock()
			tb.Fatal(err)
		}
		s, err := badgerstore.Open(badgerstore.Options{Dir: dir, NoSyncWrites: true, GCInterval: -1, Logger: quiet})
		if err == nil {
			err = fill(s)
			if cerr := s.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			datasetsMu.Unlock()
			tb.Fatalf("backends: filling the badger dataset %s: %v", key, err)
		}
		datasets[key] = dir
		drops = append(drops, func() { _ = os.RemoveAll(dir) })
	}
	datasetsMu.Unlock()
	s, err := badgerstore.Open(badgerstore.Options{Dir: dir, GCInterval: -1, Logger: quiet})
	if err != nil {
		tb.Fatalf("backends: open badger dataset %s: %v", key, err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// Cleanup removes the datasets kept for the process and stops the
// PostgreSQL servers the tests started: call it from TestMain, after
// m.Run.
func Cleanup() {
	datasetsMu.Lock()
	defer datasetsMu.Unlock()
	for _, drop := range drops {
		drop()
	}
	drops = nil
	clear(datasets)
	postgrestest.Stop()
}

// openPostgres opens a store on a fresh database of the tests' shared
// server. Its pool is larger than pgxpool's default (the number of CPUs),
// for the 64 clients of the HTTP races.
func openPostgres(tb testing.TB) porting.Store {
	s, err := postgres.Open(context.Background(), postgres.Options{URL: postgrestest.NewDatabase(tb), MaxConns: 16})
	if err != nil {
		tb.Fatalf("backends: open postgres: %v", err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// postgresPlace is a fresh database of the tests' shared server, which
// portd opens with -store postgres.
func postgresPlace(tb testing.TB) Place {
	url := postgrestest.NewDatabase(tb)
	return Place{
		Flags: []string{"-store", "postgres", "-postgres-url", url},
		Open: func() (porting.Store, error) {
			return postgres.Open(context.Background(), postgres.Options{URL: url})
		},
	}
}

// postgresDataset keeps its datasets on a server that fsyncs, as a
// production one does; it fills them without waiting for each commit to
// be flushed (synchronous_commit off), which changes nothing of the data.
func postgresDataset(tb testing.TB, key string, fill func(porting.Store) error) porting.Store {
	srv := postgrestest.SharedDurable(tb)
	ctx := context.Background()
	datasetsMu.Lock()
	url, ok := datasets[key]
	if !ok {
		var err error
		if url, err = srv.CreateDatabase(ctx); err != nil {
			datasetsMu.Unlock()
			tb.Fatal(err)
		}
		drops = append(drops, func() { _ = srv.DropDatabase(ctx, url) })
		s, err := postgres.Open(ctx, postgres.Options{URL: withParam(url, "synchronous_commit=off"), MaxConns: 8})
		if err == nil {
			err = fill(s)
			if cerr := s.Close(); err == nil {
				err = cerr
			}
		}
		if err == nil {
			err = analyze(ctx, url)
		}
		if err != nil {
			datasetsMu.Unlock()
			tb.Fatalf("backends: filling the postgres dataset %s: %v", key, err)
		}
		datasets[key] = url
	}
	datasetsMu.Unlock()
	s, err := postgres.Open(ctx, postgres.Options{URL: url, MaxConns: 16})
	if err != nil {
		tb.Fatalf("backends: open postgres dataset %s: %v", key, err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// analyze gathers the planner's statistics of a freshly filled database,
// as autovacuum would soon after.
func analyze(ctx context.Context, url string) error {
	s, err := postgres.Open(ctx, postgres.Options{URL: url, MaxConns: 1})
	if err != nil {
		return err
	}
	defer s.Close()
	_, err = s.Pool().Exec(ctx, "VACUUM ANALYZE")
	return err
}

// withParam adds a query parameter to a URL.
func withParam(url, param string) string {
	if strings.Contains(url, "?") {
		return url + "&" + param
	}
	return url + "?" + param
}
