package postgrestest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The environment variables that choose the server.
const (
	// EnvURL names a server to use instead of a throwaway cluster: a
	// postgres:// URL whose user may create databases.
	EnvURL = "PORTKIT_POSTGRES_URL"
	// EnvRequire, set to 1, turns a missing server from a skip into a
	// failure.
	EnvRequire = "PORTKIT_REQUIRE_POSTGRES"
)

// Server is the PostgreSQL server the tests of a binary share.
type Server struct {
	admin   *url.URL       // a database to run CREATE and DROP DATABASE in
	pool    *pgxpool.Pool  // connections to it
	cluster *Cluster       // the throwaway cluster; nil for EnvURL's server
	names   atomic.Int64   // databases created, for their names
	prefix  string         // of the databases' names: this binary's
	dbs     sync.WaitGroup // databases not dropped yet
}

var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Shared returns the server the test binary's tests share, started on
// first use: EnvURL's, or a throwaway cluster. Without either it skips
// tb, saying how to enable the PostgreSQL tests (or fails it, when
// EnvRequire is 1).
func Shared(tb testing.TB) *Server {
	tb.Helper()
	shared.once.Do(func() { shared.srv, shared.err = openShared() })
	if shared.err != nil {
		unavailable(tb, shared.err)
	}
	return shared.srv
}

func openShared() (*Server, error) {
	raw := os.Getenv(EnvURL)
	var c *Cluster
	if raw == "" {
		var err error
		if c, err = startCluster(ClusterOptions{}); err != nil {
			return nil, err
		}
		raw = c.URL("postgres")
	}
	s, err := connect(raw, c)
	if err != nil && c != nil {
		_ = c.remove()
	}
	return s, err
}

// connect opens the admin connections of a server.
func connect(raw string, c *Cluster) (*Server, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("%s must be a postgres:// URL, not %q", EnvURL, raw)
	}
	pool, err := pgxpool.New(context.Background(), raw)
	if err == nil {
		err = pool.Ping(context.Background())
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, fmt.Errorf("connecting to %s: %w", u.Redacted(), err)
	}
	return &Server{admin: u, pool: pool, cluster: c, prefix: fmt.Sprintf("portkit_test_%d_", os.Getpid())}, nil
}

// Cluster returns the throwaway cluster the server runs on, or nil when
// it is EnvURL's server.
func (s *Server) Cluster() *Cluster { return s.cluster }

// NewDatabase creates an empty database on the shared server, dropped
// when tb ends, and returns its URL. It skips tb without a server (see
// Shared).
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	return Shared(tb).NewDatabase(tb)
}

// NewDatabase creates an empty database, dropped when tb ends, and
// returns its URL. The database is UTF-8 with the C collation, copied
// from template0.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	name := s.prefix + fmt.Sprint(s.names.Add(1))
	ctx := context.Background()
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := s.pool.Exec(ctx, "CREATE DATABASE "+ident+" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"); err != nil {
		tb.Fatalf("postgrestest: creating database %s: %v", name, err)
	}
	s.dbs.Add(1)
	tb.Cleanup(func() {
		defer s.dbs.Done()
		// WITH (FORCE) ends the connections a test left open.
		if _, err := s.pool.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			tb.Errorf("postgrestest: dropping database %s: %v", name, err)
		}
	})
	u := *s.admin
	u.Path = "/" + name
	return u.String()
}

// Main runs a test binary's tests, then stops and removes the shared
// cluster if they started one, and returns the exit code:
//
//	func TestMain(m *testing.M) { os.Exit(postgrestest.Main(m)) }
//
// Without it the cluster still dies with the binary (on Linux), but its
// temporary directory stays behind.
func Main(m *testing.M) int {
	code := m.Run()
	if s := shared.srv; s != nil {
		s.dbs.Wait()
		s.pool.Close()
		if s.cluster != nil {
			if err := s.cluster.remove(); err != nil {
				fmt.Fprintln(os.Stderr, "postgrestest: removing the shared cluster:", err)
			}
		}
	}
	return code
}

// unavailable skips tb for want of a server, or fails it under EnvRequire.
func unavailable(tb testing.TB, why error) {
	tb.Helper()
	msg := fmt.Sprintf("no PostgreSQL for the tests (%v): set %s to a postgres:// URL of a server whose user may create databases, "+
		"or install PostgreSQL (apt-get install postgresql) so that initdb and postgres are on PATH or in %s", why, EnvURL, debianBins)
	if strings.TrimSpace(os.Getenv(EnvRequire)) == "1" {
		tb.Fatalf("%s; %s=1 requires them", msg, EnvRequire)
	}
	tb.Skipf("%s; %s=1 turns this skip into a failure", msg, EnvRequire)
}
