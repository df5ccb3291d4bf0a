package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func findCases() []testCase {
	return []testCase{
		{"Accounts", testFindAccounts},
		{"States", testFindStates},
		{"Number", testFindNumber},
		{"SupportKey", testFindSupportKey},
		{"NumberContains", testFindNumberContains},
		{"CreatedRange", testFindCreatedRange},
		{"UpdatedRange", testFindUpdatedRange},
		{"Ties", testFindTies},
		{"Documents", testFindDocuments},
	}
}

// Account tree of the find tests.
var (
	pathRoot  = []string{"acct-root"}
	pathMid   = []string{"acct-root", "acct-mid"}
	pathLeaf  = []string{"acct-root", "acct-mid", "acct-leaf"}
	pathOther = []string{"acct-other"}
)

func testFindAccounts(h *harness) {
	st := porting.StateSubmitted
	r1 := h.create(h.newRequest(h.newID(), pathRoot, st, h.newNumber()))
	r2 := h.create(h.newRequest(h.newID(), pathMid, st, h.newNumber()))
	r3 := h.create(h.newRequest(h.newID(), pathLeaf, st, h.newNumber()))
	r4 := h.create(h.newRequest(h.newID(), pathOther, st, h.newNumber()))
	r5 := h.create(h.newRequest(h.newID(), pathMid, st, h.newNumber()))
	for _, c := range []struct {
		q    porting.Query
		want []*porting.PortRequest
	}{
		{porting.Query{AccountID: "acct-root"}, list(r1)},
		{porting.Query{AccountID: "acct-root", Descendants: true}, list(r5, r3, r2, r1)},
		{porting.Query{AccountID: "acct-mid"}, list(r5, r2)},
		{porting.Query{AccountID: "acct-mid", Descendants: true}, list(r5, r3, r2)},
		{porting.Query{AccountID: "acct-leaf"}, list(r3)},
		{porting.Query{AccountID: "acct-leaf", Descendants: true}, list(r3)},
		{porting.Query{AccountID: "acct-other", Descendants: true}, list(r4)},
		{porting.Query{}, list(r5, r4, r3, r2, r1)},
		{porting.Query{Descendants: true}, list(r5, r4, r3, r2, r1)},
		{porting.Query{AccountID: "acct-none", Descendants: true}, nil},
		{porting.Query{AccountID: "acct-mi", Descendants: true}, nil},
		{porting.Query{AccountID: "acct-"}, nil},
	} {
		require.Equal(h, ids(c.want), h.findIDs(c.q), "%+v", c.q)
		h.requireWalk(c.q, ids(c.want))
	}
}

// list is a readable []*porting.PortRequest literal.
func list(rs ...*porting.PortRequest) []*porting.PortRequest { return rs }

func testFindStates(h *harness) {
	var rs []*porting.PortRequest
	states := []porting.State{
		porting.StateUnconfirmed, porting.StateSubmitted, porting.StateUnconfirmed, porting.StateCompleted,
		porting.StateCanceled, porting.StateSubmitted, porting.StateRejected, porting.StateCancelPending,
		porting.StatePending, porting.StateScheduled,
	}
	for i, st := range states {
		path := pathRoot
		if i%2 == 1 {
			path = pathLeaf
		}
		rs = append(rs, h.create(h.newRequest(h.newID(), path, st, h.newNumber())))
	}
	// rs[7] is cancel-pending with resume state submitted: it lists as submitted.
	require.Equal(h, porting.StateSubmitted, rs[7].State, "fixture")
	u, s := porting.StateUnconfirmed, porting.StateSubmitted
	for _, c := range []struct {
		q    porting.Query
		want []*porting.PortRequest
	}{
		{porting.Query{States: []porting.State{u}}, list(rs[2], rs[0])},
		{porting.Query{States: []porting.State{s}}, list(rs[7], rs[5], rs[1])},
		{porting.Query{States: []porting.State{u, s}}, list(rs[7], rs[5], rs[2], rs[1], rs[0])},
		{porting.Query{States: []porting.State{s, u, s}}, list(rs[7], rs[5], rs[2], rs[1], rs[0])},
		{porting.Query{States: []porting.State{porting.StateCanceled, porting.StateCompleted}}, list(rs[4], rs[3])},
		{porting.Query{States: []porting.State{porting.StatePending, porting.StateScheduled, porting.StateRejected}}, list(rs[9], rs[8], rs[6])},
		{porting.Query{States: porting.States()}, list(rs[9], rs[8], rs[7], rs[6], rs[5], rs[4], rs[3], rs[2], rs[1], rs[0])},
		{porting.Query{States: []porting.State{porting.StateCancelPending}}, nil},
		{porting.Query{States: []porting.State{u, s}, AccountID: "acct-root"}, list(rs[2], rs[0])},
		{porting.Query{States: []porting.State{u, s}, AccountID: "acct-leaf"}, list(rs[7], rs[5], rs[1])},
		{porting.Query{States: []porting.State{u, s}, AccountID: "acct-mid", Descendants: true}, list(rs[7], rs[5], rs[1])},
		{porting.Query{States: []porting.State{u, s}, AccountID: "acct-root", Descendants: true}, list(rs[7], rs[5], rs[2], rs[1], rs[0])},
	} {
		require.Equal(h, ids(c.want), h.findIDs(c.q), "%+v", c.q)
		h.requireWalk(c.q, ids(c.want))
	}
}

