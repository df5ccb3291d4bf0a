// Package storetest is the conformance suite of porting.Store, in the
// manner of testing/fstest: every implementation must pass it. portkit's
// own live beside it, in store/memory (in memory), store/badger (on disk)
// and store/postgres (PostgreSQL); a platform's own backend runs the same
// suite from its tests.
//
// # The contract
//
// A porting.Store is more than a key-value map: the Service relies on it
// to keep a few invariants itself, atomically, however many callers write
// at once (see the porting.Store doc comment for the full text):
//
//   - At most one active request claims a number. A number is claimed
//     while the sub request holding it is in an active state (anything but
//     completed or canceled); a completed sub request leaves the number
//     owned by the platform, and no later request may claim it. A write
//     that takes a held number fails with one *porting.NumberOnRequestError
//     per number (joined with errors.Join), or *porting.NumberOwnedError
//     for an owned one.
//   - Every write names the revision it read. A stale revision fails with
//     porting.ErrConflict and changes nothing: no document, index entry,
//     attachment bytes or event.
//   - Support keys of requests and sub requests are unique, across every
//     request and within one (porting.ErrSupportKeyTaken).
//   - Events are written in the same transaction as the change, get
//     increasing sequence numbers, and become visible in Seq order, so a
//     reader that follows its last Seq never skips one.
//   - Requests and bytes passed in are not retained, and those returned
//     are the caller's own copies.
//   - Attachment bytes live while an attachment of their request refers to
//     them: an update that drops the reference, or the request's deletion,
//     deletes them.
//   - FindRequests returns pages newest first (by creation, or by last
//     update when an Updated bound is given) whose cursors stay correct
//     while newer requests are added; Page.Total, when asked for, counts
//     the whole query on every page.
//
// The store does not check domain rules (which transitions are allowed,
// whether numbers are valid): the Service does, before it writes.
//
// # Testing a backend
//
// A backend, in this module or outside it, runs the suite from a test:
//
//	func TestConformance(t *testing.T) {
//		storetest.Test(t, func(t *testing.T) porting.Store {
//			s, err := mystore.Open(t.TempDir())
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// Test calls open once per subtest, so every subtest gets a fresh, empty
// store, and runs the subtests in parallel. It closes each store when its
// subtest ends. Run it with -race: some subtests write to one store from
// dozens of goroutines.
//
// Optional capabilities are checked when the store has them, and their
// cases skipped otherwise: porting.RequestViewer (lending documents) and
// porting.SubscriptionStore (subscriptions, delivery cursors, deliveries
// and leases: every compare-and-swap of that contract is raced).
//
// A store that can list its keys should implement IndexLister: the suite
// then also checks that deletes and updates leave no stale index entry,
// claim, support key or attachment bytes behind.
package storetest
