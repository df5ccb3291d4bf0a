package badger

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	bdg "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/ristretto/v2/z"
)

// DamagedError says the data directory holds a table whose checksums do
// not match its bytes, or that cannot be read at all: Open refuses to
// serve it rather than serve wrong data. It matches ErrDamaged.
type DamagedError struct {
	// Dir is the data directory; Table the damaged file in it.
	Dir, Table string
	// Err is what reading the table found.
	Err error
}

// ErrDamaged is what a damaged data directory's errors match.
var ErrDamaged = errors.New("badger store: data damaged")

// Error says what is damaged and what to do about it, on one line.
func (e *DamagedError) Error() string {
	cause := strings.Join(strings.Fields(fmt.Sprint(e.Err)), " ") // one line
	return fmt.Sprintf("badger store: %s is damaged (%s: %s): restore the directory from a backup; "+
		"nothing was served or changed", e.Dir, filepath.Base(e.Table), cause)
}

// Is reports whether target is ErrDamaged.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

// Unwrap returns what reading the table found.
func (e *DamagedError) Unwrap() error { return e.Err }

// verifyTables reads every table (.sst) of dir and checks the checksums
// of its index and of each of its blocks, before Badger opens the
// directory. Badger does not do it safely itself: with its checks off,
// a flipped byte in a block makes the keys of that block read as missing;
// with them on at open, a mismatch or a truncated table panics inside one
// of its goroutines, which takes the process down.
func verifyTables(dir string, bo bdg.Options) error {
	ids, err := manifestTables(dir, bo)
	if err != nil {
		return &DamagedError{Dir: dir, Table: bdg.ManifestFilename, Err: err}
	}
	opts := table.Options{
		ReadOnly: true, ChkMode: options.OnTableRead, BlockSize: bo.BlockSize,
		BloomFalsePositive: bo.BloomFalsePositive, Compression: bo.Compression,
		ZSTDCompressionLevel: bo.ZSTDCompressionLevel, TableSize: uint64(bo.BaseTableSize),
	}
	for _, id := range ids {
		p := table.NewFilename(id, dir)
		if err := verifyTable(p, opts); err != nil {
			return &DamagedError{Dir: dir, Table: p, Err: err}
		}
	}
	return nil
}

// manifestTables lists the tables the manifest names, in order. A table
// it does not name is one a flush or a compaction was writing when the
// process died: Badger deletes it as it opens, and it holds nothing.
func manifestTables(dir string, bo bdg.Options) ([]uint64, error) {
	f, err := os.Open(filepath.Join(dir, bdg.ManifestFilename))
	if os.IsNotExist(err) {
		return nil, nil // a new store
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, _, err := bdg.ReplayManifestFile(f, bo.ExternalMagicVersion, bo)
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(m.Tables)), nil
}

// verifyTable checks one table; a panic while reading it is damage too.
func verifyTable(path string, opts table.Options) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("it cannot be read: %v", r)
		}
	}()
	mf, err := z.OpenMmapFile(path, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	t, err := table.OpenTable(mf, opts) // verifies every checksum (ChkMode)
	if err != nil {
		return err // OpenTable has closed the file
	}
	// Close the file without Table.DecrRef, which would delete it.
	return t.MmapFile.Close(-1)
}
