package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func supportKeyCases() []testCase {
	return []testCase{
		{"AcrossRequests", testSupportKeyAcrossRequests},
		{"WithinRequest", testSupportKeyWithinRequest},
		{"AnyState", testSupportKeyAnyState},
		{"OnUpdate", testSupportKeyOnUpdate},
	}
}

func (h *harness) requireKeyTaken(err error) {
	h.Helper()
	require.ErrorIs(h, err, porting.ErrSupportKeyTaken)
}

func testSupportKeyAcrossRequests(h *harness) {
	a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber()))
	for name, reuse := range map[string]func(b *porting.PortRequest){
		"request key as request key":         func(b *porting.PortRequest) { b.SupportKey = a.SupportKey },
		"sub request key as sub request key": func(b *porting.PortRequest) { b.SubRequests[0].SupportKey = a.SubRequests[0].SupportKey },
		"request key as sub request key":     func(b *porting.PortRequest) { b.SubRequests[0].SupportKey = a.SupportKey },
		"sub request key as request key":     func(b *porting.PortRequest) { b.SupportKey = a.SubRequests[0].SupportKey },
	} {
		b := h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, h.newNumber())
		reuse(b)
		h.requireCreateFails(b, func(err error) { require.ErrorIs(h, err, porting.ErrSupportKeyTaken, name) })
		require.Empty(h, h.claims(b.E164s()...), name)
	}
	require.Equal(h, []string{a.ID}, h.findIDs(porting.Query{SupportKey: a.SupportKey}))
	require.Equal(h, []string{a.ID}, h.findIDs(porting.Query{SupportKey: a.SubRequests[0].SupportKey}))
}

func testSupportKeyWithinRequest(h *harness) {
	b := h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber())
	h.addSubRequest(b, porting.StateUnconfirmed, h.newNumber()).SupportKey = b.SubRequests[0].SupportKey
	h.requireCreateFails(b, h.requireKeyTaken)

	c := h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber())
	c.SubRequests[0].SupportKey = c.SupportKey
	h.requireCreateFails(c, h.requireKeyTaken)

	// The same on update.
	d := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber()))
	h.addSubRequest(d, porting.StateUnconfirmed, h.newNumber()).SupportKey = d.SubRequests[0].SupportKey
	h.requireUpdateFails(d, h.requireKeyTaken)
}

func testSupportKeyAnyState(h *harness) {
	for _, st := range []porting.State{porting.StateCompleted, porting.StateCanceled} {
		a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, st, h.newNumber()))
		b := h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, h.newNumber())
		b.SupportKey = a.SupportKey
		h.requireCreateFails(b, h.requireKeyTaken)
		b.SupportKey = h.newKey("pr_")
		b.SubRequests[0].SupportKey = a.SubRequests[0].SupportKey
		h.requireCreateFails(b, h.requireKeyTaken)
	}
}

func testSupportKeyOnUpdate(h *harness) {
	a := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber()))
	b := h.create(h.newRequest(h.newID(), []string{"acct-1"}, porting.StateUnconfirmed, h.newNumber()))

	want := b.Clone()
	for _, taken := range []string{a.SupportKey, a.SubRequests[0].SupportKey} {
		b1 := want.Clone()
		b1.SupportKey = taken
		h.requireUpdateFails(b1, h.requireKeyTaken)
		b2 := want.Clone()
		b2.SubRequests[0].SupportKey = taken
		h.requireUpdateFails(b2, h.requireKeyTaken)
		require.Equal(h, want, h.get(b.ID))
	}

	// Keys may be swapped within a request, and a dropped key is free.
	oldKey, oldSubKey := b.SupportKey, b.SubRequests[0].SupportKey
	b.SupportKey, b.SubRequests[0].SupportKey = oldSubKey, h.newKey("sr_")
	h.update(b)
	require.Equal(h, []string{b.ID}, h.findIDs(porting.Query{SupportKey: oldSubKey}))
	require.Empty(h, h.findIDs(porting.Query{SupportKey: oldKey}))
	h.requireNoKey(oldKey)
	c := h.newRequest(h.newID(), []string{"acct-2"}, porting.StateUnconfirmed, h.newNumber())
	c.SupportKey = oldKey
	h.create(c)
	require.Equal(h, []string{c.ID}, h.findIDs(porting.Query{SupportKey: oldKey}))
}
