// Package store holds portkit's porting.Store backends, one subpackage
// per dependency, and what they share:
//
//   - store/memory: in memory, for tests, fixtures and small deployments
//     that may lose their data on restart;
//   - store/badger: Badger v4 on disk, portkit's embedded durable store;
//   - store/postgres: PostgreSQL, which several processes share (its tests
//     get a server from store/postgres/postgrestest);
//   - store/storetest: the conformance suite every backend passes (a
//     platform's own backend runs it too);
//   - store/internal/keyspace: the key layout and index logic of the two
//     key-value backends;
//   - store/internal/codec: the binary request document of the two
//     durable backends.
//
// The benchmarks in this directory measure every backend on the same
// datasets, beside raw Badger as the baseline of the Badger store:
//
//	go test -run '^$' -bench . ./store/
package store
