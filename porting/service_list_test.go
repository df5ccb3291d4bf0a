package porting_test

import (
	"context"
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
	"github.com/stretchr/testify/require"
)

// svListWorld is a fixture with an account tree and requests in it,
// created a minute apart in this order:
//
//	authority (port authority)  a1
//	└── customer                c1 (unconfirmed), c2 (submitted)
//	    └── branch              g1
//	stranger (another root)     s1
type svListWorld struct {
	f                  *portingtest.Fixture
	c1, c2, g1, a1, s1 *porting.PortRequest
}

func svNewListWorld(t *testing.T) *svListWorld {
	t.Helper()
	f := portingtest.New(t)
	sys := porting.AsSystem(t.Context())
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "branch", Name: "Branch", ParentID: f.Customer.ID}))
	require.NoError(t, f.Service.PutAccount(sys, porting.Account{ID: "stranger", Name: "Stranger"}))
	w := &svListWorld{f: f}
	create := func(acct string, numbers ...string) *porting.PortRequest {
		t.Helper()
		f.Clock.Advance(time.Minute)
		in := portingtest.Input("request of "+acct, numbers...)
		in.Bill.PIN = "4321"
		r, err := f.Service.Create(sys, acct, in)
		require.NoError(t, err)
		return r
	}
	w.c1 = create(f.Customer.ID, "+12025550300")
	w.c2 = create(f.Customer.ID, "+12025550301", "+12025550302")
	w.g1 = create("branch", "+12025550303")
	w.a1 = create(f.Authority.ID, "+13035550100")
	w.s1 = create("stranger", "+13035550101")
	w.c2 = f.Move(t, w.c2.ID, porting.StateSubmitted)
	return w
}

func svIDs(rs ...*porting.PortRequest) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestServiceListScope(t *testing.T) {
	t.Parallel()
	w := svNewListWorld(t)
	f := w.f
	tests := []struct {
		name string
		ctx  context.Context
		q    porting.Query
		want []string
	}{
		{"customer, own", f.AsCustomer(), porting.Query{AccountID: f.Customer.ID}, svIDs(w.c2, w.c1)},
		{"customer, descendants", f.AsCustomer(), porting.Query{AccountID: f.Customer.ID, Descendants: true}, svIDs(w.g1, w.c2, w.c1)},
		{"customer, grandchild", f.AsCustomer(), porting.Query{AccountID: "branch"}, svIDs(w.g1)},
		{"authority, own", f.AsAuthority(), porting.Query{AccountID: f.Authority.ID}, svIDs(w.a1)},
		{"authority, descendants", f.AsAuthority(), porting.Query{AccountID: f.Authority.ID, Descendants: true}, svIDs(w.a1, w.g1, w.c2, w.c1)},
		{"authority, grandchild", f.AsAuthority(), porting.Query{AccountID: "branch", Descendants: true}, svIDs(w.g1)},
		{"system, every account", porting.AsSystem(t.Context()), porting.Query{}, svIDs(w.s1, w.a1, w.g1, w.c2, w.c1)},
		{"system, another tree", porting.AsSystem(t.Context()), porting.Query{AccountID: "stranger"}, svIDs(w.s1)},
	}
	for _, tt := range tests {
		page, err := f.Service.List(tt.ctx, tt.q)
		require.NoError(t, err, tt.name)
		require.Equal(t, tt.want, svIDs(page.Requests...), tt.name)
		require.Empty(t, page.Next, tt.name)
	}

	// Every account at once is for admins only.
	for _, ctx := range []context.Context{f.AsCustomer(), f.AsAuthority()} {
		_, err := f.Service.List(ctx, porting.Query{})
		require.ErrorIs(t, err, porting.ErrForbidden)
	}
	// Accounts out of reach, and accounts that do not exist.
	for _, acct := range []string{f.Authority.ID, "stranger"} {
		_, err := f.Service.List(f.AsCustomer(), porting.Query{AccountID: acct, Descendants: true})
		require.ErrorIs(t, err, porting.ErrForbidden, acct)
	}
	_, err := f.Service.List(f.AsAuthority(), porting.Query{AccountID: "stranger"})
	require.ErrorIs(t, err, porting.ErrForbidden)
	_, err = f.Service.List(f.AsCustomer(), porting.Query{AccountID: "nobody"})
	require.ErrorIs(t, err, porting.ErrNotFound)
}