func testFindNumber(h *harness) {
	nums := h.newNumbers(3)
	x := nums[0]
	r1 := h.create(h.newRequest(h.newID(), pathRoot, porting.StateSubmitted, x, nums[1]))
	h.setState(r1, porting.StateCanceled)
	h.update(r1)
	r2 := h.create(h.newRequest(h.newID(), pathOther, porting.StateUnconfirmed, x))
	h.setState(r2, porting.StateCanceled)
	h.update(r2)
	r3 := h.create(h.newRequest(h.newID(), pathLeaf, porting.StatePending, x))
	h.setState(r3, porting.StateCompleted)
	h.update(r3)
	r4 := h.create(h.newRequest(h.newID(), pathRoot, porting.StateSubmitted, nums[2]))
	for _, c := range []struct {
		q    porting.Query
		want []*porting.PortRequest
	}{
		{porting.Query{Number: x}, list(r3, r2, r1)},
		{porting.Query{Number: nums[1]}, list(r1)},
		{porting.Query{Number: nums[2]}, list(r4)},
		{porting.Query{Number: x, AccountID: "acct-root"}, list(r1)},
		{porting.Query{Number: x, AccountID: "acct-root", Descendants: true}, list(r3, r1)},
		{porting.Query{Number: x, AccountID: "acct-other"}, list(r2)},
		{porting.Query{Number: x, AccountID: "acct-none"}, nil},
		{porting.Query{Number: x, States: []porting.State{porting.StateCanceled}}, list(r2, r1)},
		{porting.Query{Number: x, States: []porting.State{porting.StateCompleted, porting.StateSubmitted}}, list(r3)},
		{porting.Query{Number: x, States: []porting.State{porting.StateSubmitted}}, nil},
		{porting.Query{Number: x, NumberContains: nums[1][1:]}, list(r1)},
		{porting.Query{Number: x, SupportKey: r2.SupportKey}, list(r2)},
		{porting.Query{Number: x[:len(x)-1]}, nil},
		{porting.Query{Number: x[1:]}, nil},
		{porting.Query{Number: "+19995550000"}, nil},
	} {
		require.Equal(h, ids(c.want), h.findIDs(c.q), "%+v", c.q)
		h.requireWalk(c.q, ids(c.want))
	}
}

func testFindSupportKey(h *harness) {
	a := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, h.newNumber()))
	b := h.newRequest(h.newID(), pathOther, porting.StateUnconfirmed, h.newNumber())
	h.addSubRequest(b, porting.StateUnconfirmed, h.newNumber())
	h.create(b)
	for _, c := range []struct {
		q    porting.Query
		want []*porting.PortRequest
	}{
		{porting.Query{SupportKey: a.SupportKey}, list(a)},
		{porting.Query{SupportKey: a.SubRequests[0].SupportKey}, list(a)},
		{porting.Query{SupportKey: b.SubRequests[1].SupportKey}, list(b)},
		{porting.Query{SupportKey: a.SupportKey, AccountID: "acct-leaf"}, list(a)},
		{porting.Query{SupportKey: a.SupportKey, AccountID: "acct-root", Descendants: true}, list(a)},
		{porting.Query{SupportKey: a.SupportKey, AccountID: "acct-root"}, nil},
		{porting.Query{SupportKey: a.SupportKey, AccountID: "acct-other"}, nil},
		{porting.Query{SupportKey: a.SupportKey, States: []porting.State{porting.StateUnconfirmed}}, nil},
		{porting.Query{SupportKey: a.SupportKey, Number: b.Numbers[0].E164}, nil},
		{porting.Query{SupportKey: "pr_ffffff"}, nil},
		{porting.Query{SupportKey: a.SupportKey[:4]}, nil},
	} {
		require.Equal(h, ids(c.want), h.findIDs(c.q), "%+v", c.q)
	}
}

