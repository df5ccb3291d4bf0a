package badger

import (
	"fmt"
	"log/slog"
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

// check refuses to open on a disk with less than the reserve free: Badger
// itself writes into a new memory-mapped file as it opens.
func (sp *space) check() error {
	if sp == nil {
		return nil
	}
	free, err := sp.free(sp.dir)
	if err != nil {
		return fmt.Errorf("badger store: reading the free space of %s: %w", sp.dir, err)
	}
	if free < sp.reserve {
		return fmt.Errorf("badger store: only %d bytes free on %s, %d needed to open it: make room on the disk, then start again: %w",
			free, sp.dir, sp.reserve, porting.ErrInsufficientStorage)
	}
	return nil
}
