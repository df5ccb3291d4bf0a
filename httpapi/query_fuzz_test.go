package httpapi_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/internal/telnyxtest"
	"github.com/portkit/portkit/httpapi/telnyx"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// fuzzListWorld is a fixture with requests of the customer's in every
// state, created an hour apart, and a handler of one dialect over it.
type fuzzListWorld struct {
	f    *portingtest.Fixture
	h    http.Handler
	snap fuzzSnapshot
}

// fuzzListFixture fills f with a request in each state (two completed
// ones and two unconfirmed, so that pages of one have a next page) and
// returns their IDs.
func fuzzListFixture(tb testing.TB, f *portingtest.Fixture) []string {
	tb.Helper()
	var ids []string
	add := func(n int, path ...porting.State) {
		f.Clock.Advance(time.Hour)
		r := f.Create(tb, fmt.Sprintf("+120255501%02d", n), fmt.Sprintf("+131253542%02d", n))
		for _, st := range path {
			f.Clock.Advance(time.Minute)
			if st == porting.StateCanceled {
				_, err := f.Service.Transition(f.AsCustomer(), r.ID, 0, st, porting.TransitionOptions{Reason: "fuzz"})
				require.NoError(tb, err)
				continue
			}
			f.Move(tb, r.ID, st)
		}
		ids = append(ids, r.ID)
	}
	add(1)
	add(2)
	add(3, porting.StateSubmitted)
	add(4, porting.StateSubmitted, porting.StatePending)
	add(5, porting.StateSubmitted, porting.StatePending, porting.StateScheduled)
	add(6, porting.StateSubmitted, porting.StatePending, porting.StateScheduled, porting.StateCompleted)
	add(7, porting.StateSubmitted, porting.StatePending, porting.StateScheduled, porting.StateCompleted)
	add(8, porting.StateSubmitted, porting.StateRejected)
	add(9, porting.StateCanceled)
	f.Clock.Advance(time.Hour)
	return ids
}

// accountListings are the listings FuzzKazooQuery calls, by its route
// byte: the account's listing, the descendants' (as the port authority),
// each state's, and port_requests/{segment} with the fuzzed segment.
func accountListings() []string {
	routes := []string{"port_requests", "descendants/port_requests"}
	for _, st := range porting.States() {
		routes = append(routes, "port_requests/"+string(st))
	}
	return append(routes, "port_requests/{segment}")
}

