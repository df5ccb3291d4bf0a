package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func deleteCases() []testCase {
	return []testCase{
		{"RemovesEverything", testDeleteRemovesEverything},
		{"Completed", testDeleteCompleted},
		{"StaleRevision", testDeleteStaleRevision},
		{"Missing", testDeleteMissing},
		{"All", testDeleteAll},
		{"RecreateSameID", testDeleteRecreate},
	}
}

// requireNothingOf checks that no query, claim, content or key finds any
// trace of r.
func (h *harness) requireNothingOf(r *porting.PortRequest) {
	h.Helper()
	h.requireGone(r.ID)
	queries := []porting.Query{
		{},
		{AccountID: r.AccountID},
		{AccountID: r.AccountPath[0], Descendants: true},
		{States: []porting.State{r.State}},
		{SupportKey: r.SupportKey},
		{CreatedFrom: r.Created, CreatedTo: r.Created},
		{UpdatedFrom: r.Updated, UpdatedTo: r.Updated},
	}
	for _, sr := range r.SubRequests {
		queries = append(queries, porting.Query{SupportKey: sr.SupportKey})
	}
	for _, n := range r.E164s() {
		queries = append(queries, porting.Query{Number: n}, porting.Query{NumberContains: n[1:]})
	}
	for _, q := range queries {
		require.NotContains(h, h.findIDs(q), r.ID, "query %+v found a deleted request", q)
	}
	require.Empty(h, h.claims(r.E164s()...), "numbers of a deleted request are still claimed")
	for _, a := range r.Attachments {
		_, err := h.s.Content(h.ctx, r.ID, a.ContentID)
		require.ErrorIs(h, err, porting.ErrNotFound, "content %s of a deleted request", a.ContentID)
		h.requireNoKey(a.ContentID)
	}
	h.requireNoKey(append(r.E164s(), r.ID)...)
}

func testDeleteRemovesEverything(h *harness) {
	r, w := h.fullRequest(h.newID(), []string{"acct-root", "acct-mid", "acct-leaf"})
	h.create(r, w)
	keep := h.create(h.newRequest(h.newID(), []string{"acct-root"}, porting.StateSubmitted, h.newNumber()))
	del := h.newEvent(r, porting.EventDeleted)
	h.remove(r, events(del))

	h.requireNothingOf(r)
	require.Equal(h, []string{keep.ID}, h.findIDs(porting.Query{}))
	es := h.allEvents()
	require.NotEmpty(h, es)
	del.Seq = es[len(es)-1].Seq
	require.Equal(h, del, es[len(es)-1], "DeleteRequest stores its event")

	// The numbers and support keys are free again.
	again := h.newRequest(h.newID(), []string{"acct-2"}, porting.StateSubmitted, r.E164s()...)
	again.SupportKey = r.SubRequests[0].SupportKey
	again.SubRequests[0].SupportKey = r.SupportKey
	h.create(again)
	require.Equal(h, []string{again.ID}, h.findIDs(porting.Query{Number: r.Numbers[0].E164}))
}

func testDeleteCompleted(h *harness) {
	r := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateSubmitted, h.newNumbers(2)...))
	h.setState(r, porting.StateCompleted)
	h.update(r)
	require.Len(h, h.claims(r.E164s()...), 2)
	h.remove(r)
	h.requireNothingOf(r)
	h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateSubmitted, r.E164s()...))
}

func testDeleteStaleRevision(h *harness) {
	r, w := h.fullRequest(h.newID(), []string{"acct-1"})
	h.create(r, w)
	stale := r.Clone()
	r.Updated = h.tick()
	h.update(r)
	for _, rev := range []int64{1, 3} {
		stale.Revision = rev
		before := h.snapshot(r.E164s()...)
		err := h.s.DeleteRequest(h.ctx, stale, events(h.newEvent(r, porting.EventDeleted)))
		require.ErrorIs(h, err, porting.ErrConflict, "DeleteRequest at revision %d, stored 2", rev)
		h.requireUnchanged(before, r.E164s()...)
	}
	require.Equal(h, r, h.get(r.ID))
	got, err := h.s.Content(h.ctx, r.ID, r.Attachments[0].ContentID)
	require.NoError(h, err)
	require.Equal(h, w.Content[r.Attachments[0].ContentID], got)
}

func testDeleteMissing(h *harness) {
	r := h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber())
	r.Revision = 1
	before := h.snapshot()
	err := h.s.DeleteRequest(h.ctx, r, events(h.newEvent(r, porting.EventDeleted)))
	require.ErrorIs(h, err, porting.ErrNotFound)
	h.requireUnchanged(before)
}

func testDeleteAll(h *harness) {
	var rs []*porting.PortRequest
	for i, st := range []porting.State{
		porting.StateUnconfirmed, porting.StateSubmitted, porting.StateCompleted, porting.StateCanceled,
		porting.StateRejected, porting.StateCancelPending,
	} {
		r, w := h.fullRequest(h.newID(), []string{"acct-root", "acct-" + string(rune('a'+i%2))})
		h.setState(r, st)
		h.create(r, w)
		rs = append(rs, r)
	}
	// Updates leave no stale entries behind either.
	rs[0].Name = "updated"
	rs[0].Updated = h.tick()
	h.update(rs[0])
	h.setState(rs[1], porting.StateCompleted)
	h.update(rs[1])

	for _, r := range rs {
		h.remove(r)
	}
	for _, r := range rs {
		h.requireNothingOf(r)
	}
	require.Empty(h, h.findIDs(porting.Query{}))
	h.requireNoKeys()
}

func testDeleteRecreate(h *harness) {
	r := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateSubmitted, h.newNumber()))
	r.Updated = h.tick()
	h.update(r)
	h.remove(r)

	again := h.newRequest(r.ID, []string{"acct-2"}, porting.StateUnconfirmed, h.newNumber())
	h.create(again)
	require.EqualValues(h, 1, again.Revision)
	require.Equal(h, again, h.get(r.ID))
	require.Equal(h, []string{r.ID}, h.findIDs(porting.Query{AccountID: "acct-2"}))
	require.Empty(h, h.findIDs(porting.Query{AccountID: "acct-1"}))
	require.Empty(h, h.claims(r.E164s()...))
}
