package kazoo_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/httpapi/kazoo"
	"github.com/portkit/portkit/porting"
)

// _read_only names the request's port authority on every single
// request's answer; a request no authority processes has none.
func TestReadOnlyPortAuthority(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	want := map[string]any{"port_authority": "authority", "port_authority_name": "Port Authority"}
	url := kazootest.URL("customer", "port_requests/"+id)
	for _, r := range []*kazootest.Resp{
		e.Do("GET", apitest.CustomerToken, url, nil),
		e.Do("GET", apitest.AuthorityToken, url, nil),
		e.Do("PATCH", apitest.CustomerToken, url, `{"data":{"name":"renamed"}}`),
		e.Do("POST", apitest.CustomerToken, url, `{"data":{"name":"edited","numbers":{"+12025559000":{}}}}`),
		e.Do("PATCH", apitest.CustomerToken, url+"/submitted", nil),
	} {
		require.Less(t, r.Code, 300, "%s", r.Body)
		require.Equal(t, want, r.Obj()["_read_only"], "%s", r.Body)
	}
	// A client sending it back changes nothing, and keeps nothing.
	r := e.Do("PUT", apitest.CustomerToken, kazootest.URL("customer", "port_requests"),
		`{"data":{"name":"x","numbers":{"+12025559001":{}},"_read_only":{"port_authority":"me"}}}`)
	r.OK(http.StatusCreated, apitest.CustomerToken)
	require.Equal(t, want, r.Obj()["_read_only"])

	// "other" is a root without an authority: only admins process its
	// requests.
	r = e.Do("PUT", apitest.OtherToken, kazootest.URL("other", "port_requests"), `{"data":{"name":"x","numbers":{"+12025559002":{}}}}`)
	r.OK(http.StatusCreated, apitest.OtherToken)
	require.NotContains(t, r.Obj(), "_read_only")
	r = e.Do("GET", apitest.OtherToken, kazootest.URL("other", "port_requests/"+r.Obj()["id"].(string)), nil)
	r.OK(http.StatusOK, apitest.OtherToken)
	require.NotContains(t, r.Obj(), "_read_only")
	require.Equal(t, `{"account_id"`, string(r.Env.Data[:13]))
}

// An account's port authority is remembered for 30 seconds: a change
// shows in _read_only within them.
func TestReadOnlyRemembered(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("Porting 202.555.9000", kazootest.Phone)
	url := kazootest.URL("customer", "port_requests/"+id)
	authority := func() any { return e.Do("GET", apitest.CustomerToken, url, nil).Obj()["_read_only"] }
	require.Equal(t, map[string]any{"port_authority": "authority", "port_authority_name": "Port Authority"}, authority())
	require.NoError(t, e.F.Service.PutAccount(porting.AsSystem(context.Background()),
		porting.Account{ID: "customer", Name: "Customer", ParentID: "authority", PortAuthority: true}))
	e.F.Clock.Advance(29 * time.Second)
	require.Equal(t, map[string]any{"port_authority": "authority", "port_authority_name": "Port Authority"}, authority())
	e.F.Clock.Advance(2 * time.Second)
	require.Equal(t, map[string]any{"port_authority": "customer", "port_authority_name": "Customer"}, authority())
}

