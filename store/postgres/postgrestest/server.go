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
	admin   *url.URL      // a database to run CREATE and DROP DATABASE in
	pool    *pgxpool.Pool // connections to it
	cluster *Cluster      // the throwaway cluster; nil for EnvURL's server
	names   atomic.Int64  // databases created, for their names
	prefix  string        // of the databases' names: this binary's
}

// shared are the test binary's servers, by whether they fsync.
var shared struct {
	mu      sync.Mutex
	servers map[bool]*sharedServer
}

type sharedServer struct {
	once sync.Once
	srv  *Server
	err  error
}

// Shared returns the server the test binary's tests share, started on
// first use: EnvURL's, or a throwaway cluster without fsync. Without
// either it skips tb, saying how to enable the PostgreSQL tests (or fails
// it, when EnvRequire is 1).
func Shared(tb testing.TB) *Server {
	tb.Helper()
	return sharedServerOf(tb, false)
}

// SharedDurable is Shared with fsync on (ClusterOptions.Fsync), for
// benchmarks that measure writes as a production server makes them durable.
// With EnvURL it is the same server as Shared.
func SharedDurable(tb testing.TB) *Server {
	tb.Helper()
	return sharedServerOf(tb, true)
}

func sharedServerOf(tb testing.TB, fsync bool) *Server {
	tb.Helper()
	if os.Getenv(EnvURL) != "" {
		fsync = false // one server, whatever it does
	}
	shared.mu.Lock()
	if shared.servers == nil {
		shared.servers = map[bool]*sharedServer{}
	}
	ss := shared.servers[fsync]
	if ss == nil {
		ss = &sharedServer{}
		shared.servers[fsync] = ss
	}
	shared.mu.Unlock()
	ss.once.Do(func() { ss.srv, ss.err = openShared(ClusterOptions{Fsync: fsync}) })
	if ss.err != nil {
		unavailable(tb, ss.err)
	}
	return ss.srv
}

func openShared(opt ClusterOptions) (*Server, error) {
	raw := os.Getenv(EnvURL)
	var c *Cluster
	if raw == "" {
		var err error
		if c, err = startCluster(opt); err != nil {
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
// returns its URL.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	url, err := s.CreateDatabase(context.Background())
	if err != nil {
		tb.Fatalf("postgrestest: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.DropDatabase(context.Background(), url); err != nil {
			tb.Errorf("postgrestest: %v", err)
		}
	})
	return url
}

// CreateDatabase creates an empty database and returns its URL: UTF-8,
// the C collation, copied from template0. It stays until DropDatabase (or
// the end of a throwaway cluster): for data kept across tests, such as a
// benchmark's dataset.
func (s *Server) CreateDatabase(ctx context.Context) (string, error) {
	name := s.prefix + fmt.Sprint(s.names.Add(1))
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := s.pool.Exec(ctx, "CREATE DATABASE "+ident+" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"); err != nil {
		return "", fmt.Errorf("creating database %s: %w", name, err)
	}
	u := *s.admin
	u.Path = "/" + name
	return u.String(), nil
}

// DropDatabase drops a database CreateDatabase made, ending the
// connections left to it.
func (s *Server) DropDatabase(ctx context.Context, url string) error {
	name := url[strings.LastIndexByte(url, '/')+1:]
	if i := strings.IndexByte(name, '?'); i >= 0 {
		name = name[:i]
	}
	if _, err := s.pool.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("dropping database %s: %w", name, err)
	}
	return nil
}

// Main runs a test binary's tests, then stops and removes the throwaway
// clusters they started (see Stop), and returns the exit code:
//
//	func TestMain(m *testing.M) { os.Exit(postgrestest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}

// Stop stops and removes the shared throwaway clusters (call it once the
// tests are done with them). Without it a cluster still dies with the
// test binary (on Linux), but its temporary directory stays behind.
func Stop() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for fsync, ss := range shared.servers {
		delete(shared.servers, fsync)
		s := ss.srv
		if s == nil {
			continue
		}
		s.pool.Close()
		if s.cluster != nil {
			if err := s.cluster.remove(); err != nil {
				fmt.Fprintln(os.Stderr, "postgrestest: removing a shared cluster:", err)
			}
		}
	}
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
