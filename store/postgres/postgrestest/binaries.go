package postgrestest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
)

// debianBins is where Debian's postgresql packages put their binaries, one
// directory per major version.
const debianBins = "/usr/lib/postgresql/*/bin"

// findBinaries returns the directory of initdb and postgres: the one of
// initdb on PATH (symbolic links followed), else the newest of Debian's.
func findBinaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if dir := filepath.Dir(p); isFile(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	if dir := newest(debianBins); dir != "" {
		return dir, nil
	}
	return "", fmt.Errorf("no initdb and postgres on PATH nor in %s", debianBins)
}

// newest returns the directory matching pattern, one per major version
// (".../{version}/bin"), of the newest version (10 after 9) that holds
// initdb and postgres; "" if none does.
func newest(pattern string) string {
	dirs, _ := filepath.Glob(pattern)
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, dir := range dirs {
		if isFile(filepath.Join(dir, "initdb")) && isFile(filepath.Join(dir, "postgres")) {
			return dir
		}
	}
	return ""
}

// version reads the major version out of a Debian bin directory.
func version(dir string) int {
	v, err := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	if err != nil {
		return -1
	}
	return v
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
