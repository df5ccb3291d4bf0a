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
