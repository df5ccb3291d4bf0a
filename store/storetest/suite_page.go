package storetest

import (
	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
)

func pageCases() []testCase {
	return []testCase{
		{"Walk", testPageWalk},
		{"LastPage", testPageLast},
		{"Empty", testPageEmpty},
		{"Offset", testPageOffset},
		{"Total", testPageTotal},
		{"DefaultLimit", testPageDefaultLimit},
		{"MaxLimit", testPageMaxLimit},
		{"CursorWhileAdding", testPageCursorWhileAdding},
		{"MalformedCursor", testPageMalformedCursor},
	}
}

// walk follows q's cursors to the end and returns every ID seen. It
// checks that pages respect the page size and that a Next is never
// given on the last page.
func (h *harness) walk(q porting.Query) []string {
	h.Helper()
	got := []string{}
	for pages := 0; ; pages++ {
		require.Less(h, pages, 5000, "walking %+v does not end", q)
		p := h.find(q)
		require.LessOrEqual(h, len(p.Requests), q.PageSize(), "page larger than its limit: %+v", q)
		if pages > 0 {
			require.NotEmpty(h, p.Requests, "the previous page had a Next but was the last: %+v", q)
		}
		got = append(got, ids(p.Requests)...)
		if p.Next == "" {
			return got
		}
		q.Cursor = p.Next
	}
}

// requireWalk checks that walking q page by page, at several page sizes,
// yields want: every result once, in order.
func (h *harness) requireWalk(q porting.Query, want []string) {
	h.Helper()
	for _, limit := range []int{1, 2, 3, len(want), len(want) + 1} {
		if limit == 0 {
			continue
		}
		q.Limit = limit
		require.Equal(h, want, h.walk(q), "walking %+v", q)
	}
}

// createN creates n requests in acct-leaf, alternating submitted and
// unconfirmed, and returns their IDs newest first.
func (h *harness) createN(n int) []string {
	h.Helper()
	out := make([]string, n)
	for i := range n {
		st := porting.StateSubmitted
		if i%2 == 1 {
			st = porting.StateUnconfirmed
		}
		r := h.create(h.newRequest(h.newID(), pathLeaf, st, h.newNumber()))
		out[n-1-i] = r.ID
	}
	return out
}

func testPageWalk(h *harness) {
	all := h.createN(9)
	h.requireWalk(porting.Query{}, all)
	h.requireWalk(porting.Query{AccountID: "acct-root", Descendants: true}, all)
	h.requireWalk(porting.Query{States: []porting.State{porting.StateUnconfirmed, porting.StateSubmitted}}, all)
	h.requireWalk(porting.Query{States: []porting.State{porting.StateSubmitted}}, every(all, 0))
	h.requireWalk(porting.Query{UpdatedFrom: epoch}, all)
	h.requireWalk(porting.Query{NumberContains: "202555"}, all)

	// A cursor holds the position, not the page size: the walk may change it.
	q := porting.Query{Limit: 2}
	p := h.find(q)
	got := ids(p.Requests)
	q.Cursor, q.Limit = p.Next, 4
	p = h.find(q)
	got = append(got, ids(p.Requests)...)
	q.Cursor, q.Limit = p.Next, 100
	got = append(got, h.findIDs(q)...)
	require.Equal(h, all, got)
}

// every returns every other element of ids newest first, starting at
// the given parity counted from the oldest (createN alternates states).
func every(ids []string, parity int) []string {
	var out []string
	n := len(ids)
	for i, id := range ids {
		if (n-1-i)%2 == parity {
			out = append(out, id)
		}
	}
	return out
}

