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

// damagedDir returns a data directory whose one table damage changes.
func damagedDir(t *testing.T, damage func(b []byte) []byte) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	s, err := badgerstore.Open(badgerstore.Options{Dir: dir})
	require.NoError(t, err)
	for i := range 300 {
		require.NoError(t, s.CreateRequest(ctx, newRequest(i), porting.Write{}))
	}
	require.NoError(t, s.DB().Flatten(1)) // the memtable becomes tables
	require.NoError(t, s.Close())
	ssts, err := filepath.Glob(filepath.Join(dir, "*.sst"))
	require.NoError(t, err)
	require.NotEmpty(t, ssts, "the requests are in tables")
	b, err := os.ReadFile(ssts[0])
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(ssts[0], damage(b), 0o644))
	return dir
}

// A table damaged at rest is refused at Open with one line that says what
// and what to do: never served as wrong or missing data, never a panic.
func TestOpenRefusesDamagedTables(t *testing.T) {
	for name, damage := range map[string]func([]byte) []byte{
		"flipped bytes": func(b []byte) []byte {
			for i := 100; i < 164 && i < len(b); i++ {
				b[i] ^= 0xff
			}
			return b
		},
		"truncated": func(b []byte) []byte { return b[:len(b)/2] },
		"empty":     func([]byte) []byte { return nil },
	} {
		t.Run(name, func(t *testing.T) {
			dir := damagedDir(t, damage)
			_, err := badgerstore.Open(badgerstore.Options{Dir: dir})
			require.ErrorIs(t, err, badgerstore.ErrDamaged)
			var de *badgerstore.DamagedError
			require.ErrorAs(t, err, &de)
			require.Contains(t, err.Error(), ".sst")
			require.Contains(t, err.Error(), "restore the directory from a backup")
			require.NotContains(t, err.Error(), "\n")
		})
	}
}