// GET /v2/port_requests lists what the caller manages as a port
// authority: its own account's requests and every sub-account's; an
// account that is no authority manages none; an admin all.
func TestListManaged(t *testing.T) {
	e := kazootest.Setup(t)
	sys := porting.AsSystem(context.Background())
	require.NoError(t, e.F.Service.PutAccount(sys, porting.Account{ID: "shop", Name: "Shop", ParentID: "customer"}))
	mine := e.Create("customer's", "+12025559000")
	shop, err := e.F.Service.Create(sys, "shop", porting.RequestInput{Name: "shop's", Numbers: []porting.NumberInput{{Raw: "+12025559001"}}})
	require.NoError(t, err)
	_, err = e.F.Service.Create(sys, "other", porting.RequestInput{Name: "other's", Numbers: []porting.NumberInput{{Raw: "+12025559002"}}})
	require.NoError(t, err)

	groups := func(r *kazootest.Resp) map[string][]string {
		out := map[string][]string{}
		for _, g := range r.List() {
			for _, pr := range g["port_requests"].([]any) {
				out[g["account_id"].(string)] = append(out[g["account_id"].(string)], pr.(map[string]any)["id"].(string))
			}
		}
		return out
	}
	r := e.Do("GET", apitest.AuthorityToken, "/v2/port_requests?by_types=all", nil)
	r.OK(http.StatusOK, apitest.AuthorityToken)
	require.Equal(t, map[string][]string{"customer": {mine}, "shop": {shop.ID}}, groups(r))
	names := map[string]any{}
	for _, g := range r.List() {
		names[g["account_id"].(string)] = g["account_name"]
	}
	require.Equal(t, map[string]any{"customer": "Customer", "shop": "Shop"}, names)

	r = e.Do("GET", apitest.AuthorityToken, "/v2/port_requests/?by_number=%2B12025559001", nil)
	r.OK(http.StatusOK, apitest.AuthorityToken)
	require.Equal(t, []string{shop.ID}, apitest.StringsAt(r.List(), "id"))

	for _, token := range []string{apitest.CustomerToken, apitest.OtherToken} {
		r = e.Do("GET", token, "/v2/port_requests?by_types=all", nil)
		r.OK(http.StatusOK, token)
		require.JSONEq(t, `[]`, string(r.Env.Data), "no port authority: nothing managed")
	}
	e.Do("GET", "", "/v2/port_requests", nil).Failed(http.StatusUnauthorized, "")

	// A system admin manages every account's.
	tokens := apitest.Tokens(e.F)
	tokens.Add("admin-token", porting.Actor{Admin: true, Name: "Admin"})
	rec := apitest.Serve(kazoo.New(e.F.Service, tokens, kazoo.Options{}), "GET", "/v2/port_requests?by_types=all", "admin-token", "", nil)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	for _, want := range []string{mine, shop.ID, `"account_id":"other"`} {
		require.Contains(t, rec.Body.String(), want)
	}
	e.Do("PUT", apitest.AuthorityToken, "/v2/port_requests", `{"data":{}}`).Failed(http.StatusMethodNotAllowed, "")
}

// descendants/port_requests/{state} lists a state over the account and
// every sub-account.
func TestListDescendantsState(t *testing.T) {
	e := kazootest.Setup(t)
	id := e.Create("customer's", "+12025559000")
	e.F.Move(t, id, porting.StateSubmitted)
	own, err := e.F.Service.Create(e.F.AsAuthority(), "authority", porting.RequestInput{Name: "own", Numbers: []porting.NumberInput{{Raw: "+12025559001"}}})
	require.NoError(t, err)
	ids := func(r *kazootest.Resp) []string {
		var out []string
		for _, g := range r.List() {
			for _, pr := range g["port_requests"].([]any) {
				out = append(out, pr.(map[string]any)["id"].(string))
			}
		}
		return out
	}
	r := e.Do("GET", apitest.AuthorityToken, kazootest.URL("authority", "descendants/port_requests/submitted"), nil)
	r.OK(http.StatusOK, apitest.AuthorityToken)
	require.Equal(t, []string{id}, ids(r))
	r = e.Do("GET", apitest.AuthorityToken, kazootest.URL("authority", "descendants/port_requests/unconfirmed"), nil)
	require.Equal(t, []string{own.ID}, ids(r))
	r = e.Do("GET", apitest.AuthorityToken, kazootest.URL("authority", "port_requests/submitted"), nil)
	require.Empty(t, ids(r), "without descendants: the account's own")
}

