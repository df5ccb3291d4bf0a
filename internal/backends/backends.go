// Package backends is the one list of portkit's porting.Store backends
// that the module's own tests and benchmarks run on: the store
// benchmarks, the HTTP races and portd's crash test take every backend
// from here, so a new backend is added in one place. (Each backend's own
// package runs the conformance suite, store/storetest, on itself.)
package backends

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/portkit/portkit/porting"
	badgerstore "github.com/portkit/portkit/store/badger"
	"github.com/portkit/portkit/store/memory"
)

// Backend is one Store implementation.
type Backend struct {
	// Name is the backend's name, as portd's -store flag takes it.
	Name string
	// Open returns a new, empty store for one test or benchmark. The
	// store is closed, and its data removed, when tb ends.
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
	datasets   = map[string]string{} // key -> Badger directory
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
	}
	datasetsMu.Unlock()
	s, err := badgerstore.Open(badgerstore.Options{Dir: dir, GCInterval: -1, Logger: quiet})
	if err != nil {
		tb.Fatalf("backends: open badger dataset %s: %v", key, err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// Cleanup removes the datasets kept for the process: call it from
// TestMain, after m.Run.
func Cleanup() {
	datasetsMu.Lock()
	defer datasetsMu.Unlock()
	for key, dir := range datasets {
		_ = os.RemoveAll(dir)
		delete(datasets, key)
	}
}
