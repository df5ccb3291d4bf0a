package storetest

import (
	"errors"
	"slices"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func claimCases() []testCase {
	return []testCase{
		{"CreateConflict", testClaimCreateConflict},
		{"UpdateConflict", testClaimUpdateConflict},
		{"OneErrorPerNumber", testClaimOneErrorPerNumber},
		{"ResaveOwnNumbers", testClaimResave},
		{"ActiveStates", testClaimActiveStates},
		{"CanceledReleases", testClaimCanceledReleases},
		{"CompletedOwns", testClaimCompletedOwns},
		{"MixedErrors", testClaimMixedErrors},
		{"PartialCompletion", testClaimPartialCompletion},
		{"RemovedNumberReleased", testClaimRemovedNumber},
		{"Reactivate", testClaimReactivate},
		{"Batch", testClaimBatch},
	}
}

// walk calls f on err and every error it wraps, depth first.
func walk(err error, f func(error)) {
	if err == nil {
		return
	}
	f(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walk(u.Unwrap(), f)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walk(e, f)
		}
	}
}

// numberClaim is what a *porting.NumberOnRequestError says.
type numberClaim struct{ E164, RequestID string }

// onRequest returns the number claims of every *porting.NumberOnRequestError
// in err's tree, sorted.
func onRequest(err error) []numberClaim {
	var out []numberClaim
	walk(err, func(e error) {
		if n, ok := e.(*porting.NumberOnRequestError); ok {
			out = append(out, numberClaim{n.Number.E164, n.RequestID})
		}
	})
	slices.SortFunc(out, func(a, b numberClaim) int {
		if a.E164 < b.E164 {
			return -1
		}
		if a.E164 > b.E164 {
			return 1
		}
		return 0
	})
	return out
}

// owned returns the numbers of every *porting.NumberOwnedError in err's
// tree, sorted.
func owned(err error) []string {
	var out []string
	walk(err, func(e error) {
		if n, ok := e.(*porting.NumberOwnedError); ok {
			out = append(out, n.Number.E164)
		}
	})
	slices.Sort(out)
	return out
}

// requireOnRequest checks that err reports exactly the given claims.
func (h *harness) requireOnRequest(err error, want ...numberClaim) {
	h.Helper()
	require.Error(h, err)
	require.ErrorIs(h, err, porting.ErrNumberOnRequest)
	var nre *porting.NumberOnRequestError
	require.True(h, errors.As(err, &nre), "errors.As(%v, *porting.NumberOnRequestError)", err)
	require.Equal(h, want, onRequest(err), "one *porting.NumberOnRequestError per number: %v", err)
	for _, c := range want {
		require.Contains(h, err.Error(), c.RequestID)
	}
}

// requireOwned checks that err reports exactly the given numbers owned.
func (h *harness) requireOwned(err error, numbers ...string) {
	h.Helper()
	require.Error(h, err)
	require.ErrorIs(h, err, porting.ErrNumberOwned)
	var noe *porting.NumberOwnedError
	require.True(h, errors.As(err, &noe), "errors.As(%v, *porting.NumberOwnedError)", err)
	slices.Sort(numbers)
	require.Equal(h, numbers, owned(err), "one *porting.NumberOwnedError per number: %v", err)
}

// requireCreateFails checks that creating r fails, as check says, and
// stores nothing.
func (h *harness) requireCreateFails(r *porting.PortRequest, check func(error)) {
	h.Helper()
	before := h.snapshot(r.E164s()...)
	err := h.s.CreateRequest(h.ctx, r, events(h.newEvent(r, porting.EventCreated)))
	check(err)
	h.requireUnchanged(before, r.E164s()...)
	h.requireGone(r.ID)
	h.requireNoKey(r.ID)
}

// requireUpdateFails checks that updating r fails, as check says, and
// changes nothing.
func (h *harness) requireUpdateFails(r *porting.PortRequest, check func(error)) {
	h.Helper()
	rev := r.Revision
	before := h.snapshot(r.E164s()...)
	err := h.s.UpdateRequest(h.ctx, r, events(h.newEvent(r, porting.EventUpdated)))
	check(err)
	require.Equal(h, rev, r.Revision, "a failed UpdateRequest must leave r.Revision alone")
	h.requireUnchanged(before, r.E164s()...)
}

func claimOf(id string) porting.Claim { return porting.Claim{RequestID: id} }

func completedBy(id string) porting.Claim { return porting.Claim{RequestID: id, Completed: true} }

func testClaimCreateConflict(h *harness) {
	nums := h.newNumbers(3)
	a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateSubmitted, nums[0], nums[1]))
	b := h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, nums[1], nums[2])
	h.requireCreateFails(b, func(err error) { h.requireOnRequest(err, numberClaim{nums[1], a.ID}) })

	require.Equal(h, map[string]porting.Claim{nums[0]: claimOf(a.ID), nums[1]: claimOf(a.ID)}, h.claims(nums...))
	require.Empty(h, h.findIDs(porting.Query{SupportKey: b.SupportKey}))
	// Nothing of b was kept: its free number and its support keys are free.
	c := h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, nums[2])
	c.SupportKey, c.SubRequests[0].SupportKey = b.SupportKey, b.SubRequests[0].SupportKey
	h.create(c)
	require.Equal(h, claimOf(c.ID), h.claims(nums[2])[nums[2]])
}