// FuzzKazooQuery lists with arbitrary query parameters (created_from,
// created_to, modified_from, modified_to in Gregorian seconds; page_size,
// start_key, by_types, by_number) and arbitrary state paths: never a 5xx
// nor a panic; a refusal is a 4xx with a message; a parameter that cannot
// be what it names is refused; a state listing lists that state only; a
// page is no longer than page_size and its next_start_key leads on; and a
// listing writes nothing.
func FuzzKazooQuery(f *testing.F) {
	g := func(t time.Time) string { return strconv.FormatInt(int64(kazootest.Gregorian(t)), 10) }
	epoch := portingtest.Epoch
	for _, s := range []struct {
		route   uint8
		segment string
		query   string
	}{
		{0, "", ""},
		{0, "", "by_types=all"},
		{0, "", "by_types=active,completed"},
		{0, "", "by_types=pending,%20scheduled"},
		{0, "", "by_types=nope"},
		{0, "", "by_types="},
		{0, "", "by_types=,,"},
		{0, "", "by_number=%2B12025550101"},
		{0, "", "by_number=(202)%20555-0103&by_types=all"},
		{0, "", "by_number="},
		{0, "", "by_number=abc"},
		{0, "", "by_number=%00"},
		{0, "", "created_from=" + g(epoch) + "&created_to=" + g(epoch.Add(48*time.Hour))},
		{0, "", "created_from=" + g(epoch.Add(48*time.Hour)) + "&created_to=" + g(epoch)},
		{0, "", "modified_from=" + g(epoch) + "&by_types=all"},
		{0, "", "modified_to=63900000000&modified_from=63800000000"},
		{0, "", "created_from=-1"},
		{0, "", "created_from=0"},
		{0, "", "created_from=99999999999999999999999"},
		{0, "", "created_to=1e10"},
		{0, "", "created_to=63900000000.5"},
		{0, "", "created_from=%2B63900000000"},
		{0, "", "created_from=%00"},
		{0, "", "created_from=\xff\xfe"},
		{0, "", "modified_from=9223372036854775807"},
		{0, "", "modified_to=-9223372036854775808"},
		{0, "", "%zz=1&by_types=all"},
		{0, "", "by_types=all;created_from=1"},
		{0, "", "by_types=all&by_types=nope"},
		{1, "", ""},
		{1, "", "by_types=completed"},
		{1, "", "by_number=%2B13125354206"},
		{6, "", ""},
		{6, "", "page_size=1"},
		{6, "", "page_size=0"},
		{6, "", "page_size=-1"},
		{6, "", "page_size=1e3"},
		{6, "", "page_size=99999999999999999999"},
		{6, "", "page_size=2147483648"},
		{6, "", "page_size=%2B1"},
		{6, "", "page_size=%201"},
		{6, "", "page_size=1&start_key=x"},
		{6, "", "page_size=1&start_key=0000000000000000.1"},
		{6, "", "page_size=1&start_key=%00"},
		{6, "", "start_key=\xff"},
		{6, "", "start_key=" + strings.Repeat("f", 16) + "." + strings.Repeat("z", 100)},
		{6, "", "created_from=" + g(epoch.Add(-365*24*time.Hour))},
		{6, "", "modified_from=" + g(epoch) + "&page_size=1"},
		{8, "", "page_size=1"},
		{8, "", "created_to=" + g(epoch)},
		{2, "", "page_size=x"},
		{3, "", "created_from=" + g(epoch)},
		{9, "cancel-pending", ""},
		{9, "COMPLETED", ""},
		{9, "..", ""},
		{9, "../../../etc/passwd", ""},
		{9, "%2e%2e%2f%2e%2e", ""},
		{9, "%00", ""},
		{9, "%ff", ""},
		{9, "completed/", ""},
		{9, "completed%2F", ""},
		{9, "", "page_size=1"},
		{9, "x y", "page_size=1"},
	} {
		f.Add(s.route, s.segment, s.query)
	}
	routes := accountListings()
	bed := newFuzzBed(f, func(tb testing.TB) *fuzzListWorld {
		e := kazootest.Setup(tb)
		ids := fuzzListFixture(tb, e.F)
		return &fuzzListWorld{f: e.F, h: e.H, snap: fuzzTake(tb, e.F, ids...)}
	})
	f.Fuzz(func(t *testing.T, route uint8, segment, query string) {
		w := bed.get(t)
		r := routes[int(route)%len(routes)]
		account, token := "customer", apitest.CustomerToken
		if strings.HasPrefix(r, "descendants/") {
			account, token = "authority", apitest.AuthorityToken
		}
		p := kazootest.URL(account, strings.Replace(r, "{segment}", segment, 1))
		rec := fuzzServe(w.h, "GET", p, query, http.Header{"X-Auth-Token": {token}}, nil)
		what := fmt.Sprintf("GET %q ? %q", p, query)
		defer w.snap.requireUnchanged(t, w.f, what)
		if unescaped, err := url.PathUnescape(p); err == nil && fuzzIsRedirect(rec, unescaped) {
			return
		}
		a := kazootest.CheckAnswer(t, rec, what)
		state, isState := listedState(r, segment)
		terminal := isState && state.Terminal()
		qs, _ := url.ParseQuery(query)
		if a.Code >= http.StatusBadRequest {
			return
		}
		require.Equal(t, http.StatusOK, a.Code, "%s: %s", what, rec.Body)
		if strings.HasPrefix(r, "port_requests/{") && !isState {
			return // not a listing: port_requests/{id} and the routes under it
		}
		for _, name := range []string{"created_from", "created_to", "modified_from", "modified_to"} {
			if v := qs.Get(name); v != "" {
				_, err := strconv.ParseInt(v, 10, 64)
				require.NoError(t, err, "%s: %s %q accepted: %s", what, name, v, rec.Body)
			}
		}
		listed := listedRequests(t, a.Env.Data, what)
		if isState {
			for _, lr := range listed {
				require.Equal(t, string(state), lr["port_state"], "%s: %s", what, rec.Body)
			}
		}
		if a.Env.PageSize != nil {
			require.Equal(t, len(listed), *a.Env.PageSize, "%s: page_size is not the number listed", what)
		}
		if !terminal {
			return
		}
		limit := porting.DefaultPageSize
		if v := qs.Get("page_size"); v != "" {
			n, err := strconv.Atoi(v)
			require.True(t, err == nil && n >= 1, "%s: page_size %q accepted", what, v)
			limit = min(n, porting.MaxPageSize)
		}
		require.LessOrEqual(t, len(listed), limit, "%s: a page longer than page_size", what)
		if a.Env.NextStartKey == nil {
			return
		}
		require.Len(t, listed, limit, "%s: a short page with a next_start_key", what)
		qs.Set("start_key", *a.Env.NextStartKey)
		next := fuzzServe(w.h, "GET", p, qs.Encode(), http.Header{"X-Auth-Token": {token}}, nil)
		na := kazootest.CheckAnswer(t, next, what+" (next page)")
		require.Equal(t, http.StatusOK, na.Code, "%s: the next page: %s", what, next.Body)
		seen := map[any]bool{}
		for _, lr := range listed {
			seen[lr["id"]] = true
		}
		for _, lr := range listedRequests(t, na.Env.Data, what) {
			require.False(t, seen[lr["id"]], "%s: %v listed on two pages", what, lr["id"])
		}
	})
}

