package storetest

import (
	"math"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func eventCases() []testCase {
	return []testCase{
		{"WrittenWithChange", testEventsWrittenWithChange},
		{"Paging", testEventsPaging},
		{"NoneOnFailure", testEventsNoneOnFailure},
		{"Cursor", testEventsCursor},
	}
}

// requireEvents checks that got is want with increasing Seqs assigned.
func (h *harness) requireEvents(want, got []porting.Event) {
	h.Helper()
	require.Len(h, got, len(want))
	var last uint64
	for i := range want {
		require.Greater(h, got[i].Seq, last, "Seq must increase")
		last = got[i].Seq
		w := want[i]
		w.Seq = got[i].Seq
		require.Equal(h, w, got[i])
	}
}

func testEventsWrittenWithChange(h *harness) {
	r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	e1 := h.newEvent(r, porting.EventCreated)
	h.create(r, events(e1))
	require.Len(h, h.allEvents(), 1)

	h.setState(r, porting.StateSubmitted)
	e2 := h.newEvent(r, porting.EventTransitioned)
	e2.SubRequestID = r.SubRequests[0].ID
	e2.Transition = &porting.Transition{At: r.Updated, SubRequestID: r.SubRequests[0].ID,
		From: porting.StateUnconfirmed, To: porting.StateSubmitted, Actor: porting.Actor{Name: "Ada"}}
	e3 := h.newEvent(r, porting.EventCommentAdded)
	e3.Comment = &porting.Comment{ID: "cmt-1", Body: "hello", Created: r.Updated}
	h.update(r, events(e2, e3))

	// A write without events adds none.
	r.Name = "quiet"
	h.update(r)
	require.Len(h, h.allEvents(), 3)

	h.setState(r, porting.StateCompleted)
	e4 := h.newEvent(r, porting.EventTransitioned)
	e4.Numbers = r.E164s()
	h.update(r, events(e4))
	h.setState(r, porting.StateCanceled)
	e5 := h.newEvent(r, porting.EventDeleted)
	e5.Attachment = "gone.pdf"
	h.remove(r, events(e5))

	other := h.newRequest(h.newID(), pathOther, porting.StateUnconfirmed, h.newNumber())
	e6 := h.newEvent(other, porting.EventCreated)
	h.create(other, events(e6))

	h.requireEvents([]porting.Event{e1, e2, e3, e4, e5, e6}, h.allEvents())
}

func testEventsPaging(h *harness) {
	var want []porting.Event
	for range 4 {
		r := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
		e1, e2 := h.newEvent(r, porting.EventCreated), h.newEvent(r, porting.EventAttachmentAdded)
		h.create(r, events(e1, e2))
		want = append(want, e1, e2)
	}
	all := h.allEvents()
	h.requireEvents(want, all)

	for _, limit := range []int{1, 3, 8, 100} {
		var got []porting.Event
		var after uint64
		for {
			es, err := h.s.Events(h.ctx, after, limit)
			require.NoError(h, err)
			require.LessOrEqual(h, len(es), limit)
			if len(es) == 0 {
				break
			}
			got = append(got, es...)
			after = es[len(es)-1].Seq
		}
		require.Equal(h, all, got, "paging by %d", limit)
	}

	// after is exclusive, whatever it is.
	for i, e := range all {
		es, err := h.s.Events(h.ctx, e.Seq, 100)
		require.NoError(h, err)
		require.Equal(h, all[i+1:], nonNil(es))
		es, err = h.s.Events(h.ctx, e.Seq-1, 1)
		require.NoError(h, err)
		require.Equal(h, all[i:i+1], es)
	}
	for _, after := range []uint64{all[len(all)-1].Seq + 1, math.MaxUint64 - 1, math.MaxUint64} {
		es, err := h.s.Events(h.ctx, after, 100)
		require.NoError(h, err)
		require.Empty(h, es, "Events(%d)", after)
	}
}

func nonNil(es []porting.Event) []porting.Event {
	if es == nil {
		return []porting.Event{}
	}
	return es
}

func testEventsNoneOnFailure(h *harness) {
	n := h.newNumber()
	a := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, n), events(porting.Event{ID: "ev-a", Type: porting.EventCreated}))
	b := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber()))
	before := h.allEvents()
	require.Len(h, before, 1)

	fail := func(what string, err error) {
		h.Helper()
		require.Error(h, err, what)
		require.Equal(h, before, h.allEvents(), "%s stored its event", what)
	}
	ev := func(r *porting.PortRequest) porting.Write { return events(h.newEvent(r, porting.EventUpdated)) }

	dup := h.newRequest(a.ID, pathLeaf, porting.StateUnconfirmed, h.newNumber())
	fail("a duplicate create", h.s.CreateRequest(h.ctx, dup, ev(dup)))

	claim := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, n)
	fail("a create claiming a held number", h.s.CreateRequest(h.ctx, claim, ev(claim)))

	key := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	key.SupportKey = a.SupportKey
	fail("a create reusing a support key", h.s.CreateRequest(h.ctx, key, ev(key)))

	stale := a.Clone()
	stale.Revision = 7
	fail("a stale update", h.s.UpdateRequest(h.ctx, stale, ev(stale)))
	fail("a stale delete", h.s.DeleteRequest(h.ctx, stale, ev(stale)))

	grab := b.Clone()
	h.setNumbers(grab, n)
	fail("an update claiming a held number", h.s.UpdateRequest(h.ctx, grab, ev(grab)))

	missing := h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber())
	missing.Revision = 1
	fail("an update of a missing request", h.s.UpdateRequest(h.ctx, missing, ev(missing)))
	fail("a delete of a missing request", h.s.DeleteRequest(h.ctx, missing, ev(missing)))
}

func testEventsCursor(h *harness) {
	for _, c := range []string{"mailer", "mailer/eu", "billing"} {
		seq, err := h.s.EventCursor(h.ctx, c)
		require.NoError(h, err)
		require.Zero(h, seq, "EventCursor(%q) of a new consumer", c)
	}
	set := func(c string, seq uint64) {
		h.Helper()
		require.NoError(h, h.s.SetEventCursor(h.ctx, c, seq))
	}
	get := func(c string) uint64 {
		h.Helper()
		seq, err := h.s.EventCursor(h.ctx, c)
		require.NoError(h, err)
		return seq
	}
	set("mailer", 5)
	set("billing", 1<<40)
	require.EqualValues(h, 5, get("mailer"))
	require.EqualValues(h, uint64(1)<<40, get("billing"))
	require.Zero(h, get("mailer/eu"))
	require.Zero(h, get("mail"))

	set("mailer", 3)
	require.EqualValues(h, 3, get("mailer"), "SetEventCursor replaces the position")
	set("mailer", math.MaxUint64)
	require.EqualValues(h, uint64(math.MaxUint64), get("mailer"))
	set("mailer", 0)
	require.Zero(h, get("mailer"))
	require.EqualValues(h, uint64(1)<<40, get("billing"))
}
