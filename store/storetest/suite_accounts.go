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