func testClaimUpdateConflict(h *harness) {
	nums := h.newNumbers(3)
	a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateSubmitted, nums[0]))
	b := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, nums[1]))
	want := b.Clone()
	h.setNumbers(b, nums...)
	h.requireUpdateFails(b, func(err error) { h.requireOnRequest(err, numberClaim{nums[0], a.ID}) })
	require.Equal(h, want, h.get(b.ID))
	require.Empty(h, h.claims(nums[2]), "a failed update claimed a free number")
	require.Equal(h, []string{a.ID}, h.findIDs(porting.Query{Number: nums[0]}))
	require.Empty(h, h.findIDs(porting.Query{Number: nums[2]}))
}

func testClaimOneErrorPerNumber(h *harness) {
	nums := h.newNumbers(5)
	a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateSubmitted, nums[0], nums[1]))
	b := h.create(h.newRequest(h.newID(), []string{"acct-2"}, porting.StatePending, nums[2]))
	c := h.newRequest(h.newID(), []string{"acct-3"}, porting.StateUnconfirmed, nums...)
	h.requireCreateFails(c, func(err error) {
		h.requireOnRequest(err, numberClaim{nums[0], a.ID}, numberClaim{nums[1], a.ID}, numberClaim{nums[2], b.ID})
	})
	require.Empty(h, h.claims(nums[3], nums[4]))

	d := h.create(h.newRequest(h.newID(), []string{"acct-3"}, porting.StateUnconfirmed, nums[3]))
	h.setNumbers(d, nums...)
	h.requireUpdateFails(d, func(err error) {
		h.requireOnRequest(err, numberClaim{nums[0], a.ID}, numberClaim{nums[1], a.ID}, numberClaim{nums[2], b.ID})
	})
}

func testClaimResave(h *harness) {
	nums := h.newNumbers(3)
	a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, nums[:2]...))
	a.Name = "same numbers"
	a.Updated = h.tick()
	h.update(a)
	h.setState(a, porting.StateSubmitted)
	h.update(a)
	h.setNumbers(a, nums...)
	h.update(a)
	require.Equal(h, map[string]porting.Claim{nums[0]: claimOf(a.ID), nums[1]: claimOf(a.ID), nums[2]: claimOf(a.ID)},
		h.claims(nums...))
	require.EqualValues(h, 4, h.get(a.ID).Revision)
}

func testClaimActiveStates(h *harness) {
	for _, st := range []porting.State{
		porting.StateUnconfirmed, porting.StateSubmitted, porting.StatePending,
		porting.StateScheduled, porting.StateRejected, porting.StateCancelPending,
	} {
		n := h.newNumber()
		a := h.newRequest(h.newID(), []string{"acct-1"}, st, n)
		require.Equal(h, []string{n}, a.ActiveNumbers(), "fixture")
		h.create(a)
		require.Equal(h, map[string]porting.Claim{n: claimOf(a.ID)}, h.claims(n), "state %s", st)
		b := h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, n)
		h.requireCreateFails(b, func(err error) { h.requireOnRequest(err, numberClaim{n, a.ID}) })
		h.requireClaimKeys(a.ID, n, true, false)
	}
}

func testClaimCanceledReleases(h *harness) {
	nums := h.newNumbers(3)
	a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateScheduled, nums[:2]...))
	h.setState(a, porting.StateCanceled)
	h.update(a)
	require.Empty(h, h.claims(nums...), "a canceled request holds no number")
	h.requireClaimKeys(a.ID, nums[0], false, false)

	// Created canceled, a request claims nothing either.
	c := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateCanceled, nums[2]))
	require.Empty(h, h.claims(nums...))
	h.requireClaimKeys(c.ID, nums[2], false, false)

	b := h.create(h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, nums...))
	require.Equal(h, map[string]porting.Claim{nums[0]: claimOf(b.ID), nums[1]: claimOf(b.ID), nums[2]: claimOf(b.ID)},
		h.claims(nums...))
	// The canceled request still lists under its numbers.
	require.Equal(h, []string{b.ID, c.ID, a.ID}, h.findIDs(porting.Query{NumberContains: "202555"}))
	require.Equal(h, []string{b.ID, a.ID}, h.findIDs(porting.Query{Number: nums[0]}))
}

