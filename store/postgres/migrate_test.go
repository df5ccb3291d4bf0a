package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/postgres"
	"github.com/portkit/portkit/store/postgres/postgrestest"
)

// pool connects to a database for the test.
func pool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	return p
}

// versions reads schema_version.
func versions(t *testing.T, p *pgxpool.Pool) []int {
	t.Helper()
	rows, err := p.Query(t.Context(), "SELECT version FROM schema_version ORDER BY version")
	require.NoError(t, err)
	var out []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	return out
}

// Processes that start together migrate once: the others wait, then find
// the schema current.
func TestOpenMigratesOnceUnderConcurrency(t *testing.T) {
	url := postgrestest.NewDatabase(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(context.Background(), postgres.Options{URL: url, MaxConns: 2})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	want := make([]int, postgres.SchemaVersion)
	for i := range want {
		want[i] = i + 1
	}
	require.Equal(t, want, versions(t, pool(t, url)), "each migration applied once")
}

// NoMigrate opens only a database at SchemaVersion, and says what to do
// otherwise.
func TestNoMigrate(t *testing.T) {
	ctx := context.Background()
	url := postgrestest.NewDatabase(t)
	_, err := postgres.Open(ctx, postgres.Options{URL: url, NoMigrate: true})
	require.ErrorIs(t, err, postgres.ErrSchemaOutdated)
	require.ErrorContains(t, err, "postgres.Migrate")

	p := pool(t, url)
	require.NoError(t, postgres.Migrate(ctx, p))
	require.NoError(t, postgres.Migrate(ctx, p), "migrating a current schema does nothing")
	require.NoError(t, postgres.CheckSchema(ctx, p))
	s, err := postgres.Open(ctx, postgres.Options{URL: url, NoMigrate: true})
	require.NoError(t, err)
	require.NoError(t, s.PutAccount(ctx, porting.Account{ID: "a", Name: "A"}))
	require.NoError(t, s.Close())

	// A platform's pool: New leaves it open when the store closes.
	s = postgres.New(p)
	_, err = s.Account(ctx, "a")
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, p.Ping(ctx))
}

// A schema newer than the build is refused, by Open, Migrate and
// CheckSchema alike, and left as it was.
func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	url := postgrestest.NewDatabase(t)
	p := pool(t, url)
	require.NoError(t, postgres.Migrate(ctx, p))
	_, err := p.Exec(ctx, "INSERT INTO schema_version (version, name) VALUES ($1, 'from the future')", postgres.SchemaVersion+1)
	require.NoError(t, err)
	for _, noMigrate := range []bool{false, true} {
		_, err = postgres.Open(ctx, postgres.Options{URL: url, NoMigrate: noMigrate})
		require.ErrorIs(t, err, postgres.ErrSchemaNewer)
		require.ErrorContains(t, err, "knows")
	}
	require.ErrorIs(t, postgres.Migrate(ctx, p), postgres.ErrSchemaNewer)
	require.ErrorIs(t, postgres.CheckSchema(ctx, p), postgres.ErrSchemaNewer)
	require.Len(t, versions(t, p), postgres.SchemaVersion+1)
}
