package storetest

import (
	"context"
	"testing"

	"github.com/portkit/portkit/porting"
)

// IndexLister is implemented by stores that can list the keys they keep
// for requests: documents, indexes, claims, support keys and attachment
// bytes, but not accounts, events or event cursors. When the store under
// test implements it, Test also checks that no key survives the delete or
// the change that should drop it, and that updates do not leak keys.
//
// Keys are opaque to the suite, which only asks whether some key mentions a
// request ID, a number or a content ID. Stores that use the key layout of
// portkit's key-value backends (store/internal/keyspace) get a few exact
// checks on claim keys as well.
type IndexLister interface {
	// IndexKeys returns every such key, in any order.
	IndexKeys(ctx context.Context) ([]string, error)
}

// Test runs the Store conformance suite. open must return a new, empty
// store each time it is called; Test calls it once per subtest, runs the
// subtests in parallel and closes each store when its subtest ends (open
// may register its own cleanup, such as removing a directory, with
// t.Cleanup; Close is not called twice by the suite).
//
// Run it with -race: several subtests hammer one store from many
// goroutines.
func Test(t *testing.T, open func(t *testing.T) porting.Store) {
	t.Helper()
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range g.cases() {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(newHarness(t, open))
				})
			}
		})
	}
}

// testCase is one subtest of the suite.
type testCase struct {
	name string
	run  func(h *harness)
}

// groups are the suite's top-level subtests, one per file.
var groups = []struct {
	name  string
	cases func() []testCase
}{
	{"Account", accountCases},
	{"Request", requestCases},
	{"Update", updateCases},
	{"Delete", deleteCases},
	{"Claims", claimCases},
	{"SupportKeys", supportKeyCases},
	{"Find", findCases},
	{"Page", pageCases},
	{"Content", contentCases},
	{"Events", eventCases},
	{"Timeline", timelineCases},
	{"Concurrent", concurrentCases},
	{"Viewer", viewerCases},
	{"Subscriptions", subscriptionCases},
	{"Close", closeCases},
}
