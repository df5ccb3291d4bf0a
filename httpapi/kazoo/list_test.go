package kazoo_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// groupIDs returns, per account of a grouped listing, the IDs of its
// requests.
func groupIDs(t *testing.T, groups []map[string]any) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, g := range groups {
		for _, r := range g["port_requests"].([]any) {
			out[g["account_id"].(string)] = append(out[g["account_id"].(string)], r.(map[string]any)["id"].(string))
		}
	}
	return out
}

// The document's "List port requests".
func TestList(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests"), nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Equal(t, "undefined", r.Revision())
	require.Nil(t, r.Env.PageSize)
	groups := r.List()
	require.Len(t, groups, 1)
	require.Equal(t, "customer", groups[0]["account_id"])
	require.Equal(t, "Customer", groups[0]["account_name"])
	reqs := groups[0]["port_requests"].([]any)
	require.Len(t, reqs, 1)
	pr := reqs[0].(map[string]any)
	require.Equal(t, id, pr["id"])
	require.Equal(t, "customer", pr["account_id"])
	require.Equal(t, "Porting 202.555.9000", pr["name"])
	require.Equal(t, map[string]any{kazootest.Phone: map[string]any{}}, pr["numbers"])
	require.Equal(t, "unconfirmed", pr["port_state"])
	require.Equal(t, false, pr["sent"])
	require.Equal(t, kazootest.Gregorian(portingtest.Epoch), pr["created"])
	require.Equal(t, kazootest.Gregorian(portingtest.Epoch), pr["updated"])
	require.Equal(t, map[string]any{}, pr["uploads"])

	t.Run("only accounts with requests appear", func(t *testing.T) {
		r := e.Do("GET", apitest.AuthorityToken, kazootest.URL("authority", "port_requests"), nil)
		r.OK(http.StatusOK, apitest.AuthorityToken)
		require.JSONEq(t, `[]`, string(r.Env.Data))
	})
}

// The document's "Get a port request by phone number": any state, a
// flat list, here a completed and a canceled request.
func TestListByNumber(t *testing.T) {
	e := kazootest.Setup(t)
	done := e.F.Create(t, kazootest.Phone)
	e.F.Complete(t, done.ID)
	canceled := e.F.Create(t, "+12025559001")
	e.F.Move(t, canceled.ID, porting.StateCanceled)

	r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests?by_number="+url.QueryEscape(kazootest.Phone)), nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.NotNil(t, r.Env.PageSize)
	require.Equal(t, 1, *r.Env.PageSize)
	rs := r.List()
	require.Len(t, rs, 1)
	require.Equal(t, done.ID, rs[0]["id"])
	require.Equal(t, "completed", rs[0]["port_state"])
	require.Equal(t, map[string]any{kazootest.Phone: map[string]any{}}, rs[0]["numbers"])

	r = e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests?by_number="+url.QueryEscape("(202) 555-9001")), nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	rs = r.List()
	require.Len(t, rs, 1)
	require.Equal(t, "canceled", rs[0]["port_state"])

	r = e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests?by_number=%2B12025559099"), nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.JSONEq(t, `[]`, string(r.Env.Data))

	r = e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests?by_number=abc"), nil)
	r.Failed(http.StatusBadRequest, "invalid request")
	require.Contains(t, r.Obj(), "by_number", "keyed by the query parameter")
}

// requestsByState makes one request in each state but scheduled, returns
// their IDs by state.
func requestsByState(t *testing.T, e *kazootest.Env) map[porting.State]string {
	t.Helper()
	ids := map[porting.State]string{}
	mk := func(n string, path ...porting.State) {
		r := e.F.Create(t, n)
		for _, st := range path {
			e.F.Clock.Advance(time.Minute)
			e.F.Move(t, r.ID, st)
		}
		ids[porting.StateUnconfirmed] = r.ID
		if len(path) > 0 {
			ids[path[len(path)-1]] = r.ID
		}
	}
	mk("+12025559010", porting.StateSubmitted, porting.StatePending, porting.StateScheduled, porting.StateCompleted)
	mk("+12025559011", porting.StateSubmitted, porting.StatePending, porting.StateScheduled)
	mk("+12025559012", porting.StateSubmitted, porting.StatePending)
	mk("+12025559013", porting.StateSubmitted, porting.StateRejected)
	mk("+12025559014", porting.StateCanceled)
	mk("+12025559015", porting.StateSubmitted)
	mk("+12025559016")
	return ids
}

