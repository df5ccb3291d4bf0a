package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

// The optional porting.RequestViewer: a store that lends its documents
// must lend what Request returns, and never change a lent one.

func viewerCases() []testCase {
	return []testCase{
		{"LendsWhatRequestReturns", testViewerLendsWhatRequestReturns},
		{"LentDocumentNeverChanges", testViewerLentDocumentNeverChanges},
		{"Missing", testViewerMissing},
	}
}

// viewer returns the store's RequestViewer, or skips: the capability is
// optional.
func (h *harness) viewer() porting.RequestViewer {
	v, ok := h.s.(porting.RequestViewer)
	if !ok {
		h.Skip("the store does not implement porting.RequestViewer")
	}
	return v
}

func testViewerLendsWhatRequestReturns(h *harness) {
	v := h.viewer()
	r, w := h.fullRequest(h.newID(), pathLeaf)
	h.create(r, w)
	lent, err := v.ViewRequest(h.ctx, r.ID)
	require.NoError(h, err)
	require.Equal(h, h.get(r.ID), lent)
}

func testViewerLentDocumentNeverChanges(h *harness) {
	v := h.viewer()
	r := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber()))
	lent, err := v.ViewRequest(h.ctx, r.ID)
	require.NoError(h, err)
	before := lent.Clone()

	r.Name = "renamed"
	h.setState(r, porting.StateSubmitted)
	h.update(r)
	require.Equal(h, before, lent, "an update leaves a document lent before it as it was")

	again, err := v.ViewRequest(h.ctx, r.ID)
	require.NoError(h, err)
	require.Equal(h, "renamed", again.Name)
	require.Equal(h, r.Revision, again.Revision)

	h.remove(again)
	require.Equal(h, before, lent, "a delete leaves it too")
}

func testViewerMissing(h *harness) {
	_, err := h.viewer().ViewRequest(h.ctx, "no-such-request")
	require.ErrorIs(h, err, porting.ErrNotFound)
}