func testPageLast(h *harness) {
	x := h.newNumber()
	var all []string
	for range 6 {
		r := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateCanceled, x))
		all = append([]string{r.ID}, all...)
	}
	for _, q := range []porting.Query{{}, {Number: x}, {NumberContains: x[2:]}, {States: []porting.State{porting.StateCanceled, porting.StateRejected}}} {
		q.Limit = 3
		p := h.find(q)
		require.Equal(h, all[:3], ids(p.Requests), "%+v", q)
		require.NotEmpty(h, p.Next, "%+v", q)
		q.Cursor = p.Next
		p = h.find(q)
		require.Equal(h, all[3:], ids(p.Requests), "%+v", q)
		require.Empty(h, p.Next, "Next on a last page that is exactly full: %+v", q)

		for _, limit := range []int{6, 7, porting.MaxPageSize} {
			q.Cursor, q.Limit = "", limit
			p = h.find(q)
			require.Equal(h, all, ids(p.Requests), "%+v", q)
			require.Empty(h, p.Next, "Next on the only page: %+v", q)
		}
	}
}

func testPageEmpty(h *harness) {
	for _, q := range []porting.Query{
		{}, {WithTotal: true}, {AccountID: "acct-1"}, {Number: "+12025550100"}, {SupportKey: "pr_000001"},
		{NumberContains: "1"}, {States: []porting.State{porting.StateCompleted}, WithTotal: true},
	} {
		p := h.find(q)
		require.Empty(h, p.Requests, "%+v", q)
		require.Empty(h, p.Next, "%+v", q)
		require.Zero(h, p.Total, "%+v", q)
	}
	r := h.create(h.newRequest(h.newID(), pathLeaf, porting.StateSubmitted, h.newNumber()))
	p := h.find(porting.Query{AccountID: "acct-other", WithTotal: true})
	require.Empty(h, p.Requests)
	require.Empty(h, p.Next)
	require.Zero(h, p.Total)
	require.Equal(h, []string{r.ID}, h.findIDs(porting.Query{}))
}

func testPageOffset(h *harness) {
	all := h.createN(7)
	for _, c := range []struct {
		offset, limit int
		want          []string
		next          bool
	}{
		{0, 3, all[:3], true},
		{2, 3, all[2:5], true},
		{4, 3, all[4:7], false},
		{6, 1, all[6:], false},
		{6, 5, all[6:], false},
		{7, 3, nil, false},
		{100, 3, nil, false},
	} {
		q := porting.Query{Offset: c.offset, Limit: c.limit}
		p := h.find(q)
		require.Equal(h, ids0(c.want), ids(p.Requests), "%+v", q)
		require.Equal(h, c.next, p.Next != "", "Next of %+v", q)
		if c.next {
			// The cursor continues after the page; the offset is not applied again.
			require.Equal(h, all[c.offset+c.limit:], h.walk(porting.Query{Cursor: p.Next, Limit: c.limit}))
		}
	}
	sub := every(all, 0)
	require.Equal(h, sub[1:3], h.findIDs(porting.Query{States: []porting.State{porting.StateSubmitted}, Offset: 1, Limit: 2}))
	require.Equal(h, all[3:5], h.findIDs(porting.Query{NumberContains: "202555", Offset: 3, Limit: 2}))
	require.Equal(h, all[3:5], h.findIDs(porting.Query{UpdatedFrom: epoch, Offset: 3, Limit: 2}))
}