func TestServiceListStates(t *testing.T) {
	t.Parallel()
	w := svNewListWorld(t)
	f := w.f
	q := porting.Query{AccountID: f.Customer.ID, Descendants: true}

	q.States = []porting.State{porting.StateSubmitted}
	page, err := f.Service.List(f.AsCustomer(), q)
	require.NoError(t, err)
	require.Equal(t, svIDs(w.c2), svIDs(page.Requests...))
	require.Equal(t, porting.StateSubmitted, page.Requests[0].State)

	q.States = []porting.State{porting.StateUnconfirmed}
	page, err = f.Service.List(f.AsCustomer(), q)
	require.NoError(t, err)
	require.Equal(t, svIDs(w.g1, w.c1), svIDs(page.Requests...))

	q.States = []porting.State{porting.StateSubmitted, porting.StateUnconfirmed}
	page, err = f.Service.List(f.AsCustomer(), q)
	require.NoError(t, err)
	require.Equal(t, svIDs(w.g1, w.c2, w.c1), svIDs(page.Requests...))

	q.States = []porting.State{porting.StateCompleted}
	page, err = f.Service.List(f.AsCustomer(), q)
	require.NoError(t, err)
	require.Empty(t, page.Requests)

	for _, st := range []porting.State{"bogus", porting.StateCancelPending} {
		q.States = []porting.State{porting.StateSubmitted, st}
		_, err = f.Service.List(f.AsCustomer(), q)
		fe := svOnlyField(t, err)
		require.Equal(t, "state", fe.Field)
		require.Equal(t, "enum", fe.Code)
		require.Equal(t, string(st), fe.Value)
	}
}

func TestServiceListByNumber(t *testing.T) {
	t.Parallel()
	w := svNewListWorld(t)
	f := w.f
	q := porting.Query{AccountID: f.Customer.ID, Descendants: true}

	for _, raw := range []string{"(202) 555-0301", "2025550301", "+12025550301", "1-202-555-0301"} {
		q.Number = raw
		page, err := f.Service.List(f.AsCustomer(), q)
		require.NoError(t, err, raw)
		require.Equal(t, svIDs(w.c2), svIDs(page.Requests...), raw)
	}

	// The number of another tree is not found from here.
	q.Number = "+13035550101"
	page, err := f.Service.List(f.AsCustomer(), q)
	require.NoError(t, err)
	require.Empty(t, page.Requests)

	// Completed and canceled requests keep their numbers.
	f.Complete(t, w.c1.ID)
	w.g1 = f.Move(t, w.g1.ID, porting.StateCanceled)
	again := f.Create(t, "+12025550303")
	q.Number = "+12025550300"
	page, err = f.Service.List(f.AsCustomer(), q)
	require.NoError(t, err)
	require.Equal(t, svIDs(w.c1), svIDs(page.Requests...))
	require.Equal(t, porting.StateCompleted, page.Requests[0].State)
	q.Number = "+12025550303"
	page, err = f.Service.List(f.AsCustomer(), q)
	require.NoError(t, err)
	require.ElementsMatch(t, svIDs(w.g1, again), svIDs(page.Requests...))
	q.States = []porting.State{porting.StateCanceled}
	page, err = f.Service.List(f.AsCustomer(), q)
	require.NoError(t, err)
	require.Equal(t, svIDs(w.g1), svIDs(page.Requests...))

	q = porting.Query{AccountID: f.Customer.ID, Number: "call me"}
	_, err = f.Service.List(f.AsCustomer(), q)
	fe := svOnlyField(t, err)
	require.Equal(t, "number", fe.Field)
	require.Equal(t, "call me", fe.Value)
}

func TestServiceListBySupportKeyAndDigits(t *testing.T) {
	t.Parallel()
	w := svNewListWorld(t)
	f := w.f
	find := func(q porting.Query) []string {
		t.Helper()
		q.AccountID, q.Descendants = f.Customer.ID, true
		page, err := f.Service.List(f.AsCustomer(), q)
		require.NoError(t, err, "%+v", q)
		return svIDs(page.Requests...)
	}
	key := func(k string) []string { return find(porting.Query{SupportKey: k}) }
	digits := func(d string) []string { return find(porting.Query{NumberContains: d}) }
	require.Equal(t, svIDs(w.c2), key(w.c2.SupportKey))
	require.Equal(t, svIDs(w.g1), key(w.g1.SubRequests[0].SupportKey), "a sub request's key finds its request")
	require.Equal(t, svIDs(w.c2), digits("5550302"))
	require.Equal(t, svIDs(w.c2), digits("(202) 555 0301"), "formatting around the digits is ignored")
	require.Equal(t, svIDs(w.g1, w.c2, w.c1), digits("555030"))
	require.Equal(t, svIDs(w.g1, w.c2, w.c1), find(porting.Query{}), "no key and no digits is no filter")
	require.Empty(t, digits("5559"))
	require.Empty(t, key("pr_ffffff"))
	require.Empty(t, key(w.s1.SupportKey), "another tree's key")
	require.Empty(t, digits("3035550101"), "another tree's number")
}

