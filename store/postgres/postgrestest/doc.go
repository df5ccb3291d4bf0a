// Package postgrestest gives tests a PostgreSQL server: the tests of
// store/postgres, of the HTTP races and of portd run on it.
//
// Where the server comes from, in this order:
//
//  1. PORTKIT_POSTGRES_URL, if set: a server the tests may create and drop
//     databases on (the URL's user needs CREATEDB).
//  2. Otherwise a throwaway cluster, started on first use from the
//     PostgreSQL binaries of the machine: initdb and postgres on PATH, or in
//     the newest /usr/lib/postgresql/*/bin (Debian's postgresql package).
//     It lives in a temporary directory, listens on a free port of
//     127.0.0.1 and on a Unix socket in that directory, runs without fsync
//     (a test cluster need not survive a power cut, only the crash of a
//     process, which the operating system's cache does), and runs as the
//     user nobody when the tests run as root, since PostgreSQL refuses to.
//     It is stopped and removed when the test binary ends (see Main), or
//     dies with it if the binary is killed.
//  3. Otherwise every test that asks for a server skips, saying how to
//     enable it; with PORTKIT_REQUIRE_POSTGRES=1 it fails instead (CI sets
//     it, so that the PostgreSQL tests cannot silently not run).
//
// A test binary shares one server among its tests (Shared), and each test
// gets a database of its own (NewDatabase): CREATE DATABASE from an empty
// template, dropped when the test ends. A database, rather than a schema
// per test, because a database is what a deployment gets: the store's
// unqualified table names, its schema_version table, its advisory locks and
// its LISTEN/NOTIFY channels are all scoped to the database, so tests
// running in parallel cannot see each other's migrations, locks or
// notifications, and the store needs no search_path option for tests'
// sake. Creating one costs a few milliseconds.
//
// A test that stops the database under load (to check that clients ride
// out a restart) starts a cluster of its own with StartCluster, and uses
// Cluster.Stop and Cluster.Start: the shared server is never stopped.
//
//	func TestMain(m *testing.M) { os.Exit(postgrestest.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		url := postgrestest.NewDatabase(t) // skips without PostgreSQL
//		...
//	}
package postgrestest
