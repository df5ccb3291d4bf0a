package postgres

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Migrations are numbered from 1 without gaps, one file per number.
func TestMigrationsAreNumbered(t *testing.T) {
	require.NotEmpty(t, migrations)
	for i, m := range migrations {
		require.Equal(t, i+1, m.version, m.name)
		require.NotEmpty(t, m.sql, m.name)
	}
	require.Equal(t, len(migrations), SchemaVersion)
}