func TestListByTypes(t *testing.T) {
	e := kazootest.Setup(t)
	ids := requestsByState(t, e)
	of := func(states ...porting.State) []string {
		var out []string
		for _, s := range states {
			out = append(out, ids[s])
		}
		return out
	}
	for _, tc := range []struct {
		by   string
		want []string
	}{
		{"", of("unconfirmed", "submitted", "pending", "scheduled", "rejected")},
		{"all", of(porting.States()...)},
		{"active", of("unconfirmed", "submitted", "pending", "scheduled", "rejected")},
		{"progressing", of("submitted", "pending", "scheduled")},
		{"suspended", of("unconfirmed", "rejected")},
		{"completed", of("completed", "canceled")},
		{"submitted,completed", of("submitted", "completed")},
	} {
		t.Run("by_types="+tc.by, func(t *testing.T) {
			p := "port_requests"
			if tc.by != "" {
				p += "?by_types=" + url.QueryEscape(tc.by)
			}
			r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", p), nil)
			r.OK(http.StatusOK, apitest.CustomerToken)
			require.ElementsMatch(t, tc.want, groupIDs(t, r.List())["customer"])
		})
	}
	t.Run("unknown", func(t *testing.T) {
		r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests?by_types=bogus"), nil)
		r.Failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, `"bogus"`)
		require.Contains(t, r.Obj(), "by_types")
	})
}

// The document's "Listing by port state", every state.
func TestListByState(t *testing.T) {
	e := kazootest.Setup(t)
	ids := requestsByState(t, e)
	for _, st := range porting.States() {
		t.Run(string(st), func(t *testing.T) {
			r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+string(st)), nil)
			r.OK(http.StatusOK, apitest.CustomerToken)
			require.NotNil(t, r.Env.PageSize)
			require.Equal(t, 1, *r.Env.PageSize)
			groups := r.List()
			require.Len(t, groups, 1)
			require.Equal(t, "Customer", groups[0]["account_name"])
			reqs := groups[0]["port_requests"].([]any)
			require.Len(t, reqs, 1)
			pr := reqs[0].(map[string]any)
			require.Equal(t, ids[st], pr["id"])
			require.Equal(t, string(st), pr["port_state"])
			require.Equal(t, false, pr["sent"])
			require.Contains(t, pr, "updated")
			require.Contains(t, pr, "uploads")
			require.Nil(t, r.Env.NextStartKey)
		})
	}
	t.Run("completed, none", func(t *testing.T) {
		r := e.Do("GET", apitest.AuthorityToken, kazootest.URL("authority", "port_requests/completed"), nil)
		r.OK(http.StatusOK, apitest.AuthorityToken)
		require.JSONEq(t, `[]`, string(r.Env.Data))
		require.Equal(t, 0, *r.Env.PageSize)
		require.Equal(t, "undefined", r.Revision())
	})
}

