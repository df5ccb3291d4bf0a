package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The schema is a sequence of migrations, migrations/NNNN_what.sql, each
// applied once, in order, and recorded in the table schema_version. A
// migration is never edited once released: a change of the schema is a
// new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations are the schema's steps, in order, numbered from 1 without
// gaps (TestMigrationsAreNumbered checks it).
var migrations = loadMigrations()

// SchemaVersion is the schema version this build reads and writes: the
// number of its migrations.
var SchemaVersion = len(migrations)

func loadMigrations() []migration {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		panic(err)
	}
	var out []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			panic("postgres store: migration " + base + " is not named NNNN_what.sql")
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out
}

// Errors about the schema.
var (
	// ErrSchemaNewer: the database's schema was migrated by a newer build
	// of portkit, whose data this one could misread or damage.
	ErrSchemaNewer = errors.New("the database's schema is newer than this build of portkit")
	// ErrSchemaOutdated: the database's schema lacks migrations this build
	// needs (Options.NoMigrate is set and Migrate has not run).
	ErrSchemaOutdated = errors.New("the database's schema is older than this build of portkit")
)

// migrateLock is the key of the advisory lock under which migrations run:
// "portkit" in ASCII.
const migrateLock = 0x706f72746b6974

// Migrate brings the database's schema to SchemaVersion, applying the
// migrations it lacks in one transaction, under an advisory lock: several
// processes starting at once migrate once, the others wait and find the
// work done. A schema newer than this build is refused with an error
// matching ErrSchemaNewer, and left alone. Open calls it unless
// Options.NoMigrate is set; platforms that run their migrations
// themselves call it from their own tooling.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrateLock)); err != nil {
			return fmt.Errorf("postgres store: taking the migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("postgres store: creating schema_version: %w", err)
		}
		current, err := schemaVersion(ctx, tx)
		if err != nil {
			return err
		}
		if current > SchemaVersion {
			return newerSchema(current)
		}
		for _, m := range migrations[current:] {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("postgres store: migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_version (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
				return fmt.Errorf("postgres store: recording migration %s: %w", m.name, err)
			}
		}
		return nil
	})
}

// CheckSchema returns nil when the database's schema is at SchemaVersion,
// else an error matching ErrSchemaOutdated or ErrSchemaNewer that says
// what to do. Open calls it when Options.NoMigrate is set.
func CheckSchema(ctx context.Context, pool *pgxpool.Pool) error {
	current, err := schemaVersion(ctx, pool)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table: never migrated
		current, err = 0, nil
	}
	switch {
	case err != nil:
		return err
	case current > SchemaVersion:
		return newerSchema(current)
	case current < SchemaVersion:
		return fmt.Errorf("%w: the database is at schema version %d, this build needs %d: run postgres.Migrate (or open without NoMigrate)",
			ErrSchemaOutdated, current, SchemaVersion)
	}
	return nil
}

func newerSchema(current int) error {
	return fmt.Errorf("%w: the database is at schema version %d, this build knows %d: run a build of portkit that knows version %d",
		ErrSchemaNewer, current, SchemaVersion, current)
}

// schemaVersion reads the last migration applied (0 for none).
func schemaVersion(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int, error) {
	var v int
	if err := q.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("postgres store: reading the schema version: %w", err)
	}
	return v, nil
}
