package badger

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/portkit/portkit/porting"
)

// space keeps Badger from filling the disk. Badger writes its memtables
// through memory-mapped files: on a full disk, a write into a page of
// such a file that has no block behind it kills the process with SIGBUS.
// So every write first takes the room it needs from what the file system
// has free, less what writes in flight have taken, and is refused with
// porting.ErrInsufficientStorage when that would leave less than the
// reserve. The reserve covers what Badger writes by itself (the flush of
// a full memtable into a table, compactions). Reads never need room.
type space struct {
	dir     string
	reserve uint64 // writes are refused below it
	warn    uint64 // a warning is logged below it
	free    func(dir string) (uint64, error)
	log     *slog.Logger

	mu       sync.Mutex
	inFlight uint64
	low      bool // below warn: warned, not again until above it
}

// take reserves n bytes for a write, or refuses it. The write calls
// release once it is on disk or has failed.
func (sp *space) take(n uint64) (release func(), err error) {
	if sp == nil {
		return func() {}, nil
	}
	free, err := sp.free(sp.dir)
	if err != nil {
		return nil, fmt.Errorf("badger store: reading the free space of %s: %w", sp.dir, err)
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	left := free - min(free, sp.inFlight)
	switch {
	case left < sp.warn && !sp.low:
		sp.low = true
		sp.log.Warn("badger store: the disk is nearly full; writes will be refused below the reserve",
			"dir", sp.dir, "free_bytes", free, "reserve_bytes", sp.reserve)
	case left >= sp.warn && sp.low:
		sp.low = false
		sp.log.Info("badger store: disk space is back above the warning level", "dir", sp.dir, "free_bytes", free)
	}
	if left < sp.reserve+n {
		return nil, fmt.Errorf("badger store: %d bytes free on %s, a write of %d bytes would leave less than the %d kept in reserve: %w",
			free, sp.dir, n, sp.reserve, porting.ErrInsufficientStorage)
	}
	sp.inFlight += n
	return func() {
		sp.mu.Lock()
		sp.inFlight -= n
		sp.mu.Unlock()
	}, nil
}

// openFloor is the free space a store needs to open beyond what flushing
// its memtables takes: Badger writes into a new memory-mapped file as it
// opens. A store with that much free opens even below the reserve, and
// serves reads while it refuses writes, so that a restart on a full disk
// is not a crash loop.
const openFloor = 4 << 20

// check refuses to open on a disk with too little room for what Badger
// does as it opens: it flushes the memtables its logs hold into tables,
// written through memory-mapped files (which a full disk answers with
// SIGBUS), and starts a new memtable.
func (sp *space) check() error {
	if sp == nil {
		return nil
	}
	free, err := sp.free(sp.dir)
	if err != nil {
		return fmt.Errorf("badger store: reading the free space of %s: %w", sp.dir, err)
	}
	logs, err := memtableBytes(sp.dir)
	if err != nil {
		return err
	}
	if need := logs + openFloor; free < need {
		return fmt.Errorf("badger store: only %d bytes free on %s, %d needed to open it: make room on the disk, then start again: %w",
			free, sp.dir, need, porting.ErrInsufficientStorage)
	}
	if free < sp.reserve {
		sp.log.Warn("badger store: the disk is below the reserve: reads are served, writes refused until room is made",
			"dir", sp.dir, "free_bytes", free, "reserve_bytes", sp.reserve)
	}
	return nil
}

// memtableBytes is the disk the memtable logs (.mem) of dir take: what
// flushing them into tables writes again.
func memtableBytes(dir string) (uint64, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.mem"))
	if err != nil {
		return 0, err
	}
	var total uint64
	for _, p := range paths {
		n, err := allocatedBytes(p)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// defaultReserve is the room Badger may need on its own, with the
// options badgerOptions sets for memtables of size m: the flush of its
// memtables (3), and its largest compaction, level 0 (up to 6 tables of
// a memtable each, when writes stall) into level 1 (4 memtables), written
// whole before the old tables go; and 4 MiB for the rest (manifest, value
// log header, a new memtable log).
func defaultReserve(m int64) int64 { return 12*m + 4<<20 }
