package porting_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/portkit/portkit/porting"
	"github.com/stretchr/testify/require"
)

// allStates is every lifecycle state, cancel-pending included, written out
// here rather than taken from porting.States().
var allStates = []porting.State{
	porting.StateUnconfirmed,
	porting.StateSubmitted,
	porting.StatePending,
	porting.StateScheduled,
	porting.StateCompleted,
	porting.StateRejected,
	porting.StateCanceled,
	porting.StateCancelPending,
}

// lifecycleTable is the expected transition table, from the doc comment of
// transitions in state.go and domain-facts §2: expected[from][to]. A pair
// that is missing is Nobody.
var lifecycleTable = map[porting.State]map[porting.State]porting.Who{
	porting.StateUnconfirmed: {
		porting.StateSubmitted: porting.Anyone,
		porting.StateCanceled:  porting.Anyone,
	},
	porting.StateSubmitted: {
		porting.StatePending:       porting.Authority,
		porting.StateRejected:      porting.Authority,
		porting.StateCanceled:      porting.Authority,
		porting.StateCancelPending: porting.Anyone,
	},
	porting.StatePending: {
		porting.StateScheduled:     porting.Authority,
		porting.StateCompleted:     porting.Authority,
		porting.StateRejected:      porting.Authority,
		porting.StateCanceled:      porting.Authority,
		porting.StateCancelPending: porting.Anyone,
	},
	porting.StateScheduled: {
		porting.StateCompleted:     porting.Authority,
		porting.StateRejected:      porting.Authority,
		porting.StateCanceled:      porting.Authority,
		porting.StateCancelPending: porting.Anyone,
	},
	porting.StateCompleted: {},
	porting.StateRejected: {
		porting.StateSubmitted:     porting.Anyone,
		porting.StateCompleted:     porting.Authority,
		porting.StateCanceled:      porting.Authority,
		porting.StateCancelPending: porting.Anyone,
	},
	porting.StateCanceled: {},
	porting.StateCancelPending: {
		porting.StateCanceled: porting.Authority,
	},
}

func whoName(w porting.Who) string {
	switch w {
	case porting.Nobody:
		return "Nobody"
	case porting.Anyone:
		return "Anyone"
	case porting.Authority:
		return "Authority"
	}
	return fmt.Sprintf("Who(%d)", int(w))
}

func TestLifecycleWhoFullTable(t *testing.T) {
	require.Len(t, lifecycleTable, len(allStates), "the expected table must have a row for every state")
	count := 0
	for _, from := range allStates {
		for _, to := range allStates {
			want := lifecycleTable[from][to] // Nobody when missing
			got := porting.Lifecycle{}.Who(from, to, "")
			require.Equal(t, whoName(want), whoName(got), "Who(%s -> %s)", from, to)
			count++
		}
	}
	require.Equal(t, 64, count)
}

func TestLifecycleSelfAndTerminal(t *testing.T) {
	for _, l := range []porting.Lifecycle{{}, {SkipPending: true}} {
		for _, s := range allStates {
			for _, resume := range append([]porting.State{""}, allStates...) {
				require.Equal(t, porting.Nobody, l.Who(s, s, resume), "%+v: %s -> itself (resume %q)", l, s, resume)
			}
		}
		for _, from := range []porting.State{porting.StateCompleted, porting.StateCanceled} {
			for _, to := range allStates {
				require.Equal(t, porting.Nobody, l.Who(from, to, ""), "%+v: out of terminal %s to %s", l, from, to)
			}
		}
	}
}

func TestLifecycleUnknownStates(t *testing.T) {
	require.Equal(t, porting.Nobody, porting.Lifecycle{}.Who("bogus", porting.StateSubmitted, ""))
	require.Equal(t, porting.Nobody, porting.Lifecycle{}.Who(porting.StateUnconfirmed, "bogus", ""))
	require.Equal(t, porting.Nobody, porting.Lifecycle{}.Who("", porting.StateSubmitted, ""))
}

func TestLifecycleSkipPending(t *testing.T) {
	skip := porting.Lifecycle{SkipPending: true}
	require.Equal(t, porting.Authority, skip.Who(porting.StateSubmitted, porting.StateScheduled, ""))
	require.Equal(t, porting.Nobody, porting.Lifecycle{}.Who(porting.StateSubmitted, porting.StateScheduled, ""))

	for _, from := range allStates {
		for _, to := range allStates {
			if from == porting.StateSubmitted && to == porting.StateScheduled {
				continue
			}
			want := lifecycleTable[from][to]
			require.Equal(t, whoName(want), whoName(skip.Who(from, to, "")),
				"SkipPending must not change %s -> %s", from, to)
		}
	}

	// A cancel-pending sub request resuming submitted may go wherever
	// submitted may go, which with SkipPending includes scheduled.
	require.Equal(t, porting.Authority, skip.Who(porting.StateCancelPending, porting.StateScheduled, porting.StateSubmitted))
	require.Equal(t, porting.Nobody, porting.Lifecycle{}.Who(porting.StateCancelPending, porting.StateScheduled, porting.StateSubmitted))
}