// listedState returns the state a listing route lists alone:
// port_requests/{state}, the route's own or the fuzzed (escaped)
// segment's.
func listedState(route, segment string) (porting.State, bool) {
	name, ok := strings.CutPrefix(route, "port_requests/")
	if !ok {
		return "", false
	}
	if name == "{segment}" {
		name = segment
		if unescaped, err := url.PathUnescape(segment); err == nil {
			name = unescaped
		}
	}
	st := porting.State(name)
	for _, s := range porting.States() {
		if s == st {
			return st, true
		}
	}
	return "", false
}

// listedRequests returns the requests of a listing's data: grouped by
// account ([{account_id, account_name, port_requests}]) or flat.
func listedRequests(tb testing.TB, data json.RawMessage, what string) []map[string]any {
	tb.Helper()
	var items []map[string]any
	require.NoError(tb, json.Unmarshal(data, &items), "%s: data is not a list of objects: %s", what, data)
	var out []map[string]any
	for _, it := range items {
		group, ok := it["port_requests"]
		if !ok {
			out = append(out, it)
			continue
		}
		list, ok := group.([]any)
		require.True(tb, ok, "%s: port_requests is not a list: %s", what, data)
		for _, r := range list {
			obj, ok := r.(map[string]any)
			require.True(tb, ok, "%s: a listed request is not an object: %s", what, data)
			out = append(out, obj)
		}
	}
	return out
}

// listingPaths are the listings FuzzTelnyxQuery calls.
var listingPaths = []string{"/port_requests", "/draft_port_requests"}

