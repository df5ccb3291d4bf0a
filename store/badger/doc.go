// Package badger is a porting.Store on Badger v4, an embedded key-value
// database: portkit's durable backend, for a server that owns its data
// directory.
//
// The key layout is package keyspace's: one key per index entry, so
// concurrent writers touch different keys and Badger's optimistic
// transactions conflict only when two writers really race for the same
// number, support key or request. A conflicting transaction is retried, a
// bounded number of times and never past its context, re-checking every
// invariant on fresh data.
//
// Writes are durable when acknowledged: SyncWrites is on unless turned off,
// so a write that returned survives a power cut, and a store reopened after
// Close sees every acknowledged write. Large attachment bytes are stored in
// chunks, written before the transaction that references them. The value
// log is garbage-collected on a ticker.
//
// Events get their sequence numbers from an in-process counter as they are
// written; Events returns an event only once every smaller sequence number
// has committed or failed, so a reader that saves the last Seq it saw never
// skips an event that commits late.
//
// Request documents are stored in a compact binary form (package
// store/internal/codec, which the PostgreSQL store shares) rather than
// JSON: decoding JSON would cost ten times the Badger read.
package badger
