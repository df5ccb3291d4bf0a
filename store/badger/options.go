package badger

import (
	"log/slog"
	"time"

	bdg "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// Options configure Open.
type Options struct {
	// Dir is the data directory; required unless InMemory.
	Dir string
	// InMemory keeps everything in memory with a small footprint (an
	// 8 MiB memtable, about 10 MiB in all): for tests. A single write is
	// then limited to about 1.2 MB (a request of a few thousand numbers);
	// a bigger one fails with porting.ErrTooLarge.
	InMemory bool
	// NoSyncWrites turns off the fsync of every commit: faster, but the
	// last acknowledged writes may be lost in a power cut.
	NoSyncWrites bool
	// GCInterval is how often the value log is garbage-collected.
	// Default 10 minutes; negative turns it off.
	GCInterval time.Duration
	// GCDiscardRatio is the share of a value log file that must be stale
	// before GC rewrites it. Default 0.5.
	GCDiscardRatio float64
	// MaxRetries bounds how often a transaction that lost a race is
	// retried. Default 16.
	MaxRetries int
	// NoVerifyOnOpen skips reading every table's checksums before the
	// store opens (see DamagedError). Open is faster on a large store
	// without it, but a table damaged at rest is then served as missing
	// keys rather than refused.
	NoVerifyOnOpen bool
	// MemTableSize is the size of one memtable, in bytes: the memory a
	// burst of writes takes before it is flushed to disk, and the room a
	// flush needs. Default 16 MiB (three of them at most).
	MemTableSize int64
	// MinFree is the free disk space kept in reserve, in bytes: a write
	// that would leave less is refused with porting.ErrInsufficientStorage
	// (reads go on; a disk below it opens so, down to 4 MiB). The reserve
	// is what Badger writes on its own, through memory-mapped files that a
	// full disk answers with SIGBUS: flushing the memtables, and its
	// largest compaction (level 0 into level 1, which rewrites both).
	// Default: that, computed from the memtable size (12 memtables and
	// 4 MiB: 196 MiB with the default 16 MiB memtable); negative turns the
	// guard off.
	MinFree int64
	// WarnFree is the free space below which a warning is logged, once
	// each time it is crossed. Default twice MinFree.
	WarnFree int64
	// Logger receives Badger's warnings and errors. Default slog.Default().
	Logger *slog.Logger
	// Tune, when set, may adjust Badger's options last.
	Tune func(*bdg.Options)
}

const (
	defaultMemTableSize = 16 << 20
	defaultGCInterval   = 10 * time.Minute
	defaultMaxRetries   = 16
	inMemoryMemTable    = 8 << 20
)

func (o Options) badgerOptions() bdg.Options {
	bo := bdg.DefaultOptions(o.Dir)
	if o.InMemory {
		bo = bdg.DefaultOptions("").WithInMemory(true)
		bo.MemTableSize = inMemoryMemTable
		bo.NumMemtables = 2
		bo.NumLevelZeroTables = 2
		bo.NumLevelZeroTablesStall = 8
		bo.BlockCacheSize = 1 << 20
		bo.IndexCacheSize = 0
		bo.BaseTableSize = 1 << 20
		bo.NumCompactors = 2
		bo.Compression = options.None
	}
	if !o.InMemory {
		bo.MemTableSize = o.MemTableSize
		bo.NumMemtables = 3
		bo.NumLevelZeroTables = 3
		bo.NumLevelZeroTablesStall = 6
		bo.BaseTableSize = min(bo.BaseTableSize, o.MemTableSize)
		bo.BaseLevelSize = min(bo.BaseLevelSize, 4*o.MemTableSize)
		// A value above the threshold goes to the value log, which a batch
		// must be able to hold (Badger's rule); small memtables mean small
		// value log files too.
		bo.ValueThreshold = min(bo.ValueThreshold, o.MemTableSize/8)
		bo.ValueLogFileSize = min(bo.ValueLogFileSize, 64*o.MemTableSize)
		bo.BlockCacheSize = 64 << 20
		bo.IndexCacheSize = 16 << 20
		bo.NumCompactors = 2
	}
	bo.SyncWrites = !o.NoSyncWrites && !o.InMemory
	// Blocks and values are checked as they are read (Badger's own check
	// at open panics on a mismatch: Open runs verifyTables instead).
	bo.ChecksumVerificationMode = options.OnBlockRead
	bo.VerifyValueChecksum = true
	bo.MetricsEnabled = false
	bo.Logger = slogLogger{o.Logger}
	if o.Tune != nil {
		o.Tune(&bo)
	}
	return bo
}

// slogLogger passes Badger's warnings and errors to slog; its chatty info
// and debug lines are dropped.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Errorf(f string, args ...any)   { s.l.Error("badger: " + sprintf(f, args...)) }
func (s slogLogger) Warningf(f string, args ...any) { s.l.Warn("badger: " + sprintf(f, args...)) }
func (slogLogger) Infof(string, ...any)             {}
func (slogLogger) Debugf(string, ...any)            {}
