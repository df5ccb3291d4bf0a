package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func closeCases() []testCase {
	return []testCase{
		{"Empty", testCloseEmpty},
		{"AfterWrites", testCloseAfterWrites},
		{"ThenEveryCallIsErrClosed", testCloseThenErrClosed},
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

// After Close every method fails with an error matching porting.ErrClosed
// (which a dialect answers 503), never with data or a panic.
func testCloseThenErrClosed(h *harness) {
	r := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, h.newNumber()))
	h.closed = true
	require.NoError(h, h.s.Close())
	ctx := h.ctx
	calls := map[string]func() error{
		"PutAccount": func() error { return h.s.PutAccount(ctx, porting.Account{ID: "acct-x"}) },
		"Account":    func() error { _, err := h.s.Account(ctx, "acct-leaf"); return err },
		"CreateRequest": func() error {
			return h.s.CreateRequest(ctx, h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, h.newNumber()), porting.Write{})
		},
		"Request":        func() error { _, err := h.s.Request(ctx, r.ID); return err },
		"UpdateRequest":  func() error { return h.s.UpdateRequest(ctx, r.Clone(), porting.Write{}) },
		"DeleteRequest":  func() error { return h.s.DeleteRequest(ctx, r.Clone(), porting.Write{}) },
		"FindRequests":   func() error { _, err := h.s.FindRequests(ctx, porting.Query{}); return err },
		"ClaimedNumbers": func() error { _, err := h.s.ClaimedNumbers(ctx, []string{r.Numbers[0].E164}); return err },
		"Content":        func() error { _, err := h.s.Content(ctx, r.ID, "c"); return err },
		"Events":         func() error { _, err := h.s.Events(ctx, 0, 10); return err },
		"EventCursor":    func() error { _, err := h.s.EventCursor(ctx, "x"); return err },
		"SetEventCursor": func() error { return h.s.SetEventCursor(ctx, "x", 1) },
	}
	if v, ok := h.s.(porting.RequestViewer); ok {
		calls["ViewRequest"] = func() error { _, err := v.ViewRequest(ctx, r.ID); return err }
	}
	for name, call := range calls {
		require.ErrorIs(h, call(), porting.ErrClosed, "%s after Close", name)
	}
	require.NotPanics(h, func() { _ = h.s.Close() }, "a second Close")
}
