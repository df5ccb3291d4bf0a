package storetest

import (
	"fmt"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// A request's timeline: entries appended with writes, read back in the
// order written, paged, filtered, deleted with the request.

func timelineCases() []testCase {
	return []testCase{
		{"AppendedInOrder", testTimelineAppendedInOrder},
		{"Pages", testTimelinePages},
		{"KindsAndPrivacy", testTimelineKindsAndPrivacy},
		{"FailedWriteAppendsNothing", testTimelineFailedWrite},
		{"DeletedWithRequest", testTimelineDeleted},
		{"Empty", testTimelineEmpty},
		{"BadCursor", testTimelineBadCursor},
		{"CopyOnRead", testTimelineCopyOnRead},
	}
}

// comment and transition are timeline entries of tick n.
func comment(n int, private bool) porting.TimelineEntry {
	c := &porting.Comment{ID: fmt.Sprintf("c%03d", n), Body: fmt.Sprintf("comment %d", n), Private: private, Created: at(n)}
	return porting.TimelineEntry{At: c.Created, Comment: c}
}

func transition(n int) porting.TimelineEntry {
	t := &porting.Transition{At: at(n), From: porting.StateSubmitted, To: porting.StatePending, Reason: fmt.Sprint("move ", n),
		Actor: porting.Actor{AccountID: "acct-1", Name: "Ada"}}
	return porting.TimelineEntry{At: t.At, Transition: t}
}

func (h *harness) timeline(id string, q porting.TimelineQuery) porting.TimelinePage {
	h.Helper()
	p, err := h.s.Timeline(h.ctx, id, q)
	require.NoError(h, err)
	return p
}

// whole reads every page of a timeline query.
func (h *harness) whole(id string, q porting.TimelineQuery) []porting.TimelineEntry {
	h.Helper()
	var out []porting.TimelineEntry
	for range 10_000 {
		p := h.timeline(id, q)
		out = append(out, p.Entries...)
		if p.Next == "" {
			return out
		}
		q.Cursor = p.Next
	}
	h.Fatal("the timeline never ends")
	return nil
}

func testTimelineAppendedInOrder(h *harness) {
	r := h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, h.newNumber())
	h.create(r, porting.Write{Timeline: []porting.TimelineEntry{transition(1), comment(2, false)}})
	want := []porting.TimelineEntry{transition(1), comment(2, false)}
	for i := 3; i < 40; i++ {
		e := comment(i, i%3 == 0)
		if i%4 == 0 {
			e = transition(i)
		}
		want = append(want, e)
		h.update(r, porting.Write{Timeline: []porting.TimelineEntry{e}})
	}
	require.Equal(h, want, h.whole(r.ID, porting.TimelineQuery{Limit: 7}))
	require.Equal(h, want, h.timeline(r.ID, porting.TimelineQuery{Limit: porting.MaxPageSize}).Entries)
}

func testTimelinePages(h *harness) {
	r := h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, h.newNumber())
	var all []porting.TimelineEntry
	for i := range 25 {
		all = append(all, comment(i, false))
	}
	h.create(r, porting.Write{Timeline: all})
	p := h.timeline(r.ID, porting.TimelineQuery{Limit: 10, WithTotal: true})
	require.Equal(h, all[:10], p.Entries)
	require.Equal(h, 25, p.Total)
	require.NotEmpty(h, p.Next)
	p = h.timeline(r.ID, porting.TimelineQuery{Limit: 10, Cursor: p.Next})
	require.Equal(h, all[10:20], p.Entries)
	p = h.timeline(r.ID, porting.TimelineQuery{Limit: 10, Cursor: p.Next})
	require.Equal(h, all[20:], p.Entries)
	require.Empty(h, p.Next, "the last page has no next")
	p = h.timeline(r.ID, porting.TimelineQuery{Limit: 5, Offset: 20, WithTotal: true})
	require.Equal(h, all[20:], p.Entries)
	require.Equal(h, 25, p.Total)
	require.Empty(h, p.Next)
	p = h.timeline(r.ID, porting.TimelineQuery{Limit: 25})
	require.Len(h, p.Entries, 25)
	require.Empty(h, p.Next, "a page that ends the timeline has no next")
	// A cursor stays right while entries are added.
	p = h.timeline(r.ID, porting.TimelineQuery{Limit: 10})
	h.update(r, porting.Write{Timeline: []porting.TimelineEntry{comment(99, false)}})
	rest := h.whole(r.ID, porting.TimelineQuery{Limit: 10, Cursor: p.Next})
	require.Equal(h, append(all[10:], comment(99, false)), rest)
}

