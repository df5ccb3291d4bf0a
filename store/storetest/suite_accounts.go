package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func accountCases() []testCase {
	return []testCase{
		{"RoundTrip", testAccountRoundTrip},
		{"Replace", testAccountReplace},
		{"Missing", testAccountMissing},
		{"Chain", testAccountChain},
	}
}

func testAccountRoundTrip(h *harness) {
	root := porting.Account{ID: "acct-root", Name: "Root Telecom", PortAuthority: true}
	child := porting.Account{ID: "acct-child", Name: "Child & Co. ☎", ParentID: "acct-root"}
	require.NoError(h, h.s.PutAccount(h.ctx, root))
	require.NoError(h, h.s.PutAccount(h.ctx, child))

	got, err := h.s.Account(h.ctx, root.ID)
	require.NoError(h, err)
	require.Equal(h, root, got)
	got, err = h.s.Account(h.ctx, child.ID)
	require.NoError(h, err)
	require.Equal(h, child, got)
}

func testAccountReplace(h *harness) {
	a := porting.Account{ID: "acct-1", Name: "Before", ParentID: "acct-0", PortAuthority: true}
	require.NoError(h, h.s.PutAccount(h.ctx, a))
	b := porting.Account{ID: "acct-1", Name: "After"}
	require.NoError(h, h.s.PutAccount(h.ctx, b))

	got, err := h.s.Account(h.ctx, "acct-1")
	require.NoError(h, err)
	require.Equal(h, b, got, "PutAccount must replace the whole account")
}

func testAccountMissing(h *harness) {
	_, err := h.s.Account(h.ctx, "acct-missing")
	require.ErrorIs(h, err, porting.ErrNotFound)

	require.NoError(h, h.s.PutAccount(h.ctx, porting.Account{ID: "acct-1", Name: "One"}))
	_, err = h.s.Account(h.ctx, "acct-")
	require.ErrorIs(h, err, porting.ErrNotFound, "an ID prefix is not an account")
	_, err = h.s.Account(h.ctx, "acct-10")
	require.ErrorIs(h, err, porting.ErrNotFound)
}

// The optional porting.AccountChainer: the chain is what walking up with
// Account finds, cut at the limit; a missing account is ErrNotFound.
func testAccountChain(h *harness) {
	c, ok := h.s.(porting.AccountChainer)
	if !ok {
		h.Skip("the store does not implement porting.AccountChainer")
	}
	accts := []porting.Account{
		{ID: "acct-root", Name: "Root", PortAuthority: true},
		{ID: "acct-mid", Name: "Mid", ParentID: "acct-root", Email: "ports@mid.example"},
		{ID: "acct-leaf", Name: "Leaf", ParentID: "acct-mid"},
		{ID: "acct-orphan", Name: "Orphan", ParentID: "acct-gone"},
		{ID: "acct-loop-a", Name: "A", ParentID: "acct-loop-b"},
		{ID: "acct-loop-b", Name: "B", ParentID: "acct-loop-a"},
	}
	for _, a := range accts {
		require.NoError(h, h.s.PutAccount(h.ctx, a))
	}
	chain, err := c.AccountChain(h.ctx, "acct-leaf", 10)
	require.NoError(h, err)
	require.Equal(h, []porting.Account{accts[2], accts[1], accts[0]}, chain)
	chain, err = c.AccountChain(h.ctx, "acct-root", 10)
	require.NoError(h, err)
	require.Equal(h, []porting.Account{accts[0]}, chain)
	chain, err = c.AccountChain(h.ctx, "acct-leaf", 2)
	require.NoError(h, err)
	require.Equal(h, []porting.Account{accts[2], accts[1]}, chain, "cut at the limit")

	_, err = c.AccountChain(h.ctx, "acct-missing", 10)
	require.ErrorIs(h, err, porting.ErrNotFound)
	_, err = c.AccountChain(h.ctx, "acct-orphan", 10)
	require.ErrorIs(h, err, porting.ErrNotFound)
	require.ErrorContains(h, err, "acct-gone", "the error names the missing account")
	chain, err = c.AccountChain(h.ctx, "acct-loop-a", 5)
	require.NoError(h, err)
	require.Len(h, chain, 5, "a cycle ends at the limit")
}
