package badger

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// removeEmptyLogs removes the empty memtable (.mem) and value log (.vlog)
// files of a data directory before Badger opens it.
//
// Badger creates such a file, then sizes it; a process killed in between
// leaves a file of length 0, which holds nothing (no write reached it).
// Badger's next Open takes that file for one it has just created, fails
// with "Create a new file" after sizing it, and only the Open after that
// works. Removing the empty file first makes the first restart work.
func removeEmptyLogs(dir string, log *slog.Logger) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".mem") || strings.HasSuffix(name, ".vlog")) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if info.Size() != 0 {
			continue
		}
		path := filepath.Join(dir, name)
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("badger store: removing the empty log %s: %w", path, err)
		}
		log.Warn("badger store: removed an empty log file a killed process left behind", "file", path)
	}
	return nil
}