// completed and canceled listings: the default window of 31 days, an
// explicit range, and pages.
func TestListCompletedWindowAndPages(t *testing.T) {
	e := kazootest.Setup(t)
	old := e.F.Create(t, "+12025559020")
	e.F.Complete(t, old.ID)
	e.F.Clock.Advance(40 * 24 * time.Hour)
	var recent []string
	for i := range 5 {
		r := e.F.Create(t, "+1202555903"+strconv.Itoa(i))
		e.F.Complete(t, r.ID)
		recent = append(recent, r.ID)
	}
	path := kazootest.URL("customer", "port_requests/completed")

	t.Run("default window", func(t *testing.T) {
		r := e.Do("GET", apitest.CustomerToken, path, nil)
		r.OK(http.StatusOK, apitest.CustomerToken)
		require.ElementsMatch(t, recent, groupIDs(t, r.List())["customer"])
		require.Equal(t, 5, *r.Env.PageSize)
	})
	t.Run("explicit range", func(t *testing.T) {
		from := strconv.FormatInt(int64(kazootest.Gregorian(old.Created.Add(-time.Hour))), 10)
		to := strconv.FormatInt(int64(kazootest.Gregorian(old.Created.Add(time.Hour))), 10)
		r := e.Do("GET", apitest.CustomerToken, path+"?created_from="+from+"&created_to="+to, nil)
		r.OK(http.StatusOK, apitest.CustomerToken)
		require.Equal(t, []string{old.ID}, groupIDs(t, r.List())["customer"])

		r = e.Do("GET", apitest.CustomerToken, path+"?modified_from="+from, nil)
		r.OK(http.StatusOK, apitest.CustomerToken)
		require.Len(t, groupIDs(t, r.List())["customer"], 6)
	})
	t.Run("bad range", func(t *testing.T) {
		r := e.Do("GET", apitest.CustomerToken, path+"?created_from=yesterday", nil)
		r.Failed(http.StatusBadRequest, "")
		require.Contains(t, r.Env.Message, "created_from")
		r = e.Do("GET", apitest.CustomerToken, path+"?created_from=63900000000&created_to=63800000000", nil)
		r.Failed(http.StatusBadRequest, "created_from must not be after created_to")
	})
	t.Run("pages", func(t *testing.T) {
		var seen []string
		start := ""
		for pages := 0; ; pages++ {
			require.Less(t, pages, 3)
			p := path + "?page_size=2"
			if start != "" {
				p += "&start_key=" + url.QueryEscape(start)
			}
			r := e.Do("GET", apitest.CustomerToken, p, nil)
			r.OK(http.StatusOK, apitest.CustomerToken)
			got := groupIDs(t, r.List())["customer"]
			require.Equal(t, len(got), *r.Env.PageSize)
			if start == "" {
				require.Nil(t, r.Env.StartKey)
			} else {
				require.Equal(t, start, *r.Env.StartKey)
			}
			seen = append(seen, got...)
			if r.Env.NextStartKey == nil {
				require.Len(t, got, 1)
				break
			}
			require.Len(t, got, 2)
			start = *r.Env.NextStartKey
		}
		require.ElementsMatch(t, recent, seen)
	})
	t.Run("bad page_size and start_key", func(t *testing.T) {
		e.Do("GET", apitest.CustomerToken, path+"?page_size=0", nil).Failed(http.StatusBadRequest, `page_size "0" must be a positive integer`)
		e.Do("GET", apitest.CustomerToken, path+"?page_size=-5", nil).Failed(http.StatusBadRequest, `page_size "-5" must be a positive integer`)
		e.Do("GET", apitest.CustomerToken, path+"?page_size=1001", nil).Failed(http.StatusBadRequest, `page_size "1001" must be at most 1000`)
		e.Do("GET", apitest.CustomerToken, path+"?page_size=99999999999999999999", nil).Failed(http.StatusBadRequest, `page_size "99999999999999999999" must be a positive integer`)
		r := e.Do("GET", apitest.CustomerToken, path+"?start_key=nonsense", nil)
		r.Failed(http.StatusBadRequest, "")
		require.Contains(t, r.Obj(), "start_key", "keyed by the query parameter")
	})
}