func TestLifecycleCancelPendingWithResume(t *testing.T) {
	tests := []struct {
		resume porting.State
		// allowed targets (all Authority); every other target is Nobody.
		allowed []porting.State
	}{
		{
			resume: porting.StatePending,
			allowed: []porting.State{
				porting.StateCanceled,  // confirm the cancellation
				porting.StatePending,   // refuse it: back to the resume state
				porting.StateScheduled, // withdraw it and move on
				porting.StateCompleted,
				porting.StateRejected,
			},
		},
		{
			resume: porting.StateSubmitted,
			allowed: []porting.State{
				porting.StateCanceled,
				porting.StateSubmitted,
				porting.StatePending,
				porting.StateRejected,
			},
		},
		{
			resume: porting.StateScheduled,
			allowed: []porting.State{
				porting.StateCanceled,
				porting.StateScheduled,
				porting.StateCompleted,
				porting.StateRejected,
			},
		},
		{
			resume: porting.StateRejected,
			allowed: []porting.State{
				porting.StateCanceled,
				porting.StateRejected,
				porting.StateSubmitted, // Anyone from rejected, but Authority out of cancel-pending
				porting.StateCompleted,
			},
		},
	}
	for _, tc := range tests {
		t.Run(string(tc.resume), func(t *testing.T) {
			allowed := map[porting.State]bool{}
			for _, s := range tc.allowed {
				allowed[s] = true
			}
			for _, to := range allStates {
				want := porting.Nobody
				if allowed[to] {
					want = porting.Authority
				}
				got := porting.Lifecycle{}.Who(porting.StateCancelPending, to, tc.resume)
				require.Equal(t, whoName(want), whoName(got), "cancel-pending(resume %s) -> %s", tc.resume, to)
			}
			require.Equal(t, porting.Nobody, porting.Lifecycle{}.Who(porting.StateCancelPending, porting.StateCancelPending, tc.resume))
		})
	}
}

func TestLifecycleResumeIgnoredForOtherStates(t *testing.T) {
	for _, from := range allStates {
		if from == porting.StateCancelPending {
			continue
		}
		for _, to := range allStates {
			want := lifecycleTable[from][to]
			for _, resume := range allStates {
				require.Equal(t, whoName(want), whoName(porting.Lifecycle{}.Who(from, to, resume)),
					"%s -> %s with resume %s", from, to, resume)
			}
		}
	}
}

func TestStatePredicates(t *testing.T) {
	type preds struct{ valid, terminal, active, editable, deletable bool }
	want := map[porting.State]preds{
		porting.StateUnconfirmed:   {valid: true, active: true, editable: true, deletable: true},
		porting.StateSubmitted:     {valid: true, active: true},
		porting.StatePending:       {valid: true, active: true},
		porting.StateScheduled:     {valid: true, active: true},
		porting.StateCompleted:     {valid: true, terminal: true},
		porting.StateRejected:      {valid: true, active: true, editable: true, deletable: true},
		porting.StateCanceled:      {valid: true, terminal: true, deletable: true},
		porting.StateCancelPending: {valid: true, active: true},
		"":                         {},
		"bogus":                    {},
		"Pending":                  {},
	}
	for s, w := range want {
		got := preds{s.Valid(), s.Terminal(), s.Active(), s.Editable(), s.Deletable()}
		require.Equal(t, w, got, "state %q", s)
	}
}

func sub(s porting.State) porting.SubRequest { return porting.SubRequest{State: s} }

func cancelPending(resume porting.State) porting.SubRequest {
	return porting.SubRequest{State: porting.StateCancelPending, ResumeState: resume}
}

