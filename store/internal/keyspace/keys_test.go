package keyspace

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// Every ordered key a request owns falls under the prefix its scans use.
func TestScanPrefix(t *testing.T) {
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	r := &porting.PortRequest{ID: "r1", AccountID: "leaf", AccountPath: []string{"root", "leaf"}, State: porting.StateSubmitted,
		SupportKey: "pr_000001", Created: now, Updated: now,
		Numbers: []porting.PortNumber{{Number: porting.Number{E164: "+12025550100"}}}}
	scans := map[string]bool{
		PrefixNumber + "+12025550100/":                                              true,
		indexPrefix(scopeOwn, "leaf", string(porting.StateSubmitted), orderCreated): true,
		indexPrefix(scopeTree, "root", allStates, orderUpdated):                     true,
		indexPrefix(scopeGlobal, globalAccount, allStates, orderCreated):            true,
	}
	seen := map[string]bool{}
	for k := range Entries(r) {
		p := ScanPrefix(k)
		switch k[:2] {
		case PrefixNumber, PrefixIndex:
			require.NotEmpty(t, p, k)
			require.Equal(t, p, k[:len(p)], k)
			seen[p] = true
		default:
			require.Empty(t, p, k)
		}
	}
	for p := range scans {
		require.True(t, seen[p], p)
	}
	require.Equal(t, PrefixEvent, ScanPrefix(EventKey(7)))
	require.Empty(t, ScanPrefix(AccountKey("a")))
}

// The keys of a stream's deliveries and of an account's subscriptions
// fall under the prefixes their scans use, a system stream's name (which
// holds a '/') included; point keys are scanned under none.
func TestScanPrefixSubscriptions(t *testing.T) {
	for _, stream := range []string{"0123abcd", porting.SystemStream("handoff")} {
		for _, c := range []struct{ key, prefix string }{
			{deliveryKey(stream, 9), deliveryPrefix(stream)},
			{pendingPrefix(stream) + hex16(9), pendingPrefix(stream)},
			{overPrefix(stream) + hex16(9), overPrefix(stream)},
			{deliveryIDPrefix(stream) + "msg1", deliveryIDPrefix(stream)},
		} {
			require.Equal(t, c.prefix, ScanPrefix(c.key), c.key)
			require.True(t, IsSubscriptionKey(c.key), c.key)
		}
		require.Empty(t, ScanPrefix(leaseKey(stream)))
		require.Empty(t, ScanPrefix(streamCursorKey(stream)))
	}
	require.Equal(t, PrefixSubscription, ScanPrefix(subscriptionKey("0123abcd")))
	require.Equal(t, subsOfPrefix("acct"), ScanPrefix(subsOfPrefix("acct")+"0123abcd"))
	require.False(t, IsSubscriptionKey(AccountKey("a")))
	require.False(t, IsSubscriptionKey(EventKey(1)))
}
