// Package keyspace is the key layout and the index logic that portkit's
// key-value backends (store/memory and store/badger) share: what keys a
// port request owns, how a write checks the Store invariants before it
// changes anything, and how a Query becomes index scans.
//
// A backend provides a Txn over an ordered key space and keeps request
// documents and attachment bytes its own way; everything else is here, so
// both backends behave the same by construction and the conformance suite
// in package store checks the rest.
//
// # Keys
//
//	a/{account}                                  account (JSON)
//	r/{id}                                       request document (backend's encoding)
//	n/{e164}/{id}                                by number, every state
//	c/{e164}                 -> id               active claim on a number
//	d/{e164}                 -> id               completed port of a number
//	k/{support key}          -> id               request and sub request keys
//	i/{scope}/{acct}/{state}/{order}/{ts}/{id}   listing indexes
//	e/{seq}                                      event (JSON)
//	x/{consumer}             -> seq              event cursor
//	h/{id}/{seq}                                 timeline entry (JSON), seq from 1
//	hn/{id}                  -> seq              a request's timeline length
//	s/, sa/, l/, y/, w/, wp/, wd/, wi/           subscriptions and deliveries (see subscriptions.go)
//
// A listing index entry exists for each scope the request is visible in
// (o: its own account; t: each account on its path, for descendant
// listings; g: the global listing, account "-"), for its state and for "*"
// (any state), and for each order (c: created, u: updated). {ts} is the
// time inverted (math.MaxUint64 minus Unix nanoseconds) in 16 hex digits,
// so a forward scan yields newest first.
package keyspace
