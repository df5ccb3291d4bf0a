package postgrestest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The binaries come from the newest major version that has them all.
func TestNewestBinaries(t *testing.T) {
	root := t.TempDir()
	mk := func(version string, files ...string) string {
		dir := filepath.Join(root, version, "bin")
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for _, f := range files {
			require.NoError(t, os.WriteFile(filepath.Join(dir, f), nil, 0o755))
		}
		return dir
	}
	pattern := filepath.Join(root, "*", "bin")
	require.Empty(t, newest(pattern))
	nine := mk("9", "initdb", "postgres")
	require.Equal(t, nine, newest(pattern))
	ten := mk("10", "initdb", "postgres")
	require.Equal(t, ten, newest(pattern), "10 is newer than 9")
	mk("16", "initdb") // no server binary: not a usable installation
	require.Equal(t, ten, newest(pattern))
	fifteen := mk("15", "initdb", "postgres")
	require.Equal(t, fifteen, newest(pattern))
}
