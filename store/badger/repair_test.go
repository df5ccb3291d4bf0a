package badger_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	badgerstore "github.com/portkit/portkit/store/badger"
)

// A process killed between creating a memtable or value log file and
// sizing it leaves an empty file; the next Open must work, and keep what
// was acknowledged before.
func TestOpenAfterKillLeftEmptyLogs(t *testing.T) {
	for _, name := range []string{"00007.mem", "00009.vlog"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			s, err := badgerstore.Open(badgerstore.Options{Dir: dir})
			require.NoError(t, err)
			r := newRequest(1)
			require.NoError(t, s.CreateRequest(ctx, r, porting.Write{}))
			require.NoError(t, s.Close())

			// What a kill between create and truncate leaves.
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), nil, 0o644))

			s, err = badgerstore.Open(badgerstore.Options{Dir: dir})
			require.NoError(t, err, "the first Open after the kill")
			got, err := s.Request(ctx, r.ID)
			require.NoError(t, err)
			require.Equal(t, r.ID, got.ID)
			require.NoError(t, s.Close())
		})
	}
}