func TestDeriveState(t *testing.T) {
	u, sb, p, sc := porting.StateUnconfirmed, porting.StateSubmitted, porting.StatePending, porting.StateScheduled
	co, rj, ca := porting.StateCompleted, porting.StateRejected, porting.StateCanceled
	tests := []struct {
		name string
		subs []porting.SubRequest
		want porting.State
	}{
		{"no subs (nil)", nil, u},
		{"no subs (empty)", []porting.SubRequest{}, u},
		{"single unconfirmed", []porting.SubRequest{sub(u)}, u},
		{"single submitted", []porting.SubRequest{sub(sb)}, sb},
		{"single pending", []porting.SubRequest{sub(p)}, p},
		{"single scheduled", []porting.SubRequest{sub(sc)}, sc},
		{"single completed", []porting.SubRequest{sub(co)}, co},
		{"single rejected", []porting.SubRequest{sub(rj)}, rj},
		{"single canceled", []porting.SubRequest{sub(ca)}, ca},
		{"all canceled", []porting.SubRequest{sub(ca), sub(ca), sub(ca)}, ca},
		{"all completed", []porting.SubRequest{sub(co), sub(co)}, co},
		{"completed and canceled mix", []porting.SubRequest{sub(ca), sub(co), sub(ca)}, co},
		{"canceled then completed", []porting.SubRequest{sub(co), sub(ca)}, co},
		{"rejected wins over less advanced", []porting.SubRequest{sub(u), sub(rj)}, rj},
		{"rejected wins over more advanced", []porting.SubRequest{sub(sc), sub(rj), sub(p)}, rj},
		{"rejected first then others", []porting.SubRequest{sub(rj), sub(sb), sub(u)}, rj},
		{"rejected among terminal", []porting.SubRequest{sub(co), sub(rj), sub(ca)}, rj},
		{"least advanced: unconfirmed", []porting.SubRequest{sub(sc), sub(u), sub(p)}, u},
		{"least advanced: submitted", []porting.SubRequest{sub(sc), sub(p), sub(sb)}, sb},
		{"least advanced: pending", []porting.SubRequest{sub(sc), sub(p), sub(sc)}, p},
		{"terminal ignored when some open", []porting.SubRequest{sub(co), sub(sc), sub(ca)}, sc},
		{"completed and open pending", []porting.SubRequest{sub(co), sub(p)}, p},
		{"canceled and open submitted", []porting.SubRequest{sub(ca), sub(sb)}, sb},
		{"cancel-pending counts as its resume state", []porting.SubRequest{cancelPending(p)}, p},
		{"cancel-pending resume submitted is least advanced", []porting.SubRequest{sub(sc), cancelPending(sb)}, sb},
		{"cancel-pending resume scheduled not least advanced", []porting.SubRequest{cancelPending(sc), sub(p)}, p},
		{"cancel-pending resume rejected wins", []porting.SubRequest{sub(sb), cancelPending(rj)}, rj},
		{"cancel-pending with canceled", []porting.SubRequest{sub(ca), cancelPending(sc)}, sc},
		{"cancel-pending with completed", []porting.SubRequest{cancelPending(p), sub(co)}, p},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, porting.DeriveState(tc.subs))
		})
	}
}

func TestStatesWhere(t *testing.T) {
	require.Equal(t, []porting.State{porting.StateCompleted, porting.StateCanceled}, porting.StatesWhere(porting.State.Terminal))
	require.Equal(t, []porting.State{porting.StateUnconfirmed, porting.StateRejected}, porting.StatesWhere(porting.State.Editable))
	require.Equal(t, []porting.State{porting.StateUnconfirmed, porting.StateSubmitted, porting.StatePending,
		porting.StateScheduled, porting.StateRejected}, porting.StatesWhere(porting.State.Active))
	require.Equal(t, append(append([]porting.State{}, porting.States()...), porting.StateCancelPending), porting.SubRequestStates())
}

// The table in the package documentation is the lifecycle the code
// enforces: every row names a move Lifecycle.Who allows to the one it
// says, and every allowed move between the listed states has its row.
func TestLifecycleTableIsDocumented(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	var rows []string
	in := false
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimPrefix(line, "//")
		switch {
		case strings.HasPrefix(line, "\tto "):
			in = true
		case in && strings.HasPrefix(line, "\t"):
			if cont := strings.TrimSpace(line); strings.HasPrefix(line, "\t   ") {
				rows[len(rows)-1] += " " + cont // a continued "from" list
			} else {
				rows = append(rows, cont)
			}
		case in:
			in = false
		}
	}
	require.NotEmpty(t, rows, "the lifecycle table in doc.go")
	documented := map[[2]porting.State]string{}
	for _, row := range rows {
		f := strings.Fields(strings.ReplaceAll(row, ",", " "))
		to, who := porting.State(f[0]), f[len(f)-1]
		for _, from := range f[1 : len(f)-1] {
			if strings.HasPrefix(from, "(") || !porting.State(from).Valid() {
				break // "(submitted with SkipPending)": not the default table
			}
			documented[[2]porting.State{porting.State(from), to}] = who
		}
	}
	for _, from := range porting.SubRequestStates() {
		for _, to := range porting.SubRequestStates() {
			who := porting.Lifecycle{}.Who(from, to, "")
			want := map[porting.Who]string{porting.Anyone: "anyone", porting.Authority: "authority"}[who]
			require.Equal(t, want, documented[[2]porting.State{from, to}], "%s -> %s", from, to)
		}
	}
}