// ids0 turns a nil list into an empty one, as ids returns.
func ids0(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func testPageTotal(h *harness) {
	all := h.createN(7)
	x := h.newNumber()
	for range 3 {
		h.create(h.newRequest(h.newID(), pathOther, porting.StateCanceled, x))
	}
	for _, c := range []struct {
		q     porting.Query
		total int
	}{
		{porting.Query{}, 10},
		{porting.Query{Limit: 3}, 10},
		{porting.Query{Limit: 3, Offset: 2}, 10},
		{porting.Query{Limit: 3, Offset: 20}, 10},
		{porting.Query{AccountID: "acct-leaf", Limit: 2}, 7},
		{porting.Query{AccountID: "acct-root", Descendants: true, Limit: 2}, 7},
		{porting.Query{States: []porting.State{porting.StateSubmitted}, Limit: 1}, 4},
		{porting.Query{States: []porting.State{porting.StateSubmitted, porting.StateCanceled}, Limit: 1}, 7},
		{porting.Query{NumberContains: "202555", Limit: 1}, 10},
		{porting.Query{NumberContains: x[1:], Limit: 1}, 3},
		{porting.Query{Number: x, Limit: 1}, 3},
		{porting.Query{Number: x, Limit: 1, Offset: 1}, 3},
		{porting.Query{SupportKey: "pr_ffffff"}, 0},
		{porting.Query{UpdatedFrom: epoch, Limit: 4}, 10},
		{porting.Query{AccountID: "acct-none"}, 0},
	} {
		q := c.q
		p := h.find(q)
		require.Zero(h, p.Total, "Total without WithTotal: %+v", q)
		q.WithTotal = true
		p = h.find(q)
		require.Equal(h, c.total, p.Total, "%+v", q)
		// Every page of the walk reports the total of the whole query.
		q.Offset = 0
		for p.Next != "" {
			q.Cursor = p.Next
			p = h.find(q)
			require.Equal(h, c.total, p.Total, "Total on a later page: %+v", q)
		}
	}
	require.Len(h, all, 7)
}

func testPageDefaultLimit(h *harness) {
	h.requirePageSize(porting.DefaultPageSize, 0, -1)
}

func testPageMaxLimit(h *harness) {
	h.requirePageSize(porting.MaxPageSize, porting.MaxPageSize, porting.MaxPageSize+1, 1<<30)
}

// requirePageSize stores size+1 requests and checks that a query with each
// of the limits gets a first page of size results, then a last page with
// the one left.
func (h *harness) requirePageSize(size int, limits ...int) {
	h.Helper()
	all := h.createN(size + 1)
	for _, limit := range limits {
		p := h.find(porting.Query{Limit: limit})
		require.Equal(h, all[:size], ids(p.Requests), "Limit %d", limit)
		require.NotEmpty(h, p.Next)
		p = h.find(porting.Query{Limit: limit, Cursor: p.Next})
		require.Equal(h, all[size:], ids(p.Requests), "Limit %d", limit)
		require.Empty(h, p.Next)
	}
}

// testPageCursorWhileAdding checks that newer requests added between
// pages neither repeat nor hide the results of the original walk.
func testPageCursorWhileAdding(h *harness) {
	x := h.newNumber()
	for range 10 {
		h.create(h.newRequest(h.newID(), pathLeaf, porting.StateCanceled, x))
	}
	for _, q := range []porting.Query{
		{},
		{AccountID: "acct-leaf"},
		{AccountID: "acct-mid", Descendants: true},
		{States: []porting.State{porting.StateCanceled, porting.StateUnconfirmed}},
		{Number: x},
		{NumberContains: x[1:]},
		{UpdatedFrom: epoch},
	} {
		q.Limit = porting.MaxPageSize
		want := h.findIDs(q)
		require.GreaterOrEqual(h, len(want), 10)
		q.Limit = 3
		got := []string{}
		for {
			p := h.find(q)
			got = append(got, ids(p.Requests)...)
			if p.Next == "" {
				break
			}
			// Newer requests, some in the listing and some not.
			h.create(h.newRequest(h.newID(), pathLeaf, porting.StateCanceled, x))
			h.create(h.newRequest(h.newID(), pathOther, porting.StateUnconfirmed, h.newNumber()))
			q.Cursor = p.Next
		}
		require.Equal(h, want, got, "walking %+v while adding requests", q)
	}
}

func testPageMalformedCursor(h *harness) {
	h.createN(3)
	for _, c := range []string{"!!! not a cursor !!!", "\x00", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"} {
		for _, q := range []porting.Query{{}, {States: []porting.State{porting.StateSubmitted}}, {Number: "+12025550100"}} {
			q.Cursor = c
			_, err := h.s.FindRequests(h.ctx, q)
			require.ErrorIs(h, err, porting.ErrValidation, "cursor %q", c)
			var ve *porting.ValidationError
			require.ErrorAs(h, err, &ve, "cursor %q", c)
			require.Equal(h, "cursor", ve.Fields[0].Field)
		}
	}
}
