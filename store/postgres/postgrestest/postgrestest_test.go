package postgrestest_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/store/postgres/postgrestest"
)

func TestMain(m *testing.M) { os.Exit(postgrestest.Main(m)) }

// Each test gets a database of its own: what one creates, another does
// not see.
func TestNewDatabaseIsolates(t *testing.T) {
	ctx := context.Background()
	urls := []string{postgrestest.NewDatabase(t), postgrestest.NewDatabase(t)}
	require.NotEqual(t, urls[0], urls[1])
	conns := make([]*pgx.Conn, 2)
	for i, u := range urls {
		c, err := pgx.Connect(ctx, u)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close(ctx) })
		conns[i] = c
	}
	_, err := conns[0].Exec(ctx, "CREATE TABLE only_here (x int)")
	require.NoError(t, err)
	var n int
	require.NoError(t, conns[1].QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'").Scan(&n))
	require.Zero(t, n)
	var collation string
	require.NoError(t, conns[1].QueryRow(ctx, "SELECT datcollate FROM pg_database WHERE datname = current_database()").Scan(&collation))
	require.Equal(t, "C", collation)
}

// A cluster of one's own stops (immediately, as a crash would) and starts
// again on the same port, keeping what was committed.
func TestClusterStopStart(t *testing.T) {
	ctx := context.Background()
	c := postgrestest.StartCluster(t, postgrestest.ClusterOptions{})
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)")
	require.NoError(t, err)
	port := c.Port()

	require.NoError(t, c.Stop(postgrestest.Immediate))
	ctxShort, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = conn.Exec(ctxShort, "SELECT 1")
	require.Error(t, err, "the server is down")
	_, err = pgx.Connect(ctxShort, c.URL("postgres"))
	require.Error(t, err, "nothing listens while it is down")

	require.NoError(t, c.Start())
	require.Equal(t, port, c.Port())
	conn, err = pgx.Connect(ctx, c.URL("postgres"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var x int
	require.NoError(t, conn.QueryRow(ctx, "SELECT x FROM kept").Scan(&x))
	require.Equal(t, 42, x)
	require.NoError(t, c.Stop(postgrestest.Fast))
	require.NoError(t, c.Stop(postgrestest.Fast), "stopping a stopped cluster")
}