func TestServiceListPagination(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	var want []string
	for i := range 7 {
		f.Clock.Advance(time.Second)
		r := f.Create(t, "+1202555040"+string(rune('0'+i)))
		want = append([]string{r.ID}, want...) // newest first
	}
	for _, states := range [][]porting.State{nil, {porting.StateUnconfirmed}} {
		var got []string
		q := porting.Query{AccountID: f.Customer.ID, Limit: 3, States: states}
		pages := 0
		for {
			page, err := f.Service.List(f.AsCustomer(), q)
			require.NoError(t, err)
			pages++
			require.LessOrEqual(t, len(page.Requests), 3)
			got = append(got, svIDs(page.Requests...)...)
			if page.Next == "" {
				break
			}
			require.Less(t, pages, 10, "pagination ends")
			q.Cursor = page.Next
		}
		require.Equal(t, 3, pages)
		require.Equal(t, want, got)
	}

	// A request added while paging does not disturb the pages.
	q := porting.Query{AccountID: f.Customer.ID, Limit: 3}
	page, err := f.Service.List(f.AsCustomer(), q)
	require.NoError(t, err)
	require.Equal(t, want[:3], svIDs(page.Requests...))
	f.Clock.Advance(time.Second)
	f.Create(t, "+12025550499")
	q.Cursor = page.Next
	page, err = f.Service.List(f.AsCustomer(), q)
	require.NoError(t, err)
	require.Equal(t, want[3:6], svIDs(page.Requests...))

	// A malformed cursor is a validation error like any other: typed, and
	// keyed by the field at fault.
	_, err = f.Service.List(f.AsCustomer(), porting.Query{AccountID: f.Customer.ID, Cursor: "garbage"})
	fe := svOnlyField(t, err)
	require.Equal(t, "cursor", fe.Field)
	require.Equal(t, "garbage", fe.Value)
	require.Equal(t, "format", fe.Code)
}

func TestServiceListRedactsSecrets(t *testing.T) {
	t.Parallel()
	f := portingtest.New(t)
	in := portingtest.Input("wireless", svOther1)
	in.Bill.PIN = "1234"
	in.Bill.AccountNumber = "acct-9"
	r, err := f.Service.Create(f.AsCustomer(), f.Customer.ID, in)
	require.NoError(t, err)
	_, err = f.Service.UpdateSubRequest(f.AsCustomer(), r.ID, r.SubRequests[0].ID, 0, porting.SubRequestPatch{PIN: svStr("5678")})
	require.NoError(t, err)

	for _, ctx := range []context.Context{f.AsCustomer(), f.AsAuthority(), porting.AsSystem(t.Context())} {
		for _, q := range []porting.Query{
			{AccountID: f.Customer.ID},
			{AccountID: f.Customer.ID, Number: svOther1},
			{AccountID: f.Customer.ID, SupportKey: r.SupportKey},
		} {
			page, err := f.Service.List(ctx, q)
			require.NoError(t, err)
			require.Len(t, page.Requests, 1)
			listed := page.Requests[0]
			require.Empty(t, listed.Bill.PIN, "a PIN is never shown in a list")
			require.Empty(t, listed.SubRequests[0].PIN)
			require.Empty(t, listed.Effective(listed.SubRequests[0]).PIN)
			require.Empty(t, listed.Bill.AccountNumber, "nor an account number")
			require.Empty(t, listed.Effective(listed.SubRequests[0]).AccountNumber)
		}
		got, err := f.Service.Get(ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, "1234", got.Bill.PIN)
		require.Equal(t, "5678", got.SubRequests[0].PIN)
		require.Equal(t, "acct-9", got.Bill.AccountNumber, "a single request shows them")
	}
	// Listing did not change what is stored.
	require.Equal(t, "1234", svGet(t, f, r.ID).Bill.PIN)
}

func TestServiceListTotal(t *testing.T) {
	t.Parallel()
	w := svNewListWorld(t)
	f := w.f
	page, err := f.Service.List(f.AsCustomer(), porting.Query{AccountID: f.Customer.ID, Descendants: true, Limit: 2, WithTotal: true})
	require.NoError(t, err)
	require.Equal(t, 3, page.Total)
	require.Len(t, page.Requests, 2)
	require.NotEmpty(t, page.Next)
}
