// Package postgres is a porting.Store on PostgreSQL (pgx v5): portkit's
// store for platforms that run several portd (or several services) over
// one database, behind a load balancer, with failover.
//
//	s, err := postgres.Open(ctx, postgres.Options{URL: "postgres://portkit@db/portkit"})
//
// or postgres.New(pool) over a pool the platform holds (after Migrate).
//
// # Schema
//
// The schema is versioned SQL in migrations/, embedded in the package and
// applied by Open (see Migrate) under an advisory lock, so that processes
// starting together migrate once; the table schema_version records what
// was applied, and a schema newer than the build is refused. A request is
// one row of requests: its document in the binary form of
// store/internal/codec (the Badger store's, so both decode as fast, and
// versions of the model are read the same way; JSON would cost seven times
// as much to decode, and JSONB would also rewrite the raw JSON clients'
// unknown fields hold), and the columns the listings order and filter by.
// Beside it, in tables of their own: its numbers and what it holds of them
// (request_numbers), its support keys, the accounts on its path
// (request_ancestors, the account tree materialised), its timeline, its
// attachments' bytes (bytea, up to porting's 8,000,000 bytes each), and the
// event log. Rows that belong to a request are deleted with it (ON DELETE
// CASCADE). Key columns use the C collation: bytewise order, as in Go.
//
// # Invariants
//
// The database enforces every invariant of porting.Store itself, for any
// number of processes: a unique partial index on the numbers requests hold
// (a second claim of a number fails, whoever commits first, and becomes a
// *porting.NumberOnRequestError or *porting.NumberOwnedError), the
// revision named in the UPDATE or DELETE of a request (porting.ErrConflict,
// or porting.ErrNotFound), the primary key of support keys
// (porting.ErrSupportKeyTaken), and events written in the same
// transaction as the change. A write is one batch of statements sent in
// one round trip and run as one transaction, so no check can go stale
// before its write; a serialization failure or a deadlock is tried again,
// a bounded number of times and never past the context. A write whose
// connection is lost is not acknowledged (porting.ErrUnavailable), and
// neither is any call while the database cannot be reached: dialects
// answer 503 and the store serves again, by itself, once it is back.
//
// # Events
//
// Sequence numbers follow transaction IDs, and Events returns an event
// only once every writer of the database that could still commit a
// smaller one has ended (see events.go): the snapshot technique of
// transactional outboxes, with no lock that writers wait on. After a write
// with events the store sends a NOTIFY (coalesced, outside the write's
// transaction), and NotifyEvents (porting.EventNotifier) passes on every
// process's, so that Service.WatchEvents wakes at once everywhere.
//
// # Listings
//
// Every listing is an ordered index scan with keyset cursors (find.go):
// a page costs the same at 1,000 requests or at 100,000, and stays correct
// while requests are added. A test runs EXPLAIN on each at 100,000
// requests.
package postgres
