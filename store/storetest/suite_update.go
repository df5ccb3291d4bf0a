package storetest

import (
	"fmt"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func updateCases() []testCase {
	return []testCase{
		{"IncrementsRevision", testUpdateIncrementsRevision},
		{"StaleRevision", testUpdateStaleRevision},
		{"Missing", testUpdateMissing},
		{"StateChangeMovesListing", testUpdateStateChange},
		{"NoKeyGrowth", testUpdateNoKeyGrowth},
	}
}

func testUpdateIncrementsRevision(h *harness) {
	r := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber()))
	for rev := int64(2); rev <= 4; rev++ {
		r.Name = fmt.Sprint("name at revision ", rev)
		r.Updated = h.tick()
		h.update(r)
		require.Equal(h, rev, r.Revision, "UpdateRequest increments r.Revision")
		require.Equal(h, r, h.get(r.ID), "UpdateRequest persists the request")
	}
}

func testUpdateStaleRevision(h *harness) {
	nums := h.newNumbers(2)
	r, w := h.fullRequest(h.newID(), []string{"acct-1"})
	h.create(r, w)
	stale := r.Clone()
	r.Name = "fresh"
	r.Updated = h.tick()
	h.update(r)
	require.EqualValues(h, 2, r.Revision)

	// The stale copy changes numbers, state, support key, attachments and
	// times: none of it may land, nor its event or content.
	for _, rev := range []int64{1, 3, 0} {
		s := stale.Clone()
		s.Revision = rev
		s.Name = "stale"
		h.setNumbers(s, nums...)
		h.setState(s, porting.StateCanceled)
		s.SupportKey = h.newKey("pr_")
		cid := h.newContentID()
		s.Attachments = []porting.Attachment{{ID: "att-9", Name: "new.pdf", ContentID: cid}}
		before := h.snapshot(append(nums, r.E164s()...)...)
		err := h.s.UpdateRequest(h.ctx, s, porting.Write{
			Events:  []porting.Event{h.newEvent(s, porting.EventUpdated)},
			Content: map[string][]byte{cid: []byte("stale")},
		})
		require.ErrorIs(h, err, porting.ErrConflict, "UpdateRequest at revision %d, stored 2", rev)
		require.Equal(h, rev, s.Revision, "a failed UpdateRequest must leave r.Revision alone")
		h.requireUnchanged(before, append(nums, r.E164s()...)...)
		_, err = h.s.Content(h.ctx, s.ID, cid)
		require.ErrorIs(h, err, porting.ErrNotFound, "content of a failed write was stored")
		require.Empty(h, h.findIDs(porting.Query{SupportKey: s.SupportKey}))
	}
	require.Equal(h, r, h.get(r.ID))
}

func testUpdateMissing(h *harness) {
	r := h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber())
	r.Revision = 1
	before := h.snapshot(r.E164s()...)
	err := h.s.UpdateRequest(h.ctx, r, events(h.newEvent(r, porting.EventUpdated)))
	require.ErrorIs(h, err, porting.ErrNotFound)
	h.requireUnchanged(before, r.E164s()...)
	h.requireGone(r.ID)
	h.requireNoKeys()
}

func testUpdateStateChange(h *harness) {
	path := []string{"acct-root", "acct-leaf"}
	r := h.create(h.newRequest(h.newID(), path, porting.StateUnconfirmed, h.newNumber()))
	other := h.create(h.newRequest(h.newID(), path, porting.StateUnconfirmed, h.newNumber()))
	unconfirmed := []porting.State{porting.StateUnconfirmed}
	for _, q := range []porting.Query{
		{States: unconfirmed},
		{States: unconfirmed, AccountID: "acct-leaf"},
		{States: unconfirmed, AccountID: "acct-root", Descendants: true},
	} {
		require.Equal(h, []string{other.ID, r.ID}, h.findIDs(q))
	}

	h.setState(r, porting.StateSubmitted)
	h.update(r)
	for _, acct := range []porting.Query{{}, {AccountID: "acct-leaf"}, {AccountID: "acct-root", Descendants: true}} {
		q := acct
		q.States = unconfirmed
		require.Equal(h, []string{other.ID}, h.findIDs(q), "a request left its old state's listing")
		q.States = []porting.State{porting.StateSubmitted}
		require.Equal(h, []string{r.ID}, h.findIDs(q), "a request joined its new state's listing")
		require.Equal(h, []string{other.ID, r.ID}, h.findIDs(acct))
	}
	if keys, ok := h.indexKeys(); ok {
		require.Empty(h, keysWith(keys, r.ID, string(porting.StateUnconfirmed)),
			"index keys of the old state survived a state change")
	}
}

// testUpdateNoKeyGrowth checks that updates that move the request's times
// replace its time-ordered index entries rather than add to them.
func testUpdateNoKeyGrowth(h *harness) {
	r := h.create(h.newRequest(h.newID(), []string{"acct-root", "acct-leaf"}, porting.StateUnconfirmed, h.newNumbers(2)...))
	n := h.keyCount(r.ID)
	for range 3 {
		r.Updated = h.tick()
		h.update(r)
		require.Equal(h, n, h.keyCount(r.ID), "keys of %s grew on update", r.ID)
	}
	r.Created = h.tick()
	h.update(r)
	require.Equal(h, n, h.keyCount(r.ID), "keys of %s grew on update", r.ID)
	require.Equal(h, []string{r.ID}, h.findIDs(porting.Query{CreatedFrom: r.Created, CreatedTo: r.Created}))
	require.Equal(h, []string{r.ID}, h.findIDs(porting.Query{UpdatedFrom: r.Updated, UpdatedTo: r.Updated}))
}
