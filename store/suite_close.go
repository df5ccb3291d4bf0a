package store

import (
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func closeCases() []testCase {
	return []testCase{
		{"Empty", testCloseEmpty},
		{"AfterWrites", testCloseAfterWrites},
	}
}

func testCloseEmpty(h *harness) {
	h.closed = true
	require.NoError(h, h.s.Close())
}

func testCloseAfterWrites(h *harness) {
	r := h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, h.newNumber())
	w, _ := h.attach(r, events(h.newEvent(r, porting.EventCreated)), "a.pdf", blob(5, 1000))
	h.create(r, w)
	require.NoError(h, h.s.PutAccount(h.ctx, porting.Account{ID: "acct-leaf", Name: "Leaf"}))
	require.NoError(h, h.s.SetEventCursor(h.ctx, "mailer", 1))
	h.closed = true
	require.NoError(h, h.s.Close())
}