func testClaimCompletedOwns(h *harness) {
	nums := h.newNumbers(3)
	a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateScheduled, nums[:2]...))
	h.setState(a, porting.StateCompleted)
	h.update(a)
	require.Equal(h, map[string]porting.Claim{nums[0]: completedBy(a.ID), nums[1]: completedBy(a.ID)}, h.claims(nums...))
	h.requireClaimKeys(a.ID, nums[0], false, true)
	h.requireSomeKey(nums[0])
	require.Equal(h, []string{a.ID}, h.findIDs(porting.Query{Number: nums[0]}))

	b := h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, nums[1], nums[2])
	h.requireCreateFails(b, func(err error) { h.requireOwned(err, nums[1]) })

	c := h.create(h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, nums[2]))
	h.setNumbers(c, nums...)
	h.requireUpdateFails(c, func(err error) { h.requireOwned(err, nums[0], nums[1]) })

	// The completed request itself may still be written.
	a.Name = "after completion"
	a.Updated = h.tick()
	h.update(a)
	require.Equal(h, completedBy(a.ID), h.claims(nums[0])[nums[0]])
}

func testClaimMixedErrors(h *harness) {
	nums := h.newNumbers(3)
	a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateSubmitted, nums[0]))
	h.setState(a, porting.StateCompleted)
	h.update(a)
	b := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateSubmitted, nums[1]))
	c := h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, nums...)
	h.requireCreateFails(c, func(err error) {
		h.requireOwned(err, nums[0])
		h.requireOnRequest(err, numberClaim{nums[1], b.ID})
	})
}

func testClaimPartialCompletion(h *harness) {
	nums := h.newNumbers(3)
	a := h.newRequest(h.newID(), []string{"acct-1"}, porting.StateCompleted, nums[0])
	h.addSubRequest(a, porting.StateScheduled, nums[1])
	h.addSubRequest(a, porting.StateCanceled, nums[2])
	require.Equal(h, porting.StateScheduled, a.State, "fixture")
	h.create(a)
	require.Equal(h, map[string]porting.Claim{nums[0]: completedBy(a.ID), nums[1]: claimOf(a.ID)}, h.claims(nums...))
	h.requireClaimKeys(a.ID, nums[0], false, true)
	h.requireClaimKeys(a.ID, nums[1], true, false)
	h.requireClaimKeys(a.ID, nums[2], false, false)

	b := h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, nums...)
	h.requireCreateFails(b, func(err error) {
		h.requireOwned(err, nums[0])
		h.requireOnRequest(err, numberClaim{nums[1], a.ID})
	})
	h.create(h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, nums[2]))

	// Completing the last open sub request turns its claim into ownership.
	a.SubRequests[1].State = porting.StateCompleted
	a.State = porting.DeriveState(a.SubRequests)
	require.Equal(h, porting.StateCompleted, a.State, "fixture")
	h.update(a)
	require.Equal(h, map[string]porting.Claim{nums[0]: completedBy(a.ID), nums[1]: completedBy(a.ID)},
		h.claims(nums[0], nums[1]))
}

func testClaimRemovedNumber(h *harness) {
	nums := h.newNumbers(2)
	a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateSubmitted, nums...))
	h.setNumbers(a, nums[1])
	h.update(a)
	require.Equal(h, map[string]porting.Claim{nums[1]: claimOf(a.ID)}, h.claims(nums...))
	require.Empty(h, h.findIDs(porting.Query{Number: nums[0]}))
	require.Empty(h, h.findIDs(porting.Query{NumberContains: nums[0][1:]}))
	h.requireNoKey(nums[0])
	h.requireSomeKey(nums[1])

	b := h.create(h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, nums[0]))
	require.Equal(h, claimOf(b.ID), h.claims(nums[0])[nums[0]])
}

func testClaimReactivate(h *harness) {
	n := h.newNumber()
	a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateRejected, n))
	h.setState(a, porting.StateCanceled)
	h.update(a)
	b := h.create(h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, n))
	want := a.Clone()
	h.setState(a, porting.StateSubmitted)
	h.requireUpdateFails(a, func(err error) { h.requireOnRequest(err, numberClaim{n, b.ID}) })
	require.Equal(h, want, h.get(a.ID))
	require.Equal(h, map[string]porting.Claim{n: claimOf(b.ID)}, h.claims(n))
}

func testClaimBatch(h *harness) {
	nums := h.newNumbers(6)
	held := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StatePending, nums[0], nums[1]))
	done := h.create(h.newRequest(h.newID(), []string{"acct-2"}, porting.StateScheduled, nums[2]))
	h.setState(done, porting.StateCompleted)
	h.update(done)
	h.create(h.newRequest(h.newID(), []string{"acct-3"}, porting.StateCanceled, nums[3]))

	got := h.claims(nums[5], nums[0], nums[2], nums[3], nums[4], nums[1], nums[0], "+0", "")
	require.Equal(h, map[string]porting.Claim{
		nums[0]: claimOf(held.ID), nums[1]: claimOf(held.ID), nums[2]: completedBy(done.ID),
	}, got)
	require.Empty(h, h.claims())
	require.Empty(h, h.claims(nums[3], nums[4]))
}