func testTimelineKindsAndPrivacy(h *harness) {
	r := h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, h.newNumber())
	entries := []porting.TimelineEntry{comment(1, false), transition(2), comment(3, true), transition(4), comment(5, false)}
	h.create(r, porting.Write{Timeline: entries})
	for _, tc := range []struct {
		q    porting.TimelineQuery
		want []porting.TimelineEntry
	}{
		{porting.TimelineQuery{}, entries},
		{porting.TimelineQuery{Public: true}, []porting.TimelineEntry{entries[0], entries[1], entries[3], entries[4]}},
		{porting.TimelineQuery{Kind: porting.TimelineComments}, []porting.TimelineEntry{entries[0], entries[2], entries[4]}},
		{porting.TimelineQuery{Kind: porting.TimelineComments, Public: true}, []porting.TimelineEntry{entries[0], entries[4]}},
		{porting.TimelineQuery{Kind: porting.TimelineTransitions}, []porting.TimelineEntry{entries[1], entries[3]}},
	} {
		require.Equal(h, tc.want, h.whole(r.ID, porting.TimelineQuery{Kind: tc.q.Kind, Public: tc.q.Public, Limit: 1}), "%+v", tc.q)
		p := h.timeline(r.ID, porting.TimelineQuery{Kind: tc.q.Kind, Public: tc.q.Public, WithTotal: true})
		require.Equal(h, len(tc.want), p.Total, "%+v", tc.q)
	}
}

func testTimelineFailedWrite(h *harness) {
	r := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, h.newNumber()),
		porting.Write{Timeline: []porting.TimelineEntry{comment(1, false)}})
	stale := r.Clone()
	h.update(r, porting.Write{Timeline: []porting.TimelineEntry{comment(2, false)}})
	err := h.s.UpdateRequest(h.ctx, stale, porting.Write{Timeline: []porting.TimelineEntry{comment(3, false)}})
	require.ErrorIs(h, err, porting.ErrConflict)
	require.Equal(h, []porting.TimelineEntry{comment(1, false), comment(2, false)}, h.whole(r.ID, porting.TimelineQuery{}))
}

func testTimelineDeleted(h *harness) {
	r := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber()),
		porting.Write{Timeline: []porting.TimelineEntry{comment(1, false), transition(2)}})
	h.remove(r)
	require.Empty(h, h.timeline(r.ID, porting.TimelineQuery{}).Entries)
	h.requireNoKey(r.ID)
	// A request made again under the ID starts a new timeline.
	again := h.newRequest(r.ID, pathLeaf, porting.StateUnconfirmed, h.newNumber())
	h.create(again, porting.Write{Timeline: []porting.TimelineEntry{comment(3, false)}})
	require.Equal(h, []porting.TimelineEntry{comment(3, false)}, h.whole(r.ID, porting.TimelineQuery{}))
}

func testTimelineEmpty(h *harness) {
	r := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber()))
	p := h.timeline(r.ID, porting.TimelineQuery{WithTotal: true})
	require.Empty(h, p.Entries)
	require.Empty(h, p.Next)
	require.Zero(h, p.Total)
	require.Empty(h, h.timeline("no-such-request", porting.TimelineQuery{}).Entries)
}

func testTimelineBadCursor(h *harness) {
	r := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber()))
	for _, c := range []string{"x", "0123", "zzzzzzzzzzzzzzzz", "00000000000000001/"} {
		_, err := h.s.Timeline(h.ctx, r.ID, porting.TimelineQuery{Cursor: c})
		var ve *porting.ValidationError
		require.ErrorAs(h, err, &ve, "cursor %q", c)
		require.Equal(h, "cursor", ve.Fields[0].Field)
	}
}

func testTimelineCopyOnRead(h *harness) {
	r := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber()),
		porting.Write{Timeline: []porting.TimelineEntry{comment(1, false)}})
	p := h.timeline(r.ID, porting.TimelineQuery{})
	p.Entries[0].Comment.Body = "mutated"
	require.Equal(h, "comment 1", h.timeline(r.ID, porting.TimelineQuery{}).Entries[0].Comment.Body)
}
