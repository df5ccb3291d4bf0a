package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portkit/portkit/porting"
)

// Options configure Open.
type Options struct {
	// URL is the database's connection string: a postgres:// URL or
	// libpq's key=value form. pgxpool's settings work in it
	// (pool_max_conns=16, ...).
	URL string
	// MaxConns bounds the pool's connections; 0 keeps pgxpool's default
	// (the larger of 4 and the number of CPUs) or the URL's
	// pool_max_conns. Every write holds a connection for one round trip.
	MaxConns int32
	// NoMigrate leaves the schema alone: for platforms that run Migrate
	// from their own tooling. Open then only checks that the schema is at
	// SchemaVersion.
	NoMigrate bool
	// Logger receives the store's own log lines (the event listener's
	// reconnections). Default: none.
	Logger *slog.Logger
}

// Store is a porting.Store on PostgreSQL. It is safe for concurrent use,
// by any number of processes sharing the database.
type Store struct {
	pool    *pgxpool.Pool
	ownPool bool // Close closes the pool: Open made it
	log     *slog.Logger
	closed  atomic.Bool

	notifyOnce sync.Once
	notifier   atomic.Pointer[notifier] // the event notifications, started on first use
}

var (
	_ porting.Store         = (*Store)(nil)
	_ porting.EventNotifier = (*Store)(nil)
)

// Open connects to the database, migrates its schema (see Migrate; with
// Options.NoMigrate, checks it) and returns a Store that owns its
// connection pool.
func Open(ctx context.Context, opt Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(opt.URL)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	// The store's reads and writes are written for READ COMMITTED, each
	// statement seeing what committed before it (see events.go): a
	// server, role or URL that sets another default is overridden.
	cfg.ConnConfig.RuntimeParams["default_transaction_isolation"] = "read committed"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	if opt.NoMigrate {
		err = CheckSchema(ctx, pool)
	} else {
		err = Migrate(ctx, pool)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	s := New(pool)
	s.ownPool = true
	if opt.Logger != nil {
		s.log = opt.Logger
	}
	return s, nil
}

// New returns a Store over a pool the platform holds: Close leaves the
// pool open. It neither migrates nor checks the schema: run Migrate (or
// CheckSchema) first. The pool's connections must default to READ
// COMMITTED, PostgreSQL's own default (Open sees to it).
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// Pool returns the store's connection pool.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close implements porting.Store: every later call fails with
// porting.ErrClosed. It closes the pool if Open made it. Acknowledged
// writes are committed already.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if n := s.notifier.Load(); n != nil {
		n.stop()
	}
	if s.ownPool {
		s.pool.Close()
	}
	return nil
}

// errClosed is what every method of a closed Store returns.
var errClosed = fmt.Errorf("postgres store: %w", porting.ErrClosed)

// check refuses a call on a closed store or a done context.
func (s *Store) check(ctx context.Context) error {
	if s.closed.Load() {
		return errClosed
	}
	return ctx.Err()
}

// fail wraps an error of the database for op: see classify.
func (s *Store) fail(op string, err error) error {
	if s.closed.Load() {
		return errClosed
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("postgres store: %s: %w", op, err)
	}
	if sentinel := classify(err); sentinel != nil {
		return fmt.Errorf("postgres store: %s: %w: %w", op, sentinel, err)
	}
	return fmt.Errorf("postgres store: %s: %w", op, err)
}