func testFindNumberContains(h *harness) {
	r1 := h.create(h.newRequest(h.newID(), pathRoot, porting.StateSubmitted, "+14155550123"))
	r2 := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateUnconfirmed, "+12125550199"))
	r3 := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, "+12125550100", "+14155550777"))
	r4 := h.create(h.newRequest(h.newID(), pathOther, porting.StateCanceled, "+14155559999"))
	for _, c := range []struct {
		q    porting.Query
		want []*porting.PortRequest
	}{
		{porting.Query{NumberContains: "415555"}, list(r4, r3, r1)},
		{porting.Query{NumberContains: "0199"}, list(r2)},
		{porting.Query{NumberContains: "212555"}, list(r3, r2)},
		{porting.Query{NumberContains: "14155550123"}, list(r1)},
		{porting.Query{NumberContains: "5550"}, list(r3, r2, r1)},
		{porting.Query{NumberContains: "999999"}, nil},
		{porting.Query{NumberContains: "415555", AccountID: "acct-leaf"}, list(r3)},
		{porting.Query{NumberContains: "415555", AccountID: "acct-root", Descendants: true}, list(r3, r1)},
		{porting.Query{NumberContains: "415555", States: []porting.State{porting.StateSubmitted}}, list(r3, r1)},
		{porting.Query{NumberContains: "415555", States: []porting.State{porting.StateCanceled, porting.StateUnconfirmed}}, list(r4)},
	} {
		require.Equal(h, ids(c.want), h.findIDs(c.q), "%+v", c.q)
		h.requireWalk(c.q, ids(c.want))
	}
}

func testFindCreatedRange(h *harness) {
	var rs []*porting.PortRequest
	for range 5 {
		rs = append(rs, h.create(h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, h.newNumber())))
	}
	c1, c2, c3, c4, c5 := rs[0].Created, rs[1].Created, rs[2].Created, rs[3].Created, rs[4].Created
	for _, c := range []struct {
		q    porting.Query
		want []*porting.PortRequest
	}{
		{porting.Query{CreatedFrom: c2, CreatedTo: c4}, list(rs[3], rs[2], rs[1])},
		{porting.Query{CreatedFrom: c4}, list(rs[4], rs[3])},
		{porting.Query{CreatedTo: c2}, list(rs[1], rs[0])},
		{porting.Query{CreatedFrom: c3, CreatedTo: c3}, list(rs[2])},
		{porting.Query{CreatedFrom: c1.Add(1), CreatedTo: c5.Add(-1)}, list(rs[3], rs[2], rs[1])},
		{porting.Query{CreatedFrom: c5.Add(1)}, nil},
		{porting.Query{CreatedTo: c1.Add(-1)}, nil},
		{porting.Query{CreatedFrom: c4, CreatedTo: c2}, nil},
		{porting.Query{CreatedFrom: c2, CreatedTo: c4, AccountID: "acct-root", Descendants: true}, list(rs[3], rs[2], rs[1])},
		{porting.Query{CreatedFrom: c2, CreatedTo: c4, AccountID: "acct-root"}, nil},
		{porting.Query{CreatedFrom: c2, CreatedTo: c4, Number: rs[2].Numbers[0].E164}, list(rs[2])},
		{porting.Query{CreatedFrom: c4, Number: rs[2].Numbers[0].E164}, nil},
		{porting.Query{CreatedFrom: c2, CreatedTo: c4, SupportKey: rs[4].SupportKey}, nil},
		{porting.Query{CreatedFrom: c2, CreatedTo: c4, States: []porting.State{porting.StateSubmitted, porting.StatePending}}, list(rs[3], rs[2], rs[1])},
	} {
		require.Equal(h, ids(c.want), h.findIDs(c.q), "%+v", c.q)
		h.requireWalk(c.q, ids(c.want))
	}
}