// FuzzTelnyxQuery lists port requests and draft port requests with
// arbitrary query strings (page, per_page, search, status,
// include_phone_numbers, include_sub_requests, and the Telnyx v2 forms
// filter[...], page[number], page[size] and sort, which v1 ignores): never
// a 5xx nor a panic; a refusal is a 4xx with a message; page and per_page
// that are not whole numbers of at least 1 are refused; a page is no
// longer than per_page (at most telnyx.MaxPerPage) and the Total and
// Total-Pages headers agree with it; and a listing writes nothing.
func FuzzTelnyxQuery(f *testing.F) {
	for _, s := range []struct {
		route uint8
		query string
	}{
		{0, ""},
		{0, "page=1&per_page=1"},
		{0, "page=2&per_page=1"},
		{0, "page=99999&per_page=250"},
		{0, "page=0"},
		{0, "page=-1"},
		{0, "per_page=0"},
		{0, "per_page=-20"},
		{0, "per_page=251"},
		{0, "per_page=99999999999999999999"},
		{0, "page=8589934"},
		{0, "page=8589935"},
		{0, "page=9223372036854775807&per_page=9223372036854775807"},
		{0, "page=1.5"},
		{0, "page=%2B1"},
		{0, "page=%00"},
		{0, "page=\xff"},
		{0, "status=incomplete"},
		{0, "status=complete&include_sub_requests=true"},
		{0, "status=pending"},
		{0, "status=COMPLETE"},
		{0, "status=%00"},
		{0, "search=pr_000001"},
		{0, "search=SR_000002"},
		{0, "search=2025550103"},
		{0, "search=%2B1%20(202)%20555"},
		{0, "search=pr_"},
		{0, "search=\xff\xfe"},
		{0, "search=" + strings.Repeat("9", 1000)},
		{0, "include_phone_numbers=false&include_sub_requests=1"},
		{0, "include_phone_numbers=maybe"},
		{0, "include_sub_requests=%00"},
		{0, "filter[status]=complete&page[number]=2&page[size]=1&sort=-created_at"},
		{0, "page[size]=-1&page[number]=0"},
		{0, "%zz&per_page=1"},
		{0, "per_page=1;page=2"},
		{0, "per_page=1&per_page=x"},
		{1, ""},
		{1, "status=pending&per_page=1"},
		{1, "status=submitted&page=2&per_page=2"},
		{1, "status=incomplete"},
		{1, "search=13125354201&include_phone_numbers=false"},
		{1, "filter[phone_number]=%2B12025550101&sort=created_at"},
	} {
		f.Add(s.route, s.query)
	}
	bed := newFuzzBed(f, func(tb testing.TB) *fuzzListWorld {
		e := telnyxtest.Setup(tb)
		ids := fuzzListFixture(tb, e.F)
		return &fuzzListWorld{f: e.F, h: e.H, snap: fuzzTake(tb, e.F, ids...)}
	})
	f.Fuzz(func(t *testing.T, route uint8, query string) {
		w := bed.get(t)
		p := telnyx.DefaultPrefix + listingPaths[int(route)%len(listingPaths)]
		rec := fuzzServe(w.h, "GET", p, query, http.Header{"Authorization": {"Token " + apitest.CustomerToken}}, nil)
		what := fmt.Sprintf("GET %s ? %q", p, query)
		defer w.snap.requireUnchanged(t, w.f, what)
		telnyxtest.CheckAnswer(t, rec, what)
		qs, _ := url.ParseQuery(query)
		positive := func(name string) (int, bool) {
			v := qs.Get(name)
			if v == "" {
				return 0, true
			}
			n, err := strconv.Atoi(v)
			return n, err == nil && n >= 1
		}
		page, pageOK := positive("page")
		perPage, perPageOK := positive("per_page")
		if !pageOK || !perPageOK {
			require.GreaterOrEqual(t, rec.Code, http.StatusBadRequest, "%s: accepted: %s", what, rec.Body)
		}
		if rec.Code >= http.StatusBadRequest {
			return
		}
		require.Equal(t, http.StatusOK, rec.Code, "%s: %s", what, rec.Body)
		if perPage == 0 {
			perPage = telnyx.DefaultPerPage
		}
		perPage = min(perPage, telnyx.MaxPerPage)
		if page == 0 {
			page = 1
		}
		var items []map[string]any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &items), "%s: not a list of objects: %s", what, rec.Body)
		require.LessOrEqual(t, len(items), perPage, "%s: a page longer than per_page", what)
		total, err := strconv.Atoi(rec.Header().Get("Total"))
		require.NoError(t, err, "%s: Total header %q", what, rec.Header().Get("Total"))
		pages, err := strconv.Atoi(rec.Header().Get("Total-Pages"))
		require.NoError(t, err, "%s: Total-Pages header %q", what, rec.Header().Get("Total-Pages"))
		require.Equal(t, int(math.Ceil(float64(total)/float64(perPage))), pages, "%s: Total %d, per_page %d", what, total, perPage)
		want := max(0, min(perPage, total-(page-1)*perPage))
		require.Len(t, items, want, "%s: page %d of %d (per_page %d)", what, page, total, perPage)
	})
}
