package telnyx

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func TestTelnyxStatusOf(t *testing.T) {
	want := map[porting.State]string{
		porting.StateUnconfirmed:   "unassigned",
		porting.StateSubmitted:     "in-process",
		porting.StatePending:       "submitted",
		porting.StateScheduled:     "foc-date-confirmed",
		porting.StateCompleted:     "ported",
		porting.StateRejected:      "exception",
		porting.StateCanceled:      "cancelled",
		porting.StateCancelPending: "cancel-pending",
	}
	states := porting.SubRequestStates()
	require.Len(t, want, len(states))
	seen := map[string]bool{}
	for _, s := range states {
		status := statusOf(s)
		require.Equal(t, want[s], status, "statusOf(%s)", s)
		require.False(t, seen[status], "two states are %q", status)
		seen[status] = true
	}
	require.Equal(t, "", statusOf("bogus"))
}

func TestTelnyxSearch(t *testing.T) {
	for _, tc := range []struct {
		term, key, digits string
	}{
		{"", "", ""},
		{"  pr_00000a ", "pr_00000a", ""},
		{"SR_00000A", "sr_00000a", ""},
		{"sr_00000a", "sr_00000a", ""},
		{"555-0302", "", "5550302"},
		{"(202) 555 0301", "", "2025550301"},
		{"nothing", "nothing", ""}, // neither: matches nothing
	} {
		var q porting.Query
		parseSearch(&q, tc.term)
		require.Equal(t, tc.key, q.SupportKey, "search %q", tc.term)
		require.Equal(t, tc.digits, q.NumberContains, "search %q", tc.term)
	}
}