func testFindUpdatedRange(h *harness) {
	x := h.newNumber()
	var rs []*porting.PortRequest
	for range 4 {
		r := h.newRequest(h.newID(), pathLeaf, porting.StateCanceled, x)
		rs = append(rs, h.create(r))
	}
	// Updated order: rs[0] (last), rs[2], rs[3], rs[1]; created order is the reverse of rs.
	rs[2].Updated = h.tick()
	h.update(rs[2])
	rs[0].Updated = h.tick()
	h.update(rs[0])
	u := func(i int) porting.Query { return porting.Query{UpdatedFrom: rs[i].Updated, UpdatedTo: rs[i].Updated} }
	for _, c := range []struct {
		q    porting.Query
		want []*porting.PortRequest
	}{
		{porting.Query{UpdatedFrom: rs[2].Updated}, list(rs[0], rs[2])},
		{porting.Query{UpdatedFrom: rs[0].Created}, list(rs[0], rs[2], rs[3], rs[1])},
		{porting.Query{UpdatedTo: rs[3].Updated}, list(rs[3], rs[1])},
		{porting.Query{UpdatedTo: rs[2].Updated}, list(rs[2], rs[3], rs[1])},
		{porting.Query{UpdatedFrom: rs[1].Updated, UpdatedTo: rs[2].Updated}, list(rs[2], rs[3], rs[1])},
		{u(3), list(rs[3])},
		{u(0), list(rs[0])},
		{porting.Query{UpdatedFrom: rs[0].Updated.Add(1)}, nil},
		// A creation range filters a listing ordered by update.
		{porting.Query{UpdatedFrom: rs[0].Created, CreatedTo: rs[1].Created}, list(rs[0], rs[1])},
		{porting.Query{UpdatedFrom: rs[0].Created, CreatedFrom: rs[2].Created}, list(rs[2], rs[3])},
		// The number and support key paths order by update too.
		{porting.Query{Number: x, UpdatedFrom: rs[0].Created}, list(rs[0], rs[2], rs[3], rs[1])},
		{porting.Query{Number: x, UpdatedTo: rs[2].Updated}, list(rs[2], rs[3], rs[1])},
		{porting.Query{Number: x}, list(rs[3], rs[2], rs[1], rs[0])},
		{porting.Query{SupportKey: rs[2].SupportKey, UpdatedFrom: rs[2].Updated}, list(rs[2])},
		{porting.Query{SupportKey: rs[2].SupportKey, UpdatedTo: rs[3].Updated}, nil},
		{porting.Query{States: []porting.State{porting.StateCanceled}, UpdatedTo: rs[2].Updated}, list(rs[2], rs[3], rs[1])},
		{porting.Query{AccountID: "acct-mid", Descendants: true, UpdatedTo: rs[2].Updated}, list(rs[2], rs[3], rs[1])},
	} {
		require.Equal(h, ids(c.want), h.findIDs(c.q), "%+v", c.q)
		h.requireWalk(c.q, ids(c.want))
	}
}

// testFindTies checks that requests created (or updated) at the same
// instant come in one order, the same on every call and every page.
func testFindTies(h *harness) {
	now := h.tick()
	var want []string
	// Ties span states, so a merge of per-state listings must break them too.
	for i, id := range []string{"req-b", "req-d", "req-a", "req-c", "req-e"} {
		st := porting.StateSubmitted
		if i%2 == 1 {
			st = porting.StatePending
		}
		r := h.newRequest(id, pathLeaf, st, h.newNumber())
		r.Created, r.Updated = now, now
		h.create(r)
		want = append(want, id)
	}
	older := h.newRequest("req-0", pathLeaf, porting.StateSubmitted, h.newNumber())
	older.Created, older.Updated = now.Add(-1), now.Add(-1)
	h.create(older)
	newer := h.newRequest("req-z", pathLeaf, porting.StateSubmitted, h.newNumber())
	h.create(newer)

	both := []porting.State{porting.StateSubmitted, porting.StatePending}
	for _, q := range []porting.Query{
		{}, {UpdatedFrom: epoch}, {States: both}, {States: []porting.State{both[1], both[0]}},
		{States: both, UpdatedFrom: epoch}, {States: both, AccountID: "acct-root", Descendants: true},
	} {
		got := h.findIDs(q)
		require.Len(h, got, 7)
		require.Equal(h, "req-z", got[0], "%+v", q)
		require.Equal(h, "req-0", got[6], "%+v", q)
		require.ElementsMatch(h, want, got[1:6], "%+v", q)
		for range 3 {
			require.Equal(h, got, h.findIDs(q), "order of ties changed between calls")
		}
		h.requireWalk(q, got)
	}
}

// testFindDocuments checks that listings return whole, current documents.
func testFindDocuments(h *harness) {
	r, w := h.fullRequest(h.newID(), pathLeaf)
	h.create(r, w)
	r.Name = "renamed"
	r.Updated = h.tick()
	h.update(r)
	for _, q := range []porting.Query{
		{}, {AccountID: "acct-leaf"}, {AccountID: "acct-root", Descendants: true}, {Number: r.Numbers[1].E164},
		{SupportKey: r.SubRequests[1].SupportKey}, {NumberContains: r.Numbers[2].E164[3:]},
		{States: []porting.State{r.State}}, {UpdatedFrom: r.Updated},
	} {
		p := h.find(q)
		require.Equal(h, list(r), p.Requests, "%+v", q)
	}
}
