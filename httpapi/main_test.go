package httpapi_test

import (
	"os"
	"testing"

	"github.com/portkit/portkit/internal/backends"
)

// TestMain stops the PostgreSQL server the tests on every backend start.
func TestMain(m *testing.M) {
	code := m.Run()
	backends.Cleanup()
	os.Exit(code)
}