// The document's "List port requests of self and sub accounts", with a
// sub-account of a sub-account.
func TestListDescendants(t *testing.T) {
	e := kazootest.Setup(t)
	sys := porting.AsSystem(context.Background())
	require.NoError(t, e.F.Service.PutAccount(sys, porting.Account{ID: "grandchild", Name: "Grandchild", ParentID: "customer"}))

	r := e.Do("GET", apitest.AuthorityToken, kazootest.URL("authority", "descendants/port_requests"), nil)
	r.OK(http.StatusOK, apitest.AuthorityToken)
	require.JSONEq(t, `[]`, string(r.Env.Data))
	require.Equal(t, "undefined", r.Revision())

	mine := e.Create("Customer's", kazootest.Phone)
	deep, err := e.F.Service.Create(e.F.AsCustomer(), "grandchild", porting.RequestInput{
		Name: "Grandchild's", Numbers: []porting.NumberInput{{Raw: "+12025559001"}},
	})
	require.NoError(t, err)

	r = e.Do("GET", apitest.AuthorityToken, kazootest.URL("authority", "descendants/port_requests"), nil)
	r.OK(http.StatusOK, apitest.AuthorityToken)
	groups := r.List()
	names := map[string]any{}
	for _, g := range groups {
		names[g["account_id"].(string)] = g["account_name"]
	}
	require.Equal(t, map[string]any{"customer": "Customer", "grandchild": "Grandchild"}, names)
	require.Equal(t, map[string][]string{"customer": {mine}, "grandchild": {deep.ID}}, groupIDs(t, groups))

	// The account's own listing does not reach down.
	r = e.Do("GET", apitest.AuthorityToken, kazootest.URL("customer", "port_requests"), nil)
	require.Equal(t, map[string][]string{"customer": {mine}}, groupIDs(t, r.List()))

	t.Run("by_number", func(t *testing.T) {
		r := e.Do("GET", apitest.AuthorityToken, kazootest.URL("authority", "descendants/port_requests?by_number=%2B12025559001"), nil)
		r.OK(http.StatusOK, apitest.AuthorityToken)
		rs := r.List()
		require.Equal(t, []string{deep.ID}, apitest.StringsAt(rs, "id"))
		require.Equal(t, "grandchild", rs[0]["account_id"])
		require.Equal(t, map[string]any{"+12025559001": map[string]any{}}, rs[0]["numbers"])
		require.Equal(t, "unconfirmed", rs[0]["port_state"])
		require.Equal(t, 1, *r.Env.PageSize)
	})
}

// Every listing is bounded: a page of 50 by default, with next_start_key
// while there are more; page_size up to 1,000; paginate=false the largest
// page, still bounded.
func TestListingsArePaged(t *testing.T) {
	e := kazootest.Setup(t)
	ids := map[string]bool{}
	for i := range 120 {
		e.F.Clock.Advance(time.Second)
		ids[e.Create(fmt.Sprint("request ", i), fmt.Sprintf("+1202555%04d", 3000+i))] = true
	}
	for _, path := range []string{"port_requests", "port_requests?by_types=all", "descendants/port_requests", "port_requests/unconfirmed"} {
		seen := map[string]bool{}
		pages, start := 0, ""
		for {
			p := path
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			if start != "" {
				p += sep + "start_key=" + url.QueryEscape(start)
			}
			r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", p), nil)
			r.OK(http.StatusOK, apitest.CustomerToken)
			pages++
			n := 0
			for _, list := range groupIDs(t, r.List()) {
				for _, id := range list {
					require.False(t, seen[id], "%s lists %s twice", path, id)
					seen[id] = true
					n++
				}
			}
			require.LessOrEqual(t, n, 50, path)
			if r.Env.NextStartKey == nil {
				break
			}
			require.Equal(t, 50, n, "%s: a page that is not the last is full", path)
			start = *r.Env.NextStartKey
		}
		require.Equal(t, ids, seen, "%s: every request, once", path)
		require.Equal(t, 3, pages, path)
	}
	r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests?paginate=false"), nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Len(t, groupIDs(t, r.List())["customer"], 120, "paginate=false: the largest page")
	r = e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests?page_size=7"), nil)
	require.Len(t, groupIDs(t, r.List())["customer"], 7)
	require.NotNil(t, r.Env.NextStartKey)
	e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests?page_size=1001"), nil).Failed(http.StatusBadRequest, "")
	e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests?paginate=maybe"), nil).Failed(http.StatusBadRequest, "")
}
