package postgres_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/postgres"
	"github.com/portkit/portkit/store/postgres/postgrestest"
	"github.com/portkit/portkit/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(postgrestest.Main(m)) }

// open opens a store on a fresh database, closed when t ends.
func open(t *testing.T) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), postgres.Options{URL: postgrestest.NewDatabase(t), MaxConns: 8})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// The conformance suite, each subtest on a database of its own.
func TestConformance(t *testing.T) {
	storetest.Test(t, func(t *testing.T) porting.Store { return open(t) })
}