// last_submitted: each submitted request of the account with its last
// move to submitted, and who made it.
func TestLastSubmitted(t *testing.T) {
	e := kazootest.Setup(t)
	resubmitted := e.Create("resubmitted", "+12025559000")
	e.F.Clock.Advance(time.Minute)
	e.Do("PATCH", apitest.CustomerToken, kazootest.URL("customer", "port_requests/"+resubmitted+"/submitted?reason=first"), nil).OK(http.StatusOK, apitest.CustomerToken)
	e.F.Clock.Advance(time.Minute)
	e.F.Move(t, resubmitted, porting.StateRejected)
	e.F.Clock.Advance(time.Minute)
	e.Do("PATCH", apitest.AuthorityToken, kazootest.URL("customer", "port_requests/"+resubmitted+"/submitted?reason=fixed"), nil).OK(http.StatusOK, apitest.AuthorityToken)
	dropped := e.Create("dropped", "+12025559001")
	e.F.Move(t, dropped, porting.StateCanceled) // never submitted
	e.Create("draft", "+12025559002")           // never submitted either

	r := e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/last_submitted?paginate=false"), nil)
	r.OK(http.StatusOK, apitest.CustomerToken)
	l := r.List()
	require.Len(t, l, 1)
	require.Equal(t, resubmitted, l[0]["id"])
	require.Equal(t, map[string]any{
		"type": "transition", "reason": "fixed", "timestamp": kazootest.Gregorian(e.F.Clock.Now()),
		"transition": map[string]any{"previous": "rejected", "new": "submitted"},
		"authorization": map[string]any{
			"account": map[string]any{"id": "authority"}, // not the customer's to name
			"user":    map[string]any{"id": "authority-user", "name": "Authority User", "first_name": "Authority", "last_name": "User"},
		},
	}, l[0]["transition"])

	// Paged as the listings are, a page of requests at a time, newest
	// first (a page of a request never submitted has no line).
	e.F.Clock.Advance(time.Minute)
	second := e.Create("second", "+12025559003")
	e.F.Move(t, second, porting.StateSubmitted)
	var got []string
	next := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 4)
		q := "?page_size=1"
		if next != "" {
			q += "&start_key=" + next
		}
		r = e.Do("GET", apitest.CustomerToken, kazootest.URL("customer", "port_requests/last_submitted"+q), nil)
		r.OK(http.StatusOK, apitest.CustomerToken)
		require.LessOrEqual(t, len(r.List()), 1)
		got = append(got, apitest.StringsAt(r.List(), "id")...)
		if r.Env.NextStartKey == nil {
			break
		}
		next = *r.Env.NextStartKey
	}
	require.Equal(t, []string{second, resubmitted}, got)

	// An account outside the caller's tree.
	e.Do("GET", apitest.OtherToken, kazootest.URL("customer", "port_requests/last_submitted"), nil).Failed(http.StatusForbidden, "")
}

// lnp_lookup answers each number as sent: its losing carrier when
// known, the carrier it may be ported to, and why not when it may not.
func TestLNPLookup(t *testing.T) {
	e := kazootest.Setup(t, func(o *kazoo.Options) { o.CarrierName = "Acme Voice" })
	e.F.Carriers.Add("+1202555", "PACIFIC BELL")
	held := e.Create("held", "+12025559000")
	r := e.Do("POST", apitest.CustomerToken, kazootest.URL("customer", "port_requests/lnp_lookup"),
		`{"data":{"numbers":["(202) 555-9001","+12025559000","not a number","+12025559001"]}}`)
	r.OK(http.StatusOK, apitest.CustomerToken)
	require.Equal(t, map[string]any{"numbers": map[string]any{
		"(202) 555-9001": map[string]any{"e164": "+12025559001", "portable": true,
			"losing_carrier": map[string]any{"name": "PACIFIC BELL", "status": "confirmed"},
			"carriers":       []any{map[string]any{"name": "Acme Voice", "portability": true}}},
		"+12025559001": map[string]any{"e164": "+12025559001", "portable": true,
			"losing_carrier": map[string]any{"name": "PACIFIC BELL", "status": "confirmed"},
			"carriers":       []any{map[string]any{"name": "Acme Voice", "portability": true}}},
		"+12025559000": map[string]any{"e164": "+12025559000", "portable": false, "non_portable_reason": "already_being_ported",
			"port_request_id": held,
			"losing_carrier":  map[string]any{"name": "PACIFIC BELL", "status": "confirmed"},
			"carriers":        []any{map[string]any{"name": "Acme Voice", "portability": false}}},
		"not a number": map[string]any{"portable": false, "non_portable_reason": "invalid_phone_number",
			"carriers": []any{map[string]any{"name": "Acme Voice", "portability": false}}},
	}}, r.Obj())
	// Another account's request is not named.
	r = e.Do("POST", apitest.OtherToken, kazootest.URL("other", "port_requests/lnp_lookup"), `{"data":{"numbers":["+12025559000"]}}`)
	r.OK(http.StatusOK, apitest.OtherToken)
	require.NotContains(t, r.Obj()["numbers"].(map[string]any)["+12025559000"], "port_request_id")
	// The default carrier name.
	d := kazootest.Setup(t)
	r = d.Do("POST", apitest.CustomerToken, kazootest.URL("customer", "port_requests/lnp_lookup"), `{"data":{"numbers":["+12025559000"]}}`)
	require.Equal(t, "portkit", r.Obj()["numbers"].(map[string]any)["+12025559000"].(map[string]any)["carriers"].([]any)[0].(map[string]any)["name"])
}
